"""The period review's report («Báo cáo tổng kết … giai đoạn 2021 – 2025») and the follow-up list, printed and
exported, on a five-year database built here through the services.

The PDFs are checked as the other documents are (fonts embedded, nothing past the margins or out of its cell, A4,
the margins and the number line measured on the rendered pages); their figures against values counted here
from the test's own table of models; the workbooks sheet by sheet; and the command line writes both.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app import domain
from desktop_app.cli import main
from desktop_app.documents import DOCUMENTS, Options, build_excel, build_pdf, review_span
from desktop_app.office import STYLE_PARTY, STYLE_STATE
from desktop_app.storage import database as storage
from desktop_app.storage.database import open_database
from desktop_app.text import format_number

from .pdfcheck import fonts, overflow, page_sizes_mm, page_texts
from .rendered import (
    TOLERANCE_MM,
    Box,
    body_box,
    find_text,
    header_blocks,
    ink_box,
    page_number_box,
    render_page,
    render_pages,
    rule_under_text,
    rules,
    text_lines,
)
from .test_rendered_pages import TITLE_ZONE_MM, margin_problems, share_problem

ROOT = Path(__file__).resolve().parents[2]
STYLES = (STYLE_PARTY, STYLE_STATE)
C, IND = domain.KIND_COLLECTIVE, domain.KIND_INDIVIDUAL
REC, NOT_REC, REG, PROP, WD = (
    domain.RECOGNISED,
    domain.NOT_RECOGNISED,
    domain.REGISTERED,
    domain.PROPOSED,
    domain.WITHDRAWN,
)
KT, VH = "Kinh tế", "Văn hóa - xã hội"
MONEY, WORKS, HOUSEHOLDS = "Tiền, hiện vật vận động được", "Giá trị công trình, phần việc", "Hộ được hỗ trợ, giúp đỡ"
UNITS = {"Xã An": "Hội cấp xã", "Xã Bình": "Chính quyền", "Xã Cường": None, "Xã Dũng": "Chính quyền"}
# key, year, name, kind, field, unit, status, continues, replicates, [(category, unit of measure, achieved)]
MODELS = [
    ("a21", 2021, "Nuôi heo đất giúp hội viên nghèo", C, KT, "Xã An", REC, None, None, [(MONEY, "đồng", 10_000_000)]),
    ("c21", 2021, "Tổ tự quản an ninh", C, VH, "Xã Cường", NOT_REC, None, None, []),
    ("p21", 2021, "Ông Nguyễn Văn Tám", IND, KT, "Xã An", REC, None, None, []),
    ("a22", 2022, "Nuôi heo đất giúp hội viên nghèo", C, KT, "Xã An", REC, "a21", None, [(MONEY, "đồng", 20_000_000)]),
    ("r22", 2022, "Nuôi heo đất ở Xã Bình", C, KT, "Xã Bình", REG, None, "a21", [(HOUSEHOLDS, "hộ", 5)]),
    ("w22", 2022, "Mô hình đã hủy đăng ký", C, KT, "Xã An", WD, None, None, []),
    ("a23", 2023, "Nuôi heo đất giúp hội viên nghèo", C, KT, "Xã An", REC, "a22", None, []),
    ("b23", 2023, "Đường hoa thôn Bình", C, VH, "Xã Bình", REC, None, None, [(WORKS, "triệu đồng", 7)]),
    ("a24", 2024, "Nuôi heo đất giúp hội viên nghèo", C, KT, "Xã An", REC, "a23", None, []),
    ("f24", 2024, "Quỹ khuyến học dòng họ", C, VH, "Xã Cường", NOT_REC, None, None, []),
    ("a25", 2025, "Nuôi heo đất giúp hội viên nghèo", C, KT, "Xã An", REC, "a24", None, [(HOUSEHOLDS, "hộ", 4)]),
    ("p25", 2025, "Bà Trần Thị Bích", IND, VH, "Xã Bình", PROP, None, None, []),
    ("q25", 2025, "Thư viện xanh ở trường học", C, VH, "Xã Cường", REG, None, None, []),
]
SPAN = range(2021, 2026)
CENTRED_MM = 1.0 + 2 * TOLERANCE_MM  # two centred paragraphs of one column: their centres a rounding apart
FOLLOWUP_YEAR = 2025
SINCE = date(2025, 6, 1)
# key → (report date, what was done, status, households reached so far)
PROGRESS = {
    "a25": (date(2025, 6, 30), "Sơ kết 6 tháng: đã giúp 4 hộ vay vốn", domain.PROGRESS_ON_TRACK, 4),
    "p25": (date(2025, 3, 15), "Đã vận động 12 hộ tham gia", domain.PROGRESS_BEHIND, None),
}


@dataclass
class Built:
    folder: Path
    db: Path
    ids: dict[str, int]
    files: dict[str, Path]

    def texts(self, key: str) -> list[str]:
        return page_texts(self.files[key])


def _fill() -> dict[str, int]:
    from desktop_app.demo import DEMO_OFFICE
    from desktop_app.followup.progress import ProgressInput, save_progress
    from desktop_app.services import catalogues, settings, units
    from desktop_app.services.models import IndicatorData, ModelInput, create_model
    from desktop_app.storage.models import Indicator

    catalogues.ensure_defaults()
    settings.save_office(DEMO_OFFICE)  # issues in both styles
    categories = {c.name: c for c in catalogues.list_items("indicator_category")}
    unit_ids = {}
    for name, kind in UNITS.items():
        found = catalogues.find("unit_kind", kind) if kind else None
        unit_ids[name] = units.create_unit(name, kind_id=found.id if found else None).id
    ids: dict[str, int] = {}
    for key, year, name, kind, field, unit, status, continues, replicates, indicators in MODELS:
        found_field = catalogues.find("field", field)
        assert found_field is not None
        ids[key] = create_model(
            ModelInput(
                name=name,
                year=year,
                kind=kind,
                field_id=found_field.id,
                unit_id=unit_ids[unit],
                continues_id=ids.get(continues or ""),
                replicates_id=ids.get(replicates or ""),
                person_name=name if kind == IND else "",
                indicators=[
                    IndicatorData(f"Chỉ tiêu {n}", measure, None, amount, category_id=categories[c].id)
                    for n, (c, measure, amount) in enumerate(indicators)
                ],
            ),
            status=status,
        )
    for key, (day, done, status, households) in PROGRESS.items():
        indicator = Indicator.get_or_none(Indicator.model == ids[key])
        values = {indicator.uuid: households} if indicator is not None and households is not None else {}
        save_progress(ProgressInput(ids[key], day, done, values, status))
    return ids


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    folder = tmp_path_factory.mktemp("tổng kết")
    db = folder / "năm năm.db"
    files: dict[str, Path] = {}
    with pytest.MonkeyPatch.context() as patch:
        # Made before the per-test fixtures point the user's folders elsewhere: keep them in the tmp folder too.
        home = folder / "home"
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        open_database(db)
        try:
            ids = _fill()
            for style in STYLES:
                span = Options(SPAN[-1], style=style, first_year=SPAN[0], last_year=SPAN[-1])
                files[f"review_{style}"] = build_pdf("review", span, folder / f"review_{style}.pdf")
                year = Options(FOLLOWUP_YEAR, style=style)
                files[f"followup_{style}"] = build_pdf("followup", year, folder / f"followup_{style}.pdf")
                since = Options(FOLLOWUP_YEAR, style=style, group_by="unit", since=SINCE)
                files[f"since_{style}"] = build_pdf("followup", since, folder / f"since_{style}.pdf")
            span = Options(SPAN[-1], first_year=SPAN[0], last_year=SPAN[-1])
            files["review_xlsx"] = build_excel("review", span, folder / "review.xlsx")
            files["followup_xlsx"] = build_excel("followup", Options(FOLLOWUP_YEAR), folder / "followup.xlsx")
            since = Options(FOLLOWUP_YEAR, since=SINCE)
            files["since_xlsx"] = build_excel("followup", since, folder / "since.xlsx")
        finally:
            storage.current().close()
    yield Built(folder, db, ids, files)


# ----------------------------------------------------------------- the figures, counted here


def running(year: int) -> list[tuple]:
    return [m for m in MODELS if m[1] == year and m[6] != WD]


def registered(year: int) -> int:
    return len(running(year))


def recognised(year: int) -> int:
    return sum(m[6] == REC for m in running(year))


def percent(part: int, whole: int) -> str:
    return format_number(100 * part / whole, 1) + "%"


def indicator_total(category: str) -> float:
    factors = {"đồng": 1, "triệu đồng": 1_000_000, "hộ": 1}
    return sum(
        amount * factors[measure] for m in MODELS if m[1] in SPAN for c, measure, amount in m[9] if c == category
    )


PDF_KEYS = [f"{document}_{style}" for document in ("review", "followup", "since") for style in STYLES]


# ----------------------------------------------------------------- the PDFs as documents


@pytest.mark.parametrize("key", PDF_KEYS)
def test_fonts_are_embedded_and_nothing_overflows(built: Built, key: str) -> None:
    found = fonts(built.files[key])
    assert found and all(found.values()), f"{key}: fonts not embedded: {found}"
    assert not any("Helvetica" in name for name in found), f"{key}: {found}"
    problems = overflow(built.files[key])
    assert not problems, f"{key}:\n" + "\n".join(map(str, problems[:20]))


@pytest.mark.parametrize("key", PDF_KEYS)
def test_page_sizes(built: Built, key: str) -> None:
    sizes = set(page_sizes_mm(built.files[key]))
    # The review is a portrait report; the follow-up list a landscape table, as the other lists.
    assert sizes == ({(210, 297)} if key.startswith("review") else {(297, 210)}), f"{key}: {sizes}"


@pytest.mark.parametrize("key", PDF_KEYS)
def test_every_page_keeps_the_official_margins(built: Built, key: str) -> None:
    problems: list[str] = []
    for page in render_pages(built.files[key]):
        found, full_width = margin_problems(page)
        problems += [f"page {page.number}: {problem} — content {body_box(page)}" for problem in found]
        if page.number == 1 and not full_width:
            problems.append("page 1: no table across the text width found, so its column edges are unmeasured")
    assert not problems, f"{key}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    "style,pattern,needle",
    [(STYLE_PARTY, r"Số[\s\d]*-BC/[A-ZĐ]", "-BC/"), (STYLE_STATE, r"Số:[\s\d]*/BC-[A-ZĐ]", "/BC-")],
)
def test_the_review_has_its_number_line_under_the_issuing_body(
    built: Built, style: str, pattern: str, needle: str
) -> None:
    """HD 36 "Số   -BC/HU", NĐ 30 "Số:   /BC-UBND": in the issuing body's block, centred under it, above the title."""
    path = built.files[f"review_{style}"]
    assert re.search(pattern, built.texts(f"review_{style}")[0])
    page = render_page(path, 1)
    title = min(find_text(path, "BÁO CÁO"), key=lambda box: box.top)
    content = body_box(page)
    assert content is not None
    blocks = header_blocks(page, content.top, title.top - 1)
    assert blocks is not None, "the header's two blocks touch"
    left, _ = blocks
    hits = find_text(path, needle)
    assert len(hits) == 1, hits
    # The whole line's ink, and the issuing body's name line's ("HUYỆN ỦY LÂM HÀ" / "HUYỆN LÂM HÀ"), in the block.
    line = ink_box(page.image, Box(left.left, hits[0].top, left.right, hits[0].bottom))
    name = find_text(path, "LÂM HÀ")[0]
    body = ink_box(page.image, Box(left.left, name.top, left.right, name.bottom))
    assert line is not None and body is not None
    assert line.right <= left.right and line.bottom < title.top, f"number line {line} outside {left}"
    assert line.top > body.bottom, "the number line is not under the issuing body"
    assert abs(line.centre_x - body.centre_x) <= CENTRED_MM, f"number line {line} not centred under {body}"
    # Official documents number their pages from the second.
    assert page_number_box(page) is None
    second = render_page(path, 2)
    assert page_number_box(second) is not None, "page 2 carries no page number"


