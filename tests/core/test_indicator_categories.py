"""Indicator categories: a catalogue with units, chosen per indicator, so that report totals add like with like."""

import sqlite3

import pytest

from desktop_app import domain
from desktop_app.appraisal.tables import Score
from desktop_app.documents.statistics import gather
from desktop_app.errors import AppError, ValidationError
from desktop_app.history.tables import HISTORY_TABLES
from desktop_app.services import catalogues, statistics, status, yearly
from desktop_app.services.models import (
    IndicatorData,
    IndicatorError,
    ModelFilter,
    ModelInput,
    create_model,
    get_model,
    list_models,
)
from desktop_app.services.statistics import IndicatorTotal
from desktop_app.storage.database import latest_version, migrate_to, open_database
from desktop_app.storage.models import Indicator, IndicatorCategory, MoHinh

DEFAULTS = [
    ("Tiền, hiện vật vận động được", "đồng"),
    ("Giá trị công trình, phần việc", "đồng"),
    ("Hộ được hỗ trợ, giúp đỡ", "hộ"),
    ("Người được hỗ trợ, giúp đỡ", "người"),
    ("Hộ thoát nghèo, cận nghèo", "hộ"),
    ("Lượt người tham gia", "lượt người"),
    ("Ngày công đóng góp", "ngày công"),
    ("Diện tích đất hiến", "m²"),
]
MONEY, WORKS, HOUSEHOLDS, PEOPLE, OUT_OF_POVERTY, TURNS = (name for name, _ in DEFAULTS[:6])


def _category(name: str) -> int:
    return catalogues.find("indicator_category", name).id


def _input(name: str, indicators: list[IndicatorData], **kw) -> ModelInput:
    return ModelInput(
        name=name, year=2023, field_id=catalogues.find("field", "Kinh tế").id, indicators=indicators, **kw
    )


def _recognise(model_id: int) -> None:
    status.change_status([model_id], domain.PROPOSED)
    status.change_status([model_id], domain.RECOGNISED, "Quyết định số 1", force=True)  # as a decision does


# ----------------------------------------------------------------- the catalogue


def test_default_categories_come_with_their_units(db):
    assert [(i.name, i.unit_of_measure) for i in catalogues.list_items("indicator_category")] == DEFAULTS
    assert catalogues.CATALOGUES["indicator_category"][1] == "Loại chỉ tiêu"
    assert catalogues.has_unit("indicator_category") and not catalogues.has_unit("field")
    assert catalogues.ensure_defaults() is False  # present: nothing added twice


def test_a_category_needs_a_unit_and_one_in_use_is_hidden_not_deleted(db):
    with pytest.raises(ValidationError, match="Đơn vị tính: không được để trống"):
        catalogues.create("indicator_category", "Cây xanh trồng mới")
    trees = catalogues.create("indicator_category", "Cây xanh trồng mới", unit_of_measure="cây")
    assert catalogues.list_items("indicator_category")[-1] == trees and trees.unit_of_measure == "cây"
    create_model(_input("Trồng cây", [IndicatorData("Cây trồng", "cây", None, 500, category_id=trees.id)]))
    with pytest.raises(AppError, match="đang được dùng ở 1 chỉ tiêu"):
        catalogues.delete("indicator_category", trees.id)
    # The indicator filed under it is in trees: the category cannot start counting households.
    with pytest.raises(ValidationError, match=r"không đổi được sang «hộ».*«Cây trồng»"):
        catalogues.update("indicator_category", trees.id, unit_of_measure="hộ")
    catalogues.update("indicator_category", trees.id, name="Cây xanh", unit_of_measure="Cây", active=False)
    # Hidden, yet still added: something is filed under it.
    assert statistics.indicator_totals(2023)[-1] == IndicatorTotal("Cây xanh", "Cây", 500, 1)
    spare = catalogues.create("indicator_category", "Chưa dùng", unit_of_measure="lượt")
    catalogues.delete("indicator_category", spare.id)
    assert catalogues.find("indicator_category", "chua dung") is None


# ----------------------------------------------------------------- units: converted or refused


