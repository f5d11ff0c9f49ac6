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


SIZE = (1280, 800)  # the main window's size in every screenshot: the guide's figures stay comparable


def save_screenshots(outdir: Path) -> list[Path]:
    """Every screen the clerk goes through in a year, on the demo data, saved as ``outdir/<name>.png``.

    The names are stable: the user guide (``resources/guide``) shows them by name.  The data is a fresh file in a
    temporary folder; the window's remembered size and place are neither used nor saved.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from desktop_app.demo import load_demo
    from desktop_app.services import catalogues
    from desktop_app.storage import database as storage
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

    def new_window() -> MainWindow:
        window = MainWindow()
        window.save_state = lambda: None  # type: ignore[method-assign]  # the user's own window stays as it was
        window.resize(*SIZE)
        window.show()
        return window

    with tempfile.TemporaryDirectory() as tmp:
        open_database(Path(tmp) / "Nguyễn Văn A" / "dữ liệu.db")
        catalogues.ensure_defaults()
        setup = SetupDialog()
        setup.show()
        grab(setup, "01-thiet-lap-lan-dau")
        setup.close()
        first = new_window()  # the first screen of a book with nothing in it yet: the steps of the year
        first.show_page("dashboard")
        grab(first, "14-tong-quan-so-moi")
        first.close()
        first.deleteLater()
        load_demo()
        window = new_window()
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
        _more_screens(window, app, grab)
        import_dialog = _import_preview(window, Path(tmp), app)
        grab(import_dialog, "09-nhap-excel")
        import_dialog.close()
        editor = ModelEditorDialog(window, 2, 2023)
        editor.show()
        for index in range(editor.tabs.count()):
            editor.tabs.setCurrentIndex(index)
            grab(editor, f"04-sua-mo-hinh-{index + 1}")
        editor.close()
        send = window.open_send_package()
        grab(send, "20-gui-bao-cao")
        send.close()
        _receive_preview(window, Path(tmp), app, grab)
        window.close()
        from .worker import wait_all

        wait_all()
        storage.current().close()  # the upper office's file opened last (see _receive_preview)
    return saved


def _more_screens(window, app, grab) -> None:
    """The tabs and pages of the later steps of the year (appraisal, recognition, statistics, backups)."""
    appraisal = window.pages.get("appraisal")
    if appraisal is not None:
        window.show_page("appraisal")
        for tab, name in (
            (appraisal.results, "15-danh-gia-ket-qua"),
            (appraisal.council, "16-danh-gia-hoi-dong"),
            (appraisal.criteria, "17-danh-gia-bo-tieu-chi"),
        ):
            appraisal.setCurrentWidget(tab)
            grab(window, name)
        appraisal.setCurrentWidget(appraisal.scoring)
    if "recognition" in window.pages:
        window.show_page("recognition")
        grab(window, "18-cong-nhan")
    reports = window.pages.get("reports")
    if reports is not None:
        window.show_page("reports")
        for code, name in (("statistics", "19-bao-cao-thong-ke"), ("scoresheets", "21-phieu-cham")):
            reports.select(code)
            _wait(app, lambda reports=reports: reports.preview_path is not None)
            grab(window, name)
    catalogues = window.pages.get("catalogues")
    if catalogues is not None and hasattr(catalogues, "offices_tab"):
        window.show_page("catalogues")
        catalogues.setCurrentWidget(catalogues.offices_tab)
        grab(window, "22-co-quan-gui-bao-cao")
        catalogues.setCurrentWidget(catalogues.units_tab)
    settings_page = window.pages.get("settings")
    if settings_page is not None and hasattr(settings_page, "backups_table"):
        from desktop_app.services import autobackup

        autobackup.try_automatic("dong")  # one backup in the list, as after the first day's work
        window.show_page("settings")
        _wait(app, lambda: settings_page.backups_table.rowCount() > 0, seconds=20)
        bar = settings_page.scroll_area.verticalScrollBar()
        bar.setValue(settings_page.backups_table.parentWidget().y())
        grab(window, "23-cai-dat-sao-luu")
        bar.setValue(0)


def _receive_preview(window, folder: Path, app, grab) -> None:
    """«Nhận gói báo cáo của cấp dưới…» at a district office: the demo year sent by a commune, all of it new."""
    from desktop_app.exchange.export import export_package
    from desktop_app.services import catalogues
    from desktop_app.storage import database as storage

    from .worker import wait_all

    package = export_package(folder / "Đảng ủy xã Đạ Đờn 2023.dvk", year=2023).path
    wait_all()
    window._release_worker_connection()
    storage.current().close()
    storage.open_database(folder / "Huyện ủy" / "sổ cấp trên.db")
    catalogues.ensure_defaults()
    dialog = window.open_receive_package(package)
    _wait(app, lambda: dialog.plan is not None)
    if dialog.table.rowCount():
        dialog.table.selectRow(0)
    grab(dialog, "24-nhan-goi")
    dialog.close()


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
