"""Read-only tables of the appraisal screens: criteria, council members, results."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from desktop_app.appraisal.info import CriterionInfo, MemberInfo, ModelResult
from desktop_app.appraisal.results import by_kind, kind_title
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
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
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
    """Results in one part per kind: a bold heading row per kind, then its models best rank first.

    Ranks are counted within a kind, so without the headings a collective "1" and an individual "1" would sit
    in the same column with nothing to tell them apart.  ``items`` holds the results in display order;
    :meth:`item_at` maps a table row to its result (None on a heading row).
    """

    HEADERS = (
        "Hạng",
        "Tên mô hình, điển hình",
        "Lĩnh vực",
        "Điểm của từng thành viên",
        "Số phiếu",
        "Điểm TB",
        "Chênh lệch",
        "Xếp loại",
        "Công nhận",
        "Ghi chú",
    )
    SECTION = QColor("#e8eef7")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[ModelResult | str] = []

    def set_items(self, items: list) -> None:
        self.beginResetModel()
        self.rows = []
        for kind, results in by_kind(list(items)):
            self.rows.append(f"{kind_title(kind)} ({len(results)}) — xếp hạng riêng")
            self.rows.extend(results)
        self.items = [row for row in self.rows if isinstance(row, ModelResult)]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def item_at(self, row: int) -> ModelResult | None:
        value = self.rows[row] if 0 <= row < len(self.rows) else None
        return value if isinstance(value, ModelResult) else None

    def section_rows(self) -> list[int]:
        """The heading rows, which the view spans across every column."""
        return [i for i, row in enumerate(self.rows) if not isinstance(row, ModelResult)]

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if index.isValid() and self.item_at(index.row()) is None:
            return Qt.ItemFlag.ItemIsEnabled  # a heading cannot be chosen for an override
        return super().flags(index)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if isinstance(row, ModelResult):
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                return self.cell(row, index.column())
            return self.extra(row, index.column(), role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return row if index.column() == 0 else ""
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(self.SECTION)
        return None

    def cell(self, item: ModelResult, column: int):
        members = "; ".join(
            f"{s.member_name.split()[-1]}: "
            + ("xung đột" if s.excluded else format_number(s.total) if s.complete else "thiếu")
            for s in item.scores
        )
        note = (
            f"Hội đồng quyết định: {item.override_reason}"
            if item.override_reason
            else ("Đã bỏ điểm cao nhất, thấp nhất" if item.trimmed else "")
        )
        return (
            str(item.rank or ""),
            item.name,
            item.field,
            members,
            str(item.members),
            format_number(item.mean, 2) if item.mean is not None else "",
            format_number(item.spread) if item.spread is not None else "",
            item.grade,
            ("Tiêu biểu" if item.outstanding else "Có") if item.recognised else "Không",
            note,
        )[column]

    def extra(self, item: ModelResult, column: int, role: int):
        if role == Qt.ItemDataRole.BackgroundRole and item.override_reason:
            return QBrush(QColor("#fff3c4"))
        if role == Qt.ItemDataRole.BackgroundRole and column == 6 and item.spread is not None and item.spread >= 15:
            return QBrush(QColor("#ffd2cc"))
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 4, 5, 6):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class PassingTableModel(_Table):
    """The models a decision recognises (or, before it, would recognise): what the Công nhận screen lists."""

    HEADERS = ("STT", "Tên mô hình, điển hình", "Đơn vị thực hiện", "Loại", "Điểm TB", "Xếp loại", "Ghi chú")

    def cell(self, item: ModelResult, column: int):
        note = "; ".join(
            n
            for n in ("Tiêu biểu" if item.outstanding else "", "Hội đồng quyết định" if item.override_reason else "")
            if n
        )
        return (
            "",
            item.name,
            item.unit,
            item.kind_short,
            format_number(item.mean, 2) if item.mean is not None else "",
            item.grade,
            note,
        )[column]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            index.isValid()
            and index.column() == 0
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= index.row() < len(self.items)
        ):
            return str(index.row() + 1)  # the running number, as on the printed list
        return super().data(index, role)

    def extra(self, item: ModelResult, column: int, role: int):
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 3, 4, 5):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None
