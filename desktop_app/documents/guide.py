"""The user guide (Hướng dẫn sử dụng) as a PDF: a small markup text and the screenshots it names.

The text lives in ``resources/guide/huong-dan-su-dung.md`` so that it can be corrected without touching code; the
screenshots are taken from the current screens (``python -m ui.user_guide``), so the guide never shows a screen
that no longer exists.  This module only parses the text and lays out the PDF: it knows nothing of Qt.

The markup, one block per paragraph (blocks are separated by a blank line):

- ``# Title``: a chapter, ``## Title``: a section (numbered here: 1., 1.1.);
- ``- item`` lines: a bulleted list; ``1. item`` lines: numbered steps;
- ``> text``: a note set apart in a box;
- ``![Caption](name)``: the screenshot ``name.png`` scaled to the text width, captioned «Hình N. Caption»;
- anything else: a paragraph; ``**bold**`` inside any text; ``%`` at the start of a line: a comment.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, cast
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from ..errors import AppError
from ..fileio import replacing
from ..resources import resources_dir
from ..text import format_date
from .fonts import FAMILY, register_fonts

TITLE = "HƯỚNG DẪN SỬ DỤNG"
SUBTITLE = "Sổ Dân vận khéo"
GUIDE_TEXT = ("guide", "huong-dan-su-dung.md")
IMAGE_SUFFIX = ".png"


class GuideError(AppError):
    """The guide's text is malformed or names a screenshot that was not taken."""


@dataclass(frozen=True)
class Heading:
    level: int  # 1 chapter, 2 section
    text: str
    line: int


@dataclass(frozen=True)
class Paragraph_:
    text: str
    line: int


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Steps:
    items: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class Note:
    text: str
    line: int


@dataclass(frozen=True)
class Figure:
    name: str
    caption: str
    line: int


Block = Heading | Paragraph_ | Bullets | Steps | Note | Figure

_FIGURE = re.compile(r"^!\[(?P<caption>[^\]]+)\]\((?P<name>[A-Za-z0-9_.-]+)\)$")
_STEP = re.compile(r"^\d+\.\s+")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def guide_text_path() -> Path:
    return resources_dir().joinpath(*GUIDE_TEXT)


def parse_guide(text: str) -> list[Block]:
    """The blocks of ``text`` in order; a malformed block raises :class:`GuideError` naming its line."""
    blocks: list[Block] = []
    chunk: list[tuple[int, str]] = []

    def flush() -> None:
        if chunk:
            blocks.append(_block(chunk))
            chunk.clear()

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.startswith("%"):
            continue
        if not line.strip():
            flush()
            continue
        if line.startswith("#"):  # a heading is a block of its own even without blank lines around it
            flush()
            chunk.append((number, line))
            flush()
            continue
        chunk.append((number, line))
    flush()
    return blocks


def _block(lines: list[tuple[int, str]]) -> Block:
    first_line, first = lines[0]
    if first.startswith("#"):
        marks = len(first) - len(first.lstrip("#"))
        title = first[marks:].strip()
        if marks > 2 or not title or first[marks] != " ":
            raise GuideError(f"Dòng {first_line} của bản hướng dẫn: tiêu đề phải là «# Chương» hoặc «## Mục».")
        return Heading(marks, title, first_line)
    if first.startswith("!["):
        match = _FIGURE.match(first.strip())
        if match is None or len(lines) > 1:
            raise GuideError(
                f"Dòng {first_line} của bản hướng dẫn: hình phải viết «![Chú thích](ten-hinh)» trên một dòng."
            )
        return Figure(match["name"], match["caption"].strip(), first_line)
    if first.startswith("> "):
        return Note(_join(line.removeprefix(">").strip() for _, line in lines), first_line)
    if first.startswith("- "):
        return Bullets(tuple(_items(lines, lambda s: s.startswith("- "), 2)), first_line)
    if _STEP.match(first):
        return Steps(tuple(_items(lines, lambda s: bool(_STEP.match(s)), None)), first_line)
    return Paragraph_(_join(line.strip() for _, line in lines), first_line)


def _items(lines: list[tuple[int, str]], starts: Any, cut: int | None) -> list[str]:
    """List items; a line that does not start a new item continues the one before (wrapped text)."""
    items: list[str] = []
    for _, line in lines:
        stripped = line.strip()
        if starts(stripped):
            items.append(stripped[cut:] if cut is not None else _STEP.sub("", stripped, count=1))
        else:
            items[-1] += " " + stripped
    return [item.strip() for item in items]


def _join(parts: Any) -> str:
    return " ".join(part for part in parts if part)


