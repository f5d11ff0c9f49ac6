"""A long list's cells: made into paragraphs as the markup parser makes them, only when their rows are laid
out, wrapped once, and let go once their page is printed.  The work is counted, not timed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from reportlab.platypus import Paragraph

from desktop_app.documents.layout import _CHUNK, CellStyle, _Rows, esc, style

from .lists import HEADERS, registration_like

TEXTS = [
    "Thắp sáng đường quê tại thôn 3, Tân Hà",
    "Văn\u00a0hóa - xã\u00a0hội",
    "ngày    tháng    năm",  # blanks left for handwriting: kept as unbreakable spaces
    "  lề trái và phải  ",
    " một khoảng trắng ở đầu",
    "\u00a0cách không ngắt ở đầu, ở cuối\u00a0",
    "a \u00a0b",
    "Hội Nông dân & Hội Phụ nữ",
    "a < b > c",
    "hai\ndòng",
    "tab\there",
    "",
    "   ",
    None,
    12,
    "1.234,5",
    "Một tên rất dài " * 6,
]


@pytest.mark.parametrize("text", TEXTS)
def test_a_cell_paragraph_is_the_one_the_markup_parser_makes(text: object) -> None:
    cell_style = style("cell", 12, leading=13.8, bold=isinstance(text, int))
    parsed, made = Paragraph(esc(text), cell_style), CellStyle(cell_style).paragraph(text)
    assert made.text == parsed.text
    assert [f.__dict__ for f in made.frags] == [f.__dict__ for f in parsed.frags]
    for width in (40, 120, 400):
        assert made.wrap(width, 1_000) == parsed.wrap(width, 1_000)
        assert repr(made.blPara.lines) == repr(parsed.blPara.lines)


class _Work:
    def __init__(self) -> None:
        self.paragraphs = 0
        self.wraps = 0
        self.most_made = 0  # rows held as paragraphs at once


def _work(count: int, folder: Path) -> _Work:
    work = _Work()
    with pytest.MonkeyPatch.context() as patch:
        init, wrap, row = Paragraph.__init__, Paragraph.wrap, _Rows.row

        def counted_init(self: Paragraph, *args: Any, **kwargs: Any) -> None:
            work.paragraphs += 1
            init(self, *args, **kwargs)

        def counted_wrap(self: Paragraph, *args: Any) -> Any:
            work.wraps += 1
            return wrap(self, *args)

        def counted_row(self: _Rows, index: int) -> list[Any]:
            made = row(self, index)
            work.most_made = max(work.most_made, len(self.made))
            return made

        patch.setattr(Paragraph, "__init__", counted_init)
        patch.setattr(Paragraph, "wrap", counted_wrap)
        patch.setattr(_Rows, "row", counted_row)
        registration_like(count, hamlet=True).build(folder / f"ds_{count}.pdf")
    return work


def test_each_cell_is_made_and_wrapped_once_and_let_go_after_its_page(tmp_path: Path) -> None:
    small, large = _work(300, tmp_path), _work(1_200, tmp_path)
    cells = 1_200 * len(HEADERS)
    # One paragraph per cell (a cell made again after its page was printed would count twice) ...
    assert cells <= large.paragraphs <= cells + 200
    # ... wrapped once: measured, then laid out and drawn with the lines found then.  The few wrapped
    # more often are the page's header block and the signature, whatever the list's length.
    assert large.wraps - large.paragraphs == pytest.approx(small.wraps - small.paragraphs, abs=40)
    # Rows are held as paragraphs from their measure to their page only: a few chunks, whatever the length.
    assert large.most_made <= 4 * _CHUNK
    assert large.most_made <= small.most_made + _CHUNK
