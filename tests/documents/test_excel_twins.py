"""The Excel twins carry the PDF's header and signature blocks, live formulas for totals, and print as documents.

Every twin of the demo year is exported in both styles and read back with openpyxl.  Formulas are checked by
what they say and by a small evaluator of the few forms the program writes, against the app's own numbers;
when LibreOffice is installed, it recalculates one twin as a spreadsheet program would.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.documents import DOCUMENTS, Options, build_excel
from desktop_app.documents.samples import YEAR, prepare
from desktop_app.office import STYLE_PARTY, STYLE_STATE
from desktop_app.storage import database as storage

STYLES = (STYLE_PARTY, STYLE_STATE)
PARTY_TITLE = "ĐẢNG CỘNG SẢN VIỆT NAM"
NATION_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
FONT = "Times New Roman"
MM = 1 / 25.4  # Excel keeps margins in inches
HEAD = range(1, 6)  # the header block's rows (four at most), and perhaps the title
TITLES = {
    "registrations": "DANH SÁCH",
    "recognition": "DANH SÁCH",
    "proposal": "DANH SÁCH",
    "scores": "BẢNG TỔNG HỢP",
    "statistics": "BÁO CÁO THỐNG KÊ",
    "followup": "DANH SÁCH",
    "review": "BÁO CÁO",
}


@dataclass
class Facts:
    """What the app itself says about the demo year, to compare the sheets with."""

    registered: int = 0
    recognised: int = 0
    any_result_note: bool = False
    means: dict[str, float | None] = field(default_factory=dict)
    chairman: str = ""
    signers: dict[str, tuple[str, str, str]] = field(default_factory=dict)  # authority, title, name
    bodies: dict[str, str] = field(default_factory=dict)
    by_field: dict[str, tuple[int, int]] = field(default_factory=dict)  # registered, recognised
    total: tuple[int, int] = (0, 0)
    decision_day: str = ""


@dataclass
class Twins:
    files: dict[tuple[str, str], Path]
    facts: Facts


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> Twins:
    from desktop_app.appraisal import results as appraisal_results
    from desktop_app.appraisal.council import council_members
    from desktop_app.appraisal.decision import decision_for
    from desktop_app.documents import data
    from desktop_app.documents.lists import chairman
    from desktop_app.documents.statistics import gather
    from desktop_app.services.settings import get_office
    from desktop_app.text import date_in_words

    folder = tmp_path_factory.mktemp("bản excel")
    prepare(folder)
    files: dict[tuple[str, str], Path] = {}
    facts = Facts()
    try:
        for style in STYLES:
            for code, kind in DOCUMENTS.items():
                if kind.excel is not None:
                    files[code, style] = build_excel(code, Options(YEAR, style=style), folder / f"{code}_{style}.xlsx")
            files["proposal", style] = build_excel(
                "recognition", Options(YEAR, style=style, proposal=True), folder / f"proposal_{style}.xlsx"
            )
            issuer = get_office().issuer(style)
            facts.signers[style] = (issuer.signing_authority, issuer.signer_title, issuer.signer_name)
            facts.bodies[style] = issuer.issuing_body
        facts.registered = sum(len(g.rows) for g in data.registrations(YEAR))
        recognised = [r for g in data.recognition(YEAR) for r in g.rows]
        facts.recognised = len(recognised)
        facts.any_result_note = any(data.result_note(r) for r in recognised)
        facts.means = {r.name: r.mean for r in appraisal_results.results(YEAR)}
        member = chairman(council_members(YEAR))
        facts.chairman = member.name if member else ""
        report = gather(YEAR)
        facts.by_field = {name: (t.total_registered, t.total_recognised) for name, t in report.by_field.items()}
        facts.total = (report.total.total_registered, report.total.total_recognised)
        decision = decision_for(YEAR)
        assert decision is not None
        facts.decision_day = date_in_words(decision.date)
    finally:
        storage.current().close()
    return Twins(files, facts)


# ----------------------------------------------------------------- reading the sheets back


def sheets(path: Path) -> list[Worksheet]:
    """The visible sheets (the score workbook keeps a hidden one for its import)."""
    return [ws for ws in load_workbook(path).worksheets if ws.sheet_state == "visible"]


def texts(ws: Worksheet, rows: range | None = None) -> list[str]:
    rows = rows or range(1, ws.max_row + 1)
    return [str(c.value) for r in rows for c in ws[r] if isinstance(c.value, str)]


def header_row(ws: Worksheet) -> int:
    """The table's (last) header row: the one holding "STT", or under the band row of a statistics table."""
    for row in range(1, 20):
        values = [c.value for c in ws[row]]
        if "STT" in values or "Tập thể" in values or values[:1] in (["Năm"], ["Loại chỉ tiêu"]):
            return row
    raise AssertionError(f"no header row in {ws.title}")


def numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def cells_in(ws: Worksheet, ref: str) -> list[Any]:
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return [evaluate(ws, ws.cell(r, c).value) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def evaluate(ws: Worksheet, value: Any) -> Any:
    """The value of a cell, computing the few formula forms the twins are written with (anything else fails)."""
    if not (isinstance(value, str) and value.startswith("=")):
        return value
    formula = value[1:]
    if m := re.fullmatch(r"SUM\(([A-Z]+\d+:[A-Z]+\d+)\)", formula):
        return sum(v for v in cells_in(ws, m[1]) if numeric(v))
    if m := re.fullmatch(r'IF\(([A-Z]+\d+)=0,"",([A-Z]+\d+)/([A-Z]+\d+)\)', formula):
        whole, part = evaluate(ws, ws[m[1]].value), evaluate(ws, ws[m[2]].value)
        assert m[1] == m[3]
        return "" if whole == 0 else part / whole
    if m := re.fullmatch(r'IFERROR\(ROUND\(AVERAGE\(([A-Z]+\d+:[A-Z]+\d+)\),2\),""\)', formula):
        values = [v for v in cells_in(ws, m[1]) if numeric(v)]
        return round(sum(values) / len(values) + 1e-9, 2) if values else ""
    if m := re.fullmatch(r'"Tổng cộng: "&COUNT\((A\d+:A\d+)\)&" mô hình, điển hình"', formula):
        return f"Tổng cộng: {sum(numeric(v) for v in cells_in(ws, m[1]))} mô hình, điển hình"
    raise AssertionError(f"a formula the twins do not write: {value}")


def total_cell(ws: Worksheet) -> Any:
    """The "Tổng cộng" cell of a list: the last row of the table (the signature follows a blank row)."""
    row = header_row(ws) + 1
    while ws.cell(row + 1, 1).value is not None or ws.cell(row + 1, 2).value is not None:
        row += 1
    return ws.cell(row, 2)


# ----------------------------------------------------------------- header and signature


@pytest.mark.parametrize("style", STYLES)
def test_every_twin_carries_its_styles_header(twins: Twins, style: str):
    body = twins.facts.bodies[style]
    for key, path in twins.files.items():
        if key[1] != style:
            continue
        for ws in sheets(path):
            everything = " ".join(texts(ws))
            if key[0] == "scoresheets":  # its first rows are the form the import reads: the header is the page's
                assert ws.oddHeader.left.text == body.upper()
                assert ws.oddHeader.right.text == (PARTY_TITLE if style == STYLE_PARTY else NATION_TITLE)
                continue
            head = texts(ws, HEAD)
            assert body.upper() in head, (key, ws.title)
            if style == STYLE_PARTY:
                assert PARTY_TITLE in head and "*" in head
                assert "CỘNG HÒA" not in everything
            else:
                assert NATION_TITLE in head and MOTTO in head
                assert "ĐẢNG CỘNG SẢN" not in everything
            assert TITLES[key[0]] in texts(ws, range(4, header_row(ws))), (key, ws.title)  # between block and table
            if key[0] == "scores":  # the council heads the table it signs, under its committee
                assert [ws.cell(r, 1).value for r in (1, 2)] == [body.upper(), "HỘI ĐỒNG THẨM ĐỊNH"]
            if key[0] == "statistics":  # a report is numbered: "Số    -BC/HU", left for the registry
                assert any(t.startswith("Số") and "BC" in t for t in head), head


def test_the_place_date_line_is_the_decisions_on_its_list_else_left_blank(twins: Twins):
    place = "Lâm Hà, "
    for style in STYLES:
        decision_list = sheets(twins.files["recognition", style])[0]
        assert place + twins.facts.decision_day in texts(decision_list, HEAD)
        for code in ("registrations", "proposal", "scores", "statistics"):
            head = texts(sheets(twins.files[code, style])[0], HEAD)
            assert f"{place}ngày      tháng      năm {YEAR}" in head, (code, style)


@pytest.mark.parametrize("style", STYLES)
def test_signature_blocks(twins: Twins, style: str):
    authority, title, name = twins.facts.signers[style]
    for code in ("registrations", "proposal"):
        (ws,) = sheets(twins.files[code, style])
        tail = texts(ws, range(header_row(ws) + 1, ws.max_row + 1))
        assert {"Nơi nhận:", "- Lưu: VT.", authority, title, name} <= set(tail), code
        assert ws.cell(ws.max_row, 1).value is None  # the name sits in the right half, under the title
    decision_list = sheets(twins.files["recognition", style])[0]
    assert name not in texts(decision_list) and "Nơi nhận:" not in texts(decision_list)  # signed with the decision
    (scores,) = sheets(twins.files["scores", style])
    council = ("T/M " if style == STYLE_PARTY else "TM. ") + "HỘI ĐỒNG THẨM ĐỊNH"
    assert [council, "CHỦ TỊCH", twins.facts.chairman] == [
        t for t in texts(scores)[-3:] if t in {council, "CHỦ TỊCH", twins.facts.chairman}
    ]
    statistics = sheets(twins.files["statistics", style])
    assert name in texts(statistics[-1]) and all(name not in texts(ws) for ws in statistics[:-1])
    for ws in sheets(twins.files["scoresheets", style]):
        assert "NGƯỜI CHẤM" in texts(ws)


# ----------------------------------------------------------------- formulas


@pytest.mark.parametrize("style", STYLES)
def test_list_totals_count_the_rows_above(twins: Twins, style: str):
    for key, expected in (("registrations", twins.facts.registered), ("recognition", twins.facts.recognised)):
        (ws,) = sheets(twins.files[key, style])
        total = total_cell(ws)
        assert total.data_type == "f" and str(total.value).startswith('="Tổng cộng: "&COUNT(A')
        top = header_row(ws) + 1
        assert f"COUNT(A{top}:A{total.row - 1})" in total.value
        assert evaluate(ws, total.value) == f"Tổng cộng: {expected} mô hình, điển hình"


def test_the_note_column_is_left_out_when_nothing_fills_it(twins: Twins):
    (recognition,) = sheets(twins.files["recognition", STYLE_PARTY])
    assert ("Ghi chú" in texts(recognition)) == twins.facts.any_result_note
    (registrations,) = sheets(twins.files["registrations", STYLE_PARTY])
    assert [c.value for c in registrations[header_row(registrations)]][-1] == "Ghi chú"  # the demo notes names


@pytest.mark.parametrize("style", STYLES)
def test_statistics_sums_and_rates_are_formulas_giving_the_apps_numbers(twins: Twins, style: str):
    book = sheets(twins.files["statistics", style])
    ws = next(s for s in book if s.title == "Theo lĩnh vực")
    row = header_row(ws)
    assert [c.value for c in ws[row - 1]][-1] == "Tỷ lệ công nhận"
    assert ws.print_title_rows.replace("$", "") == f"{row - 1}:{row}"  # the band row repeats too
    seen = {}
    for r in range(row + 1, ws.max_row + 1):
        label = ws.cell(r, 1).value
        if label is None:
            break
        cells = [ws.cell(r, c) for c in range(1, 9)]
        if label != "Tổng cộng":  # each line's "Cộng" adds its two kinds; the totals line sums the columns
            assert cells[3].value == f"=SUM(B{r}:C{r})" and cells[6].value == f"=SUM(E{r}:F{r})"
        assert cells[7].value == f'=IF(D{r}=0,"",G{r}/D{r})' and cells[7].number_format == "0.0%"
        assert all(c.number_format == "#,##0" for c in cells[1:7])
        seen[label] = (evaluate(ws, cells[3].value), evaluate(ws, cells[6].value), evaluate(ws, cells[7].value))
    total = seen.pop("Tổng cộng")
    assert {k: v[:2] for k, v in seen.items()} == twins.facts.by_field
    registered, recognised = twins.facts.total
    assert total == (registered, recognised, pytest.approx(recognised / registered))
    totals_row = next(r for r in range(row + 1, ws.max_row + 1) if ws.cell(r, 1).value == "Tổng cộng")
    assert [ws.cell(totals_row, c).value for c in (2, 7)] == [
        f"=SUM(B{row + 1}:B{totals_row - 1})",
        f"=SUM(G{row + 1}:G{totals_row - 1})",
    ]
    indicators = next(s for s in book if s.title == "Chỉ tiêu")
    assert [c.value for c in indicators[header_row(indicators)]] == [
        "Loại chỉ tiêu",
        "Đơn vị tính",
        "Tất cả mô hình, điển hình",
        "Được công nhận",
    ]
    history = next(s for s in book if s.title == "Qua các năm")
    rate = history.cell(header_row(history) + 1, 4)
    assert rate.value.startswith("=IF(B") and rate.number_format == "0.0%"


@pytest.mark.parametrize("style", STYLES)
def test_score_means_are_formulas_giving_the_apps_means(twins: Twins, style: str):
    (ws,) = sheets(twins.files["scores", style])
    row = header_row(ws)
    headers = [c.value for c in ws[row]]
    mean_col = headers.index("Điểm trung bình") + 1
    checked = 0
    for r in range(row + 1, ws.max_row + 1):
        if not numeric(ws.cell(r, 1).value):
            continue
        cell = ws.cell(r, mean_col)
        assert cell.data_type == "f" and cell.value.startswith("=IFERROR(ROUND(AVERAGE(D")
        assert cell.number_format == "0.00"
        assert evaluate(ws, cell.value) == pytest.approx(twins.facts.means[ws.cell(r, 2).value])
        checked += 1
    assert checked == len(twins.facts.means)


def test_a_mean_excels_rounding_would_change_is_written_as_the_apps_value():
    from desktop_app.appraisal.info import ModelResult
    from desktop_app.documents.excel import Formula
    from desktop_app.documents.exports import _excel_round, _mean_cell

    def result(mean: float, trimmed: bool = False) -> ModelResult:
        return ModelResult(0, "", "", "tap_the", "", "", "", [], 0, mean, trimmed, "", 1, 0, True, False, "")

    # 681 / 8 = 85.125 exactly: Python's round() gives 85.12, Excel's ROUND 85.13.
    totals = [85.0, 85.0, 85.0, 85.0, 85.0, 85.0, 85.5, 85.5]
    assert _excel_round(sum(totals) / 8) == 85.13
    assert _mean_cell(result(85.12), totals, "D{row}:K{row}") == 85.12
    assert isinstance(_mean_cell(result(85.13), totals, "D{row}:K{row}"), Formula)
    # Trimmed from five members up: the formula drops the highest and the lowest as the app does.
    trimmed = _mean_cell(result(80.0, trimmed=True), [70.0, 80.0, 80.0, 80.0, 95.0], "D{row}:H{row}")
    assert isinstance(trimmed, Formula) and "MAX(D{row}:H{row})" in trimmed.template


# ----------------------------------------------------------------- fonts and print setup


def all_twins(twins: Twins) -> list[tuple[tuple[str, str], Workbook]]:
    return [(key, load_workbook(path)) for key, path in twins.files.items()]


def test_times_new_roman_throughout(twins: Twins):
    for key, book in all_twins(twins):
        assert book._named_styles["Normal"].font.name == FONT, key  # empty cells, and whatever is typed later
        for ws in book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        assert cell.font.name == FONT, (key, ws.title, cell.coordinate)


def test_every_sheet_prints_on_a4_as_wide_as_the_page_with_numbered_pages(twins: Twins):
    for key, book in all_twins(twins):
        for ws in book.worksheets:
            if ws.sheet_state != "visible":
                continue
            where = (key, ws.title)
            assert int(ws.page_setup.paperSize) == 9, where  # A4
            assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, where
            assert ws.sheet_properties.pageSetUpPr.fitToPage, where
            margins = ws.page_margins
            assert (margins.top, margins.bottom) == pytest.approx((20 * MM, 20 * MM)), where
            assert (margins.left, margins.right) == pytest.approx((30 * MM, 15 * MM)), where
            assert ws.oddFooter.center.text == "Trang &P / &N", where
            assert ws.print_title_rows, where
            assert ws.page_setup.orientation in ("landscape", "portrait"), where
    (scores,) = sheets(twins.files["scores", STYLE_PARTY])
    assert scores.page_setup.orientation == "landscape"
    assert sheets(twins.files["scoresheets", STYLE_PARTY])[0].print_title_rows.replace("$", "") == "4:5"


def test_the_score_workbook_still_imports_after_its_new_print_setup(demo_db, tmp_path: Path):
    from desktop_app.appraisal.workbook import export_workbook, import_workbook

    path = export_workbook(YEAR, tmp_path / "bảng chấm.xlsx", style=STYLE_STATE)
    report = import_workbook(path)
    assert report.ok and report.sheets > 0, report.refused


# ----------------------------------------------------------------- a real spreadsheet program, when there is one


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_computes_the_statistics_totals(twins: Twins, tmp_path: Path):
    source = tmp_path / "thống kê.xlsx"
    book = load_workbook(twins.files["statistics", STYLE_PARTY])
    for other in [ws for ws in book.worksheets if ws.title != "Theo lĩnh vực"]:
        book.remove(other)  # CSV holds one sheet: the first
    book.save(source)
    # Converting computes every formula (openpyxl writes none of their results) and writes the values.
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    with open(source.with_suffix(".csv"), encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    total = next(r for r in rows if r and r[0] == "Tổng cộng")
    registered, recognised = twins.facts.total
    assert [int(total[3].replace(",", "").replace(".", "")), int(total[6].replace(",", "").replace(".", ""))] == [
        registered,
        recognised,
    ]
