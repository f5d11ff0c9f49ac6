"""The «Loại chỉ tiêu» column of the editor and the indicator category tab of Danh mục."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton, QTableView

from desktop_app.services import catalogues
from desktop_app.services.models import get_model
from ui import messages
from ui.editor import ModelEditorDialog
from ui.editor.indicators import CATEGORY_COLUMN, CategoryCombo

MONEY = "Tiền, hiện vật vận động được"
OUT_OF_POVERTY = "Hộ thoát nghèo, cận nghèo"


def _editor(qtbot, model_id=None):
    dialog = ModelEditorDialog(None, model_id, 2023)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return dialog


def burst(keys: str) -> None:
    """Keys as a fast typist's reach the program: each to whichever widget has the focus when it arrives,
    nothing queued in the event loop run in between.  "\n" is Enter."""
    for key in keys:
        target = QApplication.focusWidget()
        assert target is not None
        QTest.keyClick(target, Qt.Key.Key_Return if key == "\n" else key)


def _indicator_row(dialog, name: str, unit: str, achieved: str) -> int:
    model = dialog.indicators
    row = model.add_row()
    assert model.setData(model.index(row, 0), name)
    assert model.setData(model.index(row, 1), unit)
    assert model.setData(model.index(row, 3), achieved)
    return row


def _type_into_category(dialog, row: int, keys: str) -> None:
    dialog.tabs.setCurrentWidget(dialog.indicator_view.parentWidget())
    view = dialog.indicator_view
    view.setCurrentIndex(dialog.indicators.index(row, CATEGORY_COLUMN))
    view.setFocus()
    burst(keys)


def test_category_typed_without_marks_is_saved_and_shown_again(db, qtbot):
    dialog = _editor(qtbot)
    dialog.name.insert("Nuôi heo đất")
    dialog.field.setCurrentIndex(1)
    row = _indicator_row(dialog, "Tiền gây quỹ", "triệu đồng", "16,5")
    # The first key opens the cell's combo, the letters pick the category, Enter commits before anything else runs.
    _type_into_category(dialog, row, "tien\n")
    assert QApplication.focusWidget() is dialog.indicator_view
    assert dialog.indicators.index(row, CATEGORY_COLUMN).data() == MONEY
    poor = _indicator_row(dialog, "Hộ thoát nghèo", "", "4")
    _type_into_category(dialog, poor, "ho t\n")  # the space searches on, it does not open the list
    assert dialog.indicators.index(poor, CATEGORY_COLUMN).data() == OUT_OF_POVERTY
    assert dialog.indicators.index(poor, 1).data() == "hộ"  # no unit yet: the category's
    assert dialog.save()
    saved = get_model(dialog.model_id).indicators
    money = catalogues.find("indicator_category", MONEY).id
    assert [(i.name, i.unit_of_measure, i.achieved, i.category_id) for i in saved] == [
        ("Tiền gây quỹ", "triệu đồng", 16.5, money),
        ("Hộ thoát nghèo", "hộ", 4, catalogues.find("indicator_category", OUT_OF_POVERTY).id),
    ]

    again = _editor(qtbot, dialog.model_id)
    index = again.indicators.index(0, CATEGORY_COLUMN)
    assert index.data() == MONEY and index.data(Qt.ItemDataRole.EditRole) == money
    again.tabs.setCurrentWidget(again.indicator_view.parentWidget())
    again.indicator_view.setCurrentIndex(index)  # every trigger edits: arriving on the cell opens its combo
    combo = again.indicator_view.findChild(CategoryCombo)
    assert isinstance(combo, CategoryCombo) and combo.currentData() == money
    assert combo.itemText(0) == "(không cộng vào báo cáo)"
    combo.setCurrentIndex(0)  # back to none: shown on the model, added to no total
    QTest.keyClick(combo, Qt.Key.Key_Return)
    assert again.indicators.index(0, CATEGORY_COLUMN).data() == ""
    assert again.save()
    assert get_model(again.model_id).indicators[0].category_id is None


def test_a_category_whose_unit_does_not_fit_is_refused_in_the_cell(db, qtbot):
    dialog = _editor(qtbot)
    row = _indicator_row(dialog, "Phần quà trao tặng", "phần quà", "78")
    _type_into_category(dialog, row, "tien\n")
    assert dialog.indicators.index(row, CATEGORY_COLUMN).data() == ""
    error = dialog.errors["indicators"].text()
    assert error.startswith("Dòng 1, cột «Loại chỉ tiêu»: chỉ tiêu «Phần quà trao tặng» tính bằng «phần quà»")
    assert f"«{MONEY}» cộng bằng «đồng»" in error


def test_editor_model_with_categories_passes_the_model_tester(demo_db, qtbot, qtmodeltester):
    dialog = _editor(qtbot, 2)
    assert any(dialog.indicators.index(r, CATEGORY_COLUMN).data() for r in range(dialog.indicators.rowCount()))
    qtmodeltester.check(dialog.indicators)


@pytest.fixture
def category_tab(window):
    return window.pages["catalogues"].lists["indicator_category"]


def test_category_tab_shows_units_and_adds_renames_and_refuses(
    category_tab, monkeypatch, no_modal_messages, qtmodeltester
):
    tab = category_tab
    assert isinstance(tab.view, QTableView)
    model = tab.list_model
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)] == ["Tên", "Đơn vị tính"]
    assert (model.index(0, 0).data(), model.index(0, 1).data()) == (MONEY, "đồng")
    buttons = {b.text(): b for b in tab.findChildren(QPushButton)}
    answers = iter(["Cây xanh trồng mới", "cây"])
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: next(answers))
    buttons["Thêm…"].click()
    added = catalogues.find("indicator_category", "cay xanh trong moi")
    assert added is not None and added.unit_of_measure == "cây" and tab.current().id == added.id
    row = tab.view.currentIndex().row()
    assert model.index(row, 1).data() == "cây"
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "cây xanh")
    buttons["Đổi đơn vị tính…"].click()
    assert catalogues.get("indicator_category", added.id).unit_of_measure == "cây xanh"
    qtmodeltester.check(model)
    tab.reload(catalogues.find("indicator_category", MONEY).id)
    buttons["Xóa"].click()  # the demo's money indicators are filed under it
    assert catalogues.find("indicator_category", MONEY) is not None
    assert no_modal_messages[-1][0] == "error" and "đang được dùng ở" in no_modal_messages[-1][1]
