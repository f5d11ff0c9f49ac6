"""Official documents measured on their rendered pages, against Nghị định 30/2020/NĐ-CP (State style) and
Hướng dẫn 36-HD/VPTW (Party style): margins, the rules under header lines and titles, the words of each style,
numbering and wording that an upper office checks before it accepts a document.

Every document is built once for the module, on first use, from its own database: the demo year (2023), and
a second database holding a four-model year that was scored (short lists) and a year whose models come from
fifteen units (Roman group numbers past XII).  A document that cannot be built fails the tests that use it,
with the builder's error, and no others.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from desktop_app import domain
from desktop_app.documents import Options, build_pdf
from desktop_app.documents.samples import YEAR, prepare
from desktop_app.office import STYLE_PARTY, STYLE_STATE
from desktop_app.storage import database as storage
from desktop_app.storage.database import open_database
from desktop_app.text import format_number

from .pdfcheck import page_texts
from .rendered import (
    LENGTH_TOLERANCE_MM,
    TOLERANCE_MM,
    Box,
    Page,
    Rule,
    body_box,
    body_margins,
    find_text,
    header_blocks,
    page_count,
    render_page,
    render_pages,
    rule_under_text,
    rules,
    text_line_extent,
    text_lines,
    widest_line,
)

STYLES = (STYLE_PARTY, STYLE_STATE)
SHORT_YEAR = 2026  # four models, scored by a council of three
MANY_YEAR = 2027  # one model in each of fifteen units
UNITS = 15

# The margins of both rules (NĐ 30, Phụ lục I; HD 36-HD/VPTW), in mm, the same for portrait and landscape.
TOP_MIN, BOTTOM_MIN = 20.0, 20.0
LEFT_MIN, LEFT_MAX = 30.0, 35.0
RIGHT_MIN, RIGHT_MAX = 15.0, 20.0
# "As long as the line": the rules allow no figure; ±1 mm is what a clerk with a ruler would call equal.
SAME_LENGTH_MM = 1.0
# "Centred under the line": both centres are measured to TOLERANCE_MM, so they may differ by twice that.
CENTRED_MM = 2 * TOLERANCE_MM
# How far below a title its rule may lie and still be read as its rule; the table or text comes later.
TITLE_ZONE_MM = 40.0

# The words only one style prints (document number symbols, signing authority, national or Party line).
PARTY_WORDS = ("ĐẢNG CỘNG SẢN VIỆT NAM", "T/M ", "-QĐ/", "-BC/")
STATE_WORDS = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "Độc lập - Tự do", "TM. ", "/QĐ-", "/BC-")

# The first words of each document's title (tên loại), which the text layer finds on page 1.
TITLES = {
    "registrations": "DANH SÁCH",
    "recognition": "DANH SÁCH",
    "proposal": "DANH SÁCH",
    "scores": "BẢNG TỔNG HỢP",
    "statistics": "BÁO CÁO",
    "dossier": "HỒ SƠ",
    "scoresheets": "PHIẾU CHẤM ĐIỂM",
}

# Document → (builder code, options other than year and style), built from the demo database.  "model"
# stands for the demo's dossier model, known once the demo is made.
DEMO_DOCUMENTS: dict[str, tuple[str, dict[str, Any]]] = {
    "registrations": ("registrations", {}),
    "by_unit": ("registrations", {"group_by": "unit"}),
    "recognition": ("recognition", {}),
    "proposal": ("recognition", {"proposal": True}),
    "scores": ("scores", {}),
    "statistics": ("statistics", {}),
    "dossier": ("dossier", {"model_id": "model"}),
    "certificates": ("certificates", {}),
    "scoresheets": ("scoresheets", {}),
    "blank_sheets": ("scoresheets", {"filled": False, "model_id": "model"}),
}
# Document → (builder code, year, other options), built from the second database.
EXTRA_DOCUMENTS: dict[str, tuple[str, int, dict[str, Any]]] = {
    "short_registrations": ("registrations", SHORT_YEAR, {}),
    "short_scores": ("scores", SHORT_YEAR, {}),
    "short_sheets": ("scoresheets", SHORT_YEAR, {}),
    "many_units": ("registrations", MANY_YEAR, {"group_by": "unit"}),
}
# Certificates (giấy khen) are decorative framed forms, laid out inside their own border, not documents in
# the body-text layout the margins of NĐ 30 / HD 36 govern: they are left out of the margin test only.
MARGIN_DOCUMENTS = [d for d in (*DEMO_DOCUMENTS, *EXTRA_DOCUMENTS) if d != "certificates"]
ALL_DOCUMENTS = [*DEMO_DOCUMENTS, *EXTRA_DOCUMENTS]


@dataclass
class Library:
    """The module's documents, built on first use, each from its own database opened for the build alone."""

    folder: Path
    demo_db: Path
    extra_db: Path
    model_id: int
    grade_models: dict[str, int]  # grade → one recognised demo model of that grade
    short_names: list[str]  # the four models of SHORT_YEAR
    lowest_grade: str  # the grade below every threshold ("Không đạt")
    lowest_limit: float  # the lowest threshold that is passed (65)
    recipes: dict[str, tuple[Path, str, Options]] = field(default_factory=dict)
    built: dict[str, Path | str] = field(default_factory=dict)  # a path, or the builder's error
    _texts: dict[str, list[str]] = field(default_factory=dict)

    def add(self, key: str, database: Path, code: str, options: Options) -> None:
        self.recipes[key] = (database, code, options)

    def pdf(self, key: str) -> Path:
        if key not in self.built:
            database, code, options = self.recipes[key]
            open_database(database)
            try:
                self.built[key] = build_pdf(code, options, self.folder / f"{key}.pdf")
            except Exception:  # noqa: BLE001  # whatever broke, the tests that need this document report it
                # Kept as text: the test that asked, and every later one, fails with the builder's own error.
                self.built[key] = traceback.format_exc(limit=-4)
            finally:
                storage.current().close()
        found = self.built[key]
        if isinstance(found, str):
            pytest.fail(f"{key}: the document could not be built:\n{found}")
        return found

    def texts(self, key: str) -> list[str]:
        """Each page's text, whitespace collapsed."""
        if key not in self._texts:
            self._texts[key] = page_texts(self.pdf(key))
        return self._texts[key]


