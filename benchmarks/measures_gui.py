"""Measures of the window (run offscreen): start, year switch, filtering and scrolling the list, score entry.

Times are taken around what the user does until the screen shows its result: the call, the database thread's
jobs it started (``ui.worker.wait_all``) and a synchronous repaint of the view.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from statistics import median
from typing import Any

from .archive import ArchiveSpec, archive_path, copy_archive
from .context import Context

Samples = list[dict[str, float]]
ROOT = Path(__file__).resolve().parent.parent


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _start_once(mode: str, db: Path, bytecode: Path) -> float:
    """Seconds from starting the process to its window shown and idle.

    The program runs from compiled bytecode, as installed (pip and the installer compile every module): where the
    environment forbids writing it (``PYTHONDONTWRITEBYTECODE``) every start would compile some 400 modules
    again, most of a second that no user pays.  It is kept in ``bytecode``, outside the source tree.
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPYCACHEPREFIX=str(bytecode))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.time()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.gui_start", mode, str(db)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"{mode} start failed ({done.returncode}): {done.stderr[-2000:]}")
    return float(lines[-1]) - start


def startup(ctx: Context) -> Samples:
    db = ctx.private_copy("startup")
    bytecode = ctx.scratch / "bytecode"
    for mode in ("app", "floor"):  # untimed: compiles the bytecode, as installing does
        _start_once(mode, db, bytecode)
    samples: Samples = []
    for _ in range(ctx.repeat):
        samples.append(
            {"startup_s": _start_once("app", db, bytecode), "startup_floor_s": _start_once("floor", db, bytecode)}
        )
    # The started programs' own peak, not this process's: the largest child waited for.
    samples[-1]["startup_rss_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return samples


def _settle() -> None:
    """Until the database thread is idle and the event loop has nothing queued."""
    from PySide6.QtWidgets import QApplication

    from ui.worker import wait_all

    QApplication.processEvents()
    wait_all()
    QApplication.processEvents()


def _clock(fn: Callable[..., Any], *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    _settle()
    return time.perf_counter() - start


def _open_window(db: Path) -> Any:
    from desktop_app import workspace
    from ui.app import make_application
    from ui.main_window import MainWindow

    make_application()
    workspace.open_office(db)
    window = MainWindow()
    window.resize(1280, 800)
    window.show()
    _settle()
    return window


def window(ctx: Context) -> Samples:
    """The year switch, the list's search, filters and sort, and scrolling it a page at a time."""
    window = _open_window(ctx.private_copy("window"))
    page = window.pages["models"]
    table = page.table
    samples: Samples = []
    for _ in range(ctx.repeat):
        window.show_page("dashboard")
        _settle()
        switches = []
        for year in (ctx.year - 1, ctx.year):
            switches.append(_clock(window.set_year, year))
        window.show_page("models")
        _settle()

        def shown(action: Callable[..., Any], *args: Any) -> Callable[[], None]:
            # The action only: the clock's _settle lets the event loop paint what it invalidated, once, as a user
            # sees it (a repaint() here as well painted the table twice).
            def run() -> None:
                action(*args)

            return run

        filters: list[float] = []
        for text in ("p", "ph", "phu", "phu ", "phu n", "phu nu", ""):
            page.search.setText(text)
            filters.append(_clock(shown(page.filter_changed)))  # what the search's timer calls
        for combo in (page.field_combo, page.status_combo, page.kind_combo):
            for index in (1, 2, 0):
                if index < combo.count():
                    filters.append(_clock(shown(combo.setCurrentIndex, index)))
        from PySide6.QtCore import Qt

        sorts = []
        for order in (Qt.SortOrder.DescendingOrder, Qt.SortOrder.AscendingOrder):
            sorts.append(_clock(shown(table.sortByColumn, 0, order)))
        filters += sorts
        pages: list[float] = []
        rows = page.table_model.rowCount()
        # Down the list a page (100 rows) at a time, then jumps to the end and back to the top.
        positions = list(range(0, min(rows, 3_000), 100)) + [rows - 1, rows // 2, 0]
        for position in positions:
            pages.append(_clock(shown(table.scrollTo, page.table_model.index(position, 0))))
        samples.append(
            {
                "year_switch_s": median(switches),
                "filter_ms_median": median(filters) * 1000,
                "filter_ms_p95": _p95(filters) * 1000,
                "sort_ms": median(sorts) * 1000,
                "page_ms": median(pages) * 1000,
                "page_ms_max": max(pages) * 1000,
            }
        )
    return samples


# ----------------------------------------------------------------- score entry


def _scoring_spec(ctx: Context) -> ArchiveSpec:
    """A former district's year: 300 models (60 on a tiny archive) × 7 members × 6 criteria, all scored."""
    models = 300 if ctx.spec.models >= 1_000 else 60
    return ArchiveSpec(
        models=models,
        years=1,
        end_year=ctx.spec.end_year,
        units=60,
        scored=models,
        last_year_models=models,
        attachments_every=50,
    )


def _focused() -> Any:
    from PySide6.QtWidgets import QApplication

    widget = QApplication.focusWidget()
    if widget is None:
        raise RuntimeError("no widget has the keyboard focus")
    return widget


def score(ctx: Context) -> Samples:
    """Type cells into the Chấm điểm grid key by key: Enter → cursor in the next cell, then what follows."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop_app import workspace
    from ui.app import make_application
    from ui.pages.appraisal.scoring_tab import ScoringTab

    spec = _scoring_spec(ctx)
    archive_path(spec)
    db = copy_archive(spec, ctx.scratch / "cham-diem" / "luu-tru.db")
    make_application()
    workspace.open_office(db)
    tab = ScoringTab()
    tab.resize(1280, 800)
    tab.show()
    samples: Samples = []
    rng = random.Random(3)
    cells = 24 if ctx.quick else 90
    moved_at: list[float] = []
    for _ in range(ctx.repeat):
        opened = _clock(lambda: tab.set_year(spec.end_year))
        table = tab.table
        table.setFocus()
        table.setCurrentIndex(tab.table_model.index(0, 1))
        _settle()
        table.selectionModel().currentChanged.connect(lambda *_: moved_at.append(time.perf_counter()))
        commits: list[float] = []
        refreshes: list[float] = []
        for _cell in range(cells):
            column = max(1, table.currentIndex().column())
            criterion = tab.table_model.criteria[min(column - 1, len(tab.table_model.criteria) - 1)]
            QTest.keyClicks(_focused(), str(rng.randint(0, int(criterion.max_points))))  # key by key
            moved_at.clear()
            start = time.perf_counter()
            QTest.keyClick(_focused(), Qt.Key.Key_Return)
            if moved_at:
                commits.append(moved_at[0] - start)
            # What the committed cell leaves to do: progress and results, repaint, on this thread or the worker.
            after = time.perf_counter()
            _settle()
            refreshes.append(time.perf_counter() - after)
        if not commits:
            raise RuntimeError("the cursor never moved after Enter")
        samples.append(
            {
                "score_commit_ms": median(commits) * 1000,
                "score_commit_p95_ms": _p95(commits) * 1000,
                "score_refresh_ms": median(refreshes) * 1000,
                "score_open_s": opened,
            }
        )
    tab.close()
    return samples
