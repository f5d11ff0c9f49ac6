"""One writer at a time: the lock beside the database file, seen from a second process.

Every "other program" here is a real subprocess: the lock is an operating-system lock, which a
process never contends with itself.  Nothing waits on a clock: the holder says "ready" on its
stdout once it holds the lock and lets go when its stdin closes.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from desktop_app import workspace
from desktop_app.services.backup import create_backup
from desktop_app.storage import lock
from desktop_app.storage.models import MoHinh

ROOT = Path(__file__).resolve().parents[2]

HOLD = """
import os, sys
from desktop_app.storage import lock
held = lock.acquire(sys.argv[1], sys.argv[2])
print("ready", flush=True)
if sys.argv[3] == "crash":
    os._exit(3)  # no release, no clean-up: what a crash or a killed process leaves
sys.stdin.read()
held.release()
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}


@contextmanager
def held_elsewhere(path: Path, program: str = lock.PROGRAM_GUI) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the writer lock on ``path`` for the duration of the block."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), program, "hold"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=_env(),
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=60)


def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(db), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=_env(),
        cwd=ROOT,
        timeout=120,
    )


def test_the_holder_is_written_beside_the_file_and_gone_on_release(data_dir):
    path = data_dir / "sổ.db"
    with lock.held(path, lock.cli_program("import")) as held:
        info = json.loads(lock.info_path(path).read_text(encoding="utf-8"))
        assert info["pid"] == os.getpid() and info["host"] == socket.gethostname()
        assert info["program"] == "dòng lệnh: import" and held.holder.since.isoformat() == info["since"]
        assert lock.held_here(path)
    assert not lock.info_path(path).exists() and not lock.held_here(path)


def test_a_second_program_is_told_who_holds_the_file_and_since_when(data_dir):
    path = data_dir / "sổ.db"
    with held_elsewhere(path), pytest.raises(lock.FileInUse) as refused:
        lock.acquire(path, lock.cli_program("restore"))
    holder = refused.value.holder
    assert holder is not None and holder.pid != os.getpid()
    message = str(refused.value)
    assert message.startswith("Tệp dữ liệu «sổ.db» đang được mở bởi Sổ Dân vận khéo (giao diện) trên máy ")
    assert f"{socket.gethostname()} (người dùng {holder.user}) từ {holder.since:%d/%m/%Y %H:%M}." in message
    assert message.endswith("Hãy đóng chương trình đó trước.")
    with lock.held(path, lock.PROGRAM_GUI):  # released with the other process: free again
        pass


def test_a_holder_without_its_note_is_still_refused(data_dir):
    path = data_dir / "sổ.db"
    with held_elsewhere(path):
        lock.info_path(path).unlink()
        with pytest.raises(lock.FileInUse, match="đang được một chương trình khác mở để ghi"):
            lock.acquire(path, lock.PROGRAM_GUI)


def test_a_lock_left_by_a_crash_is_taken_over_and_logged(data_dir, caplog):
    path = data_dir / "sổ.db"
    crashed = subprocess.run(
        [sys.executable, "-c", HOLD, str(path), lock.PROGRAM_GUI, "crash"],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
        timeout=60,
    )
    assert crashed.returncode == 3 and crashed.stdout.strip() == "ready"
    left = json.loads(lock.info_path(path).read_text(encoding="utf-8"))
    assert left["pid"] != os.getpid()  # the note outlived its process; the OS lock did not
    with caplog.at_level(logging.INFO, logger="dvk.storage.lock"), lock.held(path, lock.cli_program("init")):
        now = json.loads(lock.info_path(path).read_text(encoding="utf-8"))
    assert now["pid"] == os.getpid() and now["program"] == "dòng lệnh: init"
    assert any("stale" in r.getMessage() and str(left["pid"]) in r.getMessage() for r in caplog.records)


def test_one_process_may_take_its_own_lock_again(data_dir):
    """The GUI's restore and a command going through the workspace ask again for what they hold."""
    path = data_dir / "sổ.db"
    outer = lock.acquire(path, lock.PROGRAM_GUI)
    inner = lock.acquire(path, lock.cli_program("demo --demo-db"))
    assert inner.holder == outer.holder  # the first holder is the one named
    inner.release()
    inner.release()  # twice is once
    refused = run_cli(path, "init")
    assert refused.returncode == 1 and "đang được mở bởi Sổ Dân vận khéo (giao diện)" in refused.stderr
    outer.release()
    assert run_cli(path, "init").returncode == 0


def test_writing_commands_are_refused_and_reading_ones_are_not(db):
    path = db.path
    db.close()
    with held_elsewhere(path):
        for args in (
            ("init",),
            ("units", "add", "Chi đoàn thôn 5"),
            ("office", "set", "--year", "2026"),
            ("demo",),
        ):
            result = run_cli(path, *args)
            assert result.returncode == 1, args
            assert "Lỗi: Tệp dữ liệu «" in result.stderr and "Hãy đóng chương trình đó trước." in result.stderr
        assert run_cli(path, "models").returncode == 0
        assert run_cli(path, "stats", "--year", "2024").returncode == 0
        assert run_cli(path, "check").returncode == 0
    assert run_cli(path, "units", "add", "Chi đoàn thôn 5").returncode == 0


def test_restore_is_refused_while_the_file_is_held(db, data_dir):
    path = db.path
    backup = create_backup(data_dir / "bản sao.zip")
    MoHinh.delete().execute()
    db.close()
    before = path.read_bytes()
    with held_elsewhere(path):
        result = run_cli(path, "restore", str(backup))
        assert result.returncode == 1 and "đang được mở bởi Sổ Dân vận khéo (giao diện)" in result.stderr
        assert path.read_bytes() == before  # not moved aside, not replaced
    assert run_cli(path, "restore", str(backup)).returncode == 0


def test_the_workspace_holds_the_open_file_and_lets_go_on_switch_and_close(data_dir):
    office = data_dir / "cơ quan.db"
    workspace.open_office(office)
    assert lock.held_here(office)
    workspace.switch_to_demo()
    assert lock.held_here(workspace.demo_path()) and not lock.held_here(office)
    workspace.switch_to_office()
    assert lock.held_here(office) and not lock.held_here(workspace.demo_path())
    workspace.close()
    assert not lock.held_here(office)


def test_a_file_held_elsewhere_is_refused_and_the_open_one_stays_open(data_dir):
    office = data_dir / "cơ quan.db"
    workspace.open_office(office)
    with held_elsewhere(workspace.demo_path()):
        with pytest.raises(lock.FileInUse):
            workspace.switch_to_demo()
        assert workspace.office_path() == office and not workspace.is_demo_open()
        MoHinh.select().count()  # still bound to the office file
        with pytest.raises(lock.FileInUse):  # nor deleted under the other window
            workspace.delete_demo()
    workspace.close()
