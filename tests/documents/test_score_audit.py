"""The score audit annex (Phụ lục: nhật ký nhập, sửa điểm chấm): read from the history, then printed.

The core (:func:`score_audit`) is checked on sheets keyed the way the grid keys them, a cell at a time, by
named users; the printed annex is checked on its rendered pages like every other document: the official
margins measured on the ink, the embedded fonts, page numbers from page 2, the council's signature.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest

from desktop_app import domain
from desktop_app.appraisal import council, scoring
from desktop_app.appraisal.criteria import criteria_set_for
from desktop_app.appraisal.info import CriterionInfo
from desktop_app.appraisal.tables import Score
from desktop_app.documents import DOCUMENTS, Options, build_pdf
from desktop_app.documents.score_audit import MemberAudit, PointChange, SheetAudit, moment, score_audit
from desktop_app.history import record
from desktop_app.history.tables import Change, ChangeBatch
from desktop_app.office import STYLE_PARTY, STYLE_STATE
from desktop_app.services import catalogues, settings
from desktop_app.services.models import ModelInput, create_model
from desktop_app.storage import database as storage
from desktop_app.storage.database import open_database

from .pdfcheck import fonts, overflow, page_texts
from .rendered import body_margins, page_number_box, render_pages, widest_line

YEAR = 2024
KEYER, CHECKER, FIXER = "Nguyễn Văn Thư", "Lê Thị Kiểm", "Phạm Quốc Sửa"


def as_user(name: str) -> None:
    settings.set_value(record.USER_SETTING, name)


def full(criteria: list[CriterionInfo], share: float) -> dict[int, float]:
    return {c.id: round(c.max_points * share * 2) / 2 for c in criteria}


def type_cell_by_cell(member: int, model: int, points: dict[int, float], keying: int = 1) -> None:
    """As the score grid saves: the whole sheet after each cell typed."""
    typed: dict[int, float] = {}
    for criterion_id, value in points.items():
        typed[criterion_id] = value
        scoring.save_sheet(YEAR, member, model, dict(typed), keying)


@dataclass
class Scored:
    models: list[int]
    members: list[int]
    criteria: list[CriterionInfo]
    names: list[str]


def score_a_year(models: int = 2) -> Scored:
    from desktop_app.demo import DEMO_OFFICE

    settings.save_office(DEMO_OFFICE)
    economy = catalogues.find("field", "Kinh tế")
    assert economy is not None
    names = [f"Mô hình nuôi bò sinh sản số {n + 1}" for n in range(models)]
    model_ids = [
        create_model(ModelInput(name=name, year=YEAR, field_id=economy.id), status=domain.PROPOSED) for name in names
    ]
    members = [
        council.add_member(YEAR, name, role=role)
        for name, role in (("Trần Thị Hồng", "Chủ tịch hội đồng"), ("Lê Văn Minh", "Ủy viên"))
    ]
    criteria = criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
    as_user(KEYER)
    for member in members:
        for model in model_ids:
            type_cell_by_cell(member, model, full(criteria, 0.8))
    # The paper sheet of member 0 for model 0 is typed again by someone else, with one cell misread…
    as_user(CHECKER)
    retyped = full(criteria, 0.8)
    retyped[criteria[1].id] -= 1
    type_cell_by_cell(members[0], model_ids[0], retyped, keying=2)
    # …and member 1's sheet of model 0 is corrected afterwards: one cell changed, one cleared.
    as_user(FIXER)
    corrected = full(criteria, 0.8)
    corrected[criteria[0].id] -= 0.5
    corrected.pop(criteria[2].id)
    scoring.save_sheet(YEAR, members[1], model_ids[0], corrected)
    return Scored(model_ids, members, criteria, names)


def batch_times(user: str) -> list[datetime]:
    query = (
        ChangeBatch.select(ChangeBatch.at)
        .join(Change)
        .where((ChangeBatch.user == user) & (Change.kind == "score_sheet"))
    )
    return sorted({row.at for row in query})


def sheet_of(audit: list[MemberAudit], member: str, model: str) -> SheetAudit:
    found = next(m for m in audit if m.name == member)
    return next(s for s in found.sheets if s.model_name == model)


# ----------------------------------------------------------------- the core


def test_first_keying_second_keying_and_a_correction_with_user_and_time(db):
    year = score_a_year()
    audit = score_audit(YEAR)
    assert [(m.name, m.role, len(m.sheets)) for m in audit] == [
        ("Trần Thị Hồng", "Chủ tịch hội đồng", 2),
        ("Lê Văn Minh", "Ủy viên", 2),
    ]
    keyed, checked, fixed = batch_times(KEYER), batch_times(CHECKER), batch_times(FIXER)

    checked_sheet = sheet_of(audit, "Trần Thị Hồng", year.names[0])
    first = checked_sheet.first
    assert first is not None and first.user == KEYER
    # Typed a cell at a time: one keying from its first cell to its last, not a correction per cell.
    assert first.time == keyed[0] and (first.finished is None or first.finished <= keyed[-1])
    second = checked_sheet.second
    assert second is not None and second.user == CHECKER and second.time == checked[0]
    assert not second.matched and second.differences == (f"TC{year.criteria[1].order}",)
    assert checked_sheet.corrections == ()

    fixed_sheet = sheet_of(audit, "Lê Văn Minh", year.names[0])
    assert fixed_sheet.first is not None and fixed_sheet.first.user == KEYER and fixed_sheet.second is None
    [correction] = fixed_sheet.corrections
    points = full(year.criteria, 0.8)
    assert (correction.user, correction.time, correction.keying) == (FIXER, fixed[0], 1)
    assert correction.changes == (
        PointChange(f"TC{year.criteria[0].order}", points[year.criteria[0].id], points[year.criteria[0].id] - 0.5),
        PointChange(f"TC{year.criteria[2].order}", points[year.criteria[2].id], None),
    )

    untouched = sheet_of(audit, "Lê Văn Minh", year.names[1])
    assert untouched.first is not None and untouched.second is None and untouched.corrections == ()


def test_a_matching_second_keying_and_accepting_one_that_differs(db):
    year = score_a_year()
    as_user(CHECKER)
    type_cell_by_cell(year.members[1], year.models[1], full(year.criteria, 0.8), keying=2)
    as_user(FIXER)
    scoring.accept_second_keying(YEAR, year.members[0], year.models[0])
    audit = score_audit(YEAR)
    matching = sheet_of(audit, "Lê Văn Minh", year.names[1]).second
    assert matching is not None and matching.matched and matching.differences == ()
    accepted = sheet_of(audit, "Trần Thị Hồng", year.names[0])
    [correction] = accepted.corrections
    assert correction.user == FIXER and correction.note == "lấy theo lần nhập 2"
    assert [c.criterion for c in correction.changes] == [f"TC{year.criteria[1].order}"]


def test_a_cell_cleared_and_typed_again_is_a_correction(db):
    year = score_a_year()
    as_user(FIXER)
    points = full(year.criteria, 0.8)
    without = {k: v for k, v in points.items() if k != year.criteria[3].id}
    scoring.save_sheet(YEAR, year.members[0], year.models[1], without)
    scoring.save_sheet(YEAR, year.members[0], year.models[1], points)
    sheet = sheet_of(score_audit(YEAR), "Trần Thị Hồng", year.names[1])
    label = f"TC{year.criteria[3].order}"
    value = points[year.criteria[3].id]
    assert [c.changes for c in sheet.corrections] == [
        (PointChange(label, value, None),),
        (PointChange(label, None, value),),
    ]


def test_a_sheet_stored_before_the_history_began_says_so(db):
    year = score_a_year()
    Score.delete().where((Score.member == year.members[0]) & (Score.model == year.models[1])).execute()
    # Points written without the service, as a file from before the history (schema 6) holds them.
    Change.delete().where(Change.kind == "score_sheet", Change.label.contains(year.names[1])).execute()
    for criterion in year.criteria:
        Score.create(member=year.members[0], model=year.models[1], criterion=criterion.id, points=1)
    sheet = sheet_of(score_audit(YEAR), "Trần Thị Hồng", year.names[1])
    assert sheet.unlogged and sheet.first is None


# ----------------------------------------------------------------- the printed annex

STYLES = (STYLE_PARTY, STYLE_STATE)
# Both rules (NĐ 30, HD 36): top and bottom ≥ 20 mm, left 30–35 mm, right 15–20 mm; a third of a mm of
# measuring error (see rendered.py).
TOP_MIN = BOTTOM_MIN = 20.0
LEFT_MIN, LEFT_MAX, RIGHT_MIN, RIGHT_MAX = 30.0, 35.0, 15.0, 20.0
TOLERANCE_MM = 0.3


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The annex in both styles from a year of 12 models scored by two members (several pages)."""
    folder = tmp_path_factory.mktemp("phụ lục")
    out: dict[str, Path] = {}
    with pytest.MonkeyPatch.context() as patch:
        home = folder / "home"
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        open_database(folder / "nhật ký.db")
        try:
            catalogues.ensure_defaults()
            score_a_year(models=12)
            for style in STYLES:
                out[style] = build_pdf("score_audit", Options(YEAR, style=style), folder / f"phu-luc-{style}.pdf")
        finally:
            storage.current().close()
    yield out