def figure_names(blocks: Sequence[Block]) -> list[str]:
    """The screenshots the guide shows, in order."""
    return [block.name for block in blocks if isinstance(block, Figure)]


def missing_images(blocks: Sequence[Block], images: Mapping[str, Path]) -> list[str]:
    return [name for name in figure_names(blocks) if name not in images or not Path(images[name]).is_file()]


def images_in(folder: Path) -> dict[str, Path]:
    """The screenshots in ``folder`` by name (the file name without ``.png``)."""
    return {path.stem: path for path in sorted(Path(folder).glob(f"*{IMAGE_SUFFIX}"))}


# ----------------------------------------------------------------- layout

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 25 * mm, 20 * mm, 20 * mm, 22 * mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
SCREEN_WIDTH = 1280  # pixels: the main window in the screenshots (ui.screenshots.SIZE)
CHAPTER_ROOM = TEXT_HEIGHT * 0.3
SECTION_ROOM = 40 * mm
MAX_IMAGE_HEIGHT = TEXT_HEIGHT * 0.62  # a figure and its caption keep room for a few lines of text
ACCENT = colors.HexColor("#a31515")
NOTE_BACKGROUND = colors.HexColor("#fff7dc")
NOTE_BORDER = colors.HexColor("#e0a800")


def _styles() -> dict[str, ParagraphStyle]:
    family = register_fonts()
    body = ParagraphStyle("body", fontName=family, fontSize=11.5, leading=15, spaceAfter=5, alignment=4)
    return {
        "body": body,
        "item": ParagraphStyle("item", parent=body, spaceAfter=2),
        "note": ParagraphStyle("note", parent=body, spaceAfter=0, alignment=0),
        "chapter": ParagraphStyle(
            "chapter",
            fontName=f"{family}-Bold",
            fontSize=17,
            leading=22,
            spaceBefore=16,
            spaceAfter=10,
            textColor=ACCENT,
            keepWithNext=1,  # never a heading alone at the foot of a page
        ),
        "section": ParagraphStyle(
            "section",
            fontName=f"{family}-Bold",
            fontSize=13.5,
            leading=18,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
        ),
        "caption": ParagraphStyle(
            "caption",
            fontName=f"{family}-Italic",
            fontSize=11,
            leading=14,
            alignment=TA_CENTER,
            spaceBefore=3,
            spaceAfter=10,
        ),
        "title": ParagraphStyle(
            "title", fontName=f"{family}-Bold", fontSize=28, leading=36, alignment=TA_CENTER, textColor=ACCENT
        ),
        "subtitle": ParagraphStyle("subtitle", fontName=f"{family}-Bold", fontSize=20, leading=26, alignment=TA_CENTER),
        "centre": ParagraphStyle("centre", fontName=family, fontSize=13, leading=18, alignment=TA_CENTER),
        "toc_title": ParagraphStyle(
            "toc_title", fontName=f"{family}-Bold", fontSize=17, leading=22, spaceAfter=6, textColor=ACCENT
        ),
        "toc1": ParagraphStyle("toc1", fontName=f"{family}-Bold", fontSize=11.5, leading=13.5, leftIndent=0),
        "toc2": ParagraphStyle("toc2", fontName=family, fontSize=11, leading=12.8, leftIndent=8 * mm),
    }


def _inline(text: str) -> str:
    """Escaped text with ``**bold**`` made bold."""
    return _BOLD.sub(r"<b>\1</b>", escape(text))


class _Heading(Paragraph):
    """A numbered heading that tells the document its table-of-contents entry and its bookmark."""

    def __init__(self, number: str, text: str, level: int, style: ParagraphStyle) -> None:
        super().__init__(f"{escape(number)} {_inline(text)}", style)
        self.toc_level = level - 1
        self.toc_text = f"{number} {text}"
        self.key = f"h{number.rstrip('.').replace('.', '-')}"


class _Contents(TableOfContents):
    """The table of contents as two columns, heading and page number, each row linked to its heading.

    reportlab's own draws the page number from a callback, after the text; a reader (and a test) extracting the
    text then finds the numbers out of order.  Here each row reads «1.2. Heading … 7».
    """

    def __init__(self, styles: dict[str, ParagraphStyle]) -> None:
        super().__init__(levelStyles=[styles["toc1"], styles["toc2"]])
        self.number_style = ParagraphStyle("toc_page", parent=styles["toc1"], alignment=TA_RIGHT, leftIndent=0)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # reportlab's names
        # The entries of the previous pass (reportlab's own attribute); on the first pass there are none yet.
        entries: list[tuple[Any, ...]] = getattr(self, "_lastEntries", None) or [(0, "…", 0, None)]
        rows: list[list[Flowable]] = []
        commands: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
        ]
        for row, (level, text, page, key) in enumerate(entries):
            style = self.getLevelStyle(level)
            title = f'<a href="#{key}">{text}</a>' if key else text
            number = ParagraphStyle("n", parent=self.number_style, fontName=style.fontName, fontSize=style.fontSize)
            rows.append([Paragraph(title, style), Paragraph(str(page), number)])
            if level == 0 and row:
                commands.append(("TOPPADDING", (0, row), (-1, row), 4))
            commands.append(("LINEBELOW", (0, row), (-1, row), 0.4, colors.HexColor("#c0c0c0"), None, (1, 2)))
        self._table = Table(rows, colWidths=(availWidth - 14 * mm, 14 * mm), style=TableStyle(commands))
        self.width, self.height = self._table.wrapOn(self.canv, availWidth, availHeight)
        return self.width, self.height


