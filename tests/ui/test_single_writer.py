"""One writer: a second window and a command-line restore are refused while a window has the file.

The other program is always a real process (the lock is the operating system's, which a process
never contends with itself).  It says "ready" on stdout once it holds the file and ends when its
stdin closes, so nothing here waits on a clock.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from desktop_app import workspace
from desktop_app.office import OfficeInfo
from desktop_app.services import catalogues, settings
from desktop_app.services.backup import create_backup
from desktop_app.services.models import ModelInput, create_model, get_model, update_model
from desktop_app.storage import lock
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]

# The program itself, started as the user starts it; once its window is up it says so, and it closes
# that window (an orderly exit, releasing the file) when the test closes its stdin.
FIRST_WINDOW = r"""
import sys, threading
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from ui import app as gui
from ui.main_window import MainWindow

stop = threading.Event()

def ready():
    print("ready", flush=True)
    threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
    poll.start()

def close_when_told():
    if stop.is_set():
        poll.stop()
        next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)).close()

gui.make_application()
poll = QTimer()
poll.setInterval(20)
poll.timeout.connect(close_when_told)
QTimer.singleShot(0, ready)
sys.exit(gui.run(sys.argv[1]))
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "QT_QPA_PLATFORM": "offscreen"}


@contextmanager
def first_window(path: Path) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", FIRST_WINDOW, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        env=_env(),
        cwd=ROOT,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
        yield proc
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        proc.wait(timeout=120)
    assert proc.returncode == 0


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


@pytest.fixture
def office_file(db) -> Path:
    """A configured office database with one model, closed: the file a window opens."""
    settings.save_office(OfficeInfo.single(issuing_body="ĐẢNG ỦY XÃ ĐẠ ĐỜN", place_name="Đạ Đờn", current_year=2026))
    field = catalogues.find("field", "Kinh tế")
    assert field is not None
    create_model(ModelInput(name="Nuôi heo đất", year=2026, field_id=field.id))
    path = db.path
    db.close()
    return path


def _models_in_file(path: Path) -> list[str]:
    """What another program would read from the file itself, not from this process's connection."""
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as conn:
        return [name for (name,) in conn.execute("SELECT name FROM mo_hinh ORDER BY id")]


def test_a_second_window_on_the_same_file_is_refused(office_file, qapp_font, no_modal_messages, monkeypatch):
    from ui import app as gui
    from ui import autobackups, logging_qt

    # run() sets these for the whole process; they are put back after the test, for the tests that follow.
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(autobackups, "_enabled", autobackups.enabled())
    with first_window(office_file):
        try:
            code = gui.run(office_file)
        finally:
            logging_qt.uninstall()  # pytest-qt's handler stays the one that fails a test on a Qt warning
        assert code == 1
        assert [kind for kind, _ in no_modal_messages] == ["error"]
        message = no_modal_messages[0][1]
        assert message.startswith(
            f"Tệp dữ liệu «{office_file.name}» đang được mở bởi Sổ Dân vận khéo (giao diện) trên máy "
        )
        assert message.endswith("Hãy đóng chương trình đó trước.")
        assert not any(isinstance(w, MainWindow) for w in QApplication.topLevelWidgets())
        assert not workspace.is_demo_open() and not lock.held_here(office_file)
    # The first window closed: the file is free again.
    workspace.open_office(office_file)
    assert lock.held_here(office_file)
    workspace.close()


def test_a_command_line_restore_is_refused_while_the_window_has_the_file(
    office_file, data_dir, qtbot, qapp_font, no_modal_messages
):
    workspace.open_office(office_file)
    backup = create_backup(data_dir / "sao lưu trước.zip")
    window = MainWindow()
    qtbot.addWidget(window)

    refused = run_cli(office_file, "restore", str(backup))
    assert refused.returncode == 1
    assert f"Tệp dữ liệu «{office_file.name}» đang được mở bởi Sổ Dân vận khéo (giao diện)" in refused.stderr
    assert "Hãy đóng chương trình đó trước." in refused.stderr

    # The window's saves keep landing in the file itself: nothing was moved aside under it.
    model_id = get_model_id("Nuôi heo đất")
    for number in range(20):
        data = get_model(model_id).data
        data.note = f"Lần lưu {number + 1}"
        update_model(model_id, data)
    assert _models_in_file(office_file) == ["Nuôi heo đất"]
    with sqlite3.connect(f"{office_file.as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT note, version FROM mo_hinh").fetchone() == ("Lần lưu 20", 21)
    assert run_cli(office_file, "units", "add", "Chi đoàn thôn 5").returncode == 1  # any writing command

    # The window's own restore goes through: it holds the lock, closes the file, restores, reopens.
    window.restore_backup(backup)
    assert ("info", "Đã phục hồi dữ liệu từ bản sao lưu.") in no_modal_messages
    assert lock.held_here(office_file)
    assert get_model(model_id).data.note == ""

    window.close()
    workspace.close()
    assert run_cli(office_file, "restore", str(backup)).returncode == 0  # free once the window is gone


def get_model_id(name: str) -> int:
    from desktop_app.storage.models import MoHinh

    return int(MoHinh.get(MoHinh.name == name).id)
