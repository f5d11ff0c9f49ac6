"""Measuring official documents on their rendered pages: ink margins, drawn rules, the text line above a rule.

A page is rendered with pdfium at :data:`DPI` (100 dpi: one pixel is 0.254 mm) to a grey image and measured
with Pillow alone.  Every length handed back is in millimetres, with the origin at the page's top-left
corner, x to the right and y downwards, as a ruler laid on the printed sheet reads.

What the image shows is what the upper office receives, so margins and rules are measured there rather
than on the drawing commands: a rule drawn twice, a table border drawn half outside its frame or a picture
wider than the text column all show up as ink.  The text layer only tells which line is which: where its
words are (:func:`find_text`) and which rows it owns (:func:`text_lines`); widths are measured on the image.

Precision: a pixel is 0.254 mm and an edge may darken one more pixel, so an edge is known to about a third
of a millimetre and a length to about twice that; :data:`TOLERANCE_MM` and :data:`LENGTH_TOLERANCE_MM` are
that measuring error, and nothing more.  (A stroke's own half width is ink, not error: a 0.5 pt table
border drawn on the 30 mm line prints from 29.9 mm.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image

DPI = 100
MM_PER_PX = 25.4 / DPI
PT_PER_MM = 72 / 25.4
# A pixel darker than this is a line or a letter.  Light enough to see a 0.5 pt grid line that pdfium
# spreads over two pixels (each then about 65% grey), dark enough that a table header's pale fill (#EEEEEE)
# and a photo's pale sky are not mistaken for lines.
INK = 200
# A pixel darker than this is printed at all: margins count every mark, a photo's pale sky included.
PAPER = 245
# What one pixel leaves unknown about an edge: pdfium widens a thin stroke to a whole pixel, and a pixel the
# edge only grazes is still printed.  A length has two edges.
TOLERANCE_MM = 0.3
LENGTH_TOLERANCE_MM = 2 * TOLERANCE_MM
# The page number sits centred in the top margin; ink entirely above this line, small and centred, is it.
NUMBER_BAND_MM = 18.0
NUMBER_MAX_WIDTH_MM = 15.0
NUMBER_MAX_OFF_CENTRE_MM = 5.0
# A drawn rule is 0.5–1 pt: one to three pixels at 100 dpi.  Anything thicker is a bar, a frame or a photo.
RULE_MAX_THICKNESS_PX = 3
# A table's horizontal line meets vertical lines at least a row high; a descender or a diacritic dot that
# touches a rule from above is far shorter than this.
GRID_STROKE_MM = 3.0


def px(mm: float) -> int:
    """Millimetres → pixels at :data:`DPI` (rounded to the nearest pixel)."""
    return round(mm / MM_PER_PX)


def mm(pixels: float) -> float:
    """Pixels at :data:`DPI` → millimetres."""
    return pixels * MM_PER_PX


@dataclass(frozen=True)
class Box:
    """A rectangle on the page in mm from the top-left corner; ``right`` and ``bottom`` are its far edges."""

    left: float
    top: float
    right: float
    bottom: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def centre_x(self) -> float:
        return (self.left + self.right) / 2

    def __str__(self) -> str:
        return (
            f"x {self.left:.1f}–{self.right:.1f} mm, y {self.top:.1f}–{self.bottom:.1f} mm ({self.width:.1f} mm wide)"
        )


@dataclass(frozen=True)
class Margins:
    """Blank distance from each edge of the sheet to the nearest ink, in mm."""

    top: float
    bottom: float
    left: float
    right: float

    def __str__(self) -> str:
        return f"top {self.top:.1f}, bottom {self.bottom:.1f}, left {self.left:.1f}, right {self.right:.1f} mm"


@dataclass(frozen=True)
class Rule:
    """A drawn horizontal line: a run of ink 1–3 px thick, blank above and below, not part of a table grid."""

    left: float
    right: float
    y: float  # the middle of its thickness
    thickness_px: int

    @property
    def length(self) -> float:
        return self.right - self.left

    @property
    def centre_x(self) -> float:
        return (self.left + self.right) / 2

    def __str__(self) -> str:
        return f"rule {self.length:.1f} mm long (x {self.left:.1f}–{self.right:.1f}, y {self.y:.1f} mm)"


@dataclass
class Page:
    """One rendered page: a grey image, its 1-based number and the sheet's size in mm."""

    image: Image.Image
    number: int
    width_mm: float
    height_mm: float

    @property
    def landscape(self) -> bool:
        return self.width_mm > self.height_mm


