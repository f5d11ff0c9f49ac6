"""Danh mục › «Cơ quan gửi báo cáo»: the offices below this one and the package each sent for the year."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import ValidationError
from desktop_app.exchange import offices
from desktop_app.exchange.offices import OfficeYearStatus, SourceOfficeItem
from desktop_app.text import format_date, format_number

from .. import messages
from ..errors import attempt

ERROR_STYLE = "color: #b00020;"
NOT_SENT_COLOR = "#FEF7E0"
HIDDEN_COLOR = "#F1F3F4"
PACKAGE_SAMPLE = "Đã nhận 28/12/2024 — 300 mô hình, điển hình"  # what the package column is made wide for
COLUMNS = ("Tên cơ quan", "Địa bàn", "Cấp", "Gói báo cáo năm", "Ghi chú")


def package_text(status: OfficeYearStatus) -> str:
    """«Đã nhận 12/03/2024 — 34 mô hình, điển hình» or «Chưa gửi»."""
    package = status.package
    if package is None:
        return "Chưa gửi"
    return f"Đã nhận {format_date(package.received_at.date())} — {format_number(package.models)} mô hình, điển hình"


def package_tooltip(status: OfficeYearStatus) -> str:
    package = status.package
    if package is None:
        return ""
    counts = package.counts
    parts = [
        f"{label} {format_number(counts.get(key, 0))}"
        for key, label in (
            ("added", "thêm mới"),
            ("updated", "cập nhật"),
            ("unchanged", "không đổi"),
            ("conflicts", "khác nhau"),
            ("rejected", "bị loại"),
            ("removed", "bỏ đi"),
        )
        if counts.get(key)
    ]
    return f"Tệp «{package.file_name}», cơ quan gửi tạo ngày {format_date(package.created_at.date())}." + (
        f"\nKhi nhận: {', '.join(parts)}." if parts else ""
    )


class OfficeDialog(QDialog):
    """An office expected to send its report, added before its first package."""

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Thêm cơ quan gửi báo cáo")
        self.created: SourceOfficeItem | None = None
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("Ví dụ: Đảng ủy xã Đạ Đờn")
        self.area = QLineEdit(self)
        self.area.setPlaceholderText("Ví dụ: xã Đạ Đờn")
        self.level = QLineEdit(self)
        self.level.setPlaceholderText("Ví dụ: Xã")
        self.note = QLineEdit(self)
        self.error = QLabel(self)
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.error.hide()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Tên cơ quan *", self.name)
        form.addRow("", self.error)
        form.addRow("Địa bàn", self.area)
        form.addRow("Cấp", self.level)
        form.addRow("Ghi chú", self.note)
        hint = QLabel("Khi cơ quan này gửi gói báo cáo đầu tiên, phần mềm nhận ra theo tên và ghép vào dòng này.", self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        buttons = messages.translate_buttons(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(buttons)
        self.resize(max(self.fontMetrics().averageCharWidth() * 70, 480), self.sizeHint().height())
        self.name.setFocus()

    def accept(self) -> None:  # «Lưu» and Enter: close only once saved
        self.error.hide()
        with attempt(self, "Thêm cơ quan gửi báo cáo") as outcome:
            try:
                self.created = offices.add_office(
                    self.name.text(), area_name=self.area.text(), level=self.level.text(), note=self.note.text()
                )
            except ValidationError as err:  # shown beside the name, not in a message box
                self.error.setText(str(err))
                self.error.show()
                self.name.setFocus()
                return
        if outcome.ok:
            super().accept()


class OfficesTab(QWidget):
    """The catalogue of offices that send their year to this one, with the package each sent for the year."""

    changed = Signal()
    receive_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.rows: list[OfficeYearStatus] = []
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.itemActivated.connect(lambda _item: self.rename())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        metrics = self.table.fontMetrics()
        # Wide enough for what the columns usually hold («Đã nhận 12/03/2024 — 300 mô hình, điển hình»).
        for column, sample in ((1, "thị trấn Nam Ban mới"), (2, "Huyện"), (3, PACKAGE_SAMPLE)):
            title = COLUMNS[column] + (" 2024" if column == 3 else "")
            need = max(metrics.horizontalAdvance(sample), header.fontMetrics().horizontalAdvance(title))
            self.table.setColumnWidth(column, need + 24)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.empty_hint = QLabel(
            "Chưa có cơ quan nào. Cơ quan cấp dưới được thêm tự động khi nhận gói báo cáo đầu tiên của họ; "
            "muốn theo dõi ai chưa gửi, hãy thêm trước bằng «Thêm cơ quan…».",
            self,
        )
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setStyleSheet("color: #555;")

        buttons = QVBoxLayout()
        self.receive_button = self._button("Nhận gói báo cáo…", self.receive_requested.emit)
        self.receive_button.setToolTip("Nhận tệp gói (.dvk) cơ quan cấp dưới gửi lên")
        for button in (
            self.receive_button,
            self._button("Thêm cơ quan…", self.add),
            self._button("Đổi tên…", self.rename),
            self._button("Ghi chú…", self.edit_note),
            self._button("Ẩn / hiện", self.toggle),
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addWidget(self.table, 1)
        left.addWidget(self.empty_hint)
        left.addWidget(self.summary)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(buttons)
        self.add_dialog: OfficeDialog | None = None

    def _button(self, text: str, action: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(lambda _checked=False: action())
        return button

    # ------------------------------------------------------------ data
    def set_year(self, year: int) -> None:
        self.year = year
        self.reload()

    def reload(self, select_id: int | None = None) -> None:
        current = self.current()
        select_id = select_id if select_id is not None else (current.id if current else None)
        self.rows = offices.office_status(self.year, include_inactive=True) if self.year else []
        header = self.table.horizontalHeaderItem(3)
        if header is not None:
            header.setText(f"Gói báo cáo năm {self.year}" if self.year else COLUMNS[3])
        self.table.setRowCount(len(self.rows))
        for position, status in enumerate(self.rows):
            office = status.office
            values = [
                office.name if office.active else f"{office.name} (đã ẩn)",
                office.area_name,
                office.level,
                package_text(status),
                office.note,
            ]
            colour = HIDDEN_COLOR if not office.active else (NOT_SENT_COLOR if status.package is None else "")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, office.id)
                if colour:
                    item.setBackground(QBrush(QColor(colour)))
                if column == 3:
                    item.setToolTip(package_tooltip(status))
                elif value:
                    item.setToolTip(value)
                self.table.setItem(position, column, item)
            if office.id == select_id:
                self.table.selectRow(position)
        active = [s for s in self.rows if s.office.active]
        sent = sum(1 for s in active if s.package is not None)
        self.empty_hint.setVisible(not self.rows)
        self.summary.setVisible(bool(active))
        self.summary.setText(
            f"Năm {self.year}: {format_number(sent)}/{format_number(len(active))} cơ quan đã gửi gói báo cáo"
            + (f"; còn {format_number(len(active) - sent)} cơ quan chưa gửi (tô vàng)." if sent < len(active) else ".")
        )

    def refresh(self) -> None:
        self.reload()

    def current(self) -> SourceOfficeItem | None:
        row = self.table.currentRow()
        if 0 <= row < len(self.rows) and self.table.selectionModel().isRowSelected(row):
            return self.rows[row].office
        return None

    def _changed(self, select_id: int | None) -> None:
        self.reload(select_id)
        self.changed.emit()

    # ------------------------------------------------------------ actions
    def add(self) -> OfficeDialog:
        dialog = OfficeDialog(self)
        self.add_dialog = dialog

        def closed(result: int) -> None:
            if result and dialog.created is not None:
                self._changed(dialog.created.id)
            if self.add_dialog is dialog:
                self.add_dialog = None
            dialog.deleteLater()

        dialog.finished.connect(closed)
        dialog.open()  # modal to the window without a nested event loop
        return dialog

    def rename(self) -> None:
        office = self.current()
        if office is None:
            messages.info(self, "Hãy chọn cơ quan cần đổi tên.")
            return
        name = messages.ask_text(self, "Đổi tên cơ quan gửi báo cáo", "Tên mới:", office.name)
        if name is None:
            return
        with attempt(self, "Đổi tên cơ quan gửi báo cáo") as outcome:
            offices.update_office(office.id, name=name)
        if outcome.ok:
            self._changed(office.id)

    def edit_note(self) -> None:
        office = self.current()
        if office is None:
            messages.info(self, "Hãy chọn cơ quan cần ghi chú.")
            return
        note = messages.ask_text(self, f"Ghi chú về «{office.name}»", "Ghi chú:", office.note)
        if note is None:
            return
        with attempt(self, "Ghi chú cơ quan gửi báo cáo") as outcome:
            offices.update_office(office.id, note=note)
        if outcome.ok:
            self._changed(office.id)

    def toggle(self) -> None:
        office = self.current()
        if office is None:
            messages.info(self, "Hãy chọn cơ quan cần ẩn hoặc hiện lại.")
            return
        with attempt(self, "Ẩn / hiện cơ quan gửi báo cáo") as outcome:
            offices.update_office(office.id, active=not office.active)
        if outcome.ok:
            self._changed(office.id)
