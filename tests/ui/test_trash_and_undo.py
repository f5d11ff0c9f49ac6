"""The trash page, «Hoàn tác» / «Làm lại» in the model list, and the history settings (issue 14)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktop_app import domain
from desktop_app.history import queries, record, trash, undo
from desktop_app.services.models import get_model, update_model
from desktop_app.storage.models import Indicator, MoHinh


def _select_rows(page, rows: list[int]) -> list[int]:
    selection = page.table.selectionModel()
    page.table.clearSelection()
    for row in rows:
        selection.select(page.table_model.index(row, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    return page.selected_ids()


def _model_with_indicators(page) -> int:
    """A row of the list whose model has indicators, so that their coming back is checked."""
    for row in range(page.table_model.rowCount()):
        if Indicator.select().where(Indicator.model == page.table_model.model_id(row)).exists():
            return row
    raise AssertionError("the demo year has models with indicators")


def _indicators(uuid: str) -> list[tuple[str, str]]:
    model = MoHinh.get(MoHinh.uuid == uuid)
    return sorted((i.name, str(i.achieved)) for i in Indicator.select().where(Indicator.model == model.id))


def _statuses(ids: list[int]) -> dict[int, str]:
    return {i: MoHinh.get_by_id(i).status for i in ids}


def _show(window, qtbot) -> None:
    """Shortcuts only reach a shown, active window."""
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow(), timeout=2000)


# ----------------------------------------------------------------- trash


def test_a_deleted_model_comes_back_from_the_trash_with_its_indicators(window, no_modal_messages):
    window.show_page("models")
    models = window.pages["models"]
    [model_id] = _select_rows(models, [_model_with_indicators(models)])
    uuid, name = MoHinh.get_by_id(model_id).uuid, MoHinh.get_by_id(model_id).name
    indicators = _indicators(uuid)
    assert indicators

    models.delete_selected()
    kind, question = no_modal_messages[-1]
    assert kind == "confirm" and "Thùng rác" in question and "Không thể hoàn tác" not in question
    assert MoHinh.get_or_none(MoHinh.uuid == uuid) is None
    assert models.table_model.rowCount() == 33

    window.show_page("trash")
    page = window.pages["trash"]
    assert page.table_model.rowCount() == 1
    assert [page.table_model.index(0, c).data() for c in (1, 2)] == [name, "2023"]
    assert page.table_model.index(0, 5).data()  # what came along: indicators, evidence…
    assert not page.table.isHidden() and page.empty_label.isHidden()
    assert not page.restore_button.isEnabled()  # nothing selected yet

    page.table.selectRow(0)
    assert page.restore_button.isEnabled()
    page.restore_button.click()

    assert no_modal_messages[-1] == ("info", f"Đã khôi phục «{name}».")
    assert _indicators(uuid) == indicators
    assert page.table_model.rowCount() == 0 and page.table.isHidden() and not page.empty_label.isHidden()
    assert models.table_model.rowCount() == 34  # the list reread when the trash said something came back


def test_deleting_forever_and_emptying_ask_first(window, monkeypatch, no_modal_messages):
    from ui import messages

    window.show_page("models")  # the user deletes on the list, then opens the trash
    models = window.pages["models"]
    _select_rows(models, [0, 1, 2])
    models.delete_selected()
    window.show_page("trash")
    page = window.pages["trash"]
    assert page.table_model.rowCount() == 3
    page.table.selectRow(0)
    doomed = page.selected_entries()[0]

    monkeypatch.setattr(messages, "confirm", lambda *a, **k: False)
    page.delete_button.click()
    assert page.table_model.rowCount() == 3

    monkeypatch.setattr(messages, "confirm", lambda *a, **k: no_modal_messages.append(("confirm", a[1])) or True)
    page.delete_button.click()
    assert "vĩnh viễn" in no_modal_messages[-1][1] and f"«{doomed.label}»" in no_modal_messages[-1][1]
    assert [e.id for e in trash.list_trash()] == [e.id for e in page.table_model._entries]
    assert doomed.id not in {e.id for e in trash.list_trash()} and page.table_model.rowCount() == 2

    page.empty_button.click()
    assert "Dọn sạch thùng rác" in no_modal_messages[-1][1] and "2 mục" in no_modal_messages[-1][1]
    assert trash.list_trash() == [] and page.table_model.rowCount() == 0
    assert not page.empty_button.isEnabled()
    assert MoHinh.select().count() == 31


def test_the_trash_says_how_long_it_keeps_things(window):
    trash.set_trash_days(45)
    window.show_page("dashboard")
    window.show_page("trash")  # rereads when shown
    assert "giữ 45 ngày rồi tự động xóa hẳn" in window.pages["trash"].explain.text()
    trash.set_trash_days(0)
    window.pages["trash"].refresh()
    assert "không tự dọn" in window.pages["trash"].explain.text()


def test_the_trash_table_passes_the_model_tester(window, qtmodeltester):
    models = window.pages["models"]
    _select_rows(models, [0, 1])
    models.delete_selected()
    page = window.pages["trash"]
    page.reload()
    assert page.table_model.rowCount() == 2
    qtmodeltester.check(page.table_model)
    dates = [page.table_model.index(r, 3).data() for r in range(2)]
    assert all(datetime.strptime(d, "%d/%m/%Y %H:%M") for d in dates)


def test_old_trash_is_emptied_after_start(window, qtbot):
    models = window.pages["models"]
    _select_rows(models, [0])
    models.delete_selected()
    trash.set_trash_days(30)
    window.clock = lambda: datetime.now() + timedelta(days=29)
    job = window.purge_old_trash()
    qtbot.waitUntil(lambda: job.finished, timeout=5000)
    assert len(trash.list_trash()) == 1  # not old enough yet
    window.clock = lambda: datetime.now() + timedelta(days=31)
    job = window.purge_old_trash()
    qtbot.waitUntil(lambda: job.finished, timeout=5000)
    assert trash.list_trash() == []
    qtbot.waitUntil(lambda: "thùng rác" in window.statusBar().currentMessage(), timeout=2000)


# ----------------------------------------------------------------- undo and redo in the list


def test_ctrl_z_undoes_a_bulk_status_change_and_ctrl_y_redoes_it(window, qtbot):
    _show(window, qtbot)
    window.show_page("models")
    page = window.pages["models"]
    ids = _select_rows(page, [0, 1])
    before = _statuses(ids)
    assert set(before.values()) != {domain.IN_PROGRESS}
    assert page.undo_action.shortcut() == QKeySequence("Ctrl+Z")
    assert QKeySequence("Ctrl+Shift+Z") in page.redo_action.shortcuts()

    page.change_status(domain.IN_PROGRESS)
    assert set(_statuses(ids).values()) == {domain.IN_PROGRESS}
    assert page.undo_action.isEnabled() and not page.redo_action.isEnabled()
    assert page.undo_action.toolTip().startswith(f"Hoàn tác: {undo.undo_step().describe()}")

    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _statuses(ids) == before
    assert page.table_model.index(0, 5).data() == domain.status_label(before[page.table_model.model_id(0)])
    assert page.redo_action.isEnabled()
    assert "Đã hoàn tác" in window.statusBar().currentMessage()

    qtbot.keyClick(page.table, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert set(_statuses(ids).values()) == {domain.IN_PROGRESS}
    assert not page.redo_action.isEnabled()


def test_undo_of_a_delete_from_the_list_brings_the_models_back(window):
    page = window.pages["models"]
    ids = _select_rows(page, [0, 1])
    uuids = {MoHinh.get_by_id(i).uuid for i in ids}
    page.delete_selected()
    assert page.table_model.rowCount() == 32
    page.undo_action.trigger()
    assert page.table_model.rowCount() == 34
    assert {m.uuid for m in MoHinh.select()} >= uuids


def test_a_refused_undo_says_why(window, no_modal_messages):
    page = window.pages["models"]
    [model_id] = _select_rows(page, [0])
    page.change_status(domain.IN_PROGRESS)
    data = get_model(model_id).data
    data.address = "Thôn Đạ Nghịt, xã Lát"
    update_model(model_id, data)  # a later change of the same record
    with pytest.raises(undo.UndoRefused) as refused:
        undo.undo(dry_run=True)
    page.refresh()
    page.undo_action.trigger()
    assert no_modal_messages[-1] == ("error", str(refused.value))
    assert MoHinh.get_by_id(model_id).status == domain.IN_PROGRESS


def test_nothing_to_undo_disables_the_actions(window):
    page = window.pages["models"]
    while undo.undo_step() is not None:  # the demo's own loading may have left steps
        undo.undo()
    page.refresh()
    assert not page.undo_action.isEnabled()
    assert page.undo_action.toolTip() == "Chưa có thao tác nào để hoàn tác"


# ----------------------------------------------------------------- settings


def test_the_user_name_set_in_settings_is_written_in_the_history(window):
    settings_page = window.pages["settings"]
    assert settings_page.user_edit.placeholderText() == record.login_name()
    settings_page.user_edit.setText("  Nguyễn Thị Lan ")
    settings_page.trash_days_spin.setValue(60)
    assert settings_page.save_history_settings()
    assert trash.trash_days() == 60

    models = window.pages["models"]
    _select_rows(models, [0])
    models.change_status(domain.IN_PROGRESS)
    assert queries.entries()[0].user == "Nguyễn Thị Lan"

    settings_page.reload()
    assert settings_page.user_edit.text() == "Nguyễn Thị Lan"
    assert settings_page.trash_days_spin.value() == 60
    assert settings_page.trash_days_spin.text() == "60 ngày"
    settings_page.trash_days_spin.setValue(0)
    assert settings_page.trash_days_spin.text() == "không tự dọn"


def test_the_trash_is_in_the_navigation_before_the_settings(window):
    titles = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert titles.index("Thùng rác") < titles.index("Cài đặt") == len(titles) - 1
