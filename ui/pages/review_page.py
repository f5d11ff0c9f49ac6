"""Tổng kết giai đoạn: the review of a span of years (five up to the working year unless chosen), on screen as
figures, a chart and tables, and saved as the «Báo cáo tổng kết» PDF or its Excel workbook.

Every figure comes from the core's :func:`desktop_app.review.period.review`, computed on the worker; a newer
request (another span) supersedes an older one, whose late answer is dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import domain
from desktop_app.documents import DOCUMENTS, REVIEW_YEARS, Options, build_excel, build_pdf
from desktop_app.errors import AppError, ValidationError
from desktop_app.review.period import (
    FIRST_YEAR,
    LAST_YEAR,
    CountRow,
    LinkedModel,
    PeriodReview,
    YearRow,
    check_span,
    review,
)
from desktop_app.tasks import TaskState
from desktop_app.text import format_number

from .. import messages
from ..save_dialog import ask_document_path
from ..worker import Job, run_job, show_error
from .review_chart import YearChart, rate_text

CODE = "review"
# What the cross table can be broken down by (a CountRow attribute → the column's title).
BREAKDOWNS = (("field", "Lĩnh vực"), ("unit_kind", "Loại đơn vị"), ("kind", "Tập thể / cá nhân"))
FIGURES = (
    ("registered", "Đăng ký"),
    ("recognised", "Được công nhận"),
    ("rate", "Tỷ lệ công nhận"),
    ("repeated", "Công nhận nhiều năm liền"),
    ("continued", "Được duy trì"),
    ("replicated", "Được nhân rộng"),
    ("units_without_model", "Đơn vị chưa có mô hình"),
)


def compute_review(task: TaskState, first_year: int, last_year: int) -> PeriodReview:
    """The worker's half: the figures of the span."""
    task.check()  # superseded while waiting in the queue
    return review(first_year, last_year)


def _table(headers: Sequence[str], parent: QWidget, stretch: Sequence[int] = ()) -> QTableWidget:
    table = QTableWidget(0, len(headers), parent)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    # Rows as tall as their wrapped text at the widths the columns end up with (the tables are short).
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setWordWrap(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    for column in stretch:
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
    return table


def _fill(table: QTableWidget, rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()) -> None:
    table.setRowCount(len(rows))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setToolTip(value if len(value) > 40 else "")
            if c in numeric:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)


def _count_label(attribute: str, value: str) -> str:
    return domain.KIND_SHORT.get(value, value) if attribute == "kind" else value


def cross_rows(figures: PeriodReview, attribute: str) -> list[list[str]]:
    """One row per field (or unit kind, or kind): «đăng ký / công nhận» each year, the span and its rate."""
    order: list[str] = []
    cells: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    for row in figures.counts:
        key: str = getattr(row, attribute)
        if key not in order:
            order.append(key)
        cell = cells[key][row.year]
        cell[0] += row.registered
        cell[1] += row.recognised
    if attribute == "kind":  # collective before individual, as every list of the program has them
        order.sort(key=lambda code: list(domain.KINDS).index(code) if code in domain.KINDS else 9)
    out = []
    for key in order:
        line = [_count_label(attribute, key)]
        registered = recognised = 0
        for year in figures.years:
            reg, rec = cells[key].get(year, [0, 0])
            registered, recognised = registered + reg, recognised + rec
            line.append(f"{reg} / {rec}" if reg else "–")
        line += [f"{registered} / {recognised}", rate_text(recognised / registered if registered else None)]
        out.append(line)
    total = ["Cộng"]
    for year_row in figures.by_year:
        total.append(f"{year_row.registered} / {year_row.recognised}" if year_row.registered else "–")
    total += [f"{figures.registered} / {figures.recognised}", rate_text(figures.rate)]
    return [*out, total] if out else []


def followers_text(item: LinkedModel) -> str:
    return "; ".join(
        f"{f.year}: {f.name}" + (f" — {f.unit}" if f.unit else "") + (" (được công nhận)" if f.recognised else "")
        for f in item.followers
    )