@pytest.mark.parametrize("style", STYLES)
def test_the_review_is_signed_with_its_recipients_and_has_the_annexes(built: Built, style: str) -> None:
    content = " ".join(built.texts(f"review_{style}"))
    authority = "T/M BAN THƯỜNG VỤ" if style == STYLE_PARTY else "TM. ỦY BAN NHÂN DÂN"
    assert authority in content and "Nơi nhận" in content and "Lưu: VT." in content
    assert "tổng kết phong trào thi đua “Dân vận khéo” giai đoạn 2021 – 2025" in content
    assert "PHỤ LỤC" in content
    for heading in (
        "1. Số mô hình, điển hình theo năm, lĩnh vực và loại",
        "3. Kết quả vận động (chỉ tiêu chính) theo năm",
        "5. Mô hình, điển hình được duy trì, nhân rộng",
        "6. Đơn vị chưa có mô hình, điển hình đăng ký",
    ):
        assert heading in content, heading
    # The signature comes before the annexes.
    assert content.index("Nơi nhận") < content.index("PHỤ LỤC")


# ----------------------------------------------------------------- the review's figures in the PDF


@pytest.mark.parametrize("style", STYLES)
def test_the_reports_figures_are_the_reviews(built: Built, style: str) -> None:
    texts = built.texts(f"review_{style}")
    body = " ".join(texts)
    total = sum(registered(y) for y in SPAN)
    passed = sum(recognised(y) for y in SPAN)
    collective = sum(1 for y in SPAN for m in running(y) if m[3] == C)
    assert (total, passed) == (12, 7)  # the table above, so the expectations below are read right
    assert (
        f"có {total} lượt mô hình, điển hình đăng ký thực hiện phong trào thi đua “Dân vận khéo” "
        f"({collective} mô hình tập thể, {total - collective} điển hình cá nhân); đã công nhận {passed} lượt "
        f"mô hình, điển hình, đạt {percent(passed, total)} số đăng ký."
    ) in body
    first, last = SPAN[0], SPAN[-1]
    change = 100 * (recognised(last) / registered(last) - recognised(first) / registered(first))
    assert f"Tỷ lệ công nhận năm {first} là {percent(recognised(first), registered(first))}" in body
    assert f"giảm {format_number(-change, 1)} điểm phần trăm" in body
    # The year table, on page 1: year, registered, recognised, rate.
    for year in SPAN:
        row = f"{year} {registered(year)} {recognised(year)} {percent(recognised(year), registered(year))}"
        assert row in texts[0], row
    assert f"Cả giai đoạn {total} {passed} {percent(passed, total)}" in texts[0]
    # Indicator totals, in words: money 10 + 20 million đồng, works 7 triệu đồng counted in đồng, 5 + 4 households.
    assert f"{MONEY} {format_number(indicator_total(MONEY))} đồng" in body
    assert f"{WORKS} {format_number(indicator_total(WORKS))} đồng" in body
    assert f"{HOUSEHOLDS} {format_number(indicator_total(HOUSEHOLDS))} hộ" in body
    # a21 is kept up by a22 (and a22 by a23 …: four models continued), replicated once to Xã Bình; the a-chain
    # is recognised five years running.
    continued = sum(1 for m in MODELS if any(o[7] == m[0] and o[6] != WD for o in MODELS))
    assert (
        f"Có {continued} mô hình, điển hình được duy trì ở các năm sau; 1 mô hình, điển hình được nhân rộng "
        "(1 lượt) ra 1 đơn vị khác; 1 mô hình, điển hình được công nhận nhiều năm liền."
    ) in body
    assert "Còn 1 đơn vị chưa có mô hình, điển hình đăng ký" in body


