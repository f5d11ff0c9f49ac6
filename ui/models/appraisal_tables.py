"""Read-only tables of the appraisal screens: criteria, council members, results."""
from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.appraisal.info import CriterionInfo, MemberInfo, ModelResult
from desktop_app.text import format_number


class _Table(QAbstractTableModel):
    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.items: list = []

    def set_items(self, items: list) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def cell(self, item, column: int):
        raise NotImplementedError

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.items):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.cell(self.items[index.row()], index.column())
        return self.extra(self.items[index.row()], index.column(), role)

    def extra(self, item, column: int, role: int):
        return None


class CriteriaTableModel(_Table):
    HEADERS = ("TT", "Tiêu chí", "Hướng dẫn chấm", "Điểm tối đa")

    def cell(self, item: CriterionInfo, column: int):
        return (str(item.order), item.text, item.guidance, format_number(item.max_points))[column]


class MembersTableModel(_Table):
    HEADERS = ("Họ và tên", "Chức vụ", "Vai trò trong hội đồng", "Lĩnh vực được phân công")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.field_names: dict[int, str] = {}

    def cell(self, item: MemberInfo, column: int):
        fields = ", ".join(self.field_names.get(f, "?") for f in item.field_ids) or "Tất cả lĩnh vực"
        return (item.name, item.title, item.role, fields)[column]


class ResultsTableModel(_Table):
    HEADERS = ("Hạng", "Tên mô hình, điển hình", "Lĩnh vực", "Điểm của từng thành viên", "Số phiếu",
               "Điểm TB", "Chênh lệch", "Xếp loại", "Công nhận", "Ghi chú")

    def cell(self, item: ModelResult, column: int):
        members = "; ".join(
            f"{s.member_name.split()[-1]}: " + ("xung đột" if s.excluded else
                                                 format_number(s.total) if s.complete else "thiếu")
            for s in item.scores)
        note = f"Hội đồng quyết định: {item.override_reason}" if item.override_reason else \
            ("Đã bỏ điểm cao nhất, thấp nhất" if item.trimmed else "")
        return (str(item.rank or ""), item.name, item.field, members, str(item.members),
                format_number(item.mean, 2) if item.mean is not None else "",
                format_number(item.spread) if item.spread is not None else "", item.grade,
                ("Tiêu biểu" if item.outstanding else "Có") if item.recognised else "Không", note)[column]

    def extra(self, item: ModelResult, column: int, role: int):
        if role == Qt.ItemDataRole.BackgroundRole and item.override_reason:
            return QBrush(QColor("#fff3c4"))
        if role == Qt.ItemDataRole.BackgroundRole and column == 6 and item.spread is not None and item.spread >= 15:
            return QBrush(QColor("#ffd2cc"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 4, 5, 6):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None
