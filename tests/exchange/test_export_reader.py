"""Exporting a year as a package and reading it back: every record, indicator and evidence file arrives as sent."""

from __future__ import annotations

import hashlib
import os
import zipfile
from datetime import date

import pytest

from desktop_app.appraisal.decision import issue_decision
from desktop_app.errors import AppError, Cancelled
from desktop_app.exchange import identity
from desktop_app.exchange.export import export_package
from desktop_app.exchange.format import (
    DATA_ENTRY,
    FILES_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_ENTRY,
    OFFICE_UUID_SETTING,
)
from desktop_app.exchange.reader import read_package
from desktop_app.history import kinds
from desktop_app.services import settings
from desktop_app.storage.migrations import latest_version
from desktop_app.storage.models import (
    Field,
    IndicatorCategory,
    Level,
    MoHinh,
    SourceOffice,
    Unit,
    UnitKind,
)
from desktop_app.tasks import TaskState

YEAR = 2023


def test_read_back_holds_every_model_field_indicator_and_file(sent, tmp_path):
    package = read_package(sent.path)
    models = list(MoHinh.select().where(MoHinh.year == YEAR))
    assert len(models) > 10
    by_uuid = {m["uuid"]: m for m in package.data.models}
    assert set(by_uuid) == {m.uuid for m in models}
    for model in models:
        # The package carries the history snapshot itself: every column, indicators, attachments, status history.
        assert by_uuid[model.uuid] == kinds.snapshot(model)
    carried = [m for m in package.data.models if m["indicators"]]
    assert carried and all(i["name"] and i["uuid"] for m in carried for i in m["indicators"])
    assert package.manifest.counts["indicators"] == sum(len(m["indicators"]) for m in package.data.models)

    # Evidence: every attachment's file is in the package, and comes out byte for byte.
    attachments = [a for m in package.data.models for a in m["attachments"]]
    assert len(attachments) == 2 == sent.result.attachments == sent.result.files
    assert sorted(package.files) == sorted(sent.files) == sorted(a["stored_name"] for a in attachments)
    for stored, raw in sent.files.items():
        out = tmp_path / "nhận" / stored
        package.extract(stored, out)
        assert out.read_bytes() == raw
        assert hashlib.sha256(raw).hexdigest() == next(a["sha256"] for a in attachments if a["stored_name"] == stored)
    assert not list((tmp_path / "nhận").glob("*.tmp"))


def test_manifest_names_the_office_year_versions_and_hashes(sent):
    package = read_package(sent.path)
    manifest = package.manifest
    assert (manifest.format, manifest.format_version, manifest.schema_version) == (
        FORMAT,
        FORMAT_VERSION,
        latest_version(),
    )
    assert manifest.year == YEAR
    assert manifest.office.uuid == settings.get_value(OFFICE_UUID_SETTING)
    assert manifest.office.name == settings.get_office().name and manifest.office.name
    assert manifest.office.area_name == settings.get_office().area_name
    assert package.sha256 == hashlib.sha256(sent.path.read_bytes()).hexdigest()
    with zipfile.ZipFile(sent.path) as archive:
        names = {i.filename for i in archive.infolist()}
        assert names == {MANIFEST_ENTRY, DATA_ENTRY} | {FILES_PREFIX + n for n in sent.files}
        for name, member in manifest.members.items():
            raw = archive.read(name)
            assert (len(raw), hashlib.sha256(raw).hexdigest()) == (member["size"], member["sha256"])
    assert sent.result.size == sent.path.stat().st_size
    assert not list(sent.path.parent.glob("*.tmp"))


def test_refs_name_every_catalogue_item_and_unit_a_model_points_at(sent):
    data = read_package(sent.path).data
    refs = {code: {item["uuid"]: item for item in items} for code, items in data.refs.items()}
    for model in data.models:
        for code in ("field", "level", "unit"):
            if model[code]:
                assert model[code] in refs[code]
        for indicator in model["indicators"]:
            if indicator["category"]:
                assert indicator["category"] in refs["indicator_category"]
    tables = {"field": Field, "level": Level, "unit_kind": UnitKind, "indicator_category": IndicatorCategory}
    for code, table in tables.items():
        for uuid, item in refs[code].items():
            assert item["name"] == table.get(table.uuid == uuid).name
    # Units with their kind, level and parent as uuids, and the parents themselves up the tree.
    for uuid, unit in refs["unit"].items():
        row = Unit.get(Unit.uuid == uuid)
        assert unit["name"] == row.name
        assert unit["kind"] == (row.kind.uuid if row.kind else None)
        assert unit["level"] == (row.level.uuid if row.level else None)
        if unit["parent"]:
            assert unit["parent"] in refs["unit"]
        if unit["kind"]:
            assert unit["kind"] in refs["unit_kind"]
    assert any(u["parent"] for u in refs["unit"].values())


