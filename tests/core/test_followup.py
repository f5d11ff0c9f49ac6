"""Follow-up reports: create, edit, delete, validation, history (trash and undo carry them), the follow-up list,
and the import of the units' follow-up workbook."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from desktop_app import domain
from desktop_app.errors import AppError, NotFoundError, ValidationError
from desktop_app.followup import progress, workbook
from desktop_app.followup.progress import ProgressInput, delete_progress, list_progress, save_progress
from desktop_app.history import trash, undo
from desktop_app.history.tables import Change, ChangeBatch
from desktop_app.services import catalogues, units
from desktop_app.services.models import (
    IndicatorData,
    ModelInput,
    create_model,
    delete_models,
    get_model,
    update_model,
)
from desktop_app.storage.models import Indicator, MoHinh, ProgressEntry


def _model(name: str, *, unit: str = "Hội Nông dân xã Mê Linh", field: str = "Kinh tế", year: int = 2025, **kw) -> int:
    unit_row = units.find_unit(unit) or units.create_unit(unit)
    return create_model(
        ModelInput(name=name, year=year, field_id=catalogues.find("field", field).id, unit_id=unit_row.id, **kw)
    )


def _indicators(model_id: int) -> dict[str, str]:
    """Indicator name → uuid."""
    return {i.name: i.uuid for i in Indicator.select().where(Indicator.model == model_id)}


@pytest.fixture
def model_id(db) -> int:
    return _model(
        "Dân vận khéo trong xây dựng đường giao thông",
        indicators=[IndicatorData("Hộ hiến đất", "hộ", 40, None), IndicatorData("Tỷ lệ hộ đồng thuận", "%", 100, None)],
    )


# ----------------------------------------------------------------- entries


def test_saving_the_model_in_the_editor_keeps_the_figures_of_its_reports(model_id):
    """The editor's save rewrites the indicator rows; the reports' figures, kept by indicator uuid, must stay named."""
    uuids = _indicators(model_id)
    save_progress(ProgressInput(model_id, "30/06/2025", "Họp dân", {uuids["Hộ hiến đất"]: 12}))
    data = get_model(model_id).data
    data.indicators = [data.indicators[1], data.indicators[0], IndicatorData("Số buổi họp", "buổi", 6, None)]
    update_model(model_id, data)
    after = _indicators(model_id)
    assert after["Hộ hiến đất"] == uuids["Hộ hiến đất"] and after["Tỷ lệ hộ đồng thuận"] == uuids["Tỷ lệ hộ đồng thuận"]
    assert after["Số buổi họp"] not in uuids.values()
    (report,) = list_progress(model_id)
    assert [(a.name, a.amount) for a in report.amounts] == [("Hộ hiến đất", 12.0)]


def test_reports_are_saved_listed_newest_first_edited_and_deleted(model_id):
    uuids = _indicators(model_id)
    first = save_progress(
        ProgressInput(model_id, "30/06/2025", "Họp dân 3 thôn", {uuids["Hộ hiến đất"]: "12"}, domain.PROGRESS_BEHIND)
    )
    second = save_progress(
        ProgressInput(model_id, date(2025, 9, 30), "Làm xong 1 km", {uuids["Tỷ lệ hộ đồng thuận"]: "87,5"})
    )
    assert [i.report_date for i in list_progress(model_id)] == [date(2025, 9, 30), date(2025, 6, 30)]
    assert first.values == {uuids["Hộ hiến đất"]: 12.0} and first.status_label == "Chậm tiến độ"
    assert [(a.name, a.amount, a.target) for a in first.amounts] == [("Hộ hiến đất", 12.0, 40.0)]
    assert second.status == domain.PROGRESS_ON_TRACK and second.values == {uuids["Tỷ lệ hộ đồng thuận"]: 87.5}

    edited = save_progress(
        ProgressInput(model_id, "01/07/2025", "Họp dân 4 thôn", {uuids["Hộ hiến đất"]: 15}, domain.PROGRESS_STALLED),
        first.id,
    )
    assert (edited.id, edited.report_date, edited.done, edited.status_label) == (
        first.id,
        date(2025, 7, 1),
        "Họp dân 4 thôn",
        "Ngưng trệ",
    )
    assert json.loads(ProgressEntry.get_by_id(first.id).values) == {uuids["Hộ hiến đất"]: 15.0}
    delete_progress(second.id)
    assert [i.id for i in list_progress(model_id)] == [first.id]
    with pytest.raises(NotFoundError):
        delete_progress(second.id)


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        (dict(report_date=""), "report_date", "không được để trống"),
        (dict(report_date="31/02/2025"), "report_date", ""),
        (dict(report_date="hôm qua"), "report_date", "dd/mm/yyyy"),
        (dict(report_date="31/12/2024"), "report_date", "ngoài năm 2025"),
        (dict(report_date="01/02/2026"), "report_date", "ngoài năm 2025"),
        (dict(status="xanh"), "status", "Đúng tiến độ"),
        (dict(done="", values={}), "done", "chưa ghi"),
        (dict(values={"Hộ hiến đất": "-3"}), "values", "âm"),
        (dict(values={"Tỷ lệ hộ đồng thuận": "120"}), "values", "100%"),
        (dict(values={"Hộ hiến đất": "mười"}), "values", "không phải là số"),
        (dict(values={"không có": "3"}), "values", "không còn trong mô hình"),
        (dict(done="x" * 4001), "done", "quá dài"),
    ],
)
def test_bad_reports_are_refused_with_a_vietnamese_message_keyed_by_field(model_id, data, key, words):
    uuids = _indicators(model_id)
    values = {uuids.get(name, name): amount for name, amount in data.pop("values", {}).items()}
    fields = {"report_date": "15/06/2025", "done": "Đã làm", "status": domain.PROGRESS_ON_TRACK, **data}
    with pytest.raises(ValidationError) as caught:
        save_progress(ProgressInput(model_id, values=values, **fields))
    assert caught.value.key == key and words in caught.value.message
    assert ProgressEntry.select().count() == 0


def test_the_next_january_is_accepted_and_a_second_report_of_a_day_is_refused(model_id):
    save_progress(ProgressInput(model_id, "15/01/2026", "Tổng kết năm"))
    with pytest.raises(ValidationError) as caught:
        save_progress(ProgressInput(model_id, date(2026, 1, 15), "Lần nữa"))
    assert caught.value.key == "report_date" and "15/01/2026" in caught.value.message
    with pytest.raises(NotFoundError):
        save_progress(ProgressInput(999_999, "15/06/2025", "x"))


def test_each_write_is_one_model_change_in_its_history(model_id):
    uuid = MoHinh.get_by_id(model_id).uuid
    mark = Change.select().count()
    item = save_progress(ProgressInput(model_id, "30/06/2025", "Họp dân"))
    save_progress(ProgressInput(model_id, "30/06/2025", "Họp dân, làm đường"), item.id)
    delete_progress(item.id)
    changes = list(Change.select().order_by(Change.id))[mark:]
    assert [(c.kind, c.action, c.model_uuid) for c in changes] == [("model", "update", uuid)] * 3
    added, edited, removed = ((json.loads(c.before)["progress"], json.loads(c.after)["progress"]) for c in changes)
    assert added[0] == [] and [p["done"] for p in added[1]] == ["Họp dân"]
    assert edited[1][0]["done"] == "Họp dân, làm đường" and edited[1][0]["uuid"] == item.uuid
    assert removed == (edited[1], [])
    assert "báo cáo tiến độ" in changes[0].batch.label


def test_trash_and_undo_bring_the_reports_back(model_id, tmp_path):
    uuids = _indicators(model_id)
    item = save_progress(ProgressInput(model_id, "30/06/2025", "Họp dân", {uuids["Hộ hiến đất"]: 9}))
    uuid = MoHinh.get_by_id(model_id).uuid
    delete_models([model_id])
    assert ProgressEntry.select().count() == 0
    trash.restore_uuid(uuid)
    restored = MoHinh.get(MoHinh.uuid == uuid)
    [back] = list_progress(restored.id)
    assert (back.uuid, back.done, back.values) == (item.uuid, "Họp dân", {uuids["Hộ hiến đất"]: 9.0})

    path = _write_book(
        tmp_path, 2025, [["Dân vận khéo trong xây dựng đường giao thông", "", "30/09/2025", "x", "Chậm"]]
    )
    workbook.apply_followup(workbook.plan_followup(path, 2025))
    assert len(list_progress(restored.id)) == 2
    undo.undo()  # the import is one undoable action
    assert [i.uuid for i in list_progress(restored.id)] == [item.uuid]


# ----------------------------------------------------------------- the follow-up list


def test_followup_rows_give_each_model_its_latest_report_grouped_and_filtered(db):
    a = _model("Mô hình An", unit="Xã Bình", field="Văn hóa - xã hội")
    b = _model("Mô hình Bình", unit="Xã An", field="Kinh tế")
    c = _model("Mô hình Cường", unit="Xã An", field="Văn hóa - xã hội")
    withdrawn = _model("Mô hình đã hủy", unit="Xã An")
    MoHinh.update(status=domain.WITHDRAWN).where(MoHinh.id == withdrawn).execute()
    _model("Mô hình năm khác", year=2024)
    save_progress(ProgressInput(a, "30/06/2025", "đợt 1", status=domain.PROGRESS_BEHIND))
    latest_a = save_progress(ProgressInput(a, "30/09/2025", "đợt 2"))
    latest_b = save_progress(ProgressInput(b, "15/05/2025", "đợt 1", status=domain.PROGRESS_STALLED))

    by_field = progress.followup_rows(2025)
    assert [(r.group, r.name) for r in by_field] == [
        ("Kinh tế", "Mô hình Bình"),
        ("Văn hóa - xã hội", "Mô hình Cường"),  # Xã An before Xã Bình within the field
        ("Văn hóa - xã hội", "Mô hình An"),
    ]
    latest = {r.id: r.latest.id if r.latest else None for r in by_field}
    assert latest == {a: latest_a.id, b: latest_b.id, c: None}
    by_unit = progress.followup_rows(2025, group_by="unit")
    assert [(r.group, r.name) for r in by_unit] == [
        ("Xã An", "Mô hình Bình"),
        ("Xã An", "Mô hình Cường"),
        ("Xã Bình", "Mô hình An"),
    ]
    silent = progress.followup_rows(2025, no_report_since=date(2025, 6, 1))
    assert [r.name for r in silent] == ["Mô hình Bình", "Mô hình Cường"]  # a's report of 30/09 counts
    assert [r.name for r in progress.followup_rows(2025, no_report_since=date(2025, 9, 30))] == [
        "Mô hình Bình",
        "Mô hình Cường",
    ]
    assert len(progress.followup_rows(2025, no_report_since=date(2025, 10, 1))) == 3


# ----------------------------------------------------------------- the follow-up workbook

HEADERS = ["STT", "Tên mô hình", "Đơn vị thực hiện", "Ngày báo cáo", "Nội dung đã thực hiện", "Tình hình"]


def _write_book(folder: Path, year: int, rows: list[list[object]], extra: list[str] | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tiến độ"
    sheet.append([f"BÁO CÁO TIẾN ĐỘ THỰC HIỆN MÔ HÌNH «DÂN VẬN KHÉO» NĂM {year}"])
    sheet.append([])
    sheet.append(HEADERS + (extra or []))
    for position, row in enumerate(rows, start=1):
        sheet.append([position, *row])
    path = folder / f"Báo cáo tiến độ {year} ({len(list(folder.glob('*.xlsx')))}).xlsx"
    book.save(path)
    return path


def test_the_followup_workbook_is_matched_by_name_and_unit_and_imported_in_one_batch(db, tmp_path):
    road = _model(
        "Dân vận khéo làm đường giao thông",
        unit="Xã An",
        indicators=[
            IndicatorData("Hộ hiến đất", "hộ", 40, None),
            IndicatorData("Kinh phí vận động", "đồng", None, None),
        ],
    )
    same_name_b = _model("Nuôi heo đất", unit="Hội Phụ nữ xã Bình")
    same_name_c = _model("Nuôi heo đất", unit="Hội Phụ nữ xã Cường")
    _model("Dân vận khéo làm đường giao thông", unit="Xã An", year=2024)  # another year: never matched
    existing = save_progress(ProgressInput(same_name_c, "30/06/2025", "báo cáo cũ"))
    path = _write_book(
        tmp_path,
        2025,
        [
            ["DÂN VẬN KHÉO LÀM ĐƯỜNG GIAO THÔNG", "", date(2025, 6, 30), "Họp dân", "Đúng tiến độ", "12", "88 triệu"],
            ["I. Lĩnh vực kinh tế"],  # a group heading: no report, not a row
            ["Nuôi heo đất", "Phụ nữ xã Bình", "30/06/2025", "Mua 20 heo đất", "Chậm tiến độ", "", ""],
            ["Nuôi heo đất", "Hội Phụ nữ xã Cường", "30/06/2025", "Báo cáo mới", "Dừng", "", ""],
            ["Nuôi heo đất", "", "30/06/2025", "Không rõ của ai", "Chậm", "", ""],
            ["Mô hình không có", "Xã An", "30/06/2025", "x", "Chậm", "", ""],
            ["Dân vận khéo làm đường giao thông", "Xã Khác", "30/06/2025", "x", "Chậm", "", ""],
            ["Dân vận khéo làm đường giao thông", "", "30/06/2024", "x", "Chậm", "", ""],
            ["Dân vận khéo làm đường giao thông", "", "30/09/2025", "x", "Xanh lá", "", ""],
            ["Dân vận khéo làm đường giao thông", "", "30/09/2025", "x", "Đúng tiến độ", "-4", ""],
            ["Dân vận khéo làm đường giao thông", "", "30/06/2025", "trùng ngày", "Đúng tiến độ", "", ""],
            ["Tổng cộng", "", "", "", "", "12", ""],
        ],
        extra=["Hộ hiến đất", "Kinh phí vận động (đồng)"],
    )
    before = ProgressEntry.select().count()
    plan = workbook.plan_followup(path, 2025)
    assert ProgressEntry.select().count() == before  # a preview writes nothing
    assert [(r.row, r.status) for r in plan.rows] == [
        (4, "ok"),
        (6, "ok"),
        (7, "ok"),
        (8, "rejected"),
        (9, "rejected"),
        (10, "rejected"),
        (11, "rejected"),
        (12, "rejected"),
        (13, "rejected"),
        (14, "rejected"),
    ]
    where = {(p.row, p.column): p.message for p in plan.problems}
    assert "2 mô hình cùng tên «Nuôi heo đất»" in where[(8, "B")]
    assert "không có mô hình, điển hình «Mô hình không có» trong năm 2025" in where[(9, "B")]
    assert "không thuộc đơn vị «Xã Khác»" in where[(10, "C")]
    assert "ngoài năm 2025" in where[(11, "D")]
    assert "không hiểu tình hình «Xanh lá»" in where[(12, "F")]
    assert "âm" in where[(13, "G")]
    assert "trùng báo cáo ngày 30/06/2025" in where[(14, "D")] and "dòng 4" in where[(14, "D")]
    assert str(plan.problems[0]).startswith("Trang «Tiến độ», dòng 8, cột B:")
    assert [r.replaces for r in plan.importable] == [False, False, True]

    result = workbook.apply_followup(plan)
    assert (result.created, result.replaced, result.rejected) == (2, 1, 7)
    uuids = _indicators(road)
    [road_report] = list_progress(road)
    assert (road_report.report_date, road_report.done, road_report.status) == (
        date(2025, 6, 30),
        "Họp dân",
        domain.PROGRESS_ON_TRACK,
    )
    assert road_report.values == {uuids["Hộ hiến đất"]: 12.0, uuids["Kinh phí vận động"]: 88_000_000.0}
    assert [(i.done, i.status) for i in list_progress(same_name_b)] == [("Mua 20 heo đất", domain.PROGRESS_BEHIND)]
    [replaced] = list_progress(same_name_c)
    assert (replaced.id, replaced.done, replaced.status) == (existing.id, "Báo cáo mới", domain.PROGRESS_STALLED)
    [batch] = ChangeBatch.select().where(ChangeBatch.label.contains("Nhập báo cáo tiến độ"))
    assert Change.select().where(Change.batch == batch.id).count() == 3 and batch.undoable
    with pytest.raises(AppError):
        workbook.apply_followup(plan)  # a preview is applied once


def test_an_indicator_column_the_model_lacks_refuses_the_row_and_a_file_without_a_table_is_refused(db, tmp_path):
    _model("Nuôi heo đất", unit="Xã An")
    path = _write_book(tmp_path, 2025, [["Nuôi heo đất", "", "30/06/2025", "x", "Chậm", "5"]], extra=["Số heo"])
    plan = workbook.plan_followup(path, 2025)
    assert [(p.row, p.column) for p in plan.problems] == [(4, "G")]
    assert "không có chỉ tiêu «Số heo»" in plan.problems[0].message
    book = openpyxl.Workbook()
    book.active.append(["Tên mô hình", "Đơn vị"])
    book.active.append(["Nuôi heo đất", "Xã An"])
    other = tmp_path / "không có cột ngày.xlsx"
    book.save(other)
    with pytest.raises(AppError, match="Ngày báo cáo"):
        workbook.plan_followup(other, 2025)


def test_the_history_shows_a_report_in_words_not_as_stored(model_id):
    from desktop_app.history import display, queries

    uuids = _indicators(model_id)
    report = save_progress(
        ProgressInput(model_id, "30/06/2025", "Họp dân 3 thôn", {uuids["Hộ hiến đất"]: 12}, domain.PROGRESS_BEHIND)
    )
    save_progress(
        ProgressInput(model_id, "30/06/2025", "Họp dân 3 thôn", {uuids["Hộ hiến đất"]: 15}, domain.PROGRESS_STALLED),
        report.id,
    )
    model_uuid = MoHinh.get_by_id(model_id).uuid
    edited, added = queries.entries(queries.HistoryFilter(model_uuid=model_uuid), limit=2)
    assert "Thêm báo cáo tiến độ ngày 30/06/2025: Chậm tiến độ; Họp dân 3 thôn; Hộ hiến đất: 12 hộ" in [
        line.after for line in display.lines(added)
    ]
    changed = {line.label: (line.before, line.after) for line in display.lines(edited)}
    assert changed["Báo cáo tiến độ ngày 30/06/2025 – Chỉ tiêu đạt được đến nay"] == (
        "Hộ hiến đất: 12 hộ",
        "Hộ hiến đất: 15 hộ",
    )
    assert changed["Báo cáo tiến độ ngày 30/06/2025 – Tình hình"] == ("Chậm tiến độ", "Ngưng trệ")
    assert not any(uuids["Hộ hiến đất"] in text for pair in changed.values() for text in pair)