def _demo_facts(folder: Path) -> tuple[int, dict[str, int]]:
    """The demo year with its decision; its dossier model and one recognised model per grade."""
    from desktop_app.appraisal.results import results

    # Each style's documents cite a decision issued in that style (the demo office issues in both).
    prepare(folder, STYLE_STATE)
    storage.current().close()
    model_id = prepare(folder, STYLE_PARTY)
    grade_models: dict[str, int] = {}
    for result in results(YEAR):
        if result.recognised:
            grade_models.setdefault(result.grade, result.model_id)
    return model_id, grade_models


def _extra_years() -> tuple[list[str], str, float]:
    """A four-model year scored by three members, and a year of one model in each of fifteen units."""
    from desktop_app.appraisal import council, scoring
    from desktop_app.appraisal.criteria import criteria_set_for
    from desktop_app.demo import DEMO_OFFICE
    from desktop_app.services import catalogues, settings
    from desktop_app.services.models import ModelInput, create_model
    from desktop_app.services.units import create_unit

    catalogues.ensure_defaults()
    settings.save_office(DEMO_OFFICE)  # issues in both styles
    economy = catalogues.find("field", "Kinh tế")
    assert economy is not None
    names = [
        "Dân vận khéo trong xây dựng đường giao thông nông thôn",
        "Tổ hợp tác trồng cà phê sạch",
        "Mô hình tiết kiệm xoay vòng của phụ nữ",
        "Nuôi bò sinh sản giúp hộ nghèo",
    ]
    models = [
        create_model(ModelInput(name=name, year=SHORT_YEAR, field_id=economy.id), status=domain.PROPOSED)
        for name in names
    ]
    members = [
        council.add_member(SHORT_YEAR, name, role=role)
        for name, role in (("Trần Thị Hồng", "Chủ tịch hội đồng"), ("Lê Văn Minh", "Ủy viên"), ("K' Briu", "Thư ký"))
    ]
    criteria_set = criteria_set_for(SHORT_YEAR, domain.KIND_COLLECTIVE)
    # One model for each grade, from the best to the lowest, so the short table shows every grade.
    for model, share in zip(models, (0.95, 0.85, 0.7, 0.5), strict=True):
        for member in members:
            points = {c.id: round(c.max_points * share * 2) / 2 for c in criteria_set.criteria}
            scoring.save_sheet(SHORT_YEAR, member, model, points)
    for number in range(1, UNITS + 1):
        unit = create_unit(f"Chi hội Nông dân thôn {number:02d}")
        create_model(
            ModelInput(name=f"Vườn mẫu của thôn {number:02d}", year=MANY_YEAR, field_id=economy.id, unit_id=unit.id)
        )
    ordered = sorted(criteria_set.thresholds, key=lambda t: t.min_points)
    return names, ordered[0].name, ordered[1].min_points


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    folder = tmp_path_factory.mktemp("trang in")
    demo_folder, extra_db = folder / "demo", folder / "them.db"
    demo_folder.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        # Made before the per-test fixtures point the user's folders elsewhere: keep them in the tmp folder too.
        home = folder / "home"
        patch.setenv("HOME", str(home))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        try:
            model_id, grade_models = _demo_facts(demo_folder)
        finally:
            storage.current().close()
        open_database(extra_db)
        try:
            short_names, lowest_grade, lowest_limit = _extra_years()
        finally:
            storage.current().close()
    library = Library(
        folder, demo_folder / "mau.db", extra_db, model_id, grade_models, short_names, lowest_grade, lowest_limit
    )

    def demo_db(style: str) -> Path:
        return library.demo_db if style == STYLE_PARTY else demo_folder / f"mau_{style}.db"

    for style in STYLES:
        for key, (code, values) in DEMO_DOCUMENTS.items():
            values = {k: model_id if v == "model" else v for k, v in values.items()}
            library.add(f"{key}_{style}", demo_db(style), code, Options(YEAR, style=style, **values))
        for key, (code, year, values) in EXTRA_DOCUMENTS.items():
            library.add(f"{key}_{style}", extra_db, code, Options(year, style=style, **values))
        for grade, graded_id in grade_models.items():
            options = Options(YEAR, style=style, model_id=graded_id)
            library.add(f"certificate {grade} {style}", demo_db(style), "certificates", options)
    yield library


