"""Ctrl+Z and Ctrl+Y in the model editor: the clerk takes back field edits before saving, in the order made."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit

from desktop_app import domain
from desktop_app.services import catalogues
from desktop_app.services.models import IndicatorData, ModelInput, create_model, get_model
from ui.editor import ModelEditorDialog
from ui.editor import dialog as dialog_module

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture(autouse=True)
def _unsaved_question_answers_discard(monkeypatch):
    """qtbot closes dialogs left dirty; the editor's own question box must not block that."""
    monkeypatch.setattr(dialog_module, "ask_unsaved_changes", lambda parent: dialog_module.DISCARD)


@pytest.fixture
def model_id(db) -> int:
    field = catalogues.find("field", "Kinh tế")
    assert field is not None
    return create_model(
        ModelInput(
            name="Nuôi heo đất",
            year=2023,
            field_id=field.id,
            situation="Hộ nghèo thiếu vốn.",
            start_date="01/02/2023",
            indicators=[IndicatorData("Số hộ tham gia", "hộ", target=50, achieved=40)],
        )
    )


def _editor(qtbot, model_id=None, year=2023) -> ModelEditorDialog:
    dialog = ModelEditorDialog(None, model_id, year)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return dialog


def _type(qtbot, widget, text: str) -> None:
    """Go to the field as the clerk does (a click or Tab gives it the focus), then type."""
    widget.setFocus()
    qtbot.waitUntil(widget.hasFocus, timeout=2000)
    if isinstance(widget, QLineEdit):
        widget.end(False)
    elif isinstance(widget, QPlainTextEdit):
        widget.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(widget, text)


def _undo(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL)


def _redo(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Y, CTRL)


def _focused(dialog):
    return dialog.focusWidget()


def test_opening_a_model_leaves_nothing_to_undo(model_id, qtbot):
    dialog = _editor(qtbot, model_id)
    assert dialog.undo.stack.count() == 0 and dialog.undo.stack.isClean()
    back, again = (b for b in dialog.findChildren(type(dialog.save_button)) if b.text() in ("Hoàn tác", "Làm lại"))
    assert not back.isEnabled() and not again.isEnabled()
    assert back.toolTip().startswith("Hoàn tác (Ctrl+Z)")
    _undo(qtbot, dialog.name)
    assert dialog.name.text() == "Nuôi heo đất" and not dialog.dirty


def test_three_fields_are_undone_in_reverse_order(model_id, qtbot):
    dialog = _editor(qtbot, model_id)
    situation, start = dialog.inputs["situation"], dialog.start_date
    _type(qtbot, dialog.name, " xanh")
    dialog.tabs.setCurrentIndex(1)
    _type(qtbot, situation, " Nay co von.")
    _type(qtbot, start, "x")  # the date typed is checked at save; here it is just text
    assert dialog.undo.stack.count() == 3 and dialog.dirty

    _undo(qtbot, start)
    assert start.text() == "01/02/2023"
    assert situation.toPlainText() == "Hộ nghèo thiếu vốn. Nay co von." and dialog.name.text() == "Nuôi heo đất xanh"
    _undo(qtbot, _focused(dialog))
    assert situation.toPlainText() == "Hộ nghèo thiếu vốn."
    assert situation.hasFocus() and start.text() == "01/02/2023"
    _undo(qtbot, _focused(dialog))
    # The name is on the first tab: the editor went back there to show what it took back.
    assert dialog.name.text() == "Nuôi heo đất"
    assert dialog.tabs.currentIndex() == 0 and dialog.name.hasFocus()
    assert not dialog.dirty  # back to what was loaded: closing asks nothing
    assert not dialog.undo.stack.canUndo()


def test_a_word_typed_is_taken_back_whole(model_id, qtbot):
    dialog = _editor(qtbot, model_id)
    _type(qtbot, dialog.name, " vung cao")
    assert dialog.undo.stack.count() == 1
    _undo(qtbot, dialog.name)
    assert dialog.name.text() == "Nuôi heo đất"
    assert dialog.name.cursorPosition() == len("Nuôi heo đất")  # the cursor where the words were


