"""Reading generated PDFs back: text, fonts, page sizes, and text that escapes its cell or the page."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader

MM = 72 / 25.4


def text(path: Path) -> str:
    """All the text, whitespace collapsed, so wrapped names read as one line."""
    reader = PdfReader(str(path))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def page_texts(path: Path) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(str(path)).pages]


def fonts(path: Path) -> dict[str, bool]:
    """Base font name → embedded (has a font file)."""
    found: dict[str, bool] = {}
    for page in PdfReader(str(path)).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[str(font["/BaseFont"])] = embedded
    return found


def page_sizes_mm(path: Path) -> list[tuple[int, int]]:
    return [
        (round(float(p.mediabox.width) / MM), round(float(p.mediabox.height) / MM)) for p in PdfReader(str(path)).pages
    ]


@dataclass
class Problem:
    page: int
    char: str
    where: str

    def __str__(self) -> str:
        return f"trang {self.page}: «{self.char}» {self.where}"


def _vertical_lines(page) -> list[tuple[float, float, float]]:
    """(x, y0, y1) of every thin vertical stroke (table grid lines) on the page."""
    lines = []
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        if right - left < 1.5 and top - bottom > 4:
            lines.append(((left + right) / 2, bottom, top))
    return lines


def overflow(path: Path, *, margin_mm: float = 8, tolerance: float = 0.6) -> list[Problem]:
    """Characters outside the page's printable area, or crossed by a table's vertical grid line.

    Each page is also rendered to an image, and every grid line found must be visible ink there,
    so the geometry checked is the geometry printed.
    """
    problems: list[Problem] = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            width, height = page.get_width(), page.get_height()
            lines = _vertical_lines(page)
            image = page.render(scale=2).to_pil().convert("L")
            for x, y0, y1 in lines:
                px, py = int(x * 2), int((height - (y0 + y1) / 2) * 2)
                ink = min(
                    image.getpixel((min(max(c, 0), image.width - 1), min(py, image.height - 1)))
                    for c in range(px - 2, px + 3)
                )
                if ink > 200:
                    problems.append(Problem(index + 1, "|", f"đường kẻ ở x={x:.1f} không hiện trên ảnh"))
            textpage = page.get_textpage()
            for i in range(textpage.count_chars()):
                char = textpage.get_text_range(i, 1)
                if not char.strip():
                    continue
                left, bottom, right, top = textpage.get_charbox(i)
                if (
                    left < margin_mm * MM
                    or right > width - margin_mm * MM
                    or bottom < margin_mm * MM
                    or top > height - margin_mm * MM
                ):
                    problems.append(Problem(index + 1, char, f"ra ngoài lề trang ({left:.0f}, {bottom:.0f})"))
                    continue
                for x, y0, y1 in lines:
                    if left + tolerance < x < right - tolerance and bottom < y1 and top > y0:
                        problems.append(Problem(index + 1, char, f"tràn qua đường kẻ ô ở x={x:.1f}"))
                        break
    finally:
        pdf.close()
    return problems
