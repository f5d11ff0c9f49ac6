"""Tool buttons that open a menu, with room for the arrow Fusion draws over the end of their text."""

from __future__ import annotations

from PySide6.QtWidgets import QToolButton

# Room for the arrow, by how the menu opens: the whole button (a small arrow inside) or a separate arrow part.
_ARROW_ROOM = {
    QToolButton.ToolButtonPopupMode.InstantPopup: 14,
    QToolButton.ToolButtonPopupMode.MenuButtonPopup: 18,
}


def menu_button(button: QToolButton, mode: QToolButton.ToolButtonPopupMode) -> QToolButton:
    """Give ``button`` its popup mode and room for the arrow ("Đổi trạng thái", "In…" were drawn under it).

    The rule is the button's own style sheet, not the application's: any application-wide sheet makes Qt draw
    every widget through its slower style-sheet style, a fifth of the time of painting a page of the model list.
    """
    button.setPopupMode(mode)
    room = _ARROW_ROOM.get(mode)
    if room is not None:
        button.setStyleSheet(f"QToolButton {{ padding-right: {room}px; }}")
    return button
