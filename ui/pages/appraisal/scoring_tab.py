"""Score entry: one member at a time, typed like a spreadsheet; a second keying checks paper ballots."""
from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableView, QVBoxLayout, QWidget)

from desktop_app import domain
from desktop_app.appraisal import scoring
from desktop_app.appraisal.council import council_members

from ...models.score_grid import ScoreGridModel
from ... import messages
from ...worker import show_error


class ScoreTable(QTableView):
    """After a value is accepted, the cursor moves to the next criterion (then the next model)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.AnyKeyPressed | QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)

    def advance(self) -> None:
        model = self.model()
        current = self.currentIndex()
        if not current.isValid():
            return
        row, column = current.row(), current.column() + 1
        last_criterion = model.columnCount() - 2
        if column > last_criterion:
            row, column = row + 1, 1
        if row < model.rowCount():
            self.setCurrentIndex(model.index(row, column))


class ScoringTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.member_combo = QComboBox(self)
        self.member_combo.setMinimumContentsLength(28)
        self.member_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_combo = QComboBox(self)
        for code, label in domain.KINDS.items():
            self.kind_combo.addItem(label, code)
        self.keying_combo = QComboBox(self)
        self.keying_combo.addItem("Nhập lần 1", 1)
        self.keying_combo.addItem("Nhập lần 2 (đối chiếu phiếu giấy)", 2)
        for combo in (self.member_combo, self.kind_combo, self.keying_combo):
            combo.currentIndexChanged.connect(self.reload)
        self.accept_button = QPushButton("Lấy lần 2 làm kết quả", self)
        self.accept_button.setToolTip("Sau khi xem lại phiếu giấy: dùng số liệu nhập lần 2 cho dòng đang chọn")
        self.accept_button.clicked.connect(self.accept_second)
        self.progress = QLabel(self)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        self.model = ScoreGridModel(self)
        self.model.refused.connect(self._refused)
        self.model.saved.connect(self._accepted)
        self.table = ScoreTable(self)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumHeight(44)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.model.modelReset.connect(self._resize_columns)
        top = QHBoxLayout()
        for label, widget in (("Thành viên:", self.member_combo), ("Loại:", self.kind_combo),
                              ("Cách nhập:", self.keying_combo)):
            top.addWidget(QLabel(label, self))
            top.addWidget(widget)
        top.addWidget(self.accept_button)
        top.addStretch(1)
        hint = QLabel("Gõ điểm rồi bấm Enter để sang tiêu chí tiếp theo. Điểm nguyên hoặc nửa điểm (7,5); ô sai bị "
                      "từ chối ngay. Ở chế độ nhập lần 2, ô khác lần 1 được tô đỏ.", self)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    def set_year(self, year: int) -> None:
        self.year = year
        current = self.member_combo.currentData()
        self.member_combo.blockSignals(True)
        self.member_combo.clear()
        for member in council_members(year):
            self.member_combo.addItem(f"{member.name} — {member.role}", member.id)
        index = self.member_combo.findData(current)
        self.member_combo.setCurrentIndex(max(index, 0))
        self.member_combo.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        self.message.clear()
        self.model.load(self.year, self.member_combo.currentData(), self.kind_combo.currentData(),
                        self.keying_combo.currentData() or 1)
        self.accept_button.setVisible(self.model.keying == 2)
        self._update_progress()
        if self.model.rowCount():
            self.table.setCurrentIndex(self.model.index(0, 1))

    def _resize_columns(self) -> None:
        for column in range(1, self.model.columnCount()):
            self.table.setColumnWidth(column, 92)

    def _update_progress(self) -> None:
        if self.member_combo.currentData() is None:
            self.progress.setText("Chưa có thành viên hội đồng: hãy thêm ở thẻ «Hội đồng».")
            return
        done, expected = scoring.member_progress(self.year, self.member_combo.currentData())
        all_done, all_expected = scoring.progress(self.year)
        text = f"Phiếu của thành viên: {done}/{expected} — cả hội đồng: {all_done}/{all_expected}"
        if self.model.keying == 2:
            text += f" — {self.model.differences()} ô khác lần 1"
        self.progress.setText(text)

    def _refused(self, text: str) -> None:
        self.message.setText(text)

    def _accepted(self) -> None:
        self.message.clear()
        self._update_progress()
        QTimer.singleShot(0, self.table.advance)

    def accept_second(self) -> None:
        row = self.table.currentIndex().row()
        if row < 0 or self.model.keying != 2:
            return
        model_row = self.model.models[row]
        if not messages.confirm(self, f"Dùng điểm nhập lần 2 làm kết quả cho «{model_row.name}»?"):
            return
        try:
            scoring.accept_second_keying(self.year, self.model.member_id, model_row.id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.reload()

    def focus_cell(self, row: int, column: int) -> QModelIndex:
        index = self.model.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        return index
