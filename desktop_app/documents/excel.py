"""Excel twins of the printed lists: the same header block, title, table and signature as the PDF, in
Times New Roman, with live formulas for totals and a page setup that prints the sheet as it is."""

from __future__ import annotations

import math
from collections.abc import Sequence
from copy import copy
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..fileio import replacing
from ..office import Issuer
from ..spreadsheet import as_text, put
from ..text import place_date_line

FONT = "Times New Roman"
FONT_SIZE = 12
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="EEEEEE")
# The margins official documents print with (HD 36 and NĐ 30 agree), in inches as Excel keeps them.
MARGIN_TOP = MARGIN_BOTTOM = 20 / 25.4
MARGIN_LEFT, MARGIN_RIGHT = 30 / 25.4, 15 / 25.4
FOOTER = "Trang &P / &N"
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
NATION_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATION_MOTTO = "Độc lập - Tự do - Hạnh phúc"
ARCHIVE = "Lưu: VT."
SIGNATURE_GAP_ROWS = 4  # about the 24 mm the PDF leaves for the signature and seal
# Printable width of A4 between the margins, in mm, and what one unit of column width takes in Times New Roman
# 12 (Excel counts widths in the Normal font's digit, 8 px at 96 dpi, plus 5 px of padding per column).
PRINTABLE_MM = {True: 297 - 45, False: 210 - 45}
MM_PER_UNIT, MM_PER_COLUMN = 8 * 25.4 / 96, 5 * 25.4 / 96

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class Formula:
    """A formula the program writes on purpose, completed with the sheet's row numbers where it lands.

    ``{row}`` is the row it is written in, ``{top}`` the table's first row under its header, ``{above}`` the
    row just above (a total sums ``{top}`` to ``{above}``).  Never built from anyone's text.
    """

    template: str

    def at(self, row: int, top: int) -> str:
        return self.template.format(row=row, top=top, above=row - 1)


@dataclass(frozen=True)
class Signature:
    """The block under the table: "Nơi nhận" on the left, who signs on the right."""

    authority: str
    signer_title: str
    signer_name: str
    recipients: tuple[str, ...] = ()

    @classmethod
    def of(cls, issuer: Issuer, recipients: Sequence[str] = ()) -> Signature:
        """The office signing in its own name, as the PDF's signature does by default."""
        return cls(issuer.signing_authority, issuer.signer_title, issuer.signer_name, tuple(recipients))


@dataclass
class Sheet:
    """One table: headers, rows, which rows are group headings or totals, and how the sheet is signed."""

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
    # A band over the header: (label, first column index, last column index); columns under no band
    # take their header across both rows.
    bands: Sequence[tuple[str, int, int]] = ()
    aligns: Sequence[Align] = ()  # per column; default: numbers right, text left
    signature: Signature | None = None
    year: int | None = None  # for the blank place-date line "ngày    tháng    năm 2023"
    day: date | None = None  # the place-date line's date, when the document has one
    # Who heads the sheet when not the office itself (a council, under the committee that formed it).
    issuing_body: str | None = None
    superior_body: str | None = None
    number: str = ""  # the number line under the issuing body ("Số    -BC/HU"), level with the place-date


def write_workbook(issuer: Issuer, sheets: Sequence[Sheet], target: Path | str) -> Path:
    workbook = Workbook()
    use_document_font(workbook)
    workbook.remove(workbook.worksheets[0])  # the empty default sheet
    for spec in sheets:
        _write_sheet(workbook, issuer, spec)
    with replacing(target) as partial:
        workbook.save(partial)
    return Path(target)


def use_document_font(workbook: Workbook) -> None:
    """Make Times New Roman the workbook's own font ("Normal" style), so that empty cells and whatever the
    clerk types later match the document, not Excel's Calibri."""
    # openpyxl has no public way to change the default font: it is the first of the book's font list, which
    # the default cell style and the "Normal" named style both point at.
    workbook._fonts = IndexedList([Font(name=FONT, size=FONT_SIZE)])  # type: ignore[attr-defined]


