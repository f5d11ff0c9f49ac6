"""Defects a tester found in the editor and the model list, each checked the way the clerk meets it."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from desktop_app import domain
from desktop_app.services import units
from desktop_app.services.models import get_model
from desktop_app.storage.models import MoHinh
from ui.editor import ModelEditorDialog
from ui.editor import dialog as dialog_module

REAL_ASK = dialog_module.ask_unsaved_changes


@pytest.fixture(autouse=True)
def _unsaved_question_answers_discard(monkeypatch):
    """qtbot closes dialogs left dirty; the editor's own question box must not block that."""
    monkeypatch.setattr(dialog_module, "ask_unsaved_changes", lambda parent: dialog_module.DISCARD)


def _editor(qtbot, model_id=None, year=2023) -> ModelEditorDialog:
    dialog = ModelEditorDialog(None, model_id, year)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return dialog


def _named(dialog: ModelEditorDialog, name: str = "Mẹ đỡ đầu") -> None:
    dialog.name.setText(name)
    dialog.field.setCurrentIndex(1)


# ----------------------------------------------------------------- 1. negative amounts


def test_a_negative_amount_is_refused_at_its_cell(db, qtbot):
    dialog = _editor(qtbot)
    _named(dialog)
    model = dialog.indicators
    row = model.add_row()
    model.setData(model.index(row, 0), "Tiền vận động")
    model.setData(model.index(row, 1), "đồng")
    assert not model.setData(model.index(row, 3), "-5 triệu")
    assert model.index(row, 3).data() == ""  # nothing negative was kept, nothing is printed
    label = dialog.errors["indicators"]
    assert not label.isHidden()
    assert label.text() == "Dòng 1, cột «Đạt được»: «-5 triệu» là số âm; số lượng, số tiền, tỷ lệ không được âm."
    assert dialog.indicator_view.currentIndex() == model.index(row, 3)


def test_a_percentage_above_100_found_at_save_goes_to_its_cell(db, qtbot):
    dialog = _editor(qtbot)
    _named(dialog)
    model = dialog.indicators
    row = model.add_row()
    model.setData(model.index(row, 0), "Hồ sơ đúng hạn")
    assert model.setData(model.index(row, 3), "120")  # the unit is not known yet: 120 may be a count
    model.setData(model.index(row, 1), "%")
    dialog.tabs.setCurrentIndex(0)
    assert dialog.save() is False
    assert dialog.tabs.currentWidget() is dialog.indicator_view.parentWidget()
    assert dialog.indicator_view.currentIndex() == model.index(row, 3)
    assert "Chỉ tiêu dòng 1: cột «Đạt được»: «120» vượt quá 100%" in dialog.errors["indicators"].text()
    assert MoHinh.select().count() == 0


# ----------------------------------------------------------------- 2. dates


def test_an_impossible_day_is_explained_in_vietnamese(db, qtbot):
    dialog = _editor(qtbot)
    _named(dialog)
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.end_date, "31/02/2023")
    assert dialog.save() is False
    text = dialog.errors["end_date"].text()
    assert text == "Ngày 31/02/2023 không có thật: tháng 2 năm 2023 chỉ có 28 ngày."
    assert "out of range" not in text and dialog.end_date.hasFocus()


def test_a_year_typed_with_a_superscript_is_a_vietnamese_message(db, qtbot):
    dialog = _editor(qtbot)
    _named(dialog)
    dialog.year_edit.setText("²")  # str.isdigit() says yes, int() then fails in English
    assert dialog.save() is False
    assert dialog.errors["year"].text() == "«²» không phải là số nguyên."


# ----------------------------------------------------------------- 3. errors clear when fixed


def test_a_field_error_clears_when_that_field_is_corrected(db, qtbot):
    dialog = _editor(qtbot)
    dialog.field.setCurrentIndex(1)
    assert dialog.save() is False
    assert dialog.errors["name"].isVisibleTo(dialog)
    qtbot.keyClicks(dialog.name, "Me do dau")  # QTest types ASCII only
    assert not dialog.errors["name"].isVisibleTo(dialog)

    dialog.tabs.setCurrentIndex(1)
    dialog.start_date.setText("30/02/2023")
    assert dialog.save() is False and dialog.errors["start_date"].isVisibleTo(dialog)
    dialog.start_date.clear()
    qtbot.keyClicks(dialog.start_date, "28/02/2023")
    assert not dialog.errors["start_date"].isVisibleTo(dialog)


