"""Every service change of a kept record writes exactly one history entry, with the right fields before and after."""

from __future__ import annotations

import json

import pytest

from desktop_app import domain
from desktop_app.errors import ValidationError
from desktop_app.history import queries, record
from desktop_app.history.tables import Change, ChangeBatch
from desktop_app.services import attachments, catalogues, settings, status, units, yearly
from desktop_app.services.models import IndicatorData, ModelInput, create_model, get_model, update_model
from desktop_app.storage.models import MoHinh


def _input(name: str = "Dân vận khéo trong xây dựng đường giao thông", **kw) -> ModelInput:
    unit = units.find_unit("Hội Nông dân xã Mê Linh") or units.create_unit("Hội Nông dân xã Mê Linh")
    field = catalogues.find("field", "Kinh tế").id
    return ModelInput(name=name, year=2023, field_id=field, unit_id=unit.id, **kw)


def _changes() -> list[Change]:
    return list(Change.select().order_by(Change.id))


def _new_since(mark: int) -> list[Change]:
    return list(Change.select().where(Change.id > mark).order_by(Change.id))


def _mark() -> int:
    return Change.select().count() and max(c.id for c in Change.select(Change.id))


def test_creating_a_model_writes_one_entry_with_its_indicators(db):
    data = _input(indicators=[IndicatorData("Đường bê tông", "km", 2, 2.5)])
    mark = _mark()
    model_id = create_model(data)
    [entry] = _new_since(mark)
    after = json.loads(entry.after)
    assert (entry.kind, entry.action, entry.before) == ("model", "create", None)
    assert entry.record_uuid == entry.model_uuid == get_model(model_id).row.uuid
    assert after["name"] == "Dân vận khéo trong xây dựng đường giao thông" and after["year"] == 2023
    assert [(i["name"], i["unit_of_measure"], i["achieved"]) for i in after["indicators"]] == [
        ("Đường bê tông", "km", 2.5)
    ]
    assert after["field"] == catalogues.find("field", "Kinh tế").uuid  # a reference kept as the uuid
    assert after["status_history"][0]["to_status"] == domain.REGISTERED


def test_updating_a_model_keeps_only_the_fields_that_changed(db):
    model_id = create_model(_input(address="Thôn 1"))
    mark = _mark()
    data = get_model(model_id).data
    data.address = "Thôn 2"
    data.indicators = [IndicatorData("Hộ tham gia", "hộ", None, 40)]
    update_model(model_id, data)
    [entry] = _new_since(mark)
    before, after = json.loads(entry.before), json.loads(entry.after)
    assert entry.action == "update"
    assert set(before) == set(after) == {"address", "indicators"}
    assert (before["address"], after["address"]) == ("Thôn 1", "Thôn 2")
    assert before["indicators"] == [] and after["indicators"][0]["achieved"] == 40


def test_an_unchanged_save_writes_nothing(db):
    model_id = create_model(_input())
    mark = _mark()
    update_model(model_id, get_model(model_id).data)
    assert _new_since(mark) == []


def test_a_bulk_status_change_is_one_batch_with_one_entry_per_model(db):
    ids = [create_model(_input(f"Mô hình {n}")) for n in range(3)]
    mark = _mark()
    status.change_status(ids, domain.IN_PROGRESS)
    entries = _new_since(mark)
    assert len(entries) == 3 and len({e.batch_id for e in entries}) == 1
    batch = ChangeBatch.get_by_id(entries[0].batch_id)
    assert batch.action == "status" and batch.undoable
    for entry in entries:
        before, after = json.loads(entry.before), json.loads(entry.after)
        assert (entry.action, before["status"], after["status"]) == ("status", domain.REGISTERED, domain.IN_PROGRESS)
        assert len(after["status_history"]) == len(before["status_history"]) + 1


def test_the_user_named_in_settings_is_recorded(db):
    settings.set_value(record.USER_SETTING, "Trần Thị Bình")
    create_model(_input())
    assert queries.entries(limit=1)[0].user == "Trần Thị Bình"


def test_units_catalogues_and_evidence_each_write_one_entry(db, tmp_path):
    data = _input()
    mark = _mark()
    unit = units.create_unit("Chi hội Phụ nữ thôn 3")
    units.update_unit(unit.id, address="Thôn 3", active=False)
    item = catalogues.create("field", "Chuyển đổi số")
    catalogues.update("field", item.id, name="Chuyển đổi số cộng đồng")
    catalogues.delete("field", item.id)
    model_id = create_model(data)
    photo = tmp_path / "ảnh.jpg"
    photo.write_bytes(b"jpeg")
    attachment = attachments.add_attachment(model_id, photo)
    attachments.remove_attachment(attachment)
    got = [(e.kind, e.action) for e in _new_since(mark)]
    assert got == [
        ("unit", "create"),
        ("unit", "update"),
        ("field", "create"),
        ("field", "update"),
        ("field", "delete"),
        ("model", "create"),
        ("model", "update"),
        ("model", "update"),
    ]
    unit_update = _new_since(mark)[1]
    assert json.loads(unit_update.before) == {"address": "", "active": True}
    assert json.loads(unit_update.after) == {"address": "Thôn 3", "active": False}
    evidence = json.loads(_new_since(mark)[6].after)["attachments"]
    assert [a["original_name"] for a in evidence] == ["ảnh.jpg"]


def test_moving_to_next_year_is_one_undoable_batch(db):
    ids = [create_model(_input(f"Mô hình {n}")) for n in range(2)]
    mark = _mark()
    created = yearly.copy_to_year(ids, 2024)
    entries = _new_since(mark)
    assert len(created) == 2 and [(e.kind, e.action, e.year) for e in entries] == [("model", "create", 2024)] * 2
    assert ChangeBatch.get_by_id(entries[0].batch_id).action == "next_year"


def test_a_failed_change_leaves_no_history(db):
    model_id = create_model(_input())
    mark = _mark()
    data = get_model(model_id).data
    data.name = ""
    with pytest.raises(ValidationError):
        update_model(model_id, data)
    assert _new_since(mark) == []


def test_history_filters_by_text_without_diacritics_and_by_model(db):
    first = create_model(_input("Tuyến đường hoa"))
    create_model(_input("Quỹ khuyến học"))
    found = queries.entries(queries.HistoryFilter(text="duong hoa"))
    assert [e.label for e in found] == ["Tuyến đường hoa"]
    uuid = MoHinh.get_by_id(first).uuid
    assert [e.record_uuid for e in queries.entries(queries.HistoryFilter(model_uuid=uuid))] == [uuid]
    assert queries.count(queries.HistoryFilter(kinds=("model",))) == 2