class ReviewPage(QWidget):
    review_ready = Signal()  # the figures of the span chosen are on screen
    review_failed = Signal(str)
    produced = Signal(str)  # a document was saved (its code)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.figures: PeriodReview | None = None
        self._generation = 0
        self._pending: Job | None = None
        self._recompute = QTimer(self, singleShot=True, interval=300)  # typing «2021» is four changes, one request
        self._recompute.timeout.connect(self.compute)

        self.first_box = QSpinBox(self)
        self.last_box = QSpinBox(self)
        for box in (self.first_box, self.last_box):
            box.setRange(FIRST_YEAR, LAST_YEAR)
            box.setKeyboardTracking(False)
            box.valueChanged.connect(self._span_changed)
        self.pdf_button = QPushButton("Lưu PDF…", self)
        self.pdf_button.setToolTip("«Báo cáo tổng kết» của giai đoạn, kèm các phụ lục số liệu")
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.excel_button = QPushButton("Xuất Excel…", self)
        self.excel_button.setToolTip("Mỗi bảng số liệu của giai đoạn một trang tính")
        self.excel_button.clicked.connect(lambda: self.save_excel())
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Tổng kết giai đoạn</b>  từ năm", self))
        top.addWidget(self.first_box)
        top.addWidget(QLabel("đến năm", self))
        top.addWidget(self.last_box)
        top.addStretch(1)
        top.addWidget(self.pdf_button)
        top.addWidget(self.excel_button)
        self.note = QLabel(self)
        self.note.setWordWrap(True)

        figures_frame = QFrame(self)
        figures_frame.setFrameShape(QFrame.Shape.StyledPanel)
        grid = QGridLayout(figures_frame)
        self.figure_labels: dict[str, QLabel] = {}
        for index, (key, title) in enumerate(FIGURES):
            value = QLabel("–", figures_frame)
            value.setStyleSheet("font-size: 16pt; font-weight: bold;")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(title, figures_frame)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption.setWordWrap(True)
            grid.addWidget(value, 0, index)
            grid.addWidget(caption, 1, index)
            self.figure_labels[key] = value

        self.chart = YearChart(self)

        self.tables = QTabWidget(self)
        cross = QWidget(self)
        cross_layout = QVBoxLayout(cross)
        cross_layout.setContentsMargins(4, 4, 4, 4)
        by_row = QHBoxLayout()
        by_row.addWidget(QLabel("Theo:", cross))
        self.breakdown = QComboBox(cross)
        for code, label in BREAKDOWNS:
            self.breakdown.addItem(label, code)
        self.breakdown.currentIndexChanged.connect(lambda _: self._fill_cross())
        by_row.addWidget(self.breakdown)
        by_row.addWidget(QLabel("mỗi ô: số đăng ký / số được công nhận", cross))
        by_row.addStretch(1)
        cross_layout.addLayout(by_row)
        self.cross_table = _table(["Lĩnh vực"], cross)
        cross_layout.addWidget(self.cross_table, 1)
        self.tables.addTab(cross, "Số lượng theo năm")
        self.indicator_table = _table(["Chỉ tiêu"], self)
        self.tables.addTab(self.indicator_table, "Chỉ tiêu")
        self.repeated_table = _table(
            ["Tên mô hình, điển hình", "Đơn vị", "Lĩnh vực", "Các năm được công nhận"], self, (0,)
        )
        self.tables.addTab(self.repeated_table, "Công nhận nhiều năm")
        linked = ["Mô hình, điển hình gốc", "Năm", "Đơn vị", "Các năm sau", "Đơn vị khác"]
        self.continued_table = _table(linked, self, (0, 3))
        self.tables.addTab(self.continued_table, "Duy trì")
        self.replicated_table = _table(linked, self, (0, 3))
        self.tables.addTab(self.replicated_table, "Nhân rộng")
        self.units_table = _table(["Đơn vị chưa có mô hình, điển hình trong giai đoạn"], self, (0,))
        self.tables.addTab(self.units_table, "Đơn vị chưa có mô hình")
        self.outstanding_table = _table(
            ["Loại", "Tên mô hình, điển hình", "Năm", "Đơn vị", "Điểm bình quân", "Xếp loại"], self, (1,)
        )
        self.tables.addTab(self.outstanding_table, "Tiêu biểu")

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.chart)
        splitter.addWidget(self.tables)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(figures_frame)
        layout.addWidget(splitter, 1)
        self._set_buttons()

    # ------------------------------------------------------------ span
    def set_year(self, year: int) -> None:
        """The working year changed: the default span follows it (five years up to it)."""
        if year == self.year:
            return
        self.year = year
        if year:
            self.set_span(year - REVIEW_YEARS + 1, year)

    def span(self) -> tuple[int, int]:
        return self.first_box.value(), self.last_box.value()

    def set_span(self, first_year: int, last_year: int) -> None:
        for box, value in ((self.first_box, first_year), (self.last_box, last_year)):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._span_changed()

    def _span_changed(self, *_args: object) -> None:
        self._supersede()
        self.figures = None
        self._set_buttons()
        if self.isVisible():  # else it is computed when the page is shown
            self.note.setText("Đang tính số liệu…")
            self._recompute.start()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # records may have changed on the other screens
            self.compute()

    def refresh(self) -> None:
        if self.isVisible():
            self.compute()

    def reload(self) -> None:
        self.refresh()

    # ------------------------------------------------------------ computing
    def _supersede(self) -> int:
        self._generation += 1
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        return self._generation

    def compute(self) -> None:
        """Ask the worker for the figures of the span chosen."""
        self._recompute.stop()
        generation = self._supersede()
        first, last = self.span()
        try:
            check_span(first, last)
        except ValidationError as err:
            self._show_problem(str(err))
            return
        self.note.setText(f"Đang tính số liệu {first} – {last}…")
        self._pending = run_job(
            self,
            compute_review,
            first,
            last,
            progress=False,
            on_done=self._guard(generation, self._show),
            on_error=self._guard(generation, self._failed),
        )

    def _guard(self, generation: int, slot: Callable) -> Callable:
        def call(value: object) -> None:
            if generation != self._generation or not shiboken6.isValid(self):
                return  # an older span's answer
            self._pending = None
            slot(value)

        return call

    def _show_problem(self, text: str) -> None:
        self.figures = None
        self.note.setText(text)
        self._set_buttons()
        self.review_failed.emit(text)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, AppError):
            self._show_problem(str(exc))
            return
        self._show_problem("Không tính được số liệu tổng kết.")
        show_error(self, exc, "Tổng kết giai đoạn")

    def _show(self, figures: PeriodReview) -> None:
        self.figures = figures
        span = figures.title_span
        if figures.registered:
            self.note.setText(
                f"Giai đoạn {span}: {figures.registered} mô hình, điển hình đăng ký, "
                f"{figures.recognised} được công nhận ({rate_text(figures.rate)})."
            )
        else:
            self.note.setText(f"Giai đoạn {span} chưa có mô hình, điển hình nào đăng ký.")
        values = {
            "registered": format_number(figures.registered),
            "recognised": format_number(figures.recognised),
            "rate": rate_text(figures.rate),
            "repeated": format_number(len(figures.repeated)),
            "continued": format_number(len(figures.continued)),
            "replicated": format_number(len(figures.replicated)),
            "units_without_model": format_number(len(figures.units_without_model)),
        }
        for key, label in self.figure_labels.items():
            label.setText(values[key])
        self.chart.set_rows(figures.by_year)
        self._fill_cross()
        self._fill_tables(figures)
        self._set_buttons()
        self.review_ready.emit()

    def _fill_cross(self) -> None:
        figures, table = self.figures, self.cross_table
        attribute = self.breakdown.currentData()
        years = [str(y) for y in figures.years] if figures else []
        table.setColumnCount(len(years) + 3)
        table.setHorizontalHeaderLabels([self.breakdown.currentText(), *years, "Cả giai đoạn", "Tỷ lệ công nhận"])
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        rows = cross_rows(figures, attribute) if figures else []
        _fill(table, rows, numeric=range(1, len(years) + 3))
        if rows:  # the total line in bold
            for column in range(table.columnCount()):
                item = table.item(len(rows) - 1, column)
                if item is None:
                    continue
                font = item.font()
                font.setBold(True)
                item.setFont(font)

    def _fill_tables(self, figures: PeriodReview) -> None:
        years = [str(y) for y in figures.years]
        self.indicator_table.setColumnCount(len(years) + 2)
        self.indicator_table.setHorizontalHeaderLabels(["Chỉ tiêu", *years, "Cả giai đoạn"])
        self.indicator_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        _fill(
            self.indicator_table,
            [
                [
                    f"{r.category} ({r.unit_of_measure})" if r.unit_of_measure else r.category,
                    *(format_number(r.by_year.get(y, 0.0)) for y in figures.years),
                    format_number(r.total),
                ]
                for r in figures.indicator_totals
            ],
            numeric=range(1, len(years) + 2),
        )
        _fill(
            self.repeated_table,
            [[r.name, r.unit, r.field, ", ".join(str(y) for y in r.years)] for r in figures.repeated],
        )
        for table, items in ((self.continued_table, figures.continued), (self.replicated_table, figures.replicated)):
            _fill(
                table,
                [[m.name, str(m.year), m.unit, followers_text(m), ", ".join(m.other_units)] for m in items],
                numeric=(1,),
            )
        _fill(self.units_table, [[name] for name in figures.units_without_model])
        _fill(
            self.outstanding_table,
            [
                [
                    domain.KIND_SHORT.get(m.kind, m.kind),
                    m.name + (" (tiêu biểu)" if m.outstanding else ""),
                    str(m.year),
                    m.unit,
                    format_number(m.mean, 2),
                    m.grade,
                ]
                for m in figures.outstanding
            ],
            numeric=(2, 4),
        )

    def _set_buttons(self) -> None:
        ready = self.figures is not None
        for button in (self.pdf_button, self.excel_button):
            button.setEnabled(ready)

    def year_rows(self) -> list[YearRow]:
        return list(self.figures.by_year) if self.figures else []

    def counts(self) -> list[CountRow]:
        return list(self.figures.counts) if self.figures else []

    # ------------------------------------------------------------ saving
    def options(self) -> Options:
        first, last = self.span()
        return DOCUMENTS[CODE].make_options(self.year or last, {"first_year": first, "last_year": last})

    def _ask_path(self, suffix: str, title: str) -> Path | None:
        first, last = self.span()
        span = str(first) if first == last else f"{first}-{last}"
        return ask_document_path(self, title, f"Báo cáo tổng kết giai đoạn {span}", suffix)

    def _span_problem(self) -> str | None:
        try:
            check_span(*self.span())
        except ValidationError as err:
            return str(err)
        return None

    def save_pdf(self, path: Path | None = None) -> Job | None:
        """The «Báo cáo tổng kết» of the span as PDF, to ``path`` (asked for when not given)."""
        return self._save(".pdf", "Lưu PDF", build_pdf, path)

    def save_excel(self, path: Path | None = None) -> Job | None:
        """The review's tables as an Excel workbook, to ``path`` (asked for when not given)."""
        return self._save(".xlsx", "Xuất Excel", build_excel, path)

    def _save(self, suffix: str, title: str, builder: Callable, path: Path | None) -> Job | None:
        problem = self._span_problem()
        if problem:
            messages.warning(self, problem)
            return None
        path = path or self._ask_path(suffix, title)
        if path is None:
            return None
        options = self.options()
        label = DOCUMENTS[CODE].label
        return run_job(
            self,
            lambda task: builder(CODE, options, path, task),
            title=title,
            label=f"Đang tạo «{label}»…",
            on_done=self._saved,
        )

    def _saved(self, path: Path) -> None:
        self.produced.emit(CODE)
        messages.saved(self, path)
