"""Nhập từ Excel: preview the rows a unit sent, fix the column mapping, choose new units, then import.

Every sheet of the workbook that holds a list is shown in its own tab with its own mapping; hidden sheets are
listed and planned only when the clerk ticks them.
"""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
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
from desktop_app.importer.layout import column_letter, target_choices
from desktop_app.importer.plan import IndicatorColumn, PlannedRow, SheetLayout
from desktop_app.services.models import IndicatorData
from desktop_app.tasks import TaskState
from desktop_app.text import format_number

from . import messages
from .autobackups import backup_first
from .messages import preview_buttons
from .worker import run_job

STATUS_COLORS = {OK: "#E6F4EA", REJECTED: "#FCE8E6", DUPLICATE: "#FEF7E0"}
LEGACY = {"tcvn3": "TCVN3 (ABC, phông .VnTime)", "vni": "VNI-Windows"}
SCALE_WORDS = {1e3: "nghìn", 1e6: "triệu", 1e9: "tỷ"}
ROW_HEADERS = [
    "Trang",
    "Dòng",
    "Tên mô hình, điển hình",
    "Lĩnh vực",
    "Đơn vị thực hiện",
    "Chỉ tiêu",
    "Kết quả kiểm tra",
    "Vấn đề và cách sửa",
]
INDICATORS_COLUMN, STATUS_COLUMN, PROBLEMS_COLUMN = 5, 6, 7


@dataclass
class Preview:
    """What the worker hands back: the plan and the choices of «Nhận là» (read from the catalogue there)."""

    plan: ImportPlan
    choices: list[tuple[str, str]]


def header_rows_text(sheet: SheetLayout) -> str:
    rows = sheet.header_rows or (sheet.header_row,)
    if len(rows) == 1 or rows[0] == rows[-1]:
        return f"Tiêu đề cột ở dòng {rows[0]}"
    return f"Tiêu đề cột ở dòng {rows[0]}–{rows[-1]}"


def field_source_text(sheet: SheetLayout) -> str:
    """Where the sheet's field comes from, so a clerk sees why its rows are (or are not) given one."""
    source, name = sheet.field_source, sheet.field_name
    if source == "column":
        where = next((column_letter(i) for i, t in sheet.mapping.items() if t == "field"), "")
        return "Lĩnh vực: theo cột Lĩnh vực" + (f" (cột {where})" if where else "")
    if source == "group":
        return "Lĩnh vực: theo dòng nhóm phía trên (như «I. LĨNH VỰC KINH TẾ»)"
    if source == "sheet" and name:
        return f"Lĩnh vực: {name} (theo tên trang «{sheet.name}»)"
    if source == "title" and name:
        return f"Lĩnh vực: {name} (theo tiêu đề phía trên bảng)"
    return "Lĩnh vực: chưa xác định — chọn cột Lĩnh vực hoặc đổi tên trang"


def row_field_source_text(row: PlannedRow) -> str:
    return {
        "column": "Lĩnh vực lấy từ cột Lĩnh vực của dòng này.",
        "group": "Lĩnh vực lấy từ dòng nhóm phía trên dòng này.",
        "sheet": f"Lĩnh vực lấy từ tên trang «{row.sheet}».",
        "title": f"Lĩnh vực lấy từ tiêu đề phía trên bảng của trang «{row.sheet}».",
    }.get(row.field_source, "")


def indicator_note(column: IndicatorColumn) -> str:
    """«triệu đồng → đồng, đạt được»: what the importer understood of a column of numbers (its name is beside)."""
    unit = column.unit_of_measure
    parts: list[str] = []
    if column.scale != 1:
        word = SCALE_WORDS.get(column.scale, f"× {format_number(column.scale)}")
        parts.append(f"{word} {unit} → {unit}" if unit else f"nhân {word}")
    elif unit:
        parts.append(unit)
    parts.append("kế hoạch" if column.column == "target" else "đạt được")
    return ", ".join(parts)


def indicators_text(items: list[IndicatorData]) -> str:
    """«Kinh phí: 12.500.000 đồng; Số hộ: 40 hộ»."""
    parts = []
    for item in items:
        unit = f" {item.unit_of_measure}" if item.unit_of_measure else ""
        values = []
        if item.target is not None:
            values.append(f"kế hoạch {format_number(item.target)}{unit}")
        if item.achieved is not None:
            prefix = "đạt " if item.target is not None else ""
            values.append(f"{prefix}{format_number(item.achieved)}{unit}")
        if values:
            parts.append(f"{item.name}: {', '.join(values)}" if item.name else ", ".join(values))
    return "; ".join(parts)


