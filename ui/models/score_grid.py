"""One member's score sheets as a spreadsheet: a row per model, a column per criterion.

A typed value is validated and shown inside ``setData``, so the view moves the cursor in the same event; its save
(a write the database makes durable on disk, ~20 ms) is queued on the database thread, where saves run one at a
time in the order typed.  Each save carries only the cells it changes, so one that fails takes nothing with it:
its cells go back to what is stored and the reason is shown beside the grid.  Reading the grid again, or leaving
it, first waits for the queued saves (:meth:`ScoreGridModel.flush`).  Progress is kept up to date incrementally:
the model says by how much the member's count of complete sheets changed instead of anyone recounting the
council on the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from desktop_app import domain
from desktop_app.appraisal import scoring
from desktop_app.appraisal.aggregate import check_points, sheet_total
from desktop_app.appraisal.criteria import criteria_set_for
from desktop_app.appraisal.info import CriterionInfo
from desktop_app.tasks import TaskState
from desktop_app.text import format_number

from .. import errors
from ..worker import run_job, wait_all

DIFFERENT = QBrush(QColor("#ffd2cc"))
EXCLUDED = QBrush(QColor("#e8e8e8"))

# The view asks for seven roles of every visible cell on every repaint (and an edit repaints the whole viewport
# twice, as focus goes to the editor and back), so data() and flags() answer from plain ints and prepared text.
_DISPLAY, _EDIT = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.EditRole)
_ALIGN, _BACKGROUND = int(Qt.ItemDataRole.TextAlignmentRole), int(Qt.ItemDataRole.BackgroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ROLES = frozenset({_DISPLAY, _EDIT, _ALIGN, _BACKGROUND, _TOOLTIP})
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_READ_ONLY = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _READ_ONLY | Qt.ItemFlag.ItemIsEditable

SAVE_ACTION = "Ghi điểm"

Cells = dict[int, dict[int, float | None]]  # row → {criterion id: points} of the cells a save changes


def parse_block(text: str) -> list[list[str]]:
    """Cells of a block copied from Excel or LibreOffice: rows end with a newline, cells are tab-separated.

    The line break after the last row (which spreadsheets always add) does not make an empty row.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    return [line.split("\t") for line in lines]


@dataclass
class PasteReport:
    saved_cells: int = 0
    refused: list[str] = field(default_factory=list)  # "Dòng 3, TC2: ..." per refused cell
    skipped_rows: list[int] = field(default_factory=list)  # 1-based rows not scored (conflict of interest)
    outside: int = 0  # cells beyond the last row or criterion

    def message(self) -> str:
        """What the user reads under the grid; empty when everything landed."""
        parts = list(self.refused)
        if self.skipped_rows:
            rows = ", ".join(str(r) for r in self.skipped_rows)
            parts.append(f"Bỏ qua dòng {rows}: thành viên không chấm (xung đột lợi ích).")
        if self.outside:
            parts.append(f"{self.outside} ô nằm ngoài bảng điểm nên không được dán.")
        return "\n".join(parts)


def _store(task: TaskState, year: int, member_id: int, cells: dict[int, dict[int, float | None]], keying: int) -> None:
    """On the database thread: the changed cells (model id → criterion id → points) of one save."""
    scoring.save_cells(year, member_id, cells, keying)


