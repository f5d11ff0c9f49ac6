"""Whether a page is the one in front, so a year switch recomputes only what is seen.

A page inside the window's stack of pages (or a tab inside a tab widget) that is not the current one waits:
the window refreshes a page when it is shown, the appraisal screen its tab when it is chosen.  A page outside
any stack (a test, a dialog) is always "in front" and keeps loading at once.
"""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QWidget


def in_front(widget: QWidget) -> bool:
    """False when ``widget`` or one of its ancestors is a page of a stack that shows another page."""
    child: QWidget = widget
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QStackedWidget) and parent.currentWidget() is not child:
            return False
        child, parent = parent, parent.parentWidget()
    return True
