"""Báo cáo tổng kết phong trào thi đua “Dân vận khéo” over a span of years (review.period), and its workbook.

The report is a numbered document («Số …-BC/…») in either style: a few paragraphs of totals built from the
figures, the year-by-year table and its chart (bars, and the recognition rate as a line), signed; then the
annex tables after it (phụ lục).  The workbook holds the same tables, one sheet each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.platypus import KeepTogether

from .. import domain
from ..appraisal.results import kind_title
from ..office import REPORT, Issuer
from ..review.period import CountRow, LinkedModel, PeriodReview, name_key, review
from ..services.settings import get_office
from ..tasks import TaskState
from ..text import format_number
from . import data
from .excel import Align, Formula, Sheet, Signature, write_workbook
from .fonts import FAMILY
from .layout import Document
from .statistics import RECOGNISED_COLOR, REGISTERED_COLOR, Tally, bar_chart, tally_cells

RATE_COLOR = colors.HexColor("#2E7D32")
RATE_AXIS = 34  # points kept right of the bars for the rate's own axis
RATE_TOP = 0.85  # 100% stands this high in the bars' height, so its label stays clear of the legend
RECIPIENTS = ("Ban Dân vận cấp trên (để báo cáo)",)
INTEGER = "#,##0"
PERCENT = "0.0%"
NUMBER = "#,##0.##"
NONE_FOUND = "Không có."


# ----------------------------------------------------------------- words


def span_text(first_year: int, last_year: int) -> str:
    """ "giai đoạn 2021 – 2025", or "năm 2025" for a span of one year."""
    return f"năm {first_year}" if first_year == last_year else f"giai đoạn {first_year} – {last_year}"


def subject(first_year: int, last_year: int) -> str:
    return f"tổng kết phong trào thi đua “Dân vận khéo” {span_text(first_year, last_year)}"


def rate_text(value: float | None) -> str:
    return "–" if value is None else format_number(100.0 * value, 1) + "%"


def narrative(figures: PeriodReview, area: str) -> list[str]:
    """The report's paragraphs of totals: what a clerk would write from the annex tables."""
    span = span_text(figures.first_year, figures.last_year)
    by_kind = figures.counts_by("kind")
    collective = by_kind.get(domain.KIND_COLLECTIVE)
    individual = by_kind.get(domain.KIND_INDIVIDUAL)
    paragraphs = [
        f"{span[0].upper()}{span[1:]}, trên địa bàn {area or 'đơn vị'} có "
        f"{format_number(figures.registered)} lượt mô hình, điển hình đăng ký thực hiện phong trào thi đua "
        f"“Dân vận khéo” ({format_number(collective.registered if collective else 0)} mô hình tập thể, "
        f"{format_number(individual.registered if individual else 0)} điển hình cá nhân); đã công nhận "
        f"{format_number(figures.recognised)} lượt mô hình, điển hình, đạt {rate_text(figures.rate)} số đăng ký."
    ]
    active = [row for row in figures.by_year if row.registered]
    if len(active) > 1:
        first, last = active[0], active[-1]
        assert first.rate is not None and last.rate is not None  # both registered some
        change = last.rate - first.rate
        trend = (
            f"tăng {format_number(100 * change, 1)} điểm phần trăm"
            if change > 0.0005
            else f"giảm {format_number(-100 * change, 1)} điểm phần trăm"
            if change < -0.0005
            else "giữ nguyên"
        )
        best = max(active, key=lambda row: (row.rate or 0.0, row.year))
        paragraphs.append(
            f"Số mô hình, điển hình đăng ký năm {first.year} là {format_number(first.registered)}, năm "
            f"{last.year} là {format_number(last.registered)}. Tỷ lệ công nhận năm {first.year} là "
            f"{rate_text(first.rate)}, năm {last.year} là {rate_text(last.rate)} ({trend}); năm có tỷ lệ "
            f"công nhận cao nhất là năm {best.year} ({rate_text(best.rate)})."
        )
    totals = [row for row in figures.indicator_totals if row.total]
    if totals:
        parts = [f"{row.category} {format_number(row.total)} {row.unit_of_measure}".rstrip() for row in totals]
        paragraphs.append(f"Kết quả vận động qua các mô hình, điển hình trong {span}: {'; '.join(parts)}.")
    spread_units = {unit for item in figures.replicated for unit in item.other_units if unit}
    paragraphs.append(
        f"Có {format_number(len(figures.continued))} mô hình, điển hình được duy trì ở các năm sau; "
        f"{format_number(len(figures.replicated))} mô hình, điển hình được nhân rộng "
        f"({format_number(sum(len(item.followers) for item in figures.replicated))} lượt) ra "
        f"{format_number(len(spread_units))} đơn vị khác; {format_number(len(figures.repeated))} mô hình, "
        f"điển hình được công nhận nhiều năm liền."
    )
    if figures.units_without_model:
        paragraphs.append(
            f"Còn {format_number(len(figures.units_without_model))} đơn vị chưa có mô hình, điển hình "
            f"đăng ký trong {span} (mục {annex_number('units')} của Phụ lục)."
        )
    return paragraphs


