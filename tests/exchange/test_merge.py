"""Merging a package at the upper office: every record arrives attributed, a second merge of the same file changes
nothing, a newer package updates and removes, edits on both sides are conflicts, and a failure leaves nothing."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from desktop_app import registration
from desktop_app.appraisal.decision import issue_decision
from desktop_app.errors import AppError
from desktop_app.exchange import merge
from desktop_app.exchange.export import export_package
from desktop_app.exchange.merge import apply_merge, plan_merge
from desktop_app.exchange.reader import read_package
from desktop_app.exchange.tables import ReceivedAppraisal, ReceivedPackage
from desktop_app.history import kinds, trash, undo
from desktop_app.history.tables import Change, ChangeBatch
from desktop_app.services import autobackup, units
from desktop_app.services.backup import check_backup
from desktop_app.services.models import ModelInput, create_model, delete_models, update_model
from desktop_app.storage import database as storage
from desktop_app.storage.models import (
    Field,
    IndicatorCategory,
    Level,
    MoHinh,
    SourceOffice,
    Unit,
)

YEAR = 2023
MOVED = {"source_office", "source_hash", "continues", "replicates"}


def _names(refs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, str]]:
    return {code: {r["uuid"]: r["name"] for r in rows} for code, rows in refs.items()}


def _ref_name(table: Any, uuid: str | None) -> str | None:
    return None if uuid is None else table.get(table.uuid == uuid).name


def _assert_same_model(local: dict[str, Any], incoming: dict[str, Any], names: dict[str, dict[str, str]]) -> None:
    for key, value in incoming.items():
        if key in MOVED:
            continue
        if key in ("field", "level", "unit"):
            table = {"field": Field, "level": Level, "unit": Unit}[key]
            assert _ref_name(table, local[key]) == (names[key].get(value) if value else None), key
        elif key == "indicators":
            assert len(local[key]) == len(value)
            for ours, theirs in zip(local[key], value, strict=True):
                assert {k: v for k, v in ours.items() if k != "category"} == {
                    k: v for k, v in theirs.items() if k != "category"
                }
                assert _ref_name(IndicatorCategory, ours["category"]) == (
                    names["indicator_category"].get(theirs["category"]) if theirs["category"] else None
                )
        else:
            assert local[key] == value, key


def _dump() -> list[str]:
    return list(storage.current().db.connection().iterdump())


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.is_dir() else {}


def _rename(uuid: str, name: str) -> None:
    """Rename a model through the editor's service, as a user would."""
    row = MoHinh.get(MoHinh.uuid == uuid)
    data = ModelInput(
        name=name,
        year=row.year,
        field_id=row.field_id,
        kind=row.kind,
        level_id=row.level_id,
        unit_id=row.unit_id,
        continues_id=row.continues_id,
        replicates_id=row.replicates_id,
    )
    for spec in registration.FIELDS:
        setattr(data, spec.name, getattr(row, spec.name))
    update_model(row.id, data)


def _rename_at_sender(two_offices, uuid: str, name: str) -> None:
    two_offices.open_sender()
    _rename(uuid, name)


def _export_again(two_offices, tmp_path: Path, name: str) -> Path:
    path = export_package(tmp_path / "gửi lần sau" / name, year=YEAR).path
    two_offices.open_upper()
    return path


# ----------------------------------------------------------------- a first merge


def test_first_merge_brings_every_record_attributed_to_the_office(two_offices, sent):
    package = read_package(sent.path)
    plan = plan_merge(sent.path)
    assert plan.office is None  # a new office
    assert plan.counts() == {
        "added": len(package.data.models),
        "updated": 0,
        "unchanged": 0,
        "conflicts": 0,
        "rejected": 0,
        "removed": 0,
    }
    result = apply_merge(plan)
    assert result.counts == plan.counts()

    office = SourceOffice.get(SourceOffice.uuid == package.manifest.office.uuid)
    assert office.name == package.manifest.office.name
    names = _names(package.data.refs)
    files_dir = storage.current().files_dir
    for incoming in package.data.models:
        row = MoHinh.get(MoHinh.uuid == incoming["uuid"])
        assert row.source_office_id == office.id
        assert row.source_hash == merge.content_hash(kinds.snapshot(row), merge.local_key)  # untouched since
        local = kinds.snapshot(row)
        _assert_same_model(local, incoming, names)
        for attachment in local["attachments"]:
            assert (files_dir / attachment["stored_name"]).read_bytes() == sent.files[attachment["stored_name"]]
    assert sum(len(m["attachments"]) for m in package.data.models) == 2
    # Units came in attributed to the office; the receipt and the sender's appraisals are kept.
    units = {m["unit"] for m in package.data.models if m["unit"]}
    assert units and all(Unit.get(Unit.uuid == u).source_office_id == office.id for u in units)
    receipt = ReceivedPackage.get(ReceivedPackage.office == office.id)
    assert receipt.sha256 == package.sha256 and receipt.year == YEAR and receipt.batch == result.batch
    assert json.loads(receipt.counts)["added"] == len(package.data.models)
    assert ReceivedAppraisal.select().count() == len(package.data.appraisals)
    # One undoable history batch holds it all.
    batch = ChangeBatch.get_by_id(result.batch)
    assert batch.action == "package_import" and batch.undoable
    assert office.name in batch.label
    created = Change.select().where((Change.batch == batch.id) & (Change.kind == "model"))
    assert created.count() == len(package.data.models)


