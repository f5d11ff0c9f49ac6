"""The data paths a province-sized archive leans on: the similar-name check, the import's duplicate check and
row writes, indicator totals, the model list's index.  Same answers as the plain way, in bounded work."""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop_app import domain
from desktop_app.history.tables import Change
from desktop_app.importer import apply_plan, build_plan
from desktop_app.services import catalogues, statistics
from desktop_app.services.catalogues import unit_factor
from desktop_app.services.models import (
    ModelFilter,
    ModelInput,
    create_model,
    list_models,
    names_of_year,
    query_ids,
    rows_for_ids,
    similar_names,
    years,
)
from desktop_app.services.units import create_unit
from desktop_app.storage.database import current
from desktop_app.storage.models import Indicator, MoHinh
from desktop_app.text import fold, sort_key

NAMES = (
    "Nuôi bò sinh sản",
    "Nuôi bò sinh sản thôn 3",
    "Nuoi bo sinh san",
    "Nuôi dê sinh sản",
    "Thắp sáng đường quê",
    "Thắp sáng đường làng",
    "Đường",
    "Tủ sách cộng đồng",
    "Tủ sách cộng đồng thôn Phú Lâm",
    "Vay vốn xoay vòng",
    "Vay vốn quay vòng",
    "Hũ gạo tình thương",
    "Camera an ninh",
    "Cam",
)
TYPED = (
    "Nuôi bò sinh sản",
    "nuoi bo sinh sãn",
    "Nuôi dê",
    "Thắp sáng đường quế",
    "tủ sách",
    "Tủ sách cộng đồng thôn",
    "Vay vốn xoay vong",
    "Đường hoa thôn",
    "Camera",
    "abc",
    "Hũ gạo",
)


def _field_id() -> int:
    return catalogues.list_items("field")[0].id


def _add(name: str, year: int = 2024, unit_id: int | None = None) -> int:
    return create_model(ModelInput(name=name, year=year, field_id=_field_id(), unit_id=unit_id))


def _plain_similar(year: int, name: str, exclude_id: int | None = None, limit: int = 5) -> list[int]:
    """The check as it was: difflib against every model of the year."""
    key = fold(name)
    if len(key) < 4:
        return []
    scored = []
    for row in MoHinh.select(MoHinh.id, MoHinh.name_fold).where(MoHinh.year == year).order_by(MoHinh.id):
        if row.id == exclude_id:
            continue
        other = row.name_fold
        if key == other or (len(key) >= 8 and (key in other or other in key)):
            ratio = 1.0
        else:
            ratio = difflib.SequenceMatcher(None, key, other).ratio()
        if ratio >= 0.8:
            scored.append((ratio, row.id))
    scored.sort(key=lambda item: -item[0])
    return [model_id for _, model_id in scored[:limit]]


def test_similar_names_finds_what_difflib_over_every_name_finds(db):
    ids = [_add(name) for name in NAMES]
    _add("Nuôi bò sinh sản", year=2023)  # another year: never offered
    for typed in TYPED:
        for exclude in (None, ids[0]):
            expected = _plain_similar(2024, typed, exclude)
            found = [row.id for row in similar_names(2024, typed, exclude_id=exclude)]
            assert found == expected, typed
    assert [r.name for r in similar_names(2024, "Nuôi bò sinh sản", limit=10)][:3] == list(NAMES[:3])


# ----------------------------------------------------------------- import


@contextmanager
def _statements() -> Iterator[list[str]]:
    """Every SQL statement run inside the block."""
    database = current().db
    seen: list[str] = []
    original = database.execute_sql

    def counting(sql: str, params: object = None, *args: object, **kwargs: object) -> object:
        seen.append(sql)
        return original(sql, params, *args, **kwargs)

    database.execute_sql = counting  # type: ignore[method-assign]
    try:
        yield seen
    finally:
        del database.execute_sql


def _workbook(path: Path, rows: int, *, start: int = 0) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Tên mô hình", "Lĩnh vực", "Đơn vị thực hiện", "Số hộ tham gia"])
    for i in range(start, start + rows):
        ws.append([i + 1, f"Mô hình số {i + 1}", "Kinh tế", f"Xã số {i % 3}", 10 + i])
    wb.save(path)
    return path


def _import_counts(tmp_path: Path, rows: int) -> tuple[list[str], list[str]]:
    path = _workbook(tmp_path / f"{rows} dòng.xlsx", rows, start=1000 * rows)
    with _statements() as planning:
        plan = build_plan(path, year=2024)
    assert len(plan.importable) == rows
    with _statements() as applying:
        assert apply_plan(plan).imported == rows
    return planning, applying