@pytest.mark.parametrize("style", STYLES)
def test_the_annex_tables_hold_the_reviews_rows(built: Built, style: str) -> None:
    body = " ".join(built.texts(f"review_{style}"))
    annex = body[body.index("PHỤ LỤC") :]
    # Year × field, the year's line first: 2021 registers two collective models and one individual.
    kt21 = [m for m in running(2021) if m[4] == KT]
    assert f"Năm 2021 2 1 3 1 1 2 {percent(2, 3)}" in annex
    assert f"Kinh tế 1 1 {len(kt21)} 1 1 2 100,0%" in annex
    # Indicators by year, their total under each category.
    assert f"{MONEY} đồng 2021 10.000.000 2022 20.000.000 2023 0 2024 0 2025 0 Cộng 30.000.000" in annex
    assert "2021, 2022, 2023, 2024, 2025" in annex  # the years the a-chain was recognised
    assert "Nuôi heo đất ở Xã Bình" in annex and "Xã Bình" in annex  # where a21 was replicated to
    assert annex.count("Xã Dũng") == 1  # the unit with no model
    assert "Chưa có kết quả chấm điểm trong giai đoạn." in annex  # no council scored here


# ----------------------------------------------------------------- the follow-up list


@pytest.mark.parametrize("style", STYLES)
def test_the_follow_up_list_shows_each_models_latest_report(built: Built, style: str) -> None:
    content = " ".join(built.texts(f"followup_{style}"))
    assert "DANH SÁCH" in content and "theo dõi tiến độ thực hiện mô hình, điển hình “Dân vận khéo” năm 2025" in content
    names = [m[2] for m in running(FOLLOWUP_YEAR)]
    assert all(name in content for name in names)
    assert "30/06/2025" in content and "Sơ kết 6 tháng: đã giúp 4 hộ vay vốn" in content and "Đúng tiến độ" in content
    assert "15/03/2025" in content and "Chậm tiến độ" in content
    assert "Chỉ tiêu 0: 4 hộ" in content  # the households reached so far
    assert "LĨNH VỰC KINH TẾ (1)" in content and "LĨNH VỰC VĂN HÓA - XÃ HỘI (2)" in content
    assert "Tổng cộng: 3 mô hình, điển hình" in content
    assert "1 đúng tiến độ, 1 chậm tiến độ, 1 chưa báo cáo" in content


