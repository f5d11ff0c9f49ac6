import pytest

from desktop_app.office import STYLE_STATE
from desktop_app.services import settings, units
from ui import messages


def test_first_run_setup_saves_the_office(db, qtbot, qapp):
    from ui.setup_dialog import SetupDialog
    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    assert not settings.is_configured()
    dialog.accept()  # nothing typed: refused, with the message beside the field
    assert dialog.result() == 0 and not settings.is_configured()
    assert dialog.form.errors["issuing_body"].isVisibleTo(dialog)
    # QTest can only type Latin-1 keys; Vietnamese text arrives as an input method would insert it.
    dialog.form.edits["issuing_body"].insert("ỦY BAN NHÂN DÂN XÃ ĐẠ ĐỜN")
    dialog.form.edits["place_name"].insert("Đạ Đờn")
    dialog.form.style_combo.setCurrentIndex(dialog.form.style_combo.findData(STYLE_STATE))
    assert dialog.form.edits["signing_authority"].text() == "TM. ỦY BAN NHÂN DÂN"
    dialog.demo_check.setChecked(True)
    dialog.accept()
    assert dialog.result() == 1 and dialog.load_demo
    office = settings.get_office()
    assert office.issuing_body == "ỦY BAN NHÂN DÂN XÃ ĐẠ ĐỜN" and office.document_style == STYLE_STATE
    assert office.document_number(7) == "Số: 7/QĐ-UBND"


def test_units_tree_add_child_rename_merge(window, monkeypatch):
    page = window.pages["catalogues"].units_tab
    root = page.model.index(0, 0)
    page.tree.setCurrentIndex(root)
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Chi hội Phụ nữ thôn Đạ Ty")
    page.add_child()
    created = units.find_unit("chi hoi phu nu thon da ty")
    assert created is not None and created.parent_id == page.model.unit_at(root).id
    monkeypatch.setattr(messages, "ask_text", lambda *a, **k: "Chi hội Phụ nữ thôn Đạ Ty (mới)")
    page.rename()
    assert units.get_unit(created.id).name == "Chi hội Phụ nữ thôn Đạ Ty (mới)"
    target = units.find_unit("Hội Liên hiệp Phụ nữ xã Đạ Đờn")
    names = [u.name for u in units.list_units() if u.id != created.id]
    monkeypatch.setattr(messages, "ask_item", lambda *a, **k: names.index(target.name))
    page.merge()
    with pytest.raises(Exception):
        units.get_unit(created.id)


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
    job = page.backup_to(tmp_path / "sao lưu.zip")
    with qtbot.waitSignal(job.done, timeout=10000):
        pass
    qtbot.waitUntil(lambda: any(kind == "info" for kind, _ in no_modal_messages), timeout=3000)
    assert (tmp_path / "sao lưu.zip").exists()


def test_messages_use_vietnamese_buttons(qapp):
    from PySide6.QtWidgets import QDialogButtonBox
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    messages.translate_buttons(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "Đồng ý"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Hủy"
