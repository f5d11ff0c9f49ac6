"""Automatic backups on the GUI side: an action that backs up first, and the start-up offer of a good backup.

The backups themselves are :mod:`desktop_app.services.autobackup`; here they run on the worker and what came of
them is told in one line.  The program turns them on (:func:`ui.app.run`); a window built by a test of some other
screen makes none, so its actions stay as immediate as they were.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox, QStatusBar, QWidget

from desktop_app import workspace
from desktop_app.services import autobackup
from desktop_app.services.backup import restore_backup
from desktop_app.storage import database as storage
from desktop_app.storage import lock as writer_lock

from . import errors, messages
from .worker import Job, run_job

log = logging.getLogger("dvk.ui.autobackup")

_enabled = False


def enable(on: bool = True) -> None:
    global _enabled
    _enabled = on


def enabled() -> bool:
    return _enabled


def status_bar_of(widget: QWidget | None) -> QStatusBar | None:
    """The status bar of the main window ``widget`` lives in (a dialog's parent chain leads there)."""
    while widget is not None:
        if isinstance(widget, QMainWindow):
            return widget.statusBar()
        widget = widget.parentWidget()
    return None


def tell(widget: QWidget | None, text: str, timeout_ms: int = 20000) -> None:
    bar = status_bar_of(widget)
    if bar is not None:
        bar.showMessage(text, timeout_ms)
    else:
        messages.warning(widget, text)


def backup_first(
    parent: QWidget, reason: str, then: Callable[[], None], *, now: Callable[[], datetime] = datetime.now
) -> Job | None:
    """Make the automatic backup for ``reason`` on the worker, then run ``then`` on the GUI thread.

    A backup that could not be made never stops the action: the reason is logged and shown in one line.
    """
    if not _enabled:
        then()
        return None

    def done(outcome: autobackup.Outcome) -> None:
        if outcome.warning and not outcome.skipped:
            tell(parent, outcome.warning)
        elif outcome.path is not None:
            tell(parent, f"Đã sao lưu tự động: {outcome.path.name}", 5000)
        then()

    def failed(exc: BaseException) -> None:  # a bug in the backup: logged; the action still goes on
        errors.log_failure(exc, "Sao lưu tự động")
        tell(parent, errors.user_message(exc, "Sao lưu tự động"))
        then()

    label = autobackup.REASONS.get(reason, reason).lower()
    return run_job(
        parent,
        lambda task: autobackup.try_automatic(reason, task, now=now()),
        title="Sao lưu tự động",
        label=f"Đang sao lưu tự động ({label})…",
        on_done=done,
        on_error=failed,
    )


# ----------------------------------------------------------------- a damaged file at start-up

RESTORE_TEXT = "Phục hồi từ bản sao lưu gần nhất ({when})"
QUIT_TEXT = "Thoát"


def damaged_file_box(exc: workspace.DamagedDatabase, entry: autobackup.BackupEntry | None) -> QMessageBox:
    """The explanation, with «Phục hồi từ bản sao lưu gần nhất (…)» when a good backup exists, and «Thoát»."""
    box = QMessageBox(QMessageBox.Icon.Critical, "Tệp dữ liệu bị hỏng", "", parent=None)
    box.setObjectName("damaged_file_box")
    box.setText(
        f"Tệp dữ liệu «{exc.path}» bị hỏng (kiểm tra nhanh phát hiện trang dữ liệu lỗi). Chương trình không mở "
        "và không ghi gì vào tệp này, để không làm hỏng thêm."
    )
    if entry is not None:
        box.setInformativeText(
            f"Bản sao lưu gần nhất còn dùng được: {entry.when_text} ({entry.reason_label.lower()}, "
            f"{entry.models} mô hình). Phục hồi sẽ thay tệp hỏng bằng bản này; tệp hỏng được giữ nguyên trong "
            "thư mục có đuôi «.truoc-phuc-hoi-» bên cạnh để kiểm tra. Những thay đổi sau thời điểm sao lưu sẽ "
            "phải nhập lại."
        )
        restore = box.addButton(RESTORE_TEXT.format(when=entry.when_text), QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(restore)
    else:
        box.setInformativeText(
            "Không tìm thấy bản sao lưu nào còn dùng được. Nếu bản sao lưu nằm trên ổ USB, hãy cắm vào rồi mở lại "
            "chương trình; hoặc chép tệp hỏng cho người hỗ trợ kỹ thuật."
        )
    quit_button = box.addButton(QUIT_TEXT, QMessageBox.ButtonRole.RejectRole)
    box.setEscapeButton(quit_button)
    box.setDetailedText("\n".join(exc.problems))
    return box


def open_office_or_recover(db_path: Path | None = None) -> storage.Database | None:
    """Open the office database; if its pages are damaged, offer the newest good backup. None: the user quits.

    Other refusals (:class:`AppError`) go on to the caller.  The damaged file is never written: a restore moves
    it, whole, into the safety folder.
    """
    try:
        return workspace.open_office(db_path)
    except workspace.DamagedDatabase as exc:
        log.warning("damaged database at start-up: %s (%s)", exc.path, "; ".join(exc.problems))
        damaged = exc
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:  # each candidate is checked whole, as a restore would: seconds, before any window is up
        entry = autobackup.newest_good_backup(autobackup.folders_for(damaged.path))
    finally:
        QApplication.restoreOverrideCursor()
    box = damaged_file_box(damaged, entry)
    box.exec()
    clicked = box.clickedButton()
    box.deleteLater()
    if entry is None or clicked is None or clicked.text() == QUIT_TEXT:
        return None
    # Held from before the restore until the reopened office holds it itself: no other program may slip in
    # between the failed open (which let the lock go) and the reopen.
    with writer_lock.held(damaged.path, writer_lock.PROGRAM_GUI):
        with errors.attempt(None, "Phục hồi từ bản sao lưu") as outcome:
            result = restore_backup(entry.path, damaged.path)
        if not outcome.ok:
            return None
        with errors.attempt(None, "Mở tệp dữ liệu sau khi phục hồi") as reopened:
            database = workspace.open_office(damaged.path)
        if not reopened.ok:
            return None
    kept = f" Tệp hỏng được giữ trong thư mục «{result.safety_copy}»." if result.safety_copy else ""
    messages.info(None, f"Đã phục hồi dữ liệu từ bản sao lưu {entry.when_text}.{kept}")
    return database
