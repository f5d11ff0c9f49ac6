"""Automatic backups: when they are made, where they go, how many are kept, and finding a good one.

A backup is made on close, once a day while the program is open, and before an import, a restore, a decision
and a migration (that one by :func:`storage.database.backup_before_migration`, a plain copy of the old file).
Each is an ordinary backup zip (:func:`.backup.create_backup`: quick_check of the data first, re-read and hashed
after writing) named ``tu-dong-YYYYMMDD-HHMMSS-<reason>.zip``, so the name alone tells when and why it was made
and a manual backup dropped in the same folder is never mistaken for one (nor ever deleted).

The folder is ``sao-luu`` beside the database unless the user chose another (a setting, so it travels with the
file); a chosen folder that is gone (a USB stick left at home) falls back to the default with a warning rather
than losing the backup.

Every function that depends on the time takes ``now``: tests run a year of backups without waiting for one.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from .. import workspace
from ..errors import AppError, Cancelled
from ..storage import database as storage
from ..storage.database import BACKUP_FOLDER_NAME, BACKUP_FOLDER_SETTING
from ..storage.errors import StorageError
from ..storage.integrity import check_file
from ..tasks import TaskState
from ..text import format_date, format_number
from . import settings
from .backup import check_backup, create_backup, read_manifest

log = logging.getLogger("dvk.autobackup")

AUTO_PREFIX = "tu-dong-"
KEEP_DAILY = 10  # the newest backup of each of the 10 most recent days that have one
KEEP_MONTHLY = 12  # ... and of each of the 12 most recent months

# Why a backup was made: the code goes into the file name (plain ASCII, safe on any USB stick), the label on screen.
REASONS: dict[str, str] = {
    "dong": "Khi đóng chương trình",
    "hang-ngay": "Hằng ngày",
    "nhap": "Trước khi nhập từ Excel",
    "nhan-goi": "Trước khi nhận gói báo cáo",
    "quyet-dinh": "Trước khi ban hành quyết định",
    "phuc-hoi": "Trước khi phục hồi",
    "nang-cap": "Trước khi nâng cấp dữ liệu",
    "ngay": "Sao lưu ngay",
}
MANUAL_LABEL = "Sao lưu thủ công"
# Made by the user's own click (Cài đặt › Sao lưu ngay): listed with the others, but retention never deletes it.
KEPT_REASONS = {"ngay"}
# Made just before a restore, which may be restoring one of the automatic backups: trimming then could delete
# the very file about to be restored.  The next backup trims.
UNTRIMMED_REASONS = {"phuc-hoi"}

_AUTO_NAME = re.compile(r"^tu-dong-(\d{8})-(\d{6})-([a-z0-9-]+?)(?:-(\d+))?\.zip$")


def _made_order(moment: datetime, path: Path) -> tuple[datetime, int]:
    """Oldest first; two made in the same second are told apart by the counter the second one got ("-2")."""
    match = _AUTO_NAME.match(path.name)
    return moment, int(match[4]) if match and match[4] else 1


@dataclass(frozen=True)
class BackupEntry:
    """One backup in the list of Cài đặt and of ``backup list``."""

    path: Path
    created_at: datetime
    size: int  # bytes
    models_by_year: dict[int, int] = field(default_factory=dict)
    reason: str = ""  # a code of REASONS; "" for a manual backup
    problem: str = ""  # why its manifest could not be read ("" when it could)

    @property
    def automatic(self) -> bool:
        return bool(self.reason)

    @property
    def models(self) -> int:
        return sum(self.models_by_year.values())

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason) if self.reason else MANUAL_LABEL

    @property
    def when_text(self) -> str:
        return format_datetime(self.created_at)

    @property
    def size_text(self) -> str:
        return format_size(self.size)

    def to_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "size": self.size,
            "reason": self.reason,
            "reason_label": self.reason_label,
            "models": self.models,
            "models_by_year": {str(y): n for y, n in sorted(self.models_by_year.items())},
            "problem": self.problem,
        }


@dataclass(frozen=True)
class Folder:
    path: Path
    warning: str = ""  # set when the chosen folder is missing and the default one is used instead


@dataclass(frozen=True)
class Outcome:
    """What an automatic backup came to; ``warning`` is the one line the user reads when it was not made."""

    path: Path | None
    warning: str = ""
    skipped: bool = False  # the user pressed «Hủy» on the backup's progress: they know, nothing to warn about


def format_datetime(moment: datetime) -> str:
    return f"{format_date(moment)} {moment:%H:%M}"


def format_size(size: int) -> str:
    if size < 1024**2:
        return f"{format_number(max(size, 1) / 1024, 0)} KB"
    return f"{format_number(size / 1024**2, 1)} MB"


# ----------------------------------------------------------------- the folder


def default_folder(db_path: Path | None = None) -> Path:
    """``sao-luu`` beside the database."""
    return (db_path or storage.current().path).parent / BACKUP_FOLDER_NAME


def chosen_folder() -> Path | None:
    """The folder the user chose for the open database (None: the default)."""
    value = settings.get_value(BACKUP_FOLDER_SETTING)
    return Path(value) if value else None


def backup_folder() -> Folder:
    """Where the next automatic backup of the open database goes."""
    chosen = chosen_folder()
    if chosen is None or chosen.is_dir():
        return Folder(chosen or default_folder())
    fallback = default_folder()
    return Folder(
        fallback,
        f"Không thấy thư mục sao lưu «{chosen}» (ổ USB chưa cắm?); bản sao lưu được ghi tạm vào «{fallback}».",
    )


def set_folder(path: Path | str | None) -> Path:
    """Make ``path`` the backup folder of the open database (None: back to the default); it must be writable."""
    if path is None or Path(path) == default_folder():
        settings.set_value(BACKUP_FOLDER_SETTING, None)
        return default_folder()
    folder = Path(path).expanduser().resolve()
    probe = folder / f".thu-ghi-{uuid.uuid4().hex}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise AppError(f"Không ghi được vào thư mục «{folder}»: {exc.strerror or exc}. Hãy chọn thư mục khác.") from exc
    settings.set_value(BACKUP_FOLDER_SETTING, str(folder))
    return folder


def folders_for(db_path: Path) -> list[Path]:
    """Folders that may hold backups of ``db_path``, read without opening it for writing (it may be damaged).

    The chosen folder comes from the file itself, read-only and best effort: a damaged file may not give it.
    """
    folders: list[Path] = []
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM setting WHERE key = ?", (BACKUP_FOLDER_SETTING,)).fetchone()
        finally:
            conn.close()
        value = json.loads(row[0]) if row else None
        if value:
            folders.append(Path(value))
    except (sqlite3.Error, ValueError, TypeError, OSError):
        log.info("backup folder of %s not readable; using the default one", db_path)
    folders.append(default_folder(db_path))
    return [f for i, f in enumerate(folders) if f not in folders[:i]]


def _open_folders() -> list[Path]:
    return [f for f in dict.fromkeys((backup_folder().path, default_folder())) if f.is_dir()]


# ----------------------------------------------------------------- making one


def _automatic_files(folder: Path) -> list[tuple[datetime, str, Path]]:
    found = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for name in names:
        match = _AUTO_NAME.match(name)
        if not match:
            continue
        try:
            moment = datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S")
        except ValueError:
            continue
        found.append((moment, match[3], folder / name))
    return found


def _is_office_open() -> bool:
    """Automatic backups are the office's: the demo file is never backed up (nor its copies mixed with them)."""
    try:
        return not workspace.is_demo_path(storage.current().path)
    except StorageError:
        return False