def keys(documents: list[str]) -> list[str]:
    return [f"{document}_{style}" for document in documents for style in STYLES]


# ----------------------------------------------------------------------------- margins


def margin_problems(page: Page) -> tuple[list[str], bool]:
    """What on ``page`` breaks the margins, and whether its content spans the full text width.

    The lower bounds (nothing nearer the edge than 20 / 20 / 30 / 15 mm) hold on every page.  The upper
    bounds (left ≤ 35, right ≤ 20 mm) say where the text column ends, so they are measured only where the
    content reaches both sides of the column: a page carrying a table whose border spans (nearly) the whole
    text width.  A page holding only a centred photo, a chart or a ragged last paragraph does not show where
    its column ends, and is not held to them.
    """
    margins = body_margins(page)
    if margins is None:
        return [], False
    problems = []
    if margins.top < TOP_MIN - TOLERANCE_MM:
        problems.append(f"top margin {margins.top:.1f} mm (rule ≥ {TOP_MIN:g})")
    if margins.bottom < BOTTOM_MIN - TOLERANCE_MM:
        problems.append(f"bottom margin {margins.bottom:.1f} mm (rule ≥ {BOTTOM_MIN:g})")
    if margins.left < LEFT_MIN - TOLERANCE_MM:
        problems.append(f"left margin {margins.left:.1f} mm (rule {LEFT_MIN:g}–{LEFT_MAX:g})")
    if margins.right < RIGHT_MIN - TOLERANCE_MM:
        problems.append(f"right margin {margins.right:.1f} mm (rule {RIGHT_MIN:g}–{RIGHT_MAX:g})")
    # The widest text column the rules allow is the sheet less 30 + 15 mm; a table at least the narrowest
    # column (less 35 + 20 mm) wide, short of a few mm, spans it.
    full_width = widest_line(page.image) >= page.width_mm - (LEFT_MAX + RIGHT_MAX) - 5
    if full_width:
        if margins.left > LEFT_MAX + TOLERANCE_MM:
            problems.append(f"left margin {margins.left:.1f} mm (rule {LEFT_MIN:g}–{LEFT_MAX:g})")
        if margins.right > RIGHT_MAX + TOLERANCE_MM:
            problems.append(f"right margin {margins.right:.1f} mm beside a full-width table (rule ≤ {RIGHT_MAX:g})")
    return problems, full_width


