"""The history, as filtered on screen, to an Excel workbook (an annex for an inspection).

Written in openpyxl's streaming mode, a page of entries at a time, so 100.000 changes need no more
memory than a few pages.  The workbook is written beside its target and moved into place when
complete (:func:`desktop_app.fileio.replacing`): a cancelled export leaves no half workbook.
"""

from __future__ import annotations

from copy import copy
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from ..fileio import replacing
from ..spreadsheet import as_text
from ..tasks import TaskState
from . import display, queries
from .queries import HistoryFilter

SHEET_TITLE = "Lịch sử thay đổi"
HEADERS: tuple[tuple[str, int], ...] = (  # title, width in characters
    ("Thời gian", 17),
    ("Người thực hiện", 20),
    ("Thao tác", 15),
    ("Loại bản ghi", 20),
    ("Bản ghi", 45),
    ("Nội dung thay đổi", 90),
    ("Thuộc việc", 40),
    ("Mã bản ghi", 38),
)
DATE_FORMAT = "dd/mm/yyyy hh:mm"
EXCEL_CELL_LIMIT = 32767  # characters Excel keeps in one cell
PAGE = 1000


class _Cells:
    """Cells of the three looks the sheet uses.  A style set per cell costs openpyxl a lookup of the whole
    style each time (most of an export's time); copying a prepared cell's style array costs nothing."""

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self.ws = ws
        self.plain = self._prototype(Alignment(vertical="top"))
        self.wrapped = self._prototype(Alignment(vertical="top", wrap_text=True))
        self.moment = self._prototype(Alignment(vertical="top"), DATE_FORMAT)

    def _prototype(self, alignment: Alignment, number_format: str = "General") -> Cell:
        cell = WriteOnlyCell(self.ws)
        cell.alignment = alignment
        cell.number_format = number_format
        return cell

    def __call__(self, value: Any, look: Cell) -> Cell:
        cell = as_text(WriteOnlyCell(self.ws, value))
        cell._style = copy(look._style)  # type: ignore[attr-defined]
        return cell


def _header(ws: WriteOnlyWorksheet) -> list[Cell]:
    fill = PatternFill("solid", fgColor="DDE7F3")
    cells = []
    for title, _width in HEADERS:
        cell = WriteOnlyCell(ws, title)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _limit(text: str) -> str:
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    return text[: EXCEL_CELL_LIMIT - 1] + "…"


def export_history(flt: HistoryFilter | None, target: Path | str, task: TaskState | None = None) -> Path:
    """Write every entry matching ``flt`` (newest first) to ``target``; returns the path written."""
    task = task or TaskState()
    target = Path(target)
    total = queries.count(flt)
    task.progress(0, total, "Đang đọc lịch sử…")
    workbook = Workbook(write_only=True)
    ws = workbook.create_sheet(SHEET_TITLE)
    ws.freeze_panes = "A2"
    for index, (_title, width) in enumerate(HEADERS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.append(_header(ws))
    cell = _Cells(ws)
    done = 0
    for page in queries.walk(flt, page=PAGE):
        for item in display.describe(page):
            entry = item.entry
            undone = " (đã hoàn tác)" if entry.undone else ""
            ws.append(
                [
                    cell(entry.time.replace(microsecond=0), cell.moment),
                    cell(entry.user, cell.plain),
                    cell(entry.action_label + undone, cell.plain),
                    cell(entry.kind_label, cell.plain),
                    cell(entry.label, cell.wrapped),
                    cell(_limit(item.text()), cell.wrapped),
                    cell(entry.batch_label, cell.wrapped),
                    cell(entry.record_uuid, cell.plain),
                ]
            )
        done += len(page)
        task.progress(done, total, f"Đã ghi {done}/{total} thay đổi")
    ws.auto_filter.ref = f"A1:{get_column_letter(len(HEADERS))}{done + 1}"
    with replacing(target, "xuất") as partial:
        workbook.save(partial)
        task.check()
    return target