def make_automatic(reason: str, task: TaskState | None = None, *, now: datetime | None = None) -> Path | None:
    """Back up the open office database into the backup folder, then trim old automatic backups.

    None when nothing is backed up (the demo is open).  Raises :class:`AppError` when the backup cannot be made:
    the data is damaged (create_backup's quick_check refuses it), the disk is full, the folder is not writable.
    """
    if reason not in REASONS:
        raise ValueError(f"unknown backup reason {reason!r}")
    if not _is_office_open():
        return None
    now = now or datetime.now()
    with storage.translated():  # the setting read from a damaged file: a known error, not a bug
        folder = backup_folder().path
    stem = f"{AUTO_PREFIX}{now:%Y%m%d-%H%M%S}-{reason}"
    target = folder / f"{stem}.zip"
    counter = 2
    while target.exists():  # two in the same second (a decision right after an import)
        target = folder / f"{stem}-{counter}.zip"
        counter += 1
    path = create_backup(target, task)
    log.info("automatic backup (%s) written to %s", reason, path)
    try:
        if reason not in UNTRIMMED_REASONS:
            prune(now, folder)
    except OSError:  # trimming is housekeeping: the backup just made stands
        log.warning("could not trim old automatic backups in %s", folder, exc_info=True)
    return path


def try_automatic(reason: str, task: TaskState | None = None, *, now: datetime | None = None) -> Outcome:
    """:func:`make_automatic` for a caller about to do something else: a failure is logged and returned as
    one line, never raised, so the user's action goes on and they are told why there is no backup.

    A cancel (the user pressed «Hủy» on the backup's progress) skips the backup, said the same way.
    """
    label = REASONS.get(reason, reason).lower()
    try:
        with storage.translated():
            where = backup_folder() if _is_office_open() else Folder(Path())
        path = make_automatic(reason, task, now=now)
    except Cancelled:
        return Outcome(None, f"Đã bỏ qua sao lưu tự động ({label}).", skipped=True)
    except AppError as exc:
        log.warning("automatic backup (%s) not made: %s", reason, exc)
        return Outcome(None, f"Chưa sao lưu tự động được ({label}): {exc}")
    return Outcome(path, where.warning if path is not None else "")


