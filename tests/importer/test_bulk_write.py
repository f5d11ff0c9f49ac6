"""An import writes its rows 500 at a time (services.models.create_models, history.record.created_many): the
rows and the history entries must be exactly those the one-by-one path (create_model, record.created) writes."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.bench_import import registrations
from desktop_app.history import kinds, record
from desktop_app.history.tables import Change, ChangeBatch
from desktop_app.importer import apply_plan, build_plan
from desktop_app.services import catalogues
from desktop_app.services.models import (
    IndicatorData,
    ModelInput,
    check_new_model,
    create_model,
    create_models,
)
from desktop_app.storage.database import current, transaction
from desktop_app.storage.models import Indicator, MoHinh, StatusChange
from desktop_app.text import fold

ENTRY_COLUMNS = ("kind", "action", "record_uuid", "label", "model_uuid", "year", "before", "after", "search_fold")


def _entry(change: Change) -> tuple[object, ...]:
    return tuple(getattr(change, name) for name in ENTRY_COLUMNS)


def _input(name: str, **extra: object) -> ModelInput:
    field = catalogues.list_items("field")[0].id
    category = catalogues.list_items("indicator_category")[0]
    indicators = [
        IndicatorData(name="Kinh phí vận động", unit_of_measure="", achieved=12.5, category_id=category.id),
        IndicatorData(name="Số hộ tham gia", unit_of_measure="hộ", target=40, achieved=45),
    ]
    return ModelInput(name=name, year=2024, field_id=field, indicators=indicators, **extra)  # type: ignore[arg-type]


def test_snapshots_of_many_rows_are_the_snapshots_one_by_one(demo_db, monkeypatch):
    """The demo years have indicators with categories, evidence files, status histories and follow-up reports."""
    monkeypatch.setattr(kinds, "_CHUNK", 7)  # several chunks of batched reads, the last one short
    rows = list(MoHinh.select().order_by(MoHinh.id))
    assert len(rows) % 7
    assert any(Indicator.select().where(Indicator.category.is_null(False)))
    assert kinds.snapshots(rows) == [kinds.snapshot(row) for row in rows]
    assert kinds.snapshots([]) == []


def test_created_many_writes_the_entries_created_writes(demo_db):
    rows = list(MoHinh.select().order_by(MoHinh.id).limit(30))
    with record.batch("Một lượt"):
        for row in rows:
            record.created(row)
        record.created_many(rows)
        batch = ChangeBatch.select().order_by(ChangeBatch.id.desc()).get()
    changes = list(batch.changes.order_by(Change.id))
    assert len(changes) == 60
    assert [_entry(c) for c in changes[30:]] == [_entry(c) for c in changes[:30]]
    assert any(json.loads(c.after)["indicators"] for c in changes[30:])  # the snapshots carry the children


def test_created_many_outside_a_batch_gives_each_row_its_batch_as_created_does(demo_db):
    rows = list(MoHinh.select().order_by(MoHinh.id).limit(3))
    batches = ChangeBatch.select().count()
    with transaction():
        record.created_many(rows)
    assert ChangeBatch.select().count() == batches + 3


def test_create_models_writes_the_rows_create_model_writes(db):
    one = MoHinh.get_by_id(create_model(_input("Tổ vay vốn xoay vòng", lead_name="Nguyễn Thị Hoa")))
    [many_id] = create_models([check_new_model(_input("Tổ vay vốn xoay vòng", lead_name="Nguyễn Thị Hoa"))])
    many = MoHinh.get_by_id(many_id)
    assert many.id == one.id + 1
    differ = {"id", "uuid", "created_at", "updated_at"}
    assert {k: v for k, v in many.__data__.items() if k not in differ} == {
        k: v for k, v in one.__data__.items() if k not in differ
    }

    def children(model: MoHinh) -> list[object]:
        indicators = [
            (i.name, i.unit_of_measure, i.target, i.achieved, i.sort_order, i.note, i.category_id)
            for i in Indicator.select().where(Indicator.model == model.id).order_by(Indicator.id)
        ]
        changes = [
            (s.from_status, s.to_status, s.reason, s.event_date)
            for s in StatusChange.select().where(StatusChange.model == model.id)
        ]
        return [indicators, changes]

    assert children(many) == children(one) and children(one)[0][0][-1] is not None
    entries = {c.record_uuid: c for c in Change.select()}
    snapshot_one, snapshot_many = (json.loads(entries[m.uuid].after) for m in (one, many))
    for snap in (snapshot_one, snapshot_many):
        for indicator in snap["indicators"]:
            indicator.pop("uuid")
        for change in snap["status_history"]:
            change.pop("changed_at")  # the time of writing, to the second
        snap.pop("uuid"), snap.pop("created_at")
    assert snapshot_many == snapshot_one


def test_a_refused_row_is_refused_before_anything_is_written(db):
    with pytest.raises(Exception, match="Tên mô hình"):
        check_new_model(_input(""))
    assert create_models([]) == [] and MoHinh.select().count() == 0


def test_an_import_of_many_rows_writes_history_entries_as_one_by_one(db, tmp_path: Path):
    """1.200 rows with three indicator columns (one chunk and a half, and units created on the way)."""
    workbook = registrations(tmp_path / "đăng ký.xlsx", 1_200)
    result = apply_plan(build_plan(workbook, year=2024))
    assert result.imported == 1_200 and len(result.created_units) == 300
    batch = ChangeBatch.select().order_by(ChangeBatch.id.desc()).get()
    changes = list(batch.changes.order_by(Change.id))
    assert len(changes) == 1_500 and batch.action == "import"
    rows = {m.uuid: m for m in MoHinh.select()}
    assert [c.record_uuid for c in changes if c.kind == "model"] == [
        m.uuid for m in sorted(rows.values(), key=lambda m: m.id)
    ]
    # Each unit's entry comes just before the first row that needed it, as when rows were written one by one.
    first_use: dict[str, int] = {}
    for position, change in enumerate(changes):
        if change.kind == "model":
            first_use.setdefault(rows[change.record_uuid].unit.uuid, position)
    assert all(first_use[c.record_uuid] == i + 1 for i, c in enumerate(changes) if c.kind == "unit")
    for change in changes:
        if change.kind != "model":
            continue
        row = rows[change.record_uuid]
        assert json.loads(change.after) == kinds.snapshot(row)
        assert (change.action, change.label, change.model_uuid, change.year, change.before) == (
            "create",
            row.name,
            row.uuid,
            2024,
            None,
        )
        assert change.search_fold == fold(f"{row.name} {batch.user} {batch.label}")
    assert len(json.loads(changes[-1].after)["indicators"]) == 3


def test_an_import_reads_a_few_times_per_500_rows_not_per_row(db, tmp_path: Path):
    workbook = registrations(tmp_path / "đăng ký.xlsx", 1_200)
    apply_plan(build_plan(workbook, year=2024))  # creates the 300 units
    plan = build_plan(workbook, year=2025)
    statements: list[str] = []
    current().db.connection().set_trace_callback(statements.append)
    try:
        result = apply_plan(plan)
    finally:
        current().db.connection().set_trace_callback(None)
    assert result.imported == 1_200 and result.created_units == []
    # One by one: 17 statements per row, 7 of them SELECTs.  Batched: a dozen SELECTs per 500 rows, and each
    # table's INSERT prepared once and run for every row (SQLite's trace still lists each run).
    selects = [s for s in statements if s.startswith("SELECT")]
    assert len(selects) < 60
    inserted = Counter(s.split('"')[1] for s in statements if s.startswith("INSERT"))
    # Each row: the model, its 3 indicators, its status, its history entry; and the batch, the layout remembered.
    assert {t: n for t, n in inserted.items() if n > 1} == {
        "mo_hinh": 1_200,
        "indicator": 3_600,
        "status_change": 1_200,
        "change": 1_200,
    }
