"""The model list as a lazy table: it holds ids only and fetches rows in blocks as they are shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop_app.services.models import ModelFilter, ModelRow, query_ids, rows_for_ids

COLUMNS = (
    ("name", "Tên mô hình, điển hình"),
    ("kind", "Loại"),
    ("field", "Lĩnh vực"),
    ("unit", "Đơn vị thực hiện"),
    ("level", "Cấp"),
    ("status", "Trạng thái"),
    ("year", "Năm"),
)
BLOCK = 200
ID_ROLE = Qt.ItemDataRole.UserRole + 1
_LONG_TEXT = {"name", "field", "unit", "level"}
_DISPLAY, _TOOLTIP = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.ToolTipRole)
# The text of each column of a line: only the one asked for is computed.
_CELL: dict[str, Callable[[ModelRow], str]] = {
    "name": lambda row: row.name,
    "kind": lambda row: row.kind_label,
    "field": lambda row: row.field,
    "unit": lambda row: row.unit,
    "level": lambda row: row.level,
    "status": lambda row: row.status_label,
    "year": lambda row: str(row.year),
}


class ModelTableModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._ids: list[int] = []
        self._cache: dict[int, ModelRow] = {}
        # No query until a page says what to show: the page is built before its year is known, and a first
        # reload (and the view's first sort) over every year of a province archive read 100.000 ids, twice.
        self._filter: ModelFilter | None = None
        self._sort = ("name", False)

    # --- loading
    def set_filter(self, flt: ModelFilter) -> None:
        self._filter = flt
        self.reload()

    def reload(self) -> None:
        """Re-run the query (after a filter change, a save or a delete)."""
        if self._filter is None:
            return
        self.beginResetModel()
        self._ids = query_ids(self._filter, *self._sort)
        self._cache.clear()
        self.endResetModel()

    def refresh_rows(self, model_ids: list[int]) -> None:
        """Re-read some rows in place (after a status change) and tell the views."""
        for model_id in model_ids:
            self._cache.pop(model_id, None)
        positions = [self._ids.index(i) for i in model_ids if i in self._ids]
        if positions:
            self.dataChanged.emit(self.index(min(positions), 0), self.index(max(positions), self.columnCount() - 1))

    def _row(self, position: int) -> ModelRow | None:
        model_id = self._ids[position]
        row = self._cache.get(model_id)
        if row is None:
            start = (position // BLOCK) * BLOCK
            block = [i for i in self._ids[start : start + BLOCK] if i not in self._cache]
            for fetched in rows_for_ids(block):
                self._cache[fetched.id] = fetched
            row = self._cache.get(model_id)
        return row

    # --- Qt API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section][1]
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        # Qt asks for several roles of every painted cell (a thousand calls a page): the roles answered with
        # nothing are let go before anything else is looked at.
        if role == ID_ROLE:
            return self._ids[index.row()] if index.isValid() and 0 <= index.row() < len(self._ids) else None
        if role != _DISPLAY and role != _TOOLTIP:
            return None
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        row = self._row(index.row())
        if row is None:
            return None
        key = COLUMNS[index.column()][0]
        if role == _TOOLTIP and key not in _LONG_TEXT:
            return None  # the long names may be elided in their columns; the tooltip shows them whole
        value = _CELL[key](row)
        return None if role == _TOOLTIP and not value else value

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = (COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder)
        self.reload()

    # --- helpers for the page
    def model_id(self, row: int) -> int:
        return self._ids[row]

    def position_of(self, model_id: int) -> int:
        return self._ids.index(model_id) if model_id in self._ids else -1

    @property
    def ids(self) -> list[int]:
        return list(self._ids)
