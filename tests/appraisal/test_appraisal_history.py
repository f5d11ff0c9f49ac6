"""Every appraisal change (council, criteria, score sheets, overrides, decisions) writes exactly one history
entry per record it touched, with the right fields before and after; a refused change writes none."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from openpyxl import load_workbook

from desktop_app import domain
from desktop_app.appraisal import council, decision, results, scoring, workbook
from desktop_app.appraisal import criteria as crit
from desktop_app.appraisal.info import CriterionInfo
from desktop_app.appraisal.tables import CouncilMember, CriteriaSet
from desktop_app.errors import AppError, ValidationError
from desktop_app.history.tables import Change, ChangeBatch
from desktop_app.services import catalogues
from desktop_app.services.models import ModelInput, create_model
from desktop_app.storage.models import MoHinh

YEAR = 2024


@dataclass
class Year:
    models: list[int]
    members: list[int]
    criteria: list[CriterionInfo]

    def model_uuid(self, index: int) -> str:
        return str(MoHinh.get_by_id(self.models[index]).uuid)

    def member_uuid(self, index: int) -> str:
        return str(CouncilMember.get_by_id(self.members[index]).uuid)


@pytest.fixture
def year(db) -> Year:
    from desktop_app.demo import DEMO_OFFICE
    from desktop_app.services import settings

    settings.save_office(DEMO_OFFICE)  # a decision is issued in the name of the office
    field = catalogues.find("field", "Kinh tế").id
    models = [
        create_model(ModelInput(name=f"Mô hình {i}", year=YEAR, field_id=field), status=domain.PROPOSED)
        for i in range(3)
    ]
    members = [council.add_member(YEAR, f"Thành viên {i}") for i in range(3)]
    criteria = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
    return Year(models, members, criteria)


def _mark() -> int:
    return int(Change.select(Change.id).order_by(Change.id.desc()).limit(1).scalar() or 0)


def _since(mark: int) -> list[Change]:
    return list(Change.select().where(Change.id > mark).order_by(Change.id))


def _one(mark: int) -> tuple[Change, dict[str, Any] | None, dict[str, Any] | None]:
    found = _since(mark)
    assert len(found) == 1, [(c.kind, c.action, c.label) for c in found]
    change = found[0]
    return change, _load(change.before), _load(change.after)


def _load(text: str | None) -> dict[str, Any] | None:
    return None if text is None else json.loads(text)


def _full(criteria: list[CriterionInfo], share: float) -> dict[int, float]:
    return {c.id: round(c.max_points * share * 2) / 2 for c in criteria}


def _by_uuid(criteria: list[CriterionInfo], points: dict[int, float]) -> dict[str, float]:
    return {c.uuid: points[c.id] for c in criteria if c.id in points}


# ----------------------------------------------------------------- council


def test_adding_and_editing_a_member(db):
    mark = _mark()
    member_id = council.add_member(YEAR, "Trần Thị Hồng", "Trưởng Ban Dân vận", "Chủ tịch hội đồng")
    change, before, after = _one(mark)
    row = CouncilMember.get_by_id(member_id)
    assert (change.kind, change.action, change.record_uuid, change.year) == ("council_member", "create", row.uuid, YEAR)
    assert before is None and after is not None
    assert (after["name"], after["role"], after["conflicts"]) == ("Trần Thị Hồng", "Chủ tịch hội đồng", [])

    mark = _mark()
    council.update_member(member_id, name="Trần Thị Hồng", title="Phó Trưởng Ban Dân vận", role="Chủ tịch hội đồng")
    change, before, after = _one(mark)
    assert change.action == "update"
    assert before == {"title": "Trưởng Ban Dân vận"} and after == {"title": "Phó Trưởng Ban Dân vận"}


def test_a_conflict_is_one_update_of_the_member(year):
    mark = _mark()
    council.declare_conflict(year.members[0], year.models[1], "Là thành viên của đơn vị")
    change, before, after = _one(mark)
    assert (change.kind, change.action, change.record_uuid) == ("council_member", "update", year.member_uuid(0))
    assert before == {"conflicts": []}
    assert after == {"conflicts": [{"model": year.model_uuid(1), "reason": "Là thành viên của đơn vị"}]}
    assert "xung đột lợi ích" in ChangeBatch.get_by_id(change.batch_id).label

    mark = _mark()
    council.clear_conflict(year.members[0], year.models[1])
    change, before, after = _one(mark)
    assert (change.action, before, after) == (
        "update",
        {"conflicts": [{"model": year.model_uuid(1), "reason": "Là thành viên của đơn vị"}]},
        {"conflicts": []},
    )
    mark = _mark()
    council.clear_conflict(year.members[0], year.models[1])  # nothing left to clear: nothing recorded
    assert _since(mark) == []


# ----------------------------------------------------------------- criteria


def test_each_criteria_change_is_one_update_of_its_set(year):
    set_id = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).id
    uuid = CriteriaSet.get_by_id(set_id).uuid

    mark = _mark()
    new_id = crit.add_criterion(set_id, "Sáng tạo trong cách làm", 5)
    change, before, after = _one(mark)
    assert (change.kind, change.action, change.record_uuid) == ("criteria_set", "update", uuid)
    assert before is not None and after is not None
    assert len(after["criteria"]) == len(before["criteria"]) + 1
    assert after["criteria"][-1]["text"] == "Sáng tạo trong cách làm"

    mark = _mark()
    crit.update_criterion(new_id, text="Sáng tạo, đổi mới trong cách làm", max_points=5)
    change, before, after = _one(mark)
    assert before is not None and after is not None
    assert before["criteria"][-1]["text"] == "Sáng tạo trong cách làm"
    assert after["criteria"][-1]["text"] == "Sáng tạo, đổi mới trong cách làm"

    mark = _mark()
    crit.delete_criterion(new_id)
    change, before, after = _one(mark)
    assert before is not None and after is not None
    assert len(before["criteria"]) == len(after["criteria"]) + 1

    mark = _mark()
    crit.update_set(set_id, name="Bộ tiêu chí mô hình tập thể năm 2024")
    change, before, after = _one(mark)
    # A renamed default set is the office's own from then on.
    assert after == {"name": "Bộ tiêu chí mô hình tập thể năm 2024", "is_default": False}
    assert before is not None and before["is_default"] is True


def test_a_refused_criteria_change_writes_nothing(year):
    set_id = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).id
    scoring.save_sheet(YEAR, year.members[0], year.models[0], _full(year.criteria, 0.8))
    mark = _mark()
    with pytest.raises(crit.ScoresExistError):
        crit.add_criterion(set_id, "Tiêu chí thêm sau khi đã chấm", 5)
    with pytest.raises(ValidationError):
        crit.update_criterion(year.criteria[0].id, text="", max_points=5)
    assert _since(mark) == []


def test_default_sets_and_a_copy_to_another_year_are_created_entries(year):
    mark = _mark()
    crit.copy_sets_to_year(YEAR, 2025)
    found = _since(mark)
    copied = [c for c in found if c.year == 2025]
    # The target year's default sets (made on first use) are replaced by the copies: both show.
    created = [c for c in copied if c.action == "create"]
    assert {c.kind for c in found} == {"criteria_set"}
    assert len(created) == CriteriaSet.select().where(CriteriaSet.year == 2025).count() >= 1
    assert len({c.batch_id for c in created}) == 1
    assert ChangeBatch.get_by_id(created[0].batch_id).label == "Chép bộ tiêu chí năm 2024 sang năm 2025"
    assert all(_load(c.after)["criteria"] for c in created)  # type: ignore[index]

    mark = _mark()
    crit.criteria_set_for(2031, domain.KIND_COLLECTIVE)  # a year used for the first time
    found = _since(mark)
    assert found and all((c.kind, c.action, c.year) == ("criteria_set", "create", 2031) for c in found)
    assert len({c.batch_id for c in found}) == 1


# ----------------------------------------------------------------- score sheets


def test_a_first_sheet_a_correction_and_an_unchanged_save(year):
    points = _full(year.criteria, 0.8)
    mark = _mark()
    scoring.save_sheet(YEAR, year.members[0], year.models[0], points)
    change, before, after = _one(mark)
    member, model = year.member_uuid(0), year.model_uuid(0)
    assert (change.kind, change.action, change.year, change.model_uuid) == ("score_sheet", "create", YEAR, model)
    assert change.record_uuid == f"{member}:{model}:1"
    assert change.label == "Phiếu chấm của Thành viên 0 — Mô hình 0 (lần nhập 1)"
    assert before is None
    assert after == {"points": _by_uuid(year.criteria, points), "member": member, "model": model, "keying": 1}

    corrected = dict(points)
    corrected[year.criteria[1].id] -= 1
    mark = _mark()
    scoring.save_sheet(YEAR, year.members[0], year.models[0], corrected)
    change, before, after = _one(mark)
    assert change.action == "update"
    assert before is not None and after is not None
    assert before["points"] == _by_uuid(year.criteria, points)
    assert after["points"] == _by_uuid(year.criteria, corrected)

    mark = _mark()
    scoring.save_sheet(YEAR, year.members[0], year.models[0], corrected)
    assert _since(mark) == []
    assert ChangeBatch.select().where(ChangeBatch.id > change.batch_id).count() == 0  # no empty batch either


def test_a_pasted_block_is_one_batch_with_an_entry_per_changed_sheet(year):
    first = _full(year.criteria, 0.9)
    scoring.save_sheet(YEAR, year.members[1], year.models[0], first)
    mark = _mark()
    block = {
        year.models[0]: first,
        year.models[1]: _full(year.criteria, 0.7),
        year.models[2]: _full(year.criteria, 0.6),
    }
    scoring.save_sheets(YEAR, year.members[1], block)
    found = _since(mark)
    assert [(c.action, c.model_uuid) for c in found] == [("create", year.model_uuid(1)), ("create", year.model_uuid(2))]
    assert len({c.batch_id for c in found}) == 1
    assert "2 phiếu chấm của Thành viên 1" in ChangeBatch.get_by_id(found[0].batch_id).label


def test_save_sheets_reads_the_old_points_in_one_query(year, monkeypatch):
    """The grid saves after each cell: the stored sheets are read once for the whole block, not per sheet."""
    block = {m: _full(year.criteria, 0.7) for m in year.models}
    scoring.save_sheets(YEAR, year.members[0], block)
    calls: list[list[int]] = []
    original = scoring._stored_points

    def counted(member_id: int, keying: int, model_ids: list[int]) -> dict[int, dict[int, float]]:
        calls.append(model_ids)
        return original(member_id, keying, model_ids)

    monkeypatch.setattr(scoring, "_stored_points", counted)
    changed = {m: _full(year.criteria, 0.8) for m in year.models}
    mark = _mark()
    scoring.save_sheets(YEAR, year.members[0], changed)
    assert calls == [year.models]
    assert [c.action for c in _since(mark)] == ["update"] * 3


def test_clearing_a_sheet_is_a_delete_entry(year):
    points = _full(year.criteria, 0.8)
    scoring.save_sheet(YEAR, year.members[0], year.models[0], points)
    mark = _mark()
    scoring.save_sheet(YEAR, year.members[0], year.models[0], {c.id: None for c in year.criteria})
    change, before, after = _one(mark)
    assert change.action == "delete" and after is None
    assert before is not None and before["points"] == _by_uuid(year.criteria, points)


def test_second_keying_and_accepting_it(year):
    points = _full(year.criteria, 0.8)
    scoring.save_sheet(YEAR, year.members[0], year.models[0], points)
    retyped = dict(points)
    retyped[year.criteria[2].id] -= 1
    mark = _mark()
    scoring.save_sheet(YEAR, year.members[0], year.models[0], retyped, keying=2)
    change, before, after = _one(mark)
    assert change.record_uuid.endswith(":2") and change.label.endswith("(lần nhập 2)")
    assert before is None and after is not None and after["keying"] == 2

    mark = _mark()
    scoring.accept_second_keying(YEAR, year.members[0], year.models[0])
    change, before, after = _one(mark)
    assert change.record_uuid.endswith(":1") and change.action == "update"
    assert before is not None and after is not None
    assert (before["points"], after["points"]) == (_by_uuid(year.criteria, points), _by_uuid(year.criteria, retyped))
    assert ChangeBatch.get_by_id(change.batch_id).label.startswith(scoring.ACCEPT_SECOND_LABEL)


def test_a_workbook_import_is_one_batch_named_after_the_file(year, tmp_path):
    path = workbook.export_workbook(YEAR, tmp_path / "bảng chấm hội đồng.xlsx")
    book = load_workbook(path)
    sheets = [s for s in book.sheetnames if s != workbook.META]
    for title in sheets[:2]:
        for row in range(workbook.FIRST_ROW, workbook.FIRST_ROW + 3):
            for offset, c in enumerate(year.criteria):
                book[title].cell(row, workbook.FIRST_CRITERION_COL + offset, c.max_points - 1)
    book.save(path)
    mark = _mark()
    report = workbook.import_workbook(path)
    assert report.ok
    found = _since(mark)
    assert len(found) == 6 and {(c.kind, c.action) for c in found} == {("score_sheet", "create")}
    batches = {c.batch_id for c in found}
    assert len(batches) == 1
    assert ChangeBatch.get_by_id(batches.pop()).label == "Nhập bảng chấm điểm từ tệp «bảng chấm hội đồng.xlsx»"


# ----------------------------------------------------------------- overrides


def test_an_override_is_created_changed_and_cleared(year):
    model = year.model_uuid(2)
    mark = _mark()
    results.set_override(year.models[2], recognised=True, reason="Mô hình có ý nghĩa ở vùng đồng bào")
    change, before, after = _one(mark)
    assert (change.kind, change.action, change.record_uuid, change.model_uuid, change.year) == (
        "override",
        "create",
        model,
        model,
        YEAR,
    )
    assert before is None and after is not None
    assert (after["model"], after["recognised"], after["reason"]) == (model, True, "Mô hình có ý nghĩa ở vùng đồng bào")

    mark = _mark()
    results.set_override(year.models[2], recognised=True, outstanding=True, reason="Mô hình có ý nghĩa ở vùng đồng bào")
    change, before, after = _one(mark)
    assert change.action == "update"
    assert before is not None and after is not None
    assert (before["outstanding"], after["outstanding"]) == (False, True)
    assert "reason" not in after  # only what changed

    mark = _mark()
    results.set_override(year.models[2], recognised=True, outstanding=True, reason="Mô hình có ý nghĩa ở vùng đồng bào")
    assert _since(mark) == []  # saved again unchanged

    mark = _mark()
    results.clear_override(year.models[2])
    change, before, after = _one(mark)
    assert change.action == "delete" and after is None and before is not None and before["outstanding"] is True


# ----------------------------------------------------------------- decision


def _score_everything(year: Year) -> None:
    for model, share in zip(year.models, (0.9, 0.8, 0.5), strict=True):
        for member in year.members:
            scoring.save_sheet(YEAR, member, model, _full(year.criteria, share))


def test_issuing_a_decision_is_one_batch_with_its_status_changes(year):
    _score_everything(year)
    mark = _mark()
    info = decision.issue_decision(YEAR, "125", "15/10/2024", issuing_body="BAN THƯỜNG VỤ HUYỆN ỦY")
    found = _since(mark)
    assert len({c.batch_id for c in found}) == 1
    batch = ChangeBatch.get_by_id(found[0].batch_id)
    assert batch.label == "Ban hành quyết định công nhận năm 2024" and not batch.undoable
    decisions = [c for c in found if c.kind == "decision"]
    assert [(c.action, c.record_uuid) for c in decisions] == [("create", info.uuid)]
    after = _load(decisions[0].after)
    assert after is not None and after["locked"] is True and "snapshot" not in after
    statuses = [c for c in found if c.kind == "model"]
    assert sorted(c.model_uuid for c in statuses) == sorted(year.model_uuid(i) for i in range(3))
    assert {c.action for c in statuses} == {"status"}

    # Refused while locked: a score, an override, a second decision; none writes history.
    mark = _mark()
    with pytest.raises(AppError, match="đã được chốt"):
        scoring.save_sheet(YEAR, year.members[0], year.models[2], _full(year.criteria, 1.0))
    with pytest.raises(AppError, match="đã được chốt"):
        results.set_override(year.models[2], recognised=True, reason="Đặc biệt")
    with pytest.raises(AppError, match="đang khóa"):
        decision.issue_decision(YEAR, "126", "16/10/2024")
    with pytest.raises(ValidationError):
        decision.unlock_decision(YEAR, "")
    assert _since(mark) == []

    mark = _mark()
    decision.unlock_decision(YEAR, "Sửa điểm nhập nhầm")
    change, before, after = _one(mark)
    assert (change.kind, change.action, before, after) == ("decision", "update", {"locked": True}, {"locked": False})
    assert "Sửa điểm nhập nhầm" in ChangeBatch.get_by_id(change.batch_id).label

    mark = _mark()
    decision.issue_decision(YEAR, "127", "20/10/2024")
    found = _since(mark)
    [reissued] = [c for c in found if c.kind == "decision"]
    before, after = _load(reissued.before), _load(reissued.after)
    assert reissued.action == "update" and before is not None and after is not None
    assert (before["locked"], after["locked"]) == (False, True) and after["number"].startswith("127")
    assert len({c.batch_id for c in found}) == 1
