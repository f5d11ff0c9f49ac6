"""Pages of a PDF as plain RGB images, for the in-app preview and for printing (no Qt here)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pypdfium2 as pdfium

from ..tasks import TaskState


@dataclass(frozen=True)
class PageImage:
    width: int
    height: int
    rgb: bytes  # width * height * 3 bytes, rows top to bottom, no padding


def page_count(path: Path | str) -> int:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def render_pages(path: Path | str, *, dpi: float = 96, first: int = 0, limit: int | None = None,
                 task: TaskState | None = None) -> Iterator[PageImage]:
    """Render pages ``first .. first+limit`` at ``dpi``, one at a time (a long bundle never sits in memory)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        last = len(pdf) if limit is None else min(len(pdf), first + limit)
        for index in range(first, last):
            page = pdf[index]
            bitmap = page.render(scale=dpi / 72)
            image = bitmap.to_pil().convert("RGB")
            page.close()
            if task:
                task.progress(index - first + 1, last - first, f"Trang {index + 1}")
            yield PageImage(image.width, image.height, image.tobytes())
    finally:
        pdf.close()