# ----------------------------------------------------------------------------- rendering


def page_count(path: Path) -> int:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def _render(pdf: pdfium.PdfDocument, index: int, dpi: int) -> Page:
    page = pdf[index]
    width, height = page.get_size()
    # Rendered to grey straight away: colour says nothing about margins or rules, and a grey image is a third
    # of the memory (a bundle of score sheets is 160 pages).
    image = page.render(scale=dpi / 72).to_pil().convert("L")
    return Page(image, index + 1, width / PT_PER_MM, height / PT_PER_MM)


def render_page(path: Path, number: int = 1, dpi: int = DPI) -> Page:
    """Page ``number`` (1-based) of the PDF at ``path``, rendered."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return _render(pdf, number - 1, dpi)
    finally:
        pdf.close()


def render_pages(path: Path, dpi: int = DPI) -> Iterator[Page]:
    """Every page in turn; one image at a time is kept, so a long bundle costs one page of memory."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            yield _render(pdf, index, dpi)
    finally:
        pdf.close()


# ----------------------------------------------------------------------------- ink


def ink_mask(image: Image.Image, threshold: int = INK) -> Image.Image:
    """255 where the page is darker than ``threshold`` (lines and letters by default), 0 elsewhere."""
    return image.point(lambda value: 255 if value < threshold else 0)


def _box_px(mask: Image.Image, region: tuple[int, int, int, int] | None = None) -> tuple[int, int, int, int] | None:
    if region is None:
        return mask.getbbox()
    found = mask.crop(region).getbbox()
    if found is None:
        return None
    return found[0] + region[0], found[1] + region[1], found[2] + region[0], found[3] + region[1]


def _to_box(found: tuple[int, int, int, int]) -> Box:
    left, top, right, bottom = found
    return Box(mm(left), mm(top), mm(right), mm(bottom))


def _region_px(image: Image.Image, region: Box | None) -> tuple[int, int, int, int]:
    if region is None:
        return 0, 0, image.width, image.height
    return (
        max(0, px(region.left)),
        max(0, px(region.top)),
        min(image.width, px(region.right)),
        min(image.height, px(region.bottom)),
    )


def ink_box(image: Image.Image, region: Box | None = None, *, threshold: int = PAPER) -> Box | None:
    """The bounding box of everything printed (in ``region`` if given), in mm from the page's top-left corner."""
    return _ink_box(ink_mask(image, threshold), image, region)


def _ink_box(mask: Image.Image, image: Image.Image, region: Box | None) -> Box | None:
    found = _box_px(mask, _region_px(image, region))
    return _to_box(found) if found else None


def page_number_box(page: Page) -> Box | None:
    """The page number's ink: what lies entirely above :data:`NUMBER_BAND_MM`, if it is small and centred.

    Both rules print the page number centred in the top margin.  Ink up there that is wide or off centre is
    not a page number but content that climbed into the margin, and is left for the margin check to see.
    """
    mask = ink_mask(page.image, PAPER)
    band = Box(0, 0, page.width_mm, NUMBER_BAND_MM)
    found = _ink_box(mask, page.image, band)
    if found is None:
        return None
    # Ink touching the band's lower edge goes on below it: a text line, not a number standing alone.
    crossing = _ink_box(mask, page.image, Box(0, NUMBER_BAND_MM - mm(1), page.width_mm, NUMBER_BAND_MM + mm(1)))
    small = found.width <= NUMBER_MAX_WIDTH_MM and found.height <= 8
    centred = abs(found.centre_x - page.width_mm / 2) <= NUMBER_MAX_OFF_CENTRE_MM
    if small and centred and (crossing is None or crossing.left > found.right or crossing.right < found.left):
        return found
    return None


