"""Speed of the history view on 100.000 changes (run by hand: python benchmarks/history_browse.py [N]).

The changes are written through the real history API (``record.batch`` / ``record.entry``, 100 to a
batch) with plausible model snapshots: creations, field edits, status changes, a few unit edits,
spread over two years.  Prints figures; no thresholds.  Target: a page or a filter under 0,1 s on an old
office PC, so the history page may query on the GUI thread.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app import domain
from desktop_app.history import display, kinds, queries, record
from desktop_app.history.export import export_history
from desktop_app.history.queries import HistoryFilter
from desktop_app.services import catalogues, units
from desktop_app.services.models import ModelInput, create_model
from desktop_app.storage.database import open_database, transaction
from desktop_app.storage.models import MoHinh

BATCH = 100
WORDS = ("Dân vận khéo", "đường hoa", "nông thôn mới", "thu gom", "sinh kế", "đồng bào", "khuyến học", "Đạ Đờn")
USERS = ("Nguyễn Thị Hoa", "Trần Văn Bình", "Lê Minh")
START = datetime(2024, 1, 2, 8, 0)


def timed(label: str, fn, repeat: int = 5):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<52} {best * 1000:9.1f} ms")
    return result


def fill(n: int, rng: random.Random) -> None:
    """``n`` history entries about 500 real models, in batches of ``BATCH``, dated over two years."""
    catalogues.ensure_defaults()
    fields = [f.id for f in catalogues.list_items("field")]
    unit_ids = [units.create_unit(f"Đơn vị số {i}").id for i in range(50)]
    for i in range(500):
        name = " ".join(rng.sample(WORDS, 3)) + f" {i}"
        create_model(ModelInput(name=name, year=2024, field_id=rng.choice(fields), unit_id=rng.choice(unit_ids)))
    snapshots = [kinds.snapshot(row) for row in MoHinh.select()]
    unit_uuids = [u.uuid for u in units.list_units()]
    statuses = list(domain.STATUSES)
    written = 0
    minutes = 2 * 365 * 24 * 60 // max(n // BATCH, 1)  # the batches spread evenly over two years
    while written < n:
        user = rng.choice(USERS)
        with record.batch(f"Công việc số {written // BATCH} của {user}", action=rng.choice(("", "status", "import"))):
            for _ in range(min(BATCH, n - written)):
                snap = rng.choice(snapshots)
                roll = rng.random()
                if roll < 0.15:
                    action, before, after = "create", None, snap
                elif roll < 0.45:
                    old, new = rng.sample(statuses, 2)
                    action, before, after = "status", {"status": old}, {"status": new}
                elif roll < 0.5:
                    action, before, after = "update", {"unit": rng.choice(unit_uuids)}, {"unit": rng.choice(unit_uuids)}
                else:
                    action = "update"
                    before = {"address": f"Thôn {rng.randint(1, 9)}", "note": ""}
                    after = {"address": f"Thôn {rng.randint(1, 9)}", "note": rng.choice(WORDS)}
                record.entry(
                    "model",
                    action,
                    snap["uuid"],
                    snap["name"],
                    before,
                    after,
                    model_uuid=snap["uuid"],
                    year=2024,
                )
                written += 1
            current = record.active()
            assert current is not None and current.row is not None
            current.row.at = START + timedelta(minutes=minutes * (written // BATCH))
            current.row.user = user
            current.row.save()


def main(n: int = 100_000) -> None:
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lich-su.db"
        db = open_database(path)
        start = time.perf_counter()
        with transaction():
            fill(n, rng)
        print(f"{f'write {n} changes ({n // BATCH} batches)':<52} {(time.perf_counter() - start) * 1000:9.1f} ms")
        page = timed("first page (200), described", lambda: display.describe(queries.entries(limit=200)))

        def tenth_page() -> list:
            before = None
            for _ in range(10):
                found = queries.entries(limit=200, before_id=before)
                before = found[-1].id
            return display.describe(found)

        timed("10th page by keyset (10 queries), described", tenth_page)
        last_id = page[-1].entry.id
        timed("next page by keyset (one query)", lambda: queries.entries(limit=200, before_id=last_id))
        timed("count, no filter", lambda: queries.count())
        model = MoHinh.select().order_by(MoHinh.id.desc()).get()
        filters = {
            "text 'da don' (common)": HistoryFilter(text="da don"),
            "text 'hoa 123' (rare)": HistoryFilter(text="hoa 123"),
            "text 'khong co dau' (nothing)": HistoryFilter(text="khong co dau"),
            "kind 'unit' (few)": HistoryFilter(kinds=("unit",)),
            "kind 'model' (most)": HistoryFilter(kinds=("model",)),
            "action 'create'": HistoryFilter(actions=("create",)),
            "date range, one month a year ago": HistoryFilter(since=date(2024, 6, 1), until=date(2024, 6, 30)),
            "date range from a year ago": HistoryFilter(since=date(2025, 1, 1)),
            "one model's history": HistoryFilter(model_uuid=model.uuid),
            "kind + action + text + dates": HistoryFilter(
                kinds=("model",), actions=("status",), text="khuyen hoc", since=date(2024, 3, 1), until=date(2025, 3, 1)
            ),
        }
        for label, flt in filters.items():
            timed(f"page: {label}", lambda flt=flt: display.describe(queries.entries(flt, limit=200)))
            timed(f"count: {label}", lambda flt=flt: queries.count(flt))
        target = Path(tmp) / "lịch sử.xlsx"
        timed(f"Excel export of all {n}", lambda: export_history(None, target), repeat=1)
        print(f"{'Excel file size':<52} {target.stat().st_size / 1e6:9.1f} MB")
        db.close()
        size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
        print(f"{'database size':<52} {size / 1e6:9.1f} MB")
        print(f"{'batches':<52} {n // BATCH:9d}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
