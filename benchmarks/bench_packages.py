"""Merging a province's packages (run by hand: python benchmarks/bench_packages.py [OFFICES] [MODELS]).

100 offices each send a package of 300 models with a photo each (a small generated JPEG) and two indicators;
the packages are merged one after the other into one upper-office database, each with its backup first, as
the user would.  Prints the time per package (preview, backup, write), the total, the peak memory of the
process and the size of the database and its evidence folder.  No thresholds.

The packages come from one sender database whose identity, uuids and photos are renewed before each export,
so every package is a different office's with its own models and files (building 100 databases would only
measure the set-up).
"""

from __future__ import annotations

import io
import random
import resource
import sys
import tempfile
import time
import uuid as _uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from desktop_app.exchange import identity, merge
from desktop_app.exchange.export import export_package
from desktop_app.exchange.format import SenderOffice
from desktop_app.exchange.merge import apply_merge, plan_merge
from desktop_app.services import attachments, catalogues, units
from desktop_app.services.models import IndicatorData, ModelInput, create_model
from desktop_app.storage import database as storage
from desktop_app.storage.database import open_database
from desktop_app.storage.models import Attachment, Indicator, MoHinh, Unit, database_proxy

YEAR = 2026


def photo(rng: random.Random) -> bytes:
    out = io.BytesIO()
    colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
    image = Image.new("RGB", (96, 72), colour)
    for _ in range(12):  # a few specks so the JPEG is not trivially small
        image.putpixel((rng.randrange(96), rng.randrange(72)), (rng.randrange(256), 0, 0))
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def build_sender(path: Path, models: int, rng: random.Random) -> None:
    open_database(path)
    catalogues.ensure_defaults()
    fields = [f.id for f in catalogues.list_items("field")]
    unit_ids = [units.create_unit(f"Chi hội số {i}").id for i in range(20)]
    folder = path.parent / "ảnh"
    folder.mkdir()
    for n in range(models):
        model_id = create_model(
            ModelInput(
                name=f"Mô hình dân vận khéo số {n}: hỗ trợ sinh kế đồng bào",
                year=YEAR,
                field_id=rng.choice(fields),
                unit_id=rng.choice(unit_ids),
                indicators=[
                    IndicatorData("Hộ được hỗ trợ", "hộ", 20, rng.randrange(5, 40)),
                    IndicatorData("Kinh phí vận động", "triệu đồng", 100, rng.randrange(20, 500)),
                ],
            )
        )
        source = folder / f"ảnh {n}.jpg"
        source.write_bytes(photo(rng))
        attachments.add_attachment(model_id, source, caption="Ảnh hoạt động")
    storage.current().close()


def renew(rng: random.Random) -> None:
    """Give the open sender database new uuids and new photos: the next export is another office's year."""
    folder = attachments.files_dir()
    with database_proxy.atomic():
        for table in (MoHinh, Indicator, Unit):
            for row_id in [r.id for r in table.select(table.id)]:
                table.update(uuid=str(_uuid.uuid4())).where(table.id == row_id).execute()
        for row in list(Attachment.select()):
            raw = photo(rng)
            stored = f"{_uuid.uuid4()}.jpg"
            (folder / stored).write_bytes(raw)
            (folder / row.stored_name).unlink(missing_ok=True)
            Attachment.update(
                uuid=str(_uuid.uuid4()),
                stored_name=stored,
                sha256=attachments._sha256(folder / stored),
                size=len(raw),
            ).where(Attachment.id == row.id).execute()


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else 0


def main(offices: int = 100, models: int = 300) -> None:
    rng = random.Random(16)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sender_db = root / "xã" / "sender.db"
        sender_db.parent.mkdir()
        _, took = timed(lambda: build_sender(sender_db, models, rng))
        print(f"sender database: {models} models with photos built in {took:.1f} s")

        packages: list[Path] = []
        export_times: list[float] = []
        open_database(sender_db)
        for i in range(offices):
            renew(rng)
            office = SenderOffice(str(_uuid.uuid4()), f"Ủy ban nhân dân xã số {i + 1}", "Lâm Hà", "Xã")
            identity.sender = lambda office=office: office  # type: ignore[assignment]  # each package another office
            result, took = timed(lambda i=i: export_package(root / "gói" / f"xa-{i + 1:03d}-{YEAR}.dvk", year=YEAR))
            packages.append(result.path)
            export_times.append(took)
        storage.current().close()
        sizes = [p.stat().st_size for p in packages]
        print(
            f"exported {offices} packages: {sum(export_times) / offices:.2f} s each, "
            f"{sum(sizes) / offices / 1024**2:.2f} MB each"
        )

        upper_db = root / "tỉnh" / "upper.db"
        upper_db.parent.mkdir()
        open_database(upper_db)
        catalogues.ensure_defaults()
        backup_times: list[float] = []
        real_backup = merge.autobackup.make_automatic

        def timed_backup(*args: Any, **kwargs: Any) -> Path | None:
            path, took = timed(lambda: real_backup(*args, **kwargs))
            backup_times.append(took)
            return path  # type: ignore[no-any-return]

        merge.autobackup.make_automatic = timed_backup  # type: ignore[assignment]
        plans: list[float] = []
        applies: list[float] = []
        total_start = time.perf_counter()
        for index, path in enumerate(packages, start=1):
            plan, took = timed(lambda path=path: plan_merge(path))
            plans.append(took)
            result, took = timed(lambda plan=plan: apply_merge(plan))
            applies.append(took)
            assert result.counts["added"] == models, result.counts
            if index in (1, 10, 50, offices):
                print(
                    f"package {index:3d}: preview {plans[-1]:.2f} s, backup {backup_times[-1]:.2f} s, "
                    f"write {applies[-1] - backup_times[-1]:.2f} s"
                )
        total = time.perf_counter() - total_start
        merge.autobackup.make_automatic = real_backup  # type: ignore[assignment]
        merged = MoHinh.select().count()
        files = storage.current().files_dir
        storage.current().close()
        print(f"merged {offices} packages ({merged} models) in {total:.1f} s: {total / offices:.2f} s per package")
        print(
            f"  per package: preview {sum(plans) / offices:.2f} s, backup {sum(backup_times) / offices:.2f} s, "
            f"write {(sum(applies) - sum(backup_times)) / offices:.2f} s"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(f"peak memory (whole process): {peak:.0f} MB")
        print(
            f"upper database {upper_db.stat().st_size / 1024**2:.1f} MB, "
            f"evidence folder {folder_size(files) / 1024**2:.1f} MB"
        )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
