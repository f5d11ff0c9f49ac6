"""Measures of the core (no Qt): each takes the context and returns one dict of figures per repetition.

Every measure runs in a child process of its own (see ``__main__``), so caches start cold the way they do at a
program start and the process's peak memory is the measure's.  Floors are measured beside the code they bound,
in the same repetition.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .context import Context

Samples = list[dict[str, float]]


def _clock(fn: Callable[..., Any], *args: Any) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


@contextmanager
def _opened(path: Path) -> Iterator[Any]:
    from desktop_app.storage.database import open_database

    database = open_database(path)
    try:
        yield database
    finally:
        database.close()


def _spread_years(ctx: Context) -> tuple[int, int, int, int]:
    """Two years of the archive grown to 20,000 and 10,000 models (fewer on a small archive), for the long lists.

    The models are taken, lowest ids first, from the years before the working year of a private copy.
    """
    earlier = ctx.spec.models - ctx.spec.last_year_models
    big = min(20_000, earlier * 2 // 3)
    mid = min(10_000, earlier - big)
    return ctx.year - 1, big, ctx.year - 2, mid


def _spread_copy(ctx: Context) -> Path:
    path = ctx.private_copy("annual-lists")
    big_year, big, mid_year, mid = _spread_years(ctx)
    conn = sqlite3.connect(path)
    try:
        ids = [row[0] for row in conn.execute("SELECT id FROM mo_hinh WHERE year < ? ORDER BY id", (ctx.year,))]
        with conn:
            conn.executemany("UPDATE mo_hinh SET year = ? WHERE id = ?", [(big_year, i) for i in ids[:big]])
            conn.executemany("UPDATE mo_hinh SET year = ? WHERE id = ?", [(mid_year, i) for i in ids[big : big + mid]])
            # Whatever year the moved models came from, the rest of those years stays as it was.
    finally:
        conn.close()
    return path


# ----------------------------------------------------------------- statistics and the editor's check


def stats(ctx: Context) -> Samples:
    """The dashboard of the working year (year_stats + year_progress), and the review of the whole archive."""
    from desktop_app.review.period import review
    from desktop_app.services import statistics

    samples: Samples = []
    with _opened(ctx.private_copy("stats")):
        for _ in range(ctx.repeat):
            year = _clock(lambda: (statistics.year_stats(ctx.year), statistics.year_progress(ctx.year)))
            every = _clock(lambda: [statistics.year_stats(y) for y in range(ctx.spec.first_year, ctx.year + 1)])
            span = _clock(lambda: review(ctx.spec.first_year, ctx.year))
            samples.append({"stats_ms": year * 1000, "stats_all_years_ms": every * 1000, "review_all_ms": span * 1000})
    return samples


NAMES_TYPED = "Thắp sáng đường quê tại thôn 3, Tân Hà"


def name_check(ctx: Context) -> Samples:
    """similar_names as the editor calls it while a name is typed: every prefix from 4 letters, median per call."""
    from statistics import median

    from desktop_app.services.models import similar_names

    prefixes = [NAMES_TYPED[:n] for n in range(4, len(NAMES_TYPED) + 1, 3)]
    samples: Samples = []
    with _opened(ctx.private_copy("names")):
        for _ in range(ctx.repeat):
            times = [_clock(similar_names, ctx.year, p) * 1000 for p in prefixes]
            samples.append({"name_check_ms": median(times), "name_check_max_ms": max(times)})
    return samples


# ----------------------------------------------------------------- PDF


def _floor_pdf(rows: list[Any], target: Path) -> None:
    """A plain reportlab LongTable of the same rows: number, name, unit, field, kind; names wrapped."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, TableStyle

    from desktop_app.documents.fonts import register_fonts

    font = register_fonts()
    style = ParagraphStyle("cell", fontName=font, fontSize=11, leading=13)
    data: list[list[Any]] = [["STT", "Tên mô hình, điển hình", "Đơn vị thực hiện", "Lĩnh vực", "Loại"]]
    for number, row in enumerate(rows, start=1):
        data.append(
            [str(number), Paragraph(row.name, style), Paragraph(row.unit, style), Paragraph(row.field, style), row.kind]
        )
    table = LongTable(data, colWidths=[12 * mm, 110 * mm, 70 * mm, 45 * mm, 25 * mm], repeatRows=1)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 11), ("GRID", (0, 0), (-1, -1), 0.5, "black")]))
    SimpleDocTemplate(str(target), pagesize=landscape(A4)).build([table])


def _year_rows(year: int) -> list[Any]:
    from desktop_app.services.models import ModelFilter, list_models

    return list_models(ModelFilter(year=year))