def _reads_of(statements: list[str], table: str) -> int:
    """Reads of ``table`` by the checks (the history's own look-ups of a reference's uuid are not counted)."""
    return sum(
        1
        for sql in statements
        if sql.startswith("SELECT") and f'FROM "{table}"' in sql and not sql.startswith('SELECT "uuid" FROM')
    )


def test_import_costs_a_bounded_number_of_statements_per_row(db, tmp_path):
    for i in range(30):  # models already there, of the year and of others: the duplicate check reads few
        _add(f"Mô hình có sẵn {i}", year=2020 + i % 5)
    for i in range(3):  # the file's units exist: creating one costs a few reads of its own, once
        create_unit(f"Xã số {i}")
    plan10, apply10 = _import_counts(tmp_path, 10)
    plan40, apply40 = _import_counts(tmp_path, 40)
    assert len(plan40) == len(plan10)  # the preview's queries do not grow with the rows
    per_row = (len(apply40) - len(apply10)) / 30
    assert per_row <= 20
    # What is the same for the whole import is read once, not once a row.
    for table in ("field", "level", "unit", "indicator_category"):
        assert _reads_of(apply40, table) == _reads_of(apply10, table), table


def test_import_duplicate_check_reads_only_the_years_of_the_file(db, tmp_path):
    _add("Mô hình số 1", year=2024)
    _add("Mô hình số 2", year=2023)
    path = _workbook(tmp_path / "hai.xlsx", 3)
    with _statements() as planning:
        plan = build_plan(path, year=2024)
    # «Mô hình số 1» of 2024 has no unit, the file's has one: not the same registration.
    assert [r.status for r in plan.rows] == ["ok", "ok", "ok"]
    reads = [sql for sql in planning if 'FROM "mo_hinh"' in sql and '"year" IN' in sql]
    assert len(reads) == 1
    apply_plan(plan)
    again = build_plan(path, year=2024)
    assert [r.status for r in again.rows] == ["duplicate"] * 3


# ----------------------------------------------------------------- statistics


def _old_indicator_totals(year: int, statuses: tuple[str, ...] | None = None) -> list[tuple[str, str, float, int]]:
    """indicator_totals as it was: a Python loop over every indicator row."""
    query = (
        Indicator.select(Indicator.category, Indicator.unit_of_measure, Indicator.achieved, Indicator.model)
        .join(MoHinh)
        .where((MoHinh.year == year) & Indicator.achieved.is_null(False) & Indicator.category.is_null(False))
    )
    if statuses:
        query = query.where(MoHinh.status.in_(list(statuses)))
    items = catalogues.list_items("indicator_category", include_inactive=True)
    units = {item.id: item.unit_of_measure for item in items}
    sums: dict[int, tuple[float, set[int]]] = {}
    for category_id, unit, achieved, model_id in query.tuples():
        factor = unit_factor(unit, units.get(category_id, ""))
        if factor is None:
            continue
        total, models = sums.get(category_id, (0.0, set()))
        models.add(model_id)
        sums[category_id] = (total + achieved * factor, models)
    return [
        (
            item.name,
            item.unit_of_measure,
            round(sums[item.id][0], 6) if item.id in sums else 0.0,
            len(sums[item.id][1]) if item.id in sums else 0,
        )
        for item in items
        if item.active or item.id in sums
    ]


def test_indicator_totals_equal_the_row_by_row_sum_on_the_demo(demo_db):
    checked = 0
    for year in years():
        for statuses in (None, (domain.RECOGNISED,), (domain.REGISTERED, domain.PROPOSED)):
            new = [
                (t.category, t.unit_of_measure, t.total, t.models) for t in statistics.indicator_totals(year, statuses)
            ]
            old = _old_indicator_totals(year, statuses)
            assert [(c, u, m) for c, u, _, m in new] == [(c, u, m) for c, u, _, m in old]
            assert [t for _, _, t, _ in new] == pytest.approx([t for _, _, t, _ in old], rel=1e-12)
            checked += sum(1 for _, _, _, models in new if models)
    assert checked  # the demo has indicators filed under categories


