"""Item models for the catalogues: units as a tree, fields / levels / unit kinds as lists, indicator categories
as a table (name and the unit their totals are given in)."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor

from desktop_app.services import catalogues, units
from desktop_app.services.catalogues import CatalogueItem
from desktop_app.services.statistics import NO_UNIT_KIND
from desktop_app.services.units import UnitInfo
from desktop_app.text import format_number

ID_ROLE = Qt.ItemDataRole.UserRole + 1
UNIT_COLUMNS = ("Đơn vị", "Loại đơn vị", "Cấp", "Số mô hình")


class _Node:
    __slots__ = ("children", "parent", "row", "unit")

    def __init__(self, unit: UnitInfo | None, parent: _Node | None, row: int) -> None:
        self.unit, self.parent, self.row = unit, parent, row
        self.children: list[_Node] = []


class UnitTreeModel(QAbstractItemModel):
    def __init__(self, parent=None, *, load: bool = True) -> None:
        super().__init__(parent)
        self._root = _Node(None, None, 0)
        if load:
            self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._root = _Node(None, None, 0)

        def build(parent: _Node, items: list[UnitInfo]) -> None:
            for row, unit in enumerate(items):
                node = _Node(unit, parent, row)
                parent.children.append(node)
                build(node, unit.children)

        build(self._root, units.unit_tree())
        self.endResetModel()

    def _node(self, index: QModelIndex | QPersistentModelIndex) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> QModelIndex:
        node = self._node(parent)
        if not (0 <= row < len(node.children) and 0 <= column < len(UNIT_COLUMNS)):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index=QModelIndex()):
        if not index.isValid():
            return QModelIndex()
        node = index.internalPointer().parent
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, 0, node)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return len(UNIT_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(UNIT_COLUMNS)
        ):
            return UNIT_COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        unit = index.internalPointer().unit
        if role == ID_ROLE:
            return unit.id
        if role == Qt.ItemDataRole.DisplayRole:
            # "Chưa phân loại" as the statistics report says it, so a unit missing its kind stands out.
            return (unit.name, unit.kind or NO_UNIT_KIND, unit.level, format_number(unit.model_count))[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1 and not unit.kind:
            return QColor("#8a5a00")
        if role == Qt.ItemDataRole.ToolTipRole:
            # The tree has no room for address and note; the pointer shows them without opening the unit.
            lines = [unit.name] + [
                f"{label}: {value}"
                for label, value in (
                    ("Loại đơn vị", unit.kind),
                    ("Cấp", unit.level),
                    ("Địa chỉ", unit.address),
                    ("Ghi chú", unit.note),
                )
                if value
            ]
            return "\n".join(lines)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def unit_at(self, index: QModelIndex) -> UnitInfo | None:
        return index.internalPointer().unit if index.isValid() else None

    def index_of(self, unit_id: int) -> QModelIndex:
        stack = list(self._root.children)
        while stack:
            node = stack.pop()
            if node.unit.id == unit_id:
                return self.createIndex(node.row, 0, node)
            stack.extend(node.children)
        return QModelIndex()


class CatalogueListModel(QAbstractListModel):
    def __init__(self, catalogue: str, parent=None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self._items: list[CatalogueItem] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._items = catalogues.list_items(self.catalogue, include_inactive=True)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.name if item.active else f"{item.name} (đã ẩn)"
        if role == ID_ROLE:
            return item.id
        return None

    def item(self, row: int) -> CatalogueItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None


class CatalogueTableModel(QAbstractTableModel):
    """A catalogue whose items carry a unit of measure (indicator categories): name, then unit."""

    COLUMNS = ("Tên", "Đơn vị tính")

    def __init__(self, catalogue: str, parent=None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self._items: list[CatalogueItem] = []
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._items = catalogues.list_items(self.catalogue, include_inactive=True)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 1:
                return item.unit_of_measure
            return item.name if item.active else f"{item.name} (đã ẩn)"
        if role == Qt.ItemDataRole.ForegroundRole and not item.active:
            return QColor("#777777")
        if role == ID_ROLE:
            return item.id
        return None

    def item(self, row: int) -> CatalogueItem | None:
        return self._items[row] if 0 <= row < len(self._items) else None