class ScoreGridModel(QAbstractTableModel):
    refused = Signal(str)  # why a typed value was not accepted, or why its save failed
    saved = Signal()  # a value was accepted (its save is queued)
    completion_changed = Signal(int)  # change in the member's number of complete sheets (first keying only)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.year = 0
        self.member_id: int | None = None
        self.keying = 1
        self.kind = domain.KIND_COLLECTIVE
        self.criteria: list[CriterionInfo] = []
        self.rows: list[scoring.GridModel] = []
        self.values: list[dict[int, float | None]] = []
        self.first: list[dict[int, float | None]] = []
        self.excluded: set[int] = set()
        self.locked_reason = ""
        self._texts: list[list[str]] = []  # per row: each criterion's points as shown, then the total
        self._stored: list[dict[int, float | None]] = []  # per row: the points as stored (loaded, then each save)
        self._pending: dict[tuple[int, int], int] = {}  # (row, criterion id) → queued saves that change it
        self._queued = 0  # saves queued and not answered yet
        self._outbox: list[tuple] = []  # saves not yet handed to the worker (see _queue)
        self._generation = 0  # which load a save was queued under: answers for an earlier grid are not applied

    def load(self, year: int, member_id: int | None, kind: str, keying: int = 1) -> None:
        """The member's whole grid from one service call (a few queries, none per model)."""
        self.flush()
        self.beginResetModel()
        self._generation += 1
        self._pending, self._queued = {}, 0
        self.year, self.member_id, self.kind, self.keying = year, member_id, kind, keying
        self.criteria, self.rows, self.values, self.first, self.excluded = [], [], [], [], set()
        self.locked_reason = ""
        try:
            if year and member_id is not None:
                grid = scoring.member_grid(year, member_id, kind, keying)
                self.criteria, self.rows, self.excluded = grid.criteria, grid.models, grid.excluded
                self.values, self.first, self.locked_reason = grid.values, grid.first, grid.locked_reason
            elif year:
                self.criteria = criteria_set_for(year, kind).criteria
        finally:
            self._texts = [self._row_texts(values) for values in self.values]
            self._stored = [dict(values) for values in self.values]
            self.endResetModel()

    def _row_texts(self, values: dict[int, float | None]) -> list[str]:
        total, complete = sheet_total(values, [c.id for c in self.criteria])
        return [format_number(values.get(c.id)) for c in self.criteria] + [format_number(total) if complete else ""]

    # --- Qt API
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

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
        return _EDITABLE if self.is_score_cell(index.row(), index.column()) and not self.locked_reason else _READ_ONLY

    def is_score_cell(self, row: int, column: int) -> bool:
        """A criterion cell of a model the member scores (not the name, the total, or an abstention)."""
        return 0 <= row < len(self.rows) and 0 < column <= len(self.criteria) and self.rows[row].id not in self.excluded

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY):
        if role not in _ROLES:
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self.rows):
            return None
        if column == 0:
            model = self.rows[row]
            if role == _DISPLAY:
                suffix = " — không chấm (xung đột lợi ích)" if model.id in self.excluded else ""
                return f"{model.name}{suffix}"
            if role == _TOOLTIP:
                return f"{model.name}\n{model.unit}"
            return None
        if not 0 < column <= len(self.criteria) + 1:
            return None
        if role in (_DISPLAY, _EDIT):
            return self._texts[row][column - 1]
        if role == _ALIGN:
            return _CENTER
        excluded = self.rows[row].id in self.excluded
        if role == _BACKGROUND and excluded:
            return EXCLUDED
        if not self.first or column > len(self.criteria) or excluded:
            return None
        criterion_id = self.criteria[column - 1].id
        value, first = self.values[row].get(criterion_id), self.first[row].get(criterion_id)
        if value is None or first == value:
            return None
        if role == _BACKGROUND:
            return DIFFERENT
        return f"Lần 1: {format_number(first)} — lần 2: {format_number(value)}"  # the tooltip

    def setData(self, index: QModelIndex | QPersistentModelIndex, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Validate and save one cell; False (and ``refused`` with row and criterion) when it is not accepted."""
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row, column = index.row(), index.column()
        if self.locked_reason and self.is_score_cell(row, column):
            self.refused.emit(self.locked_reason)
            return False
        if not self.flags(index) & Qt.ItemFlag.ItemIsEditable:
            return False
        criterion = self.criteria[column - 1]
        try:
            points = check_points(value, criterion.max_points, f"tiêu chí {criterion.order}")
        except ValueError as exc:
            self.refused.emit(f"Dòng {row + 1}, TC{criterion.order}: {exc}.")
            return False
        if self.values[row].get(criterion.id) != points:
            self._apply({row: {**self.values[row], criterion.id: points}})
            self._queue({row: {criterion.id: points}}, f"Dòng {row + 1}, TC{criterion.order}: ")
        self.saved.emit()
        return True

    def paste(self, top: int, left: int, block: list[list[str]]) -> PasteReport:
        """Fill cells from (top, left) rightward and downward; each cell is validated on its own.

        Valid cells of every row are saved together in one transaction; refused cells keep their value and are
        reported with their row and criterion; rows the member abstains on are skipped.
        """
        report = PasteReport()
        if self.locked_reason:
            report.refused.append(self.locked_reason)
            self.refused.emit(report.message())
            return report
        changed: Cells = {}
        for offset, cells in enumerate(block):
            row = top + offset
            if row >= len(self.rows):
                report.outside += sum(1 for c in cells if c.strip())
                continue
            if self.rows[row].id in self.excluded:
                report.skipped_rows.append(row + 1)
                continue
            for shift, text in enumerate(cells):
                column = left + shift
                if not 1 <= column <= len(self.criteria):
                    report.outside += 1 if text.strip() else 0
                    continue
                criterion = self.criteria[column - 1]
                try:
                    points = check_points(text, criterion.max_points, f"tiêu chí {criterion.order}")
                except ValueError as exc:
                    report.refused.append(f"Dòng {row + 1}, TC{criterion.order}: {exc}.")
                    continue
                if self.values[row].get(criterion.id) != points:
                    changed.setdefault(row, {})[criterion.id] = points
                    report.saved_cells += 1
        if changed:
            self._apply({row: {**self.values[row], **cells} for row, cells in changed.items()})
            self._queue(changed, "Chưa dán được: ")
            self.saved.emit()
        if report.message():
            self.refused.emit(report.message())
        return report

    # --- saving on the database thread
    def _queue(self, cells: Cells, prefix: str) -> None:
        """Save ``cells`` after the saves already queued; ``prefix`` names them if the save fails."""
        generation = self._generation
        for row, changes in cells.items():
            for criterion_id in changes:
                self._pending[row, criterion_id] = self._pending.get((row, criterion_id), 0) + 1
        self._queued += 1
        by_model = {self.rows[row].id: dict(changes) for row, changes in cells.items()}
        save = (self.year, self.member_id, by_model, self.keying, generation, cells, prefix)
        self._outbox.append(save)
        if len(self._outbox) == 1:
            # Handed to the worker at the next turn of the event loop, once the cursor has moved: starting the
            # worker wakes its thread, which takes the interpreter lock for the save's Python part (~2 ms the
            # keystroke would wait for).
            QTimer.singleShot(0, self._send)

    def _send(self) -> None:
        outbox, self._outbox = self._outbox, []
        for year, member_id, by_model, keying, generation, cells, prefix in outbox:
            run_job(
                None,
                _store,
                year,
                member_id,
                by_model,
                keying,
                progress=False,
                on_done=lambda _result, g=generation, c=cells: self._saved(g, c),
                on_error=lambda exc, g=generation, c=cells, p=prefix: self._failed(g, c, p, exc),
            )

    def _answered(self, generation: int, cells: Cells) -> list[tuple[int, int]]:
        """Count a save as answered; the cells no later queued save changes again (none for an old grid)."""
        if generation != self._generation:
            return []
        self._queued -= 1
        settled = []
        for row, changes in cells.items():
            for criterion_id in changes:
                left = self._pending.pop((row, criterion_id)) - 1
                if left:
                    self._pending[row, criterion_id] = left
                else:
                    settled.append((row, criterion_id))
        return settled

    def _saved(self, generation: int, cells: Cells) -> None:
        self._answered(generation, cells)
        if generation == self._generation:
            for row, changes in cells.items():
                self._stored[row].update(changes)

    def _failed(self, generation: int, cells: Cells, prefix: str, exc: BaseException) -> None:
        """The cells of a failed save show what is stored again (unless typed again since); one line says why."""
        errors.log_failure(exc, SAVE_ACTION)
        back: Cells = {}
        for row, criterion_id in self._answered(generation, cells):
            back.setdefault(row, dict(self.values[row]))[criterion_id] = self._stored[row].get(criterion_id)
        if back:
            self._apply(back)
        self.refused.emit(prefix + errors.user_message(exc, SAVE_ACTION))

    def pending(self) -> int:
        """Saves queued and not answered yet."""
        return self._queued

    def flush(self) -> None:
        """Wait for the queued saves and take their answers: before the grid or anything scored is read again."""
        if self._outbox:
            self._send()
        if self._queued:
            wait_all()
            # Their answers are queued calls to this thread: delivered now, while the rows they name still exist.
            QCoreApplication.sendPostedEvents(None, QEvent.Type.MetaCall)

    def _apply(self, rows: dict[int, dict[int, float | None]]) -> None:
        """Take saved sheets into the grid; tell how the member's count of complete sheets moved."""
        delta = 0
        for row, values in rows.items():
            delta += scoring.sheet_complete(values) - scoring.sheet_complete(self.values[row])
            self.values[row] = values
            self._texts[row] = self._row_texts(values)
            self.dataChanged.emit(self.index(row, 1), self.index(row, self.columnCount() - 1))
        if delta and self.keying == 1:
            self.completion_changed.emit(delta)

    def differences(self) -> int:
        if not self.first:
            return 0
        return sum(
            1
            for row, values in enumerate(self.values)
            for cid, v in values.items()
            if v is not None and self.first[row].get(cid) != v
        )
