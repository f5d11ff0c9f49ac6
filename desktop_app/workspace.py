"""Which database file the program works on: the office's own, or the separate demo file beside it.

The demo lives in its own file (``du-lieu-mau.db`` next to the office database) so that trying the
program never adds a single unit or model to the office's data.  Exactly one of the two is open
at a time; switching closes the current file and opens the other, rebinding every table.  A file
is the demo if and only if it carries the demo file name, so the answer survives restarts and
does not depend on how the file was opened.

Also here: the list of years worth offering in a year selector, a query over every table that
holds data of a year.
"""

from __future__ import annotations

import logging
import shutil
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .appraisal.tables import CouncilMember, CriteriaSet, Decision
from .errors import AppError
from .fileio import sweep_leftovers
from .services import catalogues, settings
from .storage import database as storage
from .storage import lock as writer_lock
from .storage import restore_journal
from .storage.errors import DatabaseCorrupt, StorageError
from .storage.integrity import CheckReport, check_file
from .storage.models import MoHinh
from .tasks import TaskState

if TYPE_CHECKING:  # the demo's builders (appraisal, review, history) are loaded when the demo is filled
    from .demo import DemoResult

log = logging.getLogger("dvk.workspace")

DEMO_FILENAME = "du-lieu-mau.db"
# Set in the demo file once the demo has been loaded completely, so a later opening does not
# bring back demo records the user deleted while trying the program.
DEMO_LOADED_KEY = "demo.loaded"

# The office database the user works on; remembered while the demo is open.
_office_path: Path | None = None
# The single-writer lock on the open file, held from opening to closing or switching (storage/lock.py).
_lock: writer_lock.WriterLock | None = None


def forget_office() -> None:
    """Forget which file is the office database (a new session, or a test, starts afresh)."""
    global _office_path
    _office_path = None
    _release_lock()


def _release_lock() -> None:
    global _lock
    if _lock is not None:
        _lock.release()
        _lock = None


def is_demo_path(path: Path | str) -> bool:
    return Path(path).name == DEMO_FILENAME


def _current_or_none() -> storage.Database | None:
    try:
        return storage.current()
    except StorageError:
        return None


def office_path() -> Path:
    """The office database: the open one unless it is the demo, else the one remembered, else the default."""
    current = _current_or_none()
    if current is not None and not is_demo_path(current.path):
        return current.path
    if _office_path is not None:
        return _office_path
    return storage.default_db_path().expanduser().resolve()


def demo_path(office: Path | str | None = None) -> Path:
    """The demo file, in the same folder as the office database."""
    return Path(office or office_path()).expanduser().resolve().with_name(DEMO_FILENAME)


def is_demo_open() -> bool:
    current = _current_or_none()
    return current is not None and is_demo_path(current.path)


def demo_exists(office: Path | str | None = None) -> bool:
    return demo_path(office).exists()


