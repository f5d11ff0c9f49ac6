"""Speed and memory of importing a 20.000-row registration workbook as .xlsx, .xls and .ods
(run by hand: python benchmarks/bench_import.py [N]).

Prints figures; no thresholds.  The workbook has what units send: a title, a two-row header with a merged
«Kết quả đạt được» over three indicator columns, amounts as numbers and as text.  The .xls and .ods are
converted from the .xlsx by LibreOffice (soffice) when it is installed, and left out, said so, when not.

For each file: reading its sheets (source.read_sheets, python-calamine), the preview (build_plan), the
import checked without writing (apply_plan dry run) and the real import into a fresh database.  openpyxl's
read-only reading of the same .xlsx is the floor calamine is compared with.  Each step runs in a child
process of its own, so that its peak memory (resident, which counts calamine's Rust side too, not only
Python objects as tracemalloc would) is its own.
"""

from __future__ import annotations

import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook
from openpyxl.worksheet.cell_range import CellRange

FIELDS = ("Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh", "Xây dựng hệ thống chính trị")
WORDS = ("Nuôi bò sinh sản", "Thắp sáng đường quê", "Tủ sách cộng đồng", "Vay vốn xoay vòng", "Đường hoa")
AMOUNTS: tuple[object, ...] = ("12,5 triệu", 40, "9.000.000 đồng", 300, "1,2 tỷ", 45)
YEAR = 2024


def registrations(path: Path, n: int) -> Path:
    """N registrations under a 3-line title and a two-row header, written by openpyxl's write-only mode."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đăng ký")
    ws.append(["ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ"])
    ws.append([f"DANH SÁCH MÔ HÌNH, ĐIỂN HÌNH «DÂN VẬN KHÉO» NĂM {YEAR}"])
    ws.append(["(Kèm theo Kế hoạch số 5/KH-UBND)"])
    ws.append(["STT", "Tên mô hình", "Lĩnh vực", "Đơn vị thực hiện", "Kết quả đạt được", None, None])
    ws.append([None, None, None, None, "Kinh phí (triệu đồng)", "Số hộ", "Số người tham gia"])
    for ref in ("A1:G1", "A2:G2", "A3:G3", "A4:A5", "B4:B5", "C4:C5", "D4:D5", "E4:G4"):
        ws.merged_cells.add(CellRange(ref))
    for i in range(1, n + 1):
        name = f"{WORDS[i % len(WORDS)]} số {i}"
        ws.append([i, name, FIELDS[i % 4], f"Hội Nông dân xã số {i % 300}", AMOUNTS[i % 6], i % 40, 10 + i % 90])
    wb.save(path)
    return path


def convert(xlsx: Path, kind: str, outdir: Path) -> Path | None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return None
    profile = outdir / "lo-profile"
    command = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", kind]
    subprocess.run([*command, "--outdir", str(outdir), str(xlsx)], check=True, capture_output=True, timeout=900)
    made = outdir / f"{xlsx.stem}.{kind}"
    return made if made.is_file() else None


# ----------------------------------------------------------------- one step, in a child process


def _peak_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def _step(step: str, path: Path, workdir: Path) -> dict[str, object]:
    """Run one step and say how long it took, how much the peak resident memory grew and what it found."""
    from desktop_app.importer import apply_plan, build_plan
    from desktop_app.importer.source import read_sheets
    from desktop_app.services import catalogues
    from desktop_app.storage.database import open_database

    database = open_database(workdir / f"bench-{step}-{path.suffix[1:]}.db")
    catalogues.ensure_defaults()
    action: Callable[[], str]
    if step == "openpyxl":

        def action() -> str:
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            rows = [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]
            wb.close()
            return f"{len(rows)} dòng"
    elif step == "read":

        def action() -> str:
            return f"{sum(len(s.rows) for s in read_sheets(path))} dòng"
    elif step == "plan":

        def action() -> str:
            plan = build_plan(path, year=YEAR)
            return f"{len(plan.importable)} hợp lệ, {len(plan.rejected)} bị loại"
    else:
        plan = build_plan(path, year=YEAR)

        def action() -> str:
            result = apply_plan(plan, dry_run=step == "dry-run")
            return f"{result.imported} mô hình, {len(result.created_units)} đơn vị mới"

    before = _peak_kib()
    start, cpu = time.perf_counter(), time.process_time()
    found = action()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    database.close()
    return {"seconds": seconds, "cpu": cpu, "peak_mib": max(0, _peak_kib() - before) / 1024, "found": found}


def measure(step: str, path: Path, workdir: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, str(path), str(workdir)],
        check=True,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------- the run

STEPS = (
    ("openpyxl", "openpyxl read-only, all cells"),
    ("read", "read_sheets (calamine)"),
    ("plan", "build_plan (preview)"),
    ("dry-run", "apply_plan dry run"),
    ("apply", "apply_plan into a fresh database"),
)


def main(n: int = 20_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        start = time.perf_counter()
        xlsx = registrations(workdir / "đăng ký.xlsx", n)
        print(f"{n} rows written as .xlsx by openpyxl write-only in {time.perf_counter() - start:.1f} s", flush=True)
        files = [xlsx]
        for kind in ("xls", "ods"):
            start = time.perf_counter()
            made = convert(xlsx, kind, workdir)
            if made is None:
                print(f".{kind}: LibreOffice (soffice) not installed, left out", flush=True)
                continue
            print(f".{kind} converted by LibreOffice in {time.perf_counter() - start:.1f} s", flush=True)
            files.append(made)
        print()
        # CPU time beside the wall clock: on a busy machine the wall clock says more about the others.
        print(f"{'file':<6} {'step':<34} {'time':>9} {'CPU':>9} {'peak +RSS':>11}  found", flush=True)
        for path in files:
            size = path.stat().st_size / (1024 * 1024)
            for step, label in STEPS:
                if step == "openpyxl" and path.suffix != ".xlsx":
                    continue  # openpyxl reads neither .xls nor .ods
                figures = measure(step, path, workdir)
                print(
                    f"{path.suffix:<6} {label:<34} {float(str(figures['seconds'])) * 1000:7.0f} ms "
                    f"{float(str(figures['cpu'])) * 1000:6.0f} ms {float(str(figures['peak_mib'])):7.1f} MiB  "
                    f"{figures['found']}",
                    flush=True,
                )
            print(f"{'':<6} (file size {size:.1f} MiB)", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--step":
        print(json.dumps(_step(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4])), ensure_ascii=False))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