# ----------------------------------------------------------------- tallies


def year_field_tallies(counts: list[CountRow], attribute: str) -> dict[int, dict[str, Tally]]:
    """Year → ``attribute`` (field or unit kind) → registered and recognised by kind, in the review's order."""
    out: dict[int, dict[str, Tally]] = defaultdict(dict)
    for row in counts:
        tally = out[row.year].setdefault(getattr(row, attribute), Tally())
        tally.registered[row.kind] += row.registered
        tally.recognised[row.kind] += row.recognised
    return out


def _tally_of(rows: list[CountRow]) -> Tally:
    tally = Tally()
    for row in rows:
        tally.registered[row.kind] += row.registered
        tally.recognised[row.kind] += row.recognised
    return tally


def followers_text(item: LinkedModel) -> str:
    """One follower a line: "2024: its name (its unit) – công nhận", the name and unit only where they differ
    from the first model's (a model kept up year after year is "2022 – công nhận")."""
    lines = []
    for f in item.followers:
        line = str(f.year)
        if name_key(f.name) != name_key(item.name):
            line += f": {f.name}"
        if f.unit and f.unit != item.unit:
            line += f" ({f.unit})"
        lines.append(line + (" – công nhận" if f.recognised else ""))
    return "\n".join(lines)


# ----------------------------------------------------------------- chart


def year_chart(doc: Document, figures: PeriodReview) -> Drawing:
    """Registered and recognised bars by year, the recognition rate as a line on its own 0–100% axis."""
    drawing = bar_chart(
        doc,
        "Mô hình, điển hình và tỷ lệ công nhận qua các năm",
        [str(year) for year in figures.years],
        [
            ("Đăng ký", [row.registered for row in figures.by_year], REGISTERED_COLOR),
            ("Được công nhận", [row.recognised for row in figures.by_year], RECOGNISED_COLOR),
        ],
    )
    chart = next(shape for shape in drawing.contents if isinstance(shape, VerticalBarChart))
    chart.width -= RATE_AXIS
    x0, y0, width, height = chart.x, chart.y, chart.width, chart.height
    right = x0 + width
    rate_height = height * RATE_TOP
    drawing.add(Line(right, y0, right, y0 + rate_height, strokeColor=RATE_COLOR, strokeWidth=0.6))
    for share in (0, 25, 50, 75, 100):
        y = y0 + rate_height * share / 100
        drawing.add(Line(right, y, right + 3, y, strokeColor=RATE_COLOR, strokeWidth=0.6))
        drawing.add(String(right + 5, y - 3, f"{share}%", fontName=FAMILY, fontSize=8, fillColor=RATE_COLOR))
    step = width / max(1, len(figures.years))
    points = [
        (x0 + step * (index + 0.5), y0 + rate_height * row.rate)
        for index, row in enumerate(figures.by_year)
        if row.rate is not None
    ]
    if len(points) > 1:
        drawing.add(PolyLine([c for point in points for c in point], strokeColor=RATE_COLOR, strokeWidth=1.5))
    rates = [row.rate for row in figures.by_year if row.rate is not None]
    for (x, y), value in zip(points, rates, strict=True):
        drawing.add(Circle(x, y, 2.5, fillColor=RATE_COLOR, strokeColor=None))
        label = rate_text(value)
        # On a white patch: the label may fall on a bar.
        patch = Rect(x - 14, y + 4, 28, 10)
        patch.fillColor, patch.strokeColor = colors.white, None
        drawing.add(patch)
        drawing.add(String(x, y + 6, label, fontName=FAMILY, fontSize=8, textAnchor="middle", fillColor=RATE_COLOR))
    legend = next(shape for shape in drawing.contents if isinstance(shape, Legend))
    legend.colorNamePairs = [*legend.colorNamePairs, (RATE_COLOR, "Tỷ lệ công nhận")]
    legend.x = drawing.width / 2 - 170  # type: ignore[assignment]  # three entries now
    return drawing


