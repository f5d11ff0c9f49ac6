"""Backing up and restoring an office's whole state as one file.

The backup is a zip holding a consistent snapshot of the database (SQLite online
backup, so it can be taken while the program runs) and the attachment files.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path

from ..errors import AppError
from ..storage import database as storage
from ..storage.migrations import latest_version
from ..tasks import TaskState

DB_ENTRY = "so-dan-van-kheo.db"
FILES_PREFIX = "files/"


def default_backup_name() -> str:
    return f"sao-luu-dan-van-kheo-{datetime.now():%Y%m%d-%H%M}.zip"


def create_backup(target: Path | str, task: TaskState | None = None) -> Path:
    """Write the backup zip to ``target`` (written to a temporary name first, then renamed)."""
    task = task or TaskState()
    target = Path(target)
    database = storage.current()
    files = sorted(p for p in database.files_dir.glob("*") if p.is_file()) if database.files_dir.exists() else []
    partial = target.with_name(target.name + ".tmp")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            snapshot = database.backup_to(Path(tmp) / DB_ENTRY)
            task.progress(1, len(files) + 2, "Đã chụp dữ liệu")
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.write(snapshot, DB_ENTRY)
                for index, path in enumerate(files, start=2):
                    task.progress(index, len(files) + 2, path.name)
                    archive.write(path, FILES_PREFIX + path.name)
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise AppError(
            f"Không ghi được bản sao lưu «{target}»: {exc.strerror or exc}. "
            "Hãy chọn thư mục khác hoặc kiểm tra dung lượng ổ đĩa."
        ) from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    task.progress(len(files) + 2, len(files) + 2, "Xong")
    return target


def check_backup(source: Path | str) -> int:
    """Validate a backup file without touching anything; returns its schema version."""
    source = Path(source)
    try:
        with zipfile.ZipFile(source) as archive:
            if DB_ENTRY not in archive.namelist():
                raise AppError(f"Tệp «{source.name}» không phải bản sao lưu của Sổ Dân vận khéo.")
            with tempfile.TemporaryDirectory() as tmp:
                archive.extract(DB_ENTRY, tmp)
                conn = sqlite3.connect(Path(tmp) / DB_ENTRY)
                try:
                    if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                        raise AppError(f"Dữ liệu trong bản sao lưu «{source.name}» bị hỏng.")
                    return int(conn.execute("PRAGMA user_version").fetchone()[0])
                finally:
                    conn.close()
    except (zipfile.BadZipFile, sqlite3.DatabaseError) as exc:
        raise AppError(f"Tệp «{source.name}» bị hỏng hoặc không phải bản sao lưu.") from exc


def restore_backup(source: Path | str, db_path: Path | str, task: TaskState | None = None) -> Path:
    """Replace the (closed) database at ``db_path`` with the backup; the old state is kept as ``.truoc-phuc-hoi``.

    The caller closes the database before and reopens it after (which migrates an older backup).
    """
    task = task or TaskState()
    source, db_path = Path(source), Path(db_path)
    version = check_backup(source)
    if version > latest_version():
        raise AppError("Bản sao lưu được tạo bởi phiên bản mới hơn của chương trình; hãy cập nhật chương trình.")
    files_dir = db_path.with_name(db_path.name + ".files")
    keep = db_path.with_name(db_path.name + ".truoc-phuc-hoi")
    keep_files = files_dir.with_name(files_dir.name + ".truoc-phuc-hoi")
    for old in (keep, keep_files):
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink(missing_ok=True)
    for suffix in ("-wal", "-shm"):
        Path(str(db_path) + suffix).unlink(missing_ok=True)
    if db_path.exists():
        db_path.replace(keep)
    if files_dir.exists():
        files_dir.replace(keep_files)
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.namelist()
            for index, name in enumerate(members, start=1):
                task.progress(index, len(members), name)
                if name == DB_ENTRY:
                    with archive.open(name) as src, db_path.open("wb") as dst:
                        shutil.copyfileobj(src, dst)
                elif name.startswith(FILES_PREFIX) and "/" not in name[len(FILES_PREFIX) :]:
                    files_dir.mkdir(parents=True, exist_ok=True)
                    with archive.open(name) as src, (files_dir / name[len(FILES_PREFIX) :]).open("wb") as dst:
                        shutil.copyfileobj(src, dst)
    except BaseException:
        # Put the previous state back exactly as it was.
        db_path.unlink(missing_ok=True)
        shutil.rmtree(files_dir, ignore_errors=True)
        if keep.exists():
            keep.replace(db_path)
        if keep_files.exists():
            keep_files.replace(files_dir)
        raise
    return db_path
