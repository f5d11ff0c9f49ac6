import pytest
from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont

from ui import messages


@pytest.fixture(autouse=True)
def no_modal_messages(monkeypatch):
    """Message boxes never block a test: confirmations answer yes, the rest is recorded."""
    shown = []
    monkeypatch.setattr(messages, "confirm", lambda *a, **k: shown.append(("confirm", a[1])) or True)
    for name in ("info", "warning", "error"):
        monkeypatch.setattr(messages, name, lambda *a, _n=name, **k: shown.append((_n, a[1])))
    monkeypatch.setattr(messages, "saved", lambda *a, **k: shown.append(("saved", a[1])))
    from datetime import date

    from ui import status_change

    # A status change is confirmed as of today (with a reason when one is needed), like an accepted dialog.
    monkeypatch.setattr(
        status_change,
        "ask_status_change",
        lambda *a, needs_reason=False, **k: (
            shown.append(("confirm", a[1]))
            or status_change.StatusAnswer(date.today(), "Lý do thử" if needs_reason else "")
        ),
    )
    from ui.editor import dialog as editor_dialog

    monkeypatch.setattr(
        editor_dialog, "ask_unsaved_changes", lambda *a, **k: shown.append(("unsaved", "")) or editor_dialog.DISCARD
    )
    return shown


@pytest.fixture(autouse=True)
def _delete_leftover_windows(qapp):
    """Destroy every window a test left behind (pytest-qt only closes them).

    A window whose lambdas capture it stays alive through its own connections until the process ends: each
    MainWindow kept ~700 widgets, and every later style or font change re-polished all of them (seconds a test).
    """
    yield
    from ui.worker import wait_all

    wait_all()  # no job may deliver its result to a window deleted under it
    for widget in qapp.topLevelWidgets():
        widget.deleteLater()  # not close(): closing runs the windows' own logic again, after the test
    # Deferred deletes wait for an event loop; these tests run none between them, so they are delivered here.
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture(scope="session")
def _application(qapp):
    """The application set up as the program does it, once: its style sheet re-polishes every widget (~1 s)."""
    from ui.app import make_application

    return make_application()


@pytest.fixture
def qapp_font(_application):
    """The set-up application; a font or style sheet a test changed is put back afterwards."""
    font, sheet = QFont(_application.font()), _application.styleSheet()
    yield _application
    if _application.font() != font:
        _application.setFont(font)
    if _application.styleSheet() != sheet:
        _application.setStyleSheet(sheet)


@pytest.fixture
def window(demo_db, qtbot, qapp_font):
    from ui.main_window import MainWindow

    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.set_year(2023)
    return w
