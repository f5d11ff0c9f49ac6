"""One writer at a time: the lock a program holds on a database file while it may write to it.

SQLite keeps every single write consistent, but not a whole session: a second window on the same
file, or a restore that moves the file aside while a window still writes to it, loses work without
a word.  So the GUI (while a file is open) and every writing command hold this lock; a second
program is refused with a sentence naming who holds the file and since when.

The lock is an operating-system lock (``filelock``: ``flock`` on Linux, ``msvcrt.locking`` on
Windows) on ``<db>.lock``.  The operating system drops it when its process ends, however it ends,
so a crash never leaves a lock behind: a lock whose OS lock is free is stale whatever its holder
file says, and is taken over (and logged).  Who holds it is written apart, in ``<db>.lock.json``,
because the lock file itself is the library's.

Within one process the lock is shared: asking again for a file this process already holds succeeds
(the GUI's own restore, a command that goes through the workspace), and the file is released when
the last holder lets go.
"""

from __future__ import annotations

import getpass
import json
import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import filelock

from .. import APP_NAME
from .errors import DatabaseLocked

log = logging.getLogger("dvk.storage.lock")

PROGRAM_GUI = "giao diện"


def cli_program(command: str) -> str:
    """How a command names itself in the lock (``dòng lệnh: restore``)."""
    return f"dòng lệnh: {command}"


def lock_path(db_path: Path | str) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


def info_path(db_path: Path | str) -> Path:
    path = Path(db_path)
    return path.with_name(path.name + ".lock.json")


@dataclass(frozen=True)
class Holder:
    """Who holds a database file: what the refused program tells its user."""

    pid: int
    host: str
    user: str
    program: str
    since: datetime

    def to_json(self) -> dict[str, object]:
        return {
            "pid": self.pid,
            "host": self.host,
            "user": self.user,
            "program": self.program,
            "since": self.since.isoformat(timespec="seconds"),
        }

    @classmethod
    def from_json(cls, value: object) -> Holder | None:
        if not isinstance(value, dict):
            return None
        try:
            return cls(
                pid=int(value["pid"]),
                host=str(value.get("host", "")),
                user=str(value.get("user", "")),
                program=str(value.get("program", "")),
                since=datetime.fromisoformat(str(value["since"])),
            )
        except (KeyError, TypeError, ValueError):
            return None


class FileInUse(DatabaseLocked):
    """Another program holds the file's writer lock."""

    def __init__(self, db_path: Path, holder: Holder | None) -> None:
        self.path = db_path
        self.holder = holder
        super().__init__(in_use_message(db_path, holder))


def in_use_message(db_path: Path, holder: Holder | None) -> str:
    name = Path(db_path).name
    if holder is None:  # the holder is between taking the lock and writing who it is, or its note is gone
        return f"Tệp dữ liệu «{name}» đang được một chương trình khác mở để ghi. Hãy đóng chương trình đó trước."
    who = f"{APP_NAME} ({holder.program})" if holder.program else APP_NAME
    host = f" trên máy {holder.host}" if holder.host else ""
    user = f" (người dùng {holder.user})" if holder.user else ""
    return (
        f"Tệp dữ liệu «{name}» đang được mở bởi {who}{host}{user} từ {holder.since.strftime('%d/%m/%Y %H:%M')}. "
        "Hãy đóng chương trình đó trước."
    )


