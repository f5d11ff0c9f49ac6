"""The printed documents read back: headings, every name, counts, fonts, A4, nothing overflowing."""

from __future__ import annotations

import re

import pytest
from reportlab.platypus import Table

from desktop_app.documents.layout import Document
from desktop_app.office import OfficeInfo

from .pdfcheck import fonts, overflow, page_sizes_mm, page_texts, text

STYLES = ("dang", "nha_nuoc")
A4_PORTRAIT, A4_LANDSCAPE = (210, 297), (297, 210)


def squeeze(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


@pytest.mark.parametrize("style", STYLES)
def test_registration_list_names_every_model_with_the_total(built, style):
    content = text(built[f"registrations_{style}"])
    assert "DANH SÁCH" in content
    assert "mô hình, điển hình đăng ký thực hiện phong trào thi đua “Dân vận khéo” năm 2023" in content
    for name in built["names"]:
        assert squeeze(name) in content, name
    assert f"Tổng cộng: {len(built['names'])} mô hình, điển hình" in content
    # The demo's two individuals: one in each of these fields.
    assert "I. LĨNH VỰC KINH TẾ (9)" in content and "II. LĨNH VỰC VĂN HÓA - XÃ HỘI (17)" in content


@pytest.mark.parametrize("style", STYLES)
def test_party_and_state_headers(built, style):
    first_page = page_texts(built[f"registrations_{style}"])[0]
    if style == "dang":
        assert "ĐẢNG BỘ TỈNH LÂM ĐỒNG HUYỆN ỦY LÂM HÀ *" in first_page
        assert "ĐẢNG CỘNG SẢN VIỆT NAM" in first_page and "CỘNG HÒA" not in first_page
        assert "T/M BAN THƯỜNG VỤ" in page_texts(built[f"registrations_{style}"])[-1]
    else:
        # The office's own State identity, not its Party committee.
        assert "ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ" in first_page and "ĐẢNG" not in first_page
        assert "TM. ỦY BAN NHÂN DÂN" in page_texts(built[f"registrations_{style}"])[-1]
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first_page and "Độc lập - Tự do - Hạnh phúc" in first_page
    assert re.search(r"Lâm Hà, ngày\s+tháng\s+năm 2023", first_page)


def test_recognition_list_carries_the_decision_line_and_only_recognised_models(built):
    content = text(built["recognition_dang"])
    assert "(Kèm theo Quyết định số 125-QĐ/HU, ngày 15/12/2023 của Ban Thường vụ Huyện ủy Lâm Hà)" in content
    recognised = built["recognised"]
    assert len(recognised) == 32  # 30 of the 32 collective models, and both individuals
    for name in recognised:
        assert squeeze(name) in content
    for name in set(built["names"]) - set(recognised):
        if not any(name in other for other in recognised):  # "Thu gom ve chai" is the start of another
            assert squeeze(name) not in content
    assert "Tổng cộng: 32 mô hình, điển hình" in content
    assert "Điểm – xếp loại" in content and "Xuất sắc" in content


def test_proposal_list_has_no_decision_line_but_a_signature(built):
    content = text(built["proposal_dang"])
    assert "được đề nghị công nhận năm 2023" in content
    assert "Kèm theo Quyết định" not in content
    assert "Nơi nhận:" in content and "Lưu: VT." in content and "Nguyễn Văn Bình" in content


def test_registrations_grouped_by_unit(built):
    content = text(built["by_unit_dang"])
    assert "HỘI LIÊN HIỆP PHỤ NỮ HUYỆN LÂM HÀ" in content
    assert "LĨNH VỰC KINH TẾ (8)" not in content


def test_score_table_lists_members_mean_grade_and_rank(built):
    content = text(built["scores_dang"])
    assert "BẢNG TỔNG HỢP" in content
    for header in ("TV1", "TV5", "Điểm TB", "Xếp loại", "Hạng"):
        assert header in content
    assert "TV1: Trần Thị Hồng (Chủ tịch hội đồng)" in content
    assert "96,90" in content  # the best mean of the demo council
    assert "A. MÔ HÌNH TẬP THỂ (32) – xếp hạng riêng" in content


def test_score_sheets_one_page_per_model_and_member(built):
    pages = page_texts(built["scoresheets_dang"])
    assert len(pages) == 34 * 5
    assert all("PHIẾU CHẤM ĐIỂM" in page and "Tổng cộng" in page and "NGƯỜI CHẤM" in page for page in pages)
    assert "Thành viên chấm: Trần Thị Hồng – Chủ tịch hội đồng" in pages[0]
    grades = [re.search(r"Xếp loại: (Xuất sắc|Tốt|Đạt|Không đạt)", page) for page in pages]
    assert all(grades)  # every filled sheet carries its member's grade, never the blank form's dots
    assert "Xuất sắc" in {found.group(1) for found in grades if found}  # the best mean of the demo is 96,90


def test_blank_score_sheets_have_criteria_and_maxima_but_no_points(built):
    pages = page_texts(built["blank_sheets"])
    assert len(pages) == 5
    page = pages[0]
    assert "Điểm tối đa" in page and "100" in page
    assert "Xếp loại: ....." in page
    assert not re.search(r"Tổng cộng 100 \d", page)


def test_statistics_counts_and_charts(built):
    content = text(built["statistics_dang"])
    assert "BÁO CÁO" in content
    assert "có 34 mô hình, điển hình đăng ký" in content and "đã công nhận 32" in content
    assert "Tổng cộng 32 2 34 30 2 32 94,1%" in content
    # Money added like with like: no charter capital (9 tỷ), no loan fund (870 triệu); an individual's
    # "36 triệu đồng" and "1,2 tỷ đồng" counted in đồng.  The two weak models are not recognised.
    assert "Loại chỉ tiêu Đơn vị tính Tất cả mô hình, điển hình Được công nhận" in content
    assert "Tiền, hiện vật vận động được đồng 2.588.200.000 2.550.700.000" in content
    assert "Giá trị công trình, phần việc đồng 1.911.000.000 1.911.000.000" in content
    assert "Hộ thoát nghèo, cận nghèo hộ 30 30" in content
    assert "chỉ tiêu chưa chọn loại không cộng vào bảng" in content
    assert "Mô hình, điển hình theo lĩnh vực" in content  # the chart's title, drawn in the PDF
    assert "Hội cấp xã" in content


def test_certificates_one_landscape_page_per_recognised_model(built):
    pages = page_texts(built["certificates_dang"])
    assert len(pages) == 32
    assert all("GIẤY KHEN" in p and "Quyết định số 125-QĐ/HU, ngày 15/12/2023" in p for p in pages)
    assert set(page_sizes_mm(built["certificates_dang"])) == {A4_LANDSCAPE}
    assert page_sizes_mm(built["certificates_a3"]) == [(420, 297)]


def test_dossier_has_the_full_record_and_the_photo(built):
    content = text(built["dossier_dang"])
    assert "HỒ SƠ MÔ HÌNH “DÂN VẬN KHÉO” NĂM 2023" in content
    assert "Chỉ tiêu và kết quả" in content and "Kết quả thẩm định" in content and "Quá trình" in content
    assert re.search(r"hạng \d+ trong các mô hình tập thể năm 2023", content)
    assert "Ảnh 1. Nhà tình thương trao cho hộ nghèo" in content


@pytest.mark.parametrize(
    "key",
    [
        "registrations_dang",
        "registrations_nha_nuoc",
        "recognition_dang",
        "scores_nha_nuoc",
        "statistics_nha_nuoc",
        "dossier_nha_nuoc",
        "certificates_nha_nuoc",
        "scoresheets_dang",
    ],
)
def test_fonts_are_embedded_and_vietnamese(built, key):
    found = fonts(built[key])
    assert found, "no fonts"
    assert all(embedded for embedded in found.values()), found
    assert all("LiberationSerif" in name for name in found), found


@pytest.mark.parametrize(
    "key,size",
    [
        ("registrations_dang", A4_LANDSCAPE),
        ("statistics_dang", A4_PORTRAIT),
        ("dossier_dang", A4_PORTRAIT),
        ("scoresheets_dang", A4_PORTRAIT),
    ],
)
def test_page_size_is_a4(built, key, size):
    assert set(page_sizes_mm(built[key])) == {size}


def test_long_tables_repeat_their_header_and_number_pages_from_two(built):
    pages = page_texts(built["registrations_nha_nuoc"])
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert "Tên mô hình, điển hình" in page or (number == len(pages) and "Nơi nhận" in page)
        assert page.startswith(str(number)) == (number >= 2)


@pytest.mark.parametrize(
    "key",
    [
        "registrations_dang",
        "registrations_nha_nuoc",
        "by_unit_dang",
        "recognition_nha_nuoc",
        "proposal_dang",
        "scores_dang",
        "statistics_dang",
        "dossier_dang",
        "certificates_dang",
        "blank_sheets",
    ],
)
def test_no_text_overflows_a_cell_or_the_page(built, key):
    problems = overflow(built[key])
    assert not problems, "\n".join(map(str, problems[:10]))


def test_the_overflow_check_catches_a_cell_that_does_not_wrap(tmp_path):
    doc = Document(OfficeInfo.single(issuing_body="BAN DÂN VẬN", place_name="Lâm Hà"))
    table = Table(
        [["Tên", "Đơn vị"], ["Một tên mô hình rất dài không được xuống dòng trong ô", "Xã"]],
        colWidths=[40, 100],
        style=[("GRID", (0, 0), (-1, -1), 0.5, "black")],
    )
    doc.story.append(table)
    problems = overflow(doc.build(tmp_path / "tràn.pdf"))
    assert any("tràn qua đường kẻ ô" in str(p) for p in problems)