@pytest.mark.parametrize("style", STYLES)
def test_the_list_of_models_not_reported_since_a_day(built: Built, style: str) -> None:
    content = " ".join(built.texts(f"since_{style}"))
    assert "chưa báo cáo tiến độ từ ngày 01/06/2025" in content
    # a25 reported on 30/06, after the day: left out; p25 reported before it, q25 never.
    assert "Nuôi heo đất giúp hội viên nghèo" not in content
    assert "Bà Trần Thị Bích" in content and "Thư viện xanh ở trường học" in content
    assert "XÃ BÌNH (1)" in content and "XÃ CƯỜNG (1)" in content  # grouped by unit
    assert "Tổng cộng: 2 mô hình, điển hình" in content


# ----------------------------------------------------------------- the workbooks


def _table(sheet, first: str) -> list[list[object]]:
    """The rows under the header row whose first cell reads ``first``."""
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == first)
    return [r for r in rows[start + 1 :] if any(v not in (None, "") for v in r)]


def test_the_review_workbook_has_one_sheet_per_table(built: Built) -> None:
    book = load_workbook(built.files["review_xlsx"])
    assert book.sheetnames == [
        "Qua các năm",
        "Theo năm, lĩnh vực",
        "Chỉ tiêu",
        "Công nhận nhiều năm",
        "Duy trì",
        "Nhân rộng",
        "Đơn vị chưa có mô hình",
        "Tiêu biểu",
    ]
    for sheet in book.worksheets:  # every sheet prints as the report: its title and its number line
        values = [c for row in sheet.iter_rows(max_row=8, values_only=True) for c in row if c]
        assert "BÁO CÁO" in values and any(str(v).startswith("Số") and "BC" in str(v) for v in values), sheet.title
    years = _table(book["Qua các năm"], "Năm")
    assert [r[:3] for r in years[:-1]] == [[y, registered(y), recognised(y)] for y in SPAN]
    assert years[-1][0] == "Cả giai đoạn" and str(years[-1][1]).startswith("=SUM(")
    counts = _table(book["Theo năm, lĩnh vực"], "Năm")[:-1]
    assert sum(r[4] for r in counts) == sum(registered(y) for y in SPAN)
    assert sum(r[5] for r in counts) == sum(recognised(y) for y in SPAN)
    indicators = {r[0]: r for r in _table(book["Chỉ tiêu"], "Loại chỉ tiêu")}
    assert indicators[MONEY][2:7] == [10_000_000, 20_000_000, 0, 0, 0]
    assert indicators[WORKS][4] == indicator_total(WORKS)
    assert str(indicators[MONEY][7]).startswith("=SUM(C")
    repeated = _table(book["Công nhận nhiều năm"], "STT")
    assert [(r[1], r[5], r[6]) for r in repeated] == [(MODELS[0][2], "2021, 2022, 2023, 2024, 2025", 5)]
    replicated = _table(book["Nhân rộng"], "STT")
    assert [(r[1], r[2], r[5]) for r in replicated] == [(MODELS[0][2], 2021, "Xã Bình")]
    assert len(_table(book["Duy trì"], "STT")) == 4
    assert [r[1] for r in _table(book["Đơn vị chưa có mô hình"], "STT")] == ["Xã Dũng"]


