"""Danh mục → Đơn vị: the unit dialog adds and edits kind and level, typed at speed, and statistics follow."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app import domain
from desktop_app.services import catalogues, statistics, units
from desktop_app.services.models import ModelInput, create_model


@pytest.fixture
def tab(window, qtbot):
    window.show()
    window.show_page("catalogues")
    page = window.pages["catalogues"]
    page.setCurrentWidget(page.units_tab)
    qtbot.waitExposed(window)
    return page.units_tab


def _select(tab, name: str):
    index = tab.tree_model.index_of(units.find_unit(name).id)
    tab.tree.setCurrentIndex(index)
    tab.tree.scrollTo(index)
    return index


def _row_texts(tab, unit_id: int) -> list[str]:
    index = tab.tree_model.index_of(unit_id)
    return [tab.tree_model.index(index.row(), column, index.parent()).data() for column in range(4)]


def _pick(combo, text: str) -> None:
    position = combo.findText(text)
    assert position > 0, f"{text!r} not offered"
    combo.setCurrentIndex(position)


def test_add_unit_with_kind_and_level_typed_then_enter(tab, qtbot):
    tab.add_root()
    dialog = tab.unit_dialog
    assert dialog is not None and dialog.isVisible() and dialog.windowTitle() == "Thêm đơn vị"
    box = dialog.findChild(QDialogButtonBox)
    assert box.button(QDialogButtonBox.StandardButton.Save).text() == "Lưu"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Hủy"
    # Every kind and level of the catalogues is offered, after the empty choice.
    assert [dialog.kind.itemText(i) for i in range(1, dialog.kind.count())] == [
        k.name for k in catalogues.list_items("unit_kind")
    ]
    assert dialog.level.itemText(0) == "(Chưa xác định)" and dialog.level.count() == 4

    qtbot.keyClicks(dialog.name, "Chi hoi Nguoi cao tuoi thon Dam Ron")
    _pick(dialog.kind, "Hội cấp xã")
    _pick(dialog.level, "Cơ sở (xã, phường)")
    qtbot.keyClicks(dialog.parent_unit.lineEdit(), "xa da don")  # typed, matched ignoring diacritics
    qtbot.keyClicks(dialog.address, "thon Dam Ron, xa Da Don")
    qtbot.keyClicks(dialog.note, "45 hoi vien")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)

    assert tab.unit_dialog is None and not dialog.isVisible()
    created = units.find_unit("Chi hoi Nguoi cao tuoi thon Dam Ron")
    assert created is not None
    assert (created.name, created.kind, created.level, created.address, created.note) == (
        "Chi hoi Nguoi cao tuoi thon Dam Ron",
        "Hội cấp xã",
        "Cơ sở (xã, phường)",
        "thon Dam Ron, xa Da Don",
        "45 hoi vien",
    )
    assert created.parent_id == units.find_unit("Xã Đạ Đờn").id
    # The tree shows the new unit with its kind and level, selected.
    assert _row_texts(tab, created.id) == [
        "Chi hoi Nguoi cao tuoi thon Dam Ron",
        "Hội cấp xã",
        "Cơ sở (xã, phường)",
        "0",
    ]
    assert tab.current().id == created.id


def test_edit_by_double_click_changes_name_kind_and_level(tab, qtbot):
    index = _select(tab, "Hội Liên hiệp Phụ nữ xã Liên Hà")
    unit_id = tab.current().id
    kind_cell = tab.tree_model.index(index.row(), 1, index.parent())
    # A real double-click is press, release, then the double-click event; QTest's mouseDClick sends only the last.
    where = tab.tree.visualRect(kind_cell).center()
    qtbot.mouseClick(tab.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    qtbot.mouseDClick(tab.tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    dialog = tab.unit_dialog
    assert dialog is not None and dialog.unit_id == unit_id
    assert (
        dialog.name.text(),
        dialog.kind.currentText(),
        dialog.level.currentText(),
        dialog.parent_unit.currentText(),
    ) == ("Hội Liên hiệp Phụ nữ xã Liên Hà", "Hội cấp xã", "Cơ sở (xã, phường)", "Xã Liên Hà")
    # The unit itself and its sub-units are not offered as its parent.
    assert dialog.parent_unit.findText("Hội Liên hiệp Phụ nữ xã Liên Hà") < 0

    dialog.name.selectAll()
    # QTest types only Latin-1 keys; Vietnamese arrives as an input method inserts it, the rest is typed.
    dialog.name.insert("Hội Phụ nữ xã Liên Hà")
    qtbot.keyClicks(dialog.name, " (2024)")
    _pick(dialog.kind, "Mặt trận và đoàn thể")
    _pick(dialog.level, "Huyện")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Enter)

    assert tab.unit_dialog is None
    edited = units.get_unit(unit_id)
    assert (edited.name, edited.kind, edited.level) == ("Hội Phụ nữ xã Liên Hà (2024)", "Mặt trận và đoàn thể", "Huyện")
    assert edited.model_count > 0 and edited.parent_id == units.find_unit("Xã Liên Hà").id  # nothing else lost
    assert _row_texts(tab, unit_id)[:3] == ["Hội Phụ nữ xã Liên Hà (2024)", "Mặt trận và đoàn thể", "Huyện"]


def test_enter_on_a_row_opens_it_and_cancel_changes_nothing(tab, qtbot):
    _select(tab, "Xã Mê Linh")
    before = units.find_unit("Xã Mê Linh")
    tab.tree.setFocus()
    qtbot.keyClick(tab.tree, Qt.Key.Key_Return)
    dialog = tab.unit_dialog
    assert dialog is not None and dialog.windowTitle() == "Sửa đơn vị «Xã Mê Linh»"
    _pick(dialog.kind, "Khu dân cư")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Escape)
    assert tab.unit_dialog is None
    assert units.find_unit("Xã Mê Linh") == before


def test_refused_name_shown_beside_the_field_dialog_stays_open(tab, qtbot):
    tab.add_root()
    dialog = tab.unit_dialog
    qtbot.keyClicks(dialog.name, "XA ME LINH")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert tab.unit_dialog is dialog and dialog.isVisible()
    assert dialog.errors["name"].isVisibleTo(dialog)
    assert "«XA ME LINH» đã có trong danh sách đơn vị" in dialog.errors["name"].text()
    # The dialog grew so the wrapped message is not cut off.
    assert dialog.height() >= dialog.layout().totalHeightForWidth(dialog.width())

    dialog.parent_unit.setEditText("Đơn vị không có")
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Chi bo thon 3")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    assert tab.unit_dialog is dialog and not dialog.errors["name"].isVisibleTo(dialog)
    assert dialog.errors["parent"].isVisibleTo(dialog) and "«Đơn vị không có»" in dialog.errors["parent"].text()
    assert units.find_unit("Chi bo thon 3") is None
    dialog.reject()


def test_add_child_presets_the_parent(tab, qtbot, no_modal_messages):
    tab.tree.setCurrentIndex(tab.tree_model.index(-1, 0))
    tab.add_child()
    assert tab.unit_dialog is None and no_modal_messages[-1] == ("info", "Hãy chọn đơn vị cấp trên trước.")
    _select(tab, "Xã Phi Tô")
    tab.add_child()
    dialog = tab.unit_dialog
    assert dialog.windowTitle() == "Thêm đơn vị trực thuộc «Xã Phi Tô»"
    assert dialog.parent_unit.currentText() == "Xã Phi Tô"
    qtbot.keyClicks(dialog.name, "Chi doan thon Phi Co")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    created = units.find_unit("Chi doan thon Phi Co")
    assert created.parent_id == units.find_unit("Xã Phi Tô").id and created.kind == ""
    assert _row_texts(tab, created.id)[1] == statistics.NO_UNIT_KIND


def test_statistics_by_unit_kind_follow_the_dialog(tab, qtbot):
    def add(name: str, kind: str) -> int:
        tab.add_root()
        dialog = tab.unit_dialog
        qtbot.keyClicks(dialog.name, name)
        if kind:
            _pick(dialog.kind, kind)
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
        assert tab.unit_dialog is None
        return units.find_unit(name).id

    school = add("Truong Tieu hoc Lien Ha", "Trường học, đơn vị sự nghiệp")
    loose = add("To hop tac ca phe Lien Ha", "")
    field_id = catalogues.find("field", "Kinh tế").id
    for name, unit_id in (("Thu gom rac o truong", school), ("Ca phe sach", loose)):
        create_model(ModelInput(name=name, year=2023, field_id=field_id, unit_id=unit_id, kind=domain.KIND_COLLECTIVE))
    before = statistics.year_stats(2023).by_unit_kind
    assert before["Trường học, đơn vị sự nghiệp"] == 1
    unsorted = before.get(statistics.NO_UNIT_KIND, 0)
    assert unsorted >= 1

    # Giving the loose unit a kind in the dialog moves its model out of «Chưa phân loại».
    _select(tab, "To hop tac ca phe Lien Ha")
    tab.tree.setFocus()
    qtbot.keyClick(tab.tree, Qt.Key.Key_Return)
    assert tab.unit_dialog.unit_id == loose
    _pick(tab.unit_dialog.kind, "Trường học, đơn vị sự nghiệp")
    qtbot.keyClick(tab.unit_dialog.name, Qt.Key.Key_Return)
    after = statistics.year_stats(2023).by_unit_kind
    assert after["Trường học, đơn vị sự nghiệp"] == 2
    assert after.get(statistics.NO_UNIT_KIND, 0) == unsorted - 1


def test_renaming_a_kind_shows_in_the_unit_tree(window, tab, monkeypatch):
    from ui import messages

    kinds = window.pages["catalogues"].lists["unit_kind"]
    row = next(r for r in range(kinds.list_model.rowCount()) if kinds.list_model.item(r).name == "Hội cấp xã")
    kinds.view.setCurrentIndex(kinds.list_model.index(row))
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Hội quần chúng cấp xã")
    kinds.rename()
    unit = units.find_unit("Hội Nông dân xã Mê Linh")
    assert _row_texts(tab, unit.id)[1] == "Hội quần chúng cấp xã"