class _GuideDoc(BaseDocTemplate):
    def __init__(self, path: str, *, footer: str, **kwargs: Any) -> None:
        super().__init__(path, pagesize=A4, **kwargs)
        self.footer = footer
        frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, TEXT_WIDTH, TEXT_HEIGHT, 0, 0, 0, 0, id="body")
        self.addPageTemplates(
            [
                PageTemplate("title", [frame]),
                PageTemplate("body", [frame], onPage=self._footer),
            ]
        )

    def _footer(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FAMILY, 9.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        y = MARGIN_BOTTOM - 10 * mm
        canvas.drawString(MARGIN_LEFT, y, self.footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN_RIGHT, y, f"Trang {doc.page}")
        canvas.setStrokeColor(colors.HexColor("#bbbbbb"))
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN_LEFT, y + 4 * mm, PAGE_WIDTH - MARGIN_RIGHT, y + 4 * mm)
        canvas.restoreState()

    def afterFlowable(self, flowable: Flowable) -> None:  # reportlab's hook
        if isinstance(flowable, _Heading):
            self.canv.bookmarkPage(flowable.key)
            self.canv.addOutlineEntry(flowable.toc_text, flowable.key, level=flowable.toc_level)
            self.notify("TOCEntry", (flowable.toc_level, escape(flowable.toc_text), self.page, flowable.key))


def _figure(path: Path, number: int, caption: str, style: ParagraphStyle, screen_width: int) -> Flowable:
    """The screenshot with its caption; a screenshot of the whole window spans the text width, a smaller dialog is
    drawn at the same scale (its letters as big as the window's), never wider than the text."""
    image = Image(str(path))
    width, height = image.imageWidth, image.imageHeight
    scale = min(TEXT_WIDTH / max(width, screen_width), MAX_IMAGE_HEIGHT / height)
    image.drawWidth, image.drawHeight = width * scale, height * scale
    # A thin frame: light screens otherwise melt into the white page.
    framed = Table([[image]], colWidths=[image.drawWidth], rowHeights=[image.drawHeight])
    framed.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#9aa5b1")),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return KeepTogether([Spacer(1, 2 * mm), framed, Paragraph(f"Hình {number}. {_inline(caption)}", style)])


def _note(text: str, style: ParagraphStyle) -> Flowable:
    box = Table([[Paragraph(_inline(text), style)]], colWidths=[TEXT_WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), NOTE_BACKGROUND),
                ("LINEBEFORE", (0, 0), (0, -1), 3, NOTE_BORDER),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return KeepTogether([box, Spacer(1, 3 * mm)])


def _list(items: Sequence[str], style: ParagraphStyle, *, numbered: bool) -> Flowable:
    family = register_fonts()
    return ListFlowable(
        [cast(Flowable, ListItem(Paragraph(_inline(item), style))) for item in items],
        bulletType="1" if numbered else "bullet",
        start="1" if numbered else "•",
        bulletFontName=family,
        bulletFontSize=11.5 if numbered else 12,
        bulletFormat="%s." if numbered else "%s",
        leftIndent=7 * mm,
        bulletDedent=5 * mm if numbered else 4 * mm,
        spaceAfter=6,
    )


def _title_page(styles: dict[str, ParagraphStyle], version: str, today: date) -> list[Flowable]:
    return [
        Spacer(1, 55 * mm),
        Paragraph(TITLE, styles["title"]),
        Spacer(1, 6 * mm),
        Paragraph(f"— {SUBTITLE} —", styles["subtitle"]),
        Spacer(1, 12 * mm),
        Paragraph("Phần mềm quản lý phong trào thi đua “Dân vận khéo”", styles["centre"]),
        Paragraph("dành cho cán bộ Ban Dân vận, Văn phòng, Phòng Nội vụ", styles["centre"]),
        Spacer(1, 70 * mm),
        Paragraph(f"Phiên bản {escape(version)}", styles["centre"]),
        Paragraph(f"Cập nhật ngày {format_date(today)}", styles["centre"]),
    ]


