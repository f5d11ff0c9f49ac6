"""Cài đặt: the office's details, the data file's location, backup and restore, the demo file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import workspace
from desktop_app.errors import ValidationError
from desktop_app.history import record, trash
from desktop_app.logs import log_path
from desktop_app.services import autobackup, backup, settings
from desktop_app.storage import database as storage
from desktop_app.text import format_number

from .. import messages
from ..autobackups import backup_first, tell
from ..errors import attempt
from ..office_form import OfficeForm
from ..worker import Job, run_job


class SettingsPage(QWidget):
    office_saved = Signal()
    restore_requested = Signal(Path)  # the main window closes the database, restores and reopens
    demo_requested = Signal()  # the main window opens the demo file in place of the office's
    office_requested = Signal()  # ... and back

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
        self.path_label.setTextInteractionFlags(
            self.path_label.textInteractionFlags() | self.path_label.textInteractionFlags().TextSelectableByMouse
        )
        open_folder = QPushButton("Mở thư mục dữ liệu", data_box)
        open_folder.clicked.connect(self.open_folder)
        self.backup_button = backup_button = QPushButton("Sao lưu…", data_box)
        backup_button.clicked.connect(self.make_backup)
        self.restore_button = restore_button = QPushButton("Phục hồi từ bản sao lưu…", data_box)
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

        demo_box = QGroupBox("Dữ liệu mẫu", self)
        explain = QLabel(
            "Dữ liệu mẫu (các mô hình của huyện Lâm Hà năm 2023) nằm trong một tệp riêng, bên cạnh "
            "tệp dữ liệu của cơ quan: có thể xem thử, sửa, chấm điểm, in thử thoải mái mà không ảnh "
            "hưởng đến dữ liệu của cơ quan.",
            demo_box,
        )
        explain.setWordWrap(True)
        self.demo_label = QLabel(demo_box)
        self.demo_label.setWordWrap(True)
        self.demo_label.setStyleSheet("color: #666;")
        self.demo_button = QPushButton(demo_box)
        self.demo_button.clicked.connect(self._demo_clicked)
        self.delete_demo_button = QPushButton("Xóa dữ liệu mẫu", demo_box)
        self.delete_demo_button.clicked.connect(self.delete_demo)
        demo_buttons = QHBoxLayout()
        demo_buttons.addWidget(self.demo_button)
        demo_buttons.addWidget(self.delete_demo_button)
        demo_buttons.addStretch(1)
        demo_layout = QVBoxLayout(demo_box)
        demo_layout.addWidget(explain)
        demo_layout.addWidget(self.demo_label)
        demo_layout.addLayout(demo_buttons)

        # The office's two identities make the page taller than a 1366x768 screen: the whole page scrolls.
        content = QWidget(self)
        layout = QVBoxLayout(content)
        layout.addWidget(office_box)
        layout.addWidget(self._build_history_box())
        layout.addWidget(data_box)
        layout.addWidget(self._build_backups_box())
        layout.addWidget(demo_box)
        layout.addStretch(1)
        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)
        self.reload()

    def set_year(self, year: int) -> None:  # the page does not depend on the year
        pass

    def reload(self) -> None:
        self.form.set_office(settings.get_office())
        self.user_edit.setText(settings.get_value(record.USER_SETTING, "") or "")
        self.user_edit.setPlaceholderText(record.login_name())
        self.trash_days_spin.setValue(trash.trash_days())
        database = storage.current()
        demo = workspace.is_demo_open()
        if demo:
            self.path_label.setText(
                f"Đang mở tệp DỮ LIỆU MẪU:\n{database.path}\nDữ liệu của cơ quan vẫn nằm "
                f"nguyên trong tệp:\n{workspace.office_path()}"
            )
        else:
            self.path_label.setText(
                f"Toàn bộ dữ liệu của cơ quan nằm trong tệp:\n{database.path}\n"
                f"Minh chứng (ảnh, tài liệu) nằm trong thư mục: {database.files_dir}"
            )
        # Backing up or restoring the demo by mistake would look like acting on the office's data.
        for button in (self.backup_button, self.restore_button):
            button.setEnabled(not demo)
            button.setToolTip("Quay về dữ liệu của cơ quan để sao lưu, phục hồi." if demo else "")
        exists = workspace.demo_exists()
        self.demo_button.setText("Quay về dữ liệu của cơ quan" if demo else "Mở dữ liệu mẫu")
        self.delete_demo_button.setEnabled(exists and not demo)
        if demo:
            self.demo_label.setText("Đang xem dữ liệu mẫu. Thông tin cơ quan ở trên là của dữ liệu mẫu.")
        elif exists:
            self.demo_label.setText(f"Tệp dữ liệu mẫu: {workspace.demo_path()}")
        else:
            self.demo_label.setText("Chưa có tệp dữ liệu mẫu; bấm «Mở dữ liệu mẫu» để tạo.")

    def _demo_clicked(self) -> None:
        if workspace.is_demo_open():
            self.office_requested.emit()
        else:
            self.demo_requested.emit()

    def delete_demo(self) -> None:
        if not messages.confirm(
            self,
            "Xóa tệp dữ liệu mẫu? Dữ liệu của cơ quan không bị ảnh hưởng; lần sau bấm "
            "«Mở dữ liệu mẫu» sẽ tạo lại từ đầu.",
            yes="Xóa",
            no="Không",
        ):
            return
        with attempt(self, "Xóa dữ liệu mẫu") as outcome:
            workspace.delete_demo()
        self.reload()
        if outcome.ok:
            self.window().statusBar().showMessage("Đã xóa dữ liệu mẫu.", 5000)

    def save_office(self) -> None:
        try:
            settings.save_office(self.form.office())
        except ValidationError as err:
            self.scroll_area.ensureWidgetVisible(self.form.show_error(err))
            return
        self.form.clear_errors()
        self.form.set_office(settings.get_office())  # as stored: cleaned, with the default style it kept
        self.window().statusBar().showMessage("Đã lưu thông tin cơ quan.", 5000)
        self.office_saved.emit()

    # ------------------------------------------------------------ history and trash
    def _build_history_box(self) -> QGroupBox:
        box = QGroupBox("Lịch sử thay đổi và thùng rác", self)
        self.user_edit = QLineEdit(box)
        self.user_edit.setMaxLength(100)
        user_hint = QLabel(
            "Tên ghi vào lịch sử thay đổi bên cạnh mỗi lần thêm, sửa, xóa (ai đã làm). Để trống thì dùng tên "
            "đăng nhập máy tính (hiện mờ trong ô).",
            box,
        )
        user_hint.setWordWrap(True)
        user_hint.setStyleSheet("color: #666;")
        self.trash_days_spin = QSpinBox(box)
        self.trash_days_spin.setRange(0, 3650)
        self.trash_days_spin.setSuffix(" ngày")
        self.trash_days_spin.setSpecialValueText("không tự dọn")
        days_hint = QLabel(
            "Mục đã xóa nằm trong «Thùng rác» bấy nhiêu ngày rồi tự động xóa hẳn; 0 = không tự dọn.", box
        )
        days_hint.setWordWrap(True)
        days_hint.setStyleSheet("color: #666;")
        save = QPushButton("Lưu tên và số ngày", box)
        save.clicked.connect(lambda _checked=False: self.save_history_settings())
        self.user_edit.setMinimumWidth(360)
        self.trash_days_spin.setMinimumWidth(140)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Người sử dụng:", self.user_edit)
        form.addRow(user_hint)
        form.addRow("Tự động dọn thùng rác sau:", self.trash_days_spin)
        form.addRow(days_hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(save)
        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addLayout(row)
        return box

    def save_history_settings(self) -> bool:
        with attempt(self, "Lưu cài đặt lịch sử và thùng rác") as outcome:
            trash.set_trash_days(self.trash_days_spin.value())
            settings.set_value(record.USER_SETTING, self.user_edit.text().strip())
        if outcome.ok:
            tell(self, f"Từ nay lịch sử ghi tên «{record.current_user()}» cho các thay đổi.", 5000)
        return outcome.ok

    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(storage.current().path.parent)))

    def make_backup(self) -> None:
        suggested = str(Path.home() / backup.default_backup_name())
        target, _ = QFileDialog.getSaveFileName(self, "Sao lưu dữ liệu", suggested, "Bản sao lưu (*.zip)")
        if target:
            self.backup_to(Path(target))

    def backup_to(self, target: Path):
        return run_job(
            self,
            lambda task: backup.create_backup(target, task),
            title="Sao lưu",
            label="Đang sao lưu dữ liệu…",
            on_done=self._backed_up,
        )

    def _backed_up(self, path: Path) -> None:
        messages.saved(
            self, path, "Bản sao lưu chứa toàn bộ dữ liệu và minh chứng; hãy chép thêm ra USB hoặc máy khác."
        )

    def choose_restore(self) -> None:
        source, _ = QFileDialog.getOpenFileName(self, "Chọn bản sao lưu", str(Path.home()), "Bản sao lưu (*.zip)")
        if source:
            self.restore_from(Path(source))

    def restore_from(self, source: Path) -> None:
        """Confirm, make the automatic backup of the current data, then ask the main window to restore."""
        if messages.confirm(
            self,
            "Phục hồi sẽ thay toàn bộ dữ liệu hiện tại bằng dữ liệu trong bản sao lưu. Dữ liệu hiện tại "
            "được giữ lại bên cạnh, trong thư mục có đuôi «.truoc-phuc-hoi-» kèm ngày giờ. Tiếp tục?",
            danger=True,
            yes="Phục hồi",
            no="Không",
        ):
            backup_first(self, "phuc-hoi", lambda: self.restore_requested.emit(source))

    # ------------------------------------------------------------ automatic backups
    BACKUP_COLUMNS = ("Ngày giờ", "Lý do", "Dung lượng", "Số mô hình")

    def _build_backups_box(self) -> QGroupBox:
        box = QGroupBox("Sao lưu tự động", self)
        explain = QLabel(
            "Chương trình tự sao lưu khi đóng, mỗi ngày một lần khi đang mở, và trước khi nhập từ Excel, phục hồi, "
            f"ban hành quyết định, nâng cấp dữ liệu. Giữ bản mới nhất của {autobackup.KEEP_DAILY} ngày gần nhất và "
            f"của {autobackup.KEEP_MONTHLY} tháng gần nhất; bản sao lưu thủ công trong thư mục không bị xóa.",
            box,
        )
        explain.setWordWrap(True)
        self.backup_folder_label = QLabel(box)
        self.backup_folder_label.setWordWrap(True)
        self.backups_table = QTableWidget(0, len(self.BACKUP_COLUMNS), box)
        self.backups_table.setHorizontalHeaderLabels(list(self.BACKUP_COLUMNS))
        self.backups_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.backups_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.backups_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.backups_table.verticalHeader().setVisible(False)
        self.backups_table.horizontalHeader().setStretchLastSection(True)
        self.backups_table.setMinimumHeight(180)
        self.backup_now_button = QPushButton("Sao lưu ngay", box)
        self.backup_now_button.clicked.connect(self.backup_now)
        self.restore_selected_button = QPushButton("Phục hồi bản đã chọn…", box)
        self.restore_selected_button.clicked.connect(self.restore_selected)
        self.open_backups_button = QPushButton("Mở thư mục", box)
        self.open_backups_button.clicked.connect(self.open_backup_folder)
        self.change_folder_button = QPushButton("Đổi thư mục sao lưu…", box)
        self.change_folder_button.clicked.connect(self.change_backup_folder)
        buttons = QHBoxLayout()
        for button in (
            self.backup_now_button,
            self.restore_selected_button,
            self.open_backups_button,
            self.change_folder_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.addWidget(explain)
        layout.addWidget(self.backup_folder_label)
        layout.addWidget(self.backups_table)
        layout.addLayout(buttons)
        self.backup_entries: list[autobackup.BackupEntry] = []
        return box

    def refresh(self) -> None:
        """Shown: the list of backups is read again (on the worker: a USB stick can be slow)."""
        self.reload_backups()

    def reload_backups(self) -> Job | None:
        demo = workspace.is_demo_open()
        for button in (
            self.backup_now_button,
            self.restore_selected_button,
            self.open_backups_button,
            self.change_folder_button,
        ):
            button.setEnabled(not demo)
        if demo:  # the backups are the office's; the demo has none
            self.backup_folder_label.setText("Đang xem dữ liệu mẫu: quay về dữ liệu của cơ quan để xem bản sao lưu.")
            self._show_backups([])
            return None
        folder = autobackup.backup_folder()
        text = f"Thư mục sao lưu: {folder.path}"
        self.backup_folder_label.setText(f"{text}\n{folder.warning}" if folder.warning else text)
        self.backup_folder_label.setStyleSheet("color: #b00020;" if folder.warning else "")
        return run_job(self, lambda task: autobackup.list_backups(), progress=False, on_done=self._show_backups)

    def _show_backups(self, entries: list[autobackup.BackupEntry]) -> None:
        self.backup_entries = entries
        table = self.backups_table
        table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            models = f"LỖI: {entry.problem}" if entry.problem else format_number(entry.models)
            cells = (entry.when_text, entry.reason_label, entry.size_text, models)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(entry.path))
                table.setItem(row, column, item)
        table.resizeColumnsToContents()

    def selected_backup(self) -> autobackup.BackupEntry | None:
        rows = self.backups_table.selectionModel().selectedRows()
        return self.backup_entries[rows[0].row()] if rows else None

    def backup_now(self) -> Job:
        def done(outcome: autobackup.Outcome) -> None:
            if outcome.path is None:
                if outcome.warning and not outcome.skipped:
                    messages.warning(self, outcome.warning)
                return
            self.window().statusBar().showMessage(f"Đã sao lưu: {outcome.path.name}", 5000)
            if outcome.warning:  # written, but to the default folder: the chosen one is missing
                messages.warning(self, outcome.warning)
            self.reload_backups()

        return run_job(
            self,
            lambda task: autobackup.try_automatic("ngay", task),
            title="Sao lưu",
            label="Đang sao lưu dữ liệu…",
            on_done=done,
        )

    def restore_selected(self) -> None:
        entry = self.selected_backup()
        if entry is None:
            messages.info(self, "Hãy chọn một bản sao lưu trong danh sách.")
            return
        if entry.problem:
            messages.warning(self, entry.problem)
            return
        self.restore_from(entry.path)

    def open_backup_folder(self) -> None:
        folder = autobackup.backup_folder().path
        with attempt(self, "Mở thư mục sao lưu"):
            folder.mkdir(parents=True, exist_ok=True)
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def change_backup_folder(self) -> None:
        current = autobackup.backup_folder().path
        chosen = QFileDialog.getExistingDirectory(self, "Chọn thư mục sao lưu (có thể là ổ USB)", str(current))
        if chosen:
            self.set_backup_folder(Path(chosen))

    def set_backup_folder(self, folder: Path) -> None:
        with attempt(self, "Đổi thư mục sao lưu") as outcome:
            autobackup.set_folder(folder)
        if outcome.ok:
            self.window().statusBar().showMessage(f"Từ nay sao lưu vào thư mục: {folder}", 5000)
        self.reload_backups()
