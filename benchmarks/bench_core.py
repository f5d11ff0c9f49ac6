"""Speed of the core on a province-sized archive (run by hand: python benchmarks/bench_core.py [N]).

Prints figures; no thresholds.  Targets: listing ids and searching 20.000 models
under 0,2 s, a year's statistics under 0,5 s, on an old office PC.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop_app.services import catalogues, statistics, units
from desktop_app.services.models import ModelFilter, ModelInput, create_model, query_ids, rows_for_ids
from desktop_app.storage.database import open_database
from desktop_app.storage.models import database_proxy

WORDS = (
    "Dân vận khéo",
    "xây dựng",
    "nông thôn mới",
    "thu gom",
    "ve chai",
    "hỗ trợ",
    "sinh kế",
    "đồng bào",
    "cải cách hành chính",
    "Đạ Đờn",
    "Liên Hà",
    "phụ nữ",
    "cựu chiến binh",
    "an ninh trật tự",
    "đường hoa",
)


def timed(label: str, fn, repeat: int = 5):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<45} {best * 1000:8.1f} ms")
    return result


def main(n: int = 20_000) -> None:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "bench.db")
        catalogues.ensure_defaults()
        fields = [f.id for f in catalogues.list_items("field")]
        unit_ids = [units.create_unit(f"Đơn vị số {i}").id for i in range(300)]
        start = time.perf_counter()
        with database_proxy.atomic():
            for i in range(n):
                name = " ".join(rng.sample(WORDS, 4)) + f" {i}"
                create_model(
                    ModelInput(name=name, year=2009 + i % 17, field_id=rng.choice(fields), unit_id=rng.choice(unit_ids))
                )
        print(f"{'insert ' + str(n) + ' models':<45} {(time.perf_counter() - start) * 1000:8.1f} ms")
        ids = timed("all ids, Vietnamese order", lambda: query_ids(ModelFilter()))
        timed("first 200 rows for the list", lambda: rows_for_ids(ids[:200]))
        timed("search 'da don' (all years)", lambda: query_ids(ModelFilter(text="da don")))
        timed("search 'dan van kheo' in one year", lambda: query_ids(ModelFilter(year=2020, text="dan van kheo")))
        timed("statistics of one year", lambda: statistics.year_stats(2020))
        db.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
