"""Speed of score entry at district scale (run by hand: python benchmarks/bench_scoring.py [MODELS] [CELLS]).

Builds MODELS collective models (default 300) × 7 council members × 6 criteria through the services, most sheets
already keyed, then types CELLS cells (default 180) into the Chấm điểm grid of an offscreen window, key by key, as
a clerk does.  Prints figures; no thresholds.  Targets: from the Enter that commits a cell to the cursor standing in
the next cell under 16 ms median (one frame); nothing the GUI thread does for one keystroke, nor the event-loop
work it leaves behind (repaint, deleting the editor), above 50 ms; the progress figures recomputed in well under a
second.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app import domain
from desktop_app.appraisal import council, scoring
from desktop_app.appraisal.criteria import criteria_set_for
from desktop_app.services import catalogues
from desktop_app.services.models import ModelInput, create_model
from desktop_app.storage.database import open_database
from desktop_app.storage.models import database_proxy

YEAR = 2024
MEMBERS = 7


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def report(label: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"{label:<52} median {ms(statistics.median(ordered))}  p95 {ms(p95)}  max {ms(ordered[-1])}  (n={len(ordered)})"
    )


def timed(label: str, fn, repeat: int = 5):
    samples = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    report(label, samples)
    return result


def build(n_models: int) -> tuple[list[int], list[int]]:
    """The year through the services: models, members, nearly every sheet keyed except the first member's."""
    rng = random.Random(7)
    fields = [f.id for f in catalogues.list_items("field")]
    start = time.perf_counter()
    with database_proxy.atomic():
        models = [
            create_model(
                ModelInput(name=f"Mô hình Dân vận khéo số {i}", year=YEAR, field_id=fields[i % len(fields)]),
                status=domain.PROPOSED,
            )
            for i in range(n_models)
        ]
        members = [council.add_member(YEAR, f"Thành viên {i}", role="Ủy viên") for i in range(MEMBERS)]
        for model_id in models[::37]:
            council.declare_conflict(members[3], model_id, "Đơn vị của thành viên")
        criteria = criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
        for member_id in members[1:]:
            for model_id in models:
                if rng.random() < 0.9:
                    values = {c.id: float(rng.randint(0, int(c.max_points))) for c in criteria}
                    scoring.save_sheet(YEAR, member_id, model_id, values)
    print(f"{'build ' + str(n_models) + ' models × 7 members × 6 criteria':<52} {(time.perf_counter() - start):8.2f} s")
    return models, members


def type_cells(tab, cells: int) -> list[str]:
    """Type ``cells`` values key by key into whatever widget has focus; returns the values typed."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    table = tab.table
    rng = random.Random(3)
    moved_at: list[float] = []
    table.selectionModel().currentChanged.connect(lambda *_: moved_at.append(time.perf_counter()))
    enter_to_cursor: list[float] = []
    per_key: list[float] = []
    after_cell: list[float] = []
    typed: list[str] = []
    for _ in range(cells):
        criterion = tab.table_model.criteria[table.currentIndex().column() - 1]
        text = str(rng.randint(0, int(criterion.max_points)))
        typed.append(text)
        for char in text:
            start = time.perf_counter()
            QTest.keyClick(QApplication.focusWidget(), char)
            per_key.append(time.perf_counter() - start)
        moved_at.clear()
        start = time.perf_counter()
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
        per_key.append(time.perf_counter() - start)
        if not moved_at:
            raise SystemExit("the cursor did not move after Enter")
        enter_to_cursor.append(moved_at[0] - start)
        # What the keystroke left for the event loop (repaint, deleting the editor) is GUI time too.
        start = time.perf_counter()
        QApplication.processEvents()
        after_cell.append(time.perf_counter() - start)
    report("Enter → cursor in the next cell", enter_to_cursor)
    report("one keystroke, handled (digit or Enter)", per_key)
    slowest = max(range(len(per_key)), key=per_key.__getitem__)
    print(f"{'  slowest keystroke: number (of ' + str(len(per_key)) + ')':<52} {slowest + 1}")
    report("event-loop work left after a cell (paint…)", after_cell)
    return typed


def main(n_models: int = 300, cells: int = 180) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.app import make_application
    from ui.pages.appraisal.scoring_tab import ScoringTab

    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "Nguyễn Văn A" / "chấm điểm.db")
        catalogues.ensure_defaults()
        models, members = build(n_models)
        criteria = criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
        print(f"{'complete sheets / expected':<52} {scoring.progress(YEAR)}")

        timed("criteria_set_for (cached)", lambda: criteria_set_for(YEAR, domain.KIND_COLLECTIVE), repeat=50)
        timed("progress, whole council (one grouped query)", lambda: scoring.progress(YEAR))
        timed("member_progress", lambda: scoring.member_progress(YEAR, members[1]))
        timed("progress_summary (member + council)", lambda: scoring.progress_summary(YEAR, members[1]))
        timed(
            "member_grid (one member's 300 sheets)",
            lambda: scoring.member_grid(YEAR, members[1], domain.KIND_COLLECTIVE),
        )
        values = {c.id: c.max_points for c in criteria}
        timed(
            "save_sheet (one cell's write, FULL sync)",
            lambda: scoring.save_sheet(YEAR, members[2], models[0], values),
            repeat=20,
        )

        make_application()
        tab = ScoringTab()
        tab.resize(1280, 800)
        tab.show()
        tab.activateWindow()
        deadline = time.perf_counter() + 5
        while not tab.isActiveWindow() and time.perf_counter() < deadline:
            QApplication.processEvents()
        timed("open the tab: grid + progress (set_year)", lambda: tab.set_year(YEAR), repeat=3)
        tab.table.setFocus()
        QApplication.processEvents()
        before = tab.progress.text()
        typed = type_cells(tab, cells)
        print(f"{'progress before → after typing':<52} {before} → {tab.progress.text()}")

        # Every typed value must be stored in its own cell, in order (the member's sheets, row by row).
        width = len(criteria)
        stored = scoring.member_grid(YEAR, members[0], domain.KIND_COLLECTIVE).values
        landed = [stored[i // width][criteria[i % width].id] for i in range(len(typed))]
        wrong = sum(1 for t, s in zip(typed, landed) if s != float(t))
        print(f"{'cells typed / landed in the wrong cell':<52} {len(typed)} / {wrong}")
        recount = scoring.progress_summary(YEAR, members[0])
        shown = f"{recount.member_done}/{recount.member_expected}"
        print(f"{'incremental progress equals a recount':<52} {shown in tab.progress.text()}")
        tab.close()
        tab.deleteLater()
        QApplication.processEvents()
        db.close()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
