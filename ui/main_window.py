"""The main window: navigation bar, a year selector that applies everywhere, a status bar.

It also owns switching between the office's database and the separate demo file: the core
(:mod:`desktop_app.workspace`) closes one and opens the other, the window reloads every page and
shows a banner for as long as the demo is open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QFont, QFontMetrics
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, workspace
from desktop_app.errors import Cancelled
from desktop_app.services import settings, statistics
from desktop_app.storage import database as storage

from . import autobackups, help_menu, settings_store, window_geometry
from .menu_buttons import menu_button

if TYPE_CHECKING:  # annotations only: the window imports the worker and services where it uses them
    from desktop_app.services.autobackup import Outcome

    from .worker import Job

DEMO_BANNER_TEXT = "Đang xem DỮ LIỆU MẪU — không phải dữ liệu của cơ quan"


@dataclass
class PageSpec:
    key: str
    title: str
    factory: Callable[[MainWindow], QWidget]


def default_pages() -> list[PageSpec]:
    """The navigation entries, in order.  A later screen replaces its entry's factory here."""
    from .pages.appraisal import AppraisalPage
    from .pages.catalogues import CataloguesPage
    from .pages.dashboard import DashboardPage
    from .pages.history_page import HistoryPage
    from .pages.model_list import ModelListPage
    from .pages.recognition import RecognitionPage
    from .pages.reports import ReportsPage
    from .pages.review_page import ReviewPage
    from .pages.settings_page import SettingsPage
    from .pages.trash_page import TrashPage

    return [
        PageSpec("dashboard", "Tổng quan", lambda w: DashboardPage(w)),
        PageSpec("models", "Mô hình - điển hình", lambda w: ModelListPage(w)),
        PageSpec("appraisal", "Đánh giá", lambda w: AppraisalPage(w)),
        PageSpec("recognition", "Công nhận", lambda w: RecognitionPage(w)),
        PageSpec("reports", "Báo cáo", lambda w: ReportsPage(w)),
        PageSpec("review", "Tổng kết giai đoạn", lambda w: ReviewPage(w)),
        PageSpec("catalogues", "Danh mục", lambda w: CataloguesPage(w)),
        PageSpec("trash", "Thùng rác", lambda w: TrashPage(w)),
        PageSpec("history", "Lịch sử thay đổi", lambda w: HistoryPage(w)),
        PageSpec("settings", "Cài đặt", lambda w: SettingsPage(w)),
    ]


class DemoBanner(QFrame):
    """The strip across the top while the demo file is open: the user must never mistake it for real data."""

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("demo_banner")
        self.setStyleSheet(
            "#demo_banner { background: #fff3c4; border-bottom: 2px solid #e0a800; }"
            "#demo_banner QLabel { color: #5c4400; font-weight: bold; font-size: 11pt; }"
        )
        self.label = QLabel(DEMO_BANNER_TEXT, self)
        self.back_button = QPushButton("Quay về dữ liệu của cơ quan", self)
        self.back_button.clicked.connect(self.back_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.back_button)


