"""Nhập báo cáo tiến độ từ Excel: the units' follow-up workbook, previewed row by row, then written in one step.

The core reads and decides every row (desktop_app.followup.workbook) on the worker; this dialog shows which model
each row was matched to, what is refused and where (sheet, row, column), and «Nhập» writes the accepted rows, after
the automatic backup, in one undoable change.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import Cancelled
from desktop_app.followup.progress import status_label
from desktop_app.followup.workbook import (
    OK,
    REJECTED,
    FollowupImportResult,
    FollowupPlan,
    FollowupPlanRow,
    apply_followup,
    plan_followup,
)
from desktop_app.tasks import TaskState
from desktop_app.text import format_date

from . import messages
from .autobackups import backup_first
from .messages import preview_buttons
from .worker import run_job, show_error

STATUS_COLORS = {OK: "#E6F4EA", REJECTED: "#FCE8E6"}
HEADERS = [
    "Trang",
    "Dòng",
    "Tên trong tệp",
    "Mô hình, điển hình",
    "Ngày báo cáo",
    "Tình hình",
    "Kết quả kiểm tra",
    "Vấn đề",
]
NAME_COLUMN, MODEL_COLUMN, STATUS_COLUMN, PROBLEMS_COLUMN = 2, 3, 6, 7


def row_values(row: FollowupPlanRow) -> list[str]:
    data = row.data
    day = format_date(data.report_date) if data is not None and isinstance(data.report_date, date) else ""
    light = status_label(data.status) if data is not None else ""
    result = row.status_label + (" (thay báo cáo cùng ngày)" if row.replaces and row.status == OK else "")
    problems = "; ".join((f"Cột {p.column}: " if p.column else "") + p.message for p in row.problems)
    return [row.sheet, str(row.row), row.name, row.model_name, day, light, result, problems]


class FollowupImportDialog(QDialog):
    plan_ready = Signal()  # a preview is on screen (or the reading was cancelled or failed)
    imported = Signal(int)  # reports written

    def __init__(self, parent: QWidget | None, year: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nhập báo cáo tiến độ từ Excel")
        self.resize(1100, 640)
        self.path: Path | None = None
        self.plan: FollowupPlan | None = None

        self.file_label = QLabel("Chưa chọn tệp.", self)
        self.file_label.setWordWrap(True)
        choose = QPushButton("Chọn tệp Excel…", self)
        choose.clicked.connect(lambda: self.choose_file())
        self.year_box = QSpinBox(self)
        self.year_box.setRange(1990, 2100)
        self.year_box.setValue(year or 2024)
        self.year_box.setKeyboardTracking(False)
        self.year_box.valueChanged.connect(lambda _: self.replan())
        top = QHBoxLayout()
        top.addWidget(choose)
        top.addWidget(self.file_label, 1)
        top.addWidget(QLabel("Mô hình của năm:", self))
        top.addWidget(self.year_box)
        hint = QLabel(
            "Mỗi dòng một báo cáo: tên mô hình (và đơn vị khi trùng tên), ngày báo cáo, nội dung đã thực hiện, "
            "tình hình (Đúng tiến độ / Chậm tiến độ / Ngưng trệ), ghi chú, và mỗi chỉ tiêu một cột mang tên chỉ tiêu. "
            "Báo cáo cùng ngày của một mô hình được thay bằng báo cáo trong tệp.",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")

        self.rows_table = QTableWidget(0, len(HEADERS), self)
        self.rows_table.setHorizontalHeaderLabels(HEADERS)
        self.rows_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows_table.verticalHeader().hide()
        self.rows_table.setWordWrap(True)
        header = self.rows_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (NAME_COLUMN, MODEL_COLUMN, PROBLEMS_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)

        self.buttons = preview_buttons(self, "Nhập", self.do_import)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(hint)
        layout.addWidget(self.rows_table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    # ------------------------------------------------------------ reading
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Chọn tệp báo cáo tiến độ", str(Path.home()), "Sổ tính (*.xlsx *.xlsm *.xls *.ods);;Tất cả tệp (*)"
        )
        if path:
            self.load(Path(path))

    def load(self, path: Path) -> None:
        self.path = path
        self.file_label.setText(f"Tệp: {path}")
        self.replan()

    def replan(self) -> None:
        if self.path is None:
            return
        path, year = self.path, self.year_box.value()
        self.plan = None
        self.import_button.setEnabled(False)

        def read(task: TaskState) -> FollowupPlan | None:
            try:
                return plan_followup(path, year, task)
            except Cancelled:  # «Hủy»: the dialog says so rather than keeping an old preview
                return None

        run_job(
            self,
            read,
            title="Đọc tệp",
            label="Đang đọc và kiểm tra tệp báo cáo tiến độ…",
            on_done=self._show_plan,
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.plan = None
        self.rows_table.setRowCount(0)
        self.summary.setText("Không đọc được tệp; chưa có gì được ghi.")
        show_error(self, exc, "Đọc tệp báo cáo tiến độ")
        self.plan_ready.emit()

    def _show_plan(self, plan: FollowupPlan | None) -> None:
        self.plan = plan
        if plan is None:
            self.rows_table.setRowCount(0)
            self.summary.setText("Đã hủy đọc tệp; chưa có gì được ghi. Chọn lại tệp để đọc lại.")
            self.plan_ready.emit()
            return
        self.rows_table.setRowCount(len(plan.rows))
        for index, row in enumerate(plan.rows):
            brush = QBrush(QColor(STATUS_COLORS.get(row.status, "#FFFFFF")))
            for column, value in enumerate(row_values(row)):
                item = QTableWidgetItem(value)
                item.setBackground(brush)
                if column in (NAME_COLUMN, MODEL_COLUMN, PROBLEMS_COLUMN) and value:
                    item.setToolTip(value)
                self.rows_table.setItem(index, column, item)
        self.rows_table.resizeRowsToContents()
        count, rejected = len(plan.importable), len(plan.rejected)
        replaced = sum(1 for r in plan.importable if r.replaces)
        text = f"Sẽ nhập <b>{count}</b> báo cáo tiến độ của mô hình, điển hình năm {plan.year}"
        if replaced:
            text += f" ({replaced} báo cáo thay báo cáo cùng ngày đã có)"
        text += f"; bị loại {rejected} dòng (tô đỏ, xem cột «Vấn đề»)."
        if not plan.rows:
            text = "Tệp có bảng báo cáo tiến độ nhưng chưa có dòng nào ghi báo cáo."
        self.summary.setText(text)
        self.import_button.setText(f"Nhập {count} báo cáo")
        self.import_button.setEnabled(count > 0)
        self.plan_ready.emit()

    # ------------------------------------------------------------ writing
    def do_import(self) -> None:
        plan = self.plan
        if plan is None or not plan.importable:
            return
        self.import_button.setEnabled(False)  # a second click must not apply the same preview twice

        def done(result: FollowupImportResult) -> None:
            replaced = f" (thay {result.replaced} báo cáo cùng ngày)" if result.replaced else ""
            messages.info(self, f"Đã nhập {result.created + result.replaced} báo cáo tiến độ{replaced}.")
            self.imported.emit(result.created + result.replaced)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.import_button.setEnabled(not plan.applied)
            show_error(self, exc, "Nhập báo cáo tiến độ")

        def write() -> None:
            run_job(
                self,
                lambda task: apply_followup(plan, task),
                title="Nhập báo cáo tiến độ",
                label="Đang ghi vào tệp dữ liệu…",
                on_done=done,
                on_error=failed,
            )

        # The automatic backup first (on the worker), as for every import.
        backup_first(self, "nhap", write)
