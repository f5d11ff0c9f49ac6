"""Nhập từ Excel: preview the rows a unit sent, fix the column mapping, choose new units, then import."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import Cancelled
from desktop_app.importer import (
    DUPLICATE,
    OK,
    REJECTED,
    STATUS_LABELS,
    ImportPlan,
    apply_plan,
    build_plan,
    write_template,
)
from desktop_app.importer.layout import LABELS, column_letter
from desktop_app.tasks import TaskState

from . import messages
from .autobackups import backup_first
from .messages import translate_buttons
from .worker import run_job

STATUS_COLORS = {OK: "#E6F4EA", REJECTED: "#FCE8E6", DUPLICATE: "#FEF7E0"}
LEGACY = {"tcvn3": "TCVN3 (ABC, phông .VnTime)", "vni": "VNI-Windows"}


class ImportDialog(QDialog):
    plan_ready = Signal()
    imported = Signal(int)

    def __init__(self, parent: QWidget | None, year: int) -> None:
        super().__init__(parent)
        self.setWindowTitle("Nhập danh sách đăng ký từ Excel")
        self.resize(1150, 720)
        self.plan: ImportPlan | None = None
        self.path: Path | None = None
        self.mappings: dict[str, dict[int, str]] = {}

        self.file_label = QLabel("Chưa chọn tệp.", self)
        self.file_label.setWordWrap(True)
        choose = QPushButton("Chọn tệp Excel…", self)
        choose.clicked.connect(self.choose_file)
        self.year_box = QSpinBox(self)
        self.year_box.setRange(1990, 2100)
        self.year_box.setValue(year or 2024)
        self.year_box.valueChanged.connect(lambda _: self.replan())
        top = QHBoxLayout()
        top.addWidget(choose)
        top.addWidget(self.file_label, 1)
        top.addWidget(QLabel("Năm đăng ký:", self))
        top.addWidget(self.year_box)

        self.mapping_table = QTableWidget(0, 3, self)
        self.mapping_table.setHorizontalHeaderLabels(["Cột", "Tiêu đề trong tệp", "Nhận là"])
        self.mapping_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().setVisible(False)
        mapping_box = QGroupBox("Các cột (sửa nếu phần mềm nhận sai; lần sau tệp cùng mẫu sẽ nhớ)", self)
        QVBoxLayout(mapping_box).addWidget(self.mapping_table)

        self.units_list = QListWidget(self)
        self.units_list.itemChanged.connect(lambda _: self._update_summary())
        units_box = QGroupBox("Đơn vị chưa có trong danh mục (đánh dấu để tạo mới)", self)
        QVBoxLayout(units_box).addWidget(self.units_list)

        self.rows_table = QTableWidget(0, 7, self)
        self.rows_table.setHorizontalHeaderLabels(
            [
                "Trang",
                "Dòng",
                "Tên mô hình, điển hình",
                "Lĩnh vực",
                "Đơn vị thực hiện",
                "Kết quả kiểm tra",
                "Vấn đề và cách sửa",
            ]
        )
        self.rows_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows_table.verticalHeader().setVisible(False)
        self.rows_table.setWordWrap(True)
        header = self.rows_table.horizontalHeader()
        # Widths from the fonts in use, never below the usual ones: a larger system font must not cut the headers
        # or the check results.
        for column, least in ((0, 90), (1, 50), (2, 300), (3, 130), (4, 200), (5, 125)):
            texts = list(STATUS_LABELS.values()) if column == 5 else []
            need = (
                max(
                    [header.fontMetrics().horizontalAdvance(self.rows_table.horizontalHeaderItem(column).text())]
                    + [self.rows_table.fontMetrics().horizontalAdvance(text) for text in texts]
                )
                + 24
            )
            self.rows_table.setColumnWidth(column, max(least, need))
        # The name and the problem to fix share what is left, so neither is squeezed into a tall thin column.
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)

        upper = QWidget(self)
        upper_layout = QHBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(mapping_box, 3)
        upper_layout.addWidget(units_box, 2)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(upper)
        splitter.addWidget(self.rows_table)
        # Room for six mapped columns (a unit's form has about that many) at the size the font gives a row.
        rows = self.mapping_table.horizontalHeader().sizeHint().height() + 7 * max(
            self.mapping_table.verticalHeader().defaultSectionSize(), QComboBox().sizeHint().height()
        )
        upper_height = rows + mapping_box.sizeHint().height() - self.mapping_table.sizeHint().height() + 8
        splitter.setSizes([upper_height, max(300, 640 - upper_height)])

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        translate_buttons(self.buttons)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Nhập")
        self.import_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    # ------------------------------------------------------------ reading
    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Chọn tệp đăng ký", str(Path.home()), "Sổ tính (*.xlsx *.xlsm *.xls *.ods);;Tất cả tệp (*)"
        )
        if path:
            self.load(Path(path))

    def load(self, path: Path) -> None:
        self.path = path
        self.mappings = {}
        self.file_label.setText(f"Tệp: {path}")
        self.replan()

    def replan(self) -> None:
        if self.path is None:
            return
        path, year, mappings = self.path, self.year_box.value(), dict(self.mappings)
        self.import_button.setEnabled(False)

        def read(task: TaskState) -> ImportPlan | None:
            try:
                return build_plan(path, year=year, mappings=mappings or None, task=task)
            except Cancelled:  # «Hủy» in the progress dialog: the dialog must say so, not keep the old preview
                return None

        run_job(
            self,
            read,
            title="Đọc tệp",
            label="Đang đọc và kiểm tra tệp…",
            on_done=self._show_plan,
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        from .worker import show_error

        self.plan = None
        self.rows_table.setRowCount(0)
        self.summary.setText("Không đọc được tệp; chưa có gì được ghi.")
        show_error(self, exc, "Đọc tệp đăng ký")

    def _show_plan(self, plan: ImportPlan | None) -> None:
        if plan is None:
            self.plan = None
            self.rows_table.setRowCount(0)
            self.summary.setText("Đã hủy đọc tệp; chưa có gì được ghi. Chọn lại tệp để đọc lại.")
            return
        self.plan = plan
        self._fill_mapping(plan)
        self._fill_units(plan)
        self._fill_rows(plan)
        self._update_summary()
        self.plan_ready.emit()

    def _fill_mapping(self, plan: ImportPlan) -> None:
        self.mapping_table.setRowCount(0)
        for sheet in plan.sheets:
            for index, header in enumerate(sheet.headers):
                if not header and index not in sheet.mapping:
                    continue
                row = self.mapping_table.rowCount()
                self.mapping_table.insertRow(row)
                where = column_letter(index) + (f" («{sheet.name}»)" if len(plan.sheets) > 1 else "")
                self.mapping_table.setItem(row, 0, QTableWidgetItem(where))
                self.mapping_table.setItem(row, 1, QTableWidgetItem(header))
                combo = QComboBox(self.mapping_table)
                for target, label in LABELS.items():
                    combo.addItem(label, target)
                combo.setCurrentIndex(combo.findData(sheet.mapping.get(index, "")))
                combo.currentIndexChanged.connect(
                    lambda _=0, s=sheet.name, i=index, c=combo: self.set_mapping(s, i, c.currentData())
                )
                self.mapping_table.setCellWidget(row, 2, combo)
        self.mapping_table.resizeColumnToContents(0)
        combos = [self.mapping_table.cellWidget(row, 2) for row in range(self.mapping_table.rowCount())]
        # As wide as the longest choice («Loại (tập thể / cá nhân)»), whatever the font.
        self.mapping_table.setColumnWidth(2, max([200] + [combo.sizeHint().width() + 4 for combo in combos]))

    def set_mapping(self, sheet_name: str, index: int, target: str) -> None:
        """The user says column ``index`` holds ``target``; another column claiming it lets go."""
        assert self.plan is not None
        sheet = next(s for s in self.plan.sheets if s.name == sheet_name)
        mapping = dict(self.mappings.get(sheet_name) or sheet.mapping)
        if target:
            mapping = {i: t for i, t in mapping.items() if t != target}
        mapping[index] = target
        self.mappings[sheet_name] = {i: t for i, t in mapping.items() if t}
        self.replan()

    def _fill_units(self, plan: ImportPlan) -> None:
        checked = {
            self.units_list.item(i).text(): self.units_list.item(i).checkState() for i in range(self.units_list.count())
        }
        self.units_list.clear()
        for name in plan.unknown_units():
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(checked.get(name, Qt.CheckState.Checked))
            self.units_list.addItem(item)
        if not plan.unknown_units():
            item = QListWidgetItem("Mọi đơn vị trong tệp đều đã có trong danh mục.")
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.units_list.addItem(item)

    def _fill_rows(self, plan: ImportPlan) -> None:
        self.rows_table.setRowCount(len(plan.rows))
        for row_index, row in enumerate(plan.rows):
            problems = "; ".join((f"Cột {p.column}: " if p.column else "") + p.message for p in row.problems)
            unit = row.unit + (" (đơn vị mới)" if row.new_unit and row.status == OK else "")
            values = [row.sheet, str(row.row), row.name, row.field, unit, STATUS_LABELS[row.status], problems]
            brush = QBrush(QColor(STATUS_COLORS[row.status]))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setBackground(brush)
                if column == 6 and problems:
                    item.setToolTip(problems)
                self.rows_table.setItem(row_index, column, item)
        self.rows_table.resizeRowsToContents()

    def chosen_units(self) -> list[str]:
        return [
            self.units_list.item(i).text()
            for i in range(self.units_list.count())
            if self.units_list.item(i).flags() & Qt.ItemFlag.ItemIsUserCheckable
            and self.units_list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def importable_count(self) -> int:
        if self.plan is None:
            return 0
        chosen = set(self.chosen_units())
        return sum(1 for r in self.plan.importable if not r.new_unit or r.unit in chosen)

    def _update_summary(self) -> None:
        plan = self.plan
        if plan is None:
            return
        count = self.importable_count()
        left = len(plan.importable) - count
        text = (
            f"Sẽ nhập <b>{count}</b> mô hình, điển hình vào năm {plan.year}; bị loại {len(plan.rejected)} "
            f"dòng (tô đỏ, xem cột «Vấn đề»); trùng {len(plan.duplicates)} dòng (tô vàng, bỏ qua)."
        )
        if left:
            text += f" {left} dòng của đơn vị không được chọn tạo mới sẽ không nhập."
        if plan.legacy_encoding:
            text += f" Chữ gõ bằng bảng mã {LEGACY[plan.legacy_encoding]} đã được chuyển sang Unicode."
        for warning in plan.warnings:
            text += f"<br><b>Lưu ý:</b> {html.escape(warning)}"
        self.summary.setText(text)
        self.import_button.setText(f"Nhập {count} mô hình, điển hình")
        self.import_button.setEnabled(count > 0)

    # ------------------------------------------------------------ writing
    def do_import(self) -> None:
        if self.plan is None:
            return
        plan, units = self.plan, self.chosen_units()

        def done(result) -> None:
            created = f" Đã tạo {len(result.created_units)} đơn vị mới." if result.created_units else ""
            messages.info(self, f"Đã nhập {result.imported} mô hình, điển hình.{created}")
            self.imported.emit(result.imported)
            self.accept()

        # The automatic backup first (on the worker), so a wrong file imported can be undone by a restore.
        backup_first(
            self,
            "nhap",
            lambda: run_job(
                self,
                lambda task: apply_plan(plan, create_units=units, task=task),
                title="Nhập dữ liệu",
                label="Đang ghi vào tệp dữ liệu…",
                on_done=done,
            ),
        )


def save_template(parent: QWidget | None) -> None:
    path, _ = QFileDialog.getSaveFileName(
        parent, "Lưu mẫu đăng ký", str(Path.home() / "Mẫu đăng ký Dân vận khéo.xlsx"), "Sổ tính Excel (*.xlsx)"
    )
    if not path:
        return
    target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
    run_job(
        parent,
        lambda task: write_template(target),
        title="Mẫu đăng ký",
        progress=False,
        on_done=lambda result: messages.saved(
            parent, result, "Gửi tệp này cho các đơn vị điền rồi nhập lại bằng «Nhập từ Excel…»."
        ),
    )
