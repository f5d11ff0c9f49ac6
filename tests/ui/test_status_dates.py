"""A status changed by hand carries the day the clerk gives, not the day it was typed (issue 12, defect 10)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDateTimeEdit, QDialog, QDialogButtonBox

from desktop_app import domain
from desktop_app.storage.models import MoHinh, StatusChange
from ui import status_change
from ui.editor import ModelEditorDialog
from ui.status_change import StatusChangeDialog

REAL_ASK = status_change.ask_status_change  # taken before the autouse fixture replaces it


def _last_change(model_id: int) -> StatusChange:
    return StatusChange.select().where(StatusChange.model == model_id).order_by(StatusChange.id.desc()).get()


def _type_day(qtbot, edit: QDateTimeEdit, digits: str) -> None:
    """Type a date as a clerk does: digits only, the field moves from day to month to year by itself."""
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.DaySection)
    qtbot.keyClicks(edit, digits)


def test_date_field_is_dd_mm_yyyy_today_at_most(qtbot):
    dialog = StatusChangeDialog(None, "Chuyển?")
    qtbot.addWidget(dialog)
    assert dialog.day.displayFormat() == "dd/MM/yyyy"
    assert dialog.day.date() == QDate.currentDate() == dialog.day.maximumDate()
    assert dialog.day.locale().language() == dialog.day.locale().Language.Vietnamese
    dialog.day.setDate(QDate.currentDate().addDays(1))  # a day still to come cannot be chosen
    assert dialog.day.date() == QDate.currentDate()
    assert dialog.reason is None and dialog.answer() == status_change.StatusAnswer(date.today(), "")


def test_editor_status_change_passes_the_typed_day(demo_db, qtbot):
    dialog = ModelEditorDialog(None, 1, 2023)
    qtbot.addWidget(dialog)
    dialog.show()
    tab = dialog.status_tab
    assert tab.history.headerData(0, Qt.Orientation.Horizontal) == "Ngày"
    assert tab.day.date() == QDate.currentDate()
    _type_day(qtbot, tab.day, "20062023")
    assert tab.day.date() == QDate(2023, 6, 20)
    tab.next_combo.setCurrentIndex(tab.next_combo.findData(domain.RETURNED))
    tab.reason.setText("Thiếu kế hoạch chi tiết")
    tab.apply()
    change = _last_change(1)
    assert (change.to_status, change.event_date) == (domain.RETURNED, date(2023, 6, 20))
    assert change.changed_at.date() == date.today()
    assert tab.history.index(0, 0).data() == "20/06/2023"  # newest first, by the day it happened
    assert "Ghi vào máy lúc" in tab.history.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert tab.day.date() == QDate(2023, 6, 20)  # the reload after the change keeps the day being worked through


def test_bulk_status_change_passes_the_chosen_day(window, monkeypatch):
    page = window.pages["models"]
    page.table.selectRow(0)
    model_id = page.selected_ids()[0]
    asked = []
    monkeypatch.setattr(
        status_change,
        "ask_status_change",
        lambda parent, text, *, needs_reason=False: (
            asked.append(needs_reason) or status_change.StatusAnswer(date(2023, 9, 5), "")
        ),
    )
    page.change_status(domain.IN_PROGRESS)
    assert asked == [False]
    assert MoHinh.get_by_id(model_id).status == domain.IN_PROGRESS
    assert _last_change(model_id).event_date == date(2023, 9, 5)


def test_bulk_dialog_typed_day_and_reason_reach_the_history(window, qtbot, monkeypatch):
    monkeypatch.setattr(status_change, "ask_status_change", REAL_ASK)
    page = window.pages["models"]
    page.table.selectRow(0)
    model_id = page.selected_ids()[0]
    seen: list[QDialog] = []

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, StatusChangeDialog)
        seen.append(dialog)
        try:
            assert dialog.reason is not None  # «Trả lại» needs a reason
            _type_day(qtbot, dialog.day, "01082023")
            dialog.reason.setText("Thiếu minh chứng")
            dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        finally:
            if dialog.isVisible():  # a failed fill must not leave the test waiting on a modal dialog
                dialog.reject()

    QTimer.singleShot(0, fill)
    page.change_status(domain.RETURNED)
    assert seen
    change = _last_change(model_id)
    assert (change.to_status, change.reason, change.event_date) == (
        domain.RETURNED,
        "Thiếu minh chứng",
        date(2023, 8, 1),
    )


def test_cancelled_bulk_dialog_changes_nothing(window, monkeypatch):
    monkeypatch.setattr(status_change, "ask_status_change", lambda *a, **k: None)
    page = window.pages["models"]
    page.table.selectRow(0)
    model_id = page.selected_ids()[0]
    before = MoHinh.get_by_id(model_id).status
    page.change_status(domain.IN_PROGRESS)
    assert MoHinh.get_by_id(model_id).status == before


def test_a_future_day_from_elsewhere_is_refused_with_a_message(demo_db, qtbot, no_modal_messages):
    dialog = ModelEditorDialog(None, 1, 2023)
    qtbot.addWidget(dialog)
    tab = dialog.status_tab
    tab.next_combo.setCurrentIndex(tab.next_combo.findData(domain.RETURNED))
    tab.reason.setText("Thiếu kế hoạch")
    # The field cannot hold tomorrow; past midnight its limit is renewed on the next load.
    tab.day.setMaximumDate(QDate.currentDate().addDays(1))
    tab.day.setDate(QDate.currentDate().addDays(1))
    tab.apply()
    assert no_modal_messages[-1][0] == "error" and "ngày chưa đến" in no_modal_messages[-1][1]
    assert MoHinh.get_by_id(1).status != domain.RETURNED
    assert (date.today() + timedelta(days=1)).strftime("%d/%m/%Y") in no_modal_messages[-1][1]
