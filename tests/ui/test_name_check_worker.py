"""The editor's similar-name check runs on the database thread: typing never waits for it, and only the answer
to the newest name typed is ever shown."""

from __future__ import annotations

import threading

import shiboken6

from desktop_app.services.catalogues import list_items
from desktop_app.services.models import ModelInput, create_model
from ui import worker
from ui.editor import dialog as editor_dialog
from ui.editor.dialog import ModelEditorDialog


def _editor(qtbot, year: int = 2024) -> ModelEditorDialog:
    dialog = ModelEditorDialog(None, None, year)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _add(name: str, year: int = 2024) -> int:
    return create_model(ModelInput(name=name, year=year, field_id=list_items("field")[0].id))


def test_the_warning_comes_from_the_worker(db, qtbot, monkeypatch):
    _add("Tủ sách cộng đồng thôn Phú Lâm")
    threads: list[threading.Thread] = []
    real = editor_dialog.similar_names

    def spying(*args, **kwargs):
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(editor_dialog, "similar_names", spying)
    dialog = _editor(qtbot)
    qtbot.keyClicks(dialog.name, "Tu sach cong dong thon Phu Lam")
    qtbot.waitUntil(dialog.duplicates.isVisible, timeout=5000)
    assert dialog.duplicates.text() == "Có thể trùng với: «Tủ sách cộng đồng thôn Phú Lâm» — chưa có đơn vị"
    assert threads and threading.main_thread() not in threads


def test_a_stale_answer_is_never_shown(db, qtbot, monkeypatch):
    _add("Thắp sáng đường quê")
    dialog = _editor(qtbot)
    texts: list[str] = []
    monkeypatch.setattr(dialog.duplicates, "setText", texts.append)
    dialog.name.setText("Thắp sáng đường quê")
    dialog._check_duplicates()  # answered after the next one is asked: stale
    dialog.name.setText("Camera an ninh")
    dialog._check_duplicates()
    qtbot.waitUntil(lambda: worker.wait_all() and not worker._running, timeout=5000)
    assert texts == [] and not dialog.duplicates.isVisible()
    # The newest request is answered as before.
    dialog.name.setText("Thap sang duong que")
    dialog._check_duplicates()
    qtbot.waitUntil(lambda: bool(texts), timeout=5000)
    assert texts == ["Có thể trùng với: «Thắp sáng đường quê» — chưa có đơn vị"]
    assert dialog.duplicates.isVisible()


def test_an_answer_for_a_deleted_editor_is_dropped(db, qtbot):
    _add("Hũ gạo tình thương")
    dialog = ModelEditorDialog(None, None, 2024)
    dialog.name.setText("Hũ gạo tình thương")
    dialog._check_duplicates()
    shiboken6.delete(dialog)  # gone before the answer comes: delivering it must not touch the dead label
    qtbot.waitUntil(lambda: worker.wait_all() and not worker._running, timeout=5000)
    assert not shiboken6.isValid(dialog)