def official_page_setup(ws: Worksheet, *, landscape: bool, title_rows: tuple[int, int] | None = None) -> None:
    """A4, the official margins, as wide as the paper and as many pages down as needed, numbered in the footer."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins.left, ws.page_margins.right = MARGIN_LEFT, MARGIN_RIGHT
    ws.page_margins.top, ws.page_margins.bottom = MARGIN_TOP, MARGIN_BOTTOM
    ws.page_margins.header = ws.page_margins.footer = 8 / 25.4
    ws.print_options.horizontalCentered = True
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        if footer is not None:  # openpyxl's stubs allow None; a worksheet always has them
            footer.center.text = FOOTER
            footer.center.font = f"{FONT},Regular"
            footer.center.size = 11
    if title_rows is not None:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"


@lru_cache(maxsize=64)  # one Font per look: openpyxl hashes every font assigned, a new object costs a build too
def _font(size: float = FONT_SIZE, *, bold: bool = False, italic: bool = False, underline: bool = False) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline="single" if underline else None)


def paper_widths(widths: Sequence[float], landscape: bool) -> list[float]:
    """``widths`` (in proportion) scaled to fill the printable width, so that the sheet prints at full size
    like the PDF: fit-to-width only ever shrinks, and a narrow table would print narrow."""
    room = PRINTABLE_MM[landscape] * 0.98 - MM_PER_COLUMN * len(widths)
    scale = room / MM_PER_UNIT / sum(widths)
    return [round(w * scale, 1) for w in widths]


def _split(widths: Sequence[float], share: float) -> int:
    """How many columns come closest to the left ``share`` of the table (at least one, and one left for the
    right): the header and signature blocks are merged over whole columns."""
    total = sum(widths)
    counts = range(1, max(2, len(widths)))
    return min(counts, key=lambda count: abs(sum(widths[:count]) - total * share))


def _lines(text: str, width: float, size: float, bold: bool = False) -> int:
    """How many lines ``text`` wraps to in a merged cell ``width`` characters wide (Excel never fits merged
    cells' heights itself).  A rough measure: capitals and bold run wider than the digits widths count in."""
    if not text or width <= 0:
        return 1
    factor = size / FONT_SIZE * (1.3 if text.isupper() else 1.0) * (1.08 if bold else 1.0)
    return max(1, math.ceil(len(text) * factor / (width * 0.95)))


@dataclass(frozen=True)
class _Line:
    text: str
    size: float
    bold: bool = False
    italic: bool = False
    underline: bool = False


def _merged_line(ws: Worksheet, row: int, first: int, last: int, line: _Line, align: Align = "center") -> None:
    cell = put(ws, row, first, line.text or None)
    cell.font = _font(line.size, bold=line.bold, italic=line.italic, underline=line.underline)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _fit_height(ws: Worksheet, row: int, pieces: Sequence[tuple[_Line, float]]) -> None:
    """Make ``row`` tall enough for the tallest of its (line, width) pieces."""
    height = max(
        (_lines(line.text, width, line.size, line.bold) * line.size * 1.3 + 3 for line, width in pieces), default=0
    )
    if height:
        ws.row_dimensions[row].height = max(height, ws.row_dimensions[row].height or 0)


def _column_widths(ws: Worksheet, columns: int) -> list[float]:
    return [ws.column_dimensions[get_column_letter(col)].width or 10 for col in range(1, columns + 1)]


def _fit_cells(
    ws: Worksheet,
    row: int,
    values: Sequence[object],
    *,
    bold: bool,
    merged: bool = False,
    widths: Sequence[float] | None = None,
) -> None:
    """Give a table row the height its wrapped text needs.  Excel and LibreOffice keep a stored row at the
    default height when opening a generated file, so the wrapped lines of a name would print over the next row."""
    if widths is None:
        widths = _column_widths(ws, len(values))
    # The sum _fit_height makes, without a _Line per cell: this runs once per row of lists of thousands.
    whole = sum(widths) if merged else 0.0
    height = 0.0
    for col, value in enumerate(values):
        if isinstance(value, str) and value:
            # Times New Roman's lower case runs about 1,2 letters to a width unit (a unit is a Calibri digit).
            width = (whole if merged else widths[col]) * 1.2
            height = max(height, _lines(value, width, FONT_SIZE, bold) * FONT_SIZE * 1.3 + 3)
    if height:
        _raise_row(ws, row, height)


def _raise_row(ws: Worksheet, row: int, height: float) -> None:
    """Make ``row`` at least ``height`` points tall.  A new row as tall as the one above gets a copy of its
    dimension: building openpyxl's RowDimension from scratch was a fifth of a long list's export."""
    dimensions = ws.row_dimensions
    dimension = dimensions.get(row)  # dict.get: [row] would build a RowDimension first
    if dimension is not None:
        dimension.height = max(height, dimension.height or 0)
        return
    above = dimensions.get(row - 1)
    if above is not None and above.height == height:
        # copy() would run RowDimension.__init__ again, which is the cost avoided here.
        dimension = RowDimension.__new__(RowDimension)
        dimension.__dict__.update(above.__dict__)
        dimension._style = copy(above._style)  # type: ignore[attr-defined]
        dimension.index = row
        dimensions[row] = dimension
    else:
        dimensions[row].height = height


def _place_date(issuer: Issuer, spec: Sheet) -> str:
    line = place_date_line(issuer.place_name or "…", spec.day)
    if spec.day is None:
        # Room for a hand-written day and month, as the PDF leaves it; the year is known.
        line = line.replace("    ", "      ") + (f" {spec.year}" if spec.year else "")
    return line


def _header_block(ws: Worksheet, issuer: Issuer, spec: Sheet, widths: Sequence[float]) -> int:
    """Issuing body on the left, the Party's or the nation's title and the place-date line on the right;
    returns the last row used."""
    columns = len(widths)
    split = _split(widths, 0.45 if issuer.party or spec.landscape else 0.42)
    left_width, right_width = sum(widths[:split]), sum(widths[split:])
    size_left = 14 if issuer.party else 13
    superior = issuer.superior_body if spec.superior_body is None else spec.superior_body
    body = issuer.issuing_body if spec.issuing_body is None else spec.issuing_body
    left: list[_Line] = []
    if superior:
        left.append(_Line(superior.upper(), size_left))
    left.append(_Line(body.upper(), size_left, bold=True))
    if issuer.party:
        left.append(_Line("*", size_left))
        right = [_Line(PARTY_TITLE, 15, bold=True, underline=True), _Line("", 8)]  # the PDF's rule and space
    else:
        right = [
            _Line(NATION_TITLE, 13 if spec.landscape else 12, bold=True),
            _Line(NATION_MOTTO, 14, bold=True, underline=True),
        ]
    # The place-date line comes under the titles, level with the number line when there is one.
    rows = max(len(left) + (1 if spec.number else 0), len(right) + 1)
    if spec.number:
        left += [_Line("", size_left)] * (rows - 1 - len(left))
        left.append(_Line(spec.number, size_left if issuer.party else 13))
    left += [_Line("", size_left)] * (rows - len(left))
    right += [_Line("", 8)] * (rows - 1 - len(right))
    right.append(_Line(_place_date(issuer, spec), 14, italic=True))
    for offset in range(rows):
        row = 1 + offset
        _merged_line(ws, row, 1, split, left[offset])
        _merged_line(ws, row, split + 1, columns, right[offset])
        _fit_height(ws, row, [(left[offset], left_width), (right[offset], right_width)])
    return rows


def _title_block(ws: Worksheet, issuer: Issuer, spec: Sheet, widths: Sequence[float], first: int) -> int:
    """The document's kind in capitals, its subject, its note; returns the last row used."""
    lines = [_Line(spec.title.upper(), 15 if issuer.party else 14, bold=True)]
    if spec.subtitle:
        lines.append(_Line(spec.subtitle, 14, bold=True))
    if spec.note:
        lines.append(_Line(spec.note, 13, italic=True))
    for offset, line in enumerate(lines):
        _merged_line(ws, first + offset, 1, len(widths), line)
        _fit_height(ws, first + offset, [(line, sum(widths))])
    return first + len(lines) - 1


def _table_header(ws: Worksheet, spec: Sheet, first: int) -> int:
    """The header row (under its bands, if any); returns the header's last row."""
    columns = len(spec.headers)
    last = first + (1 if spec.bands else 0)
    banded: set[int] = set()
    for label, start, end in spec.bands:
        ws.cell(first, start + 1, label)
        ws.merge_cells(start_row=first, start_column=start + 1, end_row=first, end_column=end + 1)
        banded.update(range(start, end + 1))
    for col in range(columns):
        if spec.bands and col not in banded:
            ws.cell(first, col + 1, spec.headers[col])
            ws.merge_cells(start_row=first, start_column=col + 1, end_row=last, end_column=col + 1)
        else:
            ws.cell(last, col + 1, spec.headers[col])
    if not spec.bands:
        _fit_cells(ws, last, spec.headers, bold=True)
    for row in range(first, last + 1):
        for col in range(1, columns + 1):
            cell = ws.cell(row, col)
            cell.font = _font(bold=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BORDER
            cell.fill = HEADER_FILL
    return last


def _table_body(ws: Worksheet, spec: Sheet, top: int) -> int:
    """The rows under the header; returns the last row used."""
    columns = len(spec.headers)
    widths = _column_widths(ws, columns)
    # Each look (bold, alignment, number format) styled once, then copied to its cells: assigning a font,
    # border and alignment to every cell made openpyxl hash them anew each time (most of a long export).
    looks: dict[tuple[bool, str, bool, str | None], Any] = {}
    row = top - 1
    group_rows, total_rows = set(spec.group_rows), set(spec.total_rows)
    for index, values in enumerate(spec.rows):
        row = top + index
        group, total = index in group_rows, index in total_rows
        padded = list(values) + [None] * (columns - len(values))
        for col, value in enumerate(padded, start=1):
            numeric = isinstance(value, (int, float, Formula)) and not isinstance(value, bool)
            align = spec.aligns[col - 1] if col - 1 < len(spec.aligns) else ("right" if numeric else "left")
            number_format = spec.number_formats.get(col - 1) if numeric else None
            cell = cast(Cell, ws.cell(row, col))
            key = (group or total, align, numeric, number_format)
            look = looks.get(key)
            if look is None:
                cell.font = _font(bold=group or total)
                cell.border = BORDER
                cell.alignment = Alignment(vertical="top", horizontal=align, wrap_text=not numeric)
                if number_format is not None:
                    cell.number_format = number_format
                looks[key] = copy(cell._style)  # type: ignore[attr-defined]
            else:
                cell._style = copy(look)  # type: ignore[attr-defined]
            if isinstance(value, Formula):
                cell.value = value.at(row, top)
            else:
                cell.value = None if value == "" else value
                as_text(cell)
        _fit_cells(ws, row, padded, bold=group or total, merged=group, widths=widths)
        if group:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
        elif total:
            # "Tổng cộng: 32 mô hình, điển hình" runs across the empty cells after it, as in the PDF.
            filled = [c for c, v in enumerate(padded) if v not in (None, "")]
            if len(filled) == 1 and filled[0] < columns - 1:
                ws.merge_cells(start_row=row, start_column=filled[0] + 1, end_row=row, end_column=columns)
    return row


def _signature_block(ws: Worksheet, issuer: Issuer, signature: Signature, widths: Sequence[float], first: int) -> int:
    """ "Nơi nhận" on the left, authority, title, room to sign and the name on the right; returns the last row."""
    columns = len(widths)
    split = _split(widths, 0.5)
    left_width, right_width = sum(widths[:split]), sum(widths[split:])
    left: list[_Line] = []
    if signature.recipients:
        if issuer.party:
            left.append(_Line("Nơi nhận:", 14, underline=True))
            size = 12.0
        else:
            left.append(_Line("Nơi nhận:", 12, bold=True, italic=True))
            size = 11.0
        left += [_Line(f"- {recipient}", size) for recipient in (*signature.recipients, ARCHIVE)]
    right: list[_Line] = []
    if signature.authority:
        right.append(_Line(signature.authority.upper(), 14, bold=True))
    if signature.signer_title:
        right.append(_Line(signature.signer_title.upper(), 14, bold=True))
    right += [_Line("", 14)] * SIGNATURE_GAP_ROWS
    right.append(_Line(signature.signer_name, 14, bold=True))
    rows = max(len(left), len(right))
    left += [_Line("", 12)] * (rows - len(left))
    for offset in range(rows):
        row = first + offset
        _merged_line(ws, row, 1, split, left[offset], align="left")
        _merged_line(ws, row, split + 1, columns, right[offset])
        _fit_height(ws, row, [(left[offset], left_width), (right[offset], right_width)])
    return first + rows - 1


def _write_sheet(workbook: Workbook, issuer: Issuer, spec: Sheet) -> None:
    ws = workbook.create_sheet(spec.name[:31])
    widths = paper_widths(spec.widths, spec.landscape)
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    header_end = _header_block(ws, issuer, spec, widths)
    title_end = _title_block(ws, issuer, spec, widths, header_end + 2)
    head_first = title_end + 2
    head_last = _table_header(ws, spec, head_first)
    top = head_last + 1
    body_end = _table_body(ws, spec, top)
    if spec.signature is not None:
        _signature_block(ws, issuer, spec.signature, widths, body_end + 2)
    ws.freeze_panes = ws.cell(top, 1).coordinate
    official_page_setup(ws, landscape=spec.landscape, title_rows=(head_first, head_last))
