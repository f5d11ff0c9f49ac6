"""Screenshots of the main screens on demo data: ``python -m ui.screenshots OUTDIR``.

Used to look at what the clerk sees (clipped text, English words, empty panes).
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


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
        app.processEvents()
        path = outdir / f"{name}.png"
        widget.grab().save(str(path))
        saved.append(path)

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
        for key, name in (("dashboard", "02-tong-quan"), ("models", "03-danh-sach"), ("catalogues", "05-danh-muc"),
                          ("settings", "06-cai-dat"), ("appraisal", "07-danh-gia"), ("reports", "08-bao-cao")):
            if key not in window.pages:
                continue
            window.show_page(key)
            if key == "models":
                window.pages["models"].search.setText("da don")
                window.pages["models"].apply_filter()
            if key == "reports":
                from .worker import wait_all
                reports = window.pages["reports"]
                reports.select("recognition", proposal=True)
                reports.preview()
                for _ in range(600):  # the preview is built on the worker
                    wait_all(100)
                    app.processEvents()
                    if reports.preview_path is not None:
                        break
            grab(window, name)
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

    from .worker import wait_all
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
    for _ in range(300):
        wait_all(100)
        app.processEvents()
        if dialog.plan is not None:
            break
    return dialog


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    for path in save_screenshots(target):
        print(path)
