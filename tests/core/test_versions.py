"""Optimistic versions: a save made from a stale copy of a model is refused, never applied over a newer one."""

from __future__ import annotations

import sqlite3

import pytest

from desktop_app import domain
from desktop_app.history.tables import HISTORY_TABLES
from desktop_app.services import catalogues, status, units
from desktop_app.services.models import ModelInput, StaleEdit, create_model, get_model, update_model
from desktop_app.storage.database import latest_version, migrate_to, open_database
from desktop_app.storage.models import MoHinh


def _input(name: str = "Nuôi heo đất") -> ModelInput:
    unit = units.find_unit("Hội Phụ nữ xã Mê Linh") or units.create_unit("Hội Phụ nữ xã Mê Linh")
    return ModelInput(name=name, year=2023, field_id=catalogues.find("field", "Kinh tế").id, unit_id=unit.id)


def test_two_editors_on_one_model_the_second_save_is_refused(db):
    model_id = create_model(_input())
    first, second = get_model(model_id).data, get_model(model_id).data
    assert first.version == second.version == 1
    first.note = "Sửa của người thứ nhất"
    update_model(model_id, first)
    second.note = "Sửa của người thứ hai"
    with pytest.raises(StaleEdit) as refused:
        update_model(model_id, second)
    message = str(refused.value)
    assert message.startswith("Mô hình «Nuôi heo đất» vừa được sửa ở nơi khác (lần sửa lúc ")
    assert message.endswith("hãy mở lại để xem bản mới rồi sửa tiếp.")
    assert get_model(model_id).data.note == "Sửa của người thứ nhất"  # the first save stands
    reloaded = get_model(model_id).data
    assert reloaded.version == 2
    reloaded.note = "Sửa sau khi mở lại"
    update_model(model_id, reloaded)
    assert get_model(model_id).data.version == 3


def test_a_status_change_moves_the_version(db):
    model_id = create_model(_input())
    loaded = get_model(model_id).data
    assert status.change_status([model_id], domain.PROPOSED) == 1
    assert get_model(model_id).data.version == loaded.version + 1
    with pytest.raises(StaleEdit):
        update_model(model_id, loaded)
    assert MoHinh.get_by_id(model_id).status == domain.PROPOSED


def test_merging_units_makes_an_open_editor_stale(db):
    """An editor still holding the old unit would otherwise save it back over the merge."""
    model_id = create_model(_input())
    loaded = get_model(model_id).data
    target = units.create_unit("Hội Liên hiệp Phụ nữ xã Mê Linh")
    units.merge_units(loaded.unit_id, target.id)
    merged = get_model(model_id).data
    assert merged.unit_id == target.id and merged.version == loaded.version + 1
    loaded.unit_id = target.id  # even with a unit that still exists, the old copy may not be saved
    with pytest.raises(StaleEdit):
        update_model(model_id, loaded)


def test_an_update_without_a_version_is_not_checked_but_still_counts(db):
    """A command that edits what it has just read hands no version; the next editor still sees the change."""
    model_id = create_model(_input())
    loaded = get_model(model_id).data
    update_model(model_id, _input("Nuôi heo đất tiết kiệm"))
    with pytest.raises(StaleEdit):
        update_model(model_id, loaded)


def test_version_4_database_gains_the_version_with_its_models_intact(data_dir):
    path = data_dir / "năm cũ.db"
    old = open_database(path, migrate=False)
    migrate_to(old, 4)
    old.db.create_tables(HISTORY_TABLES)  # today's services write history; dropped below, as that version had none
    catalogues.ensure_defaults()
    model_id = create_model(_input("Mô hình cũ"), status=domain.PROPOSED)
    # Step 1 builds tables from today's declarations; drop the column to get the file version 4 wrote.
    old.db.execute_sql("ALTER TABLE mo_hinh DROP COLUMN version")
    old.db.drop_tables(HISTORY_TABLES)
    old.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 4
    upgraded = open_database(path)
    try:
        assert upgraded.version() == latest_version() == 9
        assert not {c.name: c for c in upgraded.db.get_columns("mo_hinh")}["version"].null
        detail = get_model(model_id)
        assert detail.row.name == "Mô hình cũ" and detail.row.status == domain.PROPOSED
        assert detail.data.version == 1 and len(detail.history) == 1
        update_model(model_id, detail.data)
        assert get_model(model_id).data.version == 2
    finally:
        upgraded.close()
