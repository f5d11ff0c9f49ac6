"""Writing cells that hold someone's text, so that text is never taken for a formula.

A model or unit name typed or imported as ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` would otherwise be written
back as a live formula by openpyxl and run when the clerk opens the export.  Such text is stored as a string cell
with Excel's quote prefix: it shows exactly as typed and cannot run.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

# What spreadsheet programs read as the start of a formula (CSV-injection guidance lists all of these).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def as_text(cell: Cell) -> Cell:
    """Keep ``cell``'s string value as text whatever it starts with."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    """``ws.cell(row, column, value)`` for data: text is always text.  Formulas the program writes on purpose
    (``=SUM(…)``) go through ``ws.cell`` directly."""
    return as_text(ws.cell(row, column, value))
