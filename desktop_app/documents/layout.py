"""Official document layout for the two styles: Party (Hướng dẫn 36-HD/VPTW) and State (Nghị định 30).

Header blocks, titles, tables that wrap and repeat their header row, signature block with
"Nơi nhận", page numbers from page 2, margins per style.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.paragraph import (  # type: ignore[attr-defined]  # split, strip: not in the stubs
    cleanBlockQuotedText,
    split,
    strip,
)

from ..fileio import replacing
from ..office import STYLE_PARTY, STYLE_STATE, Issuer, OfficeInfo
from ..text import place_date_line
from .data import used_columns
from .fonts import FAMILY, register_fonts


@dataclass(frozen=True)
class Margins:
    top: float
    bottom: float
    left: float
    right: float


# Both rules: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
MARGINS = {
    STYLE_PARTY: Margins(20 * mm, 20 * mm, 30 * mm, 15 * mm),
    STYLE_STATE: Margins(20 * mm, 20 * mm, 30 * mm, 15 * mm),
}
# Content is laid out this far inside the margins: a table's grid line drawn on the frame's edge spreads half
# its width outwards, and the ink must stay inside the rule.  (reportlab's own frame padding, 6 pt on every
# side, is not used: tables sized to the frame width then stood 2 mm into the right margin.)
INK_GUARD = 0.5 * mm
BODY_SIZE = {STYLE_PARTY: 14, STYLE_STATE: 13}  # HD 36: 14 pt; NĐ 30: 13–14 pt


def style(
    name: str,
    size: float = 13,
    *,
    bold: bool = False,
    italic: bool = False,
    align: Literal[0, 1, 2, 4] = TA_LEFT,
    leading: float | None = None,
    space_after: float = 0,
    indent: float = 0,
    keep_with_next: bool = False,
) -> ParagraphStyle:
    register_fonts()
    font = FAMILY + ("-BoldItalic" if bold and italic else "-Bold" if bold else "-Italic" if italic else "")
    return ParagraphStyle(
        name,
        fontName=font,
        fontSize=size,
        leading=leading or size * 1.2,
        alignment=align,
        spaceAfter=space_after,
        firstLineIndent=indent,
        splitLongWords=1,
        keepWithNext=int(keep_with_next),
    )


_ALIGNS: dict[str, Literal[0, 1, 2, 4]] = {"left": TA_LEFT, "center": TA_CENTER, "right": TA_RIGHT}


def esc(text: object) -> str:
    """Plain text for a Paragraph (which reads a little XML)."""
    text = (
        str(text if text is not None else "")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "<br/>")
    )
    # Runs of spaces are blanks left for handwriting ("ngày    tháng"); keep them.
    return re.sub(r" {2,}", lambda m: "\u00a0" * len(m.group()), text)


class Rule(Flowable):
    """A short horizontal line, centred, as under the national motto or the issuing body."""

    def __init__(self, length: float, thickness: float = 0.6) -> None:
        super().__init__()
        self.length, self.thickness = length, thickness
        self.height = 7  # the line 4 pt under the text above: clear of its descenders ("Hạnh phúc")

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.available = available_width
        return available_width, self.height

    def draw(self) -> None:
        self.canv.setLineWidth(self.thickness)
        start = (self.available - self.length) / 2
        self.canv.line(start, 3, start + self.length, 3)


_BREAKS_AFTER = ("-", ",", ";", "/", "–")


def keep_phrases(text: object, *, brackets_only: bool = False) -> str:
    """Spaces made unbreakable except after a separator, so a short label wraps as "Văn hóa - / xã hội",
    never "Văn hóa - xã / hội"; with ``brackets_only`` only a bracketed aside is kept whole ("(địa chỉ)")."""
    value = str(text if text is not None else "")
    if brackets_only:
        # Only a short aside: a long one kept whole would be cut inside a word in a narrow column.
        return re.sub(r"\((\S+ \S+)\)", lambda m: m.group().replace(" ", "\u00a0"), value)
    words = value.split(" ")
    out = words[:1]
    for word in words[1:]:
        out.append(" " if out[-1].endswith(_BREAKS_AFTER) else "\u00a0")
        out.append(word)
    return "".join(out)


def balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` on one line if it fits, else on two lines as even as possible ("ỦY BAN NHÂN DÂN / HUYỆN LÂM HÀ",
    not "ỦY BAN NHÂN DÂN HUYỆN / LÂM HÀ"); longer texts are left to the paragraph's own wrapping."""
    if _text_width(text, font, size) <= width:
        return [text]
    words = text.split()
    best: tuple[float, list[str]] | None = None
    for cut in range(1, len(words)):
        pair = [" ".join(words[:cut]), " ".join(words[cut:])]
        widest = max(_text_width(line, font, size) for line in pair)
        if widest <= width and (best is None or widest < best[0]):
            best = (widest, pair)
    return best[1] if best else [text]