# ----------------------------------------------------------------- the PDF


def _cross_header(first: str) -> tuple[list[list[str]], list[tuple[Any, ...]]]:
    header = [
        [first, "Đăng ký", "", "", "Được công nhận", "", "", "Tỷ lệ công nhận"],
        ["", "Tập thể", "Cá nhân", "Cộng", "Tập thể", "Cá nhân", "Cộng", ""],
    ]
    spans = [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (3, 0)), ("SPAN", (4, 0), (6, 0)), ("SPAN", (7, 0), (7, 1))]
    return header, spans


def _year_cross_table(doc: Document, figures: PeriodReview, attribute: str, first: str) -> None:
    """Each year in bold with its totals, then its fields (or unit kinds); the span's total last."""
    header, commands = _cross_header(first)
    rows: list[list[Any]] = []
    tallies = year_field_tallies(figures.counts, attribute)
    for year in figures.years:
        year_rows = [row for row in figures.counts if row.year == year]
        rows.append([doc.bold(f"Năm {year}")] + [doc.bold(v, "right") for v in tally_cells(_tally_of(year_rows))])
        for name, tally in tallies.get(year, {}).items():
            rows.append([f"   {name}", *tally_cells(tally)])
    rows.append([doc.bold("Cả giai đoạn")] + [doc.bold(v, "right") for v in tally_cells(_tally_of(figures.counts))])
    doc.grid(header + rows, [30, 10, 10, 10, 10, 10, 10, 12], header_rows=2, commands=commands)


def _indicator_table(doc: Document, figures: PeriodReview) -> None:
    """One block of rows per indicator category that has figures: its years and the span's total."""
    shown = [row for row in figures.indicator_totals if row.total]
    if not shown:
        doc.paragraph("Chưa có chỉ tiêu nào có số liệu đạt được trong giai đoạn.", italic=True)
        return
    rows: list[list[Any]] = [["Loại chỉ tiêu", "Đơn vị tính", "Năm", "Đạt được"]]
    commands: list[tuple[Any, ...]] = []
    for item in shown:
        start = len(rows)
        for index, year in enumerate(figures.years):
            label = [item.category, item.unit_of_measure] if index == 0 else ["", ""]
            rows.append([*label, str(year), format_number(item.by_year.get(year, 0.0))])
        rows.append(["", "", doc.bold("Cộng", "center"), doc.bold(format_number(item.total), "right")])
        end = len(rows) - 1
        commands += [("SPAN", (0, start), (0, end)), ("SPAN", (1, start), (1, end)), ("NOSPLIT", (0, start), (-1, end))]
    doc.grid(rows, [40, 16, 14, 30], commands=commands, aligns=["left", "center", "center", "right"])
    empty = [row.category for row in figures.indicator_totals if not row.total]
    if empty:
        doc.paragraph(f"Các loại chỉ tiêu chưa có số liệu trong giai đoạn: {', '.join(empty)}.", italic=True)


def _repeated_table(doc: Document, figures: PeriodReview) -> None:
    if not figures.repeated:
        doc.paragraph(NONE_FOUND, italic=True)
        return
    rows = [
        [
            str(number),
            item.name,
            item.unit,
            item.field,
            data.kind_short(item.kind),
            ", ".join(str(year) for year in item.years),
        ]
        for number, item in enumerate(figures.repeated, start=1)
    ]
    doc.table(
        ["STT", "Tên mô hình, điển hình", "Đơn vị thực hiện", "Lĩnh vực", "Loại", "Các năm được công nhận"],
        rows,
        [8, 33, 19, 14, 9, 17],
        aligns=["center", "left", "left", "left", "center", "center"],
        phrases=(3, 4),
    )


