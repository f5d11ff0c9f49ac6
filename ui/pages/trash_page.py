"""Thùng rác: deleted models, units and council members, kept whole until restored or emptied."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.history import trash
from desktop_app.history.trash import TrashEntry
from desktop_app.text import format_number, sort_key

from .. import messages
from ..autobackups import tell
from ..errors import attempt

COLUMNS = (
    ("kind", "Loại"),
    ("label", "Tên"),
    ("year", "Năm"),
    ("deleted_at", "Ngày xóa"),
    ("user", "Người xóa"),
    ("details", "Kèm theo"),
)
# How many names a message lists before it says "và N mục khác".
NAMES_SHOWN = 5


def deleted_text(entry: TrashEntry) -> str:
    return entry.deleted_at.strftime("%d/%m/%Y %H:%M")


def names_text(labels: list[str]) -> str:
    """«A», «B» và 3 mục khác: a message names what it did without growing past the screen."""
    shown = ", ".join(f"«{label}»" for label in labels[:NAMES_SHOWN])
    rest = len(labels) - NAMES_SHOWN
    return f"{shown} và {format_number(rest)} mục khác" if rest > 0 else shown


class TrashTableModel(QAbstractTableModel):
    """The trash entries, newest first until the user sorts by a column."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._entries: list[TrashEntry] = []

    def reload(self) -> None:
        self.beginResetModel()
        self._entries = trash.list_trash()
        self.endResetModel()

    def entry(self, row: int) -> TrashEntry:
        return self._entries[row]

    # --- Qt API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section][1]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        key = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, key)
        if role == Qt.ItemDataRole.ToolTipRole and key in ("label", "details"):
            # The name and what hangs on it may be elided in their columns.
            return f"{entry.label}\n{entry.details}" if entry.details else entry.label
        if role == Qt.ItemDataRole.TextAlignmentRole and key in ("year", "deleted_at"):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    @staticmethod
    def _text(entry: TrashEntry, key: str) -> str:
        if key == "kind":
            return entry.kind_label
        if key == "label":
            return entry.label
        if key == "year":
            return str(entry.year) if entry.year else ""
        if key == "deleted_at":
            return deleted_text(entry)
        if key == "user":
            return entry.user
        return entry.details

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][0]
        descending = order == Qt.SortOrder.DescendingOrder
        self.layoutAboutToBeChanged.emit()
        if key == "deleted_at":
            self._entries.sort(key=lambda e: e.deleted_at, reverse=descending)
        elif key == "year":
            self._entries.sort(key=lambda e: e.year or 0, reverse=descending)
        else:
            self._entries.sort(key=lambda e: sort_key(self._text(e, key)), reverse=descending)
        self.layoutChanged.emit()