def test_an_indicator_error_clears_when_the_cell_is_typed_right(db, qtbot):
    dialog = _editor(qtbot)
    _named(dialog)
    model = dialog.indicators
    row = model.add_row()
    model.setData(model.index(row, 0), "Hộ được hỗ trợ")
    assert not model.setData(model.index(row, 2), "-3")
    assert not dialog.errors["indicators"].isHidden()
    assert model.setData(model.index(row, 2), "3")
    assert dialog.errors["indicators"].isHidden()


def test_an_error_left_in_another_field_stays_until_a_successful_save(db, qtbot):
    dialog = _editor(qtbot)
    _named(dialog, "")
    assert dialog.save() is False
    qtbot.keyClicks(dialog.address, "thon 3")  # not the field in error
    assert dialog.errors["name"].isVisibleTo(dialog)
    dialog.name.setText("Mẹ đỡ đầu")
    assert dialog.save() is True
    assert not any(label.isVisibleTo(dialog) for label in dialog.errors.values())


# ----------------------------------------------------------------- 4. the unsaved-changes question


def _answer_with(monkeypatch, qtbot, key: Qt.Key) -> dict:
    """Run the real question box, shown, and answer it with one key press as the clerk would."""
    seen: dict = {}

    def press(box: QMessageBox) -> int:
        seen["buttons"] = [b.text() for b in box.buttons()]
        seen["default"] = box.defaultButton().text()
        seen["escape"] = box.escapeButton().text()
        box.show()
        qtbot.waitExposed(box)
        qtbot.keyClick(box, key)
        seen["hidden"] = not box.isVisible()
        return box.result()

    monkeypatch.setattr(QMessageBox, "exec", press)
    monkeypatch.setattr(dialog_module, "ask_unsaved_changes", REAL_ASK)
    return seen


def test_enter_on_the_question_saves_instead_of_discarding(db, qtbot, monkeypatch):
    dialog = _editor(qtbot)
    seen = _answer_with(monkeypatch, qtbot, Qt.Key.Key_Return)
    qtbot.keyClicks(dialog.name, "Thu gom ve chai")  # no field chosen yet: the save will be refused
    dialog.reject()
    assert sorted(seen["buttons"]) == sorted(["Lưu", "Bỏ thay đổi", "Tiếp tục sửa"])
    assert seen["default"] == "Lưu" and seen["escape"] == "Tiếp tục sửa" and seen["hidden"]
    assert dialog.isVisible() and dialog.dirty  # refused save: the work and the dialog stay
    assert "Chưa chọn lĩnh vực" in dialog.errors["field"].text()

    dialog.field.setCurrentIndex(1)
    dialog.reject()
    assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted
    assert MoHinh.get(MoHinh.name == "Thu gom ve chai").field_id is not None


def test_escape_on_the_question_goes_back_to_editing(db, qtbot, monkeypatch):
    dialog = _editor(qtbot)
    _answer_with(monkeypatch, qtbot, Qt.Key.Key_Escape)
    qtbot.keyClicks(dialog.name, "Thu gom ve chai")
    dialog.reject()
    assert dialog.isVisible() and dialog.name.text() == "Thu gom ve chai"
    assert MoHinh.select().count() == 0


# ----------------------------------------------------------------- 6. unit search without diacritics


