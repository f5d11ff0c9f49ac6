"""One member's score sheets as a spreadsheet: a row per model, a column per criterion."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from desktop_app.appraisal import scoring
from desktop_app.appraisal.aggregate import check_points, sheet_total
from desktop_app.appraisal.council import assigned_model_ids, conflicts, get_member
from desktop_app.appraisal.criteria import criteria_set_for
from desktop_app.appraisal.info import CriterionInfo
from desktop_app.errors import AppError, ValidationError
from desktop_app.services.models import ModelRow
from desktop_app.text import format_number

DIFFERENT = QBrush(QColor("#ffd2cc"))
EXCLUDED = QBrush(QColor("#e8e8e8"))


class ScoreGridModel(QAbstractTableModel):
    refused = Signal(str)   # why a typed value was not accepted
    saved = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.year = 0
        self.member_id: int | None = None
        self.keying = 1
        self.kind = "tap_the"
        self.criteria: list[CriterionInfo] = []
        self.models: list[ModelRow] = []
        self.values: list[dict[int, float | None]] = []
        self.first: list[dict[int, float | None]] = []
        self.excluded: set[int] = set()

    def load(self, year: int, member_id: int | None, kind: str, keying: int = 1) -> None:
        self.beginResetModel()
        self.year, self.member_id, self.kind, self.keying = year, member_id, kind, keying
        self.criteria = criteria_set_for(year, kind).criteria if year else []
        self.models, self.values, self.first, self.excluded = [], [], [], set()
        if member_id is not None:
            member = get_member(member_id)
            all_models = [m for m in scoring.models_to_score(year) if m.kind == kind]
            allowed = set(assigned_model_ids(member, [m.id for m in all_models]))
            self.models = [m for m in all_models if m.id in allowed]
            abstain = conflicts(year)
            self.excluded = {m.id for m in self.models if (member_id, m.id) in abstain}
            self.values = [scoring.sheet(year, member_id, m.id, keying) for m in self.models]
            self.first = [scoring.sheet(year, member_id, m.id, 1) for m in self.models] if keying == 2 else []
        self.endResetModel()

    # --- Qt API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.models)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.criteria) + 2

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if not 0 <= section < self.columnCount():
            return None
        if section == 0:
            return "Mô hình, điển hình" if role == Qt.ItemDataRole.DisplayRole else None
        if section == len(self.criteria) + 1:
            total = sum(c.max_points for c in self.criteria)
            return f"Tổng\n({format_number(total)})" if role == Qt.ItemDataRole.DisplayRole else None
        criterion = self.criteria[section - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"TC{criterion.order}\n(tối đa {format_number(criterion.max_points)})"
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{criterion.text}\n{criterion.guidance}"
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if 1 <= index.column() <= len(self.criteria) and self.models[index.row()].id not in self.excluded:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.models):
            return None
        row, column = index.row(), index.column()
        model = self.models[row]
        if column == 0:
            if role == Qt.ItemDataRole.DisplayRole:
                suffix = " — không chấm (xung đột lợi ích)" if model.id in self.excluded else ""
                return f"{model.name}{suffix}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{model.name}\n{model.unit}"
            return None
        if model.id in self.excluded and role == Qt.ItemDataRole.BackgroundRole:
            return EXCLUDED
        if column == len(self.criteria) + 1:
            if role == Qt.ItemDataRole.DisplayRole:
                total, complete = sheet_total(self.values[row], [c.id for c in self.criteria])
                return format_number(total) if complete else ""
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        criterion = self.criteria[column - 1]
        value = self.values[row].get(criterion.id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return "" if value is None else format_number(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self.first and value is not None:
            if self.first[row].get(criterion.id) != value:
                return DIFFERENT
        if role == Qt.ItemDataRole.ToolTipRole and self.first and value is not None:
            first = self.first[row].get(criterion.id)
            if first != value:
                return f"Lần 1: {'' if first is None else format_number(first)} — lần 2: {format_number(value)}"
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not (self.flags(index) & Qt.ItemFlag.ItemIsEditable):
            return False
        row, criterion = index.row(), self.criteria[index.column() - 1]
        try:
            points = check_points(value, criterion.max_points, f"tiêu chí {criterion.order}")
        except ValueError as exc:
            self.refused.emit(f"Dòng {row + 1}, TC{criterion.order}: {exc}.")
            return False
        values = dict(self.values[row])
        values[criterion.id] = points
        try:
            scoring.save_sheet(self.year, self.member_id, self.models[row].id, values, self.keying)
        except (ValidationError, AppError) as exc:
            self.refused.emit(str(exc))
            return False
        self.values[row] = values
        self.dataChanged.emit(self.index(row, 1), self.index(row, self.columnCount() - 1))
        self.saved.emit()
        return True

    def differences(self) -> int:
        if not self.first:
            return 0
        return sum(1 for row, values in enumerate(self.values) for cid, v in values.items()
                   if v is not None and self.first[row].get(cid) != v)
