"""The user guide's markup and PDF: numbered headings, a table of contents with the right pages, figures."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from desktop_app.documents import guide
from desktop_app.documents.guide import (
    Bullets,
    Figure,
    GuideError,
    Heading,
    Note,
    Paragraph_,
    Steps,
    build_guide_pdf,
    figure_names,
    images_in,
    parse_guide,
)

TINY = """% a comment line, not printed
# Cài đặt và mở lần đầu
Phần mềm chạy **không cần mạng**, dữ liệu nằm trong một tệp.

- Bản cài đặt: %LOCALAPPDATA%
  \\SoDanVanKheo
- Bản portable: thư mục du-lieu

1. Bấm đúp vào tệp cài đặt.
2. Làm theo các trang hướng dẫn.

> Lưu ý: sao lưu thường xuyên.

![Cửa sổ chính của phần mềm](cua-so)

{filler}

## Dữ liệu được lưu ở đâu
{filler}

# Sao lưu và phục hồi
![Hộp thông báo «Đã lưu»](hop-thoai)

## Thùng rác
Mục đã xóa nằm trong «Thùng rác».
"""


def _tiny(filler_paragraphs: int = 12) -> str:
    filler = "\n\n".join(
        "Đoạn văn bản dài để đẩy mục sau sang trang khác: đơn vị, mô hình, điển hình, minh chứng, chấm điểm, "
        "công nhận, báo cáo thống kê, tổng kết giai đoạn, sao lưu, phục hồi." * 3
        for _ in range(filler_paragraphs)
    )
    return TINY.replace("{filler}", filler)


@pytest.fixture
def images(tmp_path) -> dict[str, Path]:
    folder = tmp_path / "hình"
    folder.mkdir()
    Image.new("RGB", (1280, 800), (200, 220, 240)).save(folder / "cua-so.png")
    Image.new("RGB", (640, 300), (240, 220, 200)).save(folder / "hop-thoai.png")
    (folder / "ghi-chu.txt").write_text("không phải hình", encoding="utf-8")
    return images_in(folder)


def test_parse_blocks():
    blocks = parse_guide(_tiny(1))
    assert [type(b) for b in blocks] == [
        Heading,
        Paragraph_,
        Bullets,
        Steps,
        Note,
        Figure,
        Paragraph_,
        Heading,
        Paragraph_,
        Heading,
        Figure,
        Heading,
        Paragraph_,
    ]
    assert blocks[0] == Heading(1, "Cài đặt và mở lần đầu", 2)
    # A line that does not start an item continues the item before it.
    assert blocks[2] == Bullets(("Bản cài đặt: %LOCALAPPDATA% \\SoDanVanKheo", "Bản portable: thư mục du-lieu"), 5)
    assert blocks[3].items == ("Bấm đúp vào tệp cài đặt.", "Làm theo các trang hướng dẫn.")
    assert blocks[4] == Note("Lưu ý: sao lưu thường xuyên.", 12)
    assert blocks[5] == Figure("cua-so", "Cửa sổ chính của phần mềm", 14)
    assert blocks[7].level == 2
    assert figure_names(blocks) == ["cua-so", "hop-thoai"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("# Chương\n\n### Quá sâu\n", 3),
        ("#Dính liền\n", 1),
        ("# Chương\n![Chú thích thiếu tên]()\n", 2),
        ("# Chương\n\n![Hình](hinh)\nvà một dòng nữa\n", 3),
    ],
)
def test_malformed_markup_names_its_line(text, line):
    with pytest.raises(GuideError, match=f"^Dòng {line} của bản hướng dẫn"):
        parse_guide(text)


def test_section_before_any_chapter_is_refused(tmp_path):
    with pytest.raises(GuideError, match="đứng trước chương đầu"):
        build_guide_pdf(tmp_path / "x.pdf", parse_guide("## Mục lạc\nChữ.\n"), {}, version="1")


def test_character_the_font_lacks_is_refused(tmp_path, images):
    blocks = parse_guide("# Chương\n\nBước đã xong được đánh dấu ✓.\n")
    with pytest.raises(GuideError, match=r"^Dòng 3 của bản hướng dẫn .*: ✓\.$"):
        build_guide_pdf(tmp_path / "x.pdf", blocks, images, version="1")


def test_missing_image_is_an_error_and_nothing_is_written(tmp_path, images):
    blocks = parse_guide(_tiny(1) + "\n![Hình chưa chụp](chua-co)\n")
    target = tmp_path / "hướng dẫn.pdf"
    with pytest.raises(GuideError, match="«chua-co»") as caught:
        build_guide_pdf(target, blocks, images, version="1")
    assert "cua-so" not in str(caught.value)
    assert list(tmp_path.glob("hướng dẫn*")) == []


def _page_of(reader: PdfReader, text: str, after: int) -> int:
    """The 1-based page, after the contents, whose text holds ``text``."""
    found = [n for n, page in enumerate(reader.pages, start=1) if n > after and text in page.extract_text()]
    assert found, text
    return found[0]


def test_pdf_title_contents_headings_images(tmp_path, images):
    target = tmp_path / "hướng dẫn.pdf"
    assert build_guide_pdf(target, parse_guide(_tiny()), images, version="9.8.7", today=date(2026, 1, 5)) == target
    reader = PdfReader(target)
    assert len(reader.pages) >= 5  # title, contents, and the filler pushes the chapters over several pages
    title = reader.pages[0].extract_text()
    assert "HƯỚNG DẪN SỬ DỤNG" in title and "Sổ Dân vận khéo" in title
    assert "Phiên bản 9.8.7" in title and "05/01/2026" in title
    contents = reader.pages[1].extract_text()
    assert "MỤC LỤC" in contents
    headings = ["1. Cài đặt và mở lần đầu", "1.1. Dữ liệu được lưu ở đâu", "2. Sao lưu và phục hồi", "2.1. Thùng rác"]
    pages = [_page_of(reader, heading, after=2) for heading in headings]
    assert pages == sorted(pages) and len(set(pages)) == 3  # spread over pages: a wrong number would show
    for heading, page in zip(headings, pages, strict=True):
        listed = re.search(re.escape(heading) + r"\s+(\d+)", contents)
        assert listed is not None, heading
        assert int(listed[1]) == page, heading
        assert f"Trang {page}" in reader.pages[page - 1].extract_text()  # the footer's number is the same
    assert "Hình 1. Cửa sổ chính của phần mềm" in reader.pages[pages[0] - 1].extract_text()
    assert "Hình 2. Hộp thông báo «Đã lưu»" in reader.pages[pages[2] - 1].extract_text()
    assert "không cần mạng" in reader.pages[pages[0] - 1].extract_text()
    embedded = [image for page in reader.pages for image in page.images]
    assert len(embedded) == 2
    assert sorted(image.image.size for image in embedded) == [(640, 300), (1280, 800)]
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert outline == ["1. Cài đặt và mở lần đầu", "2. Sao lưu và phục hồi"]


def test_window_spans_the_text_width_and_a_dialog_keeps_its_scale(images):
    style = guide._styles()["caption"]
    window = guide._figure(images["cua-so"], 1, "Cửa sổ", style, screen_width=1280)
    dialog = guide._figure(images["hop-thoai"], 2, "Hộp", style, screen_width=1280)

    def drawn_width(figure) -> float:
        table = figure._content[1]
        return table._cellvalues[0][0].drawWidth

    assert drawn_width(window) == pytest.approx(guide.TEXT_WIDTH)
    assert drawn_width(dialog) == pytest.approx(guide.TEXT_WIDTH / 2)


def test_shipped_text_parses_into_the_yearly_cycle():
    blocks = parse_guide(guide.guide_text_path().read_text(encoding="utf-8"))
    chapters = [b.text for b in blocks if isinstance(b, Heading) and b.level == 1]
    assert len(chapters) == 11
    assert chapters[0] == "Cài đặt và mở lần đầu" and chapters[-1] == "Câu hỏi thường gặp"
    names = figure_names(blocks)
    assert len(names) >= 15 and len(set(names)) == len(names)
