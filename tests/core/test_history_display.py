"""The history in words: field labels, names for references, Vietnamese dates and numbers, children summarised."""

from __future__ import annotations

from datetime import date

from desktop_app import domain
from desktop_app.appraisal import council, criteria
from desktop_app.appraisal.tables import CriteriaSet, Criterion
from desktop_app.history import display, queries, record
from desktop_app.history.display import ChangeLine
from desktop_app.services import attachments, catalogues, status, units
from desktop_app.services.models import (
    IndicatorData,
    ModelInput,
    create_model,
    delete_models,
    get_model,
    update_model,
)
from desktop_app.storage.database import transaction
from desktop_app.storage.models import MoHinh


def _model(name: str = "Tuyến đường hoa", **kw) -> int:
    unit = units.find_unit("Hội Nông dân xã Mê Linh") or units.create_unit("Hội Nông dân xã Mê Linh")
    field = catalogues.find("field", "Kinh tế").id
    return create_model(ModelInput(name=name, year=2023, field_id=field, unit_id=unit.id, **kw))


def _texts(entry: queries.HistoryEntry) -> list[str]:
    return [line.text() for line in display.lines(entry)]


def _newest() -> queries.HistoryEntry:
    return queries.entries(limit=1)[0]


def test_a_created_model_reads_as_its_fields_with_names_and_indicators(db):
    _model(start_date=date(2023, 2, 5), indicators=[IndicatorData("Đường bê tông", "km", 2, 2.5)])
    entry = _newest()
    texts = _texts(entry)
    assert "Tên mô hình, điển hình: Tuyến đường hoa" in texts
    assert "Lĩnh vực: Kinh tế" in texts  # the uuid in the snapshot, named
    assert "Đơn vị thực hiện: Hội Nông dân xã Mê Linh" in texts
    assert "Loại: Mô hình (tập thể)" in texts and "Trạng thái: Đăng ký" in texts
    assert "Thời gian bắt đầu: 05/02/2023" in texts
    assert "Chỉ tiêu kết quả: «Đường bê tông»: chỉ tiêu 2 km, đạt 2,5 km" in texts
    assert not any("Mã" in t or entry.record_uuid in t for t in texts)  # the identity is not a change
    assert display.summary(entry) == "Thêm mới"


def test_an_update_reads_field_before_and_after_and_indicators_by_name(db):
    model_id = _model(address="Thôn 1", indicators=[IndicatorData("Đường bê tông", "km", 2, 2.5)])
    other = units.create_unit("Đoàn Thanh niên xã Mê Linh")
    data = get_model(model_id).data
    data.address, data.unit_id, data.end_date = "Thôn 2", other.id, date(2023, 12, 31)
    data.indicators = [IndicatorData("Đường bê tông", "km", 2, 3.25), IndicatorData("Hộ tham gia", "hộ", None, 1200)]
    update_model(model_id, data)
    lines = display.lines(_newest())
    assert ChangeLine("Địa chỉ cụ thể", "Thôn 1", "Thôn 2") in lines
    assert ChangeLine("Đơn vị thực hiện", "Hội Nông dân xã Mê Linh", "Đoàn Thanh niên xã Mê Linh") in lines
    assert ChangeLine("Thời gian kết thúc", "(trống)", "31/12/2023") in lines
    assert ChangeLine("Chỉ tiêu kết quả", "", "Thêm chỉ tiêu «Hộ tham gia»: đạt 1.200 hộ") in lines
    assert ChangeLine("Chỉ tiêu «Đường bê tông» – Đạt được", "2,5 km", "3,25 km") in lines
    assert len(lines) == 5  # the indicators written anew (new uuids) are not «removed and added»
    summary = display.summary(_newest())
    assert summary.startswith("Đơn vị thực hiện: Hội Nông dân xã Mê Linh → Đoàn Thanh niên xã Mê Linh; ")


def test_a_removed_indicator_and_evidence_files_are_summarised(db, tmp_path):
    model_id = _model(indicators=[IndicatorData("Quỹ khuyến học", "đồng", None, 88_000_000)])
    data = get_model(model_id).data
    data.indicators = []
    update_model(model_id, data)
    assert _texts(_newest()) == ["Chỉ tiêu kết quả: Bỏ chỉ tiêu «Quỹ khuyến học»: đạt 88.000.000 đồng"]
    photo = tmp_path / "ảnh.jpg"
    photo.write_bytes(b"jpeg")
    attachment = attachments.add_attachment(model_id, photo)
    assert _texts(_newest()) == ["Tệp minh chứng: Thêm tệp «ảnh.jpg»"]
    attachments.remove_attachment(attachment)
    assert _texts(_newest()) == ["Tệp minh chứng: Xóa tệp «ảnh.jpg»"]


