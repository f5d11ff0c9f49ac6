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
        editor = ModelEditorDialog(window, 2, 2023)
        editor.show()
        for index in range(editor.tabs.count()):
            editor.tabs.setCurrentIndex(index)
            grab(editor, f"04-sua-mo-hinh-{index + 1}")
        editor.close()
        window.close()
        database.close()
    return saved


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    for path in save_screenshots(target):
        print(path)
