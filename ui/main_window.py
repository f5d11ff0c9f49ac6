"""The main window: navigation bar, a year selector that applies everywhere, a status bar."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QSettings, QSize, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (QComboBox, QLabel, QListWidget, QListWidgetItem, QMainWindow, QSplitter,
                               QStackedWidget, QToolBar, QWidget)

from desktop_app import APP_NAME
from desktop_app.services import settings
from desktop_app.services.models import years as model_years
from desktop_app.storage import database as storage


@dataclass
class PageSpec:
    key: str
    title: str
    factory: Callable[["MainWindow"], QWidget]


def default_pages() -> list[PageSpec]:
    """The navigation entries, in order.  A later screen replaces its entry's factory here."""
    from .pages.catalogues import CataloguesPage
    from .pages.dashboard import DashboardPage
    from .pages.model_list import ModelListPage
    from .pages.settings_page import SettingsPage
    from .pages.appraisal import AppraisalPage
    from .pages.recognition import RecognitionPage
    from .pages.reports import ReportsPage
    return [
        PageSpec("dashboard", "Tổng quan", lambda w: DashboardPage(w)),
        PageSpec("models", "Mô hình - điển hình", lambda w: ModelListPage(w)),
        PageSpec("appraisal", "Đánh giá", lambda w: AppraisalPage(w)),
        PageSpec("recognition", "Công nhận", lambda w: RecognitionPage(w)),
        PageSpec("reports", "Báo cáo", lambda w: ReportsPage(w)),
        PageSpec("catalogues", "Danh mục", lambda w: CataloguesPage(w)),
        PageSpec("settings", "Cài đặt", lambda w: SettingsPage(w)),
    ]