def body_box(page: Page) -> Box | None:
    """The box of everything printed on the page but its page number (see :func:`page_number_box`)."""
    mask = ink_mask(page.image, PAPER)
    number = page_number_box(page)
    if number is not None:
        mask.paste(0, (px(number.left) - 1, 0, px(number.right) + 1, px(number.bottom) + 1))
    return _ink_box(mask, page.image, None)


def body_margins(page: Page) -> Margins | None:
    """Blank margins around the page's content (page number excluded); ``None`` for a blank page."""
    box = body_box(page)
    if box is None:
        return None
    return Margins(box.top, page.height_mm - box.bottom, box.left, page.width_mm - box.right)


# ----------------------------------------------------------------------------- rules


def _dark_rows(mask: Image.Image) -> bytes:
    return mask.tobytes()


def _row(data: bytes, width: int, y: int, x0: int, x1: int) -> bytes:
    return data[y * width + x0 : y * width + x1]


def _vertical_stroke(data: bytes, width: int, height: int, rows: range, x0: int, x1: int) -> bool:
    """Whether some column in [x0, x1) is ink on every row of ``rows`` (a grid line's vertical)."""
    if rows.start < 0 or rows.stop > height or x0 >= x1:
        return False
    common = -1
    for y in rows:
        common &= int.from_bytes(_row(data, width, y, x0, x1), "big")
        if not common:
            return False
    return True


def horizontal_lines(image: Image.Image, *, min_length_mm: float = 5.0) -> list[tuple[int, int, int, int]]:
    """Every horizontal run of ink at least ``min_length_mm`` long, merged over adjacent rows.

    Returns (x0, x1, y0, y1) in pixels, x1 and y1 exclusive: the raw material of :func:`rules`, and a way to
    see a table's full-width border (:func:`widest_line`).
    """
    mask = ink_mask(image)
    data, width = _dark_rows(mask), image.width
    pattern = re.compile(rb"\xff{%d,}" % max(1, px(min_length_mm)))
    open_lines: list[list[int]] = []  # [x0, x1, y0, y1]
    done: list[list[int]] = []
    for y in range(image.height):
        row = _row(data, width, y, 0, width)
        runs = [(m.start(), m.end()) for m in pattern.finditer(row)] if b"\xff" in row else []
        still_open: list[list[int]] = []
        for line in open_lines:
            if line[3] != y:
                done.append(line)
                continue
            still_open.append(line)
        open_lines = still_open
        for start, end in runs:
            for line in open_lines:
                overlap = min(end, line[1]) - max(start, line[0])
                # One line spread over two rows by anti-aliasing keeps (nearly) the same ends.
                if line[3] == y and overlap >= 0.8 * min(end - start, line[1] - line[0]):
                    line[0], line[1], line[3] = min(line[0], start), max(line[1], end), y + 1
                    break
            else:
                open_lines.append([start, end, y, y + 1])
    done.extend(open_lines)
    return [(x0, x1, y0, y1) for x0, x1, y0, y1 in sorted(done, key=lambda line: (line[2], line[0]))]


def rules(image: Image.Image, region: Box | None = None, *, min_length_mm: float = 5.0) -> list[Rule]:
    """The drawn rules on the page (within ``region`` if given), top to bottom.

    A rule is a horizontal run of ink at least ``min_length_mm`` long and 1–3 px thick, whose rows just
    above and just below are (nearly) blank over its length, and which no vertical stroke of
    :data:`GRID_STROKE_MM` or more meets: so a table's lines, a photo's edges, a bar chart's bars and the
    serifs of a bold text line are not rules, while a rule that a descender grazes still is.
    """
    mask = ink_mask(image)
    data, width, height = _dark_rows(mask), image.width, image.height
    stroke = px(GRID_STROKE_MM)
    found: list[Rule] = []
    for x0, x1, y0, y1 in horizontal_lines(image, min_length_mm=min_length_mm):
        if y1 - y0 > RULE_MAX_THICKNESS_PX:
            continue
        length = x1 - x0
        above = _row(data, width, y0 - 1, x0, x1).count(b"\xff") if y0 > 0 else 0
        below = _row(data, width, y1, x0, x1).count(b"\xff") if y1 < height else 0
        if above > 0.1 * length or below > 0.1 * length:
            continue
        # A stroke may meet the line at its very end, one pixel beyond what the run measured.
        lo, hi = max(0, x0 - 1), min(width, x1 + 1)
        if _vertical_stroke(data, width, height, range(y0 - stroke, y0), lo, hi) or _vertical_stroke(
            data, width, height, range(y1, y1 + stroke), lo, hi
        ):
            continue
        rule = Rule(mm(x0), mm(x1), mm((y0 + y1) / 2), y1 - y0)
        if region is None or (
            region.left <= rule.left and rule.right <= region.right and region.top <= rule.y <= region.bottom
        ):
            found.append(rule)
    return found