def test_a_status_change_reads_as_status_labels_with_the_day_and_reason(db):
    model_id = _model()
    status.change_status([model_id], domain.RETURNED, "Hồ sơ thiếu", event_date=date(2023, 3, 9))
    entry = _newest()
    assert entry.action_label == "Đổi trạng thái"
    assert _texts(entry) == [
        "Trạng thái: Đăng ký → Trả lại",
        "Lịch sử trạng thái: Thêm 09/03/2023: Đăng ký → Trả lại (lý do: Hồ sơ thiếu)",
    ]


def test_a_reference_to_a_deleted_record_keeps_its_last_name(db):
    first = _model("Mô hình gốc năm trước")
    second = _model("Mô hình nhân rộng")
    data = get_model(second).data
    data.replicates_id = first
    update_model(second, data)
    entry = _newest()
    delete_models([first])
    assert _texts(entry) == ["Nhân rộng từ mô hình: (trống) → Mô hình gốc năm trước (đã xóa)"]


def test_references_of_a_whole_page_are_read_with_one_query_per_table(db):
    for n in range(30):
        _model(f"Mô hình số {n}")
    page = queries.entries(limit=30)
    from desktop_app.storage.models import database_proxy

    statements: list[str] = []
    real = database_proxy.obj.execute_sql

    def counting(sql, *args, **kwargs):
        statements.append(sql)
        return real(sql, *args, **kwargs)

    database_proxy.obj.execute_sql = counting
    try:
        described = display.describe(page)
    finally:
        database_proxy.obj.execute_sql = real
    assert len(described) == 30 and all("Lĩnh vực: Kinh tế" in d.text() for d in described)
    assert len(statements) == 2  # the fields, the units: nothing per entry


def test_a_score_sheet_reads_as_criterion_text_before_and_after(db):
    model_id = _model()
    model = MoHinh.get_by_id(model_id)
    criteria.ensure_default_sets(2023)
    first, second = (
        Criterion.select()
        .join(CriteriaSet)
        .where(CriteriaSet.year == 2023, CriteriaSet.kind == domain.KIND_COLLECTIVE)
        .order_by(Criterion.order)[:2]
    )
    member = council.get_member(council.add_member(2023, "Trần Thị Hồng"))
    sheet = {"member": member.uuid, "model": model.uuid, "keying": 1}
    with transaction():
        record.entry(
            "score_sheet",
            "update",
            f"{member.uuid}:{model.uuid}:1",
            f"Phiếu chấm của Trần Thị Hồng — {model.name} (lần nhập 1)",
            {**sheet, "points": {first.uuid: 8, second.uuid: 7.5}},
            {**sheet, "points": {first.uuid: 9, second.uuid: 7.5}},
            model_uuid=model.uuid,
            year=2023,
        )
    lines = display.lines(_newest())
    assert lines == [ChangeLine(first.text, "8", "9"), ChangeLine("Tổng điểm", "15,5", "16,5")]  # member, model: same
    with transaction():
        record.entry(
            "score_sheet",
            "create",
            f"{member.uuid}:{model.uuid}:2",
            f"Phiếu chấm của Trần Thị Hồng — {model.name} (lần nhập 2)",
            None,
            {**sheet, "keying": 2, "points": {second.uuid: 7, first.uuid: 9.5}},
            model_uuid=model.uuid,
            year=2023,
        )
    texts = _texts(_newest())
    assert texts[:3] == ["Thành viên: Trần Thị Hồng", f"Mô hình: {model.name}", "Lần nhập: Lần nhập 2 (đối chiếu)"]
    assert texts[3:] == [f"{first.text}: 9,5", f"{second.text}: 7", "Tổng điểm: 16,5"]  # in the set's order
    assert display.summary(_newest()) == "Nhập phiếu: tổng 16,5 điểm"


def test_a_unit_edit_reads_booleans_in_words(db):
    unit = units.create_unit("Chi hội Phụ nữ thôn 3")
    units.update_unit(unit.id, active=False)
    assert _texts(_newest()) == ["Đang dùng: Có → Không"]
    assert display.summary(_newest()) == "Đang dùng: Có → Không"
