"""Opening, migrating and backing up the one SQLite file that is an office's whole state."""
from __future__ import annotations

import logging
import os
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator

import peewee as pw
from platformdirs import user_data_dir
from playhouse.migrate import SqliteMigrator, migrate

from .. import APP_ID
from ..text import compare, fold
from . import errors
from .models import CORE_TABLES, MoHinh, database_proxy

log = logging.getLogger("dvk.storage")

DB_FILENAME = "so-dan-van-kheo.db"
ENV_DB = "DVK_DB"


def default_data_dir() -> Path:
    """Per-user data folder (``%LOCALAPPDATA%\\SoDanVanKheo`` on Windows, XDG on Linux)."""
    return Path(user_data_dir(APP_ID, appauthor=False, roaming=False))


def default_db_path() -> Path:
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env)
    return default_data_dir() / DB_FILENAME


# ----------------------------------------------------------------- migrations
# Each step takes the open database and brings it from version N-1 to N.
Migration = Callable[[pw.SqliteDatabase], None]


def _v1_core(db: pw.SqliteDatabase) -> None:
    db.create_tables(CORE_TABLES)


def _v3_person_honorific(db: pw.SqliteDatabase) -> None:
    """Add ``mo_hinh.person_honorific`` ("Ông" / "Bà").

    Step 1 creates tables from today's declarations, so a fresh database already has the
    column; only a file created before this version lacks it.  ``allow_not_null`` with the
    column's SQL default adds it in place: the migrator's other path rebuilds the table, and
    dropping the old table would cascade-delete indicators and history.
    """
    table = MoHinh._meta.table_name
    if any(column.name == "person_honorific" for column in db.get_columns(table)):
        return
    # Declared here, not taken from MoHinh, so that this step stays what it was when written.
    field = pw.CharField(default="", constraints=[pw.SQL("DEFAULT ''")])
    migrate(SqliteMigrator(db).add_column(table, "person_honorific", field, allow_not_null=True))


# Version 2 (appraisal tables) is registered by ``desktop_app.appraisal.tables`` on import.
MIGRATIONS: dict[int, Migration] = {1: _v1_core, 3: _v3_person_honorific}


def register_migration(version: int, step: Migration) -> None:
    """Other parts of the core add their tables as later versions (appraisal is 2)."""
    if version in MIGRATIONS and MIGRATIONS[version] is not step:
        raise RuntimeError(f"migration {version} registered twice")
    MIGRATIONS[version] = step


def latest_version() -> int:
    # The appraisal part of the core owns schema version 2 and registers it on import.
    from ..appraisal import tables  # noqa: F401
    latest = max(MIGRATIONS)
    missing = [v for v in range(1, latest + 1) if v not in MIGRATIONS]
    if missing:  # a gap would migrate a file half-way and stamp it as done
        raise RuntimeError(f"schema migrations {missing} are not registered")
    return latest


# ----------------------------------------------------------------- opening

_current: "Database | None" = None


def current() -> "Database":
    """The database opened last (the one every table is bound to)."""
    if _current is None:
        raise errors.StorageError("Chưa mở tệp dữ liệu nào.")
    return _current

class Database:
    """The open database file.  Use :func:`open_database`."""

    def __init__(self, path: Path, db: pw.SqliteDatabase) -> None:
        self.path = path
        self.db = db

    @property
    def files_dir(self) -> Path:
        """Folder beside the database holding attachment files."""
        return self.path.with_name(self.path.name + ".files")

    @contextmanager
    def atomic(self) -> Iterator[None]:
        with translated(self.path):
            with self.db.atomic():
                yield

    def version(self) -> int:
        return self.db.execute_sql("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        if not self.db.is_closed():
            try:
                self.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            except pw.DatabaseError:
                log.exception("checkpoint before close failed")
            self.db.close()
        global _current
        if database_proxy.obj is self.db:
            database_proxy.initialize(None)
        if _current is self:
            _current = None

    def backup_to(self, target: Path) -> Path:
        """Consistent copy of the live database into one file (SQLite online backup)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        with translated(target):
            dest = sqlite3.connect(str(target))
            try:
                self.db.connection().backup(dest)
            finally:
                dest.close()
        return target


@contextmanager
def translated(path: Path | str = "") -> Iterator[None]:
    """Turn known sqlite failures into :class:`errors.StorageError`; let bugs through."""
    try:
        yield
    except errors.StorageError:
        raise
    except (sqlite3.Error, pw.DatabaseError) as exc:
        known = errors.translate(exc, str(path))
        if known is None:
            raise
        raise known from exc


def _make_db(path: Path) -> pw.SqliteDatabase:
    db = pw.SqliteDatabase(
        str(path),
        pragmas={
            "journal_mode": "wal",
            "foreign_keys": 1,
            "synchronous": 2,  # FULL: offices lose power
            "busy_timeout": 5000,
        },
        check_same_thread=False,
    )
    db.register_collation(compare, "VI")
    db.register_function(fold, "vfold", 1)
    return db


def open_database(path: Path | str | None = None, *, migrate: bool = True) -> Database:
    """Open (creating if needed) and migrate the database, binding all tables to it.

    An older schema is migrated after a backup copy is written beside the file; a
    newer one (from a later version of the program) is refused.
    """
    path = Path(path) if path else default_db_path()
    path = path.expanduser().resolve()
    with translated(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        existed = path.exists() and path.stat().st_size > 0
        if existed:
            _refuse_newer(path)
        db = _make_db(path)
        db.connect()
        try:
            database = Database(path, db)
            database_proxy.initialize(db)
            current = database.version()
            target = latest_version()
            if current > target:
                raise errors.DatabaseTooNew(f"Tệp dữ liệu «{path}» được tạo bởi phiên bản mới hơn của chương trình.")
            if migrate and current < target:
                if existed and current > 0:
                    backup = backup_before_migration(database, current)
                    log.info("backed up %s to %s before migrating", path, backup)
                _migrate(database, current, target)
        except BaseException:
            db.close()
            if database_proxy.obj is db:
                database_proxy.initialize(None)
            raise
    global _current
    _current = database
    return database


def _refuse_newer(path: Path) -> None:
    """Read the schema version without touching the file (no WAL switch) and refuse a newer one."""
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    finally:
        conn.close()
    target = latest_version()
    if current > target:
        raise errors.DatabaseTooNew(
            f"Tệp dữ liệu «{path}» được tạo bởi phiên bản mới hơn của chương trình "
            f"(lược đồ {current}, phiên bản này chỉ đọc được đến {target}). "
            "Hãy cập nhật chương trình trước khi mở tệp này.")


def backup_before_migration(database: Database, version: int) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = database.path.with_name(f"{database.path.stem}.v{version}-{stamp}.bak{database.path.suffix}")
    return database.backup_to(target)


def _migrate(database: Database, current: int, target: int) -> None:
    for version in range(current + 1, target + 1):
        step = MIGRATIONS[version]
        with database.db.atomic():
            step(database.db)
            database.db.execute_sql(f"PRAGMA user_version = {int(version)}")
        log.info("migrated %s to schema %d", database.path, version)


def migrate_to(database: Database, version: int) -> None:
    """Bring the schema to exactly ``version`` (used by tests to build old databases)."""
    _migrate(database, database.version(), version)
