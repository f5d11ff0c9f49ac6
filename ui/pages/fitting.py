"""Keeping a page within the screen: an office PC shows 1366 × 768, and a page whose parts add up taller
(a dashboard with the offices below, the report options with their list of offices) must not push the
window past the bottom of the screen, where its last buttons cannot be reached."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def within_height(content: QWidget, parent: QWidget) -> QScrollArea:
    """``content`` in a frameless area that scrolls up and down only when the window is too short for it."""
    area = QScrollArea(parent)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    # As wide as the content needs, so a vertical scroll bar never covers its right edge.
    area.setMinimumWidth(content.minimumSizeHint().width() + area.verticalScrollBar().sizeHint().width())
    return area