def test_a_verified_backup_is_taken_before_the_merge(two_offices, sent):
    result = apply_merge(plan_merge(sent.path))
    assert result.backup is not None and result.backup.is_file()
    assert result.backup.parent == autobackup.backup_folder().path
    check_backup(result.backup)
    entry = next(e for e in autobackup.list_backups() if e.path == result.backup)
    assert entry.reason == merge.BACKUP_REASON
    assert entry.reason_label == "Trước khi nhận gói báo cáo"
    assert entry.models == 0  # taken before: the upper office had nothing yet


def test_merging_the_same_file_again_changes_nothing(two_offices, sent):
    apply_merge(plan_merge(sent.path))
    before, batches, files = _dump(), ChangeBatch.select().count(), _files(storage.current().files_dir)
    backups = list(autobackup.backup_folder().path.iterdir())

    plan = plan_merge(sent.path)
    assert plan.already_received and plan.office is not None
    counts = plan.counts()
    assert counts["unchanged"] == len(read_package(sent.path).data.models)
    assert sum(counts.values()) == counts["unchanged"]
    result = apply_merge(plan)
    assert result.counts == counts and result.batch is None and result.backup is None
    assert _dump() == before
    assert ChangeBatch.select().count() == batches
    assert _files(storage.current().files_dir) == files
    assert list(autobackup.backup_folder().path.iterdir()) == backups


def test_a_newer_package_updates_removes_and_keeps_the_older_version_in_history(two_offices, sent, tmp_path):
    apply_merge(plan_merge(sent.path))
    models = read_package(sent.path).data.models
    changed, dropped = models[0]["uuid"], models[1]["uuid"]
    old_name = models[0]["name"]

    _rename_at_sender(two_offices, changed, "Mô hình đã sửa ở xã")
    delete_models([MoHinh.get(MoHinh.uuid == dropped).id])
    newer = _export_again(two_offices, tmp_path, "lần 2.dvk")

    plan = plan_merge(newer)
    assert not plan.already_received and not plan.older
    assert plan.counts() == {
        "added": 0,
        "updated": 1,
        "unchanged": len(models) - 2,
        "conflicts": 0,
        "rejected": 0,
        "removed": 1,
    }
    item = next(i for i in plan.items if i.status == "updated")
    assert item.uuid == changed
    assert [(d.field, d.local, d.incoming) for d in item.differences if d.field == "name"] == [
        ("name", old_name, "Mô hình đã sửa ở xã")
    ]
    result = apply_merge(plan)
    assert result.counts == plan.counts()
    assert MoHinh.get(MoHinh.uuid == changed).name == "Mô hình đã sửa ở xã"
    assert MoHinh.get_or_none(MoHinh.uuid == dropped) is None
    assert dropped in {e.record_uuid for e in trash.list_trash()}
    update = Change.get((Change.batch == result.batch) & (Change.record_uuid == changed))
    assert update.action == "update" and json.loads(update.before)["name"] == old_name
    # Both receipts stand; the office's last package is the newer one.
    assert ReceivedPackage.select().count() == 2


def test_a_model_deleted_here_is_not_brought_back_by_the_next_package(two_offices, sent, tmp_path):
    apply_merge(plan_merge(sent.path))
    models = read_package(sent.path).data.models
    deleted, changed = models[0]["uuid"], models[1]["uuid"]
    delete_models([MoHinh.get(MoHinh.uuid == deleted).id])  # the upper office does not want it
    _rename_at_sender(two_offices, changed, "Mô hình đã sửa ở xã")
    newer = _export_again(two_offices, tmp_path, "lần 2.dvk")

    plan = plan_merge(newer)
    (refused,) = [i for i in plan.items if i.status == "rejected"]
    assert refused.uuid == deleted and "đã bị xóa ở đây" in refused.reason and "Thùng rác" in refused.reason
    apply_merge(plan)
    assert MoHinh.get_or_none(MoHinh.uuid == deleted) is None
    assert MoHinh.get(MoHinh.uuid == changed).name == "Mô hình đã sửa ở xã"


