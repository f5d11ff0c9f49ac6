"""Screenshots of the main screens on demo data: ``python -m ui.screenshots OUTDIR``.

Used to look at what the clerk sees (clipped text, English words, empty panes); texts found cut are also
listed on stderr (see :func:`clipped_texts`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def clipped_texts(root) -> list[str]:
    """Texts that do not fit their widget on screen now: labels, buttons, boxes, list rows, group titles, headers.

    What the eye looks for in a screenshot, in a form a test can assert.  A combo box that is deliberately
    narrower than its longest item (``AdjustToMinimumContentsLength…``, the whole text in its tooltip) is allowed.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QComboBox, QGroupBox, QHeaderView, QLabel, QListView, QWidget

    found: list[str] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.visibleRegion().isEmpty():
            continue
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                need = widget.heightForWidth(widget.width())
                if widget.height() < need:
                    found.append(f"QLabel «{widget.text()}»: cao {widget.height()} < {need}")
            elif widget.width() < widget.sizeHint().width():
                found.append(f"QLabel «{widget.text()}»: rộng {widget.width()} < {widget.sizeHint().width()}")
        elif isinstance(widget, QAbstractButton) and widget.text():
            if widget.width() < widget.sizeHint().width():
                found.append(
                    f"{type(widget).__name__} «{widget.text()}»: rộng {widget.width()} < {widget.sizeHint().width()}"
                )
        elif isinstance(widget, QComboBox) and widget.count():
            deliberate = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            metrics = widget.fontMetrics()
            widest = max(metrics.horizontalAdvance(widget.itemText(i)) for i in range(widget.count()))
            # The text shown must fit; the frame and arrow take what the size hint adds to the widest item.
            need = metrics.horizontalAdvance(widget.currentText()) + widget.sizeHint().width() - widest
            if widget.sizeAdjustPolicy() != deliberate and widget.width() < need:
                found.append(f"QComboBox «{widget.currentText()}»: rộng {widget.width()} < {need}")
        elif isinstance(widget, QListView) and widget.model() is not None and not widget.wordWrap():
            for row in range(widget.model().rowCount()):
                index = widget.model().index(row, widget.modelColumn())
                need = widget.sizeHintForIndex(index).width()
                if widget.viewport().width() < need:
                    found.append(f"dòng «{index.data()}»: rộng {widget.viewport().width()} < {need}")
        elif isinstance(widget, QGroupBox) and widget.title():
            need = widget.fontMetrics().horizontalAdvance(widget.title()) + 16
            if widget.width() < need:
                found.append(f"QGroupBox «{widget.title()}»: rộng {widget.width()} < {need}")
        elif isinstance(widget, QHeaderView) and widget.orientation() == Qt.Orientation.Horizontal and widget.model():
            for section in range(widget.count()):
                text = widget.model().headerData(section, Qt.Orientation.Horizontal)
                if widget.isSectionHidden(section) or not isinstance(text, str) or not text:
                    continue
                need = widget.fontMetrics().horizontalAdvance(text) + 8
                if widget.sectionSize(section) < need:
                    found.append(f"cột «{text}»: rộng {widget.sectionSize(section)} < {need}")
    return found