def line_width(paragraph: Paragraph, available: float) -> float:
    """The width of the longest line ``paragraph`` takes when wrapped to ``available``: a rule is measured
    against the text line above it, not against the text before wrapping."""
    paragraph.wrap(available, 10_000)
    widths = paragraph.getActualLineWidths0()
    return max(widths) if widths else 0.0


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A TableStyle in the document font: a table's own default is Helvetica, which has no Vietnamese.

    Cells get 2 pt above and below (reportlab's 3 pt made a short list spill its signature onto a second page).
    """
    return TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FAMILY),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            *commands,
        ]
    )


class _Cell(Paragraph):
    """A table cell's paragraph, wrapped once per width.

    A list's cell is wrapped to measure its row, again when its page's table is laid out and again when it
    is drawn, always to the column's width: the lines found the first time serve the other two.  (reportlab
    works the width out again for drawing, a last binary digit apart: the same width.)
    """

    _wrapped: tuple[float, tuple[float, float]] | None = None
    _widths: dict[str, float] | None = None  # words' widths, shared by the plain cells of one style

    def breakLines(self, width: Any) -> Any:
        """reportlab's breaking of one plain fragment into lines, word widths looked up once per list.

        The same steps as its own (the same sums in the same order, so the same lines): a word is added while
        the line stays within the width (its spaces may shrink a little); a word wider than a whole line,
        hyphenation and anything but plain text are left to reportlab.
        """
        widths = self._widths
        style = self.style
        if widths is None or style.hyphenationLang or style.uriWasteReduce or style.embeddedHyphenation:
            return Paragraph.breakLines(self, width)
        fragment = self.frags[0]
        text = strip(fragment.text)
        if "\u00ad" in text:  # a soft hyphen may split a word
            return Paragraph.breakLines(self, width)
        font, size = fragment.fontName, fragment.fontSize
        space = widths.get(" ")
        if space is None:
            space = widths[" "] = stringWidth(" ", font, size)
        max_widths = width if isinstance(width, (list, tuple)) else [width]
        shrink = style.spaceShrinkage * space
        lines: list[tuple[float, list[str]]] = []
        line: list[str] = []
        current, widest = -space, 0.0  # -space: the first word has no space before it
        max_width = max_widths[0]
        for word in split(text):
            word_width = widths.get(word)
            if word_width is None:
                word_width = widths[word] = stringWidth(word, font, size)
            if word_width > max_width:  # reportlab cuts such a word
                return Paragraph.breakLines(self, width)
            new_width = current + space + word_width
            if new_width <= max_width + shrink * len(line) or not line:
                line.append(word)
                current = new_width
            else:
                widest = max(widest, current)
                lines.append((max_width - current, line))
                line, current = [word], word_width
                max_width = max_widths[min(len(max_widths) - 1, len(lines))]
        if line:
            widest = max(widest, current)
            lines.append((max_width - current, line))
        self._width_max = widest
        self._splitLongWordCount = self._hyphenations = 0
        self.height = 0
        ascent, descent = getAscentDescent(font, size)
        return fragment.clone(kind=0, lines=lines, ascent=ascent, descent=descent, fontSize=size)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        if self._wrapped is None or abs(self._wrapped[0] - available_width) > 1e-6:
            # Paragraph.wrap looked up on the class (not super()), so that a wrap patched in to count stays in.
            self._wrapped = (available_width, Paragraph.wrap(self, available_width, available_height))
        return self._wrapped[1]


# Text a paragraph takes as it is: no markup to escape, no line break, no whitespace but spaces.
_NOT_PLAIN = re.compile(r"[&<>]|[^\S \u00a0]")


class CellStyle:
    """A cell's paragraph style, and the fragment that paragraphs of plain text in it are cloned from.

    Parsing each cell's text as markup took a third of a long list's time; text with nothing to parse
    gets the fragment the parser would have made (the same text, cleaned the same way), so it prints the same.
    """

    def __init__(self, paragraph_style: ParagraphStyle) -> None:
        self.style = paragraph_style
        self._fragment: Any = None
        self._widths: dict[str, float] = {}

    def paragraph(self, value: object) -> Paragraph:
        text = str(value if value is not None else "")
        if _NOT_PLAIN.search(text):
            return _Cell(esc(text), self.style)
        if "  " in text:
            text = esc(text)  # runs of spaces kept as unbreakable ones, as esc() does
        # The parser's cleaning only trims the ends and runs of spaces (there are none left by now).
        cleaned = text if text == text.strip(" ") else cleanBlockQuotedText(text)
        if not cleaned:
            return _Cell(cleaned, self.style, frags=[])
        if self._fragment is None:
            self._fragment = Paragraph("x", self.style).frags[0]
        fragment = self._fragment.clone(text=cleaned, link=[], us_lines=[])
        cell = _Cell(cleaned, self.style, frags=[fragment])
        cell._widths = self._widths
        return cell


class _Text:
    """A cell's value and style, made a paragraph only when its rows are laid out: a long list holding a
    paragraph per cell from the start took hundreds of megabytes."""

    __slots__ = ("style", "value")

    def __init__(self, value: object, cell_style: CellStyle) -> None:
        self.value, self.style = value, cell_style


def _made(cell: Any) -> Any:
    return cell.style.paragraph(cell.value) if isinstance(cell, _Text) else cell


# Rows measured at a time: one reportlab table per chunk gives every row its height once.
_CHUNK = 64


class _Rows:
    """What the pages of one long list share: its rows, their commands, and each row's height once measured."""

    def __init__(
        self,
        header: list[list[Any]],
        rows: list[list[Any]],
        col_widths: list[float],
        commands: list[tuple[Any, ...]],
        row_commands: list[tuple[Any, ...]],
        tail: int,
    ) -> None:
        self.header, self.rows, self.col_widths, self.commands, self.tail = header, rows, col_widths, commands, tail
        self.row_commands = sorted(row_commands, key=lambda c: c[1][1])
        self.firsts = [c[1][1] for c in self.row_commands]
        # The longest a command reaches down: commands starting that far above a page may end on it.
        self.reach = max((c[2][1] - c[1][1] for c in self.row_commands), default=0)
        # A row a page may not end on (inside a no-split block or a cell spanning rows) -> the block's last row.
        self.block_end: dict[int, int] = {}
        for name, (_, first), (_, last), *_rest in self.row_commands:
            if name in ("NOSPLIT", "SPAN"):
                for row in range(first, last):
                    self.block_end[row] = max(self.block_end.get(row, last), last)
        self.heights: list[float] = []  # of the rows measured so far, from the first
        self.head_heights: list[float] = []
        self.measured = False
        self.made_header = [[_made(cell) for cell in row] for row in header]
        # Rows made into paragraphs, kept from their measure to their page: each cell is wrapped once.
        self.made: dict[int, list[Any]] = {}
        self.forgotten = 0  # rows before this one were printed and let go

    def row(self, index: int) -> list[Any]:
        made = self.made.get(index)
        if made is None:
            made = self.made[index] = [_made(cell) for cell in self.rows[index]]
        return made

    def forget(self, before: int) -> None:
        """Let the paragraphs of the rows before ``before`` go (those pages are printed)."""
        for index in range(self.forgotten, before):
            self.made.pop(index, None)
        self.forgotten = max(self.forgotten, before)

    def end(self, stop: int) -> int:
        """``stop`` moved past the block it would cut."""
        while stop < len(self.rows) and stop - 1 in self.block_end:
            stop = max(stop, self.block_end[stop - 1] + 1)
        return min(stop, len(self.rows))

    def table(self, start: int, stop: int, *, measured: bool = True) -> Table:
        """The header and the rows ``start`` to ``stop`` (excluded), styled as in the whole list; with the
        heights measured already (``measured``), reportlab takes them as given instead of measuring again."""
        head = len(self.header)
        grid_end = min(stop, len(self.rows) - self.tail)  # rows from there on are outside the grid
        commands: list[tuple[Any, ...]] = []
        for name, begin, end, *rest in self.commands:
            if name == "GRID" and end[1] == -1 and grid_end < stop:
                end = (end[0], head + grid_end - start - 1)
            commands.append((name, begin, end, *rest))
        low = bisect_left(self.firsts, start - self.reach)
        high = bisect_left(self.firsts, stop)
        for name, (c0, r0), (c1, r1), *rest in self.row_commands[low:high]:
            if r1 >= start:
                first, last = max(r0, start) - start + head, min(r1, stop - 1) - start + head
                commands.append((name, (c0, first), (c1, last), *rest))
        body = [self.row(index) for index in range(start, stop)]
        heights = None
        if measured and self.measured and stop <= len(self.heights):
            heights = self.head_heights + self.heights[start:stop]
        table = Table(
            self.made_header + body, colWidths=self.col_widths, rowHeights=heights, repeatRows=head, hAlign="LEFT"
        )
        table.setStyle(table_style(commands))
        return table

    def measure(self, upto: int) -> None:
        """Heights of the rows before ``upto`` known (each row is measured once, in a chunk's table)."""
        while not self.measured or len(self.heights) < min(upto, len(self.rows)):
            start = len(self.heights)
            stop = self.end(start + _CHUNK)
            table = self.table(start, stop, measured=False)
            table.wrap(sum(self.col_widths), 1e9)
            heights = table._rowHeights  # type: ignore[attr-defined]
            self.head_heights = heights[: len(self.header)]
            self.heights += heights[len(self.header) :]
            self.measured = True