def backup_closed_file(
    db_path: Path, reason: str, task: TaskState | None = None, *, now: datetime | None = None
) -> Outcome:
    """:func:`try_automatic` for the command line, which works on a closed file (a restore needs it closed).

    quick_check first: a damaged file is not opened at all (opening writes: the WAL switch), only reported.
    Opened without migrating, so an old file is backed up as it is, and closed again afterwards.
    """
    db_path = Path(db_path).expanduser().resolve()
    if not db_path.is_file() or workspace.is_demo_path(db_path):
        return Outcome(None)
    report = check_file(db_path, full=False)
    if report.damaged:
        return Outcome(
            None,
            f"Không sao lưu tự động ({REASONS.get(reason, reason).lower()}) vì tệp dữ liệu hiện tại bị hỏng: "
            f"{report.problems[0]}",
        )
    try:
        database = storage.open_database(db_path, migrate=False)
    except AppError as exc:
        return Outcome(None, f"Chưa sao lưu tự động được ({REASONS.get(reason, reason).lower()}): {exc}")
    try:
        return try_automatic(reason, task, now=now)
    finally:
        database.close()


def due_daily(now: datetime) -> bool:
    """True when the office database has no automatic backup dated ``now``'s day in its folder."""
    if not _is_office_open():
        return False
    today = now.date()
    return not any(moment.date() == today for moment, _, _ in _automatic_files(backup_folder().path))


def daily(task: TaskState | None = None, *, now: datetime | None = None) -> Outcome | None:
    """The daily backup if it is due (None if not): the timer of the open program calls this on the worker."""
    now = now or datetime.now()
    if not due_daily(now):
        return None
    return try_automatic("hang-ngay", task, now=now)


# ----------------------------------------------------------------- retention


def to_keep(moments: Iterable[tuple[datetime, Path]], now: datetime) -> set[Path]:
    """The automatic backups retention keeps: the newest of each of the 10 most recent days that have one, and of
    each of the 12 most recent months; anything dated after ``now`` too (a clock set back must not delete them).

    Counted in days and months that have a backup, not calendar days before ``now``: an office that does not
    open the program for a month still finds its last ten days of work when it comes back.
    """
    keep: set[Path] = set()
    days: set[date] = set()
    months: set[tuple[int, int]] = set()
    for moment, path in sorted(moments, key=lambda item: _made_order(*item), reverse=True):
        if moment > now:
            keep.add(path)
            continue
        if moment.date() not in days and len(days) < KEEP_DAILY:
            days.add(moment.date())
            keep.add(path)
        month = (moment.year, moment.month)
        if month not in months and len(months) < KEEP_MONTHLY:
            months.add(month)
            keep.add(path)
    return keep


def prune(now: datetime, folder: Path | None = None) -> list[Path]:
    """Delete the automatic backups retention does not keep; manual backups in the folder (and those of «Sao lưu
    ngay») are never touched."""
    folder = folder or backup_folder().path
    found = [(moment, path) for moment, reason, path in _automatic_files(folder) if reason not in KEPT_REASONS]
    keep = to_keep(found, now)
    removed = []
    for _, path in found:
        if path not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    if removed:
        log.info("removed %d old automatic backups from %s", len(removed), folder)
    return removed


# ----------------------------------------------------------------- listing, finding a good one


def _entry(path: Path) -> BackupEntry:
    match = _AUTO_NAME.match(path.name)
    reason = match[3] if match else ""
    named = datetime.strptime(match[1] + match[2], "%Y%m%d%H%M%S") if match else None
    try:
        info = read_manifest(path)
    except AppError as exc:
        size = path.stat().st_size if path.exists() else 0
        moment = named or datetime.fromtimestamp(path.stat().st_mtime)
        return BackupEntry(path, moment, size, {}, reason, problem=str(exc))
    moment = named or info.created_at or datetime.fromtimestamp(path.stat().st_mtime)
    return BackupEntry(path, moment, info.size, dict(info.models_by_year), reason)


def list_backups(folders: Iterable[Path] | None = None) -> list[BackupEntry]:
    """Every backup zip in the backup folders (of the open database unless given), newest first.

    A zip that is not a backup or whose manifest is damaged is listed with its ``problem``, not hidden: the user
    sees that it will not do.
    """
    entries = []
    seen: set[Path] = set()
    for folder in folders if folders is not None else _open_folders():
        try:
            paths = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".zip" and p.is_file())
        except OSError:
            continue
        for path in paths:
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            try:
                entries.append(_entry(path))
            except OSError:  # gone meanwhile
                continue
    return sorted(entries, key=lambda e: _made_order(e.created_at, e.path), reverse=True)


def newest_good_backup(folders: Iterable[Path] | None = None) -> BackupEntry | None:
    """The newest backup that passes the whole check a restore makes (unpacked into a temporary folder)."""
    for entry in list_backups(folders):
        if entry.problem:
            continue
        try:
            check_backup(entry.path)
        except AppError as exc:
            log.warning("backup %s does not pass its check: %s", entry.path, exc)
            continue
        return entry
    return None
