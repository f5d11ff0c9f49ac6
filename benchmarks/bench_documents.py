"""Speed of printing and importing at district scale (run by hand: python benchmarks/bench_documents.py [N]).

Prints figures; no thresholds.  Targets on an old office PC: a registration list of 500
models under 10 s, the preview of its first pages under 2 s, importing a 2.000-row file
(plan and apply) under 15 s.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from desktop_app.documents import Options, build_excel, build_pdf
from desktop_app.documents.preview import render_pages
from desktop_app.importer import apply_plan, build_plan
from desktop_app.services import catalogues, units
from desktop_app.services.models import ModelInput, create_model
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


def clock(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<50} {time.perf_counter() - start:8.2f} s")
    return result


def main(n: int = 500, rows: int = 2_000) -> None:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        open_database(folder / "bench.db")
        catalogues.ensure_defaults()
        fields = catalogues.list_items("field")
        unit_ids = [units.create_unit(f"Đơn vị số {i}").id for i in range(60)]
        with database_proxy.atomic():
            for i in range(n):
                create_model(
                    ModelInput(
                        name=" ".join(rng.sample(WORDS, 5)) + f" {i}",
                        year=2025,
                        field_id=rng.choice(fields).id,
                        unit_id=rng.choice(unit_ids),
                        address="thôn " + rng.choice(WORDS),
                    )
                )
        pdf = clock(
            f"registration list PDF, {n} models", lambda: build_pdf("registrations", Options(2025), folder / "ds.pdf")
        )
        clock("preview of its first 12 pages", lambda: list(render_pages(pdf, dpi=100, limit=12)))
        clock(
            f"registration list Excel, {n} models",
            lambda: build_excel("registrations", Options(2025), folder / "ds.xlsx"),
        )
        clock("statistics report PDF", lambda: build_pdf("statistics", Options(2025), folder / "tk.pdf"))
        wb = Workbook()
        ws = wb.active
        ws.append(["DANH SÁCH ĐĂNG KÝ"])
        ws.append(["STT", "Tên mô hình, điển hình", "Đơn vị thực hiện", "Lĩnh vực", "Kết quả"])
        for i in range(rows):
            ws.append(
                [
                    i + 1,
                    " ".join(rng.sample(WORDS, 4)) + f" nhập {i}",
                    f"Đơn vị số {i % 80}",
                    rng.choice(fields).name.upper(),
                    "12 hộ",
                ]
            )
        wb.save(folder / "nhap.xlsx")
        plan = clock(f"import plan, {rows} rows", lambda: build_plan(folder / "nhap.xlsx", year=2026))
        result = clock("import apply (one transaction)", lambda: apply_plan(plan))
        print(f"imported {result.imported}, created {len(result.created_units)} units")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