def test_the_annex_is_a_document_the_user_can_print():
    kind = DOCUMENTS["score_audit"]
    assert kind.label.startswith("Phụ lục") and kind.excel is None
    codes = list(DOCUMENTS)
    assert codes.index("score_audit") == codes.index("scores") + 1  # listed under the table it goes with


@pytest.mark.parametrize("style", STYLES)
def test_the_annex_names_who_keyed_checked_and_corrected(printed, style):
    content = " ".join(page_texts(printed[style]))
    assert "PHỤ LỤC" in content and "Nhật ký nhập, sửa điểm chấm" in content
    assert "Kèm theo Bảng tổng hợp kết quả chấm điểm năm 2024" in content
    for name in (KEYER, CHECKER, FIXER, "Trần Thị Hồng", "Lê Văn Minh"):
        assert name in content, name
    assert re.search(r"Lệch lần nhập 1: TC\d", content)
    assert re.search(r"\d\d:\d\d ngày \d\d/\d\d/\d{4}", content)
    assert re.search(r"TC\d+: [\d,]+ → [\d,]+", content) and re.search(r"TC\d+: [\d,]+ → trống", content)
    assert "Tổng cộng: 24 phiếu chấm; 1 phiếu nhập lần 2 (1 phiếu lệch); 1 lần sửa điểm" in content
    signature = "T/M HỘI ĐỒNG THẨM ĐỊNH" if style == STYLE_PARTY else "TM. HỘI ĐỒNG THẨM ĐỊNH"
    assert signature in content and "NGƯỜI LẬP" in content