def _block_texts(block: Block) -> list[str]:
    if isinstance(block, Bullets | Steps):
        return list(block.items)
    if isinstance(block, Figure):
        return [block.caption]
    return [block.text]


def _check_glyphs(blocks: Sequence[Block]) -> None:
    """A character the font lacks would print as a blank box: refused, with the line to correct."""
    for style in ("", "-Bold", "-Italic"):
        glyphs = cast(TTFont, pdfmetrics.getFont(FAMILY + style)).face.charToGlyph
        for block in blocks:
            missing = sorted({ch for text in _block_texts(block) for ch in text if ch > " " and ord(ch) not in glyphs})
            if missing:
                raise GuideError(
                    f"Dòng {block.line} của bản hướng dẫn có ký tự phông chữ không in được: {' '.join(missing)}."
                )


def story(
    blocks: Sequence[Block],
    images: Mapping[str, Path],
    *,
    version: str,
    today: date,
    screen_width: int = SCREEN_WIDTH,
) -> list[Flowable]:
    """The flowables of the whole guide: title page, table of contents, the numbered chapters.

    ``screen_width``: the width in pixels of a screenshot of the whole window, drawn across the text width.
    """
    missing = missing_images(blocks, images)
    if missing:
        raise GuideError(
            "Bản hướng dẫn cần hình chưa có: " + ", ".join(f"«{name}»" for name in dict.fromkeys(missing)) + "."
        )
    styles = _styles()
    _check_glyphs(blocks)
    toc = _Contents(styles)
    flowables: list[Flowable] = [
        *_title_page(styles, version, today),
        NextPageTemplate("body"),
        PageBreak(),
        Paragraph("MỤC LỤC", styles["toc_title"]),
        toc,
    ]
    chapter = section = figure = 0
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == 1:
                chapter, section = chapter + 1, 0
                # The first chapter after the contents on a page of its own; the others where they fall, unless
                # the page has no room left for a heading and a few lines (a figure follows often).
                flowables += [
                    PageBreak() if chapter == 1 else CondPageBreak(CHAPTER_ROOM),
                    _Heading(f"{chapter}.", block.text, 1, styles["chapter"]),
                ]
            else:
                if chapter == 0:
                    raise GuideError(f"Dòng {block.line} của bản hướng dẫn: mục «{block.text}» đứng trước chương đầu.")
                section += 1
                # keepWithNext cannot hold a heading to a list (reportlab keeps no list together): room for both.
                flowables += [
                    CondPageBreak(SECTION_ROOM),
                    _Heading(f"{chapter}.{section}.", block.text, 2, styles["section"]),
                ]
        elif isinstance(block, Paragraph_):
            flowables.append(Paragraph(_inline(block.text), styles["body"]))
        elif isinstance(block, Bullets | Steps):
            flowables.append(_list(block.items, styles["item"], numbered=isinstance(block, Steps)))
        elif isinstance(block, Note):
            flowables.append(_note(block.text, styles["note"]))
        elif isinstance(block, Figure):
            figure += 1
            flowables.append(_figure(Path(images[block.name]), figure, block.caption, styles["caption"], screen_width))
    return flowables


def build_guide_pdf(
    target: Path | str,
    blocks: Sequence[Block],
    images: Mapping[str, Path],
    *,
    version: str,
    today: date | None = None,
    screen_width: int = SCREEN_WIDTH,
) -> Path:
    """Write the guide to ``target`` (through a temporary file: a failure leaves no half PDF); returns it."""
    today = today or date.today()
    flowables = story(blocks, images, version=version, today=today, screen_width=screen_width)
    target = Path(target)
    with replacing(target) as partial:
        doc = _GuideDoc(
            str(partial),
            footer=f"Hướng dẫn sử dụng {SUBTITLE} — phiên bản {version}",
            title=f"{TITLE.capitalize()} {SUBTITLE}",
            author=SUBTITLE,
            subject="Hướng dẫn sử dụng",
            leftMargin=MARGIN_LEFT,
            rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP,
            bottomMargin=MARGIN_BOTTOM,
        )
        doc.multiBuild(flowables)
    return target


def build_guide(target: Path | str, image_folder: Path, *, version: str, today: date | None = None) -> Path:
    """The shipped guide: the text in ``resources/guide`` with the screenshots found in ``image_folder``."""
    blocks = parse_guide(guide_text_path().read_text(encoding="utf-8"))
    return build_guide_pdf(target, blocks, images_in(image_folder), version=version, today=today)