class FlexTable(QTableWidget):
    """A table whose ``flex`` columns share the width the others leave, none narrower than its header's text.

    What ``QHeaderView.Stretch`` does, but with a floor: with a larger font or a long indicator choice the
    table scrolls sideways rather than cutting «Tên mô hình, điển hình» down to a few letters.
    """

    def __init__(self, columns: list[str], parent: QWidget | None, flex: tuple[int, ...], *, wrap_rows: bool) -> None:
        super().__init__(0, len(columns), parent)
        self.setHorizontalHeaderLabels(columns)
        self.flex = flex
        self.wrap_rows = wrap_rows  # few rows: their height follows the width; thousands: set once when filled

    def fit(self) -> None:
        shown = [c for c in self.flex if not self.isColumnHidden(c)]
        if not shown:
            return
        others = sum(
            self.columnWidth(c) for c in range(self.columnCount()) if c not in shown and not self.isColumnHidden(c)
        )
        share = max(0, self.viewport().width() - others) // len(shown)
        metrics = self.horizontalHeader().fontMetrics()
        for column in shown:
            item = self.horizontalHeaderItem(column)
            least = metrics.horizontalAdvance(item.text() if item else "") + 24
            self.setColumnWidth(column, max(least, share))
        if self.wrap_rows:
            self.resizeRowsToContents()

    def resizeEvent(self, event: QResizeEvent) -> None:  # the viewport's size: a scroll bar coming counts too
        super().resizeEvent(event)
        self.fit()


def top_aligned(text: str, *, tooltip: bool = False) -> QTableWidgetItem:
    """A mapping cell whose first line stays at the top when a compound header takes two lines."""
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    if tooltip and text:
        item.setToolTip(text)
    return item


