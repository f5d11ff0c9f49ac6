"""Deleting moves a model, unit or council member to the trash with everything on it; restoring brings it back whole."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

import desktop_app.appraisal.results as res
from desktop_app import domain
from desktop_app.appraisal import council, decision, scoring
from desktop_app.appraisal import criteria as crit
from desktop_app.appraisal.tables import Conflict, CouncilMember, Override, Score
from desktop_app.errors import NotFoundError, ValidationError
from desktop_app.history import trash
from desktop_app.history.tables import Change, ChangeBatch, TrashItem
from desktop_app.services import attachments, catalogues, units
from desktop_app.services.models import IndicatorData, ModelInput, create_model, delete_models, get_model
from desktop_app.storage.models import AuditLog, MoHinh, StatusChange, Unit

YEAR = 2024


@pytest.fixture
def office(db):
    from desktop_app.demo import DEMO_OFFICE
    from desktop_app.services import settings

    settings.save_office(DEMO_OFFICE)  # a decision is issued in the office's name
    return db


def _model(name: str = "Tuyến đường hoa", *, unit: str | None = "Hội Nông dân xã Mê Linh", indicators=None) -> int:
    unit_id = (units.find_unit(unit) or units.create_unit(unit)).id if unit else None
    field = catalogues.find("field", "Kinh tế").id
    data = ModelInput(name=name, year=YEAR, field_id=field, unit_id=unit_id, indicators=indicators)
    return create_model(data, status=domain.PROPOSED)


def _photo(tmp_path, name: str = "ảnh.jpg", content: bytes = b"jpeg bytes of a photo") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _scores(model_id: int) -> list[tuple[str, str, int, float]]:
    rows = Score.select().where(Score.model == model_id)
    return sorted((r.member.uuid, r.criterion.uuid, r.keying, r.points) for r in rows)


def test_a_deleted_model_comes_back_whole_from_the_trash(office, tmp_path):
    model_id = _model(indicators=[IndicatorData("Đường bê tông", "km", 2, 2.5), IndicatorData("Hộ hiến đất", "hộ")])
    attachments.add_attachment(model_id, _photo(tmp_path))
    later = create_model(
        ModelInput(name="Tuyến đường hoa (năm sau)", year=YEAR + 1, field_id=catalogues.find("field", "Kinh tế").id)
    )
    follower = MoHinh.get_by_id(later)
    follower.continues = model_id
    follower.save()
    members = [council.add_member(YEAR, f"Thành viên {i}") for i in range(2)]
    criteria = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
    for member in members:
        scoring.save_sheet(YEAR, member, model_id, {c.id: 5 for c in criteria})
    council.declare_conflict(members[1], model_id, "Cùng đơn vị")
    res.set_override(model_id, recognised=True, reason="Vùng khó khăn")
    before = get_model(model_id)
    uuid = before.row.uuid
    stored = attachments.attachment_path(before.attachments[0].stored_name)
    sha = _sha(stored)
    scores = _scores(model_id)
    history = [(h.from_status, h.to_status) for h in before.history]

    assert delete_models([model_id]) == 1
    assert MoHinh.get_or_none(MoHinh.uuid == uuid) is None and Score.select().count() == 0
    assert stored.is_file()  # evidence stays on disk while the model is in the trash
    [entry] = trash.list_trash()
    assert (entry.kind, entry.label, entry.year, entry.record_uuid) == ("model", "Tuyến đường hoa", YEAR, uuid)
    assert entry.details == f"2 chỉ tiêu, 1 tệp minh chứng, {len(scores)} điểm chấm, 1 điều chỉnh kết quả"
    assert entry.to_json()["uuid"] == uuid and entry.kind_label == "Mô hình, điển hình"
    batch = ChangeBatch.get_by_id(TrashItem.get().batch)
    assert (batch.action, batch.undoable) == ("delete", True)
    assert [(c.action, c.record_uuid) for c in Change.select().where(Change.batch == batch.id)] == [("delete", uuid)]

    assert trash.restore_uuid(uuid) == "Tuyến đường hoa"
    after = get_model(MoHinh.get(MoHinh.uuid == uuid).id)
    assert [(i.name, i.unit_of_measure, i.target, i.achieved) for i in after.indicators] == [
        ("Đường bê tông", "km", 2, 2.5),
        ("Hộ hiến đất", "hộ", None, None),
    ]
    assert [(a.uuid, a.stored_name, a.sha256) for a in after.attachments] == [
        (a.uuid, a.stored_name, a.sha256) for a in before.attachments
    ]
    assert stored.is_file() and _sha(stored) == sha and attachments.verify(after.attachments[0].id)
    assert [(h.from_status, h.to_status) for h in after.history] == history
    assert _scores(after.row.id) == scores
    override = Override.get(Override.model == after.row.id)
    assert (override.recognised, override.reason) == (True, "Vùng khó khăn")
    assert [(c.member_id, c.reason) for c in Conflict.select().where(Conflict.model == after.row.id)] == [
        (members[1], "Cùng đơn vị")
    ]
    assert MoHinh.get_by_id(later).continues_id == after.row.id  # the link of the next year's model is given back
    assert after.row.unit == "Hội Nông dân xã Mê Linh" and after.data.field_id == before.data.field_id
    assert trash.list_trash() == []
    restore_entry = Change.select().order_by(Change.id.desc()).get()
    assert (restore_entry.action, restore_entry.record_uuid, restore_entry.batch.action) == ("restore", uuid, "restore")
    assert restore_entry.batch.undoable


def test_a_restored_model_can_be_deleted_and_restored_again(db, tmp_path):
    model_id = _model()
    attachments.add_attachment(model_id, _photo(tmp_path))
    uuid = MoHinh.get_by_id(model_id).uuid
    delete_models([model_id])
    trash.restore([trash.list_trash()[0].id])
    assert delete_models([MoHinh.get(MoHinh.uuid == uuid).id]) == 1
    assert len(trash.list_trash()) == 1
    assert "Tuyến đường hoa" in trash.restore_uuid(uuid)
    assert len(get_model(MoHinh.get(MoHinh.uuid == uuid).id).attachments) == 1


def test_restoring_refuses_a_record_already_back_and_an_unknown_uuid(db):
    model_id = _model()
    uuid = MoHinh.get_by_id(model_id).uuid
    delete_models([model_id])
    item = TrashItem.get()
    trash.restore([item.id])
    # A copy of the item (as a second delete of the same uuid would leave): the model is already there.
    TrashItem.create(
        kind=item.kind, record_uuid=uuid, label=item.label, year=item.year, payload=item.payload, files=item.files
    )
    with pytest.raises(Exception, match="đang có trong dữ liệu"):
        trash.restore_uuid(uuid)
    with pytest.raises(NotFoundError, match="không-có"):
        trash.restore_uuid("không-có")


def test_a_model_whose_unit_is_gone_is_refused_until_the_unit_is_restored(db):
    model_id = _model(unit="Chi hội Phụ nữ thôn 3")
    uuid = MoHinh.get_by_id(model_id).uuid
    unit = units.find_unit("Chi hội Phụ nữ thôn 3")
    assert unit is not None
    delete_models([model_id])
    units.delete_unit(unit.id)  # unused now: it goes to the trash too
    with pytest.raises(Exception, match="đơn vị «Chi hội Phụ nữ thôn 3» của nó không còn"):
        trash.restore_uuid(uuid)
    assert MoHinh.select().count() == 0 and len(trash.list_trash()) == 2  # nothing half-restored
    # Restoring both at once brings the unit back first.
    restored = trash.restore([e.id for e in trash.list_trash()])
    assert sorted(restored) == ["Chi hội Phụ nữ thôn 3", "Tuyến đường hoa"]
    assert get_model(MoHinh.get(MoHinh.uuid == uuid).id).row.unit == "Chi hội Phụ nữ thôn 3"
    assert Unit.get(Unit.uuid == unit.uuid).name == "Chi hội Phụ nữ thôn 3"


def test_a_recognised_model_in_a_locked_decision_cannot_be_deleted(office):
    models = [_model(f"Mô hình {i}") for i in range(2)]
    members = [council.add_member(YEAR, f"Thành viên {i}") for i in range(3)]
    criteria = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
    for model in models:
        for member in members:
            scoring.save_sheet(YEAR, member, model, {c.id: c.max_points * 0.9 for c in criteria})
    decision.issue_decision(YEAR, "125", "15/10/2024")
    assert MoHinh.get_by_id(models[0]).status == domain.RECOGNISED
    with pytest.raises(trash.DeleteRefused) as refused:
        delete_models(models)
    message = str(refused.value)
    assert "«Mô hình 0»" in message and "125-QĐ/HU" in message and "mở khóa quyết định" in message
    assert "Công nhận" in message
    assert MoHinh.select().count() == 2 and TrashItem.select().count() == 0  # none deleted
    decision.unlock_decision(YEAR, "Xóa mô hình nhập trùng")
    assert delete_models([models[0]]) == 1


def test_emptying_the_trash_removes_files_no_one_else_needs(db, tmp_path):
    first, second, third = _model("Mô hình A"), _model("Mô hình B"), _model("Mô hình C")
    for model, content in ((first, b"one"), (second, b"two"), (third, b"three")):
        attachments.add_attachment(model, _photo(tmp_path, content=content))
    stored = {m: get_model(m).attachments[0].stored_name for m in (first, second, third)}
    delete_models([first])
    delete_models([second])
    ids = {e.label: e.id for e in trash.list_trash()}
    assert trash.empty([ids["Mô hình A"]]) == 1
    assert not attachments.attachment_path(stored[first]).exists()
    assert attachments.attachment_path(stored[second]).exists()  # still in the trash
    assert attachments.attachment_path(stored[third]).exists()  # a live model's
    assert [e.label for e in trash.list_trash()] == ["Mô hình B"]
    assert trash.empty() == 1 and trash.list_trash() == []
    assert not attachments.attachment_path(stored[second]).exists()
    assert attachments.attachment_path(stored[third]).exists()
    audit = [json.loads(a.detail) for a in AuditLog.select().where(AuditLog.action == "trash.emptied")]
    assert [[i["label"] for i in a["items"]] for a in audit] == [["Mô hình A"], ["Mô hình B"]]
    assert trash.empty() == 0
    with pytest.raises(NotFoundError):
        trash.restore_uuid(MoHinh.get_by_id(third).uuid.replace("-", "x"))


def test_expired_items_are_emptied_by_date(db):
    old, recent = _model("Mô hình cũ"), _model("Mô hình mới")
    delete_models([old])
    delete_models([recent])
    TrashItem.update(deleted_at=datetime(2026, 1, 1, 10, 0)).where(TrashItem.label == "Mô hình cũ").execute()
    TrashItem.update(deleted_at=datetime(2026, 1, 20, 10, 0)).where(TrashItem.label == "Mô hình mới").execute()
    assert trash.trash_days() == trash.DEFAULT_TRASH_DAYS == 30
    assert trash.purge_expired(date(2026, 1, 31)) == 0  # 30 days after 01/01 is still kept
    assert trash.purge_expired(date(2026, 2, 1)) == 1
    assert [e.label for e in trash.list_trash()] == ["Mô hình mới"]
    trash.set_trash_days(0)
    assert trash.purge_expired(date(2030, 1, 1)) == 0 and len(trash.list_trash()) == 1  # 0 days: never
    trash.set_trash_days(7)
    assert trash.trash_days() == 7
    assert trash.purge_expired(date(2026, 1, 27)) == 0 and trash.purge_expired(date(2026, 1, 28)) == 1
    for wrong in (-1, 3651):
        with pytest.raises(ValidationError):
            trash.set_trash_days(wrong)
    assert trash.trash_days() == 7


def test_a_council_member_comes_back_with_its_scores_and_conflicts(db):
    models = [_model(f"Mô hình {i}") for i in range(2)]
    member = council.add_member(YEAR, "Trần Thị Hồng", title="Phó Trưởng ban", field_ids=[])
    criteria = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
    for model in models:
        scoring.save_sheet(YEAR, member, model, {c.id: 4 for c in criteria})
    council.declare_conflict(member, models[1], "Người nhà")
    uuid = CouncilMember.get_by_id(member).uuid
    points = sorted((s.model_id, s.criterion_id, s.points) for s in Score.select())
    council.remove_member(member)
    assert CouncilMember.select().count() == 0 and Score.select().count() == 0 and Conflict.select().count() == 0
    [entry] = trash.list_trash()
    assert (entry.kind, entry.label) == ("council_member", "Trần Thị Hồng")
    assert entry.details == f"{len(points)} điểm chấm, 1 xung đột lợi ích"
    delete_models([models[0]])  # one scored model is gone meanwhile: its scores cannot come back
    label = trash.restore_uuid(uuid)
    assert label.startswith("Trần Thị Hồng (bỏ ") and "điểm chấm" in label
    back = CouncilMember.get(CouncilMember.uuid == uuid)
    assert (back.title, back.year) == ("Phó Trưởng ban", YEAR)
    assert sorted((s.model_id, s.criterion_id, s.points) for s in Score.select()) == [
        p for p in points if p[0] == models[1]
    ]
    assert [(c.member_id, c.model_id, c.reason) for c in Conflict.select()] == [(back.id, models[1], "Người nhà")]


def test_trash_items_list_newest_first_with_who_deleted(db):
    from desktop_app.history import record
    from desktop_app.services import settings

    settings.set_value(record.USER_SETTING, "Nguyễn Thị Bình")
    first, second = _model("Mô hình A"), _model("Mô hình B")
    delete_models([first])
    TrashItem.update(deleted_at=datetime.now() - timedelta(hours=1)).execute()
    delete_models([second])
    entries = trash.list_trash()
    assert [e.label for e in entries] == ["Mô hình B", "Mô hình A"]
    assert {e.user for e in entries} == {"Nguyễn Thị Bình"}
    assert StatusChange.select().count() == 0
