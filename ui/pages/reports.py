"""Báo cáo: choose a document and its options, see its preview, print it, save it as PDF or Excel.

The preview follows the choice: every change of document or option asks the worker for a new one, and a newer
request supersedes the older (cancelled if it has not finished, its result ignored if it has), so the pages shown
are always those of the document chosen.  Printing builds (or reuses) the PDF, asks for the printer, then renders
and paints the chosen pages on the worker with progress and «Hủy».
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

import shiboken6
from PySide6.QtCore import QRectF, QSignalBlocker, QSizeF, Qt, Signal
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter, QPixmap
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop_app.documents import (
    BLANK,
    CERTIFICATE_TITLE,
    DOCUMENTS,
    GROUP_BY,
    MODEL,
    OFFICES,
    PAPER,
    PROPOSAL,
    STYLE,
    DocumentKind,
    Options,
    OptionSpec,
    build_excel,
    build_pdf,
    option_specs,
)
from desktop_app.documents.data import OfficeChoice, report_offices
from desktop_app.errors import AppError, Cancelled
from desktop_app.office import SETTINGS_PLACE, STYLE_LABELS
from desktop_app.services import settings
from desktop_app.services.models import names_of_year
from desktop_app.tasks import TaskState
from desktop_app.text import format_date

from .. import messages
from ..save_dialog import ask_document_path
from ..worker import Job, run_job, show_error
from .fitting import within_height

if TYPE_CHECKING:  # pdfium is loaded by the first preview, not at start
    from desktop_app.documents.preview import PageImage, PageSize

PREVIEW_PAGES = 12
PREVIEW_DPI = 100
PRINT_DPI = 300
ALL_MODELS = "Tất cả mô hình, điển hình"

Key = tuple[str, Options]  # what a preview is of: the document and its options


class OfficesChoice(QWidget):
    """Which sending offices' models a document takes: a ticked list, this office's own first.

    Every office ticked is every model (``None``, so that a new office's package is in the next preview too);
    none ticked is nothing to print, which the page says rather than building an empty document.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.itemChanged.connect(lambda _: self.changed.emit())
        self.all_button = QPushButton("Chọn tất cả", self)
        self.all_button.clicked.connect(lambda: self.set_value(None))
        self.none_button = QPushButton("Bỏ chọn", self)
        self.none_button.clicked.connect(lambda: self.set_value(()))
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        # As tall as its rows and buttons, beside its label like the other options (not wrapped under it).
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.list.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self._fit_height()

    def _items(self) -> list[QListWidgetItem]:
        return [self.list.item(row) for row in range(self.list.count())]

    def _fit_height(self) -> None:
        rows = min(max(self.list.count(), 2), 6)  # a district's dozens of communes scroll
        self.list.setFixedHeight(rows * max(self.list.sizeHintForRow(0), 18) + 2 * self.list.frameWidth() + 2)

    def set_offices(self, choices: list[OfficeChoice]) -> None:
        """The catalogue's offices as they are now: the ticks of those already listed kept, a new one ticked."""
        labels = [(c.id, c.name if c.active else f"{c.name} (không còn gửi)") for c in choices]
        if [(item.data(Qt.ItemDataRole.UserRole), item.text()) for item in self._items()] == labels:
            return
        unticked = {
            item.data(Qt.ItemDataRole.UserRole) for item in self._items() if item.checkState() != Qt.CheckState.Checked
        }
        with QSignalBlocker(self.list):
            self.list.clear()
            for office_id, label in labels:
                item = QListWidgetItem(label)
                item.setData(Qt.ItemDataRole.UserRole, office_id)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                ticked = office_id not in unticked
                item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
                self.list.addItem(item)
        self._fit_height()
        self.changed.emit()

    def value(self) -> tuple[int, ...] | None:
        ticked = tuple(
            item.data(Qt.ItemDataRole.UserRole) for item in self._items() if item.checkState() == Qt.CheckState.Checked
        )
        return None if len(ticked) == self.list.count() else ticked

    def set_value(self, value: object) -> None:
        chosen = None if value is None else set(cast("Iterable[int]", value))
        with QSignalBlocker(self.list):
            for item in self._items():
                ticked = chosen is None or item.data(Qt.ItemDataRole.UserRole) in chosen
                item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.changed.emit()


def to_qimage(page: PageImage) -> QImage:
    image = QImage(page.rgb, page.width, page.height, page.width * 3, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: the bytes object goes away


def pages_to_print(total: int, printer: QPrinter) -> list[int]:
    """The 0-based pages to paint, in order: the range the user chose, and the copies the printer cannot make."""
    chosen = list(range(total))
    if printer.printRange() == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        chosen = [index for index in chosen if ranges.contains(index + 1)]
    # A real (CUPS, Windows) printer makes the copies itself; a PDF file or a bare driver needs them painted.
    copies = 1 if printer.supportsMultipleCopies() else max(1, printer.copyCount())
    if printer.collateCopies():
        return chosen * copies
    return [index for index in chosen for _ in range(copies)]


def _orientation(size: PageSize) -> QPageLayout.Orientation:
    return QPageLayout.Orientation.Landscape if size.landscape else QPageLayout.Orientation.Portrait


def print_pdf(task: TaskState, printer: QPrinter, path: Path, pages: Sequence[int], sizes: Sequence[PageSize]) -> int:
    """Paint ``pages`` (0-based) of ``path`` on ``printer``; returns how many sheets were painted.

    Runs on the worker: QPainter may paint on a QPrinter off the GUI thread.  Each sheet takes the orientation of
    its page (a list may mix portrait and landscape), and the page image fills the paper exactly, so the document's
    own official margins are the margins printed.
    """
    if not pages:
        return 0
    dpi = min(PRINT_DPI, max(printer.resolution(), 150))
    printer.setFullPage(True)
    printer.setPageOrientation(_orientation(sizes[pages[0]]))
    painter = QPainter()
    if not painter.begin(printer):
        raise AppError("Máy in không nhận lệnh in. Hãy kiểm tra máy in đã bật và được chọn đúng, rồi in lại.")
    from desktop_app.documents.preview import render_pages

    images = render_pages(path, dpi=dpi, pages=pages)
    try:
        for number, index in enumerate(pages):
            task.progress(number, len(pages), f"Đang in trang {index + 1} ({number + 1}/{len(pages)})")
            image = to_qimage(next(images))
            if number:
                printer.setPageOrientation(_orientation(sizes[index]))  # applies to the page newPage starts
                if not printer.newPage():
                    raise AppError("Máy in ngừng nhận trang mới; bản in có thể chưa đủ trang.")
            target = QRectF(painter.viewport())
            size = QSizeF(image.size()).scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(
                QRectF(
                    target.x() + (target.width() - size.width()) / 2,
                    target.y() + (target.height() - size.height()) / 2,
                    size.width(),
                    size.height(),
                ),
                image,
            )
        task.progress(len(pages), len(pages), "Đã gửi hết các trang")
    except Cancelled:
        printer.abort()  # the spooler drops what it has, rather than printing half a document
        raise
    finally:
        images.close()  # closes the PDF here, on the worker, not whenever the generator is collected
        painter.end()
    return len(pages)


def build_preview(task: TaskState, code: str, options: Options, target: Path) -> tuple[Path, int, list[PageImage]]:
    """The worker's half of a preview: the PDF, its page count and the images of its first pages."""
    task.check()  # superseded while waiting in the queue: stop before building anything
    from desktop_app.documents.preview import page_count, render_pages

    path = build_pdf(code, options, target, task)
    return path, page_count(path), list(render_pages(path, dpi=PREVIEW_DPI, limit=PREVIEW_PAGES, task=task))


class _PreviewState:
    """Plain Python, so the worker's late answers can be checked even after the page's widget is gone."""

    def __init__(self) -> None:
        self.generation = 0
        self.pending: Job | None = None
        self.wanted: Key | None = None  # the preview shown, or being built

    def supersede(self) -> int:
        self.generation += 1
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
        self.wanted = None
        return self.generation


class ReportsPage(QWidget):
    """Left: the documents and their options; right: the preview of the pages."""

    preview_ready = Signal(int)  # number of pages of the document now previewed
    preview_failed = Signal(str)  # why the chosen document has no preview (nothing to print yet, an error)
    printed = Signal(int)  # sheets sent to the printer
    produced = Signal(str)  # code of a document that was printed or saved (the first screen ticks its last step)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.preview_path: Path | None = None
        self.preview_options: Key | None = None
        self._images: list[QImage] = []
        self._printer: QPrinter | None = None
        self._hold = False
        self._state = _PreviewState()
        self._tempdir = Path(tempfile.mkdtemp(prefix="dvk-xem-truoc-"))
        self._names = itertools.count(1)
        state, tempdir = self._state, self._tempdir
        self.destroyed.connect(lambda *_: (state.supersede(), shutil.rmtree(tempdir, ignore_errors=True)))

        self.documents = QListWidget(self)
        for code, kind in DOCUMENTS.items():
            item = QListWidgetItem(kind.label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setToolTip(kind.description)
            self.documents.addItem(item)
        self.documents.currentRowChanged.connect(self._document_changed)
        self.description = QLabel(self)
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #555;")

        box = QGroupBox("Tùy chọn", self)
        form = QFormLayout(box)
        # Long option texts wrap under their label instead of being cut at the pane's edge.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # One row per option some document takes, built from the documents' declarations; each document
        # shows only its own rows (see _document_changed).
        self.options_form = form
        self.option_widgets: dict[str, QComboBox | QCheckBox | OfficesChoice] = {}
        self.has_offices = False  # the catalogue has offices below that send packages
        for spec in option_specs():
            widget = self._option_widget(spec, box)
            form.addRow("" if spec.kind == "flag" else spec.label, widget)
            self.option_widgets[spec.key] = widget
        # The names the other screens and the tests use.
        self.style_box = self._combo(STYLE.key)
        self.group_box = self._combo(GROUP_BY.key)
        self.paper_box = self._combo(PAPER.key)
        self.title_box = self._combo(CERTIFICATE_TITLE.key)
        self.model_box = self._combo(MODEL.key)
        self.proposal_box = self._check(PROPOSAL.key)
        self.blank_box = self._check(BLANK.key)
        offices_box = self.option_widgets[OFFICES.key]
        assert isinstance(offices_box, OfficesChoice)
        self.offices_box = offices_box
        self._fit_style_choice()

        self.preview_button = QPushButton("Làm mới", self)
        self.preview_button.setToolTip("Tạo lại bản xem trước theo dữ liệu mới nhất")
        self.preview_button.clicked.connect(self.preview)  # takes no argument: clicked(bool) cannot reach it
        self.print_button = QPushButton("In…", self)
        # clicked(bool) would land in the optional parameter (a printer, a path): never connect these directly.
        self.print_button.clicked.connect(lambda: self.print_document())
        self.pdf_button = QPushButton("Lưu PDF…", self)
        self.pdf_button.clicked.connect(lambda: self.save_pdf())
        self.excel_button = QPushButton("Lưu Excel…", self)
        self.excel_button.clicked.connect(lambda: self.save_excel())
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.pdf_button, self.excel_button):
            buttons.addWidget(button)
        self.status = QLabel(self)  # the outcome of the last print
        self.status.setWordWrap(True)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Văn bản</b>", left))
        left_layout.addWidget(self.documents)
        left_layout.addWidget(self.description)
        left_layout.addWidget(box)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.status)
        left_layout.addStretch(1)
        # Every document's name on one line and no scroll bar, in whatever font the system gives.
        frame = 2 * self.documents.frameWidth()
        self.documents.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.documents.setMinimumWidth(self.documents.sizeHintForColumn(0) + frame + 8)
        self.documents.setFixedHeight(sum(self.documents.sizeHintForRow(r) for r in range(len(DOCUMENTS))) + frame)
        # The options pane keeps to the left; it gives way to the preview, but never so far that texts are cut.
        left.setMaximumWidth(max(460, left.minimumSizeHint().width()))

        self.pages_widget = QWidget(self)
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.pages_layout.setSpacing(12)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.pages_widget)
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet(
            "QScrollArea { background: #808080; } QScrollArea > QWidget > QWidget { background: #808080; }"
        )
        self.preview_note = QLabel(self)
        self.preview_note.setWordWrap(True)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview_note)
        right_layout.addWidget(self.scroll, 1)

        splitter = QSplitter(self)
        splitter.addWidget(within_height(left, self))
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        # After the pane's width is set from every row: this hides the rows of offices where there are none.
        self._fit_office_choice()
        self.documents.setCurrentRow(0)

    # ------------------------------------------------------------ state
    def set_year(self, year: int) -> None:
        self.year = year
        with self._holding():
            self.model_box.clear()
            for model_id, name in names_of_year(year) if year else []:
                self.model_box.addItem(name if len(name) < 90 else name[:87] + "…", model_id)
                self.model_box.setItemData(self.model_box.count() - 1, name, Qt.ItemDataRole.ToolTipRole)
            # The closed box is as wide as the pane; its list opens wide enough to read whole names.
            view = self.model_box.view()
            view.setMinimumWidth(min(900, view.sizeHintForColumn(0) + 2 * view.frameWidth() + 24))
            self._fit_model_choice(DOCUMENTS[self.code()])
            self._fit_dated_choices()
            self._fit_style_choice()
            self._fit_office_choice()
        self._options_changed()

    def _fit_dated_choices(self) -> None:
        """The years and days a year or date option offers, around the working year; a choice made is kept."""
        for spec in option_specs():
            if spec.kind not in ("year", "date"):
                continue
            box = self._combo(spec.key)
            chosen = box.currentData()
            box.clear()
            for value, label in spec.choices(self.year) if self.year else spec.items:
                box.addItem(label, value)
            box.setCurrentIndex(max(self._index_of(box, chosen), 0))

    def _fit_style_choice(self) -> None:
        """Offer only the styles the office issues in: a style without an identity could only be refused.

        With both, «Theo cài đặt của cơ quan» comes first; with one, that style is the only choice.
        """
        office = settings.get_office()
        labels = dict(STYLE.items)
        own: list[tuple[str | None, str]] = [(code, labels[code]) for code in office.styles]
        wanted: list[tuple[str | None, str]] = (
            [(None, labels[None]), *own] if len(own) > 1 else own or [(None, labels[None])]
        )
        box = self.style_box
        if [(box.itemData(i), box.itemText(i)) for i in range(box.count())] != wanted:
            # A clerk's choice is kept; a style forced by a one-style office was nobody's choice.
            chosen = box.currentData() if box.count() > 1 else None
            with self._holding():
                box.clear()
                for code, label in wanted:
                    box.addItem(label, code)
                box.setCurrentIndex(max(self._index_of(box, chosen), 0))
        box.setEnabled(len(wanted) > 1)
        if len(own) > 1:
            box.setToolTip(f"Theo cài đặt của cơ quan: {STYLE_LABELS[office.document_style]}.")
        else:
            box.setToolTip(
                f"Cơ quan chỉ có thông tin ban hành theo một thể thức; điền thể thức còn lại trong {SETTINGS_PLACE}."
            )

    def _fit_office_choice(self) -> None:
        """Offer the choice of offices, and grouping by office, only where offices below send packages."""
        choices = report_offices()
        self.has_offices = bool(choices)
        with self._holding():
            self.offices_box.set_offices(choices)
            for spec in option_specs():
                if spec.kind != "choice" or not spec.office_items:
                    continue
                combo = self._combo(spec.key)
                for code, label in spec.items:
                    present = self._index_of(combo, code)
                    if code not in spec.office_items:
                        continue
                    if self.has_offices and present < 0:
                        combo.insertItem([c for c, _ in spec.items].index(code), label, code)
                    elif not self.has_offices and present >= 0:
                        chosen = combo.currentIndex() == present
                        combo.removeItem(present)
                        if chosen:  # a grouping no longer offered: back to the default
                            combo.setCurrentIndex(self._index_of(combo, spec.default))
        self._show_rows()

    def _show_rows(self) -> None:
        """The rows of the chosen document's options; those about offices only where there are offices."""
        taken = {spec.key for spec in DOCUMENTS[self.code()].options}
        for spec in option_specs():
            shown = spec.key in taken and (self.has_offices or not spec.needs_offices)
            self.options_form.setRowVisible(self.option_widgets[spec.key], shown)

    def select(self, code: str, **options) -> None:
        """Open a document from another screen (the list, the decision), with some options set, and preview it."""
        with self._holding():
            for row in range(self.documents.count()):
                if self.documents.item(row).data(Qt.ItemDataRole.UserRole) == code:
                    self.documents.setCurrentRow(row)
            specs = {spec.key: spec for spec in DOCUMENTS[self.code()].options}
            for name, value in options.items():
                if name in specs:  # an option this document does not take has nothing to set
                    self._set_option(specs[name], value)
        # Always built afresh: the jump comes from a screen where the data may just have changed.
        self._request_preview(force=True)

    def code(self) -> str:
        item = self.documents.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else "registrations"

    def options(self) -> Options:
        """The chosen document's own options (the hidden rows of other documents do not count)."""
        kind = DOCUMENTS[self.code()]
        return kind.make_options(self.year, {spec.key: self._option_value(spec) for spec in kind.options})

    # ------------------------------------------------------------ option widgets
    def _option_widget(self, spec: OptionSpec, parent: QWidget) -> QComboBox | QCheckBox | OfficesChoice:
        if spec.kind == "offices":  # filled by _fit_office_choice
            choice = OfficesChoice(parent)
            choice.setToolTip("Chỉ lấy mô hình, điển hình do các cơ quan được chọn gửi lên (gói báo cáo).")
            choice.changed.connect(self._options_changed)
            return choice
        if spec.kind == "flag":
            check = QCheckBox(spec.label, parent)
            check.setChecked(False)  # unticked = the option's default
            check.toggled.connect(self._options_changed)
            return check
        combo = QComboBox(parent)
        for code, label in spec.items:
            combo.addItem(label, code)
        if spec.kind == "model":  # filled by set_year
            # A model's name can be 200 characters: the box takes the pane's width and shows the whole name as a tip.
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(20)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.currentIndexChanged.connect(
                lambda _: combo.setToolTip(combo.currentData(Qt.ItemDataRole.ToolTipRole) or "")
            )
        else:
            combo.setCurrentIndex(self._index_of(combo, spec.default))
        combo.currentIndexChanged.connect(self._options_changed)
        return combo

    def _combo(self, key: str) -> QComboBox:
        widget = self.option_widgets[key]
        assert isinstance(widget, QComboBox)
        return widget

    def _check(self, key: str) -> QCheckBox:
        widget = self.option_widgets[key]
        assert isinstance(widget, QCheckBox)
        return widget

    @staticmethod
    def _index_of(combo: QComboBox, code: object) -> int:
        # Not findData: it cannot find None, the code of «Theo cài đặt của cơ quan» and «Tất cả».
        return next((i for i in range(combo.count()) if combo.itemData(i) == code), -1)

    def _option_value(self, spec: OptionSpec) -> object:
        widget = self.option_widgets[spec.key]
        if isinstance(widget, QCheckBox):
            return (not spec.default) if widget.isChecked() else spec.default
        if isinstance(widget, OfficesChoice):
            return widget.value()
        return widget.currentData()

    def _set_option(self, spec: OptionSpec, value: object) -> None:
        widget = self.option_widgets[spec.key]
        if isinstance(widget, QCheckBox):
            widget.setChecked(value != spec.default)
        elif isinstance(widget, OfficesChoice):
            widget.set_value(value)
        elif (index := self._index_of(widget, value)) >= 0:
            widget.setCurrentIndex(index)
        elif spec.kind in ("year", "date") and value is not None:  # a year or day the list does not offer
            widget.addItem(format_date(value) if isinstance(value, date) else str(value), value)
            widget.setCurrentIndex(widget.count() - 1)

    def _fit_model_choice(self, kind: DocumentKind) -> None:
        """A document that may be of all models offers «Tất cả» first and starts on it; a dossier needs one model."""
        has_all = self.model_box.count() > 0 and self.model_box.itemData(0) is None
        if not kind.needs_model and not has_all:
            self.model_box.insertItem(0, ALL_MODELS, None)
            self.model_box.setCurrentIndex(0)
        elif kind.needs_model and has_all:
            self.model_box.removeItem(0)

    def key(self) -> Key:
        return self.code(), self.options()

    @contextmanager
    def _holding(self) -> Iterator[None]:
        """Several options set in a row make one preview request, not one each."""
        held, self._hold = self._hold, True
        try:
            yield
        finally:
            self._hold = held

    def _document_changed(self, row: int) -> None:
        code = self.code()
        kind = DOCUMENTS[code]
        self.description.setText(kind.description)
        self._show_rows()
        with self._holding():
            self._fit_model_choice(kind)
        self.excel_button.setEnabled(kind.excel is not None)
        self.excel_button.setToolTip("" if kind.excel else "Văn bản này chỉ in ra PDF.")
        self._options_changed()

    def _options_changed(self, *_) -> None:
        """Another document or option: preview it now if the page is seen, else when it is shown."""
        if self._hold:
            return
        if self.isVisible():
            self._request_preview()
        elif self._state.wanted != self.key():
            self._state.supersede()
            self._show_nothing("")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not event.spontaneous():  # not a window restored from the task bar
            with self._holding():
                self._fit_style_choice()  # the office's styles may have changed in Cài đặt
                self._fit_office_choice()  # a package may have come in from an office not seen before
            self._request_preview(force=True)  # records may have changed on the other screens

    def _preview_problem(self) -> str | None:
        if not self.year:
            return "Hãy chọn năm làm việc trước."
        kind = DOCUMENTS[self.code()]
        if kind.needs_model and self.model_box.currentData() is None:
            return f"Năm {self.year} chưa có mô hình, điển hình nào để in «{kind.label}»."
        if OFFICES in kind.options and self.has_offices and self.offices_box.value() == ():
            return "Hãy chọn ít nhất một cơ quan gửi báo cáo (hoặc «Chọn tất cả»)."
        return None

    def _ready(self) -> bool:
        problem = self._preview_problem()
        if problem:
            messages.warning(self, problem)
        return problem is None

    def _temp_pdf(self, code: str) -> Path:
        return self._tempdir / f"{code}-{next(self._names)}.pdf"

    # ------------------------------------------------------------ preview
    def preview(self) -> None:
        """Build the preview again (the data may have changed on another screen)."""
        if self._ready():
            self._request_preview(force=True)

    def _request_preview(self, force: bool = False) -> None:
        key = self.key()
        if not force and key == self._state.wanted:
            return  # shown already, or on its way
        generation = self._state.supersede()
        problem = self._preview_problem()
        if problem:
            self._show_nothing(problem)
            self.preview_failed.emit(problem)
            return
        code, options = key
        self._show_nothing(f"Đang tạo bản xem trước «{DOCUMENTS[code].label}»…")
        self._state.wanted = key
        # No progress dialog: it would be modal, and the clerk must stay free to pick another document meanwhile.
        self._state.pending = run_job(
            self,
            build_preview,
            code,
            options,
            self._temp_pdf(code),
            progress=False,
            on_done=lambda result: self._preview_done(generation, key, result),
            on_error=lambda exc: self._preview_failed(generation, exc),
        )

    def _current(self, generation: int) -> bool:
        return generation == self._state.generation and shiboken6.isValid(self)

    def _preview_done(self, generation: int, key: Key, result: tuple[Path, int, list[PageImage]]) -> None:
        if not self._current(generation):
            return  # an older request: its document is no longer the one chosen
        self._state.pending = None
        path, total, images = result
        self.preview_path, self.preview_options = path, key
        self._show_pages(images, total, key[0])
        self.preview_ready.emit(total)

    def _preview_failed(self, generation: int, exc: BaseException) -> None:
        if not self._current(generation):
            return
        self._state.pending = None
        self._state.wanted = None  # the next change, or «Làm mới», tries again
        if isinstance(exc, AppError):  # nothing to print yet (no council, nothing recognised…): say so in place
            text = f"Chưa xem trước được: {exc}"
            self._show_nothing(text)
        else:
            text = "Không tạo được bản xem trước."
            self._show_nothing(text)
            show_error(self, exc, "Xem trước")
        self.preview_failed.emit(text)

    def _show_nothing(self, note: str) -> None:
        """No pages, never those of a document that is no longer chosen."""
        self.preview_path = self.preview_options = None
        self._clear_pages()
        self.preview_note.setText(note)

    def _clear_pages(self) -> None:
        self._images = []
        while self.pages_layout.count():
            widget = self.pages_layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()  # gone from sight now; deleteLater frees it only when the event loop comes round
                widget.deleteLater()

    def _show_pages(self, images: list[PageImage], total: int, code: str) -> None:
        self._clear_pages()
        self._images = [to_qimage(image) for image in images]
        for _ in self._images:
            label = QLabel(self.pages_widget)
            label.setStyleSheet("background: white; border: 1px solid #444;")
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        self._fit_pages()
        self.scroll.verticalScrollBar().setValue(0)  # a new document opens at its first page
        shown = len(images)
        note = f"{DOCUMENTS[code].label}: {total} trang."
        if shown < total:
            note += f" Đang xem trước {shown} trang đầu; bản in và tệp lưu có đủ {total} trang."
        self.preview_note.setText(note)

    def _fit_pages(self) -> None:
        """Pages as wide as the preview pane allows (never enlarged beyond their rendering)."""
        width = max(200, self.scroll.viewport().width() - 40)
        for index, image in enumerate(self._images):
            item = self.pages_layout.itemAt(index)
            if item is None or not isinstance(item.widget(), QLabel):
                continue
            scaled = (
                image
                if image.width() <= width
                else image.scaledToWidth(width, Qt.TransformationMode.SmoothTransformation)
            )
            item.widget().setPixmap(QPixmap.fromImage(scaled))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_pages()

    # ------------------------------------------------------------ saving
    def _ask_path(self, suffix: str, title: str) -> Path | None:
        name = f"{DOCUMENTS[self.code()].label} năm {self.year}".replace("/", "-").replace(",", "")
        return ask_document_path(self, title, name, suffix)

    def save_pdf(self, path: Path | None = None) -> None:
        """Save the chosen document as PDF to ``path`` (asked for when not given)."""
        if not self._ready():
            return
        path = path or self._ask_path(".pdf", "Lưu PDF")
        if path is None:
            return
        code, options = self.code(), self.options()
        run_job(
            self,
            lambda task: build_pdf(code, options, path, task),
            title="Lưu PDF",
            label=f"Đang tạo «{DOCUMENTS[code].label}»…",
            on_done=lambda result: self._saved(code, result),
        )

    def save_excel(self, path: Path | None = None) -> None:
        """Save the chosen list as an Excel workbook to ``path`` (asked for when not given)."""
        if not self._ready():
            return
        if DOCUMENTS[self.code()].excel is None:
            messages.warning(self, f"«{DOCUMENTS[self.code()].label}» chỉ in ra PDF, không có bản Excel.")
            return
        path = path or self._ask_path(".xlsx", "Lưu Excel")
        if path is None:
            return
        code, options = self.code(), self.options()
        run_job(
            self,
            lambda task: build_excel(code, options, path, task),
            title="Lưu Excel",
            label=f"Đang xuất «{DOCUMENTS[code].label}»…",
            on_done=lambda result: self._saved(code, result),
        )

    def _saved(self, code: str, path: Path) -> None:
        self.produced.emit(code)
        messages.saved(self, path)

    # ------------------------------------------------------------ printing
    def print_document(self, printer: QPrinter | None = None) -> None:
        """Print the chosen document: on ``printer`` as it is set up, or on the one the print dialog gives.

        The PDF (the preview's when it is of this document) and its page sizes are read on the worker; pdfium
        never runs on the GUI thread while the worker uses it.
        """
        if not self._ready():
            return
        code, options = self.code(), self.options()
        reuse = self.preview_path if self.preview_options == (code, options) else None
        target = self._temp_pdf(code)

        def prepare(task: TaskState) -> tuple[Path, list[PageSize]]:
            from desktop_app.documents.preview import page_sizes

            path = reuse if reuse is not None and reuse.is_file() else build_pdf(code, options, target, task)
            return path, page_sizes(path)

        run_job(
            self,
            prepare,
            title="In",
            label=f"Đang tạo «{DOCUMENTS[code].label}»…",
            on_done=lambda result: self._print(code, result[0], result[1], printer),
        )

    def _print(self, code: str, path: Path, sizes: list[PageSize], printer: QPrinter | None) -> None:
        label = DOCUMENTS[code].label
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(f"{label} năm {self.year}")
            first = sizes[0]
            # The paper the document was laid out on, as the dialog's starting choice (A4, or A3 certificates).
            printer.setPageSize(
                QPageSize(QSizeF(min(first.width, first.height), max(first.width, first.height)), QPageSize.Unit.Point)
            )
            printer.setPageOrientation(_orientation(first))
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle(f"In «{label}»")
            dialog.setOptions(
                QAbstractPrintDialog.PrintDialogOption.PrintPageRange
                | QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies
                | QAbstractPrintDialog.PrintDialogOption.PrintToFile
                | QAbstractPrintDialog.PrintDialogOption.PrintShowPageSize
            )
            dialog.setMinMax(1, len(sizes))
            accepted = dialog.exec() == QPrintDialog.DialogCode.Accepted
            dialog.deleteLater()
            if not accepted:
                return
        pages = pages_to_print(len(sizes), printer)
        if not pages:
            messages.warning(self, f"Khoảng trang đã chọn không có trang nào; «{label}» có {len(sizes)} trang.")
            return
        self._printer = printer  # alive until the worker has finished with it
        output = printer.outputFileName() if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat else ""

        def done(sheets: int) -> None:
            where = f"máy in «{printer.printerName()}»" if printer.printerName() and not output else "máy in"
            self.status.setText(f"Đã gửi {sheets} trang «{label}» tới {where}.")
            self.printed.emit(sheets)
            self.produced.emit(code)
            if output:  # printed to a file: it is a saved file like any other
                messages.saved(self, Path(output))

        self.status.setText("")
        run_job(self, print_pdf, printer, path, pages, sizes, title="In", label=f"Đang in «{label}»…", on_done=done)
