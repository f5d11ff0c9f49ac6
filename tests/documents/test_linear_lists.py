"""A long list prints in time linear in its rows, and prints as one whole table would have.

A whole list in one reportlab ``Table`` was wrapped again, and its span and no-split maps rebuilt, over every
remaining row at each page break: quadratic in rows.  These count the work (rows handed to reportlab tables,
paragraph wraps, style commands per table) instead of timing it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageChops
from reportlab.platypus import Paragraph, Table

from desktop_app.documents.layout import Document, ListTable
from desktop_app.office import OfficeInfo

from .lists import HEADERS, registration_like


class _Counts:
    def __init__(self) -> None:
        self.table_rows = 0  # rows handed to reportlab Table objects, over the whole build
        self.tables = 0
        self.most_commands = 0  # style commands of the busiest table
        self.wraps = 0  # Paragraph.wrap calls


def _work(count: int, folder: Path) -> _Counts:
    with pytest.MonkeyPatch.context() as patch:
        counts = _Counts()
        table_init, set_style, wrap = Table.__init__, Table.setStyle, Paragraph.wrap

        def init(self: Table, data: Any, *args: Any, **kwargs: Any) -> None:
            counts.tables += 1
            counts.table_rows += len(data)
            table_init(self, data, *args, **kwargs)

        def style(self: Table, tblstyle: Any) -> None:
            counts.most_commands = max(counts.most_commands, len(tblstyle.getCommands()))
            set_style(self, tblstyle)

        def counted_wrap(self: Paragraph, *args: Any) -> Any:
            counts.wraps += 1
            return wrap(self, *args)

        patch.setattr(Table, "__init__", init)
        patch.setattr(Table, "setStyle", style)
        patch.setattr(Paragraph, "wrap", counted_wrap)
        registration_like(count).build(folder / f"ds_{count}.pdf")
    return counts


def test_a_list_four_times_longer_costs_about_four_times_the_work(tmp_path: Path) -> None:
    small, large = _work(300, tmp_path), _work(1_200, tmp_path)
    # Each row goes into a bounded number of tables (measured once, printed once), whatever the length;
    # one whole table handed its remaining rows to a new table at every page break (~40 times the rows here).
    assert large.table_rows <= 4 * 1_200
    assert large.table_rows <= 4.5 * small.table_rows
    # Each cell is wrapped a bounded number of times (measure, lay out the page, draw).
    cells = 1_200 * len(HEADERS)
    assert large.wraps <= 5 * cells
    assert large.wraps <= 4.5 * small.wraps
    # A page's table carries the commands of its own rows only, not those of the whole list.
    assert large.most_commands <= small.most_commands + 4
    assert large.most_commands < 60


def _pages(path: Path) -> list[Image.Image]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].render(scale=60 / 72).to_pil().convert("L") for i in range(len(pdf))]
    finally:
        pdf.close()


def test_the_pages_are_those_one_whole_table_prints(tmp_path: Path) -> None:
    """Cut page by page, the list prints the very pixels of one reportlab table over all its rows (header
    repeated, a group heading kept with its first row, the total and signature with the last rows)."""
    paged = registration_like(70)
    whole = registration_like(70)
    listed = next(f for f in whole.story if isinstance(f, ListTable))
    assert listed.tail == 1  # the signature went into the list
    whole.story[whole.story.index(listed)] = listed.list.table(0, len(listed.rows))
    mine, reference = _pages(paged.build(tmp_path / "paged.pdf")), _pages(whole.build(tmp_path / "whole.pdf"))
    assert len(mine) == len(reference) >= 3
    for number, (page, expected) in enumerate(zip(mine, reference, strict=True), start=1):
        difference = ImageChops.difference(page, expected)
        # reportlab strokes a repeated header's top rule twice in the second part of a split table: a few
        # of its pixels come out a shade darker there.  Anything else (a row moved, a line missing) is more.
        changed = sum(difference.histogram()[1:])
        assert changed <= 40 and difference.getextrema()[1] <= 40, f"page {number} differs"


def test_a_short_list_is_one_table_and_an_empty_one_prints_its_header(tmp_path: Path) -> None:
    doc = Document(OfficeInfo.single(issuing_body="BAN DÂN VẬN", place_name="Lâm Hà"))
    doc.table(["STT", "Đơn vị"], [["1", "Xã Liên Hà"], ["2", "Xã Đạ Đờn"]], [10, 90])
    doc.table(["STT", "Đơn vị"], [], [10, 90])
    doc.signature()
    path = doc.build(tmp_path / "ngắn.pdf")
    assert len(_pages(path)) == 1