@pytest.mark.parametrize("key", keys(MARGIN_DOCUMENTS))
def test_every_page_keeps_the_official_margins(library: Library, key: str) -> None:
    problems: list[str] = []
    for page in render_pages(library.pdf(key)):
        found, full_width = margin_problems(page)
        problems += [f"page {page.number}: {problem} — content {body_box(page)}" for problem in found]
        if page.number == 1 and not full_width:
            # Every document here opens with a header and a table across the text width; if none is seen,
            # the upper bounds would be checked nowhere and the test would prove nothing.
            problems.append("page 1: no table across the text width found, so its column edges are unmeasured")
    assert not problems, f"{key}:\n" + "\n".join(problems)


# ----------------------------------------------------------------------------- rules in the header and title


@dataclass
class FirstPage:
    """Page 1 of a document, with where its title starts and its header's two blocks."""

    key: str
    path: Path
    page: Page
    title: Box
    left: Box  # the issuing body's block
    right: Box  # the national / Party line's block
    lines: list[Box]  # the text layer's lines: which rows the line above a rule owns

    def rules(self, region: Box) -> list[Rule]:
        return rules(self.page.image, region)


def first_page(library: Library, document: str, style: str) -> FirstPage:
    key = f"{document}_{style}"
    path = library.pdf(key)
    page = render_page(path, 1)
    hits = find_text(path, TITLES[document])
    assert hits, f"{key}: title «{TITLES[document]}» not found on page 1"
    title = min(hits, key=lambda box: box.top)
    content = body_box(page)
    assert content is not None, f"{key}: page 1 is blank"
    blocks = header_blocks(page, content.top, title.top - 1)
    assert blocks is not None, f"{key}: the header's two blocks touch (no blank gap between them above the title)"
    return FirstPage(key, path, page, title, *blocks, text_lines(path, 1))


def measure(first: FirstPage, rule: Rule, block: Box) -> Box:
    text = rule_under_text(first.page.image, rule, block.left, block.right, first.lines)
    assert text is not None, f"{first.key}: no text line above the {rule}"
    return text


def share_problem(what: str, rule: Rule, text: Box) -> list[str]:
    """NĐ 30: a rule 1/3 to 1/2 as long as the text line above it, centred under it."""
    problems = []
    low, high = text.width / 3, text.width / 2
    if not low - LENGTH_TOLERANCE_MM <= rule.length <= high + LENGTH_TOLERANCE_MM:
        problems.append(
            f"{what}: {rule} is {rule.length / text.width:.2f} of the line above ({text}); "
            f"rule 1/3–1/2 = {low:.1f}–{high:.1f} mm"
        )
    if abs(rule.centre_x - text.centre_x) > CENTRED_MM:
        problems.append(
            f"{what}: {rule} is off centre by {rule.centre_x - text.centre_x:+.1f} mm under the line ({text})"
        )
    return problems


def rule_below(first: FirstPage, needle: str, block: Box) -> tuple[Rule, Box]:
    """The rule right under the line reading ``needle`` (found in the text layer), and that line's ink."""
    hits = [box for box in find_text(first.path, needle) if box.top < first.title.top]
    assert hits, f"{first.key}: «{needle}» not found in the header"
    line = hits[0]
    under = [
        r
        for r in first.rules(block)
        if line.bottom - 0.5 <= r.y <= line.bottom + 5 and r.left < line.right and r.right > line.left
    ]
    assert len(under) == 1, (
        f"{first.key}: expected one rule under «{needle}» ({line}), found {len(under)}: "
        + "; ".join(map(str, first.rules(block)))
    )
    return under[0], measure(first, under[0], block)


