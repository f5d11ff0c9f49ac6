"""Đánh giá: criteria, council, score entry and results, as tabs of one screen."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import desktop_app.appraisal.results as results_service
from desktop_app.appraisal.decision import criteria_warnings
from desktop_app.text import format_number

from ... import messages
from ...errors import attempt
from ...models.appraisal_tables import ResultsTableModel
from ..showing import in_front
from .scoring_tab import ScoringTab
from .setup_tabs import CouncilTab, CriteriaTab


class ResultsTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.table_model = ResultsTableModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.table_model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 50), (2, 140), (3, 210), (4, 64), (5, 70), (6, 76), (7, 76), (8, 76), (9, 120)):
            self.view.setColumnWidth(column, width)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b00020; font-weight: bold;")
        self.warning.hide()
        buttons = QHBoxLayout()
        override = QPushButton("Hội đồng quyết định khác…", self)
        override.clicked.connect(self.override)
        clear = QPushButton("Bỏ quyết định khác", self)
        clear.clicked.connect(self.clear_override)
        refresh = QPushButton("Tính lại", self)
        refresh.clicked.connect(self.refresh)
        for button in (override, clear, refresh):
            buttons.addWidget(button)
        buttons.addStretch(1)
        note = QLabel(
            "Điểm TB là trung bình tổng điểm của các thành viên chấm đủ phiếu (không tính thành viên có xung "
            "đột lợi ích). Hạng xếp riêng cho mô hình tập thể và cho điển hình cá nhân. Ô «Chênh lệch» tô đỏ "
            "khi các thành viên chấm lệch nhau từ 15 điểm; dòng tô vàng là kết quả do hội đồng quyết định "
            "khác, có ghi lý do.",
            self,
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.warning)
        layout.addWidget(self.view, 1)
        layout.addWidget(note)

    def set_year(self, year: int) -> None:
        self.year = year
        if in_front(self):  # else computed when the tab (or the screen) is shown: the heaviest of a year switch
            self.refresh()

    def refresh(self) -> None:
        items = results_service.results(self.year) if self.year else []
        self.table_model.set_items(items)
        self.view.clearSpans()
        for row in self.table_model.section_rows():
            self.view.setSpan(row, 0, 1, self.table_model.columnCount())
        parts = []
        for kind, results in results_service.by_kind(items):
            scored = [r for r in results if r.members]
            parts.append(
                f"{results_service.kind_title(kind)}: đã có điểm {len(scored)}/{len(results)}, đủ điều kiện "
                f"công nhận {format_number(sum(r.recognised for r in scored))}"
            )
        self.summary.setText("; ".join(parts) if parts else "Chưa có mô hình, điển hình nào để chấm điểm.")
        problems = criteria_warnings(self.year) if self.year else []
        self.warning.setText("\n".join(problems))
        self.warning.setVisible(bool(problems))

    def _current(self):
        return self.table_model.item_at(self.view.currentIndex().row())

    def override(self) -> None:
        item = self._current()
        if item is None:
            messages.info(self, "Hãy chọn một mô hình trong bảng kết quả.")
            return
        options = ["Công nhận", "Công nhận, xếp loại tiêu biểu", "Không công nhận"]
        choice = messages.ask_item(self, "Hội đồng quyết định khác", f"Kết quả cho «{item.name}»:", options)
        if choice is None:
            return
        reason = messages.ask_text(self, "Lý do", "Lý do hội đồng quyết định khác kết quả chấm (bắt buộc):")
        if reason is None:
            return
        with attempt(self, "Ghi quyết định khác của hội đồng"):
            results_service.set_override(item.model_id, recognised=choice != 2, outstanding=choice == 1, reason=reason)
        self.refresh()

    def clear_override(self) -> None:
        item = self._current()
        if item is None:
            return
        with attempt(self, "Bỏ quyết định khác của hội đồng"):  # a locked decision refuses with its message
            results_service.clear_override(item.model_id)
        self.refresh()


class AppraisalPage(QTabWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.criteria = CriteriaTab(self)
        self.council = CouncilTab(self)
        self.scoring = ScoringTab(self)
        self.results = ResultsTab(self)
        self.addTab(self.scoring, "Chấm điểm")
        self.addTab(self.results, "Kết quả")
        self.addTab(self.council, "Hội đồng")
        self.addTab(self.criteria, "Bộ tiêu chí")
        # Beside the tabs, so it is seen while scoring too: a criteria set whose points do not add up to 100.
        self.criteria_alert = QLabel(self)
        self.criteria_alert.setStyleSheet("color: #b00020; font-weight: bold; padding: 0 8px;")
        self.criteria_alert.hide()
        self.setCornerWidget(self.criteria_alert)
        self.criteria.reloaded.connect(self._update_alert)
        self.currentChanged.connect(lambda _: self.refresh())
        self.year = 0

    def set_year(self, year: int) -> None:
        self.year = year
        for tab in (self.criteria, self.council, self.scoring, self.results):
            with attempt(self, f"Mở năm {year}"):  # one failing tab must not hide the others
                tab.set_year(year)
        self._update_alert()

    def _update_alert(self) -> None:
        problems = criteria_warnings(self.year) if self.year else []
        self.criteria_alert.setText("Bộ tiêu chí cần xem lại: tổng điểm tối đa phải là 100" if problems else "")
        self.criteria_alert.setToolTip("\n".join(problems))
        self.criteria_alert.setVisible(bool(problems))

    def refresh(self) -> None:
        if not self.year:
            return
        self._update_alert()
        widget = self.currentWidget()
        if widget is self.scoring:
            self.scoring.set_year(self.year)
        elif widget is self.results:
            self.results.refresh()
        elif widget is self.council:
            self.council.reload()