def test_a_unit_that_cannot_be_added_is_left_out_of_the_total_and_the_count(db):
    money = next(c for c in catalogues.list_items("indicator_category") if fold(c.unit_of_measure) == "dong")
    model_id = _add("Vay vốn xoay vòng")
    other = _add("Hũ gạo tình thương")
    Indicator.create(model=model_id, name="Vốn", unit_of_measure="triệu đồng", achieved=1.5, category=money.id)
    Indicator.create(model=model_id, name="Gạo", unit_of_measure="kg", achieved=40, category=money.id)
    Indicator.create(model=other, name="Gạo", unit_of_measure="kg", achieved=10, category=money.id)
    line = next(t for t in statistics.indicator_totals(2024) if t.category == money.name)
    assert (line.total, line.models) == (1_500_000, 1)
    by_office = statistics.indicator_totals_by_office(2024)
    assert [(t.total, t.models) for t in by_office[0] if t.category == money.name] == [(1_500_000, 1)]


# ----------------------------------------------------------------- the model list


def test_the_year_list_is_read_from_the_covering_index(db):
    for name in NAMES:
        _add(name)
    database = current().db
    seen: list[tuple[str, object]] = []
    original = database.execute_sql

    def capture(sql: str, params: object = None, *args: object, **kwargs: object) -> object:
        seen.append((sql, params))
        return original(sql, params, *args, **kwargs)

    database.execute_sql = capture  # type: ignore[method-assign]
    try:
        for flt, sort in (
            (ModelFilter(year=2024), "name"),
            (ModelFilter(year=2024, kind=domain.KIND_COLLECTIVE), "name"),
            (ModelFilter(year=2024, field_id=_field_id()), "status"),
        ):
            seen.clear()
            ids = query_ids(flt, sort)
            sql, params = seen[-1]
            assert ids == [r.id for r in list_models(flt, sort)]
            plan = " ".join(row[3] for row in original("EXPLAIN QUERY PLAN " + sql, params))
            assert "COVERING INDEX mo_hinh_year_list" in plan, plan
    finally:
        del database.execute_sql


def test_names_of_year_are_the_year_in_vietnamese_order(demo_db):
    for year in years():
        expected = sorted(list_models(ModelFilter(year=year)), key=lambda r: sort_key(r.name))
        assert names_of_year(year) == [(r.id, r.name) for r in expected]
    assert names_of_year(1999) == []


def test_import_rows_carry_their_indicators_and_history(db, tmp_path):
    path = _workbook(tmp_path / "ba.xlsx", 3)
    result = apply_plan(build_plan(path, year=2024))
    rows = rows_for_ids(result.model_ids)
    assert [r.name for r in rows] == ["Mô hình số 1", "Mô hình số 2", "Mô hình số 3"]
    assert [r.status for r in rows] == [domain.REGISTERED] * 3
    counts: dict[int, int] = defaultdict(int)
    for indicator in Indicator.select().where(Indicator.model.in_(result.model_ids)):
        counts[indicator.model_id] += 1
    assert all(counts[i] == 1 for i in result.model_ids)
    # History: one «create» per model, its snapshot holding the indicator and the first status as written.
    uuids = {r.uuid: r for r in rows}
    created = [c for c in Change.select().where(Change.action == "create") if c.record_uuid in uuids]
    assert len(created) == 3
    for change in created:
        after = json.loads(change.after)
        assert after["name"] == uuids[change.record_uuid].name
        assert [i["achieved"] for i in after["indicators"]] == [10 + int(after["name"].split()[-1]) - 1]
        assert after["status"] == domain.REGISTERED


def test_list_lines_read_as_plain_values_equal_the_whole_records(demo_db):
    """The list reads only its columns; each line must say what the whole joined record says."""
    from desktop_app.services.models import ModelFilter, list_models, query_ids, rows_for_ids

    expected = {}
    for r in MoHinh.select().where(MoHinh.year == 2023):
        unit = r.unit if r.unit_id else None
        expected[r.id] = (
            r.uuid,
            r.name,
            r.kind,
            r.field.name if r.field_id else "",
            r.level.name if r.level_id else "",
            unit.name if unit else "",
            unit.kind.name if unit and unit.kind_id else "",
            r.status,
            r.address,
            r.person_name,
            r.person_honorific,
            r.updated_at,
        )
    lines = list_models(ModelFilter(year=2023))
    assert len(lines) == len(expected) == 34
    for line in lines:
        assert (
            line.uuid,
            line.name,
            line.kind,
            line.field,
            line.level,
            line.unit,
            line.unit_kind,
            line.status,
            line.address,
            line.person_name,
            line.person_honorific,
            line.updated_at,
        ) == expected[line.id]
    ids = query_ids(ModelFilter(year=2023), sort="unit")
    assert [line.id for line in rows_for_ids(ids[::-1])] == ids[::-1]  # in the order asked