def _linked_table(doc: Document, figures: PeriodReview) -> None:
    if not figures.continued and not figures.replicated:
        doc.paragraph(NONE_FOUND, italic=True)
        return
    rows: list[list[str]] = []
    group_rows: list[int] = []
    for letter, title, items in (("A", "DUY TRÌ", figures.continued), ("B", "NHÂN RỘNG", figures.replicated)):
        group_rows.append(len(rows))
        rows.append([f"{letter}. MÔ HÌNH, ĐIỂN HÌNH ĐƯỢC {title} ({len(items)})"])
        for number, item in enumerate(items, start=1):
            rows.append(
                [
                    str(number),
                    f"{item.name} (năm {item.year})",
                    item.unit,
                    followers_text(item),
                    ", ".join(item.other_units),
                ]
            )
    doc.table(
        ["STT", "Mô hình, điển hình ban đầu", "Đơn vị thực hiện", "Được duy trì / nhân rộng ở", "Đơn vị mới"],
        rows,
        [8, 30, 20, 24, 18],
        group_rows=group_rows,
        aligns=["center", "left", "left", "left", "left"],
    )


def _units_table(doc: Document, figures: PeriodReview) -> None:
    if not figures.units_without_model:
        doc.paragraph("Tất cả các đơn vị đều có mô hình, điển hình đăng ký.", italic=True)
        return
    rows = [[str(number), name] for number, name in enumerate(figures.units_without_model, start=1)]
    doc.table(["STT", "Đơn vị"], rows, [8, 92], aligns=["center", "left"])


def _outstanding_table(doc: Document, figures: PeriodReview) -> None:
    if not figures.outstanding:
        doc.paragraph("Chưa có kết quả chấm điểm trong giai đoạn.", italic=True)
        return
    rows: list[list[str]] = []
    group_rows: list[int] = []
    kinds = list(dict.fromkeys(item.kind for item in figures.outstanding))
    for position, kind in enumerate(kinds):
        items = [item for item in figures.outstanding if item.kind == kind]
        group_rows.append(len(rows))
        letter = data.PARTS[position] if position < len(data.PARTS) else str(position + 1)
        rows.append([f"{letter}. {kind_title(kind).upper()} ({len(items)})"])
        for number, item in enumerate(items, start=1):
            rows.append(
                [
                    str(number),
                    item.name + (" (tiêu biểu)" if item.outstanding else ""),
                    item.unit,
                    item.field,
                    str(item.year),
                    format_number(item.mean, 2),
                    item.grade,
                ]
            )
    doc.table(
        ["STT", "Tên mô hình, điển hình", "Đơn vị thực hiện", "Lĩnh vực", "Năm", "Điểm TB", "Xếp loại"],
        rows,
        [8, 30, 18, 13, 8, 9, 14],
        group_rows=group_rows,
        aligns=["center", "left", "left", "left", "center", "center", "center"],
        phrases=(3,),
    )


ANNEXES = (
    ("Số mô hình, điển hình theo năm, lĩnh vực và loại", "field"),
    ("Số mô hình, điển hình theo năm và loại đơn vị thực hiện", "unit_kind"),
    ("Kết quả vận động (chỉ tiêu chính) theo năm", "indicators"),
    ("Mô hình, điển hình được công nhận nhiều năm liền", "repeated"),
    ("Mô hình, điển hình được duy trì, nhân rộng", "linked"),
    ("Đơn vị chưa có mô hình, điển hình đăng ký", "units"),
    ("Mô hình, điển hình tiêu biểu (điểm thẩm định cao nhất)", "outstanding"),
)


def annex_number(part: str) -> int:
    return next(number for number, (_, code) in enumerate(ANNEXES, start=1) if code == part)