def test_ctrl_y_and_ctrl_shift_z_redo(model_id, qtbot):
    dialog = _editor(qtbot, model_id)
    _type(qtbot, dialog.name, " 2")
    _type(qtbot, dialog.year_edit, "")  # another field: the next typing in the name is a new step
    _type(qtbot, dialog.name, "4")
    assert dialog.undo.stack.count() == 2
    _undo(qtbot, dialog.name)
    _undo(qtbot, dialog.name)
    assert dialog.name.text() == "Nuôi heo đất" and not dialog.dirty
    _redo(qtbot, dialog.name)
    assert dialog.name.text() == "Nuôi heo đất 2" and dialog.dirty
    qtbot.keyClick(dialog.name, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert dialog.name.text() == "Nuôi heo đất 24"
    assert not dialog.undo.stack.canRedo() and dialog.undo.stack.count() == 2  # redoing made no new steps


def test_a_combo_change_and_an_indicator_cell_are_undone(model_id, qtbot):
    dialog = _editor(qtbot, model_id)
    dialog.kind.setFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    assert dialog.kind.currentData() == domain.KIND_INDIVIDUAL and dialog.person_box.isVisibleTo(dialog)
    model = dialog.indicators
    dialog.tabs.setCurrentIndex(2)
    assert model.setData(model.index(0, 3), "45")
    assert model.index(0, 3).data() == "45"

    _undo(qtbot, dialog.indicator_view)
    assert model.index(0, 3).data() == "40"
    assert dialog.indicator_view.currentIndex() == model.index(0, 3)
    _undo(qtbot, dialog.indicator_view)
    assert dialog.kind.currentData() != domain.KIND_INDIVIDUAL and not dialog.person_box.isVisibleTo(dialog)
    assert dialog.tabs.currentIndex() == 0 and dialog.kind.hasFocus()
    assert not dialog.dirty
    dialog.save()
    assert get_model(model_id).indicators[0].achieved == 40


def test_indicator_rows_added_and_removed_are_undone(model_id, qtbot):
    dialog = _editor(qtbot, model_id)
    model = dialog.indicators
    row = model.add_row()
    model.setData(model.index(row, 0), "Tiền vận động")
    model.remove_row(0)
    assert [r.name for r in model.rows()] == ["Tiền vận động"]
    _undo(qtbot, dialog.indicator_view)
    assert [r.name for r in model.rows()] == ["Số hộ tham gia", "Tiền vận động"]
    _undo(qtbot, dialog.indicator_view)
    assert [r.name for r in model.rows()] == ["Số hộ tham gia", ""]
    _undo(qtbot, dialog.indicator_view)
    assert [r.name for r in model.rows()] == ["Số hộ tham gia"]
    assert "chỉ tiêu" in dialog.undo.stack.redoText()


def test_ctrl_z_while_typing_in_a_cell_takes_back_only_the_cell(model_id, qtbot):
    dialog = _editor(qtbot, model_id)
    _type(qtbot, dialog.name, "!")
    dialog.tabs.setCurrentIndex(2)
    view, model = dialog.indicator_view, dialog.indicators
    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))  # every edit trigger is on: this may open the cell's editor already
    if view.indexWidget(model.index(0, 0)) is None:
        view.edit(model.index(0, 0))
    editor = view.indexWidget(model.index(0, 0))
    assert isinstance(editor, QLineEdit)
    qtbot.waitUntil(editor.hasFocus, timeout=2000)
    qtbot.keyClicks(editor, " moi")
    _undo(qtbot, editor)
    assert model.index(0, 0).data() == "Số hộ tham gia" and view.indexWidget(model.index(0, 0)) is None
    assert dialog.name.text() == "Nuôi heo đất!"  # the earlier step is still there for the next Ctrl+Z
    _undo(qtbot, view)
    assert dialog.name.text() == "Nuôi heo đất"


def test_ctrl_z_in_a_line_edit_uses_the_editors_history(model_id, qtbot):
    """The line edit's own undo knows only its own text; the editor's takes back the combo changed before it."""
    dialog = _editor(qtbot, model_id)
    dialog.level.setFocus()
    dialog.level.setCurrentIndex(2)
    _type(qtbot, dialog.inputs["lead_name"], "Ba Lan")
    lead = dialog.inputs["lead_name"]
    _undo(qtbot, lead)
    assert lead.text() == "" and dialog.level.currentIndex() == 2
    lead.setFocus()
    _undo(qtbot, lead)
    assert dialog.level.currentIndex() == 0
    _redo(qtbot, dialog.level)
    assert dialog.level.currentIndex() == 2


def test_a_new_paragraph_is_a_new_step(model_id, qtbot):
    dialog = _editor(qtbot, model_id)
    dialog.tabs.setCurrentIndex(1)
    text = dialog.inputs["situation"]
    _type(qtbot, text, " Xa xa.")
    qtbot.keyClick(text, Qt.Key.Key_Return)
    qtbot.keyClicks(text, "Doan ke")
    _undo(qtbot, text)
    assert text.toPlainText() == "Hộ nghèo thiếu vốn. Xa xa."
    _undo(qtbot, text)
    assert text.toPlainText() == "Hộ nghèo thiếu vốn."


def test_typing_and_erasing_leaves_nothing_unsaved(model_id, qtbot):
    dialog = _editor(qtbot, model_id)
    _type(qtbot, dialog.name, "ab")
    assert dialog.dirty
    qtbot.keyClick(dialog.name, Qt.Key.Key_Backspace)
    qtbot.keyClick(dialog.name, Qt.Key.Key_Backspace)
    assert not dialog.dirty and dialog.undo.stack.count() == 0


def test_undo_after_saving_makes_the_editor_unsaved_again(model_id, qtbot):
    dialog = _editor(qtbot, model_id)
    _type(qtbot, dialog.name, " xanh")
    assert dialog.save() and not dialog.dirty
    _undo(qtbot, dialog.name)
    assert dialog.name.text() == "Nuôi heo đất" and dialog.dirty
    _redo(qtbot, dialog.name)
    assert not dialog.dirty  # as saved
    _type(qtbot, dialog.name, "!")  # after the save: a step of its own, not merged into the saved one
    assert dialog.undo.stack.count() == 2


def test_a_typed_unit_and_a_link_are_undone(model_id, qtbot, db):
    other = create_model(ModelInput(name="Tổ vay vốn", year=2022, field_id=get_model(model_id).data.field_id))
    dialog = _editor(qtbot, model_id)
    _type(qtbot, dialog.unit.lineEdit(), "Hoi")
    dialog.links.set_link("continues_id", other, "Tổ vay vốn (2022)")
    _undo(qtbot, dialog.unit.lineEdit())
    assert dialog.links.links["continues_id"] is None and dialog.links.labels["continues_id"].text() == "(không có)"
    assert dialog.tabs.currentWidget() is dialog.links
    _undo(qtbot, dialog.links)
    assert dialog.unit.currentText() == ""
    assert not dialog.dirty
