"""Two editors on one model: the second save is refused with a sentence, the first save stands."""

from __future__ import annotations

import pytest

from desktop_app import domain
from desktop_app.services import catalogues, status
from desktop_app.services.models import ModelInput, create_model, get_model
from ui.editor import ModelEditorDialog


@pytest.fixture(autouse=True)
def _unsaved_question_answers_discard(monkeypatch):
    """qtbot closes the dirty dialogs after the test; the save/discard question must not block."""
    from ui.editor import dialog as dialog_module

    monkeypatch.setattr(dialog_module, "ask_unsaved_changes", lambda parent: dialog_module.DISCARD)


@pytest.fixture
def model_id(db) -> int:
    field = catalogues.find("field", "Kinh tế")
    assert field is not None
    return create_model(ModelInput(name="Nuôi heo đất", year=2023, field_id=field.id))


def _editor(qtbot, model_id: int) -> ModelEditorDialog:
    dialog = ModelEditorDialog(None, model_id, 2023)
    qtbot.addWidget(dialog)
    return dialog


def test_the_second_editor_is_refused_and_the_first_save_kept(model_id, qtbot, no_modal_messages):
    first, second = _editor(qtbot, model_id), _editor(qtbot, model_id)
    first.name.setText("Nuôi heo đất giúp hội viên")
    assert first.save()
    second.name.setText("Heo đất của chi hội")
    assert not second.save()
    [(kind, message)] = no_modal_messages
    assert kind == "error" and message.startswith("Mô hình «Nuôi heo đất giúp hội viên» vừa được sửa ở nơi khác")
    assert get_model(model_id).row.name == "Nuôi heo đất giúp hội viên"
    assert second.name.text() == "Heo đất của chi hội"  # still on screen, to copy from after reopening
    assert first.save()  # the first editor saved that version itself: it may go on


def test_a_status_change_elsewhere_makes_the_open_editor_stale(model_id, qtbot, no_modal_messages):
    dialog = _editor(qtbot, model_id)
    status.change_status([model_id], domain.PROPOSED)  # the list's bulk status menu, say
    dialog.name.setText("Tên mới")
    assert not dialog.save()
    assert "vừa được sửa ở nơi khác" in no_modal_messages[-1][1]
    assert get_model(model_id).row.status == domain.PROPOSED


def test_the_editors_own_status_change_does_not_block_its_save(model_id, qtbot, no_modal_messages):
    dialog = _editor(qtbot, model_id)
    tab = dialog.status_tab
    tab.next_combo.setCurrentIndex(tab.next_combo.findData(domain.PROPOSED))
    tab.apply()
    assert get_model(model_id).row.status == domain.PROPOSED
    dialog.name.setText("Tên mới")
    assert dialog.save(), no_modal_messages
    detail = get_model(model_id)
    assert detail.row.name == "Tên mới" and detail.row.status == domain.PROPOSED
