import unicodedata
from datetime import date

import pytest

from desktop_app import domain
from desktop_app.errors import AppError, ValidationError
from desktop_app.office import OfficeInfo
from desktop_app.services import attachments, catalogues, settings, statistics, status, units, yearly
from desktop_app.services.models import (
    IndicatorData,
    ModelFilter,
    ModelInput,
    create_model,
    delete_models,
    get_model,
    list_models,
    query_ids,
    rows_for_ids,
    similar_names,
    update_model,
)
from desktop_app.storage.models import MoHinh, StatusChange


def _field(name="Kinh tế"):
    return catalogues.find("field", name).id


def _unit(name="Hội Liên hiệp Phụ nữ xã Đạ Đờn", **kw):
    return (units.find_unit(name) or units.create_unit(name, **kw)).id


def _model(name, *, field="Kinh tế", unit=None, year=2023, kind=domain.KIND_COLLECTIVE, **kw):
    return create_model(
        ModelInput(name=name, year=year, field_id=_field(field), kind=kind, unit_id=unit or _unit(), **kw)
    )


def test_catalogue_lookup_by_folded_name(db):
    assert catalogues.find("field", "VĂN HOÁ - XÃ HỘI").name == "Văn hóa - xã hội"
    assert catalogues.find("field", unicodedata.normalize("NFD", "quốc phòng – an ninh")).name == "Quốc phòng - an ninh"
    with pytest.raises(ValidationError, match="đã có"):
        catalogues.create("field", "KINH TẾ")


def test_catalogue_in_use_cannot_be_deleted(db):
    _model("Nuôi heo đất")
    with pytest.raises(AppError, match="đang được dùng"):
        catalogues.delete("field", _field())
    spare = catalogues.create("field", "Nông thôn mới")
    catalogues.delete("field", spare.id)
    assert catalogues.find("field", "Nông thôn mới") is None


def test_ensure_defaults_twice_adds_nothing(db):
    assert catalogues.ensure_defaults() is False
    assert len(catalogues.list_items("unit_kind")) == 9


def test_create_model_stores_nfc_and_history(db):
    model_id = _model(
        unicodedata.normalize("NFD", "  Thu gom   ve chai  "),
        indicators=[IndicatorData("Tiền thu được", "đồng", None, "25 triệu")],
    )
    detail = get_model(model_id)
    assert detail.row.name == "Thu gom ve chai"
    assert unicodedata.is_normalized("NFC", detail.row.name)
    assert detail.row.status == domain.REGISTERED
    assert detail.indicators[0].achieved == 25_000_000
    assert [h.to_status for h in detail.history] == [domain.REGISTERED]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"name": "   "}, "Tên mô hình, điển hình", "không được để trống"),
        ({"field_id": None}, "Lĩnh vực", "chưa chọn"),
        ({"kind": "xyz"}, "Loại", "chỉ chọn"),
        ({"year": 1800}, "Năm", "1990"),
        ({"start_date": date(2023, 5, 1), "end_date": date(2023, 1, 1)}, "Thời gian kết thúc", "không được trước"),
        ({"person_birth_year": "abc"}, "Năm sinh", "không phải là số"),
        ({"indicators": [IndicatorData("Tiền", "đồng", None, "nhiều lắm")]}, "Chỉ tiêu dòng 1", "không phải là số"),
    ],
)
def test_invalid_input_names_the_field_in_vietnamese(db, changes, field, message):
    values = dict(name="Mô hình thử", year=2023, field_id=_field(), unit_id=_unit())
    values.update(changes)
    with pytest.raises(ValidationError) as err:
        create_model(ModelInput(**values))
    assert err.value.field == field
    assert message in str(err.value)
    assert MoHinh.select().count() == 0


def test_update_and_delete(db):
    model_id = _model("Mẹ đỡ đầu")
    data = get_model(model_id).data
    data.name = "Mẹ đỡ đầu trẻ mồ côi"
    data.indicators = [IndicatorData("Trẻ được hỗ trợ", "trẻ", 4, 4)]
    update_model(model_id, data)
    assert get_model(model_id).row.name == "Mẹ đỡ đầu trẻ mồ côi"
    assert len(get_model(model_id).indicators) == 1
    assert delete_models([model_id]) == 1
    assert MoHinh.select().count() == 0 and StatusChange.select().count() == 0


