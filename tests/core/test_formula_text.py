"""Text typed or imported as a formula is written back as text by every Excel writer, never as a live formula."""

from pathlib import Path

import openpyxl
import pytest

from desktop_app import domain
from desktop_app.appraisal.workbook import export_workbook
from desktop_app.documents.exports import export_registrations, export_scores
from desktop_app.importer.template import write_template
from desktop_app.services import catalogues, units
from desktop_app.services.models import ModelInput, create_model
from desktop_app.spreadsheet import is_formula_like

HOSTILE_MODEL = '=HYPERLINK("http://example.invalid/x","Bấm vào đây")'
HOSTILE_UNIT = "=cmd|' /C calc'!A0"
HOSTILE_OTHERS = ("+1+1", "-2+3", "@SUM(1)")


def cells(path: Path):
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


@pytest.fixture
def hostile_year(demo_db):
    unit_id = units.create_unit(HOSTILE_UNIT).id
    field = catalogues.find("field", "Kinh tế").id
    create_model(ModelInput(name=HOSTILE_MODEL, year=2023, field_id=field, unit_id=unit_id), status=domain.PROPOSED)
    for name in HOSTILE_OTHERS:
        create_model(ModelInput(name=name, year=2023, field_id=field), status=domain.PROPOSED)
    catalogues.create("field", "=1+2 lĩnh vực thử")
    return demo_db


@pytest.mark.parametrize(
    "write",
    [
        lambda target: export_registrations(2023, target),
        lambda target: export_scores(2023, target),
        lambda target: export_workbook(2023, target),
        lambda target: write_template(target),
    ],
    ids=["registrations", "scores", "score-workbook", "template"],
)
def test_no_formula_comes_from_user_text(hostile_year, tmp_path, write):
    target = tmp_path / "xuất.xlsx"
    write(target)
    texts = {cell.value for cell in cells(target) if cell.data_type == "s"}
    formulas = [cell.value for cell in cells(target) if cell.data_type == "f"]
    hostile = {HOSTILE_MODEL, HOSTILE_UNIT, *HOSTILE_OTHERS, "=1+2 lĩnh vực thử"}
    for formula in formulas:  # only what the program writes on purpose: sums, a list's count, means, rates
        assert str(formula).startswith(("=SUM(", "=IF(", "=IFERROR(", '="Tổng cộng: "&COUNT(')), formula
        assert not any(h in str(formula) for h in hostile), formula
    written = {t for t in texts if t and any(h in str(t) for h in hostile)}
    assert written, "the hostile text should be in the file, as text"
    for cell in cells(target):
        if cell.data_type == "s" and is_formula_like(cell.value):
            assert cell.quotePrefix, cell.value  # shown as typed, never evaluated on edit


def test_the_helper_leaves_plain_text_and_numbers_alone():
    assert not is_formula_like("Nuôi heo đất")
    assert not is_formula_like(-5)
    assert is_formula_like("\tx") and is_formula_like("-1")