def save_screenshots(outdir: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop_app.demo import load_demo
    from desktop_app.services import catalogues
    from desktop_app.storage.database import open_database

    from .app import make_application
    from .editor import ModelEditorDialog
    from .main_window import MainWindow
    from .setup_dialog import SetupDialog

    outdir.mkdir(parents=True, exist_ok=True)
    app = make_application()
    saved: list[Path] = []

    def grab(widget, name: str) -> None:
        for _ in range(5):  # a widget added to a shown layout appears, then the layout settles: one round each
            app.processEvents()
        path = outdir / f"{name}.png"
        widget.grab().save(str(path))
        saved.append(path)
        for problem in clipped_texts(widget):
            print(f"{path.name}: chữ bị cắt: {problem}", file=sys.stderr)

    with tempfile.TemporaryDirectory() as tmp:
        database = open_database(Path(tmp) / "Nguyễn Văn A" / "dữ liệu.db")
        catalogues.ensure_defaults()
        setup = SetupDialog()
        setup.show()
        grab(setup, "01-thiet-lap-lan-dau")
        setup.close()
        load_demo()
        window = MainWindow()
        window.resize(1280, 800)
        window.show()
        window.set_year(2023)
        for key, name in (
            ("dashboard", "02-tong-quan"),
            ("models", "03-danh-sach"),
            ("catalogues", "05-danh-muc"),
            ("settings", "06-cai-dat"),
            ("appraisal", "07-danh-gia"),
            ("reports", "08-bao-cao"),
            ("review", "13-tong-ket-giai-doan"),
            ("trash", "11-thung-rac"),
            ("history", "12-lich-su-thay-doi"),
        ):
            if key not in window.pages:
                continue
            if key == "trash":  # one deleted model, so the page shows what the trash keeps of it
                from desktop_app.services.models import ModelFilter, delete_models, query_ids

                delete_models(query_ids(ModelFilter(year=2023))[:1])
            window.show_page(key)
            if key == "models":
                window.pages["models"].search.setText("da don")
                window.pages["models"].apply_filter()
            if key == "reports":
                reports = window.pages["reports"]
                reports.select("recognition", proposal=True)
                # The preview is built on the worker.
                _wait(app, lambda reports=reports: reports.preview_path is not None)
            if key == "review":  # the demo's five years, computed on the worker
                review = window.pages["review"]
                review.set_span(2021, 2025)
                _wait(app, lambda review=review: review.figures is not None)
            grab(window, name)
            if key == "reports":
                from . import messages

                box = messages.saved_box(window, Path.home() / "Tài liệu" / "Danh sách công nhận năm 2023.pdf")
                box.show()
                grab(box, "10-da-luu")
                box.close()
        import_dialog = _import_preview(window, Path(tmp), app)
        grab(import_dialog, "09-nhap-excel")
        import_dialog.close()
        editor = ModelEditorDialog(window, 2, 2023)
        editor.show()
        for index in range(editor.tabs.count()):
            editor.tabs.setCurrentIndex(index)
            grab(editor, f"04-sua-mo-hinh-{index + 1}")
        editor.close()
        window.close()
        database.close()
    return saved


def _import_preview(window, folder: Path, app):
    """The import dialog on a unit's own file: a title block, a group row, a bad field, a new unit."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ nữ"
    ws["A1"] = "HỘI LIÊN HIỆP PHỤ NỮ HUYỆN LÂM HÀ"
    ws.append([])
    ws.append(["TT", "TÊN MÔ HÌNH, ĐIỂN HÌNH", "Đơn vị đăng ký", "Lĩnh vực", "Địa bàn", "Kết quả"])
    ws.append(["I. LĨNH VỰC KINH TẾ"])
    ws.append([1, "Nuôi bò sinh sản giúp hội viên thoát nghèo", "Hội LHPN xã Phi Tô", "", "xã Phi Tô", "12 hộ"])
    ws.append([2, "Tổ vay vốn xoay vòng", "Hội Liên hiệp Phụ nữ huyện Lâm Hà", "Kinh tế", "", "88 triệu đồng"])
    ws.append([3, "V¨n hãa ®äc s¸ch", "Hội LHPN xã Phi Tô", "V¨n hãa - x· héi", "", ""])
    ws.append([4, "Mô hình lạ", "Hội LHPN xã Phi Tô", "Thể thao", "", ""])
    ws.append([5, "Mẹ đỡ đầu", "Hội Liên hiệp Phụ nữ xã Tân Hà", "Văn hóa - xã hội", "", ""])
    ws.append(["", "Tổng cộng", "", "", "", ""])
    path = folder / "đăng ký phụ nữ.xlsx"
    wb.save(path)
    dialog = window.open_import(path)
    _wait(app, lambda: dialog.plan is not None)
    return dialog


def _wait(app, done, seconds: float = 60) -> None:
    """Let the worker's job finish and its answer reach the window."""
    from .worker import wait_all

    for _ in range(int(seconds * 10)):
        wait_all(100)
        app.processEvents()
        if done():
            return


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    for path in save_screenshots(target):
        print(path)