def widest_line(image: Image.Image) -> float:
    """The length in mm of the longest horizontal line of ink on the page (0 if none): a table's border."""
    lines = horizontal_lines(image, min_length_mm=50)
    return max((mm(x1 - x0) for x0, x1, _, _ in lines), default=0.0)


# ----------------------------------------------------------------------------- text lines


def text_line_extent(
    image: Image.Image,
    y_above: float,
    x0: float,
    x1: float,
    *,
    band: Box | None = None,
    search_mm: float = 6.0,
    max_gap_px: int = 2,
) -> Box | None:
    """The ink of the text line just above ``y_above`` (a rule's top) between x ``x0`` and ``x1`` (mm).

    With ``band`` (the line's rows, from :func:`line_above`), the ink of those rows down to ``y_above`` is
    measured.  Without it the rows are guessed from the image: from ``y_above`` upwards, blank rows are
    skipped (at most ``search_mm``) to the line's lowest ink, then the line is followed up while rows carry
    ink, a blank gap of up to ``max_gap_px`` rows being a stacked diacritic.  The guess fails where the
    marks over one line's capitals come within a pixel or two of the dots under the line before ("HUYỆN"
    over "LÂM HÀ"), so pass a band whenever the PDF has a text layer.  ``None`` if no text is there.
    """
    mask = ink_mask(image)
    data, width = _dark_rows(mask), image.width
    left, right = max(0, px(x0)), min(width, px(x1))
    if band is not None:
        top, stop = max(0, px(band.top)), min(px(band.bottom), px(y_above))
        found = _box_px(mask, (left, top, right, stop)) if stop > top else None
        return _to_box(found) if found else None

    def inked(y: int) -> bool:
        return b"\xff" in _row(data, width, y, left, right)

    y = px(y_above) - 1
    lowest = max(0, y - px(search_mm))
    while y >= lowest and not inked(y):
        y -= 1
    if y < lowest:
        return None
    bottom = y
    top, gap = y, 0
    while y > 0 and gap <= max_gap_px:
        y -= 1
        if inked(y):
            top, gap = y, 0
        else:
            gap += 1
    found = _box_px(mask, (left, top, right, bottom + 1))
    return _to_box(found) if found else None


def line_above(lines: list[Box], y: float, x0: float, x1: float) -> Box | None:
    """Of the text layer's ``lines`` (:func:`text_lines`), the lowest one above ``y`` that reaches into
    [x0, x1]: the line a rule at ``y`` is drawn under."""
    above = [line for line in lines if line.right > x0 and line.left < x1 and (line.top + line.bottom) / 2 < y]
    return max(above, key=lambda line: line.bottom, default=None)


def rule_under_text(image: Image.Image, rule: Rule, x0: float, x1: float, lines: list[Box] | None = None) -> Box | None:
    """The ink of the text line directly above ``rule``, between x ``x0`` and ``x1`` (its block's width).

    ``lines`` (the page's :func:`text_lines`) tell which rows that line occupies; without them the rows are
    guessed from the image (see :func:`text_line_extent`).
    """
    top = rule.y - mm(rule.thickness_px) / 2
    band = line_above(lines, top, x0, x1) if lines is not None else None
    if lines is not None and band is None:
        return None
    return text_line_extent(image, top, x0, x1, band=band)


