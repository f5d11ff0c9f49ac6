"""The one error path of the Qt layer.

A known error (:class:`desktop_app.errors.AppError`: locked decision, invalid input, read-only
file…) is the user's business: its Vietnamese sentence is shown and one INFO line logged, no
traceback.  Anything else is a bug: its traceback goes to the log file with the action it broke,
and the user sees one Vietnamese line naming that file.  Every message goes through
:func:`ui.messages.error`, so tests record it instead of blocking on a modal box.

Usage in a slot::

    with attempt(self, "Xóa mô hình") as outcome:
        models.delete_models(ids)
    if not outcome.ok:
        return
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtWidgets import QWidget

from desktop_app.errors import AppError
from desktop_app.logs import log_path

from . import messages

log = logging.getLogger("dvk.ui")

# Set on an exception once its traceback is in the log, so a failure logged where it happened
# (a worker job) is not written a second time when the GUI thread shows it.
_LOGGED = "_dvk_logged"

BUG_TITLE = "Lỗi chương trình"


def mark_logged(exc: BaseException) -> None:
    try:
        setattr(exc, _LOGGED, True)
    except AttributeError:  # an exception type with __slots__: at worst it is logged twice
        pass


def was_logged(exc: BaseException) -> bool:
    return bool(getattr(exc, _LOGGED, False))


def log_failure(exc: BaseException, action: str = "") -> None:
    """Known errors as one INFO line; anything else with its traceback, once."""
    if isinstance(exc, AppError):
        log.info("%s: %s", action or "known error", exc)
        return
    if was_logged(exc):
        return
    log.error("%s failed", f"«{action}»" if action else "an action", exc_info=exc)
    mark_logged(exc)


def user_message(exc: BaseException, action: str = "") -> str:
    """The one Vietnamese line the user sees for ``exc``."""
    if isinstance(exc, AppError):
        return str(exc)
    return (
        f"{action or 'Thao tác vừa rồi'} chưa được thực hiện vì một lỗi ngoài dự kiến. "
        f"Chi tiết đã ghi vào tệp nhật ký: {log_path()}"
    )


def report(parent: QWidget | None, exc: BaseException, action: str = "") -> None:
    """Log ``exc`` as its kind deserves and show it as one line."""
    log_failure(exc, action)
    if isinstance(exc, AppError):
        messages.error(parent, user_message(exc, action))
    else:
        messages.error(
            parent,
            user_message(exc, action),
            title=BUG_TITLE,
            detail="Hãy gửi tệp nhật ký này cho người hỗ trợ kỹ thuật.",
        )


@dataclass
class Outcome:
    """What :func:`attempt` yields: ``ok`` turns true only when the block ran to its end."""

    ok: bool = False
    error: Exception | None = None


@contextmanager
def attempt(parent: QWidget | None, action: str) -> Iterator[Outcome]:
    """Run the ``with`` block as the user action ``action`` (Vietnamese, e.g. "Lưu mô hình").

    An exception ends the block, is logged and shown by :func:`report`, and does not propagate;
    the caller reads ``outcome.ok`` to skip what only makes sense after success.
    """
    outcome = Outcome()
    try:
        yield outcome
    except Exception as exc:  # noqa: BLE001 - the one place where every failure is logged and shown
        outcome.error = exc
        report(parent, exc, action)
    else:
        outcome.ok = True