def test_search_ignores_diacritics_case_and_finds_by_unit(db):
    a = _model("Dân vận khéo trong cải cách hành chính", unit=_unit("Đảng ủy xã Đông Thanh"))
    b = _model("Thu gom rác thải bán gây quỹ", unit=_unit("Hội Liên hiệp Phụ nữ xã Đạ Đờn"))
    c = _model("Tuyến đường hoa", unit=_unit("Hội LHPN thị trấn Đinh Văn"), address="thôn Đạ Ty, xã Đạ Đờn")
    ids = lambda text: set(query_ids(ModelFilter(text=text)))  # noqa: E731
    assert ids("dan van kheo") == ids("DÂN VẬN KHÉO") == {a}
    assert ids("da don") == {b, c}
    assert ids("rác đạ đờn") == {b}
    assert ids("da do") == {b, c}  # the last word may still be being typed
    assert ids("thu gom ra") == {b}
    assert ids("100%_") == set()


def test_filters_and_vietnamese_sort(db):
    _model("Ăn sạch", field="Văn hóa - xã hội")
    _model("Bảo vệ", field="Quốc phòng - an ninh", kind=domain.KIND_INDIVIDUAL)
    _model("An toàn", field="Văn hóa - xã hội", year=2024)
    _model("Đường hoa", field="Văn hóa - xã hội")
    _model("Dâu tằm", field="Kinh tế")
    names = [r.name for r in list_models(ModelFilter(year=2023))]
    assert names == ["Ăn sạch", "Bảo vệ", "Dâu tằm", "Đường hoa"]
    assert [r.name for r in list_models(ModelFilter(field_name="van hoa"))] == ["An toàn", "Ăn sạch", "Đường hoa"]
    assert [r.name for r in list_models(ModelFilter(kind=domain.KIND_INDIVIDUAL))] == ["Bảo vệ"]
    ids = query_ids(ModelFilter(year=2023), sort="name", descending=True)
    assert [r.name for r in rows_for_ids(ids)] == ["Đường hoa", "Dâu tằm", "Bảo vệ", "Ăn sạch"]


def test_unit_filter_includes_sub_units(db):
    commune = units.create_unit("Xã Liên Hà")
    women = units.create_unit("Hội Phụ nữ xã Liên Hà", parent_id=commune.id)
    m = _model("Nuôi heo nái đen", unit=women.id)
    assert query_ids(ModelFilter(unit_id=commune.id)) == [m]
    assert query_ids(ModelFilter(unit_id=commune.id, include_subunits=False)) == []


def test_status_changes_are_checked_and_kept(db):
    a, b = _model("Một"), _model("Hai")
    assert status.change_status([a, b], domain.IN_PROGRESS) == 2
    with pytest.raises(ValidationError, match="cần ghi lý do"):
        status.change_status([a], domain.RETURNED)
    status.change_status([a], domain.RETURNED, "Thiếu kế hoạch")
    with pytest.raises(ValidationError, match="không chuyển thẳng"):
        status.change_status([a, b], domain.PROPOSED)  # Trả lại → Đề nghị công nhận is not a workflow step
    assert MoHinh.get_by_id(b).status == domain.IN_PROGRESS  # nothing half-done
    history = get_model(a).history
    assert [(h.from_status, h.to_status) for h in history] == [
        ("", domain.REGISTERED),
        (domain.REGISTERED, domain.IN_PROGRESS),
        (domain.IN_PROGRESS, domain.RETURNED),
    ]
    assert history[-1].reason == "Thiếu kế hoạch"


def test_units_tree_move_merge(db):
    district = units.create_unit("Huyện Lâm Hà")
    commune = units.create_unit("Xã Tân Hà", parent_id=district.id)
    dup = units.create_unit("Xa Tan Ha (cu)")
    with pytest.raises(ValidationError, match="chính nó"):
        units.move_unit(district.id, commune.id)
    m = _model("Thu gom phế liệu", unit=dup.id)
    units.merge_units(dup.id, commune.id)
    assert MoHinh.get_by_id(m).unit_id == commune.id
    roots = units.unit_tree()
    lam_ha = next(u for u in roots if u.name == "Huyện Lâm Hà")
    assert [c.name for c in lam_ha.children] == ["Xã Tân Hà"]
    assert lam_ha.children[0].model_count == 1
    with pytest.raises(AppError, match="có 1 mô hình"):
        units.delete_unit(commune.id)


