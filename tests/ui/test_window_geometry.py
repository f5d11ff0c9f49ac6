"""The window's frame per screen, never restored off every screen; the one settings store, portable or not."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from desktop_app import places
from ui import settings_store, window_geometry


def on_a_screen(widget: QWidget) -> bool:
    area = QGuiApplication.primaryScreen().availableGeometry()
    return area.contains(widget.geometry())


@pytest.fixture
def store(qapp) -> QSettings:
    settings = settings_store.store()
    settings.clear()
    return settings


def make_widget(qtbot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def test_the_store_is_an_ini_file_beside_a_portable_program(qapp, tmp_path, monkeypatch):
    monkeypatch.setattr(places, "program_dir", lambda: tmp_path)
    monkeypatch.delenv(places.ENV_PORTABLE, raising=False)
    assert settings_store.store().format() == QSettings.Format.NativeFormat
    (tmp_path / "portable.txt").write_text("", encoding="utf-8")
    portable = settings_store.store()
    assert portable.format() == QSettings.Format.IniFormat
    assert portable.fileName() == str(tmp_path / "du-lieu" / "cai-dat.ini")
    portable.setValue("window/page", "reports")
    assert settings_store.store().value("window/page") == "reports"  # another handle sees it
    portable.sync()
    assert "reports" in (tmp_path / "du-lieu" / "cai-dat.ini").read_text(encoding="utf-8")


def test_the_screen_key_is_a_plain_settings_key(qapp):
    screen = QGuiApplication.primaryScreen()
    key = window_geometry.geometry_key(screen)
    size = screen.availableGeometry().size()
    assert key.startswith("window/geometry/")
    assert key.endswith(f"-{size.width()}x{size.height()}")
    assert "\\" not in key and key.count("/") == 2


def test_a_frame_off_every_screen_is_brought_back(qapp, qtbot):
    widget = make_widget(qtbot)
    widget.setGeometry(6000, 4000, 600, 400)  # where a now unplugged second monitor was
    window_geometry.place_on_screen(widget)
    assert on_a_screen(widget), widget.geometry()
    assert (widget.width(), widget.height()) == (600, 400)


def test_a_frame_larger_than_the_screen_is_shrunk_and_centred(qapp, qtbot):
    area = QGuiApplication.primaryScreen().availableGeometry()
    widget = make_widget(qtbot)
    widget.setGeometry(0, 0, area.width() + 1000, area.height() + 600)  # saved on a large monitor
    window_geometry.place_on_screen(widget)
    assert on_a_screen(widget), widget.geometry()
    assert abs(widget.geometry().center().x() - area.center().x()) <= 10


def test_a_frame_that_fits_is_left_alone(qapp, qtbot):
    widget = make_widget(qtbot)
    widget.setGeometry(60, 80, 400, 300)
    window_geometry.place_on_screen(widget)
    assert widget.geometry() == QRect(60, 80, 400, 300)


def test_fitted_keeps_a_reachable_frame_and_moves_an_unreachable_one(qapp):
    screens, primary = QGuiApplication.screens(), QGuiApplication.primaryScreen()
    area = primary.availableGeometry()
    inside = QRect(area.x() + 10, area.y() + 10, 300, 200)
    assert window_geometry.fitted(inside, screens, primary) == inside
    # Only the bottom edge shows: the title bar is above the screen, nothing to grab.
    above = QRect(area.x() + 10, area.y() - 190, 300, 200)
    moved = window_geometry.fitted(above, screens, primary)
    assert area.contains(moved) and moved.size() == above.size()


def test_restore_reads_the_frame_saved_for_this_screen(qapp, qtbot, store):
    first = make_widget(qtbot)
    first.setGeometry(40, 60, 500, 350)
    window_geometry.save(first, store)
    screen = QGuiApplication.primaryScreen()
    assert store.value(window_geometry.LAST_SCREEN_KEY) == window_geometry.screen_id(screen)
    assert store.value(window_geometry.geometry_key(screen)) is not None

    again = make_widget(qtbot)
    window_geometry.restore(again, store)
    assert (again.width(), again.height()) == (500, 350)
    assert on_a_screen(again)


def test_a_frame_saved_off_screen_opens_on_screen(qapp, qtbot, store):
    away = make_widget(qtbot)
    away.setGeometry(9000, 7000, 500, 350)
    store.setValue(window_geometry.geometry_key(QGuiApplication.primaryScreen()), away.saveGeometry())
    again = make_widget(qtbot)
    window_geometry.restore(again, store)
    assert on_a_screen(again), again.geometry()


def test_the_old_single_key_is_still_read(qapp, qtbot, store):
    before = make_widget(qtbot)
    before.setGeometry(30, 50, 520, 330)
    store.setValue(window_geometry.OLD_KEY, before.saveGeometry())
    again = make_widget(qtbot)
    window_geometry.restore(again, store)
    assert (again.width(), again.height()) == (520, 330)


def test_a_screen_no_longer_connected_gives_way_to_the_primary_one(qapp, qtbot, store):
    projector = make_widget(qtbot)
    projector.setGeometry(2000, 100, 1800, 1000)
    store.setValue("window/geometry/HDMI-1-1920x1080", projector.saveGeometry())
    store.setValue(window_geometry.LAST_SCREEN_KEY, "HDMI-1-1920x1080")
    assert window_geometry.target_screen(store) is QGuiApplication.primaryScreen()
    again = make_widget(qtbot)
    window_geometry.restore(again, store)  # nothing saved for the primary screen: the default size, on it
    assert on_a_screen(again), again.geometry()
    assert again.width() < 1800


def test_the_main_window_remembers_its_frame_per_screen(window, qtbot):
    store = settings_store.store()
    screen = QGuiApplication.primaryScreen()
    window.setGeometry(20, 40, 700, 520)
    window.save_state()
    assert store.value(window_geometry.LAST_SCREEN_KEY) == window_geometry.screen_id(screen)
    assert store.value(window_geometry.geometry_key(screen)) is not None

    from ui.main_window import MainWindow

    again = MainWindow()
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (700, 520)
    assert on_a_screen(again)


# A 1280-pixel-wide screen (old office monitors, 1280×1024) with Windows' 8-pixel frame on each side.
NARROW_SCREEN_CLIENT_WIDTH = 1280 - 2 * 8


def test_the_window_fits_a_1280_pixel_screen_on_every_page(demo_db, qtbot, qapp_font):
    from ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    window.set_year(2023)
    widths = {"lúc mở": window.minimumSizeHint().width()}
    for key in window.pages:
        window.show_page(key)
        widths[key] = window.minimumSizeHint().width()
    scoring = window.pages["appraisal"].scoring
    window.show_page("appraisal")
    scoring.keying_combo.setCurrentIndex(scoring.keying_combo.findData(2))  # shows «Lấy lần 2 làm kết quả»
    assert scoring.accept_button.isVisible()
    widths["nhập lần 2"] = window.minimumSizeHint().width()
    too_wide = {page: width for page, width in widths.items() if width > NARROW_SCREEN_CLIENT_WIDTH}
    assert not too_wide, widths
