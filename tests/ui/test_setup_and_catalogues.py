import pytest

from desktop_app.errors import NotFoundError
from desktop_app.office import STYLE_STATE
from desktop_app.services import settings, units
from ui import messages


def test_first_run_setup_saves_the_office(db, qtbot, qapp):
    from ui.setup_dialog import SetupDialog

    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    assert not settings.is_configured()
    form = dialog.form
    assert not any(box.checked for box in form.boxes.values()) and form.style_combo.count() == 0
    dialog.accept()  # nothing typed: refused, with the message beside the styles
    assert dialog.result() == 0 and not settings.is_configured()
    assert form.errors["issuing_body"].isVisibleTo(dialog) and "Đánh dấu ô" in form.errors["issuing_body"].text()
    state = form.boxes[STYLE_STATE]
    state.check.click()  # ticking a style suggests what every office of that system writes
    assert state.edits["signing_authority"].text() == "TM. ỦY BAN NHÂN DÂN" and state.edits["symbol"].text() == "UBND"
    assert state.example.text() == "Ví dụ: Số: 125/QĐ-UBND"
    # QTest can only type Latin-1 keys; Vietnamese text arrives as an input method would insert it.
    state.edits["issuing_body"].insert("ỦY BAN NHÂN DÂN XÃ ĐẠ ĐỜN")
    form.edits["place_name"].insert("Đạ Đờn")
    dialog.demo_check.setChecked(True)
    dialog.accept()
    assert dialog.result() == 1 and dialog.load_demo
    office = settings.get_office()
    assert office.name == "ỦY BAN NHÂN DÂN XÃ ĐẠ ĐỜN" and office.document_style == STYLE_STATE
    assert office.styles == [STYLE_STATE]  # the Party box stayed unticked: no identity in that style
    assert office.issuer().number_line("QĐ", 7) == "Số: 7/QĐ-UBND"


def test_units_tree_add_child_rename_merge(window, monkeypatch):
    window.show_page("catalogues")  # the units are read when the page is shown
    page = window.pages["catalogues"].units_tab
    root = page.tree_model.index(0, 0)
    page.tree.setCurrentIndex(root)
    root_id = page.tree_model.unit_at(root).id  # the index itself dies with the reload after saving
    page.add_child()
    dialog = page.unit_dialog
    assert dialog.windowTitle().startswith("Thêm đơn vị trực thuộc")
    dialog.name.insert("Chi hội Phụ nữ thôn Đạ Ty")
    dialog.accept()
    created = units.find_unit("chi hoi phu nu thon da ty")
    assert created is not None and created.parent_id == root_id
    page.tree.setCurrentIndex(page.tree_model.index_of(created.id))
    page.edit()
    page.unit_dialog.name.setText("Chi hội Phụ nữ thôn Đạ Ty (mới)")
    page.unit_dialog.accept()
    assert page.unit_dialog is None
    assert units.get_unit(created.id).name == "Chi hội Phụ nữ thôn Đạ Ty (mới)"
    target = units.find_unit("Hội Liên hiệp Phụ nữ xã Đạ Đờn")
    names = [u.name for u in units.list_units() if u.id != created.id]
    monkeypatch.setattr(messages, "ask_item", lambda *a, **k: names.index(target.name))
    page.merge()
    with pytest.raises(NotFoundError, match="Không tìm thấy đơn vị đã chọn"):
        units.get_unit(created.id)


def test_catalogue_tabs_add_rename_hide_and_order(window, monkeypatch, no_modal_messages):
    """The field / level / unit kind lists still work beside the unit dialog (their buttons pass no «checked»)."""
    from PySide6.QtWidgets import QPushButton

    from desktop_app.services import catalogues

    tab = window.pages["catalogues"].lists["level"]
    buttons = {b.text(): b for b in tab.findChildren(QPushButton)}
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Cấp ủy cơ sở")
    buttons["Thêm…"].click()
    added = catalogues.find("level", "cap uy co so")
    assert added is not None and tab.current().id == added.id
    buttons["Lên"].click()
    assert [i.name for i in catalogues.list_items("level")][-2:] == ["Cấp ủy cơ sở", "Tỉnh"]
    buttons["Ẩn / hiện"].click()
    assert not catalogues.get("level", added.id).active
    assert tab.list_model.index(tab.view.currentIndex().row()).data() == "Cấp ủy cơ sở (đã ẩn)"
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Cấp ủy cơ sở (thí điểm)")
    buttons["Đổi tên…"].click()
    assert catalogues.get("level", added.id).name == "Cấp ủy cơ sở (thí điểm)"
    buttons["Xóa"].click()
    assert catalogues.find("level", "Cấp ủy cơ sở (thí điểm)") is None
    used = catalogues.find("level", "Huyện")
    tab.reload(used.id)
    buttons["Xóa"].click()  # in use by units and models: refused with the reason
    assert catalogues.find("level", "Huyện") is not None
    assert no_modal_messages[-1][0] == "error" and "đang được dùng" in no_modal_messages[-1][1]


def test_settings_page_validates_and_saves(window, qtbot):
    page = window.pages["settings"]
    page.form.edits["place_name"].clear()
    page.save_office()
    assert page.form.errors["place_name"].isVisibleTo(page)
    page.form.edits["place_name"].insert("Lâm Hà")
    page.save_office()
    assert settings.get_office().place_name == "Lâm Hà"


def test_backup_from_settings_runs_off_the_gui_thread(window, qtbot, tmp_path, no_modal_messages):
    page = window.pages["settings"]
    target = tmp_path / "sao lưu.zip"
    job = page.backup_to(target)
    with qtbot.waitSignal(job.done, timeout=10000):
        pass
    # The «Đã lưu» message names the file and offers to open it (messages.saved).
    qtbot.waitUntil(lambda: ("saved", target) in no_modal_messages, timeout=3000)
    assert target.exists()


def test_messages_use_vietnamese_buttons(qapp):
    from PySide6.QtWidgets import QDialogButtonBox

    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    messages.translate_buttons(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "Đồng ý"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Hủy"