def test_similar_names_warn_of_duplicates(db):
    _model("Nuôi heo đất chung tay ủng hộ phương tiện sinh kế")
    _model("Thu gom ve chai")
    hits = similar_names(2023, "nuoi heo dat chung tay ung ho phuong tien sinh ke cho phu nu")
    assert [h.name for h in hits] == ["Nuôi heo đất chung tay ủng hộ phương tiện sinh kế"]
    assert similar_names(2024, "Thu gom ve chai") == []


def test_attachments_are_files_beside_the_database(db, tmp_path):
    m = _model("Tuyến đường sáng xanh sạch đẹp")
    photo = tmp_path / "ảnh hiện trường.jpg"
    photo.write_bytes(b"\xff\xd8fake jpeg")
    first = attachments.add_attachment(m, photo, "Ảnh tuyến đường")
    assert attachments.add_attachment(m, photo) == first
    info = get_model(m).attachments[0]
    stored = db.files_dir / info.stored_name
    assert stored.read_bytes() == photo.read_bytes() and info.is_image
    assert attachments.verify(first)
    stored.write_bytes(b"changed")
    assert not attachments.verify(first)
    attachments.remove_attachment(first)
    assert not stored.exists() and get_model(m).attachments == []


def test_new_year_copies_continuing_models(db):
    keep = _model("Mẹ đỡ đầu", indicators=[IndicatorData("Trẻ", "trẻ", 5, 4)])
    dropped = _model("Bỏ dở")
    status.change_status([dropped], domain.WITHDRAWN, "Đơn vị xin rút")
    candidates = [r.id for r in yearly.continuing_candidates(2023)]
    assert candidates == [keep]
    new_ids = yearly.copy_to_year(candidates, 2024)
    assert yearly.copy_to_year(candidates, 2024) == []  # not twice
    detail = get_model(new_ids[0])
    assert detail.row.year == 2024 and detail.row.status == domain.REGISTERED
    assert detail.continues.id == keep and detail.data.result_text == ""
    assert detail.indicators[0].target == 5 and detail.indicators[0].achieved is None
    assert yearly.continuing_candidates(2023) == []


def test_statistics_add_up(db):
    party = catalogues.find("unit_kind", "Tổ chức đảng").id
    money = catalogues.find("indicator_category", "Tiền, hiện vật vận động được").id
    households = catalogues.find("indicator_category", "Hộ được hỗ trợ, giúp đỡ").id
    _model(
        "A",
        unit=_unit("Đảng ủy xã Mê Linh", kind_id=party),
        indicators=[
            IndicatorData("Tiền", "đồng", None, 1_000_000, category_id=money),
            IndicatorData("Hộ", "hộ", None, 3, category_id=households),
        ],
    )
    _model(
        "B",
        field="Văn hóa - xã hội",
        kind=domain.KIND_INDIVIDUAL,
        indicators=[IndicatorData("Tiền", "Đồng", None, 500_000, category_id=money)],
    )
    c = _model("C")
    status.change_status([c], domain.PROPOSED)
    status.change_status([c], domain.RECOGNISED, "Quyết định số 1", force=True)  # as a decision does
    stats = statistics.year_stats(2023)
    assert stats.total == 3
    assert stats.by_field == {
        "Kinh tế": 2,
        "Văn hóa - xã hội": 1,
        "Quốc phòng - an ninh": 0,
        "Xây dựng hệ thống chính trị": 0,
    }
    assert stats.by_kind == {"tap_the": 2, "ca_nhan": 1}
    assert stats.by_status[domain.RECOGNISED] == 1 and sum(stats.by_status.values()) == 3
    assert stats.by_unit_kind == {"Tổ chức đảng": 1, "Chưa phân loại": 2}
    assert stats.field_outcome["Kinh tế"] == {"registered": 2, "recognised": 1}
    assert stats.indicator_totals["Tiền, hiện vật vận động được"] == 1_500_000
    assert stats.indicator_totals["Hộ được hỗ trợ, giúp đỡ"] == 3


def test_office_settings_round_trip(db):
    assert not settings.is_configured()
    with pytest.raises(ValidationError, match="Cơ quan ban hành"):
        settings.save_office(OfficeInfo(place_name="Lâm Hà", current_year=2024))
    office = OfficeInfo.single(issuing_body="BAN THƯỜNG VỤ HUYỆN ỦY", place_name=" Lâm  Hà ", current_year=2024)
    settings.save_office(office)
    assert settings.is_configured()
    assert settings.get_office().place_name == "Lâm Hà"
    assert settings.get_office().issuer().number_line("QĐ", 125) == "Số 125-QĐ/HU"
