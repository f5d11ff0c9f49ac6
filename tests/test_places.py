"""Where the data, logs and settings go: the user's folders, or beside the program when it runs portable."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from platformdirs import user_data_dir

from desktop_app import APP_ID, places
from desktop_app.errors import AppError
from desktop_app.logs import log_path
from desktop_app.storage import database as storage


@pytest.fixture
def program(tmp_path, monkeypatch) -> Path:
    """A fake program folder (named as a clerk's USB stick might be), without the marker yet."""
    folder = tmp_path / "USB Văn phòng" / "SoDanVanKheo"
    folder.mkdir(parents=True)
    monkeypatch.setattr(places, "program_dir", lambda: folder)
    monkeypatch.delenv(places.ENV_PORTABLE, raising=False)
    return folder


def test_without_the_marker_the_per_user_folders_are_used(program):
    assert not places.is_portable()
    per_user = Path(user_data_dir(APP_ID, appauthor=False, roaming=False))
    assert places.data_dir() == per_user
    assert storage.default_data_dir() == per_user
    assert storage.default_db_path() == per_user / storage.DB_FILENAME
    assert log_path().parent == per_user / "logs"
    assert places.settings_file() is None
    assert places.mode() == "source"
    assert not (program / places.PORTABLE_DATA_FOLDER).exists()


def test_the_marker_keeps_everything_beside_the_program(program):
    (program / "portable.txt").write_text("", encoding="utf-8")
    data = program / "du-lieu"
    assert places.is_portable()
    assert places.mode() == "portable"
    assert places.data_dir() == data
    assert storage.default_db_path() == data / storage.DB_FILENAME
    assert places.log_dir() == data / "logs"
    assert log_path() == data / "logs" / "so-dan-van-kheo.log"
    assert places.settings_file() == data / "cai-dat.ini"
    assert places.MODE_LABELS[places.mode()] == "Bản chạy từ USB (portable)"


def test_the_backups_follow_the_database_onto_the_stick(program):
    (program / "portable.txt").write_text("", encoding="utf-8")
    from desktop_app.services import autobackup

    places.ensure_data_dir()
    database = storage.open_database(storage.default_db_path())
    try:
        assert database.path == program / "du-lieu" / storage.DB_FILENAME
        assert autobackup.backup_folder().path == program / "du-lieu" / "sao-luu"
    finally:
        database.close()


def test_the_environment_variable_is_portable_too(program, monkeypatch):
    monkeypatch.setenv("DVK_PORTABLE", "1")
    assert places.is_portable()
    assert places.data_dir() == program / "du-lieu"
    monkeypatch.setenv("DVK_PORTABLE", "0")
    assert not places.is_portable()


def test_the_environment_variable_can_turn_the_marker_off(program, monkeypatch):
    (program / "portable.txt").write_text("", encoding="utf-8")
    assert places.is_portable()
    monkeypatch.setenv("DVK_PORTABLE", "0")  # a developer's checkout with the marker, running the tests
    assert not places.is_portable()


def test_dvk_db_still_names_the_database(program, monkeypatch, tmp_path):
    (program / "portable.txt").write_text("", encoding="utf-8")
    chosen = tmp_path / "khác" / "sổ.db"
    monkeypatch.setenv("DVK_DB", str(chosen))
    assert storage.default_db_path() == chosen
    assert places.log_dir() == program / "du-lieu" / "logs"  # the logs stay with the program


def test_the_program_folder_frozen_and_from_source(monkeypatch, tmp_path):
    assert (places.program_dir() / "desktop_app" / "places.py").is_file()
    assert places.mode() in ("source", "portable")
    exe = tmp_path / "Sổ Dân vận khéo" / "SoDanVanKheo.exe"
    exe.parent.mkdir()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.delenv(places.ENV_PORTABLE, raising=False)
    assert places.program_dir() == exe.parent
    assert places.mode() == "installed"
    (exe.parent / "portable.txt").write_text("", encoding="utf-8")
    assert places.data_dir() == exe.parent / "du-lieu"


def test_a_portable_copy_where_nothing_can_be_written_is_refused_plainly(tmp_path, monkeypatch):
    # A regular file where the folder should be: no folder can be made under it, even as an administrator.
    blocked = tmp_path / "ổ chỉ đọc"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setattr(places, "program_dir", lambda: blocked / "SoDanVanKheo")
    monkeypatch.setenv("DVK_PORTABLE", "1")
    with pytest.raises(AppError) as refused:
        places.ensure_data_dir()
    message = str(refused.value)
    assert "không ghi được" in message
    assert "portable.txt" in message
    assert str(blocked / "SoDanVanKheo") in message
    assert "\n" not in message


def test_ensure_data_dir_makes_the_folder(program):
    (program / "portable.txt").write_text("", encoding="utf-8")
    assert places.ensure_data_dir() == program / "du-lieu"
    assert (program / "du-lieu").is_dir()
    assert list((program / "du-lieu").iterdir()) == []  # the write test leaves nothing behind