class ListTable(Flowable):
    """A long bordered table laid out a page at a time, in time linear in its rows.

    One reportlab ``Table`` over a whole list wraps every remaining row and rebuilds its span and no-split
    maps at each page break (quadratic in rows: two thirds of a 10,000-row list).  Here each row's height
    is measured once; each page gets a ``Table`` of the header and the rows that fit it, cut where reportlab
    would have cut the whole table (the same sums of the same heights, never inside a no-split block), so
    the printed pages are the same.  ``commands`` apply to every page's table (the whole table, or header
    rows only); ``row_commands`` name body rows (0 = the first under the header) and go with the rows;
    the last ``tail`` rows (the signature) stay outside the grid.  Cells given as text become paragraphs
    when their rows are measured, keep the lines found then for their page, and are let go once it is printed.
    """

    def __init__(
        self,
        header: list[list[Any]],
        rows: list[list[Any]],
        col_widths: list[float],
        commands: list[tuple[Any, ...]],
        row_commands: list[tuple[Any, ...]],
        *,
        tail: int = 0,
        shared: _Rows | None = None,
        start: int = 0,
    ) -> None:
        super().__init__()
        self.list = shared or _Rows(header, rows, col_widths, commands, row_commands, tail)
        self.start = start
        self.hAlign = "LEFT"
        self._room: tuple[float, float] = (0.0, 0.0)

    # The parts a signature is attached to.
    @property
    def header(self) -> list[list[Any]]:
        return self.list.header

    @property
    def rows(self) -> list[list[Any]]:
        return self.list.rows

    @property
    def col_widths(self) -> list[float]:
        return self.list.col_widths

    @property
    def commands(self) -> list[tuple[Any, ...]]:
        return self.list.commands

    @property
    def row_commands(self) -> list[tuple[Any, ...]]:
        return self.list.row_commands

    @property
    def tail(self) -> int:
        return self.list.tail

    def _fitting(self, available_height: float) -> tuple[int, float]:
        """How many rows from ``start`` a page of this height takes, cut where reportlab cuts a table (after
        the last row that fits and may end a page, the heights summed in its order), and their height (past
        the room when rows are left over)."""
        rows = self.list
        rows.forget(self.start)
        rows.measure(self.start + 1)
        height = 0.0
        for value in rows.head_heights:
            height += value
        taken, row = 0, self.start
        while row < len(rows.rows):
            rows.measure(row + _CHUNK)
            if height + rows.heights[row] > available_height:
                return taken, height + rows.heights[row]
            height += rows.heights[row]
            row += 1
            if row - 1 not in rows.block_end:
                taken = row - self.start
        return taken, height

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        height = self._fitting(available_height)[1]
        self._room = (available_width, available_height)
        return sum(self.list.col_widths), height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        taken, _ = self._fitting(available_height)
        if taken < 1:
            return []
        stop = self.start + taken
        page = self.list.table(self.start, stop)
        if stop >= len(self.list.rows):
            return [page]
        return [page, ListTable([], [], [], [], [], shared=self.list, start=stop)]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:
        # Drawn whole: every row left fits (else the frame would have split it).
        table = self.list.table(self.start, len(self.list.rows))
        table.wrapOn(canvas, *self._room)
        table.drawOn(canvas, x, y, _sW)  # type: ignore[call-arg]  # reportlab's own argument, not in the stubs


