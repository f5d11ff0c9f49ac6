import pytest

from ui import messages


@pytest.fixture(autouse=True)
def no_modal_messages(monkeypatch):
    """Message boxes never block a test: confirmations answer yes, the rest is recorded."""
    shown = []
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: shown.append(("confirm", a[1])) or True)
    for name in ("info", "warning", "error"):
        monkeypatch.setattr(messages, name, lambda *a, _n=name, **k: shown.append((_n, a[1])))
    monkeypatch.setattr(messages, "saved", lambda *a, **k: shown.append(("saved", a[1])))
    from ui.editor import dialog as editor_dialog
    monkeypatch.setattr(editor_dialog, "ask_unsaved_changes",
                        lambda *a, **k: shown.append(("unsaved", "")) or editor_dialog.DISCARD)
    return shown


@pytest.fixture
def qapp_font(qapp):
    from ui.app import make_application
    return make_application()


@pytest.fixture
def window(demo_db, qtbot, qapp_font):
    from ui.main_window import MainWindow
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.set_year(2023)
    return w
