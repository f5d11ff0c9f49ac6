"""Starting the application: Qt, fonts, error handling, the database, first run, the main window."""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QLocale, Qt
from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QFontMetrics, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from desktop_app import APP_NAME, places, workspace
from desktop_app.errors import AppError
from desktop_app.logs import log_path, setup_logging
from desktop_app.resources import resources_dir
from desktop_app.services import settings
from desktop_app.storage.lock import FileInUse

from . import autobackups, errors, logging_qt, messages

log = logging.getLogger("dvk.ui")


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName("SoDanVanKheo")
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    app.setFont(ui_font())
    icon = app_icon_path()
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    install_qt_translations(app)
    # No application-wide style sheet (see ui/menu_buttons.py): it would slow every paint.
    return app


_translators: list = []  # the installed QTranslators, kept referenced so they are never collected


def install_qt_translations(app: QApplication) -> None:
    """Vietnamese for the dialogs Qt draws itself (print, file, message box buttons, edit menus).

    Qt ships no qtbase_vi; ours is resources/translations/qtbase_vi.qm (source: the .ts beside it).
    Should Qt ever ship one it is loaded too, searched after ours.  Once per QApplication.
    """
    _translators[:] = [t for t in _translators if shiboken6.isValid(t)]  # gone with an earlier app
    if _translators:
        return
    from PySide6.QtCore import QLibraryInfo, QTranslator

    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ours = str(resources_dir() / "translations")
    for folder in (qt_folder, ours):  # the last installed is searched first
        translator = QTranslator(app)
        if translator.load("qtbase_vi", folder) and app.installTranslator(translator):
            _translators.append(translator)
        elif folder == ours:
            log.warning("Vietnamese Qt translation not loaded from %s", folder)


# Letters a Vietnamese screen shows all day: a font missing any of them draws boxes or mixes in another font.
VIETNAMESE_SAMPLE = "Đăng ký ưu tiên ĐđƠơƯưĂăÂâÊêÔô ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"
# Segoe UI first (Windows), then the common sans fonts of Linux and macOS; each must pass the sample.
PREFERRED_FAMILIES = ("Segoe UI", "Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica Neue")
BUNDLED_FONTS = ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf")
UI_POINT_SIZE = 10


def has_vietnamese(family: str) -> bool:
    """Whether the family itself (not a fallback font) has a glyph for every letter of the sample."""
    font = QFont(family)
    if QFontInfo(font).family() != family.split(" [")[0]:  # not installed: Qt substituted another font
        return False
    metrics = QFontMetrics(font)
    return all(metrics.inFontUcs4(ord(char)) for char in VIETNAMESE_SAMPLE if not char.isspace())


def _system_families() -> list[str]:
    return QFontDatabase.families()


def register_bundled_font() -> str | None:
    """Add the shipped Liberation Sans to the application's fonts; its family name, or None if it cannot load."""
    family = None
    for name in BUNDLED_FONTS:
        font_id = QFontDatabase.addApplicationFont(str(resources_dir() / "fonts" / name))
        loaded = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        family = family or (loaded[0] if loaded else None)
    if family is None:
        log.warning("bundled UI font not loaded from %s", resources_dir() / "fonts")
    return family


def ui_font_family() -> str | None:
    """Segoe UI on Windows; elsewhere a system family with every Vietnamese letter; else the bundled sans font."""
    families = _system_families()
    if sys.platform == "win32" and "Segoe UI" in families:
        return "Segoe UI"
    for family in PREFERRED_FAMILIES:
        if family in families and has_vietnamese(family):
            return family
    vietnamese = QFontDatabase.WritingSystem.Vietnamese
    others = [
        f
        for f in families
        if vietnamese in QFontDatabase.writingSystems(f) and not QFontDatabase.isFixedPitch(f) and has_vietnamese(f)
    ]
    others.sort(key=lambda f: "sans" not in f.lower())  # a sans font reads better on screen than a serif one
    if others:
        return others[0]
    return register_bundled_font()


def ui_font() -> QFont:
    family = ui_font_family()
    if family is None:
        return QApplication.font()
    font = QFont(family)
    font.setPointSize(UI_POINT_SIZE)
    return font


def app_icon_path() -> Path:
    return resources_dir() / "icons" / "app.png"


def install_excepthook() -> None:
    """Unexpected errors: logged with the traceback, shown as one dialog naming the log file."""

    def hook(kind, value, tb) -> None:
        if value.__traceback__ is None:
            value = value.with_traceback(tb)
        if QApplication.instance() is not None:
            errors.report(QApplication.activeWindow(), value)
        else:
            errors.log_failure(value)

    sys.excepthook = hook


def run(db_path: Path | None = None) -> int:
    """Start the program on the office database; return the exit code after an orderly shutdown."""
    app = make_application()
    try:  # a portable copy on a write-protected stick is told so before anything tries to write there
        places.ensure_data_dir()
    except AppError as exc:
        messages.error(None, str(exc), title="Không ghi được dữ liệu")
        return 1
    setup_logging()
    # Here, not in make_application: tests build the application too, and pytest-qt's own
    # handler must stay the one that fails a test on a Qt warning.
    logging_qt.install()
    install_excepthook()
    autobackups.enable()  # on close, daily, before an import, a restore, a decision
    workspace.check_early(db_path)  # the damage check reads the file on its own thread while the pages load
    from .main_window import default_pages

    default_pages()
    try:
        # A damaged file is refused before anything writes to it, and the newest good backup offered.
        database = autobackups.open_office_or_recover(db_path)
    except FileInUse as exc:  # a second copy of the program on the same file: say who has it, then stop
        messages.error(None, str(exc), title="Tệp dữ liệu đang được dùng")
        return 1
    except AppError as exc:
        messages.error(None, str(exc), title="Không mở được tệp dữ liệu")
        return 1
    if database is None:  # damaged, and the user chose «Thoát» (or the restore failed and said why)
        return 1
    open_demo = False
    if not settings.is_configured():
        from .setup_dialog import SetupDialog

        dialog = SetupDialog()
        result = dialog.exec()
        open_demo = dialog.load_demo
        if result != QDialog.DialogCode.Accepted and not dialog.try_demo:
            shutdown(None)
            return 0
        dialog.deleteLater()
    from .main_window import MainWindow

    window = MainWindow()
    # Quit explicitly: Qt's automatic quit on the last window is cancelled by any window shown after
    # it (a job's progress dialog popping up while the close waits for the job), and the program
    # would then run on with no window.
    window.closed.connect(app.quit, Qt.ConnectionType.QueuedConnection)
    window.show()
    log.info("started with %s (log: %s)", database.path, log_path())
    if open_demo:
        # The same switch as Cài đặt › Dữ liệu mẫu: a separate file, filled on the worker.
        window.open_demo()
    code = app.exec()
    shutdown(window)
    return code


def shutdown(window: QWidget | None) -> None:
    """Stop in an order that leaves nothing for Python's finalisation to tear down.

    The database worker finishes (and closes its own connection) first, then the database is
    closed, then the window and everything queued for deletion are destroyed while the
    QApplication still exists.  Qt objects, queued job results or a worker thread outliving the
    start of Python's finalisation are the likely cause of the one exit crash seen ("Fatal Python
    error: bool_dealloc"): their clean-up then releases Python objects the interpreter has torn down.
    """
    from .worker import shutdown as stop_worker

    stop_worker(release=workspace.close_thread_connection)
    workspace.close()  # the file and its writer lock, so the next program may open it at once
    app = QApplication.instance()
    if window is not None:
        window.hide()
        shiboken6.delete(window)
    if app is not None:
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        app.processEvents()
    gc.collect()
