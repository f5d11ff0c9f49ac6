"""Shared fixtures.  Tests run headless, in a data folder named like a Vietnamese Windows user's."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app import workspace
from desktop_app.appraisal.criteria import invalidate_cache
from desktop_app.demo import load_demo
from desktop_app.services import catalogues
from desktop_app.storage import database as storage
from desktop_app.storage.database import Database, open_database
from desktop_app.storage.errors import StorageError

USER_FOLDER = "Nguyễn Văn A"


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Point the per-user folders (data, logs, Qt settings) at a Vietnamese-named temp folder."""
    home = tmp_path_factory.mktemp("home") / USER_FOLDER
    home.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("DVK_DB", raising=False)
    monkeypatch.setenv("DVK_PORTABLE", "0")  # a portable.txt left in a checkout must not move the tests' data
    yield home


@pytest.fixture(autouse=True)
def _no_state_between_tests(monkeypatch):
    """What the core keeps per process starts empty in every test and is gone after it.

    The office path ``workspace`` remembers while the demo is open is forgotten; a database a test left open
    (the demo it switched to, a file it opened itself) is closed afterwards, so the
    next test never finds the tables bound to someone else's file.
    """
    workspace.forget_office()
    invalidate_cache()
    yield
    try:
        storage.current().close()
    except StorageError:
        pass  # nothing was left open
    invalidate_cache()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / USER_FOLDER / "Dữ liệu Dân vận khéo"
    path.mkdir(parents=True)
    return path


# ----------------------------------------------------------------- database templates
# Migrating and filling a database costs seconds (the demo year most of all) and every test needs its own file.
# Each kind is built once per session (per xdist worker) and copied: a copy is the same file, opened the same way.

DB_NAME = "sổ dân vận.db"


def _build_template(folder: Path, *, demo: bool) -> Path:
    """A migrated database with the default catalogues (and the demo year), as one complete closed file."""
    folder.mkdir(parents=True, exist_ok=True)
    database = open_database(folder / "đang dựng.db")
    try:
        catalogues.ensure_defaults()
        if demo:
            load_demo(other_years=False)  # the seed year only: tests count it
        # The online backup is a consistent single file whatever still sits in the WAL.
        template = database.backup_to(folder / DB_NAME)
        if database.files_dir.is_dir():
            shutil.copytree(database.files_dir, template.with_name(template.name + ".files"))
    finally:
        database.close()
    return template


def _open_copy(template: Path, target: Path) -> Database:
    """Copy the template file (and its attachment folder) to ``target`` and open it as the test's database."""
    shutil.copyfile(template, target)
    files = template.with_name(template.name + ".files")
    if files.is_dir():
        shutil.copytree(files, target.with_name(target.name + ".files"))
    return open_database(target)


@pytest.fixture(scope="session")
def _blank_template(tmp_path_factory) -> Path:
    return _build_template(tmp_path_factory.mktemp("mẫu trống"), demo=False)


@pytest.fixture(scope="session")
def _demo_template(tmp_path_factory) -> Path:
    return _build_template(tmp_path_factory.mktemp("mẫu demo"), demo=True)


@pytest.fixture
def db(request, data_dir, _blank_template):
    """An open, migrated database with the default catalogues."""
    if "demo_db" in request.fixturenames:  # both asked for (through other fixtures): one file, as before
        yield request.getfixturevalue("demo_db")
        return
    database = _open_copy(_blank_template, data_dir / DB_NAME)
    yield database
    database.close()


@pytest.fixture
def demo_db(data_dir, _demo_template):
    """An open database holding the demo year (Lâm Hà 2023), the test's own copy."""
    database = _open_copy(_demo_template, data_dir / DB_NAME)
    yield database
    database.close()
