"""Indicators (chỉ tiêu) as an editable table; numbers typed and shown the Vietnamese way, each indicator
filed under a category (loại chỉ tiêu) so that reports add like with like."""

from __future__ import annotations

import time
from dataclasses import replace

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QApplication,
    QComboBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from desktop_app.errors import ValidationError
from desktop_app.services.catalogues import CatalogueItem
from desktop_app.services.models import INDICATOR_COLUMNS, IndicatorData, category_unit_problem, indicator_amount
from desktop_app.text import clean, fold, format_number

COLUMNS = ("Chỉ tiêu", "Đơn vị tính", "Kế hoạch", "Đạt được", "Loại chỉ tiêu", "Ghi chú")
_ATTRS = ("name", "unit_of_measure", "target", "achieved", "category_id", "note")
_NUMERIC = {2, 3}
CATEGORY_COLUMN = 4
NO_CATEGORY = "(không cộng vào báo cáo)"
CATEGORY_HINT = (
    "Loại chỉ tiêu: báo cáo thống kê cộng các chỉ tiêu cùng loại với nhau. "
    "Để trống: chỉ tiêu vẫn ghi ở mô hình nhưng không cộng vào báo cáo."
)
# Columns by the attribute a core IndicatorError names.
COLUMN_OF = {attr: position for position, attr in enumerate(_ATTRS)} | {"category": CATEGORY_COLUMN}


class IndicatorTableModel(QAbstractTableModel):
    edited = Signal()
    # A Vietnamese message, with the row and column of the refused cell, when a typed amount
    # breaks the core's rule (not a number, negative, a percentage above 100).
    invalid = Signal(str, int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[IndicatorData] = []
        self._categories: dict[int, CatalogueItem] = {}

    def set_categories(self, items: list[CatalogueItem]) -> None:
        """The indicator categories, hidden ones included (an indicator may still be filed under one)."""
        self._categories = {item.id: item for item in items}
        if self._rows:
            self.dataChanged.emit(self.index(0, CATEGORY_COLUMN), self.index(len(self._rows) - 1, CATEGORY_COLUMN))

    def category_choices(self, current: int | None) -> list[CatalogueItem]:
        """What the cell's combo offers: the shown categories, and the cell's own even if hidden since."""
        return [item for item in self._categories.values() if item.active or item.id == current]

    def category_label(self, category_id: int | None) -> str:
        item = self._categories.get(category_id) if category_id else None
        if item is None:
            return ""
        return item.name if item.active else f"{item.name} (đã ẩn)"

    def set_rows(self, rows: list[IndicatorData]) -> None:
        self.beginResetModel()
        self._rows = [replace(r) for r in rows]
        self.endResetModel()

    def rows(self) -> list[IndicatorData]:
        return [replace(r) for r in self._rows]

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
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return CATEGORY_HINT if section == CATEGORY_COLUMN else None
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        value = getattr(self._rows[index.row()], _ATTRS[index.column()])
        if index.column() == CATEGORY_COLUMN:
            if role == Qt.ItemDataRole.DisplayRole:
                return self.category_label(value)
            if role == Qt.ItemDataRole.EditRole:
                return value  # the category's id, or None
            if role == Qt.ItemDataRole.ToolTipRole:
                item = self._categories.get(value) if value else None
                return f"Cộng vào «{item.name}» ({item.unit_of_measure})" if item else NO_CATEGORY
            return None
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
        if index.column() == CATEGORY_COLUMN:
            return self._set_category(index, value)
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

    def _refuse(self, index: QModelIndex | QPersistentModelIndex, message: str) -> bool:
        self.invalid.emit(
            f"Dòng {index.row() + 1}, cột «{COLUMNS[index.column()]}»: {message}", index.row(), index.column()
        )
        return False

    def _set_category(self, index: QModelIndex | QPersistentModelIndex, value: object) -> bool:
        """File the row under a category (an id, or a name as pasted), or under none (None, "", 0)."""
        row = self._rows[index.row()]
        item: CatalogueItem | None = None
        if isinstance(value, int) and value:
            item = self._categories.get(value)
            if item is None:
                return self._refuse(index, "loại chỉ tiêu đã chọn không còn trong danh mục; hãy chọn lại.")
        elif isinstance(value, str) and clean(value) and fold(value) != fold(NO_CATEGORY):
            key = fold(value)
            item = next((c for c in self._categories.values() if fold(c.name) == key), None)
            if item is None:
                return self._refuse(index, f"«{clean(value)}» không có trong danh mục loại chỉ tiêu.")
        if (item.id if item else None) == row.category_id:
            return True  # the combo closed on the value it opened with: nothing edited
        if item is not None:
            problem = category_unit_problem(row.name, row.unit_of_measure, item)
            if problem:
                return self._refuse(index, problem)
        row.category_id = item.id if item else None
        row.category = item.name if item else ""
        first = index
        if item is not None and not clean(row.unit_of_measure):
            row.unit_of_measure = item.unit_of_measure  # no unit written yet: the category says what it is
            first = self.index(index.row(), 1)
        self.dataChanged.emit(first, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
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


class CategoryCombo(QComboBox):
    """The category cell's editor.  Letters typed pick the first category whose name, without diacritics,
    starts with them ("ho t" → "Hộ thoát nghèo…"; Qt's own search compares marks and opens the list on a
    space), synchronously, so that a burst of keys ending in Enter lands where it was meant to."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._typed = ""
        self._last_key = 0.0

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        plain = not event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier)
        if plain and text and text.isprintable():
            now = time.monotonic()
            if now - self._last_key > QApplication.keyboardInputInterval() / 1000:
                self._typed = ""
            self._last_key = now
            self.search(self._typed + text)
            event.accept()
            return
        if event.key() == Qt.Key.Key_Backspace and self._typed:
            self.search(self._typed[:-1])
            event.accept()
            return
        super().keyPressEvent(event)

    def search(self, typed: str) -> bool:
        """Make current the first item whose folded name starts with ``typed`` (else contains it); False if none."""
        self._typed = typed
        key = fold(typed)
        if not key:
            return False
        names = [fold(self.itemText(row)) for row in range(self.count())]
        for test in (str.startswith, str.__contains__):
            for row, name in enumerate(names):
                if self.itemData(row) is not None and test(name, key):
                    self.setCurrentIndex(row)
                    return True
        return False


class CategoryDelegate(QStyledItemDelegate):
    """Edits the «Loại chỉ tiêu» column with a :class:`CategoryCombo`; Enter commits at once (Qt's own commit
    is queued, so keys typed after Enter would reach the combo still open)."""

    def __init__(self, model: IndicatorTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        combo = CategoryCombo(parent)
        combo.addItem(NO_CATEGORY, None)
        for item in self._model.category_choices(index.data(Qt.ItemDataRole.EditRole)):
            label = item.name if item.active else f"{item.name} (đã ẩn)"
            combo.addItem(f"{label} ({item.unit_of_measure})", item.id)
        combo.setToolTip(CATEGORY_HINT)
        # A choice made with the mouse counts at once, not when the cell loses the focus.
        combo.activated.connect(lambda _row: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(Qt.ItemDataRole.EditRole)), 0))

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, CategoryCombo) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not watched.view().isVisible():
                self.commitData.emit(watched)
                self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.NoHint)
                return True
        return super().eventFilter(watched, event)
