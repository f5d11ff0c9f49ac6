"""Pages of a PDF as plain RGB images, for the in-app preview and for printing (no Qt here).

pdfium is not thread-safe, so the GUI calls these only from its single worker thread.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from ..tasks import TaskState


@dataclass(frozen=True)
class PageImage:
    width: int
    height: int
    rgb: bytes  # width * height * 3 bytes, rows top to bottom, no padding

    @property
    def landscape(self) -> bool:
        return self.width > self.height


@dataclass(frozen=True)
class PageSize:
    """A page's size in points (1/72 inch), as the PDF declares it."""

    width: float
    height: float

    @property
    def landscape(self) -> bool:
        return self.width > self.height


def page_count(path: Path | str) -> int:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def page_sizes(path: Path | str) -> list[PageSize]:
    """Every page's size: the printer needs each page's orientation before the page starts."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [PageSize(*pdf.get_page_size(index)) for index in range(len(pdf))]
    finally:
        pdf.close()


def render_pages(
    path: Path | str,
    *,
    dpi: float = 96,
    first: int = 0,
    limit: int | None = None,
    pages: Sequence[int] | None = None,
    task: TaskState | None = None,
) -> Iterator[PageImage]:
    """Render pages ``first .. first+limit`` (or exactly the 0-based ``pages``, in that order, repeats allowed)
    at ``dpi``, one at a time, so a long bundle never sits in memory."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        if pages is None:
            last = len(pdf) if limit is None else min(len(pdf), first + limit)
            pages = range(first, last)
        elif any(not 0 <= index < len(pdf) for index in pages):
            raise IndexError(f"page out of range 0..{len(pdf) - 1}: {list(pages)}")
        for done, index in enumerate(pages, start=1):
            if task:
                task.check()  # before the slow part: a cancelled job stops at once
            page = pdf[index]
            bitmap = page.render(scale=dpi / 72)
            image = bitmap.to_pil().convert("RGB")
            page.close()
            if task:
                task.progress(done, len(pages), f"Trang {index + 1}")
            yield PageImage(image.width, image.height, image.tobytes())
    finally:
        pdf.close()
