"""The date a status change happened, asked wherever a clerk changes a status by hand.

The history keeps two moments: when the change was typed (automatic) and when it happened (asked
here).  A 2023 file brought up to date in 2026 must still say 2023 in its dossier.
Tests monkeypatch ``ask_status_change`` so nothing blocks on a modal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from .messages import translate_buttons

VIETNAMESE = QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam)


def date_field(parent: QWidget | None = None) -> QDateEdit:
    """A dd/mm/yyyy field with a Vietnamese calendar, today at most (an event that has happened)."""
    edit = QDateEdit(parent)
    edit.setLocale(VIETNAMESE)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setCalendarPopup(True)
    edit.calendarWidget().setLocale(VIETNAMESE)
    edit.setToolTip("Ngày việc diễn ra (không phải ngày nhập vào máy); gõ dd/mm/yyyy hoặc chọn trên lịch")
    reset_to_today(edit)
    return edit


def reset_to_today(edit: QDateEdit) -> None:
    """Today, and today as the limit: the program may have stayed open past midnight."""
    today = QDate.currentDate()
    edit.setMaximumDate(today)
    edit.setDate(today)


def picked(edit: QDateEdit) -> date:
    day = edit.date()
    return date(day.year(), day.month(), day.day())


@dataclass
class StatusAnswer:
    day: date
    reason: str = ""


class StatusChangeDialog(QDialog):
    """The question before a bulk status change, with the day it happened and, when needed, the reason."""

    def __init__(self, parent: QWidget | None, text: str, *, needs_reason: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Chuyển trạng thái")
        form = QFormLayout(self)
        question = QLabel(text, self)
        question.setWordWrap(True)
        form.addRow(question)
        self.day = date_field(self)
        form.addRow("Ngày:", self.day)
        self.reason: QLineEdit | None = None
        if needs_reason:
            self.reason = QLineEdit(self)
            self.reason.setPlaceholderText("Bắt buộc")
            form.addRow("Lý do:", self.reason)
        buttons = translate_buttons(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self)
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        (self.reason or self.day).setFocus()
        self.resize(480, self.sizeHint().height())

    def answer(self) -> StatusAnswer:
        return StatusAnswer(picked(self.day), self.reason.text() if self.reason is not None else "")


def ask_status_change(parent: QWidget | None, text: str, *, needs_reason: bool = False) -> StatusAnswer | None:
    """The day (and reason) of a status change, or None when cancelled."""
    dialog = StatusChangeDialog(parent, text, needs_reason=needs_reason)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.answer()
        return None
    finally:
        dialog.deleteLater()  # a child of a long-lived page otherwise
