"""Rules a typed value must follow before it is saved: amounts, dates, statuses, the honorific, schema 3."""

import sqlite3
from datetime import date

import pytest

from desktop_app import domain
from desktop_app.errors import ValidationError
from desktop_app.history.tables import HISTORY_TABLES
from desktop_app.services import catalogues, status, units, yearly
from desktop_app.services.models import (
    IndicatorData,
    IndicatorError,
    ModelInput,
    create_model,
    get_model,
    indicator_amount,
    list_models,
    update_model,
)
from desktop_app.storage import migrations
from desktop_app.storage.database import latest_version, migrate_to, open_database
from desktop_app.storage.models import Indicator, MoHinh
from desktop_app.text import ImpossibleDate, parse_date


def _input(name="Nuôi heo đất", **kw) -> ModelInput:
    unit = units.find_unit("Hội Phụ nữ xã Mê Linh") or units.create_unit("Hội Phụ nữ xã Mê Linh")
    kw.setdefault("field_id", catalogues.find("field", "Kinh tế").id)
    return ModelInput(name=name, year=2023, unit_id=unit.id, **kw)


# ----------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        ("88 triệu", "đồng", 88_000_000),
        ("0", "hộ", 0),
        ("99,16%", "%", 99.16),
        ("100", "phần trăm", 100),
        ("", "hộ", None),
        (None, "hộ", None),
        (26, "phương tiện", 26),
    ],
)
def test_indicator_amounts_that_are_right(value, unit, expected):
    assert indicator_amount(value, unit) == expected


@pytest.mark.parametrize(
    "value, unit, message",
    [
        ("-5", "hộ", "số âm"),
        ("\u22125", "hộ", "số âm"),  # a typographic minus pasted from Word
        ("- 3 triệu", "đồng", "số âm"),
        (-1.5, "ha", "số âm"),
        ("120", "%", "vượt quá 100%"),
        ("101%", "hồ sơ", "vượt quá 100%"),  # a share written with its sign, whatever the unit
        ("9" * 400, "đồng", "quá lớn"),
        ("nhiều lắm", "hộ", "không phải là số"),
    ],
)
def test_indicator_amounts_that_are_refused(value, unit, message):
    with pytest.raises(ValidationError, match=message) as info:
        indicator_amount(value, unit, column="target")
    assert info.value.key == "target" and info.value.field == "Kế hoạch"


def test_saving_refuses_a_negative_amount_and_names_the_cell(db):
    rows = [IndicatorData("Hộ được hỗ trợ", "hộ", 10, 8), IndicatorData("Tiền vận động", "đồng", None, "-5 triệu")]
    with pytest.raises(IndicatorError) as info:
        create_model(_input(indicators=rows))
    err = info.value
    assert (err.row, err.column, err.key) == (1, "achieved", "indicators")
    assert str(err) == ("Chỉ tiêu dòng 2: cột «Đạt được»: «-5 triệu» là số âm; số lượng, số tiền, tỷ lệ không được âm.")
    assert MoHinh.select().count() == 0


def test_update_refuses_a_percentage_above_100_and_keeps_the_old_values(db):
    model_id = create_model(_input(indicators=[IndicatorData("Hồ sơ đúng hạn", "%", 95, 99.16)]))
    data = get_model(model_id).data
    data.indicators[0].achieved = 120
    with pytest.raises(IndicatorError, match="vượt quá 100%") as info:
        update_model(model_id, data)
    assert (info.value.row, info.value.column) == (0, "achieved")
    assert Indicator.get(Indicator.model == model_id).achieved == 99.16


def test_a_huge_birth_year_is_a_vietnamese_message_not_an_overflow(db):
    with pytest.raises(ValidationError, match="không phải là số nguyên") as info:
        create_model(_input(kind=domain.KIND_INDIVIDUAL, person_birth_year="9" * 400))
    assert info.value.key == "person_birth_year"


# ----------------------------------------------------------------- dates


def test_an_impossible_day_is_explained_in_vietnamese():
    with pytest.raises(ImpossibleDate) as info:
        parse_date("31/02/2023")
    assert str(info.value) == "ngày 31/02/2023 không có thật: tháng 2 năm 2023 chỉ có 28 ngày"
    assert parse_date("29/02/2024") == date(2024, 2, 29)  # a leap year has it
    with pytest.raises(ImpossibleDate, match="tháng 2 năm 2023 chỉ có 28 ngày"):
        parse_date("2023-02-29")
    with pytest.raises(ImpossibleDate, match="tháng chỉ từ 1 đến 12"):
        parse_date("15/13/2023")
    with pytest.raises(ImpossibleDate, match="bắt đầu từ 01"):
        parse_date("00/05/2023")
    with pytest.raises(ValueError, match="không đọc được ngày «ngày mai»"):
        parse_date("ngày mai")


@pytest.mark.parametrize("text", ["31/02/2023", "31/04/2023", "32/01/2023", "15/00/2023", "2023-13-01"])
def test_no_english_from_python_reaches_the_user(text):
    with pytest.raises(ValueError) as info:
        parse_date(text)
    message = str(info.value)
    assert message.startswith("ngày ") and "không có thật" in message
    assert not any(word in message for word in ("day", "month", "year", "range", "must"))


