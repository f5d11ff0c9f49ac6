"""Starting the application: Qt, fonts, error handling, the database, first run, the main window."""
from __future__ import annotations

import logging
import sys
import traceback
from pathlib import Path

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QDialog

from desktop_app import APP_NAME
from desktop_app.errors import AppError
from desktop_app.logs import log_path, setup_logging
from desktop_app.services import catalogues, settings
from desktop_app.storage.database import open_database

from . import messages
from .worker import run_job, show_error

log = logging.getLogger("dvk.ui")


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("SoDanVanKheo")
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    app.setFont(ui_font())
    return app


def ui_font() -> QFont:
    """Segoe UI on Windows (it has every Vietnamese letter); elsewhere a shipped or common sans font."""
    families = set(QFontDatabase.families())
    for family in ("Segoe UI", "Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial"):
        if family in families:
            font = QFont(family)
            font.setPointSize(10)
            return font
    return QApplication.font()


def install_excepthook() -> None:
    """Unexpected errors: logged with the traceback, shown as one dialog naming the log file."""
    def hook(kind, value, tb) -> None:
        log.error("unhandled error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        if QApplication.instance() is not None:
            show_error(QApplication.activeWindow(), value)
    sys.excepthook = hook


def run(db_path: Path | None = None) -> int:
    setup_logging()
    app = make_application()
    install_excepthook()
    try:
        database = open_database(db_path)
        catalogues.ensure_defaults()
    except AppError as exc:
        messages.error(None, str(exc), title="Không mở được tệp dữ liệu")
        return 1
    if not settings.is_configured():
        from .setup_dialog import SetupDialog
        dialog = SetupDialog()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            database.close()
            return 0
        if dialog.load_demo:
            from desktop_app.demo import load_demo
            from .worker import wait_all
            run_job(dialog, lambda task: load_demo(task), title="Dữ liệu mẫu", label="Đang nạp dữ liệu mẫu…")
            wait_all()
            app.processEvents()
    from .main_window import MainWindow
    window = MainWindow()
    window.show()
    log.info("started with %s (log: %s)", database.path, log_path())
    code = app.exec()
    database.close()
    return code
