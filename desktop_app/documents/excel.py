"""Excel twins of the printed lists: same columns, a title block, frozen header, widths,
number formats and page setup so the sheet prints as it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..fileio import replacing
from ..office import OfficeInfo
from ..spreadsheet import put

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")


@dataclass
class Sheet:
    """One table: headers, rows, and which rows are group headings or totals."""

    name: str
    title: str
    subtitle: str
    headers: list[str]
    widths: Sequence[float]
    rows: list[list[Any]] = dc_field(default_factory=list)
    group_rows: set[int] = dc_field(default_factory=set)
    total_rows: set[int] = dc_field(default_factory=set)
    number_formats: dict[int, str] = dc_field(default_factory=dict)  # column index → Excel format
    note: str = ""
    landscape: bool = True


def write_workbook(office: OfficeInfo, sheets: Sequence[Sheet], target: Path | str) -> Path:
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # the empty default sheet
    for spec in sheets:
        _write_sheet(workbook, office, spec)
    with replacing(target) as partial:
        workbook.save(partial)
    return Path(target)


def _write_sheet(workbook: Workbook, office: OfficeInfo, spec: Sheet) -> None:
    ws = workbook.create_sheet(spec.name[:31])
    columns = len(spec.headers)
    last = get_column_letter(columns)
    half = get_column_letter(max(1, columns // 2))
    # Title block: issuing body top left, then the title and subject centred across the table.
    lines = [
        (1, office.superior_body.upper(), half, 12, False, False),
        (2, office.issuing_body.upper(), half, 12, True, False),
        (4, spec.title.upper(), last, 14, True, False),
        (5, spec.subtitle, last, 13, True, False),
    ]
    if spec.note:
        lines.append((6, spec.note, last, 12, False, True))
    for row, value, end, size, bold, italic in lines:
        put(ws, row, 1, value).font = Font(name=FONT, size=size, bold=bold, italic=italic)
        ws.cell(row, 1).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(f"A{row}:{end}{row}")
    ws.row_dimensions[5].height = 34
    header_row = 8 if spec.note else 7
    for col, title in enumerate(spec.headers, start=1):
        cell = ws.cell(header_row, col, title)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = spec.widths[col - 1]
    for index, values in enumerate(spec.rows):
        row = header_row + 1 + index
        bold = index in spec.group_rows or index in spec.total_rows
        padded = list(values) + [None] * (columns - len(values))
        for col, value in enumerate(padded, start=1):
            cell = put(ws, row, col, value)
            cell.font = Font(name=FONT, size=12, bold=bold)
            cell.border = BORDER
            numeric = isinstance(value, (int, float))
            cell.alignment = Alignment(vertical="top", wrap_text=not numeric, horizontal="right" if numeric else None)
            if col - 1 in spec.number_formats and numeric:
                cell.number_format = spec.number_formats[col - 1]
        if index in spec.group_rows:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    ws.freeze_panes = ws.cell(header_row + 1, 1).coordinate
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if spec.landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left, ws.page_margins.right = 30 / 25.4, 15 / 25.4
    ws.page_margins.top = ws.page_margins.bottom = 20 / 25.4
    ws.oddFooter.center.text = "Trang &P / &N"