class TrashPage(QWidget):
    changed = Signal()  # records came back: the other pages reread

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table_model = TrashTableModel(self)
        self.explain = QLabel(self)
        self.explain.setWordWrap(True)

        self.table = QTableView(self)
        self.table.setModel(self.table_model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 150), (2, 60), (3, 130), (4, 130), (5, 280)):
            self.table.setColumnWidth(column, width)
        self.table.selectionModel().selectionChanged.connect(self._update_actions)

        self.empty_label = QLabel(self)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setStyleSheet("color: #666; font-size: 11pt; padding: 40px;")

        self.restore_button = QPushButton("Khôi phục", self)
        self.restore_button.setToolTip("Đưa các mục đã chọn trở lại nguyên vẹn, cùng mọi thứ kèm theo")
        self.restore_button.clicked.connect(lambda _checked=False: self.restore_selected())
        self.delete_button = QPushButton("Xóa vĩnh viễn", self)
        self.delete_button.setToolTip("Xóa hẳn các mục đã chọn; không khôi phục được nữa")
        self.delete_button.clicked.connect(lambda _checked=False: self.delete_selected())
        self.empty_button = QPushButton("Dọn sạch thùng rác", self)
        self.empty_button.setToolTip("Xóa hẳn mọi mục trong thùng rác; không khôi phục được nữa")
        self.empty_button.clicked.connect(lambda _checked=False: self.empty_all())
        self.count_label = QLabel(self)
        buttons = QHBoxLayout()
        for button in (self.restore_button, self.delete_button, self.empty_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)

        layout = QVBoxLayout(self)
        layout.addWidget(self.explain)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label, 1)
        self.reload()

    # --- main window hooks
    def set_year(self, year: int) -> None:  # the trash holds every year
        pass

    def refresh(self) -> None:
        """Shown: something may have been deleted elsewhere since."""
        self.reload()

    def reload(self) -> None:
        self.table_model.reload()
        header = self.table.horizontalHeader()
        self.table_model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        days = trash.trash_days()
        kept = (
            f"Mục đã xóa được giữ {format_number(days)} ngày rồi tự động xóa hẳn"
            if days
            else "Thùng rác không tự dọn: mục đã xóa nằm đây đến khi xóa vĩnh viễn"
        )
        self.explain.setText(
            "Mô hình, điển hình, đơn vị và thành viên hội đồng đã xóa nằm ở đây cùng mọi thứ kèm theo (chỉ tiêu, "
            f"minh chứng, điểm chấm…). Chọn rồi bấm «Khôi phục» để đưa trở lại nguyên vẹn. {kept} "
            "(đổi trong mục «Cài đặt»)."
        )
        count = self.table_model.rowCount()
        self.empty_label.setText(
            "Thùng rác trống.\nMô hình, đơn vị hoặc thành viên hội đồng bị xóa sẽ nằm ở đây và có thể khôi phục."
        )
        self.table.setVisible(count > 0)
        self.empty_label.setVisible(count == 0)
        self.count_label.setText(f"{format_number(count)} mục" if count else "")
        self._update_actions()

    def selected_entries(self) -> list[TrashEntry]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table_model.entry(row) for row in rows]

    def _update_actions(self) -> None:
        selected = len(self.selected_entries())
        self.restore_button.setEnabled(selected > 0)
        self.delete_button.setEnabled(selected > 0)
        self.empty_button.setEnabled(self.table_model.rowCount() > 0)

    # --- actions
    def restore_selected(self) -> None:
        entries = self.selected_entries()
        if not entries:
            return
        restored: list[str] = []
        with attempt(self, "Khôi phục từ thùng rác") as outcome:
            restored = trash.restore([e.id for e in entries])
        self.reload()
        if not outcome.ok:
            return
        self.changed.emit()
        messages.info(self, f"Đã khôi phục {names_text(restored)}.", title="Khôi phục")

    def delete_selected(self) -> None:
        entries = self.selected_entries()
        if not entries:
            return
        if not messages.confirm(
            self,
            f"Xóa vĩnh viễn {names_text([e.label for e in entries])} cùng mọi thứ kèm theo? "
            "Sau khi xóa vĩnh viễn sẽ không khôi phục được nữa.",
            title="Xóa vĩnh viễn",
            danger=True,
            yes="Xóa vĩnh viễn",
            no="Không xóa",
        ):
            return
        with attempt(self, "Xóa vĩnh viễn") as outcome:
            removed = trash.empty([e.id for e in entries])
        self.reload()
        if outcome.ok:
            tell(self, f"Đã xóa vĩnh viễn {format_number(removed)} mục.", 5000)

    def empty_all(self) -> None:
        count = self.table_model.rowCount()
        if not count:
            return
        if not messages.confirm(
            self,
            f"Dọn sạch thùng rác: xóa vĩnh viễn cả {format_number(count)} mục đang nằm trong thùng rác? "
            "Sau khi dọn sẽ không khôi phục được nữa.",
            title="Dọn sạch thùng rác",
            danger=True,
            yes="Dọn sạch",
            no="Không",
        ):
            return
        with attempt(self, "Dọn sạch thùng rác") as outcome:
            removed = trash.empty(None)
        self.reload()
        if outcome.ok:
            tell(self, f"Đã dọn sạch thùng rác ({format_number(removed)} mục).", 5000)
