from PySide6.QtCore import Qt

from desktop_app import domain
from desktop_app.services import catalogues, statistics
from desktop_app.services.models import ModelFilter, query_ids
from desktop_app.storage.models import MoHinh
from ui.models.catalogue_models import CatalogueListModel, UnitTreeModel
from ui.models.model_table import ModelTableModel


def test_item_models_pass_the_model_tester(demo_db, qtmodeltester):
    table = ModelTableModel()
    table.set_filter(ModelFilter(year=2023))
    qtmodeltester.check(table)
    qtmodeltester.check(UnitTreeModel())
    qtmodeltester.check(CatalogueListModel("field"))


def test_the_model_table_reads_nothing_until_a_page_says_what_to_show(demo_db, monkeypatch):
    """Built before its year is known, then sorted by the view: neither may read every model of every year."""
    from ui.models import model_table

    calls = []
    monkeypatch.setattr(model_table, "query_ids", lambda *args: calls.append(args) or [])
    table = ModelTableModel()
    table.reload()
    table.sort(1)
    assert calls == [] and table.rowCount() == 0
    table.set_filter(ModelFilter(year=2023))
    assert len(calls) == 1 and calls[0][0].year == 2023


def test_navigation_has_every_entry_in_vietnamese(window):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles == [
        "Tổng quan",
        "Mô hình - điển hình",
        "Đánh giá",
        "Công nhận",
        "Báo cáo",
        "Tổng kết giai đoạn",
        "Danh mục",
        "Thùng rác",
        "Lịch sử thay đổi",
        "Cài đặt",
    ]


def test_dashboard_numbers_match_stats(window):
    dashboard = window.pages["dashboard"]
    stats = statistics.year_stats(2023)
    assert dashboard.cards["registered"].value.text() == str(stats.total)
    assert dashboard.cards[domain.PROPOSED].value.text() == str(stats.by_status[domain.PROPOSED])
    bars = dashboard.field_chart.chart().series()[0].barSets()[0]
    assert [int(bars.at(i)) for i in range(bars.count())] == list(stats.by_field.values())


def test_clicking_a_bar_opens_the_filtered_list(window):
    dashboard = window.pages["dashboard"]
    bars = dashboard.field_chart.chart().series()[0].barSets()[0]
    bars.clicked.emit(0)  # Kinh tế
    assert window.current_page_key() == "models"
    page = window.pages["models"]
    kinh_te = catalogues.find("field", "Kinh tế").id
    assert page.field_combo.currentData() == kinh_te
    assert page.table_model.rowCount() == len(query_ids(ModelFilter(year=2023, field_id=kinh_te))) == 9


def test_typing_da_don_filters_the_list(window, qtbot):
    window.show_page("models")
    page = window.pages["models"]
    assert page.table_model.rowCount() == 34
    qtbot.keyClicks(page.search, "da don")
    qtbot.waitUntil(lambda: page.table_model.rowCount() == 2, timeout=2000)
    names = {page.table_model.index(r, 0).data() for r in range(2)}
    assert any("Đạ Đờn" in n for n in names)
    assert page.count_label.text() == "2 mô hình, điển hình"


def test_field_filter_and_vietnamese_sorting(window):
    page = window.pages["models"]
    page.field_combo.setCurrentIndex(page.field_combo.findText("Quốc phòng - an ninh"))
    assert page.table_model.rowCount() == 2
    page.clear_filters()
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    names = [page.table_model.index(r, 0).data() for r in range(page.table_model.rowCount())]
    from desktop_app.text import sort_key

    assert names == sorted(names, key=sort_key)


def test_bulk_status_change(window, no_modal_messages):
    page = window.pages["models"]
    page.table.selectRow(0)
    page.table.selectionModel().select(
        page.table_model.index(1, 0),
        page.table.selectionModel().SelectionFlag.Select | page.table.selectionModel().SelectionFlag.Rows,
    )
    ids = page.selected_ids()
    assert len(ids) == 2
    before = statistics.year_stats(2023).by_status[domain.IN_PROGRESS]
    # Recognition is written only by the decision, so the bulk menu moves models back to "in progress".
    page.change_status(domain.IN_PROGRESS)
    assert {MoHinh.get_by_id(i).status for i in ids} == {domain.IN_PROGRESS}
    assert page.table_model.index(0, 5).data() == "Đang thực hiện"
    assert window.pages["dashboard"].cards[domain.IN_PROGRESS].value.text() == str(before + 2)


def test_refused_status_change_is_a_message_not_a_crash(window, no_modal_messages):
    page = window.pages["models"]
    page.table.selectRow(0)
    page.change_status(domain.REGISTERED)  # Đề nghị công nhận → Đăng ký is not allowed
    assert no_modal_messages[-1][0] == "error" and "không chuyển thẳng" in no_modal_messages[-1][1]


def test_bulk_delete_asks_first(window, monkeypatch):
    from ui import messages

    page = window.pages["models"]
    page.table.selectRow(0)
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: False)
    page.delete_selected()
    assert MoHinh.select().count() == 34
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: True)
    page.delete_selected()
    assert MoHinh.select().count() == 33 and page.table_model.rowCount() == 33


def test_new_year_copies_continuing_models(window):
    page = window.pages["models"]
    page.copy_to_next_year()
    assert MoHinh.select().where(MoHinh.year == 2024).count() == 34
    assert window.year_combo.findData(2024) >= 0


def test_window_remembers_the_last_page(window, qtbot):
    window.show_page("catalogues")
    window.close()
    from ui.main_window import MainWindow

    again = MainWindow()
    qtbot.addWidget(again)
    assert again.current_page_key() == "catalogues"