def test_unit_factors():
    assert catalogues.unit_factor("Tỷ đồng", "đồng") == 1e9
    assert catalogues.unit_factor("triệu đồng", "đồng") == 1e6
    assert catalogues.unit_factor("nghìn đồng", "đồng") == catalogues.unit_factor("ngàn đồng", "đồng") == 1e3
    assert catalogues.unit_factor("VNĐ", "đồng") == 1
    assert catalogues.unit_factor("ha", "m²") == 1e4
    assert catalogues.unit_factor("học sinh", "người") == 1  # pupils are people
    assert catalogues.unit_factor("người", "lượt người") == 1  # a person who took part is one participation
    assert catalogues.unit_factor("hộ", "người") is None  # households are not people
    assert catalogues.unit_factor("lượt người", "người") is None
    assert catalogues.unit_factor("%", "đồng") is None


def test_an_amount_in_millions_is_kept_as_written_and_an_empty_unit_takes_the_categorys(db):
    money = _category(MONEY)
    model_id = create_model(
        _input(
            "Nuôi heo đất",
            [
                IndicatorData("Tiền gây quỹ", "triệu đồng", None, 16.5, category_id=money),
                IndicatorData("Học bổng", "", None, "56 triệu", category_id=money),
                IndicatorData("Trẻ được đỡ đầu", "trẻ", None, 3),
            ],
        )
    )
    shown = [(i.name, i.unit_of_measure, i.achieved, i.category_id, i.category) for i in get_model(model_id).indicators]
    assert shown == [
        ("Tiền gây quỹ", "triệu đồng", 16.5, money, MONEY),
        ("Học bổng", "đồng", 56_000_000, money, MONEY),
        ("Trẻ được đỡ đầu", "trẻ", 3, None, ""),
    ]
    total = statistics.indicator_totals(2023)[0]
    assert total == IndicatorTotal(MONEY, "đồng", 72_500_000, 1)


def test_a_unit_that_cannot_be_converted_is_refused_naming_the_indicator_and_both_units(db):
    money = _category(MONEY)
    rows = [
        IndicatorData("Hộ được giúp", "hộ", None, 3, category_id=_category(HOUSEHOLDS)),
        IndicatorData("Phần quà", "phần quà", None, 78, category_id=money),
    ]
    with pytest.raises(IndicatorError) as refused:
        create_model(_input("Thu gom ve chai", rows))
    assert (refused.value.row, refused.value.column) == (1, "category")
    message = str(refused.value)
    assert message.startswith("Chỉ tiêu dòng 2: chỉ tiêu «Phần quà» tính bằng «phần quà»")
    assert f"còn loại «{MONEY}» cộng bằng «đồng»" in message and "«triệu đồng»" in message
    assert MoHinh.select().count() == 0
    with pytest.raises(IndicatorError, match="không còn trong danh mục"):
        create_model(_input("Khác", [IndicatorData("Tiền", "đồng", None, 1, category_id=9999)]))


# ----------------------------------------------------------------- totals: like with like