def test_appraisals_carry_the_senders_results_sheets_and_decision(demo_db, tmp_path):
    issue_decision(YEAR, "125", date(2023, 12, 15))
    package = read_package(export_package(tmp_path / "a.dvk", year=YEAR).path)
    scored = [a for a in package.data.appraisals if a["sheets"]]
    assert scored
    first = scored[0]
    assert first["mean"] is not None and first["grade"] and first["rank"] is not None
    assert first["decision_number"] == "125-QĐ/HU" and first["decision_date"] == "2023-12-15"
    assert all(sheet["member"] and sheet["points"] for sheet in first["sheets"])
    assert all(isinstance(p, float) for sheet in first["sheets"] for p in sheet["points"].values())
    model = MoHinh.get(MoHinh.uuid == first["model"])
    assert first["passed"] == (model.status == "cong_nhan")
    assert package.manifest.counts["score_sheets"] == sum(len(a["sheets"]) for a in package.data.appraisals)
    assert package.manifest.counts["decisions"] == 1


def test_a_selection_sends_only_the_chosen_models(demo_db, tmp_path):
    chosen = [m.uuid for m in MoHinh.select().where(MoHinh.year == YEAR).order_by(MoHinh.id).limit(3)]
    result = export_package(tmp_path / "ba.dvk", year=YEAR, model_uuids=chosen)
    package = read_package(result.path)
    assert result.models == 3
    assert sorted(m["uuid"] for m in package.data.models) == sorted(chosen)
    assert {a["model"] for a in package.data.appraisals} <= set(chosen)


def test_a_model_that_came_from_below_travels_with_its_own_uuid(demo_db, tmp_path):
    below = SourceOffice.create(uuid="0f6c3c57-1d0e-4b69-9a0e-5e0a6f0c2a11", name="ỦY BAN NHÂN DÂN XÃ PHI TÔ")
    model = MoHinh.select().where(MoHinh.year == YEAR).first()
    MoHinh.update(source_office=below.id, source_hash="ab" * 32).where(MoHinh.id == model.id).execute()
    package = read_package(export_package(tmp_path / "a.dvk", year=YEAR).path)
    carried = next(m for m in package.data.models if m["uuid"] == model.uuid)
    assert carried["source_office"] == below.uuid


def test_refused_before_any_file_is_written(demo_db, tmp_path):
    target = tmp_path / "gói.dvk"
    with pytest.raises(AppError, match="Năm 1999 chưa có mô hình"):
        export_package(target, year=1999)
    with pytest.raises(AppError, match="Không tìm thấy 1 mô hình"):
        export_package(target, year=YEAR, model_uuids=["không-có"])
    other = MoHinh.select().where(MoHinh.year == YEAR).first()
    MoHinh.update(year=2024).where(MoHinh.id == other.id).execute()
    with pytest.raises(AppError, match="không thuộc năm 2023"):
        export_package(target, year=YEAR, model_uuids=[other.uuid])
    assert not target.exists()
    assert not list(tmp_path.glob("*.tmp"))


def test_a_cancelled_export_leaves_no_file_and_keeps_the_previous_one(sent):
    before = sent.path.read_bytes()

    def cancel_on_files(done: int, total: int, text: str) -> None:
        if done >= 2:  # past data.json, while the evidence files are written
            task.cancel()

    task = TaskState(cancel_on_files)
    with pytest.raises(Cancelled):
        export_package(sent.path, year=YEAR, task=task)
    assert sent.path.read_bytes() == before
    assert sorted(p.name for p in sent.path.parent.iterdir()) == [sent.path.name]


def test_a_missing_evidence_file_is_reported_and_the_rest_travels(sent, demo_db, tmp_path):
    gone = sorted(sent.files)[0]
    (demo_db.files_dir / gone).unlink()
    result = export_package(tmp_path / "thiếu.dvk", year=YEAR)
    assert result.missing == (gone,)
    package = read_package(result.path)
    assert gone not in package.files and len(package.files) == 1
    assert gone in {a["stored_name"] for m in package.data.models for a in m["attachments"]}


def test_the_office_uuid_is_made_once_and_kept(db):
    assert settings.get_value(OFFICE_UUID_SETTING) is None
    first = identity.office_uuid()
    assert identity.office_uuid() == first == settings.get_value(OFFICE_UUID_SETTING)
    assert identity.sender().uuid == first


def test_the_sender_is_named_by_its_place_without_an_issuing_body(db):
    settings.set_value(settings.OFFICE_KEY, {"place_name": "Đạ Đờn", "area_name": "xã Đạ Đờn", "own_level": "Xã"})
    office = identity.sender()
    assert (office.name, office.area_name, office.level) == ("Đạ Đờn", "xã Đạ Đờn", "Xã")


def test_an_office_without_a_name_is_asked_to_fill_it_in(demo_db, tmp_path):
    settings.set_value(settings.OFFICE_KEY, {"area_name": "huyện Lâm Hà"})
    with pytest.raises(AppError, match="Thông tin cơ quan"):
        export_package(tmp_path / "gửi" / "gói.dvk", year=YEAR)
    assert not (tmp_path / "gửi").exists()


def test_a_photo_dated_before_1980_travels(sent, demo_db, tmp_path):
    # A camera with its clock never set stamps 1970; a zip cannot say so, and must not refuse the photo for it.
    stored = sorted(sent.files)[0]
    os.utime(demo_db.files_dir / stored, (0, 0))
    package = read_package(export_package(tmp_path / "cũ.dvk", year=YEAR).path)
    package.extract(stored, tmp_path / "ra" / stored)
    assert (tmp_path / "ra" / stored).read_bytes() == sent.files[stored]