def column_gaps(image: Image.Image, y0: float, y1: float, x0: float, x1: float) -> list[tuple[float, float]]:
    """Runs of blank columns between rows ``y0`` and ``y1`` and columns ``x0`` and ``x1`` (mm), left to right.

    Used to find where a header's left block (the issuing body) ends and its right block (the national or
    Party line) begins, without assuming the column widths the layout chose.
    """
    mask = ink_mask(image)
    top, bottom = max(0, px(y0)), min(image.height, px(y1))
    left, right = max(0, px(x0)), min(image.width, px(x1))
    if bottom <= top or right <= left:
        return []
    # Transposed, each column of the band is one row of bytes: a column is blank when it holds no ink.
    columns = mask.crop((left, top, right, bottom)).transpose(Image.Transpose.TRANSPOSE)
    data, height = columns.tobytes(), bottom - top
    inked = bytes(0xFF if b"\xff" in data[i * height : (i + 1) * height] else 0 for i in range(right - left))
    gaps = []
    for match in re.finditer(rb"\x00+", inked):
        gaps.append((mm(left + match.start()), mm(left + match.end())))
    return gaps


# ----------------------------------------------------------------------------- the text layer


def find_text(path: Path, needle: str, page: int = 1) -> list[Box]:
    """Where ``needle`` is printed on ``page`` (1-based), one box per occurrence, in mm from the top-left.

    The text layer says which line is which; the measuring itself is done on the image.
    """
    pdf = pdfium.PdfDocument(str(path))
    try:
        sheet = pdf[page - 1]
        height = sheet.get_height()
        textpage = sheet.get_textpage()
        searcher = textpage.search(needle, match_case=True)
        found: list[Box] = []
        while (hit := searcher.get_next()) is not None:
            start, count = hit
            boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
            boxes = [b for b in boxes if b[2] > b[0]]  # spaces have no box
            if not boxes:
                continue
            left = min(b[0] for b in boxes)
            right = max(b[2] for b in boxes)
            bottom = min(b[1] for b in boxes)
            top = max(b[3] for b in boxes)
            found.append(
                Box(left / PT_PER_MM, (height - top) / PT_PER_MM, right / PT_PER_MM, (height - bottom) / PT_PER_MM)
            )
        return found
    finally:
        pdf.close()


def header_blocks(page: Page, y0: float, y1: float) -> tuple[Box, Box] | None:
    """The two blocks of an official header between rows ``y0`` and ``y1`` (mm): issuing body, national line.

    They are told apart by the widest blank gap of columns in the middle half of the sheet, so the test
    does not assume the widths the layout gave its two columns; ``None`` when the blocks touch.
    """
    gaps = column_gaps(page.image, y0, y1, page.width_mm * 0.25, page.width_mm * 0.75)
    if not gaps:
        return None
    left_end, right_start = max(gaps, key=lambda gap: gap[1] - gap[0])
    return Box(0, y0, left_end, y1), Box(right_start, y0, page.width_mm, y1)


def text_lines(path: Path, page: int = 1) -> list[Box]:
    """The printed lines of ``page`` (1-based) as the text layer has them, in mm from the top-left.

    Each box spans its characters across, and the font's full height (ascent to descent, or a mark that
    rises higher) down: the rows the line owns, which the lines above and below do not reach even where
    their diacritics nearly touch.  Characters printed one after another on the same baseline, less than
    8 mm apart, make one line; a header's two blocks on one baseline are two lines.
    """
    pdf = pdfium.PdfDocument(str(path))
    try:
        sheet = pdf[page - 1]
        height = sheet.get_height()
        textpage = sheet.get_textpage()
        lines: list[list[float]] = []  # [left, top, right, bottom] in mm
        for index in range(textpage.count_chars()):
            if not textpage.get_text_range(index, 1).strip():
                continue
            left, bottom, right, top = (v / PT_PER_MM for v in textpage.get_charbox(index, loose=True))
            box = [left, height / PT_PER_MM - top, right, height / PT_PER_MM - bottom]
            last = lines[-1] if lines else None
            if last is not None and abs(last[3] - box[3]) <= 0.3 and box[0] - last[2] <= 8 and box[2] > last[0]:
                last[0], last[1], last[2] = min(last[0], box[0]), min(last[1], box[1]), max(last[2], box[2])
            else:
                lines.append(box)
        return [Box(*line) for line in lines]
    finally:
        pdf.close()
