"""Indicators (chỉ tiêu) as an editable table; numbers typed and shown the Vietnamese way."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop_app.errors import ValidationError
from desktop_app.services.models import INDICATOR_COLUMNS, IndicatorData, indicator_amount
from desktop_app.text import clean, format_number

COLUMNS = ("Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Đạt được", "Ghi chú")
_ATTRS = ("name", "unit_of_measure", "target", "achieved", "note")
_NUMERIC = {2, 3}
# Columns by the attribute a core IndicatorError names.
COLUMN_OF = {attr: position for position, attr in enumerate(_ATTRS)}


class IndicatorTableModel(QAbstractTableModel):
    edited = Signal()
    # A Vietnamese message, with the row and column of the refused cell, when a typed amount
    # breaks the core's rule (not a number, negative, a percentage above 100).
    invalid = Signal(str, int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[IndicatorData] = []

    def set_rows(self, rows: list[IndicatorData]) -> None:
        self.beginResetModel()
        self._rows = [IndicatorData(r.name, r.unit_of_measure, r.target, r.achieved, r.note, r.id) for r in rows]
        self.endResetModel()

    def rows(self) -> list[IndicatorData]:
        return [IndicatorData(r.name, r.unit_of_measure, r.target, r.achieved, r.note, r.id) for r in self._rows]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        value = getattr(self._rows[index.row()], _ATTRS[index.column()])
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if index.column() in _NUMERIC:
                return "" if value is None else format_number(value)
            return value or ""
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = self._rows[index.row()]
        if index.column() in _NUMERIC:
            attr = _ATTRS[index.column()]
            try:
                number = indicator_amount(clean(value), row.unit_of_measure, column=attr)
            except ValidationError as err:
                self.invalid.emit(
                    f"Dòng {index.row() + 1}, cột «{INDICATOR_COLUMNS[attr]}»: {err.message}",
                    index.row(),
                    index.column(),
                )
                return False
            setattr(row, attr, number)
        else:
            setattr(row, _ATTRS[index.column()], clean(value))
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.edited.emit()
        return True

    def add_row(self) -> int:
        position = len(self._rows)
        self.beginInsertRows(QModelIndex(), position, position)
        self._rows.append(IndicatorData(""))
        self.endInsertRows()
        self.edited.emit()
        return position

    def remove_row(self, position: int) -> None:
        if 0 <= position < len(self._rows):
            self.beginRemoveRows(QModelIndex(), position, position)
            del self._rows[position]
            self.endRemoveRows()
            self.edited.emit()