HEADER_DOCUMENTS = ["registrations", "scores", "recognition", "proposal", "statistics", "dossier", "scoresheets"]


@pytest.mark.parametrize("document", HEADER_DOCUMENTS)
def test_state_rule_under_the_issuing_body(library: Library, document: str) -> None:
    first = first_page(library, document, STYLE_STATE)
    found = first.rules(first.left)
    assert len(found) == 1, f"{first.key}: expected one rule in the issuing body's block, found: {found}"
    text = measure(first, found[0], first.left)
    problems = share_problem("under the issuing body", found[0], text)
    if problems:
        # For the reader: a name set on several lines is measured against its last line, the one above the
        # rule; the block's other lines are listed so the cause (a wrapped name) shows at once.
        block = [line for line in first.lines if line.centre_x < first.left.right and line.bottom > first.left.top]
        widths = [
            text_line_extent(first.page.image, line.bottom, first.left.left, first.left.right, band=line)
            for line in block
            if line.bottom <= found[0].y
        ]
        problems.append("the block's lines above the rule: " + "; ".join(str(w) for w in widths if w))
    assert not problems, f"{first.key}: " + "\n".join(problems)


@pytest.mark.parametrize("document", HEADER_DOCUMENTS)
def test_state_rule_under_the_motto_is_as_long_as_it(library: Library, document: str) -> None:
    first = first_page(library, document, STYLE_STATE)
    rule, text = rule_below(first, "Độc lập", first.right)
    assert abs(rule.length - text.width) <= SAME_LENGTH_MM, (
        f"{first.key}: under «Độc lập - Tự do - Hạnh phúc» ({text}) the {rule}: "
        f"differs by {rule.length - text.width:+.1f} mm (rule: as long as the line, ±{SAME_LENGTH_MM:g} mm)"
    )


@pytest.mark.parametrize("document", HEADER_DOCUMENTS)
def test_state_rule_under_the_title(library: Library, document: str) -> None:
    """The rule under the trích yếu is measured against the line directly above it: the subject, or on a
    list attached to a decision the "(Kèm theo Quyết định …)" line, which NĐ 30's appendix form sets last."""
    first = first_page(library, document, STYLE_STATE)
    zone = Box(0, first.title.top, first.page.width_mm, first.title.top + TITLE_ZONE_MM)
    found = first.rules(zone)
    assert len(found) == 1, f"{first.key}: expected one rule under the title ({first.title}), found: {found}"
    text = measure(first, found[0], Box(0, zone.top, first.page.width_mm, zone.bottom))
    problems = share_problem("under the title", found[0], text)
    assert not problems, f"{first.key}: " + "\n".join(problems)


@pytest.mark.parametrize("document", HEADER_DOCUMENTS)
def test_party_rule_under_the_party_line_is_as_long_as_it(library: Library, document: str) -> None:
    first = first_page(library, document, STYLE_PARTY)
    rule, text = rule_below(first, "ĐẢNG CỘNG SẢN VIỆT NAM", first.right)
    assert abs(rule.length - text.width) <= SAME_LENGTH_MM, (
        f"{first.key}: under «ĐẢNG CỘNG SẢN VIỆT NAM» ({text}) the {rule}: "
        f"differs by {rule.length - text.width:+.1f} mm (rule: as long as the line, ±{SAME_LENGTH_MM:g} mm)"
    )


@pytest.mark.parametrize("document", HEADER_DOCUMENTS)
def test_party_title_has_no_rule(library: Library, document: str) -> None:
    """HD 36 draws no rule under the title.  The five hyphens ("-----") it sets under some trích yếu are
    text, not a drawn rule, and are not counted (they would not be found as one anyway: their glyphs part)."""
    first = first_page(library, document, STYLE_PARTY)
    zone = Box(0, first.title.top, first.page.width_mm, first.title.top + TITLE_ZONE_MM)
    hyphens = find_text(first.path, "-----")
    found = [
        r
        for r in first.rules(zone)
        if not any(
            h.left - 1 <= r.left and r.right <= h.right + 1 and h.top - 1 <= r.y <= h.bottom + 1 for h in hyphens
        )
    ]
    assert not found, f"{first.key}: a rule under the title ({first.title}): " + "; ".join(map(str, found))


