"""«Hoàn tác» takes back the last bulk action whole, «Làm lại» does it again, and neither runs over a later change."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop_app import domain
from desktop_app.history import record, trash, undo
from desktop_app.history.tables import ChangeBatch, TrashItem
from desktop_app.importer import apply_plan, build_plan
from desktop_app.services import catalogues, settings, status, units, yearly
from desktop_app.services.models import ModelInput, create_model, delete_models, get_model, update_model
from desktop_app.storage.models import Indicator, MoHinh, StatusChange, Unit

YEAR = 2024


def _model(name: str, unit: str = "Hội Nông dân xã Mê Linh") -> int:
    found = units.find_unit(unit) or units.create_unit(unit)
    field = catalogues.find("field", "Kinh tế").id
    return create_model(ModelInput(name=name, year=YEAR, field_id=field, unit_id=found.id))


def _state() -> dict[str, object]:
    """Every row an import or a status change can touch, comparable before and after."""
    return {
        "models": sorted((m.uuid, m.name, m.status, m.unit_id) for m in MoHinh.select()),
        "units": sorted((u.uuid, u.name) for u in Unit.select()),
        "indicators": sorted((i.uuid, i.name, i.achieved) for i in Indicator.select()),
        "history": sorted((s.model.uuid, s.from_status, s.to_status) for s in StatusChange.select()),
    }


def _statuses(ids: list[int]) -> list[str]:
    return [MoHinh.get_by_id(i).status for i in ids]


def _registrations(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["TT", "Tên mô hình, điển hình", "Đơn vị đăng ký", "Lĩnh vực", "Kết quả"])
    ws.append([1, "Nuôi bò sinh sản giúp hội viên thoát nghèo", "Hội LHPN xã Phi Tô", "Kinh tế", "12 hộ thoát nghèo"])
    ws.append([2, "Tổ vay vốn xoay vòng", "Hội Nông dân xã Mê Linh", "Kinh tế", ""])
    ws.append([3, "Thắp sáng đường quê", "Hội LHPN xã Phi Tô", "Văn hóa - xã hội", ""])
    wb.save(path)
    return path


def test_undoing_an_import_removes_exactly_the_rows_it_created(db, tmp_path):
    kept = _model("Mô hình có từ trước")
    before = _state()
    result = apply_plan(build_plan(_registrations(tmp_path / "đăng ký.xlsx"), year=YEAR))
    assert result.imported == 3 and result.created_units == ["Hội LHPN xã Phi Tô"]
    imported = _state()
    step = undo.undo_step()
    assert step is not None and step.action == "import" and step.records == 4  # 3 models, 1 unit
    assert step.label.startswith("Nhập 3 mô hình, điển hình từ tệp «đăng ký.xlsx»")

    done = undo.undo()
    assert done == step
    assert _state() == before  # the unit it created is gone, the one it joined stays
    assert MoHinh.get_by_id(kept).name == "Mô hình có từ trước"
    batch = ChangeBatch.select().order_by(ChangeBatch.id.desc()).get()
    assert (batch.label, batch.action, batch.is_undo, batch.undoes) == (
        f"Hoàn tác: {step.label}",
        "undo",
        True,
        step.batch_id,
    )
    assert ChangeBatch.get_by_id(step.batch_id).undone_by == batch.id
    assert [c.action for c in batch.changes] == ["delete"] * 4
    assert undo.undo_step() is None  # creating the first model one by one is no bulk action

    redone = undo.redo_step()
    assert redone is not None and redone.label == step.label
    undo.redo()
    assert _state() == imported  # the same rows, with their uuids
    assert undo.undo_step().label == step.label
    undo.undo()
    assert _state() == before


def test_undo_then_redo_of_a_bulk_status_change(db):
    ids = [_model(f"Mô hình {n}") for n in range(3)]
    history = {i: len(get_model(i).history) for i in ids}
    status.change_status(ids, domain.IN_PROGRESS)
    step = undo.undo_step()
    assert step is not None and step.records == 3
    assert step.describe().startswith("Đổi trạng thái 3 mô hình, điển hình sang «Đang thực hiện» (lúc ")
    assert undo.redo_step() is None

    undo.undo()
    assert _statuses(ids) == [domain.REGISTERED] * 3
    assert {i: len(get_model(i).history) for i in ids} == history  # the status history entry is taken back too
    assert undo.redo_step() is not None

    undo.redo()
    assert _statuses(ids) == [domain.IN_PROGRESS] * 3
    assert undo.redo_step() is None
    redo_batch = ChangeBatch.select().order_by(ChangeBatch.id.desc()).get()
    assert redo_batch.label == f"Làm lại: {step.label}" and not redo_batch.is_undo and redo_batch.action == "redo"
    # After a redo, «Hoàn tác» takes back the redo.
    assert undo.undo_step().batch_id == redo_batch.id
    undo.undo()
    assert _statuses(ids) == [domain.REGISTERED] * 3


def test_a_later_change_to_a_record_refuses_the_undo_and_says_who_and_when(db):
    settings.set_value(record.USER_SETTING, "Trần Thị Bình")
    ids = [_model(f"Mô hình {n}") for n in range(2)]
    status.change_status(ids, domain.IN_PROGRESS)
    data = get_model(ids[1]).data
    data.address = "Thôn 2"
    update_model(ids[1], data)
    edit = ChangeBatch.select().order_by(ChangeBatch.id.desc()).get()
    marks = ChangeBatch.select().count()
    for dry_run in (True, False):
        with pytest.raises(undo.UndoRefused) as refused:
            undo.undo(dry_run=dry_run)
        message = str(refused.value)
        assert message.startswith("Không hoàn tác được: mô hình «Mô hình 1» đã được sửa sau đó")
        assert f"lúc {edit.at:%H:%M} ngày {edit.at:%d/%m/%Y}" in message and "người sửa: Trần Thị Bình" in message
        assert message.endswith("Hãy sửa trực tiếp trên mô hình.")
    assert _statuses(ids) == [domain.IN_PROGRESS] * 2 and ChangeBatch.select().count() == marks


def test_a_dry_run_says_what_would_be_undone_and_changes_nothing(db):
    ids = [_model(f"Mô hình {n}") for n in range(2)]
    status.change_status(ids, domain.IN_PROGRESS)
    batches = ChangeBatch.select().count()
    step = undo.undo(dry_run=True)
    assert step == undo.undo_step() and step.action == "status"
    assert _statuses(ids) == [domain.IN_PROGRESS] * 2 and ChangeBatch.select().count() == batches
    assert undo.redo_step() is None
    with pytest.raises(undo.UndoRefused, match="Không có thao tác nào để làm lại"):
        undo.redo(dry_run=True)


def test_a_new_action_clears_redo(db):
    ids = [_model(f"Mô hình {n}") for n in range(2)]
    status.change_status(ids, domain.IN_PROGRESS)
    undo.undo()
    status.change_status([ids[0]], domain.PROPOSED)
    assert undo.redo_step() is None
    with pytest.raises(undo.UndoRefused, match="làm lại"):
        undo.redo()


def test_undoing_two_actions_on_the_same_record_one_after_the_other(db):
    model = _model("Mô hình A")
    status.change_status([model], domain.IN_PROGRESS)
    status.change_status([model], domain.PROPOSED)
    undo.undo()  # the second: back to Đang thực hiện
    assert _statuses([model]) == [domain.IN_PROGRESS]
    undo.undo()  # the first, whose later change was itself taken back
    assert _statuses([model]) == [domain.REGISTERED]
    undo.redo()
    undo.redo()
    assert _statuses([model]) == [domain.PROPOSED]


def test_undoing_a_deletion_restores_from_the_trash_and_redo_deletes_again(db):
    ids = [_model(f"Mô hình {n}") for n in range(2)]
    uuids = [MoHinh.get_by_id(i).uuid for i in ids]
    delete_models(ids)
    assert len(trash.list_trash()) == 2
    step = undo.undo()
    assert step.action == "delete" and step.label == "Xóa 2 mô hình, điển hình"
    assert sorted(m.uuid for m in MoHinh.select()) == sorted(uuids) and trash.list_trash() == []
    undo.redo()
    assert MoHinh.select().count() == 0 and len(trash.list_trash()) == 2
    undo.undo()  # the redo
    assert MoHinh.select().count() == 2
    undo.redo()
    trash.empty()
    with pytest.raises(undo.UndoRefused, match="đã bị xóa hẳn khỏi thùng rác"):
        undo.undo()


def test_undoing_a_restore_puts_the_record_back_in_the_trash(db):
    model = _model("Mô hình A")
    uuid = MoHinh.get_by_id(model).uuid
    delete_models([model])
    trash.restore_uuid(uuid)
    assert undo.undo_step().action == "restore"
    undo.undo()
    assert MoHinh.select().count() == 0 and [e.record_uuid for e in trash.list_trash()] == [uuid]
    assert TrashItem.get().batch == ChangeBatch.select().order_by(ChangeBatch.id.desc()).get().id


def test_undoing_the_move_to_next_year(db):
    ids = [_model(f"Mô hình {n}") for n in range(2)]
    before = _state()
    created = yearly.copy_to_year(ids, YEAR + 1)
    assert len(created) == 2
    assert undo.undo().action == "next_year"
    assert _state() == before


def test_nothing_to_undo_on_a_new_file(db):
    assert undo.undo_step() is None and undo.redo_step() is None
    with pytest.raises(undo.UndoRefused, match="Không có thao tác nào để hoàn tác"):
        undo.undo()


def test_an_import_whose_model_was_scored_since_is_not_undone(db, tmp_path):
    from desktop_app.appraisal import council, scoring
    from desktop_app.appraisal import criteria as crit

    result = apply_plan(build_plan(_registrations(tmp_path / "đăng ký.xlsx"), year=YEAR))
    member = council.add_member(YEAR, "Trần Thị Hồng")
    criteria = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
    scoring.save_sheet(YEAR, member, result.model_ids[0], {c.id: 3 for c in criteria})
    with pytest.raises(undo.UndoRefused) as refused:
        undo.undo()
    assert str(refused.value).startswith("Không hoàn tác được: mô hình «Nuôi bò sinh sản giúp hội viên thoát nghèo»")
    assert MoHinh.select().count() == 3


def test_undoing_the_removal_of_a_council_member_brings_back_its_scores(db):
    from desktop_app.appraisal import council, scoring
    from desktop_app.appraisal import criteria as crit
    from desktop_app.appraisal.tables import CouncilMember, Score

    model = _model("Mô hình A")
    member = council.add_member(YEAR, "Trần Thị Hồng")
    criteria = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
    scoring.save_sheet(YEAR, member, model, {c.id: 3 for c in criteria})
    uuid = CouncilMember.get_by_id(member).uuid
    council.remove_member(member)
    assert undo.undo_step().label == "Xóa thành viên hội đồng «Trần Thị Hồng»"
    undo.undo()
    back = CouncilMember.get(CouncilMember.uuid == uuid)
    assert Score.select().where(Score.member == back.id).count() == len(criteria) and trash.list_trash() == []
