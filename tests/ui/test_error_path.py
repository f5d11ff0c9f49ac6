"""The one error path of the Qt layer: a bug reaches the log file with its traceback and the user sees one
Vietnamese line naming that file; a known error shows its own sentence and writes no traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, qInfo

from desktop_app.logs import log_path, setup_logging
from desktop_app.storage.errors import DatabaseLocked
from desktop_app.storage.models import MoHinh
from ui import logging_qt
from ui.pages import model_list
from ui.pages.model_list import ModelListPage
from ui.worker import run_job, wait_all


@pytest.fixture
def log_file() -> Path:
    """The log file of this test's data folder, configured as the application configures it."""
    path = setup_logging()
    assert path == log_path()
    return path


def _log_text(path: Path) -> str:
    for handler in logging.getLogger("dvk").handlers:
        handler.flush()
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.fixture
def page(demo_db, qtbot) -> ModelListPage:
    page = ModelListPage()
    qtbot.addWidget(page)
    page.set_year(2023)
    page.show()
    qtbot.waitExposed(page)
    page.table.selectRow(0)
    assert page.delete_button.isEnabled()
    return page


def test_a_bug_in_a_button_reaches_the_log_and_the_user_sees_one_line(
    page, qtbot, monkeypatch, log_file, no_modal_messages
):
    def broken(ids: list[int]) -> int:
        raise RuntimeError("boom")

    monkeypatch.setattr(model_list, "delete_models", broken)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)

    errors = [text for kind, text in no_modal_messages if kind == "error"]
    assert len(errors) == 1
    assert errors[0].startswith("Xóa mô hình, điển hình chưa được thực hiện")
    assert str(log_file) in errors[0] and "\n" not in errors[0]
    log = _log_text(log_file)
    assert "Traceback (most recent call last)" in log
    assert "RuntimeError: boom" in log
    assert "«Xóa mô hình, điển hình» failed" in log
    assert MoHinh.select().count() == 34  # nothing was deleted, and the page still lists everything
    assert page.table_model.rowCount() == 34


def test_a_known_error_shows_its_sentence_and_logs_no_traceback(page, qtbot, monkeypatch, log_file, no_modal_messages):
    sentence = "Tệp dữ liệu đang được chương trình khác sử dụng. Hãy đóng chương trình đó rồi thử lại."

    def locked(ids: list[int]) -> int:
        raise DatabaseLocked(sentence)

    monkeypatch.setattr(model_list, "delete_models", locked)
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)

    assert [entry for entry in no_modal_messages if entry[0] == "error"] == [("error", sentence)]
    log = _log_text(log_file)
    assert sentence in log  # one INFO line, so support can still follow what the user met
    assert "Traceback" not in log and "DatabaseLocked" not in log


def test_a_failed_job_is_logged_once(qtbot, log_file, no_modal_messages):
    def job(task) -> None:
        raise RuntimeError("boom on the worker")

    run_job(None, job, progress=False)
    qtbot.waitUntil(lambda: any(kind == "error" for kind, _ in no_modal_messages))
    assert wait_all()
    errors = [text for kind, text in no_modal_messages if kind == "error"]
    assert len(errors) == 1 and str(log_file) in errors[0]
    # Logged where it happened (naming the job), not a second time when the GUI thread shows it.
    assert _log_text(log_file).count("RuntimeError: boom on the worker") == 1


def test_qt_messages_reach_the_log_and_the_previous_handler(qtlog, log_file):
    logging_qt.install()
    try:
        qInfo("thông điệp của Qt")
    finally:
        logging_qt.uninstall()
    assert "INFO dvk.qt: thông điệp của Qt" in _log_text(log_file)
    assert any(record.message == "thông điệp của Qt" for record in qtlog.records)  # pytest-qt still sees it