def test_state_certificate_has_a_rule_under_the_issuing_body(library: Library) -> None:
    path = library.pdf(f"certificates_{STYLE_STATE}")
    page = render_page(path, 1)
    body = find_text(path, "ỦY BAN")
    assert body, "certificates_nha_nuoc: the issuing body «ỦY BAN …» not found on page 1"
    block = Box(15, body[0].top, page.width_mm / 2, body[0].top + 30)
    lines = text_lines(path, 1)
    found = [r for r in rules(page.image, block) if rule_under_text(page.image, r, block.left, block.right, lines)]
    assert found, f"certificates_nha_nuoc: no rule under the issuing body ({body[0]}) within {block}"


def test_party_certificate_rule_under_the_party_line_is_at_least_as_long(library: Library) -> None:
    path = library.pdf(f"certificates_{STYLE_PARTY}")
    page = render_page(path, 1)
    hits = find_text(path, "ĐẢNG CỘNG SẢN VIỆT NAM")
    assert hits, "certificates_dang: «ĐẢNG CỘNG SẢN VIỆT NAM» not found on page 1"
    line = hits[0]
    block = Box(line.left - 10, line.top, line.right + 10, line.bottom + 6)
    under = [r for r in rules(page.image, block) if r.y >= line.bottom - 0.5]
    assert under, f"certificates_dang: no rule under «ĐẢNG CỘNG SẢN VIỆT NAM» ({line})"
    rule = under[0]
    text = rule_under_text(page.image, rule, block.left, block.right, text_lines(path, 1))
    assert text is not None, f"certificates_dang: no text line above the {rule}"
    assert rule.length >= text.width - LENGTH_TOLERANCE_MM, (
        f"certificates_dang: the {rule} is shorter than «ĐẢNG CỘNG SẢN VIỆT NAM» ({text}) by "
        f"{text.width - rule.length:.1f} mm (rule: at least as long as the line)"
    )


# ----------------------------------------------------------------------------- words of each style


@pytest.mark.parametrize("key", keys(ALL_DOCUMENTS))
def test_no_words_of_the_other_style(library: Library, key: str) -> None:
    foreign = PARTY_WORDS if key.endswith(STYLE_STATE) else STATE_WORDS
    problems = [
        f"page {number}: «{word.strip()}»"
        for number, content in enumerate(library.texts(key), start=1)
        for word in foreign
        if word in content
    ]
    assert not problems, f"{key}: words of the other style:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize(
    "style,pattern",
    [(STYLE_PARTY, r"Số[\s\d]*-BC/[A-ZĐ]"), (STYLE_STATE, r"Số:[\s\d]*/BC-[A-ZĐ]")],
)
def test_statistics_report_has_its_number_line(library: Library, style: str, pattern: str) -> None:
    """HD 36: "Số 12-BC/HU" (no colon); NĐ 30: "Số: 12/BC-UBND"."""
    content = library.texts(f"statistics_{style}")[0]
    assert re.search(pattern, content), (
        f"statistics_{style}: no number line like /{pattern}/ on page 1:\n{content[:400]}"
    )


@pytest.mark.parametrize(
    "style,expected", [(STYLE_PARTY, "T/M HỘI ĐỒNG THẨM ĐỊNH"), (STYLE_STATE, "TM. HỘI ĐỒNG THẨM ĐỊNH")]
)
@pytest.mark.parametrize("document", ["scores", "short_scores"])
def test_score_table_is_signed_for_the_council(library: Library, document: str, style: str, expected: str) -> None:
    content = " ".join(library.texts(f"{document}_{style}"))
    assert expected in content, f"{document}_{style}: the signature does not read «{expected}»"