def test_the_follow_up_workbooks_hold_the_lists_rows(built: Built) -> None:
    rows = _table(load_workbook(built.files["followup_xlsx"]).active, "STT")
    by_name = {r[1]: r for r in rows if isinstance(r[0], int)}
    assert set(by_name) == {m[2] for m in running(FOLLOWUP_YEAR)}
    a25 = by_name["Nuôi heo đất giúp hội viên nghèo"]
    assert a25[3:6] == ["30/06/2025", "Sơ kết 6 tháng: đã giúp 4 hộ vay vốn", "Đúng tiến độ"]
    assert by_name["Thư viện xanh ở trường học"][5] == "Chưa báo cáo"
    since = _table(load_workbook(built.files["since_xlsx"]).active, "STT")
    assert {r[1] for r in since if isinstance(r[0], int)} == {"Bà Trần Thị Bích", "Thư viện xanh ở trường học"}


# ----------------------------------------------------------------- options and the command line


def test_the_span_defaults_to_five_years_up_to_the_working_year() -> None:
    assert review_span(Options(2025)) == (2021, 2025)
    assert review_span(Options(2025, first_year=2023)) == (2023, 2025)
    assert review_span(Options(2030, first_year=2021, last_year=2025)) == (2021, 2025)
    assert [spec.cli_flag for spec in DOCUMENTS["review"].options] == ["--style", "--from", "--to"]
    assert [spec.cli_flag for spec in DOCUMENTS["followup"].takes("excel")] == ["--style", "--group-by", "--since"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=180,
    )