class DamagedDatabase(DatabaseCorrupt):
    """The file's pages are damaged: it is neither migrated nor written, and the GUI offers the newest good backup."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.path = path
        self.problems = problems
        super().__init__(
            f"Tệp dữ liệu «{path}» bị hỏng ({problems[0]}). Chương trình không ghi gì vào tệp này; hãy phục hồi "
            "từ bản sao lưu gần nhất và giữ lại tệp hỏng để kiểm tra."
        )


def refuse_damaged(path: Path) -> None:
    """quick_check before anything writes (the WAL switch, a migration, the default catalogues).

    Damaged pages that pass the opening surface later as an unexpected error in the middle of some action, and
    every write to a damaged file risks spreading the damage.  An interrupted restore is settled first, as
    :func:`storage.open_database` would: what is checked is the file that would be opened.
    """
    restore_journal.recover(path)
    if path.exists():
        report = _early_report(path) or check_file(path, full=False)
        if report.damaged:
            raise DamagedDatabase(path, report.problems)


# The file being checked early (see check_early): its state when the check began, the thread, and its report.
_early: dict[Path, tuple[tuple[tuple[int, int], ...], threading.Thread, list[CheckReport]]] = {}


def _stamp(path: Path) -> tuple[tuple[int, int], ...]:
    """Size and modification time of the file and its write-ahead log: what a check depends on.

    An empty log holds nothing to check, and the check's own read-only opening creates one where there was none.
    """
    main = path.stat()
    log = path.with_name(path.name + "-wal")
    wal = log.stat() if log.exists() else None
    return ((main.st_size, main.st_mtime_ns),) + (((wal.st_size, wal.st_mtime_ns),) if wal and wal.st_size else ())


def check_early(path: Path | str | None = None) -> None:
    """Start the damage check of the office file on a thread of its own, at the very start of the program.

    On a province's archive the check reads every page (a second or more); SQLite does that without Python's
    lock, so the window's modules load meanwhile.  :func:`refuse_damaged` takes the report if the file has not
    changed since, and checks again otherwise; a file with an interrupted restore is not checked early (the
    restore is settled first).  Nothing here writes.
    """
    try:
        target = (Path(path) if path else storage.default_db_path()).expanduser().resolve()
        if target in _early or not target.is_file() or restore_journal.journal_path(target).exists():
            return
        stamp = _stamp(target)
    except OSError:
        return  # the opening itself says what is wrong with the path
    found: list[CheckReport] = []
    thread = threading.Thread(
        target=lambda: found.append(check_file(target, full=False)), name="kiem-tra-tep", daemon=True
    )
    thread.start()
    _early[target] = (stamp, thread, found)


def _early_report(path: Path) -> CheckReport | None:
    """The early check's report of ``path``, if one was made of the file as it still is."""
    entry = _early.pop(path.resolve(), None)
    if entry is None:
        return None
    stamp, thread, found = entry
    thread.join()
    try:
        unchanged = _stamp(path) == stamp
    except OSError:
        return None
    return found[0] if found and unchanged else None


def _open(path: Path) -> storage.Database:
    refuse_damaged(path)
    database = storage.open_database(path)
    # After open_database (which first finishes or rolls back an interrupted restore): partial exports,
    # backup snapshots and staging folders of jobs killed last time go now, before any new job can start.
    sweep_leftovers(database.path.parent)
    catalogues.ensure_defaults()
    return database


def _take_lock(path: Path) -> writer_lock.WriterLock:
    """The writer lock on ``path``, taken before the open file is closed: a file in use elsewhere is
    refused while the one open stays open."""
    return writer_lock.acquire(path, writer_lock.PROGRAM_GUI)


def _open_locked(path: Path, held: writer_lock.WriterLock) -> storage.Database:
    global _lock
    try:
        database = _open(path)
    except BaseException:
        held.release()
        raise
    _lock = held
    return database


def _close_current() -> None:
    """Close the open file and give up its writer lock."""
    current = _current_or_none()
    if current is not None:
        current.close()
    _release_lock()


def close() -> None:
    """The program ends: close the open file and let the next program have it."""
    _close_current()


def open_office(path: Path | str | None = None) -> storage.Database:
    """Start-up: open (creating and migrating) the office database and remember it as the office's."""
    global _office_path
    target = Path(path) if path else storage.default_db_path()
    target = target.expanduser().resolve()
    if is_demo_path(target):
        raise AppError(
            f"Tệp «{target.name}» là tệp dữ liệu mẫu, không dùng làm dữ liệu của cơ quan. Hãy chọn tệp dữ liệu khác."
        )
    held = _take_lock(target)
    _close_current()
    database = _open_locked(target, held)
    _office_path = database.path
    return database


def switch_to_office() -> storage.Database:
    """Close the demo (or whatever is open) and reopen the office database."""
    target = office_path()
    current = _current_or_none()
    if current is not None and current.path == target:
        return current
    return open_office(target)


