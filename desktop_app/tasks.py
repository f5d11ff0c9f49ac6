"""Progress and cancellation for long jobs, free of Qt.

A long job is a plain function taking a ``TaskState``; tests pass one directly, the
GUI passes one whose callbacks forward to a progress dialog from a worker thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from .errors import Cancelled


class TaskState:
    def __init__(self, on_progress: Callable[[int, int, str], None] | None = None) -> None:
        self._on_progress = on_progress
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if the user asked to stop."""
        if self._cancel.is_set():
            raise Cancelled()

    def detach(self) -> None:
        """Stop reporting progress (breaks the job ↔ callback cycle so the job dies on the GUI thread)."""
        self._on_progress = None

    def progress(self, done: int, total: int, text: str = "") -> None:
        self.check()
        if self._on_progress is not None:
            self._on_progress(done, total, text)