def test_totals_add_like_with_like(db):
    money, works = _category(MONEY), _category(WORKS)
    create_model(
        _input(
            "Dân vận khéo xây dựng và phát triển Hợp tác xã",
            # A cooperative's charter capital is in đồng, but it is no money mobilised: no category, not added.
            [IndicatorData("Vốn điều lệ", "đồng", None, 9_000_000_000), IndicatorData("Thành viên", "người", None, 7)],
        )
    )
    create_model(
        _input(
            "Nuôi heo đất giúp hội viên vay vốn",
            [
                IndicatorData("Tiền vận động", "đồng", None, 40_000_000, category_id=money),
                IndicatorData("Hội viên được vay vốn", "người", None, 8),  # borrowers: not people taking part
            ],
        )
    )
    create_model(
        _input(
            "Giảm nghèo bền vững trong cựu chiến binh",
            [
                IndicatorData("Kinh phí xây nhà", "đồng", None, 194_000_000, category_id=money),
                IndicatorData("Hộ thoát nghèo", "hộ", 8, 8, category_id=_category(OUT_OF_POVERTY)),
                IndicatorData("Hộ thoát cận nghèo", "hộ", None, 18, category_id=_category(OUT_OF_POVERTY)),
                IndicatorData("Giá trị xã hội hóa", "tỷ đồng", None, 1.4, category_id=works),
            ],
        )
    )
    person = create_model(
        _input(
            "Chi hội trưởng giúp hội viên nghèo",
            [
                IndicatorData("Tiền, vật tư vận động", "triệu đồng", 30, 36, category_id=money),
                IndicatorData("Hộ được giúp", "hộ gia đình", None, 12, category_id=_category(HOUSEHOLDS)),
            ],
            kind=domain.KIND_INDIVIDUAL,
            person_name="Ka Hương",
            person_honorific="Bà",
        )
    )
    _recognise(person)
    totals = statistics.indicator_totals(2023)
    assert [t.category for t in totals] == [name for name, _ in DEFAULTS]  # every category, zeros included
    by_name = {t.category: t for t in totals}
    assert by_name[MONEY] == IndicatorTotal(MONEY, "đồng", 270_000_000, 3)
    assert by_name[WORKS] == IndicatorTotal(WORKS, "đồng", 1_400_000_000, 1)
    assert by_name[OUT_OF_POVERTY] == IndicatorTotal(OUT_OF_POVERTY, "hộ", 26, 1)
    assert by_name[HOUSEHOLDS] == IndicatorTotal(HOUSEHOLDS, "hộ", 12, 1)
    assert by_name[TURNS].total == by_name[PEOPLE].total == 0
    recognised = {t.category: t.total for t in statistics.indicator_totals(2023, (domain.RECOGNISED,))}
    assert recognised[MONEY] == 36_000_000 and recognised[WORKS] == 0
    stats = statistics.year_stats(2023)
    assert stats.indicator_totals[MONEY] == 270_000_000 and stats.indicators == totals
    assert stats.to_json()["indicators"][0] == {
        "category": MONEY,
        "unit_of_measure": "đồng",
        "total": 270_000_000,
        "models": 3,
    }
    report = gather(2023)
    money_row = report.indicators[0]
    assert (money_row.category, money_row.unit_of_measure) == (MONEY, "đồng")
    assert (money_row.total_all, money_row.total_recognised) == (270_000_000, 36_000_000)
    assert (money_row.models_all, money_row.models_recognised) == (3, 1)


def test_a_withdrawn_model_is_not_added_to_the_report(db):
    money = _category(MONEY)
    kept = create_model(_input("Còn", [IndicatorData("Tiền", "đồng", None, 5_000_000, category_id=money)]))
    gone = create_model(_input("Rút", [IndicatorData("Tiền", "đồng", None, 7_000_000, category_id=money)]))
    status.change_status([gone], domain.WITHDRAWN, "Đơn vị xin rút")
    assert gather(2023).indicators[0].total_all == 5_000_000  # as the counts above it: withdrawn left out
    assert kept != gone


def test_the_category_goes_with_a_model_copied_to_the_next_year(db):
    money = _category(MONEY)
    model_id = create_model(_input("Nuôi heo đất", [IndicatorData("Tiền", "đồng", 10, 12, category_id=money)]))
    (copy,) = yearly.copy_to_year([model_id], 2024)
    (indicator,) = get_model(copy).indicators
    assert (indicator.category_id, indicator.achieved, indicator.target) == (money, None, 10)


# ----------------------------------------------------------------- an office file of schema 3

_V3_INDICATOR = (
    'CREATE TABLE "indicator" ("id" INTEGER NOT NULL PRIMARY KEY, "uuid" VARCHAR(255) NOT NULL, '
    '"model_id" INTEGER NOT NULL, "name" VARCHAR(255) NOT NULL, "unit_of_measure" VARCHAR(255) NOT NULL, '
    '"target" REAL, "achieved" REAL, "sort_order" INTEGER NOT NULL, "note" VARCHAR(255) NOT NULL, '
    'FOREIGN KEY ("model_id") REFERENCES "mo_hinh" ("id") ON DELETE CASCADE)'
)