def test_the_command_line_prints_and_exports_the_review_and_the_follow_up(built: Built, tmp_path: Path) -> None:
    db = str(built.db)
    pdf = tmp_path / "tổng kết.pdf"
    result = run("--db", db, "report", "review", "--from", "2021", "--to", "2025", "--out", str(pdf))
    assert result.returncode == 0, result.stderr
    assert "giai đoạn 2021 – 2025" in " ".join(page_texts(pdf))
    xlsx = tmp_path / "tổng kết.xlsx"
    result = run(
        "--db", db, "export", "review", "--from", "2021", "--to", "2025", "--out", str(xlsx), "--style", "nha_nuoc"
    )
    assert result.returncode == 0, result.stderr
    assert "Qua các năm" in load_workbook(xlsx).sheetnames
    listing = tmp_path / "chưa báo cáo.pdf"
    result = run("--db", db, "report", "followup", "--year", "2025", "--since", "01/06/2025", "--out", str(listing))
    assert result.returncode == 0, result.stderr
    content = " ".join(page_texts(listing))
    assert "Bà Trần Thị Bích" in content and "Nuôi heo đất giúp hội viên nghèo" not in content


def test_the_command_line_says_what_is_missing_or_wrong(tmp_path: Path, capsys) -> None:
    db = tmp_path / "chưa có.db"
    out = str(tmp_path / "a.pdf")
    assert main(["--db", str(db), "report", "review", "--out", out]) == 1
    assert "cần --year (hoặc --from / --to)" in capsys.readouterr().err
    assert main(["--db", str(db), "report", "statistics", "--out", out]) == 1
    assert "«Báo cáo thống kê» cần --year." in capsys.readouterr().err
    assert main(["--db", str(db), "report", "statistics", "--year", "2025", "--from", "2021", "--out", out]) == 1
    assert "không dùng --from" in capsys.readouterr().err
    assert not db.exists()  # all refused before the database was touched
    with pytest.raises(SystemExit):
        main(["--db", str(db), "report", "followup", "--year", "2025", "--since", "31/02/2025", "--out", out])
    assert "--since" in capsys.readouterr().err


