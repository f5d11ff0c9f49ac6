"""The office's history as a table, newest first, read 200 entries at a time as the view scrolls.

Paging is by keyset (the entries older than the last one shown), so the 50th page costs what the
first does.  A page's display strings are built when it is fetched, in one call to the core that
resolves every name of the page at once: painting never queries.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.history import display, queries
from desktop_app.history.display import Described
from desktop_app.history.queries import HistoryEntry, HistoryFilter

PAGE = 200
COLUMNS = ("Thời gian", "Người thực hiện", "Thao tác", "Loại bản ghi", "Bản ghi", "Nội dung thay đổi")
ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class HistoryTableModel(QAbstractTableModel):
    def __init__(self, parent=None, page: int = PAGE) -> None:
        super().__init__(parent)
        self._page = page
        self._filter = HistoryFilter()
        self._rows: list[Described] = []
        self._cells: list[tuple[str, ...]] = []
        self._more = False

    # --- loading
    def set_filter(self, flt: HistoryFilter) -> None:
        self._filter = flt
        self.reload()

    def current_filter(self) -> HistoryFilter:
        return self._filter

    def reload(self) -> None:
        """Start again from the newest entry (a filter changed, or something was recorded since)."""
        self.beginResetModel()
        self._rows, self._cells = [], []
        self._append(self._read(None))
        self.endResetModel()

    def _read(self, before_id: int | None) -> list[Described]:
        found = queries.entries(self._filter, limit=self._page, before_id=before_id)
        self._more = len(found) == self._page
        return display.describe(found)

    def _append(self, rows: list[Described]) -> None:
        self._rows.extend(rows)
        self._cells.extend(_cells(row) for row in rows)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent: Index = QModelIndex()) -> None:
        if parent.isValid() or not self._more or not self._rows:
            return
        rows = self._read(self._rows[-1].entry.id)
        if not rows:
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
        self._append(rows)
        self.endInsertRows()

    # --- reading
    def described(self, row: int) -> Described | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def entry(self, row: int) -> HistoryEntry | None:
        found = self.described(row)
        return found.entry if found is not None else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == len(COLUMNS) - 1:
            return self._rows[index.row()].text() or None
        if role == Qt.ItemDataRole.ForegroundRole and self._rows[index.row()].entry.undone:
            return Qt.GlobalColor.gray  # taken back since: still history, no longer the state
        if role == ENTRY_ROLE:
            return self._rows[index.row()].entry.id
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return section + 1

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _cells(row: Described) -> tuple[str, ...]:
    entry = row.entry
    return (
        display.when(entry),
        entry.user,
        entry.action_label,
        entry.kind_label,
        entry.label,
        row.summary,
    )
