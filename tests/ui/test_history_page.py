"""Lịch sử thay đổi: the office's history page, its detail pane and export, and the editor's «Lịch sử» tab."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtCore import Qt

from desktop_app.history import queries, record
from desktop_app.services import catalogues, units
from desktop_app.services.models import ModelInput, create_model, get_model, update_model
from desktop_app.storage.database import transaction
from ui.models.history_table import PAGE, HistoryTableModel
from ui.pages.history_page import HistoryPage


def _model(name: str = "Tuyến đường hoa Đạ Đờn", address: str = "Thôn 1") -> int:
    unit = units.find_unit("Hội Phụ nữ xã Đạ Đờn") or units.create_unit("Hội Phụ nữ xã Đạ Đờn")
    field = catalogues.find("field", "Kinh tế").id
    return create_model(ModelInput(name=name, year=2023, field_id=field, unit_id=unit.id, address=address))


def _edit_address(model_id: int, address: str) -> None:
    data = get_model(model_id).data
    data.address = address
    update_model(model_id, data)


def _page(qtbot) -> HistoryPage:
    page = HistoryPage()
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.refresh()
    return page


def _many_entries(count: int) -> None:
    """``count`` entries in one batch, written cheaply through the history's own low-level call."""
    with transaction(), record.batch("Nhập thử nhiều thay đổi", action="import"):
        for n in range(count):
            record.entry("unit", "update", f"uuid-{n}", f"Đơn vị số {n}", {"address": ""}, {"address": f"Thôn {n}"})


def test_the_page_in_the_window_lists_the_demo_history(window, qtbot):
    window.show_page("history")
    page = window.pages["history"]
    assert window.stack.currentWidget() is page
    total = queries.count()
    assert total > 0
    assert page.table_model.rowCount() == min(total, PAGE)
    assert page.count_label.text().endswith(" thay đổi") and page.count_label.text() != "0 thay đổi"
    headers = [page.table_model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["Thời gian", "Người thực hiện", "Thao tác", "Loại bản ghi", "Bản ghi", "Nội dung thay đổi"]


def test_typing_in_the_search_box_narrows_the_list(db, qtbot):
    _model("Tuyến đường hoa Đạ Đờn")
    _model("Quỹ khuyến học dòng họ", address="Thôn 2")
    page = _page(qtbot)
    assert page.table_model.rowCount() == 3  # the unit and the two models
    with qtbot.waitSignal(page.table_model.modelReset):
        qtbot.keyClicks(page.search, "khuyen hoc")  # no diacritics, and the query waits for the typing to pause
    assert page.search.text() == "khuyen hoc"
    assert [page.table_model.entry(r).label for r in range(page.table_model.rowCount())] == ["Quỹ khuyến học dòng họ"]
    assert page.count_label.text() == "1 thay đổi"


def test_kind_action_and_date_filters(db, qtbot):
    model_id = _model()
    _edit_address(model_id, "Thôn 2")
    page = _page(qtbot)
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("model"))
    page.action_combo.setCurrentIndex(page.action_combo.findData("update"))
    assert page.count_label.text() == "1 thay đổi"
    page.since.setText("31/02/2023")
    page.apply_filter()
    assert not page.date_error.isHidden() and "không có thật" in page.date_error.text()
    assert page.count_label.text() == "1 thay đổi"  # a mistyped day keeps the last results
    page.since.setText("01/01/2099")
    page.apply_filter()
    assert page.table_model.rowCount() == 0 and page.count_label.text() == "0 thay đổi"
    page.clear_filters()
    assert page.table_model.rowCount() == 3 and not page.date_error.text()


def test_the_detail_pane_shows_each_field_before_and_after(db, qtbot):
    model_id = _model()
    _edit_address(model_id, "Thôn Liên Hà")
    page = _page(qtbot)
    page.table.selectRow(0)
    text = page.detail.toPlainText()
    assert "Sửa mô hình, điển hình: Tuyến đường hoa Đạ Đờn" in text
    assert "Địa chỉ cụ thể" in text and "Thôn 1 → Thôn Liên Hà" in text
    assert page.table_model.data(page.table_model.index(0, 5)) == "Địa chỉ cụ thể: Thôn 1 → Thôn Liên Hà"


def test_the_page_reads_the_history_again_when_shown(db, qtbot):
    page = _page(qtbot)
    before = page.table_model.rowCount()
    _model()
    page.refresh()  # what MainWindow calls when the page is chosen
    assert page.table_model.rowCount() == before + 2


def test_the_table_fetches_older_entries_a_page_at_a_time(db, qtbot, qtmodeltester):
    _many_entries(2 * PAGE + 50)
    model = HistoryTableModel()
    model.reload()
    assert model.rowCount() == PAGE and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE
    model.fetchMore()
    assert model.rowCount() == queries.count() and not model.canFetchMore()
    labels = [model.entry(r).label for r in (0, PAGE, model.rowCount() - 1)]
    assert labels == [f"Đơn vị số {2 * PAGE + 49}", f"Đơn vị số {PAGE + 49}", "Đơn vị số 0"]
    qtmodeltester.check(model)


def test_a_view_scrolled_to_the_end_asks_for_the_next_page(db, qtbot):
    _many_entries(PAGE + 10)
    page = _page(qtbot)
    page.show()
    qtbot.waitExposed(page)
    page.table.scrollToBottom()
    qtbot.waitUntil(lambda: page.table_model.rowCount() == PAGE + 10)


def test_export_writes_the_filtered_history(db, qtbot, tmp_path, no_modal_messages):
    model_id = _model()
    _edit_address(model_id, "Thôn 5")
    page = _page(qtbot)
    page.action_combo.setCurrentIndex(page.action_combo.findData("update"))
    target = tmp_path / "lịch sử.xlsx"
    job = page.export_excel(target)
    assert job is not None
    qtbot.waitUntil(lambda: ("saved", target) in no_modal_messages)
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][5] == "Địa chỉ cụ thể: Thôn 1 → Thôn 5"


def test_the_editor_history_tab_lists_the_models_changes(db, qtbot):
    from ui.editor import ModelEditorDialog

    model_id = _model()
    _edit_address(model_id, "Thôn Đạ Nghịt")
    _model("Mô hình khác")
    dialog = ModelEditorDialog(None, model_id, 2023)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.history_tab)
    text = dialog.history_tab.text()
    assert text.startswith("2 thay đổi gần nhất")
    assert "Địa chỉ cụ thể: Thôn 1 → Thôn Đạ Nghịt" in text
    assert "Thêm mô hình, điển hình: Tuyến đường hoa Đạ Đờn" in text
    assert "Mô hình khác" not in text


def test_the_editor_history_tab_of_a_new_model_says_there_is_none_yet(db, qtbot):
    from ui.editor import ModelEditorDialog
    from ui.editor.history_tab import NEW_MODEL

    dialog = ModelEditorDialog(None, None, 2023)
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentWidget(dialog.history_tab)
    assert dialog.history_tab.heading.text() == NEW_MODEL
