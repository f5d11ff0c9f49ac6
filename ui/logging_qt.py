"""Qt's own messages (``qWarning`` from inside Qt, QML, plugins) into the ``dvk.qt`` logger.

Without this they go to stderr, which a Windows GUI program does not have, so a font or
platform-plugin problem reported by Qt would never reach the log file the user sends in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("dvk.qt")

LEVELS: dict[QtMsgType, int] = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}

Handler = Callable[[QtMsgType, QMessageLogContext, str], None]

_previous: Handler | None = None
_installed: Handler | None = None


def qt_message_to_log(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    where = f" ({context.file}:{context.line})" if context.file else ""
    category = context.category if context.category and context.category != "default" else ""
    text = f"{category}: {message}" if category else message
    log.log(LEVELS.get(mode, logging.WARNING), "%s%s", text, where)


def install() -> None:
    """Route Qt's messages into logging, still handing them to a handler installed before ours
    (pytest-qt's, which fails a test on a Qt warning).  Idempotent."""
    global _previous, _installed
    if _installed is not None:
        return

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        qt_message_to_log(mode, context, message)
        if _previous is not None:
            _previous(mode, context, message)

    _installed = handler
    _previous = qInstallMessageHandler(handler)


def uninstall() -> None:
    """Put back the handler that was there before :func:`install`."""
    global _previous, _installed
    if _installed is None:
        return
    qInstallMessageHandler(_previous)
    _previous = _installed = None