@pytest.mark.parametrize("style", STYLES)
def test_group_numbers_past_twelve_are_roman(library: Library, style: str) -> None:
    content = " ".join(library.texts(f"many_units_{style}"))
    missing = [
        label
        for label in ("XII.", "XIII.", "XIV.", "XV.")
        if not re.search(rf"(?<![\w.]){re.escape(label)} \w", content)
    ]
    assert not missing, f"many_units_{style}: {UNITS} unit groups, no group numbered {missing}"
    # The row numbers (STT) stand alone in their cells; a figure followed by a dot and a word is a group label.
    arabic = re.findall(r"(?<![\w.,])1[3-5]\. \w+", content)
    assert not arabic, f"many_units_{style}: groups numbered in Arabic figures: {arabic}"


def test_certificate_wording_follows_the_grade(library: Library) -> None:
    """Only a model graded "Xuất sắc" may be praised for "thành tích xuất sắc"."""
    graded = {grade for grade in library.grade_models if grade != "Xuất sắc"}
    assert graded, f"the demo year recognises no model below «Xuất sắc» ({sorted(library.grade_models)})"
    problems = []
    for grade in sorted(graded):
        for style in STYLES:
            content = " ".join(library.texts(f"certificate {grade} {style}"))
            if "thành tích xuất sắc" in content.lower():
                problems.append(f"a model graded «{grade}» ({style}) is praised for «thành tích xuất sắc»")
    assert not problems, "\n".join(problems)


# ----------------------------------------------------------------------------- short lists


@pytest.mark.parametrize("style", STYLES)
def test_a_four_model_registration_list_is_one_page(library: Library, style: str) -> None:
    pages = page_count(library.pdf(f"short_registrations_{style}"))
    assert pages == 1, f"short_registrations_{style}: 4 models take {pages} pages"


@pytest.mark.parametrize("style", STYLES)
def test_a_four_model_score_table_keeps_rows_with_its_signature(library: Library, style: str) -> None:
    texts = library.texts(f"short_scores_{style}")
    assert all(name in " ".join(texts) for name in library.short_names), f"short_scores_{style}: a model is missing"
    if len(texts) == 1:
        return
    last = texts[-1]
    rows = [name for name in library.short_names if name in last]
    assert rows, (
        f"short_scores_{style}: 4 models take {len(texts)} pages and the last one carries no table row:\n{last[:300]}"
    )


@pytest.mark.parametrize("key", keys(["scoresheets", "blank_sheets", "short_sheets"]))
def test_score_sheet_legend_puts_the_lowest_grade_below_a_threshold(library: Library, key: str) -> None:
    expected = f"{library.lowest_grade}: dưới {format_number(library.lowest_limit)} điểm"
    problems = []
    for number, content in enumerate(library.texts(key), start=1):
        if expected not in content:
            problems.append(f"page {number}: no «{expected}»")
        if "từ 0 điểm" in content:
            problems.append(f"page {number}: «từ 0 điểm»")
    assert not problems, f"{key}:\n" + "\n".join(problems[:10])


# ----------------------------------------------------------------------------- the measuring itself