# ----------------------------------------------------------------- statuses


def test_recognition_is_refused_by_hand_and_says_where_to_do_it(db):
    model_id = create_model(_input(), status=domain.PROPOSED)
    for outcome in (domain.RECOGNISED, domain.NOT_RECOGNISED):
        with pytest.raises(ValidationError) as info:
            status.change_status([model_id], outcome)
        assert info.value.key == "status"
        assert f"«{domain.status_label(outcome)}» chỉ được ghi theo quyết định công nhận" in str(info.value)
        assert "mục «Công nhận»" in str(info.value)
    assert MoHinh.get_by_id(model_id).status == domain.PROPOSED
    assert [h.to_status for h in get_model(model_id).history] == [domain.PROPOSED]
    # A decision may (it is what the Công nhận page calls).
    assert status.change_status([model_id], domain.RECOGNISED, "Quyết định số 1", force=True) == 1


def test_manual_statuses_come_from_the_core():
    manual = status.manual_statuses()
    assert domain.RECOGNISED not in manual and domain.NOT_RECOGNISED not in manual
    assert manual == [domain.REGISTERED, domain.IN_PROGRESS, domain.PROPOSED, domain.RETURNED, domain.WITHDRAWN]
    assert status.allowed_next(domain.PROPOSED) == [domain.IN_PROGRESS, domain.RETURNED, domain.WITHDRAWN]
    assert status.allowed_next(domain.RECOGNISED) == [domain.PROPOSED]
    for code in domain.STATUSES:
        assert set(status.allowed_next(code)) <= domain.TRANSITIONS[code] - domain.DECISION_ONLY


# ----------------------------------------------------------------- honorific


def test_honorific_is_kept_for_individuals_only(db):
    person = create_model(
        _input("Người tốt việc tốt", kind=domain.KIND_INDIVIDUAL, person_name="Nguyễn Văn Tám", person_honorific="ông")
    )
    detail = get_model(person)
    assert detail.data.person_honorific == "Ông"
    assert detail.row.person_addressed == "Ông Nguyễn Văn Tám"
    group = create_model(_input("Tổ tự quản", person_honorific="Bà"))
    assert get_model(group).data.person_honorific == ""  # a collective model has nobody to address
    with pytest.raises(ValidationError, match="chỉ chọn «Ông» hoặc «Bà»") as info:
        create_model(_input("Khác", kind=domain.KIND_INDIVIDUAL, person_name="Lê Thị B", person_honorific="Anh"))
    assert info.value.key == "person_honorific"
    assert domain.addressed("Lê Thị B") == "Lê Thị B"


def test_next_year_copy_keeps_the_honorific(db):
    person = create_model(
        _input("Người tốt việc tốt", kind=domain.KIND_INDIVIDUAL, person_name="Trần Thị Hoa", person_honorific="Bà")
    )
    [copy] = yearly.copy_to_year([person], 2024)
    assert get_model(copy).data.person_honorific == "Bà"


# ----------------------------------------------------------------- schema 3


def test_fresh_database_has_the_honorific_column(db):
    assert len(migrations.MIGRATIONS) == latest_version() >= 3
    assert db.version() == latest_version()
    assert "person_honorific" in {c.name for c in db.db.get_columns("mo_hinh")}


def test_version_2_database_gains_the_column_with_its_data_intact(data_dir):
    path = data_dir / "năm cũ.db"
    old = open_database(path, migrate=False)
    migrate_to(old, 2)
    old.db.create_tables(HISTORY_TABLES)  # today's services write history; dropped below, as that version had none
    catalogues.ensure_defaults()
    model_id = create_model(
        _input(
            "Mẹ đỡ đầu",
            kind=domain.KIND_INDIVIDUAL,
            person_name="Lê Thị Hoa",
            indicators=[IndicatorData("Trẻ được đỡ đầu", "trẻ", 5, 4)],
        ),
        status=domain.PROPOSED,
    )
    # Step 1 builds tables from today's declarations; drop the column to get the file an older
    # version of the program wrote.
    old.db.execute_sql("ALTER TABLE mo_hinh DROP COLUMN person_honorific")
    old.db.drop_tables(HISTORY_TABLES)
    old.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
        assert "person_honorific" not in {r[1] for r in conn.execute("PRAGMA table_info(mo_hinh)")}

    upgraded = open_database(path)
    try:
        assert upgraded.version() == latest_version()
        columns = {c.name: c for c in upgraded.db.get_columns("mo_hinh")}
        assert not columns["person_honorific"].null
        detail = get_model(model_id)
        assert detail.row.name == "Mẹ đỡ đầu" and detail.data.person_name == "Lê Thị Hoa"
        assert detail.data.person_honorific == "" and detail.row.status == domain.PROPOSED
        assert [(i.name, i.target, i.achieved) for i in detail.indicators] == [("Trẻ được đỡ đầu", 5, 4)]
        assert len(detail.history) == 1  # no cascade from rebuilding the table
        detail.data.person_honorific = "Bà"
        update_model(model_id, detail.data)
        assert list_models()[0].person_addressed == "Bà Lê Thị Hoa"
    finally:
        upgraded.close()
    assert len(list((data_dir / "sao-luu").glob("năm cũ.v2-*.bak.db"))) == 1
