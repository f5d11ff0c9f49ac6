"""The main window's size and place, remembered per screen and never restored off every screen.

A laptop used with a projector or a second monitor on some days and alone on others gets back the
frame it had on the screen it is on today; a frame saved on a monitor that is now unplugged is
moved and shrunk onto the primary screen instead of opening where nobody can see it.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QWidget

OLD_KEY = "window/geometry"  # before geometry was kept per screen: still read once
LAST_SCREEN_KEY = "window/screen"
DEFAULT_SIZE = (1280, 800)
# At least this much of the title bar must be on a screen for the user to grab the window and move it.
GRIP_HEIGHT = 30
GRIP_WIDTH = 100


def screen_id(screen: QScreen) -> str:
    """The screen's name and available size, safe as a QSettings key («\\\\.\\DISPLAY1» has backslashes)."""
    size = screen.availableGeometry().size()
    name = re.sub(r"[^0-9A-Za-z_.-]+", "_", screen.name()).strip("_") or "screen"
    return f"{name}-{size.width()}x{size.height()}"


def geometry_key(screen: QScreen) -> str:
    return f"window/geometry/{screen_id(screen)}"


def target_screen(store: QSettings) -> QScreen:
    """The screen the window last closed on if it is still connected (with the same size), else the primary one."""
    last = str(store.value(LAST_SCREEN_KEY, "") or "")
    for screen in QGuiApplication.screens():
        if screen_id(screen) == last:
            return screen
    return QGuiApplication.primaryScreen()


def reachable(frame: QRect, screens: list[QScreen]) -> bool:
    """Whether the frame's title bar shows on some screen enough to be dragged."""
    grip = QRect(frame.x(), frame.y(), frame.width(), GRIP_HEIGHT)
    for screen in screens:
        seen = grip.intersected(screen.availableGeometry())
        if seen.width() >= min(GRIP_WIDTH, frame.width()) and seen.height() > 0:
            return True
    return False


def fitted(frame: QRect, screens: list[QScreen], primary: QScreen) -> QRect:
    """``frame`` itself when it is reachable and fits its screen; else as large as fits, centred on ``primary``."""
    home = next((s for s in screens if s.availableGeometry().intersects(frame)), None)
    if home is not None and reachable(frame, screens):
        area = home.availableGeometry()
        if frame.width() <= area.width() and frame.height() <= area.height():
            return QRect(frame)
    area = primary.availableGeometry()
    width, height = min(frame.width(), area.width()), min(frame.height(), area.height())
    return QRect(
        area.x() + (area.width() - width) // 2,
        area.y() + (area.height() - height) // 2,
        width,
        height,
    )


def restore(window: QWidget, store: QSettings) -> None:
    """Give ``window`` (not shown yet) the frame remembered for the screen it will open on, kept on screen."""
    screen = target_screen(store)
    saved = store.value(geometry_key(screen))
    if saved is None:
        saved = store.value(OLD_KEY)
    if saved is None or not window.restoreGeometry(saved):
        area = screen.availableGeometry()
        width, height = min(DEFAULT_SIZE[0], area.width()), min(DEFAULT_SIZE[1], area.height())
        window.setGeometry(
            area.x() + (area.width() - width) // 2, area.y() + (area.height() - height) // 2, width, height
        )
    place_on_screen(window)


def place_on_screen(window: QWidget) -> None:
    """Move and shrink a window whose frame is off every screen or larger than its screen."""
    screens = QGuiApplication.screens()
    primary = QGuiApplication.primaryScreen()
    if not screens or primary is None or window.isMaximized() or window.isFullScreen():
        return
    inner = window.geometry()
    # Before the first show a window has no frame yet: the usual title bar and borders are assumed.
    frame = window.frameGeometry() if window.isVisible() else inner.adjusted(-8, -GRIP_HEIGHT, 8, 8)
    target = fitted(frame, screens, primary)
    if target == frame:
        return
    left, top = inner.x() - frame.x(), inner.y() - frame.y()
    right, bottom = frame.right() - inner.right(), frame.bottom() - inner.bottom()
    window.setGeometry(target.adjusted(left, top, -right, -bottom))


def save(window: QWidget, store: QSettings) -> None:
    """Remember the frame under the screen the window is on, and that screen as the last one."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    store.setValue(geometry_key(screen), window.saveGeometry())
    store.setValue(LAST_SCREEN_KEY, screen_id(screen))