def test_a_model_an_earlier_package_dropped_comes_back_when_the_office_sends_it_again(two_offices, sent, tmp_path):
    apply_merge(plan_merge(sent.path))
    dropped = read_package(sent.path).data.models[0]["uuid"]
    two_offices.open_sender()
    delete_models([MoHinh.get(MoHinh.uuid == dropped).id])
    second = _export_again(two_offices, tmp_path, "lần 2.dvk")
    apply_merge(plan_merge(second))  # the merge moves it to the trash here
    assert dropped in {e.record_uuid for e in trash.list_trash()}

    two_offices.open_sender()
    trash.restore_uuid(dropped)
    third = _export_again(two_offices, tmp_path, "lần 3.dvk")
    plan = plan_merge(third)
    assert [i.status for i in plan.items if i.uuid == dropped] == ["added"]


@pytest.mark.parametrize("take_incoming", [False, True])
def test_an_edit_on_both_sides_is_a_conflict(two_offices, sent, tmp_path, take_incoming):
    apply_merge(plan_merge(sent.path))
    uuid = read_package(sent.path).data.models[0]["uuid"]
    _rename(uuid, "Tên sửa ở huyện")

    _rename_at_sender(two_offices, uuid, "Tên sửa ở xã")
    newer = _export_again(two_offices, tmp_path, "lần 2.dvk")
    plan = plan_merge(newer)
    assert plan.counts()["conflicts"] == 1
    conflict = plan.conflicts()[0]
    assert conflict.uuid == uuid
    name = next(d for d in conflict.differences if d.field == "name")
    assert (name.label, name.local, name.incoming) == ("Tên mô hình, điển hình", "Tên sửa ở huyện", "Tên sửa ở xã")
    assert plan.to_json()["conflicts"][0]["differences"][0]["local"] == conflict.differences[0].local

    result = apply_merge(plan, accept=[uuid] if take_incoming else [])
    assert MoHinh.get(MoHinh.uuid == uuid).name == ("Tên sửa ở xã" if take_incoming else "Tên sửa ở huyện")
    assert result.counts["conflicts"] == (0 if take_incoming else 1)
    assert result.counts["updated"] == (1 if take_incoming else 0)
    # The same version sent again is not asked about twice; a further change there is a conflict again.
    other = read_package(sent.path).data.models[1]["uuid"]
    _rename_at_sender(two_offices, other, "Một mô hình khác được sửa")  # a new file, not the one received
    again = plan_merge(_export_again(two_offices, tmp_path, "lần 3.dvk"))
    assert not again.already_received
    assert {i.uuid: i.status for i in again.items}[uuid] == "unchanged"
    if not take_incoming:
        _rename_at_sender(two_offices, uuid, "Tên sửa ở xã lần hai")
        third = _export_again(two_offices, tmp_path, "lần 4.dvk")
        assert next(i for i in plan_merge(third).items if i.uuid == uuid).status == "conflict"


def test_accepting_a_model_that_is_not_a_conflict_is_refused(two_offices, sent):
    plan = plan_merge(sent.path)
    with pytest.raises(AppError, match="không phải một mô hình xung đột"):
        apply_merge(plan, accept=["00000000-0000-0000-0000-000000000000"])
    assert MoHinh.select().count() == 0


def test_an_older_package_than_the_last_merged_is_refused(two_offices, sent, tmp_path):
    models = read_package(sent.path).data.models
    _rename_at_sender(two_offices, models[0]["uuid"], "Bản khác")
    other = _export_again(two_offices, tmp_path, "khác.dvk")
    apply_merge(plan_merge(sent.path))
    # The package merged was made later than the other one.
    ReceivedPackage.update(created_at=ReceivedPackage.get().created_at + timedelta(days=1)).execute()
    before = _dump()
    plan = plan_merge(other)
    assert plan.older
    assert any("mới hơn" in w for w in plan.warnings)
    with pytest.raises(AppError, match="gói mới hơn"):
        apply_merge(plan)
    assert _dump() == before


def test_a_model_that_is_this_offices_own_is_rejected(two_offices, sent):
    incoming = read_package(sent.path).data.models[0]
    field = Field.select().first()
    create_model(ModelInput(name="Mô hình của tỉnh", year=YEAR, field_id=field.id), uuid=incoming["uuid"])
    plan = plan_merge(sent.path)
    item = next(i for i in plan.items if i.uuid == incoming["uuid"])
    assert item.status == "rejected" and "Mô hình của tỉnh" in item.reason
    assert plan.to_json()["rejected"][0]["reason"] == item.reason
    apply_merge(plan)
    row = MoHinh.get(MoHinh.uuid == incoming["uuid"])
    assert row.name == "Mô hình của tỉnh" and row.source_office_id is None