def build_review(
    first_year: int,
    last_year: int,
    target: Path | str,
    *,
    style: str | None = None,
    task: TaskState | None = None,
) -> Path:
    office = get_office()
    figures = review(first_year, last_year)
    if task:
        task.progress(1, 3, "Tổng hợp số liệu")
    span = span_text(first_year, last_year)
    doc = Document(office, style_code=style, title=f"Báo cáo tổng kết {span}")
    doc.header(doc.issuer.number_line(REPORT), year=last_year)
    doc.doc_title("Báo cáo", subject(first_year, last_year))
    paragraphs = narrative(figures, doc.issuer.area)
    doc.heading("1. Kết quả đăng ký, công nhận mô hình, điển hình")
    for text in paragraphs[:2]:
        doc.paragraph(text)
    rows: list[list[Any]] = [["Năm", "Đăng ký", "Được công nhận", "Tỷ lệ công nhận"]]
    rows += [
        [str(r.year), format_number(r.registered), format_number(r.recognised), rate_text(r.rate)]
        for r in figures.by_year
    ]
    rows.append(
        [
            doc.bold("Cả giai đoạn", "center"),
            doc.bold(format_number(figures.registered), "right"),
            doc.bold(format_number(figures.recognised), "right"),
            doc.bold(rate_text(figures.rate), "right"),
        ]
    )
    doc.grid(rows, [25, 25, 25, 25], aligns=["center", "right", "right", "right"])
    doc.space(3)
    if task:
        task.progress(2, 3, "Vẽ biểu đồ")
    # Kept whole, and so never folded into the signature's block (layout keeps a signature with the last table).
    doc.story.append(KeepTogether([year_chart(doc, figures)]))
    doc.heading("2. Kết quả vận động, duy trì và nhân rộng mô hình")
    for text in paragraphs[2:]:
        doc.paragraph(text)
    doc.paragraph("(Số liệu chi tiết tại các phụ lục kèm theo.)", italic=True)
    doc.signature(RECIPIENTS)
    doc.page_break()
    doc.doc_title("Phụ lục", f"số liệu {subject(first_year, last_year)}", _annex_note(doc.issuer, span))
    for number, (title, part) in enumerate(ANNEXES, start=1):
        doc.heading(f"{number}. {title}")
        _annex(doc, figures, part)
    if task:
        task.progress(3, 3, "Ghi tệp PDF")
    return doc.build(target)


def _annex_note(issuer: Issuer, span: str) -> str:
    return f"(Kèm theo Báo cáo tổng kết {span} của {data.in_sentence(issuer.issuing_body, issuer.place_name)})"


def _annex(doc: Document, figures: PeriodReview, part: str) -> None:
    if part == "field":
        _year_cross_table(doc, figures, "field", "Năm, lĩnh vực")
    elif part == "unit_kind":
        _year_cross_table(doc, figures, "unit_kind", "Năm, loại đơn vị")
    elif part == "indicators":
        _indicator_table(doc, figures)
    elif part == "repeated":
        _repeated_table(doc, figures)
    elif part == "units":
        _units_table(doc, figures)
    elif part == "linked":
        _linked_table(doc, figures)
    else:
        _outstanding_table(doc, figures)


# ----------------------------------------------------------------- the workbook


def _rate(part: str, whole: str) -> Formula:
    return Formula(f'=IF({whole}{{row}}=0,"",{part}{{row}}/{whole}{{row}})')


def _sum(column: str, empty: bool) -> Formula | int:
    return 0 if empty else Formula(f"=SUM({column}{{top}}:{column}{{above}})")


