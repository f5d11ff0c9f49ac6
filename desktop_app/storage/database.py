"""Opening, migrating, writing to and backing up the one SQLite file that is an office's whole state.

The schema versions themselves are listed in :mod:`.migrations`; every write of the core goes
through :func:`transaction`.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import peewee as pw

from .. import places
from ..text import compare, fold
from . import errors, migrations, restore_journal
from .migrations import latest_version
from .models import database_proxy

log = logging.getLogger("dvk.storage")

DB_FILENAME = "so-dan-van-kheo.db"
ENV_DB = "DVK_DB"


def default_data_dir() -> Path:
    """Per-user data folder (``%LOCALAPPDATA%\\SoDanVanKheo``, XDG on Linux), or beside a portable program."""
    return places.data_dir()


def default_db_path() -> Path:
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env)
    return default_data_dir() / DB_FILENAME


# ----------------------------------------------------------------- writing


@contextmanager
def transaction() -> Iterator[None]:
    """The one way the core writes: a transaction whose known failures reach the user as such.

    A database locked by another program, a read-only file or a full disk raises a
    :class:`errors.StorageError` with a Vietnamese message; anything else is a bug and goes
    through unchanged.  ``BEGIN IMMEDIATE`` takes the write lock at the start, so a busy
    database is waited for (``busy_timeout``) before any work is done rather than failing
    half-way when a read turns into a write.  Nested blocks become savepoints.  It also
    decorates: ``@transaction()`` makes a whole service function one transaction.
    """
    path = _current.path if _current is not None else ""
    with translated(path), database_proxy.atomic(lock_type="IMMEDIATE"):
        yield


# ----------------------------------------------------------------- opening

_current: Database | None = None


def current() -> Database:
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

    def version(self) -> int:
        return int(self.db.execute_sql("PRAGMA user_version").fetchone()[0])

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
        first = _first_failure(exc)
        if isinstance(first, errors.StorageError):  # translated by an inner block already
            raise first from first.__cause__
        known = errors.translate(first, str(path))
        if known is None:
            raise
        log.warning("%s: %s (%s)", path or "database", type(known).__name__, first)  # once: outer blocks re-raise
        raise known from exc


# What SQLite answers to a ROLLBACK (or ROLLBACK TO) when the transaction is already gone.
_ROLLBACK_FAILED = ("no transaction is active", "no such savepoint")


def _first_failure(exc: BaseException) -> BaseException:
    """The failure a failed rollback was cleaning up after.

    On a full disk or an I/O error SQLite rolls the whole transaction back by itself; the ROLLBACK that
    peewee then sends fails as well, and that second error would hide the one the user must read.
    """
    while any(text in str(exc) for text in _ROLLBACK_FAILED) and isinstance(
        exc.__context__, (sqlite3.Error, pw.DatabaseError, errors.StorageError)
    ):
        exc = exc.__context__
    return exc


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
        restore_journal.recover(path)  # a restore killed half-way: finished or rolled back before anything reads
        existed = path.exists()
        if existed:
            _refuse_unusable(path)
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


def _refuse_unusable(path: Path) -> None:
    """Read the file without touching it (no WAL switch) and refuse what must not be initialised or migrated.

    An empty (0-byte) file is a truncated or half-copied database far more often than a new one, and a
    SQLite file with tables but no schema version is another program's: initialising either would hide
    the loss or write our tables into someone else's data.  Only a path that does not exist is created.
    """
    if path.stat().st_size == 0:
        raise errors.DatabaseCorrupt(
            f"Tệp dữ liệu «{path}» rỗng (0 byte), có thể đã bị hỏng khi chép hoặc khi máy tắt đột ngột. "
            "Chương trình không tự tạo lại để tránh mất dữ liệu; hãy phục hồi từ bản sao lưu hoặc chọn tệp khác."
        )
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        current = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
        ).fetchone()[0]
    finally:
        conn.close()
    if current == 0 and tables:
        raise errors.StorageError(
            f"Tệp «{path}» là tệp SQLite của chương trình khác, không phải tệp dữ liệu của Sổ Dân vận khéo. "
            "Chương trình không ghi vào tệp này; hãy chọn đúng tệp dữ liệu."
        )
    target = latest_version()
    if current > target:
        raise errors.DatabaseTooNew(
            f"Tệp dữ liệu «{path}» được tạo bởi phiên bản mới hơn của chương trình "
            f"(lược đồ {current}, phiên bản này chỉ đọc được đến {target}). "
            "Hãy cập nhật chương trình trước khi mở tệp này."
        )


# The automatic backup folder (services.autobackup owns it): the one the user chose (a setting), else this folder
# beside the database.  Named here because the copy taken before a migration goes there too.
BACKUP_FOLDER_NAME = "sao-luu"
BACKUP_FOLDER_SETTING = "backup.folder"


def backup_before_migration(database: Database, version: int) -> Path:
    """A copy of the file as it is, before the first migration step, in the automatic backup folder.

    A plain SQLite copy, not a backup zip: building one needs the services above this layer, and the tables
    of an old schema are not those the models describe (the folder setting is read with plain SQL for the
    same reason).  The chosen folder may be a USB stick that is not plugged in: then the default folder.
    Read back (quick_check) before the migration is allowed to start.
    """
    folder = database.path.parent / BACKUP_FOLDER_NAME
    try:
        row = database.db.execute_sql("SELECT value FROM setting WHERE key = ?", (BACKUP_FOLDER_SETTING,)).fetchone()
        chosen = json.loads(row[0]) if row else None
        if chosen and Path(chosen).is_dir():
            folder = Path(chosen)
    except (pw.DatabaseError, ValueError, TypeError):
        log.warning("backup folder setting unreadable before migrating %s", database.path, exc_info=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = folder / f"{database.path.stem}.v{version}-{stamp}.bak{database.path.suffix}"
    database.backup_to(target)
    with translated(target):
        conn = sqlite3.connect(f"{target.resolve().as_uri()}?mode=ro", uri=True)
        try:
            lines = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        finally:
            conn.close()
    if lines != ["ok"]:
        raise errors.DatabaseCorrupt(
            f"Bản sao trước khi nâng cấp «{target}» đọc lại bị lỗi ({'; '.join(lines)}); tệp dữ liệu chưa được "
            "nâng cấp. Hãy kiểm tra ổ đĩa và tệp dữ liệu (lệnh check)."
        )
    return target


def _migrate(database: Database, current: int, target: int) -> None:
    for version in range(current + 1, target + 1):
        step = migrations.step(version)
        with database.db.atomic():
            step(database.db)
            database.db.execute_sql(f"PRAGMA user_version = {int(version)}")
        log.info("migrated %s to schema %d", database.path, version)


def migrate_to(database: Database, version: int) -> None:
    """Bring the schema to exactly ``version`` (used by tests to build old databases)."""
    _migrate(database, database.version(), version)