def switch_to_demo(office: Path | str | None = None) -> storage.Database:
    """Close the office database and open the demo file beside it, creating it (empty) if missing.

    The demo is filled by :func:`fill_demo`, a long job the GUI runs on its worker.
    """
    global _office_path
    current = _current_or_none()
    if current is not None and is_demo_path(current.path):
        return current
    source = Path(office).expanduser().resolve() if office else office_path()
    _office_path = source
    held = _take_lock(demo_path(source))
    _close_current()
    return _open_locked(demo_path(source), held)


def demo_needs_filling() -> bool:
    if not is_demo_open():
        raise AppError("Tệp dữ liệu mẫu chưa được mở.")
    return not settings.get_value(DEMO_LOADED_KEY, False)


def fill_demo(task: TaskState | None = None) -> DemoResult | None:
    """Load the demo into the open demo file, once; returns None when it was filled before."""
    if not demo_needs_filling():
        return None
    from .demo import load_demo

    with storage.transaction():  # the mark goes in with the data, so a failed load is tried again
        result = load_demo(task)
        settings.set_value(DEMO_LOADED_KEY, True)
    log.info("demo loaded into %s", storage.current().path)
    return result


def open_demo(task: TaskState | None = None, office: Path | str | None = None) -> storage.Database:
    """Open the demo file (created and filled on first use) in place of the office database."""
    database = switch_to_demo(office)
    fill_demo(task)
    return database


def delete_demo(office: Path | str | None = None) -> bool:
    """Delete the demo file, its journal and its attachments; refused while it is open.

    Returns False when there was no demo file.
    """
    path = demo_path(office)
    current = _current_or_none()
    if current is not None and current.path == path:
        raise AppError("Đang xem dữ liệu mẫu: hãy quay về dữ liệu của cơ quan trước khi xóa dữ liệu mẫu.")
    writer_lock.refuse_if_held_elsewhere(path)  # another window showing the demo would lose its file
    existed = path.exists()
    try:
        for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"), path):
            extra.unlink(missing_ok=True)
        # Free (checked above), so nobody is locking on them: the demo leaves no file behind.
        writer_lock.lock_path(path).unlink(missing_ok=True)
        writer_lock.info_path(path).unlink(missing_ok=True)
        shutil.rmtree(path.with_name(path.name + ".files"), ignore_errors=True)
    except OSError as exc:
        raise AppError(
            f"Không xóa được tệp dữ liệu mẫu «{path}»: {exc.strerror or exc}. "
            "Hãy đóng các chương trình khác đang mở tệp này rồi thử lại."
        ) from exc
    return existed


def close_thread_connection() -> None:
    """Close this thread's connection to the open database.

    peewee keeps one connection per thread; the GUI thread and the database worker each have
    their own.  Closing the database from one thread leaves the other's open, which keeps the
    file locked on Windows (a demo file that cannot be deleted, a restore that cannot replace).
    """
    current = _current_or_none()
    if current is not None and not current.db.is_closed():
        current.db.close()


def available_years() -> list[int]:
    """Years worth offering in a year selector, newest first.

    Years that have models, the office's current year, and years with appraisal data the user
    entered (council members, custom criteria sets, a decision).  Default criteria sets do not
    count: they are created by merely looking at a year.  Never empty: with no data at all the
    current calendar year is offered.
    """
    years = {row.year for row in MoHinh.select(MoHinh.year).distinct()}
    office_year = settings.get_office().current_year
    if office_year:
        years.add(int(office_year))
    queries = (
        Decision.select(Decision.year).distinct(),
        CouncilMember.select(CouncilMember.year).distinct(),
        CriteriaSet.select(CriteriaSet.year).where(~CriteriaSet.is_default).distinct(),
    )
    for query in queries:
        years.update(row.year for row in query)
    if not years:
        years.add(date.today().year)
    return sorted(years, reverse=True)