class MainWindow(QMainWindow):
    year_changed = Signal(int)

    def __init__(self, pages: list[PageSpec] | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.qsettings = QSettings("SoDanVanKheo", "SoDanVanKheo")
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

        self.nav = QListWidget(self)
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setStyleSheet("QListWidget { font-size: 11pt; } QListWidget::item { padding: 8px 10px; }")
        self.stack = QStackedWidget(self)
        self.pages: dict[str, QWidget] = {}
        for spec in pages or default_pages():
            page = spec.factory(self)
            self.pages[spec.key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(spec.title)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._page_selected)
        self.nav.setMinimumWidth(170)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.splitter = QSplitter(self)
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([190, 1000])
        self.setCentralWidget(self.splitter)
        self.statusBar().showMessage(f"Tệp dữ liệu: {storage.current().path}")
        self._wire_pages()
        self.reload_years()
        self._restore_state()

    # --- wiring between pages
    def _wire_pages(self) -> None:
        dashboard, models = self.pages.get("dashboard"), self.pages.get("models")
        if dashboard is not None and models is not None:
            dashboard.open_list.connect(self.show_filtered_list)
            models.changed.connect(self._models_changed)
        recognition = self.pages.get("recognition")
        if recognition is not None:
            recognition.changed.connect(self._models_changed)
            if models is not None:
                recognition.changed.connect(models.apply_filter)
        catalogues = self.pages.get("catalogues")
        if catalogues is not None and models is not None:
            catalogues.changed.connect(models.reload_catalogues)
        if models is not None:
            self._wire_import(models)
        if "reports" in self.pages:
            self._wire_reports(models, recognition)
        settings_page = self.pages.get("settings")
        if settings_page is not None:
            settings_page.office_saved.connect(self._office_changed)
            settings_page.restore_requested.connect(self.restore_backup)

    def _wire_reports(self, models, recognition) -> None:
        """Print buttons on the list and decision screens open the Báo cáo screen on their document."""
        from PySide6.QtWidgets import QMenu, QPushButton, QToolButton
        if models is not None:
            button = QToolButton(models)
            button.setText("In…")
            button.setToolTip("Xem trước, in, lưu PDF hoặc Excel")
            button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            menu = QMenu(button)
            menu.addAction("Danh sách đăng ký của năm…", lambda: self.open_report("registrations"))
            menu.addAction("Hồ sơ mô hình đang chọn (kèm hình ảnh)…", lambda: self.open_report(
                "dossier", model_id=next(iter(models.selected_ids()), None)))
            button.setMenu(menu)
            models.extra_actions.insertWidget(models.extra_actions.count() - 2, button)
            self.print_menu_button = button
        if recognition is not None and hasattr(recognition, "buttons_row"):
            for label, code, options in (("In danh sách công nhận…", "recognition", {"proposal": False}),
                                         ("In danh sách đề nghị…", "recognition", {"proposal": True}),
                                         ("In giấy khen…", "certificates", {})):
                button = QPushButton(label, recognition)
                button.clicked.connect(lambda _=False, c=code, o=options: self.open_report(c, **o))
                recognition.buttons_row.insertWidget(recognition.buttons_row.count() - 1, button)

    def _wire_import(self, models) -> None:
        """"Nhập từ Excel…" on the list; its arrow offers the blank form to send to units."""
        from PySide6.QtWidgets import QMenu, QToolButton
        from .importing import save_template
        button = QToolButton(models)
        button.setText("Nhập từ Excel…")
        button.setToolTip("Nhập danh sách đăng ký các đơn vị gửi lên (xem trước trước khi ghi); "
                          "mũi tên: tải mẫu đăng ký để gửi các đơn vị")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        button.clicked.connect(lambda: self.open_import())
        menu = QMenu(button)
        menu.addAction("Tải mẫu đăng ký (Excel) để gửi các đơn vị…", lambda: save_template(self))
        button.setMenu(menu)
        models.extra_actions.insertWidget(models.extra_actions.count() - 2, button)
        self.import_button = button

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

    def open_report(self, code: str, **options) -> None:
        self.show_page("reports")
        self.pages["reports"].select(code, **options)

    def restore_backup(self, source) -> None:
        """Close the database, put the backup in its place, reopen it and refresh every page."""
        from desktop_app.services.backup import restore_backup
        from . import messages
        from .worker import show_error, wait_all
        wait_all()
        database = storage.current()
        path = database.path
        database.close()
        try:
            restore_backup(source, path)
        except Exception as exc:  # noqa: BLE001 - the previous state was put back
            show_error(self, exc)
        finally:
            storage.open_database(path)
        for page in self.pages.values():
            for name in ("reload_catalogues", "reload"):
                if hasattr(page, name):
                    getattr(page, name)()
        self.reload_years()
        messages.info(self, "Đã phục hồi dữ liệu từ bản sao lưu.")

    def show_filtered_list(self, field_id, kind, status) -> None:
        self.show_page("models")
        self.pages["models"].show_filtered(field_id=field_id, kind=kind, status=status)

    def _models_changed(self) -> None:
        self.reload_years(keep=self.year)
        if "dashboard" in self.pages:
            self.pages["dashboard"].refresh()

    def _office_changed(self) -> None:
        self.office_label.setText(settings.get_office().issuing_body)

    # --- year
    def reload_years(self, keep: int | None = None) -> None:
        office = settings.get_office()
        self.office_label.setText(office.issuing_body)
        years = set(model_years())
        if office.current_year:
            years.add(office.current_year)
        target = keep or self.year or office.current_year or (max(years) if years else 0)
        years.update({target, target + 1} if target else set())
        self.year_combo.blockSignals(True)
        self.year_combo.clear()
        for year in sorted(years, reverse=True):
            self.year_combo.addItem(str(year), year)
        self.year_combo.blockSignals(False)
        self.set_year(target)

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
        geometry = self.qsettings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        splitter = self.qsettings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self.show_page(str(self.qsettings.value("window/page", "dashboard")))
        if self.nav.currentRow() < 0:
            self.nav.setCurrentRow(0)

    def save_state(self) -> None:
        self.qsettings.setValue("window/geometry", self.saveGeometry())
        self.qsettings.setValue("window/splitter", self.splitter.saveState())
        self.qsettings.setValue("window/page", self.current_page_key())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        super().closeEvent(event)
