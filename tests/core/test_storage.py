import sqlite3
from pathlib import Path

import pytest

from desktop_app.services import catalogues
from desktop_app.storage import database as storage
from desktop_app.storage.database import default_db_path, latest_version, migrate_to, open_database
from desktop_app.storage.errors import DatabaseCorrupt, DatabaseTooNew
from desktop_app.storage.models import Field


def test_pragmas_for_an_office_that_loses_power(db):
    pragma = lambda name: db.db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2
    assert db.version() == latest_version()


def test_path_with_vietnamese_letters_and_spaces(db, data_dir):
    assert db.path.parent == data_dir.resolve()
    assert "Nguyễn Văn A" in str(db.path)
    assert Field.select().count() == 4


def test_default_location_is_per_user_and_overridable(monkeypatch, tmp_path):
    path = default_db_path()
    assert path.name == "so-dan-van-kheo.db"
    assert "SoDanVanKheo" in str(path)
    monkeypatch.setenv("DVK_DB", str(tmp_path / "khác.db"))
    assert default_db_path() == tmp_path / "khác.db"


def test_old_database_is_backed_up_then_migrated(data_dir, monkeypatch):
    calls = []
    # A later schema version, so that a version-1 file counts as old.
    step = lambda db: (calls.append("v+1"), db.execute_sql("CREATE TABLE extra_test (id INTEGER)"))  # noqa: E731
    target = latest_version() + 1
    monkeypatch.setitem(storage.MIGRATIONS, target, step)
    path = data_dir / "cũ.db"
    old = open_database(path, migrate=False)
    migrate_to(old, target - 1)
    catalogues.ensure_defaults()
    old.close()

    upgraded = open_database(path)
    try:
        assert upgraded.version() == target
        assert calls == ["v+1"]
        assert Field.select().count() == 4  # data kept
    finally:
        upgraded.close()
    backups = list(data_dir.glob(f"cũ.v{target - 1}-*.bak.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == target - 1
        assert conn.execute("SELECT COUNT(*) FROM field").fetchone()[0] == 4


def test_newer_database_is_refused_and_left_alone(data_dir):
    path = data_dir / "mới.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
        conn.execute(f"PRAGMA user_version = {latest_version() + 5}")
    before = path.read_bytes()
    with pytest.raises(DatabaseTooNew, match="phiên bản mới hơn"):
        open_database(path)
    assert path.read_bytes() == before
    assert storage.database_proxy.obj is None


def test_a_file_that_is_not_a_database(data_dir):
    path = data_dir / "hỏng.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(DatabaseCorrupt, match="bị hỏng"):
        open_database(path)


def test_backup_is_a_complete_single_file(db, data_dir):
    catalogues.create("field", "Xây dựng nông thôn mới")
    copy = db.backup_to(data_dir / "sao lưu" / "bản sao.db")
    with sqlite3.connect(copy) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM field")}
    assert "Xây dựng nông thôn mới" in names