def test_a_span_backwards_is_refused_in_words(built: Built, tmp_path: Path) -> None:
    result = run(
        "--db", str(built.db), "report", "review", "--from", "2025", "--to", "2021", "--out", str(tmp_path / "x.pdf")
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "năm đầu (2025) phải trước hoặc bằng năm cuối (2021)" in result.stderr


@pytest.mark.parametrize("document,title", [("review", "BÁO CÁO"), ("followup", "DANH SÁCH")])
def test_state_rule_under_the_title(built: Built, document: str, title: str) -> None:
    """NĐ 30: under the subject a rule 1/3–1/2 as long as the line above it, centred (measured on the image)."""
    path = built.files[f"{document}_{STYLE_STATE}"]
    page = render_page(path, 1)
    top = min(find_text(path, title), key=lambda box: box.top).top
    zone = Box(0, top, page.width_mm, top + TITLE_ZONE_MM)
    found = rules(page.image, zone)
    assert len(found) == 1, f"{document}: expected one rule under the title, found: {found}"
    text = rule_under_text(page.image, found[0], 0, page.width_mm, text_lines(path, 1))
    assert text is not None, f"{document}: no text line above the {found[0]}"
    problems = share_problem("under the title", found[0], text)
    assert not problems, f"{document}: " + "\n".join(problems)


def test_the_reports_page_offers_the_span_and_the_day(db, qtbot, monkeypatch) -> None:
    from desktop_app.demo import DEMO_OFFICE
    from desktop_app.services import settings
    from ui.pages.reports import ReportsPage

    settings.save_office(DEMO_OFFICE)
    page = ReportsPage()
    qtbot.addWidget(page)
    monkeypatch.setattr(page, "_request_preview", lambda force=False: None)  # the options only
    page.set_year(2025)
    page.select("review")
    first = page.option_widgets["first_year"]
    assert [first.itemData(i) for i in range(4)] == [None, 2025, 2024, 2023]
    assert page.options() == Options(2025)  # untouched: the five years up to the working year
    first.setCurrentIndex(first.findData(2022))
    assert page.options() == Options(2025, first_year=2022)
    page.select("followup", since=date(2025, 6, 15))  # a day the list does not offer is added and chosen
    assert page.options() == Options(2025, since=date(2025, 6, 15))
    assert page.option_widgets["since"].currentText() == "15/06/2025"
    page.set_year(2026)  # another working year: the days offered follow it; a day of the year left is dropped
    assert page.options() == Options(2026)
    assert page.option_widgets["since"].itemData(1) == date(2026, 1, 1)
