import sqlite3
import subprocess
import sys
from pathlib import Path

import peewee as pw
import pytest

from desktop_app.appraisal import council
from desktop_app.services import catalogues, settings, units
from desktop_app.storage import database as storage
from desktop_app.storage import migrations
from desktop_app.storage.database import default_db_path, latest_version, migrate_to, open_database, transaction
from desktop_app.storage.errors import DatabaseCorrupt, DatabaseLocked, DatabaseReadOnly, DatabaseTooNew, DiskFull
from desktop_app.storage.models import Field, Unit


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
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, step))
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
    backups = list((data_dir / "sao-luu").glob(f"cũ.v{target - 1}-*.bak.db"))  # the automatic backup folder
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


# ----------------------------------------------------------------- migrations


def test_migrations_are_one_ordered_list():
    assert latest_version() == len(migrations.MIGRATIONS) == 9
    assert [migrations.step(v) for v in (1, 2, 3, 4, 5, 6, 7, 8, 9)] == [
        migrations.v1_core,
        migrations.v2_appraisal,
        migrations.v3_person_honorific,
        migrations.v4_indicator_categories_and_event_dates,
        migrations.v5_model_version,
        migrations.v6_history,
        migrations.v7_source_offices,
        migrations.v8_progress,
        migrations.v9_model_list_index,
    ]
    with pytest.raises(ValueError):
        migrations.step(10)


def test_opening_does_not_depend_on_what_was_imported_before(data_dir):
    """A fresh interpreter that imports only the storage module gets every table, appraisal's too."""
    path = data_dir / "chỉ mở.db"
    code = (
        "import sys; from desktop_app.storage.database import open_database; db = open_database(sys.argv[1]); "
        "print(db.version(), sorted(db.db.get_tables())); db.close()"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    version, tables = out.split(" ", 1)
    assert int(version) == latest_version()
    assert "'score'" in tables and "'decision'" in tables and "'mo_hinh'" in tables


# ----------------------------------------------------------------- writes: known failures reach the user


def test_a_write_while_another_program_holds_the_lock_is_a_known_error(db):
    db.db.execute_sql("PRAGMA busy_timeout = 0")  # fail at once instead of waiting five seconds for the lock
    other = sqlite3.connect(db.path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseLocked, match="đang được chương trình khác sử dụng") as caught:
            units.create_unit("Hội Nông dân xã Đạ Đờn")
        assert str(db.path) in str(caught.value)
        with pytest.raises(DatabaseLocked):
            council.add_member(2024, "Trần Văn Nam")  # a write that had no transaction before
    finally:
        other.rollback()
        other.close()
    units.create_unit("Hội Nông dân xã Đạ Đờn")  # the lock released, the same write goes through
    assert Unit.select().where(Unit.name == "Hội Nông dân xã Đạ Đờn").count() == 1


def test_a_write_to_a_read_only_database_is_a_known_error_and_changes_nothing(db):
    db.db.execute_sql("PRAGMA query_only = 1")  # as a file the program may read but not write
    try:
        with pytest.raises(DatabaseReadOnly, match="chỉ cho phép đọc"):
            settings.set_value("thử", 1)
    finally:
        db.db.execute_sql("PRAGMA query_only = 0")
    assert settings.get_value("thử") is None


def test_a_full_disk_during_a_write_is_a_known_error_and_rolls_back(db):
    pages = db.db.execute_sql("PRAGMA page_count").fetchone()[0]
    db.db.execute_sql(f"PRAGMA max_page_count = {pages}")  # the file may not grow: as a full disk
    long_note = "Ghi chú rất dài. " * 20_000
    with pytest.raises(DiskFull, match="Ổ đĩa đã đầy"):
        units.create_unit("Chi hội Phụ nữ thôn Hoàn Kiếm", note=long_note)
    # SQLite has rolled the transaction back itself; inside an outer transaction the savepoint is gone too.
    with pytest.raises(DiskFull, match="Ổ đĩa đã đầy"), transaction():
        units.create_unit("Chi hội Phụ nữ thôn Hoàn Kiếm", note=long_note)
    assert not Unit.select().where(Unit.name == "Chi hội Phụ nữ thôn Hoàn Kiếm").exists()
    db.db.execute_sql("PRAGMA max_page_count = 1073741823")  # space again: the same connection writes on
    units.create_unit("Chi hội Phụ nữ thôn Hoàn Kiếm", note=long_note)
    assert Unit.select().where(Unit.name == "Chi hội Phụ nữ thôn Hoàn Kiếm").exists()


def test_a_bug_inside_a_transaction_is_not_disguised_and_rolls_back(db):
    before = Field.select().count()
    with pytest.raises(pw.IntegrityError), transaction():
        Field.create(name="Lĩnh vực mới", name_fold="linh vuc moi", sort_order=99)
        Field.create(name=None, name_fold="x", sort_order=100)  # NOT NULL: a programming error
    assert Field.select().count() == before


def test_transactions_nest(db):
    with transaction():
        catalogues.create("field", "Nông thôn mới")  # itself a transaction: a savepoint inside this one
        assert db.db.in_transaction()
    assert catalogues.find("field", "Nông thôn mới") is not None
