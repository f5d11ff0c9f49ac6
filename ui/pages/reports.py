"""Báo cáo: choose a document and its options, preview it, print it, save it as PDF or Excel."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QPushButton, QScrollArea, QSplitter, QVBoxLayout,
                               QWidget)

from desktop_app.documents import DOCUMENTS, Options, build_excel, build_pdf
from desktop_app.documents.preview import PageImage, page_count, render_pages
from desktop_app.services.models import ModelFilter, list_models
from desktop_app.tasks import TaskState
from desktop_app.text import sort_key

from .. import messages
from ..worker import run_job

PREVIEW_PAGES = 12
PREVIEW_DPI = 100
PRINT_DPI = 300


def to_qimage(page: PageImage) -> QImage:
    image = QImage(page.rgb, page.width, page.height, page.width * 3, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: the bytes object goes away


def print_pdf(task: TaskState, printer: QPrinter, path: Path) -> int:
    """Paint every page of ``path`` on ``printer`` (QPainter may paint on a QPrinter off the GUI thread)."""
    total = page_count(path)
    dpi = min(PRINT_DPI, max(printer.resolution(), 150))
    painter = QPainter()
    if not painter.begin(printer):
        raise RuntimeError("printer refused to start")
    try:
        for index, page in enumerate(render_pages(path, dpi=dpi, task=task)):
            if index:
                printer.newPage()
            image = to_qimage(page)
            target = painter.viewport()
            size = image.size().scaled(target.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(target.x(), target.y(), size.width(), size.height())
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(target)
            task.progress(index + 1, total, f"Đang in trang {index + 1}/{total}")
    finally:
        painter.end()
    return total


class ReportsPage(QWidget):
    """Left: the documents and their options; right: the preview of the pages."""

    preview_ready = Signal(int)  # number of pages of the document previewed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.preview_path: Path | None = None
        self.preview_options: tuple | None = None
        self._tempdir = Path(tempfile.mkdtemp(prefix="dvk-xem-truoc-"))
        self.destroyed.connect(lambda *_: shutil.rmtree(self._tempdir, ignore_errors=True))

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
        self.style_box = QComboBox(box)
        for label, code in (("Theo cài đặt của cơ quan", None), ("Thể thức văn bản của Đảng", "dang"),
                            ("Thể thức văn bản hành chính (Nhà nước)", "nha_nuoc")):
            self.style_box.addItem(label, code)
        self.group_box = QComboBox(box)
        self.group_box.addItem("Theo lĩnh vực", "field")
        self.group_box.addItem("Theo đơn vị", "unit")
        self.proposal_box = QCheckBox("Danh sách đề nghị (trước khi có quyết định)", box)
        self.blank_box = QCheckBox("Phiếu để trống (chấm trên giấy)", box)
        self.paper_box = QComboBox(box)
        self.paper_box.addItem("A4 ngang", "A4")
        self.paper_box.addItem("A3 ngang", "A3")
        self.title_box = QComboBox(box)
        self.title_box.addItem("Giấy khen", "giay_khen")
        self.title_box.addItem("Giấy chứng nhận", "chung_nhan")
        self.model_box = QComboBox(box)
        self.model_box.setMinimumContentsLength(30)
        self.model_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.rows = {}
        for key, label, widget in (("style", "Thể thức", self.style_box), ("group", "Nhóm", self.group_box),
                                   ("proposal", "", self.proposal_box), ("blank", "", self.blank_box),
                                   ("paper", "Khổ giấy", self.paper_box), ("title", "Tên giấy", self.title_box),
                                   ("model", "Mô hình", self.model_box)):
            form.addRow(label, widget)
            self.rows[key] = widget
        for widget in (self.style_box, self.group_box, self.paper_box, self.title_box, self.model_box):
            widget.currentIndexChanged.connect(self._options_changed)
        for widget in (self.proposal_box, self.blank_box):
            widget.toggled.connect(self._options_changed)

        self.preview_button = QPushButton("Xem trước", self)
        self.preview_button.clicked.connect(self.preview)
        self.print_button = QPushButton("In…", self)
        self.print_button.clicked.connect(self.print_document)
        self.pdf_button = QPushButton("Lưu PDF…", self)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.excel_button = QPushButton("Lưu Excel…", self)
        self.excel_button.clicked.connect(self.save_excel)
        buttons = QHBoxLayout()
        for button in (self.preview_button, self.print_button, self.pdf_button, self.excel_button):
            buttons.addWidget(button)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Văn bản</b>", left))
        left_layout.addWidget(self.documents)
        left_layout.addWidget(self.description)
        left_layout.addWidget(box)
        left_layout.addLayout(buttons)
        left_layout.addStretch(1)
        left.setMaximumWidth(460)
        self.documents.setMaximumHeight(self.documents.sizeHintForRow(0) * (len(DOCUMENTS) + 1) + 8)

        self.pages_widget = QWidget(self)
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.pages_layout.setSpacing(12)
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.pages_widget)
        self.scroll.setWidgetResizable(True)
        self.scroll.setStyleSheet("QScrollArea { background: #808080; } QScrollArea > QWidget > QWidget "
                                  "{ background: #808080; }")
        self.preview_note = QLabel(self)
        self.preview_note.setWordWrap(True)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.preview_note)
        right_layout.addWidget(self.scroll, 1)

        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.documents.setCurrentRow(0)

    # ------------------------------------------------------------ state
    def set_year(self, year: int) -> None:
        self.year = year
        self.model_box.blockSignals(True)
        self.model_box.clear()
        rows = sorted(list_models(ModelFilter(year=year)), key=lambda r: sort_key(r.name)) if year else []
        for row in rows:
            self.model_box.addItem(row.name if len(row.name) < 90 else row.name[:87] + "…", row.id)
        self.model_box.blockSignals(False)
        self._options_changed()

    def select(self, code: str, **options) -> None:
        """Open a document from another screen (the list, the decision), with some options set."""
        for row in range(self.documents.count()):
            if self.documents.item(row).data(Qt.ItemDataRole.UserRole) == code:
                self.documents.setCurrentRow(row)
        if "proposal" in options:
            self.proposal_box.setChecked(bool(options["proposal"]))
        if options.get("model_id") is not None:
            index = self.model_box.findData(options["model_id"])
            if index >= 0:
                self.model_box.setCurrentIndex(index)

    def code(self) -> str:
        item = self.documents.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else "registrations"

    def options(self) -> Options:
        code = self.code()
        model_id = self.model_box.currentData() if code == "dossier" else None
        return Options(year=self.year, style=self.style_box.currentData(), group_by=self.group_box.currentData(),
                       proposal=self.proposal_box.isChecked(), filled=not self.blank_box.isChecked(),
                       paper=self.paper_box.currentData(), certificate_title=self.title_box.currentData(),
                       model_id=model_id)

    def _document_changed(self, row: int) -> None:
        code = self.code()
        kind = DOCUMENTS[code]
        self.description.setText(kind.description)
        visible = {"style": True, "group": code == "registrations", "proposal": code == "recognition",
                   "blank": code == "scoresheets", "paper": code == "certificates", "title": code == "certificates",
                   "model": code == "dossier"}
        form = self.rows["style"].parentWidget().layout()
        for key, widget in self.rows.items():
            form.setRowVisible(widget, visible[key])
        self.excel_button.setEnabled(kind.excel is not None)
        self.excel_button.setToolTip("" if kind.excel else "Văn bản này chỉ in ra PDF.")
        self._options_changed()

    def _options_changed(self, *_) -> None:
        """Options changed: the preview shown is of another document now."""
        if self.preview_path is not None and self.preview_options != (self.code(), self.options()):
            self._clear_pages()
            self.preview_note.setText("Tùy chọn đã thay đổi; bấm «Xem trước» để xem lại.")
            self.preview_path = None

    def _clear_pages(self) -> None:
        self._images = []
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    def _ready(self) -> bool:
        if not self.year:
            messages.warning(self, "Hãy chọn năm làm việc trước.")
            return False
        if self.code() == "dossier" and self.model_box.currentData() is None:
            messages.warning(self, f"Năm {self.year} chưa có mô hình, điển hình nào để in hồ sơ.")
            return False
        return True

    # ------------------------------------------------------------ actions
    def preview(self) -> None:
        if not self._ready():
            return
        code, options = self.code(), self.options()
        target = self._tempdir / f"{code}-{len(list(self._tempdir.iterdir()))}.pdf"

        def work(task: TaskState) -> tuple[Path, int, list[PageImage]]:
            path = build_pdf(code, options, target, task)
            return path, page_count(path), list(render_pages(path, dpi=PREVIEW_DPI, limit=PREVIEW_PAGES))

        def done(result) -> None:
            path, total, images = result
            self.preview_path, self.preview_options = path, (code, options)
            self._show_pages(images, total)
            self.preview_ready.emit(total)

        run_job(self, work, title="Xem trước", label=f"Đang tạo «{DOCUMENTS[code].label}»…", on_done=done)

    def _show_pages(self, images: list[PageImage], total: int) -> None:
        self._clear_pages()
        self._images = [to_qimage(image) for image in images]
        for _ in self._images:
            label = QLabel(self.pages_widget)
            label.setStyleSheet("background: white; border: 1px solid #444;")
            self.pages_layout.addWidget(label, 0, Qt.AlignmentFlag.AlignHCenter)
        self._fit_pages()
        shown = len(images)
        note = f"{DOCUMENTS[self.code()].label}: {total} trang."
        if shown < total:
            note += f" Đang xem trước {shown} trang đầu; bản in và tệp lưu có đủ {total} trang."
        self.preview_note.setText(note)

    def _fit_pages(self) -> None:
        """Pages as wide as the preview pane allows (never enlarged beyond their rendering)."""
        width = max(200, self.scroll.viewport().width() - 40)
        for index, image in enumerate(getattr(self, "_images", [])):
            item = self.pages_layout.itemAt(index)
            if item is None or not isinstance(item.widget(), QLabel):
                continue
            scaled = image if image.width() <= width else image.scaledToWidth(
                width, Qt.TransformationMode.SmoothTransformation)
            item.widget().setPixmap(QPixmap.fromImage(scaled))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._fit_pages()

    def _ask_path(self, suffix: str, title: str) -> Path | None:
        store = QSettings("SoDanVanKheo", "SoDanVanKheo")
        folder = store.value("reports/folder", str(Path.home()))
        name = f"{DOCUMENTS[self.code()].label} năm {self.year}{suffix}".replace("/", "-").replace(",", "")
        file_filter = "Tệp PDF (*.pdf)" if suffix == ".pdf" else "Sổ tính Excel (*.xlsx)"
        path, _ = QFileDialog.getSaveFileName(self, title, str(Path(folder) / name), file_filter)
        if not path:
            return None
        path = Path(path)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        store.setValue("reports/folder", str(path.parent))
        return path

    def save_pdf(self, path: Path | None = None) -> None:
        if not self._ready():
            return
        path = path or self._ask_path(".pdf", "Lưu PDF")
        if path is None:
            return
        code, options = self.code(), self.options()
        run_job(self, lambda task: build_pdf(code, options, path, task), title="Lưu PDF",
                label=f"Đang tạo «{DOCUMENTS[code].label}»…",
                on_done=lambda result: messages.info(self, f"Đã lưu tệp PDF:\n{result}"))

    def save_excel(self, path: Path | None = None) -> None:
        if not self._ready():
            return
        if DOCUMENTS[self.code()].excel is None:
            messages.warning(self, f"«{DOCUMENTS[self.code()].label}» chỉ in ra PDF, không có bản Excel.")
            return
        path = path or self._ask_path(".xlsx", "Lưu Excel")
        if path is None:
            return
        code, options = self.code(), self.options()
        run_job(self, lambda task: build_excel(code, options, path, task), title="Lưu Excel",
                label=f"Đang xuất «{DOCUMENTS[code].label}»…",
                on_done=lambda result: messages.info(self, f"Đã lưu sổ tính Excel:\n{result}"))

    def print_document(self, printer: QPrinter | None = None) -> None:
        """Build (or reuse the preview), ask for the printer, then paint the pages on a worker."""
        if not self._ready():
            return
        code, options = self.code(), self.options()
        if self.preview_path is not None and self.preview_options == (code, options):
            self._print(self.preview_path, printer)
            return
        target = self._tempdir / f"{code}-in-{len(list(self._tempdir.iterdir()))}.pdf"
        run_job(self, lambda task: build_pdf(code, options, target, task), title="In",
                label=f"Đang tạo «{DOCUMENTS[code].label}»…", on_done=lambda path: self._print(path, printer))

    def _print(self, path: Path, printer: QPrinter | None) -> None:
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            printer.setDocName(path.stem)
            dialog = QPrintDialog(printer, self)
            dialog.setWindowTitle("In văn bản")
            if dialog.exec() != QPrintDialog.DialogCode.Accepted:
                return
        self._printer = printer  # alive until the worker has finished with it
        run_job(self, print_pdf, printer, path, title="In", label="Đang gửi trang in…",
                on_done=lambda pages: self.preview_note.setText(f"Đã gửi {pages} trang tới máy in."))
