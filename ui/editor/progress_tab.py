"""The editor's «Tiến độ» tab: a saved model's progress reports (sơ kết, kiểm tra tiến độ), newest first.

Reports are records of their own, like evidence files: the form writes one through the core at once
(desktop_app.followup.progress), never through the editor's «Lưu», so the editor's unsaved state is untouched.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import domain
from desktop_app.errors import ValidationError
from desktop_app.followup import progress
from desktop_app.followup.progress import ProgressAmount, ProgressInput, ProgressItem
from desktop_app.text import format_date, format_number

from .. import messages
from ..errors import attempt
from ..messages import translate_buttons

NOT_SAVED = "Hãy lưu mô hình, điển hình trước, sau đó ghi các báo cáo tiến độ thực hiện."
NO_REPORTS = "Chưa có báo cáo tiến độ nào. Bấm «Thêm báo cáo tiến độ…» sau mỗi lần sơ kết, kiểm tra."
HEADERS = ("Ngày", "Tình hình", "Nội dung đã thực hiện", "Chỉ tiêu đạt được / kế hoạch")
# The traffic light: background, text.
STATUS_COLORS = {
    domain.PROGRESS_ON_TRACK: ("#1E7B34", "#FFFFFF"),
    domain.PROGRESS_BEHIND: ("#F2B705", "#000000"),
    domain.PROGRESS_STALLED: ("#B3261E", "#FFFFFF"),
}
ERROR_STYLE = "color: #b00020;"


def amount_text(amount: ProgressAmount) -> str:
    """«Số hộ tham gia: 12 / 40 hộ» — how far an indicator has got against its plan."""
    unit = f" {amount.unit_of_measure}" if amount.unit_of_measure else ""
    plan = f" / {format_number(amount.target)}" if amount.target is not None else ""
    return f"{amount.name}: {format_number(amount.amount)}{plan}{unit}"


def status_badge(code: str, label: str, parent: QWidget | None = None) -> QLabel:
    """The traffic light as a coloured label."""
    background, foreground = STATUS_COLORS.get(code, ("#777777", "#FFFFFF"))
    badge = QLabel(label, parent)
    badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
    badge.setStyleSheet(
        f"background: {background}; color: {foreground}; border-radius: 4px; padding: 2px 6px; font-weight: bold;"
    )
    return badge


def badge_cell(code: str, label: str, parent: QWidget) -> QWidget:
    """The badge at the top of its table cell, as tall as its text (a wrapped row beside it is taller)."""
    cell = QWidget(parent)
    layout = QVBoxLayout(cell)
    layout.setContentsMargins(4, 3, 4, 3)
    layout.addWidget(status_badge(code, label, cell))
    layout.addStretch(1)
    return cell


class _IndicatorLine:
    """One indicator of the model in the form: its uuid and the amount typed."""

    def __init__(self, uuid: str, name: str, unit: str, target: float | None, edit: QLineEdit) -> None:
        self.uuid, self.name, self.unit, self.target, self.edit = uuid, name, unit, target, edit


class ProgressForm(QDialog):
    """Add or edit one report; «Lưu» writes it at once, a refusal is shown beside its field."""

    def __init__(self, parent: QWidget | None, model_id: int, year: int, item: ProgressItem | None = None) -> None:
        super().__init__(parent)
        self.model_id = model_id
        self.entry_id = item.id if item else None
        self.saved_item: ProgressItem | None = None
        self.setWindowTitle("Sửa báo cáo tiến độ" if item else "Thêm báo cáo tiến độ")
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        # A long indicator name stays beside its box rather than pushing the box to a line of its own.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)

        self.day = QLineEdit(self)
        self.day.setPlaceholderText("dd/mm/yyyy")
        self.day.setMaximumWidth(140)
        first, last = progress.report_window(year)
        if item is not None:
            self.day.setText(format_date(item.report_date))
        elif first <= date.today() <= last:
            self.day.setText(format_date(date.today()))
        self.day.setToolTip(f"Từ {format_date(first)} đến {format_date(last)}")
        form.addRow("Ngày báo cáo *", self.day)
        self._error_row(form, "report_date")

        self.status = QComboBox(self)
        for code, label in domain.PROGRESS_STATUSES.items():
            self.status.addItem(label, code)
        if item is not None:
            self.status.setCurrentIndex(max(self.status.findData(item.status), 0))
        form.addRow("Tình hình *", self.status)
        self._error_row(form, "status")

        # Not «done»: that is QDialog.done(), which accept() calls (shadowed, it crashes).
        self.done_text = QPlainTextEdit(self)
        self.done_text.setTabChangesFocus(True)
        self.done_text.setFixedHeight(90)
        self.done_text.setPlaceholderText("Những việc đã làm được đến ngày báo cáo")
        if item is not None:
            self.done_text.setPlainText(item.done)
        form.addRow("Nội dung đã thực hiện", self.done_text)
        self._error_row(form, "done")

        # Every indicator of the model as saved; the amount reached so far, its plan beside it.
        self.indicators: list[_IndicatorLine] = []
        values = item.values if item else {}
        for indicator in progress.model_indicators(model_id):
            edit = QLineEdit(self)
            if indicator.uuid in values:
                edit.setText(format_number(values[indicator.uuid]))
            unit = indicator.unit_of_measure or ""
            plan = (
                f"kế hoạch {format_number(indicator.target)} {unit}".strip() if indicator.target is not None else unit
            )
            # One width for every amount, room for «1.234.567.890,5»: the boxes line up and the plans beside them too.
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("0" * 16) + 12)
            line = QHBoxLayout()
            line.addWidget(edit)
            if plan:
                line.addWidget(QLabel(plan, self))
            line.addStretch(1)
            form.addRow(f"{indicator.name}:", line)
            self.indicators.append(_IndicatorLine(indicator.uuid, indicator.name, unit, indicator.target, edit))
        if self.indicators:
            self._error_row(form, "values")

        self.note = QLineEdit(self)
        if item is not None:
            self.note.setText(item.note)
        form.addRow("Ghi chú", self.note)
        self._error_row(form, "note")

        self.general_error = QLabel(self)  # a refusal that names no field of the form
        self.general_error.setStyleSheet(ERROR_STYLE)
        self.general_error.setWordWrap(True)
        self.general_error.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        translate_buttons(self.buttons)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Lưu")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def _error_row(self, form: QFormLayout, key: str) -> None:
        label = QLabel(self)
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        self.errors[key] = label
        form.addRow("", label)

    def collect(self) -> ProgressInput:
        return ProgressInput(
            model_id=self.model_id,
            report_date=self.day.text(),
            done=self.done_text.toPlainText(),
            values={line.uuid: line.edit.text() for line in self.indicators},
            status=self.status.currentData(),
            note=self.note.text(),
        )

    def error_texts(self) -> list[str]:
        """The refusals shown (tests read them)."""
        labels = [*self.errors.values(), self.general_error]
        return [label.text() for label in labels if not label.isHidden() and label.text()]

    def _clear_errors(self) -> None:
        for label in [*self.errors.values(), self.general_error]:
            label.hide()
            label.clear()

    def save(self) -> bool:
        self._clear_errors()
        with attempt(self, "Lưu báo cáo tiến độ") as outcome:
            try:
                self.saved_item = progress.save_progress(self.collect(), self.entry_id)
            except ValidationError as err:  # beside its field, not in a message box
                label = self.errors.get(err.key or "")
                if label is not None:
                    label.setText(err.message[:1].upper() + err.message[1:])
                else:
                    label = self.general_error
                    label.setText(str(err))
                label.show()
                return False
        if not outcome.ok:
            return False
        super().accept()
        return True

    def accept(self) -> None:  # Enter in a line edit saves (and closes only when saved)
        self.save()


class ProgressTab(QWidget):
    """The model's progress reports; «Thêm…», «Sửa…», «Xóa» write at once."""

    changed = Signal()  # a report was added, edited or deleted (the model's history has one more change)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_id: int | None = None
        self.year = 0
        self.items: list[ProgressItem] = []
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().hide()
        # Rows as tall as their wrapped text at the widths the columns end up with.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 100)
        self.table.setColumnWidth(1, 130)
        self.table.doubleClicked.connect(lambda _index: self.edit_current())
        self.table.itemSelectionChanged.connect(self._fit_buttons)
        self.add_button = QPushButton("Thêm báo cáo tiến độ…", self)
        self.add_button.clicked.connect(lambda: self.add_entry())
        self.edit_button = QPushButton("Sửa…", self)
        self.edit_button.clicked.connect(lambda: self.edit_current())
        self.delete_button = QPushButton("Xóa", self)
        self.delete_button.clicked.connect(lambda: self.delete_current())
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        self.load(None)

    def load(self, model_id: int | None, year: int = 0) -> None:
        self.model_id = model_id
        self.year = year or self.year
        self.refresh()

    def refresh(self) -> None:
        self.items = progress.list_progress(self.model_id) if self.model_id is not None else []
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            day = QTableWidgetItem(format_date(item.report_date))
            self.table.setItem(row, 0, day)
            light = QTableWidgetItem()  # under the badge: its label as data, for copying and tests
            light.setData(Qt.ItemDataRole.UserRole, item.status_label)
            light.setToolTip(item.status_label)
            self.table.setItem(row, 1, light)
            self.table.setCellWidget(row, 1, badge_cell(item.status, item.status_label, self.table))
            done = QTableWidgetItem(item.done)
            done.setToolTip(item.done + (f"\nGhi chú: {item.note}" if item.note else ""))
            self.table.setItem(row, 2, done)
            amounts = QTableWidgetItem("\n".join(amount_text(a) for a in item.amounts))
            self.table.setItem(row, 3, amounts)
            for cell in (day, done, amounts):
                cell.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if self.model_id is None:
            self.hint.setText(NOT_SAVED)
        elif not self.items:
            self.hint.setText(NO_REPORTS)
        else:
            latest = self.items[0]
            self.hint.setText(
                f"{len(self.items)} báo cáo tiến độ, mới nhất ở trên; gần nhất ngày "
                f"{format_date(latest.report_date)}: {latest.status_label}."
            )
        if self.items and not self.table.selectedItems():
            self.table.selectRow(0)
        self._fit_buttons()

    def _fit_buttons(self) -> None:
        self.add_button.setEnabled(self.model_id is not None)
        chosen = self.current() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    def current(self) -> ProgressItem | None:
        row = self.table.currentRow()
        selected = self.table.selectionModel().selectedRows()
        if selected:
            row = selected[0].row()
        return self.items[row] if 0 <= row < len(self.items) else None

    def form(self, item: ProgressItem | None = None) -> ProgressForm:
        """The form for a new report (``item`` None) or for ``item``; tests fill it without a dialog loop."""
        assert self.model_id is not None
        return ProgressForm(self, self.model_id, self.year, item)

    def add_entry(self) -> None:
        if self.model_id is None:
            return
        self._run(self.form())

    def edit_current(self) -> None:
        item = self.current()
        if item is not None:
            self._run(self.form(item))

    def _run(self, form: ProgressForm) -> None:
        if form.exec() == QDialog.DialogCode.Accepted:
            self.after_save(form)
        form.deleteLater()

    def after_save(self, form: ProgressForm) -> None:
        self.refresh()
        saved = form.saved_item
        if saved is not None:
            row = next((r for r, i in enumerate(self.items) if i.id == saved.id), 0)
            self.table.selectRow(row)
        self.changed.emit()

    def delete_current(self) -> None:
        item = self.current()
        if item is None:
            return
        if not messages.confirm(
            self,
            f"Xóa báo cáo tiến độ ngày {format_date(item.report_date)}?",
            danger=True,
            yes="Xóa",
            no="Không",
        ):
            return
        with attempt(self, "Xóa báo cáo tiến độ") as outcome:
            progress.delete_progress(item.id)
        if outcome.ok:
            self.refresh()
            self.changed.emit()