def _as_version_3(path) -> None:
    """Take back what schema 4 added, as a file written by the previous version of the program looks."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        columns = "id, uuid, model_id, name, unit_of_measure, target, achieved, sort_order, note"
        conn.execute("ALTER TABLE indicator RENAME TO indicator_v4")
        conn.execute(_V3_INDICATOR)
        conn.execute(f"INSERT INTO indicator ({columns}) SELECT {columns} FROM indicator_v4")
        conn.execute("DROP TABLE indicator_v4")
        conn.execute('CREATE UNIQUE INDEX "indicator_uuid" ON "indicator" ("uuid")')
        conn.execute('CREATE INDEX "indicator_model_id" ON "indicator" ("model_id")')
        conn.execute("DROP TABLE indicator_category")
        conn.execute("ALTER TABLE status_change DROP COLUMN event_date")
        conn.execute("PRAGMA user_version = 3")
    conn.close()


def test_a_version_3_file_gets_the_column_and_the_default_categories(data_dir):
    path = data_dir / "cơ quan cũ.db"
    old = open_database(path, migrate=False)
    migrate_to(old, 3)
    old.db.create_tables(HISTORY_TABLES)  # today's services write history; dropped below, as that version had none
    catalogues.ensure_defaults()
    IndicatorCategory.delete().execute()  # a version-3 file never had any
    model_id = create_model(_input("Nuôi heo đất", [IndicatorData("Tiền gây quỹ", "đồng", None, 16_500_000)]))
    old.db.drop_tables(HISTORY_TABLES)
    old.close()
    _as_version_3(path)
    with sqlite3.connect(path) as conn:
        assert "category_id" not in {row[1] for row in conn.execute("PRAGMA table_info(indicator)")}
    conn.close()

    upgraded = open_database(path)
    try:
        assert upgraded.version() == latest_version()
        assert catalogues.ensure_defaults() is True  # as every opening does: the new catalogue is filled
        assert [(i.name, i.unit_of_measure) for i in catalogues.list_items("indicator_category")] == DEFAULTS
        (indicator,) = get_model(model_id).indicators  # the old indicator is intact, filed under nothing
        assert (indicator.name, indicator.achieved, indicator.category_id) == ("Tiền gây quỹ", 16_500_000, None)
        assert statistics.indicator_totals(2023)[0].total == 0
        Indicator.update(category=_category(MONEY)).where(Indicator.id == indicator.id).execute()
        assert statistics.indicator_totals(2023)[0] == IndicatorTotal(MONEY, "đồng", 16_500_000, 1)
    finally:
        upgraded.close()


# ----------------------------------------------------------------- the demo


def test_demo_has_two_individuals_scored_and_counted(demo_db):
    people = list_models(ModelFilter(year=2023, kind=domain.KIND_INDIVIDUAL))
    assert len(people) == 2
    assert {p.person_honorific for p in people} == {"Ông", "Bà"} and all(p.person_name for p in people)
    for person in people:  # every council member scored each under the individual criteria
        scores = Score.select().where(Score.model == person.id)
        assert scores.count() == 5 * 5 and {s.criterion.criteria_set.kind for s in scores} == {domain.KIND_INDIVIDUAL}
    assert statistics.year_stats(2023).by_kind[domain.KIND_INDIVIDUAL] == 2
    report = gather(2023)
    assert report.total.registered[domain.KIND_INDIVIDUAL] == 2
    assert sum(t.registered[domain.KIND_INDIVIDUAL] for t in report.by_field.values()) == 2
    assert sum(t.registered[domain.KIND_INDIVIDUAL] for t in report.by_unit_kind.values()) == 2


def test_demo_money_leaves_out_charter_capital_and_the_loan_fund(demo_db):
    def indicator(model_name: str, name: str) -> IndicatorData:
        model = MoHinh.get(MoHinh.name == model_name)
        return next(i for i in get_model(model.id).indicators if i.name == name)

    assert indicator("Dân vận khéo xây dựng và phát triển Hợp tác xã", "Vốn điều lệ").category_id is None
    assert indicator("Hỗ trợ vốn cho cán bộ phát triển kinh tế gia đình", "Vốn hỗ trợ từ quỹ phúc lợi").category == ""
    assert (
        indicator("Phát triển kinh tế - xã hội trong vùng đồng bào dân tộc thiểu số", "Giá trị xã hội hóa").category
        == WORKS
    )
    assert (
        indicator(
            "Dân vận khéo trong vận động phát triển kinh tế, giảm nghèo bền vững trong cựu chiến binh",
            "Hộ nghèo hội viên thoát nghèo",
        ).category
        == OUT_OF_POVERTY
    )
    by_name = {t.category: t for t in statistics.indicator_totals(2023)}
    # 17 collective models' money (88 + 5 + 620 + … triệu) and the two individuals' 36 triệu and 1,2 tỷ đồng.
    assert by_name[MONEY] == IndicatorTotal(MONEY, "đồng", 2_588_200_000, 18)
    assert by_name[WORKS] == IndicatorTotal(WORKS, "đồng", 1_911_000_000, 3)
    assert by_name[TURNS] == IndicatorTotal(TURNS, "lượt người", 1_475, 2)
    assert all(t.total > 0 for t in by_name.values())
