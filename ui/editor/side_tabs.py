"""Editor tabs that work on a saved model: evidence files, status with history, links."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app import domain
from desktop_app.services import attachments
from desktop_app.services import status as status_service
from desktop_app.services.models import AttachmentInfo, ModelDetail, ModelFilter, StatusEntry, list_models
from desktop_app.text import format_date

from .. import messages
from ..errors import attempt
from ..status_change import date_field, picked, reset_to_today


class AttachmentListModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[AttachmentInfo] = []
        self._icons: dict[str, QIcon] = {}

    def set_items(self, items: list[AttachmentInfo]) -> None:
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> AttachmentInfo | None:
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.caption or item.original_name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.original_name} — {item.size // 1024 + 1} KB"
        if role == Qt.ItemDataRole.DecorationRole:
            if item.stored_name not in self._icons:
                pixmap = QPixmap(str(attachments.attachment_path(item.stored_name))) if item.is_image else QPixmap()
                self._icons[item.stored_name] = (
                    QIcon(
                        pixmap.scaled(
                            120, 90, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                        )
                    )
                    if not pixmap.isNull()
                    else QIcon.fromTheme("text-x-generic")
                )
            return self._icons[item.stored_name]
        return None


class HistoryModel(QAbstractTableModel):
    HEADERS = ("Ngày", "Từ trạng thái", "Sang trạng thái", "Lý do")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[StatusEntry] = []

    def set_rows(self, rows: list[StatusEntry]) -> None:
        self.beginResetModel()
        self._rows = list(reversed(rows))
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        entry = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 0:
            # The day it happened is what the record shows; when it was typed stays findable.
            return f"Ghi vào máy lúc {entry.changed_at.strftime('%H:%M')} ngày {format_date(entry.changed_at.date())}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return (
            format_date(entry.event_date),
            domain.status_label(entry.from_status) if entry.from_status else "(mới đăng ký)",
            domain.status_label(entry.to_status),
            entry.reason,
        )[index.column()]


class AttachmentsTab(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_id: int | None = None
        self.list_model = AttachmentListModel(self)
        self.view = QListView(self)
        self.view.setModel(self.list_model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setIconSize(QSize(120, 90))
        self.view.setGridSize(QSize(170, 140))
        self.view.setWordWrap(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.doubleClicked.connect(self.open_current)
        self.hint = QLabel("Ảnh, tài liệu minh chứng được chép vào thư mục dữ liệu, bên cạnh tệp dữ liệu.", self)
        self.hint.setWordWrap(True)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("Thêm tệp…", self)
        self.add_button.clicked.connect(self.add_files)
        open_button = QPushButton("Mở", self)
        open_button.clicked.connect(self.open_current)
        remove_button = QPushButton("Gỡ bỏ", self)
        remove_button.clicked.connect(self.remove_current)
        for button in (self.add_button, open_button, remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)

    def load(self, detail: ModelDetail | None) -> None:
        self.model_id = detail.row.id if detail else None
        self.list_model.set_items(detail.attachments if detail else [])
        self.add_button.setEnabled(self.model_id is not None)
        if self.model_id is None:
            self.hint.setText("Hãy lưu mô hình trước, sau đó thêm ảnh, tài liệu minh chứng.")

    def add_paths(self, paths: list[str]) -> None:
        for path in paths:
            with attempt(self, f"Thêm minh chứng «{Path(path).name}»"):
                attachments.add_attachment(self.model_id, Path(path))
        self.changed.emit()

    def add_files(self) -> None:
        if self.model_id is None:
            return
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            "Chọn tệp minh chứng",
            str(Path.home()),
            "Ảnh và tài liệu (*.jpg *.jpeg *.png *.bmp *.pdf *.doc *.docx *.xls *.xlsx);;Mọi tệp (*)",
        )
        if paths:
            self.add_paths(paths)

    def open_current(self) -> None:
        item = self.list_model.item(self.view.currentIndex().row())
        if item is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(attachments.attachment_path(item.stored_name))))

    def remove_current(self) -> None:
        item = self.list_model.item(self.view.currentIndex().row())
        if item is not None and messages.confirm(
            self, f"Gỡ tệp «{item.original_name}» khỏi mô hình?", danger=True, yes="Gỡ bỏ", no="Không"
        ):
            attachments.remove_attachment(item.id)
            self.changed.emit()


class StatusTab(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_id: int | None = None
        self.current = QLabel(self)
        self.next_combo = QComboBox(self)
        self.day = date_field(self)
        self.reason = QLineEdit(self)
        self.reason.setPlaceholderText("Bắt buộc khi trả lại hoặc hủy đăng ký")
        self.apply_button = QPushButton("Chuyển trạng thái", self)
        self.apply_button.clicked.connect(self.apply)
        self.history = HistoryModel(self)
        table = QTableView(self)
        table.setModel(self.history)
        table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        table.setColumnWidth(0, 130)
        table.setColumnWidth(1, 150)
        table.setColumnWidth(2, 150)
        table.verticalHeader().hide()
        form = QFormLayout()
        form.addRow("Trạng thái hiện tại:", self.current)
        form.addRow("Chuyển sang:", self.next_combo)
        form.addRow("Ngày:", self.day)
        form.addRow("Lý do:", self.reason)
        form.addRow("", self.apply_button)
        outcomes = " và ".join(f"«{domain.status_label(c)}»" for c in domain.STATUSES if c in domain.DECISION_ONLY)
        decision_hint = QLabel(f"{outcomes} được ghi theo quyết định công nhận, ở mục «{domain.DECISION_PAGE}».", self)
        decision_hint.setWordWrap(True)
        decision_hint.setStyleSheet("color: #555;")
        form.addRow("", decision_hint)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Lịch sử trạng thái:", self))
        layout.addWidget(table, 1)

    def load(self, detail: ModelDetail | None) -> None:
        model_id = detail.row.id if detail else None
        if model_id != self.model_id:  # a reload after a change keeps the day the clerk is working through
            reset_to_today(self.day)
        self.model_id = model_id
        status = detail.row.status if detail else domain.REGISTERED
        self.current.setText(f"<b>{domain.status_label(status)}</b>")
        self.next_combo.clear()
        for code in status_service.allowed_next(status):
            self.next_combo.addItem(domain.status_label(code), code)
        self.history.set_rows(detail.history if detail else [])
        enabled = self.model_id is not None
        for widget in (self.next_combo, self.day, self.reason, self.apply_button):
            widget.setEnabled(enabled)

    def apply(self) -> None:
        code = self.next_combo.currentData()
        if self.model_id is None or code is None:
            return
        with attempt(self, "Chuyển trạng thái") as outcome:
            status_service.change_status([self.model_id], code, self.reason.text(), event_date=picked(self.day))
        if not outcome.ok:
            return
        self.reason.clear()
        self.changed.emit()


class LinksTab(QWidget):
    """Links to last year's record (duy trì) or to the model this one replicates (nhân rộng)."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_id: int | None = None
        self.year = 0
        self.links: dict[str, int | None] = {"continues_id": None, "replicates_id": None}
        self.labels: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, title in (("continues_id", "Tiếp nối (duy trì) mô hình:"), ("replicates_id", "Nhân rộng từ mô hình:")):
            label = QLabel("(không có)", self)
            label.setWordWrap(True)
            self.labels[key] = label
            choose = QPushButton("Chọn…", self)
            choose.clicked.connect(lambda _=False, k=key: self.choose(k))
            clear = QPushButton("Bỏ liên kết", self)
            clear.clicked.connect(lambda _=False, k=key: self.set_link(k, None, "(không có)"))
            row = QHBoxLayout()
            row.addWidget(label, 1)
            row.addWidget(choose)
            row.addWidget(clear)
            form.addRow(title, row)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Gõ vài chữ của tên mô hình cần liên kết rồi bấm «Chọn…»")
        form.insertRow(0, "Tìm mô hình:", self.search)
        self.back_links = QLabel(self)
        self.back_links.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.back_links)
        layout.addStretch(1)

    def load(self, detail: ModelDetail | None, year: int) -> None:
        self.year = year
        self.model_id = detail.row.id if detail else None
        for key, link in (
            ("continues_id", detail.continues if detail else None),
            ("replicates_id", detail.replicates if detail else None),
        ):
            self.links[key] = link.id if link else None
            self.labels[key].setText(f"{link.name} — {link.unit} ({link.year})" if link else "(không có)")
        lines = []
        if detail and detail.continued_by:
            lines.append("Được duy trì ở: " + "; ".join(f"{m.name} ({m.year})" for m in detail.continued_by))
        if detail and detail.replicated_by:
            lines.append("Được nhân rộng ở: " + "; ".join(f"{m.name} — {m.unit}" for m in detail.replicated_by))
        self.back_links.setText("\n".join(lines))

    def set_link(self, key: str, model_id: int | None, text: str) -> None:
        self.links[key] = model_id
        self.labels[key].setText(text)
        self.edited.emit()

    def choose(self, key: str) -> None:
        rows = [r for r in list_models(ModelFilter(text=self.search.text())) if r.id != self.model_id][:300]
        if not rows:
            messages.info(self, "Không tìm thấy mô hình nào khớp với chữ đã gõ.")
            return
        labels = [f"{r.name} — {r.unit} ({r.year})" for r in rows]
        choice = messages.ask_item(self, "Chọn mô hình liên kết", "Mô hình:", labels)
        if choice is not None:
            self.set_link(key, rows[choice].id, labels[choice])