def pdf(ctx: Context) -> Samples:
    """The registration list of the working year, and the floor on the same rows."""
    from desktop_app.documents import Options, build_pdf

    samples: Samples = []
    with _opened(ctx.private_copy("pdf")):
        for i in range(ctx.repeat):
            seconds = _clock(build_pdf, "registrations", Options(ctx.year), ctx.scratch / f"ds-{i}.pdf")
            rows = _year_rows(ctx.year)
            floor = _clock(_floor_pdf, rows, ctx.scratch / f"san-{i}.pdf")
            samples.append({"pdf_s": seconds, "pdf_floor_s": floor, "pdf_rows": float(len(rows))})
    return samples


def pdf_20k(ctx: Context) -> Samples:
    """The registration list of a year of 20,000 models (fewer on a small archive); peak memory is the process's."""
    from desktop_app.documents import Options, build_pdf

    year, rows, _, _ = _spread_years(ctx)
    samples: Samples = []
    with _opened(_spread_copy(ctx)):
        for i in range(ctx.repeat):
            seconds = _clock(build_pdf, "registrations", Options(year), ctx.scratch / f"ds20k-{i}.pdf")
            samples.append({"pdf_20k_s": seconds, "pdf_20k_rows": float(rows)})
    return samples


# ----------------------------------------------------------------- Excel out and in


def _floor_excel(rows: list[Any], target: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(["STT", "Tên mô hình, điển hình", "Đơn vị thực hiện", "Lĩnh vực", "Loại", "Cấp", "Địa chỉ"])
    for number, row in enumerate(rows, start=1):
        ws.append([number, row.name, row.unit, row.field, row.kind, row.level, row.address])
    wb.save(target)


def export(ctx: Context) -> Samples:
    """The registration list's Excel twin of a year of 10,000 models, and openpyxl write-only on the same rows."""
    from desktop_app.documents import Options, build_excel

    _, _, year, rows = _spread_years(ctx)
    samples: Samples = []
    with _opened(_spread_copy(ctx)):
        for i in range(ctx.repeat):
            seconds = _clock(build_excel, "registrations", Options(year), ctx.scratch / f"ds-{i}.xlsx")
            listed = _year_rows(year)
            floor = _clock(_floor_excel, listed, ctx.scratch / f"san-{i}.xlsx")
            samples.append({"export_s": seconds, "export_floor_s": floor, "export_rows": float(rows)})
    return samples


def _calamine_rows(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    count = 0
    workbook = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        for _row in workbook.get_sheet_by_name(name).iter_rows():
            count += 1
    return count


def _openpyxl_rows(path: Path) -> int:
    """The floor of the issue's first figures: openpyxl's read-only iteration over every cell."""
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for sheet in workbook.worksheets for _row in sheet.iter_rows(values_only=True))
    finally:
        workbook.close()


def import_(ctx: Context) -> Samples:
    """A 20,000-row workbook (2,000 in quick mode) previewed and imported into a copy of the archive."""
    from desktop_app.importer import apply_plan, build_plan

    from .bench_import import registrations

    rows = 2_000 if ctx.quick else 20_000
    workbook = registrations(ctx.scratch / "đăng ký.xlsx", rows)
    samples: Samples = []
    for i in range(ctx.repeat):
        floor = _clock(lambda: _calamine_rows(workbook))
        openpyxl = _clock(lambda: _openpyxl_rows(workbook))
        with _opened(ctx.private_copy(f"import-{i}")):
            start = time.perf_counter()
            plan = build_plan(workbook, year=ctx.year - 1)
            planned = time.perf_counter() - start
            result = apply_plan(plan)
            seconds = time.perf_counter() - start
        samples.append(
            {
                "import_s": seconds,
                "import_plan_s": planned,
                "import_floor_s": floor,
                "import_openpyxl_s": openpyxl,
                "import_rows": float(result.imported),
            }
        )
    return samples


# ----------------------------------------------------------------- backup and restore


def _floor_backup(database: Any, target: Path) -> None:
    """SQLite's online backup and a deflated zip of it and the attachment files, nothing checked."""
    import zipfile

    snapshot = database.backup_to(target.with_suffix(".db"))
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.write(snapshot, "du-lieu.db")
        if database.files_dir.is_dir():
            for path in database.files_dir.iterdir():
                archive.write(path, "tep/" + path.name)


def backup(ctx: Context) -> Samples:
    """A verified backup zip of the archive with its attachment files, and its restore into a new place."""
    from desktop_app.services.backup import create_backup, restore_backup

    samples: Samples = []
    with _opened(ctx.private_copy("backup")) as database:
        zips = []
        for i in range(ctx.repeat):
            target = ctx.scratch / f"sao-luu-{i}.zip"
            zips.append((_clock(create_backup, target), target))
        size = zips[0][1].stat().st_size / 1024**2
        floor = _clock(lambda: _floor_backup(database, ctx.scratch / "san.zip"))
    for i, (seconds, target) in enumerate(zips):
        restored = ctx.scratch / f"phuc-hoi-{i}" / "luu-tru.db"
        restore = _clock(restore_backup, target, restored)
        samples.append({"backup_s": seconds, "restore_s": restore, "backup_floor_s": floor, "backup_mb": size})
    return samples
