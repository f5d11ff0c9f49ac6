"""Running core functions off the GUI thread.

A job is a plain core function taking a :class:`desktop_app.tasks.TaskState` as its
first argument.  Jobs run one at a time on a single database thread (SQLite writes
are serialised anyway, and this keeps the order of the user's actions).  A progress
dialog with «Hủy» appears only if the job takes more than half a second.  Results
and errors come back to the GUI thread through signals; an error is never dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from desktop_app.errors import AppError, Cancelled
from desktop_app.tasks import TaskState

from . import errors

log = logging.getLogger("dvk.ui.worker")

_pool: QThreadPool | None = None


def db_pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
        _pool.setExpiryTimeout(-1)
    return _pool


class Job(QObject):
    """Handle of a running job; ``done`` or ``failed`` is emitted exactly once."""

    progress = Signal(int, int, str)
    done = Signal(object)
    failed = Signal(object)

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
        super().__init__()
        self.task = TaskState(on_progress=lambda d, t, s: self.progress.emit(d, t, s))
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self.result: Any = None
        self.error: BaseException | None = None
        self.finished = False

    def cancel(self) -> None:
        self.task.cancel()

    def _run(self) -> None:
        try:
            self.result = self._fn(self.task, *self._args, **self._kwargs)
        except BaseException as exc:  # handed to the GUI thread, never dropped
            self.error = exc
            if not isinstance(exc, AppError):
                log.error("job %s failed", getattr(self._fn, "__name__", self._fn), exc_info=exc)
                errors.mark_logged(exc)  # show_error on the GUI thread must not log it again
            self.finished = True
            self.failed.emit(exc)
        else:
            self.finished = True
            self.done.emit(self.result)


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job
        self.setAutoDelete(True)

    def run(self) -> None:
        self.job._run()


_running: set[Job] = set()
# Set by shutdown(): results arriving after the window closed are dropped instead of shown.
_closing = False


def run_job(
    parent: QWidget | None,
    fn: Callable[..., Any],
    *args,
    title: str = "",
    label: str = "Đang xử lý…",
    on_done: Callable[[Any], None] | None = None,
    on_error: Callable[[BaseException], None] | None = None,
    progress: bool = True,
    **kwargs,
) -> Job:
    """Run ``fn(task, *args, **kwargs)`` on the database thread.

    ``on_done(result)`` runs on the GUI thread.  Errors go to ``on_error`` if given, else a
    known error (:class:`AppError`) is shown as a Vietnamese message and a bug as the
    error dialog that names the log file.  A cancelled job calls neither.
    """
    job = Job(fn, args, kwargs)
    _running.add(job)
    dialog: QProgressDialog | None = None
    if progress:
        dialog = QProgressDialog(label, "Hủy", 0, 0, parent)
        dialog.setWindowTitle(title or "Đang xử lý")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(500)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(job.cancel)

        def show_progress(done: int, total: int, text: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if text:
                dialog.setLabelText(f"{label}\n{text}")

        job.progress.connect(show_progress, Qt.ConnectionType.QueuedConnection)

    def finish() -> None:
        _running.discard(job)
        # Without this the job and its callback form a cycle that the garbage collector may
        # free later on any thread, and a QObject must die on the thread it lives on.
        job.task.detach()
        if dialog is not None:
            dialog.canceled.disconnect(job.cancel)
            dialog.close()
            dialog.deleteLater()

    def succeeded(result: Any) -> None:
        finish()
        if _closing:
            return
        if on_done:
            on_done(result)

    def failed(exc: BaseException) -> None:
        finish()
        if _closing or isinstance(exc, Cancelled):
            return
        if on_error:
            on_error(exc)
        else:
            show_error(parent, exc)

    job.done.connect(succeeded, Qt.ConnectionType.QueuedConnection)
    job.failed.connect(failed, Qt.ConnectionType.QueuedConnection)
    db_pool().start(_Runnable(job))
    return job


def show_error(parent: QWidget | None, exc: BaseException, action: str = "") -> None:
    """A known error as its Vietnamese message; anything else logged (once) and shown as one line
    naming the log file.  See :mod:`ui.errors`."""
    errors.report(parent, exc, action)


def wait_all(timeout_ms: int = 30000) -> bool:
    """For tests and shutdown: wait until the database thread is idle."""
    return db_pool().waitForDone(timeout_ms)


def _guarded(fn: Callable[[], None]) -> Callable[[], None]:
    def run() -> None:
        try:
            fn()
        except Exception:
            log.exception("clean-up on the database thread failed")

    return run


def run_on_worker(fn: Callable[[], None], timeout_ms: int = 30000) -> bool:
    """Run a small clean-up ``fn`` on the database thread and wait for it.

    Used to close the worker thread's own database connection (peewee keeps one per thread)
    before a database file is switched, replaced or deleted.
    """
    pool = db_pool()
    if not pool.waitForDone(timeout_ms):
        return False
    pool.start(_guarded(fn))
    return pool.waitForDone(timeout_ms)


def shutdown(release: Callable[[], None] | None = None, timeout_ms: int = 30000) -> bool:
    """At exit: let the running job finish (cancel it if it takes too long), run ``release`` on the
    database thread, deliver the jobs' last signals and stop the thread.

    Nothing of ours may still run on, or be queued for, a Qt thread once Python starts
    finalising: a job finishing then touches half-destroyed Python objects and crashes the exit.
    """
    global _pool, _closing
    if _pool is None:
        return True
    _closing = True
    finished = _pool.waitForDone(timeout_ms)
    if not finished:
        log.warning("a job was still running at exit; cancelling it")
        for job in list(_running):
            job.cancel()
        finished = _pool.waitForDone(timeout_ms)
    if finished and release is not None:
        _pool.start(_guarded(release))
        finished = _pool.waitForDone(timeout_ms)
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents()  # the finished jobs' queued done/failed signals
    _running.clear()
    if not finished:
        return False  # never destroy a pool whose thread still runs Python code
    pool, _pool = _pool, None
    _closing = False  # a later start (tests) gets a fresh pool that reports results again
    pool.clear()
    shiboken6.delete(pool)  # joins the idle thread now, not during interpreter finalisation
    return True