def _text_width(text: str, font: str, size: float) -> float:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return stringWidth(text, font, size)


class Document:
    """One official document being assembled: page geometry, styles and the story.

    It is printed by ``office`` in ``style_code`` (the office's default style when not given); a style the
    office has no identity in is refused (:class:`~desktop_app.office.MissingIdentity`).
    """

    def __init__(
        self,
        office: OfficeInfo | Issuer,
        *,
        style_code: str | None = None,
        wide: bool = False,
        title: str = "",
        numbered: bool = True,
        pagesize: tuple[float, float] | None = None,
        cell_size: float = 12,
    ) -> None:
        register_fonts()
        self.issuer = office if isinstance(office, Issuer) else office.issuer(style_code)
        self.style_code = self.issuer.style
        self.party = self.issuer.party
        self.pagesize = pagesize or (landscape(A4) if wide else A4)
        # A bundle of one-page forms (score sheets) is not one document: no page numbers.
        self.numbered = numbered
        self.margins = MARGINS.get(self.style_code, MARGINS[STYLE_PARTY])
        self.width = self.pagesize[0] - self.margins.left - self.margins.right - 2 * INK_GUARD
        self.title = title
        self.story: list[Flowable] = []
        self._last_table: ListTable | None = None
        self.body_size = BODY_SIZE[self.style_code]
        self.body = style("body", self.body_size, leading=self.body_size * 1.3, space_after=4, indent=10 * mm)
        size, leading = cell_size, cell_size * 1.15
        self.cell_size = cell_size
        self.cell = style("cell", size, leading=leading)
        self.cell_center = style("cell_c", size, leading=leading, align=TA_CENTER)
        self.cell_right = style("cell_r", size, leading=leading, align=TA_RIGHT)
        self.cell_bold = style("cell_b", size, leading=leading, bold=True)
        self.head_cell = style("head_cell", size, leading=leading, bold=True, align=TA_CENTER)
        self._cells = {
            "left": CellStyle(self.cell),
            "center": CellStyle(self.cell_center),
            "right": CellStyle(self.cell_right),
        }
        self._bold_cells = CellStyle(self.cell_bold)
        self._head_cells = CellStyle(self.head_cell)

    # ------------------------------------------------------------ blocks
    def header(
        self,
        number: str | None = None,
        day: date | None = None,
        *,
        place_date: bool = True,
        year: int | None = None,
        space_after_mm: float = 3,
        issuing_body: str | None = None,
        superior_body: str | None = None,
    ) -> None:
        """The two-column block: issuing body on the left, national/Party line on the right.

        ``issuing_body`` / ``superior_body`` replace the office's (a council issues under its committee).
        """
        party = self.party
        issuer = self.issuer
        superior = issuer.superior_body if superior_body is None else superior_body
        body = (issuer.issuing_body if issuing_body is None else issuing_body).upper()
        landscape_page = self.pagesize[0] > self.pagesize[1]
        left_width = self.width * (0.45 if party or landscape_page else 0.42)
        right_width = self.width - left_width
        # HD 36: 14 pt; NĐ 30: 12–13 pt for the agency lines.
        size_left = 14 if party else 13
        left: list[Flowable] = []
        if superior:
            upper = balanced_lines(superior.upper(), FAMILY, size_left, left_width)
            left.append(Paragraph("<br/>".join(esc(line) for line in upper), style("l1", size_left, align=TA_CENTER)))
        lines = balanced_lines(body, FAMILY + "-Bold", size_left, left_width)
        name = Paragraph("<br/>".join(esc(line) for line in lines), style("l2", size_left, bold=True, align=TA_CENTER))
        left.append(name)
        if party:
            left.append(Paragraph("*", style("l3", size_left, align=TA_CENTER)))
        else:
            # NĐ 30: a rule 1/3–1/2 as long as the agency's name line, centred under it; a name on two lines
            # is balanced so that the rule fits both the line above it and the longest.
            longest = max(_text_width(line, FAMILY + "-Bold", size_left) for line in lines)
            last = _text_width(lines[-1], FAMILY + "-Bold", size_left)
            left.append(Rule(min(max(last * 0.4, longest / 3), last / 2)))
            left.append(Spacer(1, 3))
        if number:
            left.append(Paragraph(esc(number), style("l4", size_left if party else 13, align=TA_CENTER)))
        right: list[Flowable] = []
        if party:
            motto = "ĐẢNG CỘNG SẢN VIỆT NAM"
            title = Paragraph(motto, style("r1", 15, bold=True, align=TA_CENTER))
            right.append(title)
            right.append(Rule(line_width(title, right_width)))  # as long as the line (HD 36)
        else:
            nation = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
            # 13 pt where it fits on one line (landscape), 12 pt in a portrait header, as offices do.
            size = 13 if _text_width(nation, FAMILY + "-Bold", 13) < right_width - 4 else 12
            right.append(Paragraph(nation, style("r1", size, bold=True, align=TA_CENTER)))
            motto_line = Paragraph("Độc lập - Tự do - Hạnh phúc", style("r2", 14, bold=True, align=TA_CENTER))
            right.append(motto_line)
            right.append(Rule(line_width(motto_line, right_width)))  # as long as the line (NĐ 30)
        if place_date:
            right.append(Spacer(1, 3))
            line = place_date_line(issuer.place_name or "…", day)
            if day is None:
                line = line.replace("    ", "      ") + (f" {year}" if year else "")
            right.append(Paragraph(esc(line), style("r3", 14, italic=True, align=TA_CENTER)))
        table = Table([[left, right]], colWidths=[left_width, right_width])
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        self.story.append(table)
        self.story.append(Spacer(1, space_after_mm * mm))

    def doc_title(self, kind: str, subject: str = "", note: str = "", space_after_mm: float = 2) -> None:
        """Document type in caps bold (e.g. "DANH SÁCH"), its subject below, an italic note under it.

        Under the subject: NĐ 30 draws a rule 1/3–1/2 as long as the line, centred; HD 36 five hyphens.
        """
        head = Paragraph(
            esc(kind.upper()), style("t1", 15 if self.party else 14, bold=True, align=TA_CENTER, space_after=2)
        )
        self.story.append(head)
        last = head
        if subject:
            last = Paragraph(esc(subject), style("t2", 14, bold=True, align=TA_CENTER, space_after=2))
            self.story.append(last)
        if note:
            last = Paragraph(esc(note), style("t3", 13, italic=True, align=TA_CENTER))
            self.story.append(last)
        if self.party:
            self.story.append(Paragraph("-----", style("t4", 14, leading=10, align=TA_CENTER)))
        else:
            self.story.append(Rule(line_width(last, self.width) * 0.4))
        self.story.append(Spacer(1, space_after_mm * mm))

    def paragraph(self, text: str, *, bold: bool = False, italic: bool = False) -> None:
        size = self.body_size
        self.story.append(
            Paragraph(
                esc(text),
                style("p", size, bold=bold, italic=italic, leading=size * 1.3, space_after=4, indent=10 * mm),
            )
        )

    def info_lines(self, pairs: Sequence[tuple[str, str]], *, size: float | None = None) -> None:
        """ "Label: value" lines, label in bold, as at the top of a form (``size``: a one-page form's smaller)."""
        size = size or self.body_size
        st = style("info", size, leading=size * 1.3, space_after=2)
        for label, value in pairs:
            self.story.append(Paragraph(f"<b>{esc(label)}:</b> {esc(value)}", st))
        self.story.append(Spacer(1, 3 * mm))

    def heading(self, text: str) -> None:
        size = self.body_size
        heading = style("h", size, bold=True, leading=size * 1.3, space_after=4, keep_with_next=True)
        heading.spaceBefore = 6  # air between a table and the next section
        self.story.append(Paragraph(esc(text), heading))

    def table(
        self,
        headers: Sequence[str],
        rows: Iterable[Sequence[Any]],
        widths: Sequence[float],
        *,
        group_rows: Iterable[int] = (),
        total_rows: Iterable[int] = (),
        aligns: Sequence[str] | None = None,
        phrases: Iterable[int] = (),
        optional: Iterable[int] = (),
    ) -> Flowable:
        """A bordered table whose header repeats on every page; cells wrap; rows are never cut.

        ``widths`` are fractions of the text width; ``group_rows`` (indexes into ``rows``) span
        the whole width in bold; ``total_rows`` are bold.  Cells of the ``phrases`` columns break only
        at their separators; an ``optional`` column is left out when no row fills it.
        """
        rows = [list(row) for row in rows]
        keep = used_columns(rows, len(headers), optional)
        if len(keep) < len(headers):
            headers = [headers[c] for c in keep]
            widths = [widths[c] for c in keep]
            aligns = [aligns[c] for c in keep] if aligns else None
            phrases = [keep.index(c) for c in phrases if c in keep]
            rows = [[row[c] for c in keep] if len(row) > 1 else row for row in rows]
        total = sum(widths)
        col_widths = [self.width * w / total for w in widths]
        phrase_columns = set(phrases)
        phrased: dict[tuple[object, int], object] = {}  # a catalogue column holds few distinct values

        def phrase(value: object, column: int) -> object:
            if (value, column) not in phrased:
                phrased[value, column] = self._phrase(value, col_widths[column])
            return phrased[value, column]

        rows = [
            [phrase(v, c) if c in phrase_columns and len(row) > 1 else v for c, v in enumerate(row)] for row in rows
        ]
        aligns = aligns or ["left"] * len(headers)
        column_cells = [self._cells[a] for a in aligns]
        bold = self._bold_cells
        data: list[list[Any]] = [[_Text(keep_phrases(h, brackets_only=True), self._head_cells) for h in headers]]
        commands: list[tuple[Any, ...]] = [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
            ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ]
        groups, totals = set(group_rows), set(total_rows)
        for index, row in enumerate(rows):
            position = index + 1
            if index in groups:
                data.append([_Text(row[0], bold)] + [""] * (len(headers) - 1))
                commands.append(("SPAN", (0, position), (-1, position)))
                # A group heading never stays alone at the foot of a page.
                commands.append(("NOSPLIT", (0, position), (-1, position + 1)))
                continue
            if index in totals:
                data.append([_Text(value, bold) for value in row])
                first = next((c for c, v in enumerate(row) if v), 0)
                commands.append(("SPAN", (first, position), (-1, position)))
                if position > 1:  # the total keeps the last row company on its page
                    commands.append(("NOSPLIT", (0, position - 1), (-1, position)))
                continue
            data.append([_Text(value, column_cells[col]) for col, value in enumerate(row)])
        return self._bordered(data, col_widths, 1, commands)

    def _phrase(self, value: object, column_width: float) -> object:
        """``value`` breaking only at its separators, when each part fits the column on a line of its own;
        else as it is (a part wider than the column would otherwise be cut inside a word)."""
        kept = keep_phrases(value)
        room = column_width - 12  # the cell's 6 pt padding on each side
        parts = re.split(r"(?<=[-,;/–]) ", kept)
        if all(_text_width(part, FAMILY, self.cell_size) <= room for part in parts):
            return kept
        return value

    def grid(
        self,
        data: list[list[Any]],
        widths: Sequence[float],
        *,
        header_rows: int = 1,
        commands: Sequence[tuple[Any, ...]] = (),
        aligns: Sequence[str] | None = None,
    ) -> Flowable:
        """A bordered table with a multi-row header given as cells ("" under a span); numbers right."""
        total = sum(widths)
        col_widths = [self.width * w / total for w in widths]
        aligns = aligns or ["left"] + ["right"] * (len(widths) - 1)
        cells = [self._cells[align] for align in aligns]
        body: list[list[Any]] = []
        for r, row in enumerate(data):
            if r < header_rows:
                body.append([_Text(v, self._head_cells) if v != "" else "" for v in row])
            else:
                body.append([v if isinstance(v, (Flowable, list)) else _Text(v, cells[c]) for c, v in enumerate(row)])
        return self._bordered(
            body,
            col_widths,
            header_rows,
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("VALIGN", (0, 0), (-1, header_rows - 1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#EEEEEE")),
                *commands,
            ],
        )

    def _bordered(
        self, data: list[list[Any]], col_widths: list[float], header_rows: int, commands: list[tuple[Any, ...]]
    ) -> Flowable:
        whole: list[tuple[Any, ...]] = []
        by_row: list[tuple[Any, ...]] = []
        for name, (c0, r0), (c1, r1), *rest in commands:
            if (r1 == -1 and r0 in (0, header_rows)) or 0 <= r0 <= r1 < header_rows:
                whole.append((name, (c0, r0), (c1, r1), *rest))
            elif header_rows <= r0 <= r1:
                by_row.append((name, (c0, r0 - header_rows), (c1, r1 - header_rows), *rest))
            else:  # a command across the header and the rows: one plain table (only small grids have them)
                made = [[_made(cell) for cell in row] for row in data]
                table = Table(made, colWidths=col_widths, repeatRows=header_rows, hAlign="LEFT")
                table.setStyle(table_style(commands))
                self.story.append(table)
                self._last_table = None
                return table
        flowable = ListTable(data[:header_rows], data[header_rows:], col_widths, whole, by_row)
        self.story.append(flowable)
        self._last_table = flowable
        return flowable

    def _attach_to_last_table(self, block: Flowable, space_before: float) -> bool:
        """Make ``block`` (the signature) the borderless last row of the story's last table.

        An office never lets the signature stand alone on a page: the last two rows go with it, and
        so does what was written between the table and the signature (a legend, a note); when they
        move to a new page the header row is repeated there as on any other.
        """
        table = self._last_table
        if table is None:
            return False
        position = next((i for i, f in enumerate(self.story) if f is table), None)
        if position is None:
            return False
        trailing = self.story[position + 1 :]
        if any(isinstance(f, (Table, ListTable, KeepTogether)) for f in trailing):
            return False
        n = len(table.rows)
        if n < 2 or table.tail:
            return False
        cell: list[Flowable] = [*trailing, Spacer(1, space_before), block] if trailing else [block]
        rows = [*table.rows, [cell] + [""] * (len(table.col_widths) - 1)]
        signature_row: list[tuple[Any, ...]] = [
            ("SPAN", (0, n), (-1, n)),
            ("LEFTPADDING", (0, n), (-1, n), 0),
            ("RIGHTPADDING", (0, n), (-1, n), 0),
            ("TOPPADDING", (0, n), (-1, n), space_before if not trailing else 2),
            ("BOTTOMPADDING", (0, n), (-1, n), 0),
            ("NOSPLIT", (0, max(0, n - 2)), (-1, n)),
        ]
        rebuilt = ListTable(
            table.header, rows, table.col_widths, table.commands, table.row_commands + signature_row, tail=1
        )
        self.story[position:] = [rebuilt]
        self._last_table = None
        return True

    def bold(self, value: object, align: str = "left") -> Paragraph:
        """A bold cell for :meth:`grid` (totals, group labels)."""
        return Paragraph(
            esc(value),
            style("cell_b_" + align, self.cell_size, leading=self.cell_size * 1.15, bold=True, align=_ALIGNS[align]),
        )

    def page_break(self) -> None:
        from reportlab.platypus import PageBreak

        self.story.append(PageBreak())

    def space(self, height_mm: float) -> None:
        self.story.append(Spacer(1, height_mm * mm))

    def signature(
        self,
        recipients: Sequence[str] = (),
        *,
        authority: str | None = None,
        signer_title: str | None = None,
        signer_name: str | None = None,
        gap_mm: float = 20,
        left: list[Flowable] | None = None,
        space_before_mm: float = 3,
    ) -> None:
        """Nơi nhận on the left, authority / title / name on the right, kept together on one page."""
        authority = self.issuer.signing_authority if authority is None else authority
        signer_title = self.issuer.signer_title if signer_title is None else signer_title
        signer_name = self.issuer.signer_name if signer_name is None else signer_name
        left = list(left or [])
        if recipients:
            if self.party:
                left.append(Paragraph("<u>Nơi nhận:</u>", style("n0", 14)))
                item = style("n1", 12)
            else:
                left.append(Paragraph("Nơi nhận:", style("n0", 12, bold=True, italic=True)))
                item = style("n1", 11)
            for recipient in list(recipients) + ["Lưu: VT."]:
                left.append(Paragraph(esc(f"- {recipient}"), item))
        right: list[Flowable] = []
        if authority:
            right.append(Paragraph(esc(authority.upper()), style("s1", 14, bold=True, align=TA_CENTER)))
        if signer_title:
            right.append(Paragraph(esc(signer_title.upper()), style("s2", 14, bold=True, align=TA_CENTER)))
        right.append(Spacer(1, gap_mm * mm))
        if signer_name:
            right.append(Paragraph(esc(signer_name), style("s3", 14, bold=True, align=TA_CENTER)))
        left_width = self.width * 0.5
        table = Table([[left, right]], colWidths=[left_width, self.width - left_width])
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        if not self._attach_to_last_table(table, space_before_mm * mm):
            self.story.append(Spacer(1, space_before_mm * mm))
            self.story.append(KeepTogether([table]))

    # ------------------------------------------------------------ output
    def _page_number(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        if self.numbered and doc.page >= 2:  # official documents number pages from the second one
            canvas.saveState()
            canvas.setFont(FAMILY, 13)
            canvas.drawCentredString(self.pagesize[0] / 2, self.pagesize[1] - 13 * mm, str(doc.page))
            canvas.restoreState()

    def build(self, target: Path | str) -> Path:
        with replacing(target) as partial:
            doc = BaseDocTemplate(
                str(partial),
                pagesize=self.pagesize,
                leftMargin=self.margins.left,
                rightMargin=self.margins.right,
                topMargin=self.margins.top,
                bottomMargin=self.margins.bottom,
                title=self.title,
                author=self.issuer.issuing_body,
                creator="Sổ Dân vận khéo",
                # else every page names an unembedded Helvetica as its starting font
                initialFontName=FAMILY,
                initialFontSize=12,
            )
            frame = Frame(
                self.margins.left,
                self.margins.bottom,
                self.pagesize[0] - self.margins.left - self.margins.right,
                self.pagesize[1] - self.margins.top - self.margins.bottom,
                leftPadding=INK_GUARD,
                rightPadding=INK_GUARD,
                topPadding=INK_GUARD,
                bottomPadding=INK_GUARD,
                id="body",
            )
            doc.addPageTemplates([PageTemplate("page", frames=[frame], onPage=self._page_number)])
            doc.build(self.story)
        return Path(target)
