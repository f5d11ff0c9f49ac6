"""Backup and restore killed outright (SIGKILL) at every step, then the program started again.

The kill points are deterministic: the child runs with ``DVK_TEST_KILL_AT_STEP=N`` and kills itself at the
N-th ``fault_point`` (after each member unpacked or written, each rename, each journal write), for N = 1, 2, …
until a run completes, so the result never depends on the machine's speed.  After each kill the "next start"
is the normal ``open_database`` (which settles an interrupted restore) and the data must be whole: the old
state or the new one, never a mixture, with the old one kept in the safety folder whenever it was replaced.
"""

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import domain
from desktop_app.services import attachments
from desktop_app.services.backup import check_backup, create_backup, read_manifest
from desktop_app.storage import restore_journal
from desktop_app.storage.database import open_database
from desktop_app.storage.models import MoHinh

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

ROOT = Path(__file__).resolve().parents[2]
NAME = "dữ liệu.db"
CHILD = """
import sys
from pathlib import Path

mode, first, second = sys.argv[1:4]
if mode == "restore":
    from desktop_app.services.backup import restore_backup

    restore_backup(Path(first), Path(second))
else:
    from desktop_app.services.backup import create_backup
    from desktop_app.storage.database import open_database

    open_database(Path(first))
    create_backup(Path(second))
"""

State = tuple[frozenset[str], dict[str, str]]


def _fill(tmp_path: Path, label: str, models: int, files: int) -> None:
    for i in range(models):
        name = f"Mô hình {label} {i}"
        MoHinh.create(name=name, name_fold=name.lower(), year=2024, status=domain.REGISTERED)
    first = MoHinh.select().first().id
    for i in range(files):
        source = tmp_path / f"{label}-{i}.pdf"
        source.write_bytes(f"%PDF minh chứng {label} {i} ".encode() * 200)
        attachments.add_attachment(first, source)


def _files(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def _observe(db_path: Path) -> State:
    """The next start: open the file the normal way, check it whole, read what it holds."""
    database = open_database(db_path)
    try:
        assert database.db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = frozenset(m.name for m in MoHinh.select())
    finally:
        database.close()
    return names, _files(database.files_dir)


def _read_copy(folder: Path, scratch: Path) -> State:
    """What a kept safety folder holds (read from a copy, so looking never changes it)."""
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(folder, scratch)
    conn = sqlite3.connect(scratch / NAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        names = frozenset(row[0] for row in conn.execute("SELECT name FROM mo_hinh"))
    finally:
        conn.close()
    return names, _files(scratch / (NAME + ".files"))


@pytest.fixture
def office(db, tmp_path):
    """A backup of the "new" state, and a template of the "old" one whose last change is still in the -wal."""
    _fill(tmp_path, "mới", models=3, files=6)
    new_backup = create_backup(tmp_path / "mới.zip")
    db.close()
    new_state = _observe(db.path)

    old = open_database(tmp_path / "dựng" / NAME)
    _fill(tmp_path, "cũ", models=4, files=5)
    old.db.execute_sql("PRAGMA wal_autocheckpoint = 0")
    MoHinh.create(name="Mô hình cũ chỉ có trong -wal", name_fold="x", year=2024, status=domain.REGISTERED)
    template = tmp_path / "mẫu cũ"
    template.mkdir()
    for part in (NAME, NAME + "-wal"):  # copied while open and idle: a consistent database + -wal pair
        shutil.copy(old.path.with_name(part), template / part)
    assert (template / (NAME + "-wal")).stat().st_size > 0
    shutil.copytree(old.files_dir, template / (NAME + ".files"))
    old.close()
    scratch = tmp_path / "xem"
    shutil.copytree(template, scratch)
    old_state = _observe(scratch / NAME)
    assert "Mô hình cũ chỉ có trong -wal" in old_state[0]
    assert old_state != new_state and len(old_state[1]) == 5 and len(new_state[1]) == 6
    return new_backup, template, old_state, new_state


def _run(mode: str, first: Path, second: Path, step: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, restore_journal.FAULT_ENV: str(step)}
    return subprocess.run(
        [sys.executable, "-c", CHILD, mode, str(first), str(second)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _killed(proc: subprocess.CompletedProcess[str]) -> bool:
    if proc.returncode == 0:
        assert "killed at step" not in proc.stdout
        return False
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    return True


def _only_known_leftovers(folder: Path) -> None:
    for entry in folder.iterdir():
        name = entry.name
        assert (
            name in (NAME, NAME + "-wal", NAME + "-shm", NAME + ".files")
            or name.startswith(NAME + restore_journal.SAFETY_INFIX)
            or name.endswith(restore_journal.TEMP_SUFFIX)
        ), name


def test_restore_killed_at_every_step(office, tmp_path):
    new_backup, template, old_state, new_state = office
    kills = 0
    seen = set()
    for step in range(1, 200):
        folder = tmp_path / f"lần {step}"
        shutil.copytree(template, folder)
        db_path = folder / NAME
        proc = _run("restore", new_backup, db_path, step)
        killed = _killed(proc)
        state = _observe(db_path)
        assert not restore_journal.journal_path(db_path).exists()
        _only_known_leftovers(folder)
        safety = restore_journal.safety_dirs(db_path)
        if state == new_state:
            seen.add("new")
            assert len(safety) == 1, "the replaced state must be kept"
            assert _read_copy(safety[0], tmp_path / "xem an toàn") == old_state
        else:
            seen.add("old")
            assert state == old_state, f"mixed state after a kill at step {step}: {proc.stdout}"
            assert safety == []  # rolled back: everything was renamed back, nothing doubled
        if not killed:
            assert state == new_state
            break
        kills += 1
    assert kills >= 10 and seen == {"old", "new"}


def test_backup_killed_at_every_step(office, tmp_path):
    _new_backup, template, old_state, _new_state = office
    kills = 0
    for step in range(1, 200):
        folder = tmp_path / f"lần {step}"
        shutil.copytree(template, folder)
        target = tmp_path / f"sao lưu {step}" / "bản sao lưu.zip"
        proc = _run("backup", folder / NAME, target, step)
        killed = _killed(proc)
        assert _observe(folder / NAME) == old_state  # a backup never changes the data
        leftovers = [p.name for p in target.parent.iterdir()] if target.parent.exists() else []
        assert all(n == target.name or n.endswith(restore_journal.TEMP_SUFFIX) for n in leftovers), leftovers
        if target.exists():  # all or nothing: a backup in place is complete and verified
            check_backup(target)
            info = read_manifest(target)
            assert info.attachments == len(old_state[1]) and sum(info.models_by_year.values()) == len(old_state[0])
        else:
            assert killed
        if not killed:
            assert target.exists()
            break
        kills += 1
    assert kills >= 10
