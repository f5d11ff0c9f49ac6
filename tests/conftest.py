"""Shared fixtures.  Tests run headless, in a data folder named like a Vietnamese Windows user's."""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.services import catalogues  # noqa: E402
from desktop_app.storage.database import open_database  # noqa: E402

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
    yield home


@pytest.fixture
def data_dir(tmp_path) -> Path:
    path = tmp_path / USER_FOLDER / "Dữ liệu Dân vận khéo"
    path.mkdir(parents=True)
    return path


@pytest.fixture
def db(data_dir):
    """An open, migrated database with the default catalogues."""
    database = open_database(data_dir / "sổ dân vận.db")
    catalogues.ensure_defaults()
    yield database
    database.close()


@pytest.fixture
def demo_db(db):
    from desktop_app.demo import load_demo
    load_demo()
    return db
