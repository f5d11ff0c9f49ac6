"""Automatic backups in the window (daily, on close, the Cài đặt list) and the damaged file at start-up."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app.services import autobackup
from desktop_app.storage import restore_journal
from desktop_app.storage.database import Database
from desktop_app.storage.models import MoHinh
from ui import autobackups

NOON = datetime(2025, 3, 14, 12, 0, 0)


def damage_a_page(database: Database, table: str = "unit") -> Path:
    """Close the file and overwrite the start of a table's root page in the middle of it (not the header)."""
    path = database.path
    page = database.db.execute_sql("PRAGMA page_size").fetchone()[0]
    root = database.db.execute_sql("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    database.close()
    data = bytearray(path.read_bytes())
    assert 1 < root < len(data) // page
    data[(root - 1) * page : (root - 1) * page + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def answer_damaged_box(seen: list[dict], button_text: str) -> None:
    """When the start-up box is up (inside its exec), record what it says and press ``button_text``."""

    def press() -> None:
        box = next(
            (w for w in QApplication.topLevelWidgets() if w.objectName() == "damaged_file_box" and w.isVisible()),
            None,
        )
        if box is None:  # not up yet: look again
            QTimer.singleShot(10, press)
            return
        assert isinstance(box, QMessageBox)
        answers = (QMessageBox.ButtonRole.AcceptRole, QMessageBox.ButtonRole.RejectRole)  # not «Hiện chi tiết»
        buttons = {b.text(): b for b in box.buttons() if box.buttonRole(b) in answers}
        seen.append({"title": box.windowTitle(), "text": box.text(), "buttons": list(buttons)})
        buttons[button_text].click()

    QTimer.singleShot(0, press)


@pytest.fixture
def enabled(monkeypatch):
    monkeypatch.setattr(autobackups, "_enabled", True)


def test_a_damaged_file_at_start_is_explained_and_left_untouched(db, qapp_font):
    path = damage_a_page(db)
    before = digest(path)
    seen: list[dict] = []
    answer_damaged_box(seen, autobackups.QUIT_TEXT)
    assert autobackups.open_office_or_recover(path) is None
    assert seen and seen[0]["title"] == "Tệp dữ liệu bị hỏng" and "bị hỏng" in seen[0]["text"]
    assert seen[0]["buttons"] == [autobackups.QUIT_TEXT]  # no backup exists: nothing else to offer
    assert digest(path) == before
    # Nothing written: no copy, no migration, and a -wal (left by the read-only check's connection) holds nothing.
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert not any(p.suffix == ".zip" or ".bak" in p.name or p.is_dir() for p in path.parent.iterdir())


def test_a_damaged_file_at_start_is_replaced_by_the_newest_good_backup(demo_db, qapp_font):
    older = autobackup.make_automatic("dong", now=NOON.replace(day=12))
    newest = autobackup.make_automatic("dong", now=NOON)
    assert older is not None and newest is not None
    path = damage_a_page(demo_db)
    before = digest(path)
    offer = autobackups.RESTORE_TEXT.format(when="14/03/2025 12:00")

    seen: list[dict] = []
    answer_damaged_box(seen, autobackups.QUIT_TEXT)
    assert autobackups.open_office_or_recover(path) is None
    assert seen[0]["buttons"] == [offer, autobackups.QUIT_TEXT] and digest(path) == before

    answer_damaged_box(seen, offer)
    database = autobackups.open_office_or_recover(path)
    assert database is not None and database.path == path
    assert MoHinh.select().count() == 34
    safety = restore_journal.safety_dirs(path)
    assert len(safety) == 1 and digest(safety[0] / path.name) == before  # the damaged file kept as it was


def test_the_daily_backup_runs_on_the_worker_and_the_close_waits_for_its_own(window, qtbot, enabled):
    window.clock = lambda: NOON
    job = window.daily_backup_tick()
    qtbot.waitUntil(lambda: job.finished, timeout=20000)  # set on the worker: no race with a quick job
    folder = autobackup.backup_folder().path
    daily = folder / "tu-dong-20250314-120000-hang-ngay.zip"
    assert daily.is_file()
    qtbot.waitUntil(lambda: "hằng ngày" in window.statusBar().currentMessage())
    again = window.daily_backup_tick()  # the same day: not due, nothing written
    qtbot.waitUntil(lambda: again.finished, timeout=20000)  # set on the worker: no race with a quick job
    assert [p.name for p in folder.iterdir()] == [daily.name]

    window.clock = lambda: NOON.replace(hour=17)
    with qtbot.waitSignal(window.closed, timeout=20000):
        window.close()
    assert sorted(p.name for p in folder.iterdir()) == ["tu-dong-20250314-170000-dong.zip"]  # a day keeps its newest


def test_settings_lists_backups_and_restores_the_selected_one(window, qtbot, enabled, tmp_path):
    window.show_page("settings")
    page = window.pages["settings"]
    job = page.backup_now()
    qtbot.waitUntil(lambda: job.finished, timeout=20000)  # set on the worker: no race with a quick job
    qtbot.waitUntil(lambda: page.backups_table.rowCount() == 1, timeout=10000)
    cells = [page.backups_table.item(0, c).text() for c in range(4)]
    assert cells[1] == "Sao lưu ngay" and cells[3] == "34" and cells[2].endswith(("KB", "MB"))
    assert page.backups_table.horizontalHeaderItem(0).text() == "Ngày giờ"

    MoHinh.delete().where(MoHinh.id == MoHinh.select(MoHinh.id).limit(1)).execute()
    assert MoHinh.select().count() == 33
    page.backups_table.selectRow(0)
    page.restore_selected()  # confirmed (the test's answer), the current data backed up first, then restored
    qtbot.waitUntil(lambda: MoHinh.select().count() == 34, timeout=20000)
    # The state before the restore is an automatic backup of its own; the one restored is still there.
    reasons = sorted(e.reason for e in autobackup.list_backups(autobackup.folders_for(window_db_path(window))))
    assert reasons == ["ngay", "phuc-hoi"]

    usb = tmp_path / "USB"
    page.set_backup_folder(usb)
    assert str(usb.resolve()) in page.backup_folder_label.text()
    # pytest-qt closes the window after the test: that close must not start a backup on close of its own.
    autobackups.enable(False)


def window_db_path(window) -> Path:
    from desktop_app.storage import database as storage

    return storage.current().path