def test_unit_search_ignores_diacritics(db, qtbot):
    youth = units.create_unit("Đoàn Thanh niên xã Mê Linh")
    women = units.create_unit("Hội Liên hiệp Phụ nữ xã Mê Linh")
    units.create_unit("Hội Nông dân xã Mê Linh")
    dialog = _editor(qtbot)
    completer = dialog.unit_completer
    line = dialog.unit.lineEdit()

    def offered() -> list[str]:
        model = completer.completionModel()
        return [model.index(r, 0).data() for r in range(model.rowCount())]

    qtbot.keyClicks(line, "doan")
    assert offered() == ["Đoàn Thanh niên xã Mê Linh"]
    assert completer.popup().isVisible()
    line.clear()
    qtbot.keyClicks(line, "phu nu")
    assert offered() == ["Hội Liên hiệp Phụ nữ xã Mê Linh"]
    line.clear()
    qtbot.keyClicks(line, "ME LINH")
    assert len(offered()) == 3
    line.clear()
    qtbot.keyClicks(line, "doan")
    popup = completer.popup()
    popup.setCurrentIndex(completer.completionModel().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert dialog.unit.currentData() == youth.id and dialog._unit_id() == youth.id
    assert women.id != youth.id


# ----------------------------------------------------------------- 7. Ông / Bà


def test_honorific_is_saved_and_printed_on_the_certificate(demo_db, qtbot, tmp_path):
    from pypdf import PdfReader

    from desktop_app.appraisal import council, criteria, scoring
    from desktop_app.documents.certificates import build_certificates

    model_id = 3
    dialog = _editor(qtbot, model_id)
    assert not dialog.honorific.isVisibleTo(dialog)  # a collective model has nobody to address
    dialog.kind.setCurrentIndex(dialog.kind.findData(domain.KIND_INDIVIDUAL))
    assert dialog.honorific.isVisibleTo(dialog)
    assert [dialog.honorific.itemText(i) for i in range(dialog.honorific.count())] == ["(chưa chọn)", "Ông", "Bà"]
    dialog.honorific.setCurrentIndex(dialog.honorific.findData("Ông"))
    dialog.person["person_name"].setText("Nguyễn Văn Tám")
    assert dialog.save()
    assert get_model(model_id).data.person_honorific == "Ông"
    reopened = _editor(qtbot, model_id)
    assert reopened.honorific.currentText() == "Ông"

    # The council scores the exemplar on the individual criteria, so that it is recognised.
    level_id = get_model(model_id).data.level_id
    sheet = {c.id: c.max_points for c in criteria.criteria_set_for(2023, domain.KIND_INDIVIDUAL, level_id).criteria}
    for member in council.council_members(2023):
        if council.assigned_model_ids(member, [model_id]):
            scoring.save_sheet(2023, member.id, model_id, sheet)
    pdf = build_certificates(2023, tmp_path / "giấy khen.pdf", model_ids=[model_id])
    printed = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(str(pdf)).pages)
    assert "Tặng Ông Nguyễn Văn Tám" in printed


# ----------------------------------------------------------------- 5. the list's status menu


def test_status_menu_offers_only_manual_statuses(window, no_modal_messages):
    page = window.pages["models"]
    codes = [a.data() for a in page.status_menu.actions() if a.isEnabled() and a.data()]
    assert codes == [domain.REGISTERED, domain.IN_PROGRESS, domain.PROPOSED, domain.RETURNED, domain.WITHDRAWN]
    hint = [a.text() for a in page.status_menu.actions() if not a.isEnabled() and a.text()]
    assert hint == ["«Công nhận» / «Không công nhận»: theo quyết định ở mục «Công nhận»"]

    page.table.selectRow(0)
    model_id = page.selected_ids()[0]
    next(a for a in page.status_menu.actions() if a.data() == domain.IN_PROGRESS).trigger()
    assert MoHinh.get_by_id(model_id).status == domain.IN_PROGRESS

    page.table.selectRow(page.table_model.position_of(model_id))
    asked = len(no_modal_messages)
    page.change_status(domain.RECOGNISED)  # e.g. from an old habit: refused, saying where to go
    assert len(no_modal_messages) == asked + 1  # no pointless "are you sure?" first
    assert no_modal_messages[-1][0] == "error" and "mục «Công nhận»" in no_modal_messages[-1][1]
    assert MoHinh.get_by_id(model_id).status == domain.IN_PROGRESS


def test_list_buttons_do_not_pass_the_checked_flag(window):
    page = window.pages["models"]
    page.search.setText("heo")
    page.apply_filter()
    filtered = page.table_model.rowCount()
    clear = next(b for b in page.findChildren(type(page.edit_button)) if b.text() == "Bỏ lọc")
    clear.click()
    assert page.search.text() == "" and page.table_model.rowCount() > filtered
