"""Swapping a whole office state (database, its -wal/-shm, the attachment folder) for another, crash-safely.

A restore first unpacks and verifies the new state in a staging folder beside the database
(``<db>.phuc-hoi.dvk-tam/``), then calls :func:`swap`.  The swap only renames, inside one folder, so
every file of the old state exists whole at every instant, either in its place or in the safety
folder ``<db>.truoc-phuc-hoi-<date>/``:

1. the journal ``<db>.phuc-hoi.json`` is written (atomically) naming the staging and safety folders
   and which parts of the old state existed;
2. each part of the old state is renamed into the safety folder;
3. each part of the new state is renamed from the staging folder into place;
4. the journal is rewritten as "done" (the commit point), then the staging folder and journal removed.

:func:`recover`, run by ``open_database`` before anything else, finishes a "done" journal and rolls
any other one back (the new state is moved aside, the old one renamed back), so a restore killed at
any moment leaves the old state or the new one, never a mixture, and never a database silently
recreated empty.  Rolling back never needs the staging folder's content, so a start-up cleanup that
removes ``*.dvk-tam`` leftovers may run before or after it.  The safety folder is never deleted by
the program: it is the user's way back.

Kept in ``storage`` (not in the backup service) because opening a database must run the recovery.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import sqlite3
from datetime import datetime
from pathlib import Path

from .errors import StorageError

log = logging.getLogger("dvk.storage")

# Every temporary file or folder the backup and restore code leaves behind when killed ends with
# this; anything so named beside a database or a backup may be deleted when no restore runs.
TEMP_SUFFIX = ".dvk-tam"
JOURNAL_SUFFIX = ".phuc-hoi.json"
SAFETY_INFIX = ".truoc-phuc-hoi-"
_STATE_SWAPPING = "swapping"
_STATE_DONE = "done"

# Fault injection for the crash tests (tests/core/test_restore_faults.py): with this variable set to N,
# the N-th call of fault_point() in the process kills it outright, as a power cut or a task manager
# would, at a point that does not depend on the machine's speed.
FAULT_ENV = "DVK_TEST_KILL_AT_STEP"
_fault_calls = 0


def fault_point(label: str) -> None:
    """A place where a crash is simulated by the fault tests; nothing happens in normal use."""
    wanted = os.environ.get(FAULT_ENV)
    if not wanted:
        return
    global _fault_calls
    _fault_calls += 1
    if _fault_calls == int(wanted):
        print(f"killed at step {_fault_calls}: {label}", flush=True)
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))


# ----------------------------------------------------------------- names


def journal_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + JOURNAL_SUFFIX)


def staging_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".phuc-hoi" + TEMP_SUFFIX)


def files_dir_name(db_path: Path) -> str:
    return db_path.name + ".files"


def _parts(db_path: Path) -> list[str]:
    """The names, beside the database, that together are an office's state."""
    name = db_path.name
    return [name, name + "-wal", name + "-shm", files_dir_name(db_path)]