@pytest.mark.parametrize("style", STYLES)
def test_every_page_keeps_the_official_margins(printed, style):
    problems: list[str] = []
    pages = 0
    for page in render_pages(printed[style]):
        pages += 1
        margins = body_margins(page)
        assert margins is not None, f"page {page.number} is blank"
        if margins.top < TOP_MIN - TOLERANCE_MM or margins.bottom < BOTTOM_MIN - TOLERANCE_MM:
            problems.append(f"page {page.number}: {margins}")
        if not LEFT_MIN - TOLERANCE_MM <= margins.left <= LEFT_MAX + TOLERANCE_MM:
            problems.append(f"page {page.number}: left {margins}")
        if margins.right < RIGHT_MIN - TOLERANCE_MM:
            problems.append(f"page {page.number}: right {margins}")
        # Every page carries the table across the full text column, so the right edge is measured too.
        if widest_line(page.image) < page.width_mm - (LEFT_MAX + RIGHT_MAX) - 5:
            problems.append(f"page {page.number}: no table across the text width")
        elif margins.right > RIGHT_MAX + TOLERANCE_MM:
            problems.append(f"page {page.number}: right margin beside a full-width table, {margins}")
    assert pages >= 2, "the test year should fill more than one page"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("style", STYLES)
def test_pages_are_numbered_from_the_second(printed, style):
    texts = page_texts(printed[style])
    for page in render_pages(printed[style]):
        number = page_number_box(page)
        assert (number is not None) == (page.number >= 2), f"page {page.number}: number {number}"
        assert texts[page.number - 1].startswith(str(page.number)) == (page.number >= 2)


@pytest.mark.parametrize("style", STYLES)
def test_fonts_are_embedded_and_nothing_overflows(printed, style):
    found = fonts(printed[style])
    assert found and all(found.values()) and all("LiberationSerif" in name for name in found), found
    problems = overflow(printed[style])
    assert not problems, "\n".join(map(str, problems[:10]))


def test_moment_reads_as_a_record_of_time():
    assert moment(datetime(2024, 10, 5, 8, 7)) == "08:07 ngày 05/10/2024"