@pytest.fixture(scope="module")
def known_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An A4 page drawn at known places: a page number, a header line with its rule, a table grid, a photo."""
    from PIL import Image
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm as MM
    from reportlab.pdfgen.canvas import Canvas

    from desktop_app.documents.fonts import FAMILY, register_fonts

    register_fonts()
    path = tmp_path_factory.mktemp("thước đo") / "known.pdf"
    width, height = A4
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont(FAMILY, 13)
    canvas.drawCentredString(width / 2, height - 13 * MM, "2")  # the page number, in the top margin
    canvas.setFont(FAMILY + "-Bold", 15)
    canvas.drawString(120 * MM, height - 30 * MM, "ĐẢNG CỘNG SẢN VIỆT NAM")
    canvas.setLineWidth(0.6)
    canvas.line(130 * MM, height - 32 * MM, 170 * MM, height - 32 * MM)  # a 40 mm rule under it
    # An issuing body wrapped onto two lines 1.25 × 13 pt apart, as a paragraph sets them: the marks over
    # "LÂM HÀ" come within a pixel or two of the dot under "HUYỆN".
    canvas.setFont(FAMILY + "-Bold", 13)
    canvas.drawCentredString(65 * MM, height - 25 * MM, "ỦY BAN NHÂN DÂN HUYỆN")
    canvas.drawCentredString(65 * MM, height - 25 * MM - 16.25, "LÂM HÀ")
    canvas.line(55 * MM, height - 25 * MM - 21, 75 * MM, height - 25 * MM - 21)
    canvas.setLineWidth(0.5)
    # A table grid from x 31 to 194 mm, y 60 to 90 mm: three rows, three columns.
    for y in (60, 70, 80, 90):
        canvas.line(31 * MM, height - y * MM, 194 * MM, height - y * MM)
    for x in (31, 60, 150, 194):
        canvas.line(x * MM, height - 60 * MM, x * MM, height - 90 * MM)
    photo = tmp_path_factory.mktemp("ảnh") / "pale.png"
    Image.new("RGB", (300, 100), (200, 225, 245)).save(photo)  # a pale sky: printed, though no line
    canvas.drawImage(str(photo), 50 * MM, height - 270 * MM, 100 * MM, 20 * MM)  # y 250–270 mm
    canvas.showPage()
    canvas.save()
    return path


def test_margins_are_measured_without_the_page_number(known_page: Path) -> None:
    page = render_page(known_page)
    margins = body_margins(page)
    assert margins is not None
    half = 0.25 / 72 * 25.4  # half the grid's 0.5 pt stroke, which is ink
    assert margins.left == pytest.approx(31 - half, abs=TOLERANCE_MM)
    assert margins.right == pytest.approx(210 - 194 - half, abs=TOLERANCE_MM)
    assert margins.bottom == pytest.approx(297 - 270, abs=TOLERANCE_MM)  # the pale photo counts
    assert 20 < margins.top < 26  # the header line's capitals with their marks, not the page number at 10 mm
    found, full_width = margin_problems(page)
    assert full_width and found == [], found


def test_content_climbing_into_the_top_margin_is_not_taken_for_a_page_number(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm as MM
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "high.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setLineWidth(1)
    canvas.line(40 * MM, A4[1] - 12 * MM, 180 * MM, A4[1] - 12 * MM)
    canvas.showPage()
    canvas.save()
    margins = body_margins(render_page(path))
    assert margins is not None and margins.top == pytest.approx(12 - 0.5 / 72 * 25.4, abs=TOLERANCE_MM)


def test_a_free_rule_is_found_and_a_table_grid_is_not(known_page: Path) -> None:
    page = render_page(known_page)
    found = [r for r in rules(page.image) if r.left > 100]
    assert len(found) == 1, found
    assert found[0].length == pytest.approx(40, abs=LENGTH_TOLERANCE_MM)
    assert found[0].centre_x == pytest.approx(150, abs=TOLERANCE_MM)
    assert widest_line(page.image) == pytest.approx(194 - 31 + 0.5 / 72 * 25.4, abs=LENGTH_TOLERANCE_MM)


def test_the_text_line_above_a_rule_is_measured_as_printed(known_page: Path) -> None:
    page = render_page(known_page)
    lines = text_lines(known_page)
    party, body = sorted(rules(page.image), key=lambda r: -r.left)
    cases = [
        (rule_under_text(page.image, party, 100, 200, lines), "ĐẢNG CỘNG SẢN VIỆT NAM", party),
        (rule_under_text(page.image, party, 100, 200), "ĐẢNG CỘNG SẢN VIỆT NAM", party),  # guessed rows suffice here
        (rule_under_text(page.image, body, 20, 110, lines), "LÂM HÀ", body),  # but not here: the text layer's rows
    ]
    for text, words, rule in cases:
        printed = find_text(known_page, words)[0]  # the glyphs' own boxes in the text layer
        assert text is not None, words
        assert text.left == pytest.approx(printed.left, abs=TOLERANCE_MM), (words, text, printed)
        assert text.right == pytest.approx(printed.right, abs=TOLERANCE_MM), (words, text, printed)
        assert text.bottom <= rule.y, words