def _new_safety_dir(db_path: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    candidate = db_path.with_name(f"{db_path.name}{SAFETY_INFIX}{stamp}")
    number = 2
    while candidate.exists():  # two restores in one second: never reuse (let alone empty) a safety folder
        candidate = db_path.with_name(f"{db_path.name}{SAFETY_INFIX}{stamp}-{number}")
        number += 1
    return candidate


def safety_dirs(db_path: Path) -> list[Path]:
    """The kept copies of states replaced by restores, oldest first."""
    return sorted(p for p in db_path.parent.glob(db_path.name + SAFETY_INFIX + "*") if p.is_dir())


# ----------------------------------------------------------------- durability


def fsync_file(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    """Make renames inside ``path`` survive a power cut (POSIX; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_journal(db_path: Path, data: dict[str, object]) -> None:
    journal = journal_path(db_path)
    partial = journal.with_name(journal.name + TEMP_SUFFIX)
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    fsync_file(partial)
    partial.replace(journal)
    fsync_dir(journal.parent)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


def _move_aside(path: Path, folder: Path) -> None:
    """Rename ``path`` into ``folder`` (replacing a leftover of the same name there: it is disposable)."""
    folder.mkdir(exist_ok=True)
    target = folder / path.name
    if target.exists() or target.is_symlink():
        _remove(target)
    path.rename(target)


def checkpoint(db_path: Path) -> None:
    """Fold the -wal into the database file so the safety copy is one self-contained file.

    Best effort: a damaged database may refuse, and then its -wal simply moves into the safety folder
    with it (never deleted: it holds committed changes).  ``mode=rw`` never creates a missing file.
    """
    if not db_path.is_file() or db_path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=rw", uri=True)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        log.warning("checkpoint of %s before restore failed; its -wal is kept with it", db_path, exc_info=True)


# ----------------------------------------------------------------- swap and recovery


def swap(db_path: Path, staging: Path) -> Path | None:
    """Replace the state at ``db_path`` with the one in ``staging``; return the safety folder (None: nothing old).

    ``staging`` holds the new database under the database's own name and, optionally, the attachment
    folder under its own name.  The database must be closed.  On failure the old state is put back
    before the error goes on; if even that fails, the journal stays and the next opening finishes it.
    """
    folder = db_path.parent
    had = [name for name in _parts(db_path) if (folder / name).exists() or (folder / name).is_symlink()]
    safety = _new_safety_dir(db_path) if had else None
    journal: dict[str, object] = {
        "state": _STATE_SWAPPING,
        "staging": staging.name,
        "safety": safety.name if safety else "",
        "had": had,
    }
    _write_journal(db_path, journal)
    fault_point("journal written")
    try:
        if safety is not None:
            safety.mkdir()
            fault_point("safety folder created")
            for name in had:
                (folder / name).rename(safety / name)
                fsync_dir(safety)
                fsync_dir(folder)
                fault_point(f"old {name} moved to safety")
        for name in (db_path.name, files_dir_name(db_path)):
            if (staging / name).exists():
                (staging / name).rename(folder / name)
                fsync_dir(folder)
                fault_point(f"new {name} moved into place")
        _write_journal(db_path, {**journal, "state": _STATE_DONE})
        fault_point("journal done")
    except BaseException:
        try:
            recover(db_path)
        except Exception:  # the journal stays: the next opening rolls back
            log.exception("rolling back the interrupted restore of %s failed", db_path)
        raise
    recover(db_path)  # "done": removes the staging folder and the journal
    return safety


def recover(db_path: Path) -> str | None:
    """Finish or roll back a restore interrupted at ``db_path``; ``None`` when there was none.

    Idempotent: killed half-way, it is simply run again at the next opening.
    """
    journal = journal_path(db_path)
    if not journal.exists():
        return None
    try:
        data = json.loads(journal.read_text(encoding="utf-8"))
        state, staging_name, safety_name = data["state"], data["staging"], data["safety"]
        had = set(data["had"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise StorageError(
            f"Lần phục hồi trước của tệp «{db_path.name}» bị gián đoạn và nhật ký «{journal.name}» không đọc "
            "được. Dữ liệu cũ nằm trong thư mục «…truoc-phuc-hoi-…» bên cạnh; hãy nhờ cán bộ tin học kiểm tra."
        ) from exc
    folder = db_path.parent
    names = _parts(db_path)
    for name in (staging_name, safety_name):  # a journal must only ever point at siblings of the database
        if name and (Path(name).name != name or name in ("..", ".")):
            raise StorageError(f"Nhật ký phục hồi «{journal.name}» không hợp lệ.")
    staging = folder / staging_name
    try:
        if state == _STATE_DONE:
            outcome = "done"
        else:
            safety = folder / safety_name if safety_name else None
            for name in names:
                here = folder / name
                kept = safety / name if safety is not None else None
                if name in had:
                    if kept is not None and (kept.exists() or kept.is_symlink()):
                        if here.exists() or here.is_symlink():
                            _move_aside(here, staging)  # the new part that replaced it
                        kept.rename(here)
                elif here.exists() or here.is_symlink():
                    _move_aside(here, staging)  # a new part where there was none
            fsync_dir(folder)
            if safety is not None and safety.is_dir() and not any(safety.iterdir()):
                safety.rmdir()
            outcome = "rolled back"
            log.warning("interrupted restore of %s rolled back to the previous state", db_path)
        journal.unlink()
        fsync_dir(folder)
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise StorageError(
            f"Không hoàn tất được lần phục hồi dữ liệu bị gián đoạn của tệp «{db_path.name}»: "
            f"{exc.strerror or exc}. Hãy đóng các chương trình đang mở tệp trong thư mục «{folder}» rồi mở lại."
        ) from exc
    return outcome