class MainWindow(QMainWindow):
    year_changed = Signal(int)
    database_switched = Signal()  # the office database or the demo file was opened in place of the other
    closed = Signal()  # the user closed the window: the program ends

    def __init__(self, pages: list[PageSpec] | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.qsettings = settings_store.store()
        self.year = 0

        toolbar = QToolBar("Năm", self)
        toolbar.setObjectName("year_toolbar")
        toolbar.setMovable(False)
        toolbar.addWidget(QLabel("  Năm: "))
        self.year_combo = QComboBox(self)
        self.year_combo.setEditable(False)
        self.year_combo.setMinimumContentsLength(6)
        self.year_combo.currentIndexChanged.connect(self._year_selected)
        toolbar.addWidget(self.year_combo)
        self.office_label = QLabel(self)
        toolbar.addWidget(QLabel("   "))
        toolbar.addWidget(self.office_label)
        self.addToolBar(toolbar)
        self.help_menu = help_menu.add_help_menu(self)

        self.nav = QListWidget(self)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 8px 10px; }")
        self.stack = QStackedWidget(self)
        # The stack in its final place before the pages go in: with the application's style sheet, every widget
        # moved to a new parent is styled again with everything under it, so moving the filled stack into the
        # splitter and the splitter into the central widget restyled every page twice more (~0.2 s at start).
        self.splitter = QSplitter(self)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.demo_banner = DemoBanner(self)
        self.demo_banner.back_requested.connect(self.switch_to_office)
        central = QWidget(self)
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.demo_banner)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.pages: dict[str, QWidget] = {}
        for spec in pages or default_pages():
            page = spec.factory(self)
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._page_selected)
        # Wide enough for the longest entry at the list's own (larger) font, whatever the system font size:
        # a fixed 170 px cut "Mô hình - điển hình" at startup.
        nav_font = QFont(self.nav.font())
        nav_font.setPointSizeF(11)
        widest = max(
            QFontMetrics(nav_font).horizontalAdvance(self.nav.item(row).text()) for row in range(self.nav.count())
        )
        self.nav.setMinimumWidth(widest + 2 * 10 + 2 * self.nav.frameWidth() + 12)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.splitter.setSizes([self.nav.minimumWidth(), 1000])
        self.toolbar = toolbar
        self.file_label = QLabel(self)
        self.file_label.setStyleSheet("color: #555; padding: 0 6px;")
        self.statusBar().addPermanentWidget(self.file_label)
        self._wire_pages()
        self._show_workspace()
        self.reload_years()
        self._restore_state()
        self._start_automatic_backups()

    # --- wiring between pages
    def _wire_pages(self) -> None:
        dashboard, models = self.pages.get("dashboard"), self.pages.get("models")
        if dashboard is not None and models is not None:
            dashboard.open_list.connect(self.show_filtered_list)
            models.changed.connect(self._models_changed)
        if dashboard is not None and hasattr(dashboard, "step_requested"):
            dashboard.step_requested.connect(self.go_to_step)
        recognition = self.pages.get("recognition")
        if recognition is not None:
            recognition.changed.connect(self._models_changed)
            if models is not None:
                recognition.changed.connect(models.apply_filter)
        catalogues = self.pages.get("catalogues")
        if catalogues is not None and models is not None:
            catalogues.changed.connect(models.reload_catalogues)
        if catalogues is not None and hasattr(catalogues, "offices_tab"):
            catalogues.offices_tab.receive_requested.connect(lambda: self.open_receive_package())
        if models is not None:
            self._wire_import(models)
        if "reports" in self.pages:
            self._wire_reports(models, recognition)
            self.pages["reports"].produced.connect(self._document_produced)
        if "review" in self.pages:
            self.pages["review"].produced.connect(self._document_produced)
        trash_page = self.pages.get("trash")
        if trash_page is not None:
            trash_page.changed.connect(self._records_restored)
        settings_page = self.pages.get("settings")
        if settings_page is not None:
            settings_page.office_saved.connect(self._office_changed)
            settings_page.restore_requested.connect(self.restore_backup)
            if hasattr(settings_page, "demo_requested"):
                settings_page.demo_requested.connect(self.open_demo)
                settings_page.office_requested.connect(self.switch_to_office)

    def _wire_reports(self, models, recognition) -> None:
        """Print buttons on the list and decision screens open the Báo cáo screen on their document."""
        from PySide6.QtWidgets import QMenu, QPushButton, QToolButton

        if models is not None:
            button = QToolButton(models)
            button.setText("In…")
            button.setToolTip("Xem trước, in, lưu PDF hoặc Excel")
            menu_button(button, QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(button)
            menu.addAction("Danh sách đăng ký của năm…", lambda: self.open_report("registrations"))
            menu.addAction(
                "Hồ sơ mô hình đang chọn (kèm hình ảnh)…",
                lambda: self.open_report("dossier", model_id=next(iter(models.selected_ids()), None)),
            )
            button.setMenu(menu)
            models.add_action_button(button)
            self.print_menu_button = button
        if recognition is not None and hasattr(recognition, "buttons_row"):
            for label, code, options in (
                ("In danh sách công nhận…", "recognition", {"proposal": False}),
                ("In danh sách đề nghị…", "recognition", {"proposal": True}),
                ("In giấy khen…", "certificates", {}),
            ):
                button = QPushButton(label, recognition)
                button.clicked.connect(self._report_opener(code, options))
                recognition.buttons_row.insertWidget(recognition.buttons_row.count() - 1, button)

    def _report_opener(self, code: str, options: dict) -> Callable[[], None]:
        # A slot without parameters: PySide then calls it without clicked()'s bool, so no bool
        # object travels through the connection (a suspect in the one exit crash seen).
        def open_it() -> None:
            self.open_report(code, **options)

        return open_it

    def _wire_import(self, models) -> None:
        """ "Nhập từ Excel…" on the list; its arrow offers the blank form to send to units."""
        from PySide6.QtWidgets import QMenu, QToolButton

        button = QToolButton(models)
        button.setText("Nhập từ Excel…")
        button.setToolTip(
            "Nhập danh sách đăng ký các đơn vị gửi lên (xem trước trước khi ghi); "
            "mũi tên: tải mẫu đăng ký để gửi các đơn vị"
        )
        menu_button(button, QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        button.clicked.connect(self._open_import_clicked)
        menu = QMenu(button)
        menu.addAction("Tải mẫu đăng ký (Excel) để gửi các đơn vị…", self._save_import_template)
        self.followup_import_action = menu.addAction(
            "Nhập báo cáo tiến độ từ Excel…", lambda: self.open_followup_import()
        )
        menu.addSeparator()  # exchange packages between offices: see ui.exchange
        self.send_package_action = menu.addAction("Gửi báo cáo lên cấp trên…", lambda: self.open_send_package())
        self.receive_package_action = menu.addAction(
            "Nhận gói báo cáo của cấp dưới…", lambda: self.open_receive_package()
        )
        button.setMenu(menu)
        models.add_action_button(button)
        self.import_button = button

    def _save_import_template(self) -> None:
        from .importing import save_template  # the importer and its readers: loaded on first use, not at start

        save_template(self)

    def _open_import_clicked(self) -> None:
        self.open_import()

    def open_import(self, path=None):
        from .importing import ImportDialog

        dialog = ImportDialog(self, self.year)
        dialog.imported.connect(lambda _: (self.pages["models"].apply_filter(), self._models_changed()))
        if path is not None:
            dialog.load(path)
            dialog.show()
            return dialog
        dialog.choose_file()
        if dialog.path is not None:
            dialog.exec()
        return dialog

    @staticmethod
    def _open_preview(dialog, path):
        """Show a dialog that previews a file: on ``path``, or on the file the user picks (none: no dialog)."""
        if path is None:
            dialog.choose_file()
            if dialog.path is None:
                dialog.deleteLater()
                return None
        else:
            dialog.load(path)
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()  # modal to the window without a nested event loop
        return dialog

    def open_followup_import(self, path=None):
        """«Nhập báo cáo tiến độ từ Excel…»: the units' follow-up workbook, previewed before anything is written."""
        from .followup_import import FollowupImportDialog

        dialog = FollowupImportDialog(self, self.year)
        dialog.imported.connect(lambda _count: self._models_changed())
        return self._open_preview(dialog, path)

    def open_send_package(self):
        """«Gửi báo cáo lên cấp trên…»: the year shown, or the models selected in the list."""
        from desktop_app.services.models import rows_for_ids

        from .exchange.send_dialog import SendDialog

        models = self.pages.get("models")
        selected = rows_for_ids(models.selected_ids()) if models is not None else []
        dialog = SendDialog(self, self.year, self.year_choices(), selected)
        dialog.finished.connect(lambda _result: dialog.deleteLater())
        dialog.open()  # modal to the window without a nested event loop
        return dialog

    def open_receive_package(self, path=None):
        """«Nhận gói báo cáo của cấp dưới…»: choose the file (unless given), preview, merge."""
        from .exchange.receive_dialog import ReceiveDialog

        dialog = ReceiveDialog(self)
        dialog.received.connect(lambda _result: self._package_received())
        return self._open_preview(dialog, path)

    def _package_received(self) -> None:
        """Models, units, catalogue items and an office may have arrived: every page rereads, as after a restore
        from the trash."""
        self._records_restored()
        if "catalogues" in self.pages:  # its offices tab shows the package just received
            self.pages["catalogues"].refresh()

    def open_report(self, code: str, **options) -> None:
        self.show_page("reports")
        self.pages["reports"].select(code, **options)

    def restore_backup(self, source) -> None:
        """Close the database, put the backup in its place, reopen it and refresh every page."""
        from desktop_app.services.backup import restore_backup

        from . import messages
        from .errors import attempt

        if workspace.is_demo_open():  # the backup is the office's: never restore it over the demo file
            messages.warning(self, "Đang xem dữ liệu mẫu. Hãy quay về dữ liệu của cơ quan rồi mới phục hồi.")
            return
        self._release_worker_connection()
        database = storage.current()
        path = database.path
        database.close()
        result = None
        try:
            with attempt(self, "Phục hồi dữ liệu từ bản sao lưu") as outcome:  # refused or rolled back: data unchanged
                result = restore_backup(source, path)
        finally:
            # Reopening also finishes or rolls back a restore that could not settle itself.
            with attempt(self, "Mở lại tệp dữ liệu sau khi phục hồi") as reopened:
                storage.open_database(path)
        if not reopened.ok:
            return  # told why; there is no open file for the pages to reread
        self._reload_pages(keep_year=self.year)
        if outcome.ok and result is not None:  # success is said only after a restore that returned
            kept = (
                f"Dữ liệu trước khi phục hồi được giữ nguyên trong thư mục «{result.safety_copy}»."
                if result.safety_copy is not None
                else ""
            )
            messages.info(self, "Đã phục hồi dữ liệu từ bản sao lưu.", detail=kept)

    # --- office database / demo file
    def _release_worker_connection(self) -> None:
        """Wait for the worker and close its own connection, so the file can be closed, replaced or deleted."""
        from .worker import run_on_worker

        run_on_worker(workspace.close_thread_connection)

    def open_demo(self):
        """Open the demo file in place of the office database; fill it on the worker the first time.

        Returns the filling job (None when nothing had to be loaded or the demo is already open).
        """
        from .errors import attempt
        from .worker import run_job, show_error

        if workspace.is_demo_open():
            return None
        self._release_worker_connection()
        with attempt(self, "Mở dữ liệu mẫu") as outcome:
            workspace.switch_to_demo()
        if not outcome.ok:  # the office database is reopened, the user told why
            workspace.switch_to_office()
            self._after_switch()
            return None
        if not workspace.demo_needs_filling():
            self._after_switch()
            return None
        # Until the demo is loaded the pages must not query or write (the appraisal page creates the
        # year's criteria sets): they stay as they were, disabled, and are reloaded once it is done.
        self._set_busy(True)
        self._show_workspace()

        def fill(task):
            try:
                return workspace.fill_demo(task)
            except Cancelled:
                return False

        def done(result) -> None:
            self._set_busy(False)
            if result is False:  # cancelled: nothing half-loaded stays on screen
                self.switch_to_office()
                return
            self._after_switch()

        def failed(exc: BaseException) -> None:
            self._set_busy(False)
            show_error(self, exc, "Tạo dữ liệu mẫu")
            self.switch_to_office()

        return run_job(
            self, fill, title="Dữ liệu mẫu", label="Đang tạo dữ liệu mẫu (tệp riêng)…", on_done=done, on_error=failed
        )

    def switch_to_office(self) -> None:
        """Close the demo and reopen the office database; a never configured office is set up now."""
        from .errors import attempt

        if not workspace.is_demo_open():
            return
        self._release_worker_connection()
        with attempt(self, "Quay về dữ liệu của cơ quan") as outcome:
            workspace.switch_to_office()
        if not outcome.ok:  # the demo stays open so the window keeps working
            return
        self._after_switch()
        if not settings.is_configured():
            self._first_setup()

    def _first_setup(self) -> None:
        """The user looked at the demo before entering the office's details: ask for them now."""
        from .setup_dialog import SetupDialog

        dialog = SetupDialog(self, offer_demo=False)
        if dialog.exec():
            self._reload_pages()
        else:
            self.show_page("settings")
            self.statusBar().showMessage("Hãy nhập thông tin cơ quan trong mục Cài đặt.", 10000)

    def _set_busy(self, busy: bool) -> None:
        self.centralWidget().setEnabled(not busy)
        self.toolbar.setEnabled(not busy)

    def _after_switch(self) -> None:
        self._show_workspace()
        self.year = 0  # the other file has its own years: start from its current year
        self._reload_pages()
        self.database_switched.emit()

    def _show_workspace(self) -> None:
        demo = workspace.is_demo_open()
        self.demo_banner.setVisible(demo)
        self.setWindowTitle(f"{APP_NAME} — DỮ LIỆU MẪU" if demo else APP_NAME)
        path = storage.current().path
        self.file_label.setText(f"Dữ liệu mẫu: {path}" if demo else f"Tệp dữ liệu: {path}")

    def _reload_pages(self, keep_year: int | None = None) -> None:
        """Every page rereads the open database (after a restore or a switch of file)."""
        for page in self.pages.values():
            for name in ("reload_catalogues", "reload"):
                if hasattr(page, name):
                    getattr(page, name)()
        self.reload_years(keep=keep_year)
        current = self.stack.currentWidget()
        if hasattr(current, "refresh"):
            current.refresh()

    def show_filtered_list(self, field_id, kind, status) -> None:
        self.show_page("models")
        self.pages["models"].show_filtered(field_id=field_id, kind=kind, status=status)

    def _models_changed(self) -> None:
        self.reload_years(keep=self.year)
        if "dashboard" in self.pages:
            self.pages["dashboard"].refresh()

    def _records_restored(self) -> None:
        """Something came back from the trash: a model, a unit or a council member; the pages that show them reread.

        Not the settings page (its unsaved edits stay) nor the trash itself (it reread already).
        """
        for key, page in self.pages.items():
            if key in ("settings", "trash"):
                continue
            for name in ("reload_catalogues", "reload"):
                if hasattr(page, name):
                    getattr(page, name)()
        self.reload_years(keep=self.year)  # also every page's set_year: the model list refilters
        if "dashboard" in self.pages:
            self.pages["dashboard"].refresh()

    def _document_produced(self, code: str) -> None:
        statistics.record_document(self.year, code)
        if "dashboard" in self.pages:
            self.pages["dashboard"].refresh()

    def _office_changed(self) -> None:
        self.office_label.setText(settings.get_office().name)
        self.reload_years(keep=self.year)  # the office's current year may be a new one

    # --- year
    def reload_years(self, keep: int | None = None) -> None:
        """Rebuild the year list from the core; the selection stays if that year still has data."""
        office = settings.get_office()
        self.office_label.setText(office.name)
        years = workspace.available_years()
        wanted = keep or self.year
        if wanted not in years:
            wanted = office.current_year if office.current_year in years else years[0]
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in years:
            self.year_combo.addItem(str(year), year)
        self.year_combo.blockSignals(False)
        self.set_year(wanted)

    def year_choices(self) -> list[int]:
        return [self.year_combo.itemData(i) for i in range(self.year_combo.count())]

    def set_year(self, year: int) -> None:
        index = self.year_combo.findData(year)
        if index < 0:
            self.year_combo.addItem(str(year), year)
            index = self.year_combo.findData(year)
        self.year_combo.blockSignals(True)
        self.year_combo.setCurrentIndex(index)
        self.year_combo.blockSignals(False)
        self._apply_year(year)

    def _year_selected(self, index: int) -> None:
        year = self.year_combo.itemData(index)
        if year:
            self._apply_year(year)

    def _apply_year(self, year: int) -> None:
        self.year = year
        for page in self.pages.values():
            page.set_year(year)
        self.year_changed.emit(year)

    # --- pages
    def go_to_step(self, step: str) -> None:
        """The first screen's "where to start" buttons."""
        if step == "units" and "catalogues" in self.pages:
            self.show_page("catalogues")
            catalogues = self.pages["catalogues"]
            catalogues.setCurrentWidget(catalogues.units_tab)
        elif step == "add_model" and "models" in self.pages:
            self.show_page("models")
            self.pages["models"].add_model()
        elif step == "import" and "models" in self.pages:
            self.show_page("models")
            self.open_import()
        elif step == "receive_package":
            self.open_receive_package()
        elif step == "send_package":
            self.open_send_package()
        elif step == "demo":
            self.open_demo()
        elif step in self.pages:
            self.show_page(step)

    def show_page(self, key: str) -> None:
        for row in range(self.nav.count()):
            if self.nav.item(row).data(Qt.ItemDataRole.UserRole) == key:
                self.nav.setCurrentRow(row)
                return

    def current_page_key(self) -> str:
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else ""

    def _page_selected(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        page = self.stack.currentWidget()
        if hasattr(page, "refresh"):
            page.refresh()

    # --- remembered state
    def _restore_state(self) -> None:
        window_geometry.restore(self, self.qsettings)  # per screen; never off every screen
        splitter = self.qsettings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        # The page in front has just been loaded for the year (reload_years): it is not loaded a second time,
        # and another remembered page is loaded once, now (the pages behind waited, see ui/pages/showing.py).
        loaded = self.stack.currentWidget()
        self.nav.blockSignals(True)
        self.show_page(str(self.qsettings.value("window/page", "dashboard")))
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)
        self.nav.blockSignals(False)
        self.stack.setCurrentIndex(self.nav.currentRow())
        page = self.stack.currentWidget()
        if page is not loaded and hasattr(page, "refresh"):
            page.refresh()

    def save_state(self) -> None:
        window_geometry.save(self, self.qsettings)
        self.qsettings.setValue("window/splitter", self.splitter.saveState())
        self.qsettings.setValue("window/page", self.current_page_key())

    # --- automatic backups (ui.app.run turns them on; see ui.autobackups)
    DAILY_CHECK_MS = 5 * 60 * 1000
    FIRST_CHECK_MS = 30 * 1000

    def _start_automatic_backups(self) -> None:
        self.clock: Callable[[], datetime] = datetime.now  # tests give their own: nothing waits for a real day
        self._close_backup = "pending"  # → "running" while the backup on close is made → "done"
        self.backup_timer = QTimer(self)
        self.backup_timer.setInterval(self.DAILY_CHECK_MS)
        self.backup_timer.timeout.connect(self.daily_backup_tick)
        if autobackups.enabled():
            self.backup_timer.start()
            # The first look soon after the window opens, not five minutes later: a clerk who opens the program
            # for ten minutes a day still gets the day's backup.  Not at once: the start stays quick.
            QTimer.singleShot(self.FIRST_CHECK_MS, self, self.daily_backup_tick)
            # The same switch as the backups: the program empties old trash once a start, a test window never.
            QTimer.singleShot(self.TRASH_PURGE_MS, self, self.purge_old_trash)

    TRASH_PURGE_MS = 10 * 1000

    def purge_old_trash(self) -> Job | None:
        """Once after start: what lay in the trash longer than Cài đặt allows is emptied, on the worker."""
        from desktop_app.history import trash

        from .worker import run_job

        # Not under a modal dialog (a restore may be about to close the file) nor while closing: a little later.
        if QApplication.activeModalWidget() is not None or self._close_backup != "pending":
            if self._close_backup == "pending":
                QTimer.singleShot(self.TRASH_PURGE_MS, self, self.purge_old_trash)
            return None
        return run_job(
            self,
            lambda task: trash.purge_expired(self.clock().date()),
            progress=False,
            on_done=self._old_trash_purged,
            on_error=lambda exc: self._housekeeping_bug(exc, "Dọn thùng rác"),
        )

    def _old_trash_purged(self, removed: int) -> None:
        if removed:
            self.statusBar().showMessage(f"Đã tự động xóa hẳn {removed} mục để quá lâu trong thùng rác.", 10000)
            if self.current_page_key() == "trash":
                self.pages["trash"].reload()

    def _housekeeping_bug(self, exc: BaseException, action: str) -> None:
        from . import errors

        errors.log_failure(exc, action)
        self.statusBar().showMessage(errors.user_message(exc, action), 60000)

    def daily_backup_tick(self) -> Job | None:
        """Every few minutes: the daily backup, if today has none yet, made on the worker (never on this thread)."""
        from desktop_app.services import autobackup

        from .worker import run_job

        # A modal dialog open (a restore asking, a message) or the window closing: try again at the next tick.
        if QApplication.activeModalWidget() is not None or self._close_backup != "pending":
            return None
        return run_job(
            self,
            lambda task: autobackup.daily(task, now=self.clock()),
            progress=False,
            on_done=self._daily_backup_done,
            on_error=lambda exc: self._backup_bug(exc),
        )

    def _daily_backup_done(self, outcome: Outcome | None) -> None:
        if outcome is None:  # not due
            return
        if outcome.warning:
            self.statusBar().showMessage(outcome.warning, 60000)
        elif outcome.path is not None:
            self.statusBar().showMessage(f"Đã sao lưu tự động hằng ngày: {outcome.path.name}", 10000)

    def _backup_bug(self, exc: BaseException) -> None:
        from . import errors

        errors.log_failure(exc, "Sao lưu tự động")
        self.statusBar().showMessage(errors.user_message(exc, "Sao lưu tự động"), 60000)

    def _backup_before_close(self, event: QCloseEvent) -> bool:
        """True when the close waits for the automatic backup, made on the worker; the window closes after it."""
        from desktop_app.services import autobackup

        from . import messages
        from .worker import run_job

        if not autobackups.enabled() or self._close_backup == "done":
            return False
        event.ignore()
        if self._close_backup == "running":  # closed again while it runs
            return True
        self._close_backup = "running"
        self.backup_timer.stop()

        def finish(outcome: Outcome) -> None:
            self._close_backup = "done"
            if outcome.warning and not outcome.skipped:  # the one moment the user can still learn it
                messages.warning(self, outcome.warning)
            self.close()

        def failed(exc: BaseException) -> None:
            self._backup_bug(exc)
            self._close_backup = "done"
            self.close()

        run_job(
            self,
            lambda task: autobackup.try_automatic("dong", task, now=self.clock()),
            title="Sao lưu tự động",
            label="Đang sao lưu tự động trước khi đóng chương trình…",
            on_done=finish,
            on_error=failed,
        )
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        from .worker import wait_all

        if self._backup_before_close(event):
            return
        self.save_state()
        # A job still writing must finish before the program goes on to close the database.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            wait_all()
        finally:
            QApplication.restoreOverrideCursor()
        super().closeEvent(event)
        if event.isAccepted():
            self.closed.emit()