def export_review(
    first_year: int,
    last_year: int,
    target: Path | str,
    *,
    style: str | None = None,
    task: TaskState | None = None,
) -> Path:
    """One sheet per table of the report; sums and rates as formulas, signed under the last sheet."""
    issuer = get_office().issuer(style)
    figures = review(first_year, last_year)
    title = subject(first_year, last_year)

    def sheet(name: str, headers: list[str], widths: Sequence[float], **extra: Any) -> Sheet:
        return Sheet(name, "Báo cáo", f"{title} – {name.lower()}", headers, widths, year=last_year, **extra)

    sheets: list[Sheet] = []
    years = sheet(
        "Qua các năm",
        ["Năm", "Đăng ký", "Được công nhận", "Tỷ lệ công nhận"],
        [12, 16, 18, 16],
        number_formats={1: INTEGER, 2: INTEGER, 3: PERCENT},
        aligns=["center", "right", "right", "right"],
        landscape=False,
    )
    years.rows += [[row.year, row.registered, row.recognised, _rate("C", "B")] for row in figures.by_year]
    years.total_rows.add(len(years.rows))
    years.rows.append(["Cả giai đoạn", _sum("B", False), _sum("C", False), _rate("C", "B")])
    sheets.append(years)

    counts = sheet(
        "Theo năm, lĩnh vực",
        ["Năm", "Lĩnh vực", "Loại", "Loại đơn vị", "Đăng ký", "Được công nhận", "Tỷ lệ công nhận"],
        [9, 26, 12, 20, 12, 14, 13],
        number_formats={4: INTEGER, 5: INTEGER, 6: PERCENT},
        aligns=["center", "left", "center", "left", "right", "right", "right"],
    )
    counts.rows += [
        [row.year, row.field, data.kind_short(row.kind), row.unit_kind, row.registered, row.recognised, _rate("F", "E")]
        for row in figures.counts
    ]
    counts.total_rows.add(len(counts.rows))
    empty = not figures.counts
    counts.rows.append(["Cả giai đoạn", "", "", "", _sum("E", empty), _sum("F", empty), _rate("F", "E")])
    sheets.append(counts)

    year_columns = [str(year) for year in figures.years]
    last_column = get_column_letter(2 + len(year_columns))
    indicators = sheet(
        "Chỉ tiêu",
        ["Loại chỉ tiêu", "Đơn vị tính", *year_columns, "Cả giai đoạn"],
        [30, 12] + [14] * len(year_columns) + [16],
        number_formats=dict.fromkeys(range(2, 3 + len(year_columns)), NUMBER),
        aligns=["left", "center"] + ["right"] * (len(year_columns) + 1),
        note="Chỉ cộng các chỉ tiêu đã chọn loại, theo đơn vị tính của loại, như báo cáo thống kê từng năm.",
    )
    for item in figures.indicator_totals:
        indicators.rows.append(
            [
                item.category,
                item.unit_of_measure,
                *[item.by_year.get(year, 0.0) for year in figures.years],
                Formula(f"=SUM(C{{row}}:{last_column}{{row}})"),
            ]
        )
    sheets.append(indicators)

    repeated = sheet(
        "Công nhận nhiều năm",
        ["STT", "Tên mô hình, điển hình", "Đơn vị thực hiện", "Lĩnh vực", "Loại", "Các năm được công nhận", "Số năm"],
        [6, 44, 26, 18, 10, 20, 8],
        number_formats={6: INTEGER},
        aligns=["center", "left", "left", "left", "center", "center", "right"],
    )
    repeated.rows += [
        [n, r.name, r.unit, r.field, data.kind_short(r.kind), ", ".join(map(str, r.years)), len(r.years)]
        for n, r in enumerate(figures.repeated, start=1)
    ]
    sheets.append(repeated)

    for name, items in (("Duy trì", figures.continued), ("Nhân rộng", figures.replicated)):
        linked = sheet(
            name,
            ["STT", "Mô hình, điển hình ban đầu", "Năm", "Đơn vị thực hiện", f"{name} ở", "Đơn vị mới"],
            [6, 40, 8, 24, 46, 26],
            aligns=["center", "left", "center", "left", "left", "left"],
        )
        linked.rows += [
            [n, item.name, item.year, item.unit, followers_text(item), ", ".join(item.other_units)]
            for n, item in enumerate(items, start=1)
        ]
        sheets.append(linked)

    units = sheet("Đơn vị chưa có mô hình", ["STT", "Đơn vị"], [8, 60], landscape=False)
    aligned: list[Align] = ["center", "left"]
    units.aligns = aligned
    units.rows += [[n, name] for n, name in enumerate(figures.units_without_model, start=1)]
    sheets.append(units)

    outstanding = sheet(
        "Tiêu biểu",
        ["STT", "Tên mô hình, điển hình", "Loại", "Đơn vị thực hiện", "Lĩnh vực", "Năm", "Điểm TB", "Xếp loại"],
        [6, 44, 10, 26, 18, 8, 10, 12],
        number_formats={6: "0.00"},
        aligns=["center", "left", "center", "left", "left", "center", "right", "center"],
    )
    outstanding.rows += [
        [n, m.name, data.kind_short(m.kind), m.unit, m.field, m.year, m.mean, m.grade]
        for n, m in enumerate(figures.outstanding, start=1)
    ]
    sheets.append(outstanding)
    if task:
        task.progress(1, 1, "Ghi tệp Excel")
    for one in sheets:  # a report is a numbered document: the registry fills the number in
        one.number = issuer.number_line(REPORT)
    sheets[-1].signature = Signature.of(issuer, RECIPIENTS)
    return write_workbook(issuer, sheets, target)
