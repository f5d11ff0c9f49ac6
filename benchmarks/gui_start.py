"""One program start, for ``measures_gui.startup``: ``python -m benchmarks.gui_start app|floor DB``.

Prints the wall-clock time (``time.time()``) at which the main window is shown and the event loop has nothing
left to do (painted, interactive), then leaves at once: the parent subtracts the moment it started the process.
``floor`` is a bare QMainWindow with a 100-row QTableView, the least any Qt program pays to show a table.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def _report() -> None:
    print(f"{time.time():.6f}", flush=True)
    os._exit(0)  # nothing to tear down: the measure is over, and an orderly shutdown is not what is timed


def _when_shown(kind: str) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    def poll() -> None:
        for widget in QApplication.topLevelWidgets():
            if type(widget).__name__ == kind and widget.isVisible():
                # The next turn of the loop, after the paint and whatever the show queued.
                QTimer.singleShot(0, _report)
                return
        QTimer.singleShot(2, poll)

    QTimer.singleShot(0, poll)


def floor() -> None:
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    model = QStandardItemModel(100, 6, window)
    for row in range(100):
        for column in range(6):
            model.setItem(row, column, QStandardItem(f"Ô {row}, {column}"))
    table = QTableView(window)
    table.setModel(model)
    window.setCentralWidget(table)
    window.resize(1280, 800)
    window.show()
    _when_shown("QMainWindow")
    app.exec()


def program(db: Path) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from ui.app import make_application, run

    make_application()
    _when_shown("MainWindow")
    run(db)
    os._exit(1)  # the window never showed


if __name__ == "__main__":
    if sys.argv[1] == "floor":
        floor()
    else:
        program(Path(sys.argv[2]))
