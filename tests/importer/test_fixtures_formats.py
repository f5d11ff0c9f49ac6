"""The committed commune workbook in its three formats (.xlsx by openpyxl, .xls and .ods by LibreOffice) reads
the same: same sheets, rows, values, hidden flag and merged header cells.  No LibreOffice is needed here."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from desktop_app.importer import ImportPlan, apply_plan, build_plan
from desktop_app.importer.source import SheetData, read_sheets
from desktop_app.services.models import indicators_of

FIXTURES = Path(__file__).resolve().parent / "fixtures"
KINDS = ("xlsx", "xls", "ods")


def _load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_fixtures", module)
    spec.loader.exec_module(module)
    return module


fx = _load_builder()


def commune(kind: str) -> Path:
    return FIXTURES / f"{fx.NAME}.{kind}"


def comparable(sheet: SheetData) -> tuple[str, bool, list[tuple[int, list[object]]]]:
    """Values as text or numbers: an .xls stores every number as a float, which must not show."""
    rows = [(number, [float(v) if isinstance(v, int | float) else v for v in values]) for number, values in sheet.rows]
    return sheet.name, sheet.hidden, rows


def test_the_three_formats_give_the_same_sheets_rows_and_values():
    read = {kind: read_sheets(commune(kind)) for kind in KINDS}
    expected = [comparable(s) for s in read["xlsx"]]
    for kind in ("xls", "ods"):
        assert [comparable(s) for s in read[kind]] == expected, kind
    assert [(s.name, s.hidden) for s in read["xlsx"]] == [("KT", False), ("VHXH", False), (fx.HIDDEN, True)]


@pytest.mark.parametrize("kind", KINDS)
def test_each_format_gives_the_rows_as_written(kind):
    sheets = {s.name: s for s in read_sheets(commune(kind))}
    for name, data in fx.SHEETS.items():
        rows = dict(sheets[name].rows)
        assert rows[1] == [fx.TITLE[0], None, None, None, None]
        assert rows[fx.HEADER_ROWS[0]] == ["STT", "Tên mô hình", "Đơn vị thực hiện", fx.GROUP, None]
        assert rows[fx.HEADER_ROWS[1]] == [None, None, None, fx.AMOUNT, fx.HOUSEHOLDS]
        assert [rows[fx.FIRST_DATA_ROW + i] for i in range(len(data))] == [list(values) for values in data]
        assert all(type(v) is type(w) for i, w in enumerate(data) for v, w in zip(rows[fx.FIRST_DATA_ROW + i], w))
        assert rows[fx.TOTAL_ROW][1] == "Tổng cộng"
        assert rows[fx.SIGNATURE_ROWS[0]][3] == "NGƯỜI LẬP BIỂU" and rows[fx.SIGNATURE_ROWS[1]][3] == fx.SIGNER
        assert fx.TOTAL_ROW + 1 not in rows  # the blank line between is left out
    assert sheets[fx.HIDDEN].hidden and sheets[fx.HIDDEN].rows[1][1][1] == "Mô hình năm trước"


@pytest.mark.parametrize("kind", KINDS)
def test_merged_header_cells_are_given_in_every_format(kind):
    """.xlsx and .xls through calamine, .ods from the spans in its XML (calamine 0.9 gives none there)."""
    sheets = {s.name: s for s in read_sheets(commune(kind))}
    assert sheets["KT"].merged == sheets["VHXH"].merged == sorted(fx.MERGED)
    assert sheets[fx.HIDDEN].merged == []


def test_the_committed_xlsx_is_what_the_builder_writes(tmp_path):
    """The .xls and .ods are converted from it: a builder changed without re-running it would drift."""
    fresh = read_sheets(fx.commune_workbook(tmp_path / "commune.xlsx"))
    committed = read_sheets(commune("xlsx"))
    assert fresh == committed


# ----------------------------------------------------------------- end to end: the preview and the import

# Each data row's (amount in đồng, households), as the header «(triệu đồng)» and the cells' own words say.
AMOUNTS_IN_DONG = {
    "KT": [(12_500_000, 15), (40_000_000, 32), (9_000_000, 8)],
    "VHXH": [(1_200_000_000, 120), (45_000_000, 60), (300_000_000, 25)],
}
FIELD_OF_SHEET = {"KT": "Kinh tế", "VHXH": "Văn hóa - xã hội"}


def planned(plan: ImportPlan) -> list[tuple[object, ...]]:
    return [
        (
            r.sheet,
            r.row,
            r.status,
            r.name,
            r.unit,
            r.field,
            r.field_source,
            [(i.name, i.unit_of_measure, i.achieved, i.target, i.category_id) for i in r.indicators],
        )
        for r in plan.rows
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_each_format_plans_the_rows_fields_and_indicator_values(db, kind):
    plan = build_plan(commune(kind), year=2024)
    assert plan.rejected == [] and plan.duplicates == []  # the total row and the signature block are skipped
    assert [(r.sheet, r.row) for r in plan.rows] == [(s, fx.FIRST_DATA_ROW + i) for s in fx.SHEETS for i in range(3)]
    assert [r.name for r in plan.rows] == [row[1] for rows in fx.SHEETS.values() for row in rows]
    assert [(r.field, r.field_source) for r in plan.rows] == [(FIELD_OF_SHEET[r.sheet], "sheet") for r in plan.rows]
    for row in plan.rows:
        money, households = row.indicators
        assert (money.unit_of_measure, households.unit_of_measure) == ("đồng", "hộ")
        assert (money.achieved, households.achieved) == AMOUNTS_IN_DONG[row.sheet][row.row - fx.FIRST_DATA_ROW]
        assert money.category_id is not None and households.category_id is not None
    assert plan.hidden_sheets == [fx.HIDDEN]


def test_the_three_formats_plan_the_same_import(db):
    plans = {kind: planned(build_plan(commune(kind), year=2024)) for kind in KINDS}
    assert plans["xls"] == plans["xlsx"] and plans["ods"] == plans["xlsx"]
    hidden = {kind: planned(build_plan(commune(kind), year=2024, include_hidden=True)) for kind in KINDS}
    assert hidden["xls"] == hidden["xlsx"] and hidden["ods"] == hidden["xlsx"]
    assert [r[3] for r in hidden["xlsx"]][-1] == "Mô hình năm trước"


def test_an_xls_imports_its_indicators(db):
    plan = build_plan(commune("xls"), year=2024)
    result = apply_plan(plan)
    assert result.imported == 6
    stored = indicators_of(result.model_ids)
    assert [[(i.achieved, i.unit_of_measure) for i in stored[m]] for m in result.model_ids] == [
        [(money, "đồng"), (households, "hộ")] for rows in AMOUNTS_IN_DONG.values() for money, households in rows
    ]