def login_name() -> str:
    """Who is logged in: named in the lock note, and in the history until the office names its user."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (a service account, a stripped environment)
        log.warning("no login name; using USERNAME", exc_info=True)
        return os.environ.get("USERNAME", "")


def _this_process(program: str) -> Holder:
    return Holder(os.getpid(), socket.gethostname(), login_name(), program, datetime.now().replace(microsecond=0))


def _read_info(db_path: Path) -> Holder | None:
    try:
        return Holder.from_json(json.loads(info_path(db_path).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def _write_info(db_path: Path, holder: Holder) -> None:
    target = info_path(db_path)
    temporary = target.with_name(target.name + f".{os.getpid()}.tmp")
    try:
        temporary.write_text(json.dumps(holder.to_json(), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, target)  # a reader sees the old note or the new one, never half of one
    except OSError:
        # The note only makes the refusal's sentence precise; the lock itself protects the file.
        log.warning("could not write the lock holder note %s", target, exc_info=True)
        temporary.unlink(missing_ok=True)


@dataclass
class _Entry:
    file_lock: filelock.BaseFileLock | None  # None: the folder takes no lock file (read-only); see acquire
    holder: Holder
    count: int = 1


_held: dict[Path, _Entry] = {}
_guard = threading.Lock()


def _key(db_path: Path | str) -> Path:
    return Path(db_path).expanduser().resolve()


class WriterLock:
    """This process's hold on one database file; :meth:`release` once, or use it as a ``with`` block."""

    def __init__(self, db_path: Path, holder: Holder) -> None:
        self.path = db_path
        self.holder = holder
        self._released = False

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        with _guard:
            entry = _held.get(self.path)
            if entry is None:
                return
            entry.count -= 1
            if entry.count > 0:
                return
            del _held[self.path]
            # The note goes first: once the OS lock is free the next holder writes its own.
            info_path(self.path).unlink(missing_ok=True)
            if entry.file_lock is not None:
                entry.file_lock.release(force=True)
        log.info("released the writer lock on %s", self.path)

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def acquire(db_path: Path | str, program: str) -> WriterLock:
    """Take the writer lock on ``db_path`` for ``program`` or raise :class:`FileInUse` naming its holder.

    Never waits: a file in use is the user's business at once, not after a pause.
    """
    path = _key(db_path)
    with _guard:
        entry = _held.get(path)
        if entry is not None:  # this process holds it already (the GUI's restore, the workspace under a command)
            entry.count += 1
            return WriterLock(path, entry.holder)
        path.parent.mkdir(parents=True, exist_ok=True)
        file_lock = filelock.FileLock(str(lock_path(path)), timeout=0, thread_local=False)
        try:
            file_lock.acquire()
        except filelock.Timeout:
            raise FileInUse(path, _read_info(path)) from None
        except OSError:
            # A folder where no file can be created (read-only media, no permission): SQLite cannot write there
            # either, and refusing to open would only stop the user from reading.  Said in the log.
            log.warning("no writer lock on %s: the lock file cannot be created", path, exc_info=True)
            holder = _this_process(program)
            _held[path] = _Entry(None, holder)
            return WriterLock(path, holder)
        previous = _read_info(path)
        if previous is not None:
            # The OS lock was free, so whoever wrote this note is gone (a crash, a killed process).
            log.info(
                "took over the stale writer lock on %s left by %s (pid %d on %s since %s)",
                path,
                previous.program,
                previous.pid,
                previous.host,
                previous.since.isoformat(),
            )
        holder = _this_process(program)
        _write_info(path, holder)
        _held[path] = _Entry(file_lock, holder)
    log.info("took the writer lock on %s for %s", path, program)
    return WriterLock(path, holder)


@contextmanager
def held(db_path: Path | str, program: str) -> Iterator[WriterLock]:
    """The writer lock for the duration of a ``with`` block."""
    handle = acquire(db_path, program)
    try:
        yield handle
    finally:
        handle.release()


def refuse_if_held_elsewhere(db_path: Path | str) -> None:
    """Raise :class:`FileInUse` when another program holds the file (deleting or replacing it must wait)."""
    path = _key(db_path)
    with _guard:
        if path in _held:
            return
    if not lock_path(path).exists():
        return
    probe = filelock.FileLock(str(lock_path(path)), timeout=0, thread_local=False)
    try:
        probe.acquire()
    except filelock.Timeout:
        raise FileInUse(path, _read_info(path)) from None
    except OSError:
        return  # no lock can be taken there, so none is held either
    probe.release(force=True)


def held_here(db_path: Path | str) -> bool:
    """Whether this process holds the file's writer lock."""
    with _guard:
        return _key(db_path) in _held