def test_a_failure_mid_merge_leaves_the_database_and_the_files_as_before(two_offices, sent, monkeypatch):
    plan = plan_merge(sent.path)
    before, files = _dump(), _files(storage.current().files_dir)
    written: list[str] = []

    def fail(*args: Any, **kwargs: Any) -> None:
        written.extend(_files(storage.current().files_dir))  # the evidence was copied in before the failure
        raise RuntimeError("ổ đĩa hỏng giữa chừng")

    monkeypatch.setattr(merge, "_receipt", fail)
    with pytest.raises(RuntimeError):
        apply_merge(plan)
    assert len(written) == 2
    assert _dump() == before
    assert _files(storage.current().files_dir) == files
    monkeypatch.undo()
    # Nothing was applied: the same preview still goes in.
    result = apply_merge(plan)
    assert result.counts["added"] == len(read_package(sent.path).data.models)


def test_a_plan_the_data_moved_on_from_is_refused(two_offices, sent):
    plan = plan_merge(sent.path)
    field = Field.select().first()
    create_model(ModelInput(name="Thêm sau khi xem trước", year=YEAR, field_id=field.id))
    with pytest.raises(merge.StalePlan):
        apply_merge(plan)
    applied = plan_merge(sent.path)
    apply_merge(applied)
    with pytest.raises(merge.StalePlan):
        apply_merge(applied)


def test_undoing_the_merge_takes_it_back_and_the_file_can_be_merged_again(two_offices, sent):
    apply_merge(plan_merge(sent.path))
    undo.undo()
    assert MoHinh.select().count() == 0
    plan = plan_merge(sent.path)
    assert not plan.already_received
    assert plan.counts()["added"] == len(read_package(sent.path).data.models)


def test_the_senders_appraisals_are_kept_beside_its_models(two_offices, tmp_path):
    two_offices.open_sender()
    issue_decision(YEAR, "125", date(2023, 12, 15))
    path = _export_again(two_offices, tmp_path, "có quyết định.dvk")
    appraisals = read_package(path).data.appraisals
    assert appraisals
    apply_merge(plan_merge(path))
    kept = {r.model.uuid: json.loads(r.data) for r in ReceivedAppraisal.select()}
    assert kept == {a["model"]: a for a in appraisals}
    office = SourceOffice.get()
    assert all(r.office_id == office.id for r in ReceivedAppraisal.select())


def test_an_evidence_file_the_sender_lacked_is_named_and_its_row_still_arrives(two_offices, sent, tmp_path):
    two_offices.open_sender()
    stored = next(iter(sent.files))
    (storage.current().files_dir / stored).unlink()
    path = _export_again(two_offices, tmp_path, "thiếu tệp.dvk")
    plan = plan_merge(path)
    assert any("thiếu 1 tệp minh chứng" in w for w in plan.warnings)
    apply_merge(plan)
    from desktop_app.storage.models import Attachment

    row = Attachment.get(Attachment.stored_name == stored)
    assert not (storage.current().files_dir / stored).exists()
    assert row.sha256  # the row says what is missing, to be asked for again


def test_a_stored_name_that_would_escape_the_folder_is_refused_before_anything_is_written(
    two_offices, package_parts, make_package, tmp_path
):
    data = json.loads(package_parts.members["data.json"])
    data["models"][0]["attachments"] = [
        {**data["models"][0]["attachments"][0], "stored_name": "../../ngoài thư mục.jpg"}
        if data["models"][0]["attachments"]
        else {
            "uuid": "a0000000-0000-0000-0000-000000000001",
            "original_name": "x.jpg",
            "stored_name": "../../ngoài thư mục.jpg",
            "sha256": "0" * 64,
            "size": 1,
            "caption": "",
            "added_at": "2023-01-01 00:00:00",
        }
    ]
    members = {**package_parts.members, "data.json": json.dumps(data, ensure_ascii=False).encode("utf-8")}
    path = make_package("lạ.dvk", members, package_parts.manifest)
    before = _dump()
    with pytest.raises(AppError, match="thoát ra ngoài thư mục"):
        plan_merge(path)
    assert _dump() == before


def test_a_unit_renamed_here_does_not_make_its_models_look_edited(two_offices, sent, tmp_path):
    apply_merge(plan_merge(sent.path))
    incoming = next(m for m in read_package(sent.path).data.models if m["unit"])
    unit = Unit.get(Unit.uuid == incoming["unit"])
    units.rename_unit(unit.id, f"{unit.name} (tên ở huyện)")
    _rename_at_sender(two_offices, incoming["uuid"], "Tên mới ở xã")
    plan = plan_merge(_export_again(two_offices, tmp_path, "lần 2.dvk"))
    assert {i.uuid: i.status for i in plan.items}[incoming["uuid"]] == "updated"
    apply_merge(plan)
    row = MoHinh.get(MoHinh.uuid == incoming["uuid"])
    assert row.name == "Tên mới ở xã" and row.unit_id == unit.id
