"""Cài đặt: the office's details, the data file's location, backup and restore."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QFileDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget)

from desktop_app.errors import ValidationError
from desktop_app.logs import log_path
from desktop_app.services import backup, settings
from desktop_app.storage import database as storage

from .. import messages
from ..office_form import OfficeForm
from ..worker import run_job


class SettingsPage(QWidget):
    office_saved = Signal()
    restore_requested = Signal(Path)  # the main window closes the database, restores and reopens

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        office_box = QGroupBox("Thông tin cơ quan (in trên văn bản)", self)
        self.form = OfficeForm(office_box)
        save = QPushButton("Lưu thông tin cơ quan", office_box)
        save.clicked.connect(self.save_office)
        box_layout = QVBoxLayout(office_box)
        box_layout.addWidget(self.form)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(save)
        box_layout.addLayout(row)

        data_box = QGroupBox("Tệp dữ liệu", self)
        self.path_label = QLabel(data_box)
        self.path_label.setWordWrap(True)
        self.path_label.setTextInteractionFlags(self.path_label.textInteractionFlags() |
                                                self.path_label.textInteractionFlags().TextSelectableByMouse)
        open_folder = QPushButton("Mở thư mục dữ liệu", data_box)
        open_folder.clicked.connect(self.open_folder)
        backup_button = QPushButton("Sao lưu…", data_box)
        backup_button.clicked.connect(self.make_backup)
        restore_button = QPushButton("Phục hồi từ bản sao lưu…", data_box)
        restore_button.clicked.connect(self.choose_restore)
        buttons = QHBoxLayout()
        for button in (open_folder, backup_button, restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        data_layout = QVBoxLayout(data_box)
        data_layout.addWidget(self.path_label)
        data_layout.addLayout(buttons)
        log_label = QLabel(f"Nhật ký lỗi: {log_path()}", data_box)
        log_label.setStyleSheet("color: #666;")
        log_label.setWordWrap(True)
        data_layout.addWidget(log_label)

        layout = QVBoxLayout(self)
        layout.addWidget(office_box)
        layout.addWidget(data_box)
        layout.addStretch(1)
        self.reload()

    def set_year(self, year: int) -> None:  # the page does not depend on the year
        pass

    def reload(self) -> None:
        self.form.set_office(settings.get_office())
        database = storage.current()
        self.path_label.setText(f"Toàn bộ dữ liệu của cơ quan nằm trong tệp:\n{database.path}\n"
                                f"Minh chứng (ảnh, tài liệu) nằm trong thư mục: {database.files_dir}")

    def save_office(self) -> None:
        try:
            settings.save_office(self.form.office())
        except ValidationError as err:
            self.form.show_error(err)
            return
        self.form.clear_errors()
        self.window().statusBar().showMessage("Đã lưu thông tin cơ quan.", 5000)
        self.office_saved.emit()

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(storage.current().path.parent)))

    def make_backup(self) -> None:
        suggested = str(Path.home() / backup.default_backup_name())
        target, _ = QFileDialog.getSaveFileName(self, "Sao lưu dữ liệu", suggested, "Bản sao lưu (*.zip)")
        if target:
            self.backup_to(Path(target))

    def backup_to(self, target: Path):
        return run_job(self, lambda task: backup.create_backup(target, task), title="Sao lưu",
                       label="Đang sao lưu dữ liệu…",
                       on_done=lambda path: messages.info(self, f"Đã sao lưu toàn bộ dữ liệu vào:\n{path}"))

    def choose_restore(self) -> None:
        source, _ = QFileDialog.getOpenFileName(self, "Chọn bản sao lưu", str(Path.home()), "Bản sao lưu (*.zip)")
        if source and messages.confirm(
                self, "Phục hồi sẽ thay toàn bộ dữ liệu hiện tại bằng dữ liệu trong bản sao lưu. Dữ liệu hiện tại "
                      "được giữ lại bên cạnh với đuôi «.truoc-phuc-hoi». Tiếp tục?", danger=True,
                yes="Phục hồi", no="Không"):
            self.restore_requested.emit(Path(source))