class SheetPage(QWidget):
    """One tab: where the sheet's header is and where its field comes from, then its columns."""

    def __init__(self, parent: QWidget | None, sheet_name: str) -> None:
        super().__init__(parent)
        self.sheet_name = sheet_name
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        self.table = FlexTable(["Cột", "Tiêu đề trong tệp", "Nhận là", "Hiểu là"], self, (1,), wrap_rows=True)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)  # "Kết quả đạt được / Kinh phí (triệu đồng)" on two lines, not cut
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)


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
        self.include_hidden = False
        self.hidden_sheets: list[str] = []  # hidden sheets of this file that hold a list
        self.choices: list[tuple[str, str]] = []

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

        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        # A page before any file, so the sizes below are measured on what a sheet's page really holds.
        placeholder = SheetPage(self.tabs, "")
        placeholder.note.setText("Chọn tệp để xem các cột của từng trang.")
        self.tabs.addTab(placeholder, "Chưa có tệp")
        self.hidden_box = QCheckBox(self)
        self.hidden_box.setVisible(False)
        self.hidden_box.toggled.connect(self._include_hidden_toggled)
        mapping_box = QGroupBox("Các cột (sửa nếu phần mềm nhận sai; lần sau tệp cùng mẫu sẽ nhớ)", self)
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.addWidget(self.tabs, 1)
        mapping_layout.addWidget(self.hidden_box)

        self.units_list = QListWidget(self)
        self.units_list.setWordWrap(True)  # the box is narrow: a long unit name takes two lines
        self.units_list.itemChanged.connect(lambda _: self._update_summary())
        # The advice under the title, wrapped, so the box stays narrow and the sheets' columns get the width.
        units_box = QGroupBox("Đơn vị chưa có trong danh mục", self)
        units_hint = QLabel("Đánh dấu những đơn vị cần tạo mới.", units_box)
        units_hint.setWordWrap(True)
        units_layout = QVBoxLayout(units_box)
        units_layout.addWidget(units_hint)
        units_layout.addWidget(self.units_list, 1)

        # The name and the problem to fix share what is left, so neither is squeezed into a tall thin column.
        self.rows_table = FlexTable(ROW_HEADERS, self, (2, PROBLEMS_COLUMN), wrap_rows=False)
        self.rows_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rows_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rows_table.verticalHeader().setVisible(False)
        self.rows_table.setWordWrap(True)
        header = self.rows_table.horizontalHeader()
        # Widths from the fonts in use, never below the usual ones: a larger system font must not cut the headers
        # or the check results.
        widths = ((0, 80), (1, 50), (3, 130), (4, 180), (INDICATORS_COLUMN, 180), (STATUS_COLUMN, 125))
        for column, least in widths:
            texts = list(STATUS_LABELS.values()) if column == STATUS_COLUMN else []
            need = (
                max(
                    [header.fontMetrics().horizontalAdvance(ROW_HEADERS[column])]
                    + [self.rows_table.fontMetrics().horizontalAdvance(text) for text in texts]
                )
                + 24
            )
            self.rows_table.setColumnWidth(column, max(least, need))
        self.rows_table.setColumnHidden(INDICATORS_COLUMN, True)  # shown once some row has numbers
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)

        upper = QWidget(self)
        upper_layout = QHBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        # The units box needs little more than its title; the sheets' columns take the rest.
        upper_layout.addWidget(mapping_box, 3)
        upper_layout.addWidget(units_box, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(upper)
        splitter.addWidget(self.rows_table)
        # Room for six mapped columns (a unit's form has about that many) at the size the font gives a row, under
        # the sheet tabs and the line saying where the header and the field are, over the hidden-sheet box: all
        # measured, none guessed, so the rows below keep what is left.
        table = placeholder.table
        rows = table.horizontalHeader().sizeHint().height() + 6 * max(
            table.verticalHeader().defaultSectionSize(), QComboBox().sizeHint().height()
        )
        hidden_line = self.hidden_box.sizeHint().height() + mapping_layout.spacing()
        upper_height = rows + mapping_box.sizeHint().height() - table.sizeHint().height() + hidden_line + 8
        splitter.setSizes([upper_height, max(300, 640 - upper_height)])

        self.buttons = preview_buttons(self, "Nhập", self.do_import)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.buttons)

    # ------------------------------------------------------------ pages
    @property
    def pages(self) -> list[SheetPage]:
        return [page for i in range(self.tabs.count()) if isinstance(page := self.tabs.widget(i), SheetPage)]

    def page(self, sheet_name: str) -> SheetPage:
        return next(p for p in self.pages if p.sheet_name == sheet_name)

    @property
    def mapping_table(self) -> QTableWidget:
        """The columns of the sheet whose tab is open."""
        page = self.tabs.currentWidget()
        assert isinstance(page, SheetPage)
        return page.table

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
        self.include_hidden = False
        self.hidden_sheets = []
        self.hidden_box.blockSignals(True)
        self.hidden_box.setChecked(False)
        self.hidden_box.blockSignals(False)
        self.file_label.setText(f"Tệp: {path}")
        self.replan()

    def replan(self) -> None:
        if self.path is None:
            return
        path, year, mappings = self.path, self.year_box.value(), dict(self.mappings)
        include_hidden = self.include_hidden
        self.import_button.setEnabled(False)

        def read(task: TaskState) -> Preview | None:
            try:
                plan = build_plan(path, year=year, mappings=mappings or None, include_hidden=include_hidden, task=task)
            except Cancelled:  # «Hủy» in the progress dialog: the dialog must say so, not keep the old preview
                return None
            return Preview(plan, target_choices())  # the catalogue is read here, off the GUI thread

        run_job(
            self,
            read,
            title="Đọc tệp",
            label="Đang đọc và kiểm tra tệp…",
            on_done=self._show_plan,
            on_error=self._failed,
        )

    def _include_hidden_toggled(self, checked: bool) -> None:
        self.include_hidden = checked
        self.replan()

    def _failed(self, exc: BaseException) -> None:
        from .worker import show_error

        self.plan = None
        self.rows_table.setRowCount(0)
        self.summary.setText("Không đọc được tệp; chưa có gì được ghi.")
        show_error(self, exc, "Đọc tệp đăng ký")

    def _show_plan(self, preview: Preview | None) -> None:
        if preview is None:
            self.plan = None
            self.rows_table.setRowCount(0)
            self.summary.setText("Đã hủy đọc tệp; chưa có gì được ghi. Chọn lại tệp để đọc lại.")
            return
        plan = self.plan = preview.plan
        self.choices = preview.choices
        self._fill_mapping(plan)
        self._fill_hidden(plan)
        self._fill_units(plan)
        self._fill_rows(plan)
        self._update_summary()
        self.plan_ready.emit()

    def _fill_mapping(self, plan: ImportPlan) -> None:
        """One tab per sheet, the one open before staying open."""
        current = self.tabs.currentWidget()
        keep = current.sheet_name if isinstance(current, SheetPage) else ""
        counts = Counter(row.sheet for row in plan.rows)
        while self.tabs.count():
            old = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if old is not None:
                old.deleteLater()  # later: the combo whose change asked for this plan may still be on the stack
        for sheet in plan.sheets:
            page = SheetPage(self.tabs, sheet.name)
            self._fill_sheet(page, sheet)
            hidden = ", trang ẩn" if sheet.hidden else ""
            index = self.tabs.addTab(page, f"{sheet.name} ({counts[sheet.name]} dòng{hidden})")
            self.tabs.setTabToolTip(index, f"Trang «{sheet.name}»: {counts[sheet.name]} dòng{hidden}")
            if sheet.name == keep:
                self.tabs.setCurrentIndex(index)

    def _fill_sheet(self, page: SheetPage, sheet: SheetLayout) -> None:
        page.note.setText(f"{header_rows_text(sheet)}. {field_source_text(sheet)}.")
        table = page.table
        names = sheet.names or sheet.headers
        for index, header in enumerate(names):
            if not header and index not in sheet.mapping:
                continue
            row = table.rowCount()
            table.insertRow(row)
            table.setItem(row, 0, top_aligned(column_letter(index)))
            # The group over the sub-column on a line of its own: "Kết quả đạt được /" then "Kinh phí (triệu đồng)".
            table.setItem(row, 1, top_aligned(header.replace(" / ", " /\n"), tooltip=True))
            combo = QComboBox(table)
            for target, label in self.choices:
                combo.addItem(label, target)
            combo.setCurrentIndex(max(0, combo.findData(sheet.mapping.get(index, ""))))
            combo.setToolTip(combo.currentText())
            combo.currentIndexChanged.connect(
                lambda _=0, s=sheet.name, i=index, c=combo: self.set_mapping(s, i, c.currentData())
            )
            table.setCellWidget(row, 2, combo)
            indicator = sheet.indicators.get(index)
            table.setItem(row, 3, top_aligned(indicator_note(indicator) if indicator else "", tooltip=True))
        table.resizeColumnToContents(0)
        table.resizeColumnToContents(3)
        combos = [table.cellWidget(row, 2) for row in range(table.rowCount())]
        # As wide as the longest choice («Chỉ tiêu: Tiền, hiện vật vận động được (đồng)»), whatever the font.
        table.setColumnWidth(2, max([200] + [combo.sizeHint().width() + 4 for combo in combos]))
        table.fit()

    def set_mapping(self, sheet_name: str, index: int, target: str) -> None:
        """The user says column ``index`` of that sheet holds ``target``; another column claiming it lets go.

        Indicator targets may repeat: a planned and an achieved column of the same category."""
        assert self.plan is not None
        sheet = next(s for s in self.plan.sheets if s.name == sheet_name)
        mapping = dict(self.mappings.get(sheet_name) or sheet.mapping)
        if target and not target.startswith("indicator:"):
            mapping = {i: t for i, t in mapping.items() if t != target}
        mapping[index] = target
        self.mappings[sheet_name] = {i: t for i, t in mapping.items() if t}
        self.replan()

    def _fill_hidden(self, plan: ImportPlan) -> None:
        known = self.hidden_sheets + plan.hidden_sheets + [s.name for s in plan.sheets if s.hidden]
        self.hidden_sheets = list(dict.fromkeys(known))
        quoted = [f"«{name}»" for name in self.hidden_sheets]
        # A checkbox does not wrap: past three names the rest are counted, all of them in the tooltip.
        shown = ", ".join(quoted[:3]) + (f" và {len(quoted) - 3} trang khác" if len(quoted) > 3 else "")
        self.hidden_box.setText(f"Nhập cả trang đang ẩn: {shown}")
        self.hidden_box.setToolTip(
            f"Trang đang ẩn có danh sách: {', '.join(quoted)}. Đơn vị thường ẩn danh sách năm trước hoặc bản "
            "nháp; chỉ đánh dấu khi đã xem các dòng của trang đó."
        )
        self.hidden_box.setVisible(bool(self.hidden_sheets))

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
            values = [
                row.sheet,
                str(row.row),
                row.name,
                row.field,
                unit,
                indicators_text(row.indicators),
                STATUS_LABELS[row.status],
                problems,
            ]
            brush = QBrush(QColor(STATUS_COLORS[row.status]))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setBackground(brush)
                if column == 3 and row.field:
                    item.setToolTip(row_field_source_text(row))
                elif column in (INDICATORS_COLUMN, PROBLEMS_COLUMN) and value:
                    item.setToolTip(value)
                self.rows_table.setItem(row_index, column, item)
        self.rows_table.setColumnHidden(INDICATORS_COLUMN, not any(row.indicators for row in plan.rows))
        self.rows_table.fit()
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

        def write() -> None:
            run_job(
                self,
                lambda task: apply_plan(plan, create_units=units, task=task),
                title="Nhập dữ liệu",
                label="Đang ghi vào tệp dữ liệu…",
                on_done=done,
            )

        # The automatic backup first (on the worker), so a wrong file imported can be undone by a restore.
        backup_first(self, "nhap", write)


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
