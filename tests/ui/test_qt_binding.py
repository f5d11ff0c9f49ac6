"""Guards against a broken Qt binding: PySide6 6.12.0 dropped a reference to ``True`` on every
``Signal.emit`` from Python, and the interpreter aborted ("Fatal Python error: bool_dealloc") after a
few hundred emits — the worker reports progress through such emits, so a working session crashed."""

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()
    count = Signal(int, int, str)


def test_signal_emit_keeps_the_reference_count_of_true(qapp):
    probe = _Probe()
    before = sys.getrefcount(True)
    for index in range(200):
        probe.ping.emit()
        probe.count.emit(index, 200, "")
    assert sys.getrefcount(True) >= before
