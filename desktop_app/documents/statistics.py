"""Báo cáo thống kê: tables by field × kind × unit kind, registered vs recognised, main indicators,
year over year, and bar charts drawn in the PDF.  At an upper office, also by sending office (the models its
offices below sent in their packages), and narrowed to some offices when asked."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm

from .. import domain
from ..office import REPORT
from ..services.catalogues import list_items
from ..services.models import ModelFilter, list_models, years
from ..services.settings import get_office
from ..services.statistics import (
    NO_FIELD,
    NO_UNIT_KIND,
    Offices,
    indicator_totals,
    indicator_totals_by_office,
    year_stats,
)
from ..tasks import TaskState
from ..text import format_number, sort_key
from . import data
from .fonts import FAMILY
from .layout import Document

REGISTERED_COLOR = colors.HexColor("#4F6D8F")
RECOGNISED_COLOR = colors.HexColor("#C0504D")


@dataclass
class Tally:
    """Registered and recognised counts, split collective / individual."""

    registered: Counter[str] = dc_field(default_factory=Counter)
    recognised: Counter[str] = dc_field(default_factory=Counter)

    def add(self, kind: str, recognised: bool) -> None:
        self.registered[kind] += 1
        if recognised:
            self.recognised[kind] += 1

    @property
    def total_registered(self) -> int:
        return sum(self.registered.values())

    @property
    def total_recognised(self) -> int:
        return sum(self.recognised.values())


@dataclass
class IndicatorRow:
    """One indicator category's total, in its unit: over every model of the year still in the running, and
    over the recognised ones; ``models_*`` count the models that gave an achieved value of that category."""

    category: str
    unit_of_measure: str
    total_all: float
    total_recognised: float
    models_all: int
    models_recognised: int


@dataclass
class Report:
    year: int
    by_field: dict[str, Tally]
    by_unit_kind: dict[str, Tally]
    total: Tally
    indicators: list[IndicatorRow]  # by indicator category, catalogue order, zeros included
    history: list[tuple[int, int, int]]  # year, registered, recognised
    # Upper office: by sending office (this office's own first), and each office's indicator totals
    # (category, unit, total over its models still in the running); empty where no office sends packages.
    by_office: dict[str, Tally] = dc_field(default_factory=dict)
    office_indicators: list[tuple[str, str, str, float]] = dc_field(default_factory=list)
    offices: Offices = None


def gather(year: int, offices: Offices = None) -> Report:
    rows = [r for r in list_models(ModelFilter(year=year, offices=offices)) if r.status != domain.WITHDRAWN]
    fields = [f.name for f in list_items("field")]
    by_field: dict[str, Tally] = {name: Tally() for name in fields}
    unit_kinds = [k.name for k in list_items("unit_kind")]
    by_unit_kind: dict[str, Tally] = {}
    total = Tally()
    for row in rows:
        recognised = row.status == domain.RECOGNISED
        by_field.setdefault(row.field or NO_FIELD, Tally()).add(row.kind, recognised)
        by_unit_kind.setdefault(row.unit_kind or NO_UNIT_KIND, Tally()).add(row.kind, recognised)
        total.add(row.kind, recognised)
    order = {name: i for i, name in enumerate(unit_kinds)}
    by_unit_kind = dict(sorted(by_unit_kind.items(), key=lambda kv: (order.get(kv[0], 99), sort_key(kv[0]))))
    history = []
    for other in sorted(y for y in years() if y <= year)[-5:]:
        other_rows = [r for r in list_models(ModelFilter(year=other, offices=offices)) if r.status != domain.WITHDRAWN]
        history.append((other, len(other_rows), sum(r.status == domain.RECOGNISED for r in other_rows)))
    # "All" means what the counts above mean: every model of the year except the withdrawn ones.
    running = tuple(code for code in domain.STATUSES if code != domain.WITHDRAWN)
    recognised_totals = {t.category: t for t in indicator_totals(year, (domain.RECOGNISED,), offices)}
    indicators = []
    for line in indicator_totals(year, running, offices):
        passed = recognised_totals.get(line.category)
        indicators.append(
            IndicatorRow(
                line.category,
                line.unit_of_measure,
                line.total,
                passed.total if passed else 0.0,
                line.models,
                passed.models if passed else 0,
            )
        )
    report = Report(year, by_field, by_unit_kind, total, indicators, history, offices=offices)
    _by_office(report, rows, running)
    return report


def _by_office(report: Report, rows: list[Any], running: tuple[str, ...]) -> None:
    """The year office by office, each office in scope with a line (zeros for one that sent nothing)."""
    stats = year_stats(report.year, report.offices)
    if not stats.by_office:
        return
    names = data.office_names(r.id for r in rows)
    report.by_office = {office.name: Tally() for office in stats.by_office}
    for row in rows:
        report.by_office.setdefault(names.get(row.id, data.OWN_OFFICE), Tally()).add(
            row.kind, row.status == domain.RECOGNISED
        )
    totals = indicator_totals_by_office(report.year, running, report.offices)
    for office in stats.by_office:
        for line in totals.get(office.office_id, []):
            report.office_indicators.append((office.name, line.category, line.unit_of_measure, line.total))


def percent(part: int, whole: int) -> str:
    return format_number(100.0 * part / whole, 1) + "%" if whole else "–"


def tally_cells(tally: Tally) -> list[str]:
    c, i = domain.KIND_COLLECTIVE, domain.KIND_INDIVIDUAL
    return [
        format_number(tally.registered[c]),
        format_number(tally.registered[i]),
        format_number(tally.total_registered),
        format_number(tally.recognised[c]),
        format_number(tally.recognised[i]),
        format_number(tally.total_recognised),
        percent(tally.total_recognised, tally.total_registered),
    ]


def _cross_table(doc: Document, first: str, items: dict[str, Tally], total: Tally) -> None:
    header = [
        [first, "Đăng ký", "", "", "Được công nhận", "", "", "Tỷ lệ công nhận"],
        ["", "Tập thể", "Cá nhân", "Cộng", "Tập thể", "Cá nhân", "Cộng", ""],
    ]
    rows: list[list[Any]] = [[name, *tally_cells(tally)] for name, tally in items.items()]
    rows.append([doc.bold("Tổng cộng")] + [doc.bold(v, "right") for v in tally_cells(total)])
    spans = [("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (3, 0)), ("SPAN", (4, 0), (6, 0)), ("SPAN", (7, 0), (7, 1))]
    doc.grid(header + rows, [30, 10, 10, 10, 10, 10, 10, 12], header_rows=2, commands=spans)


def bar_chart(doc: Document, title: str, labels: list[str], series: list[tuple[str, list[int], object]]) -> Drawing:
    """A grouped bar chart in the document's font, with the values above the bars and a legend."""
    width, height = doc.width, 75 * mm
    drawing = Drawing(width, height)
    # The renderer otherwise starts every drawing in Helvetica; reportlab's stubs do not know the attribute.
    drawing.initialFontName = FAMILY  # type: ignore[attr-defined]
    drawing.add(String(width / 2, height - 12, title, fontName=FAMILY + "-Bold", fontSize=12, textAnchor="middle"))
    chart = VerticalBarChart()
    chart.x, chart.y = 30, 42
    # reportlab's stubs say int; any number is drawn, and the page width in points is not whole.
    chart.width, chart.height = width - 40, height - 70  # type: ignore[assignment]
    chart.data = [values for _, values, _ in series]
    chart.categoryAxis.categoryNames = [_wrap_label(label) for label in labels]
    chart.categoryAxis.labels.fontName = FAMILY
    chart.categoryAxis.labels.fontSize = 9
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.valueAxis.labels.fontName = FAMILY
    chart.valueAxis.labels.fontSize = 9
    chart.valueAxis.valueMin = 0
    top = max([max(values or [0]) for _, values, _ in series] + [1])
    chart.valueAxis.valueMax = top + max(1, top // 5)
    chart.valueAxis.valueStep = max(1, (top + 4) // 5)
    chart.valueAxis.labelTextFormat = lambda v: format_number(v)
    chart.barLabels.fontName = FAMILY
    chart.barLabels.fontSize = 9
    chart.barLabels.nudge = 6
    chart.barLabelFormat = lambda v: format_number(v)
    chart.groupSpacing = 12
    for index, (_, _, color) in enumerate(series):
        chart.bars[index].fillColor = color
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.fontName = FAMILY
    legend.fontSize = 10
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.x, legend.y = width / 2 - 110, height - 22  # type: ignore[assignment]  # as chart.width above
    legend.dx, legend.dy = 8, 8
    legend.deltax = 120
    legend.colorNamePairs = [(color, name) for name, _, color in series]
    drawing.add(legend)
    return drawing


def _wrap_label(label: str, width: int = 18) -> str:
    words, lines, line = label.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines[:3])


def build_statistics(
    year: int,
    target: Path | str,
    *,
    style: str | None = None,
    offices: Offices = None,
    task: TaskState | None = None,
) -> Path:
    office = get_office()
    report = gather(year, offices)
    if task:
        task.progress(1, 3, "Tổng hợp số liệu")
    doc = Document(office, style_code=style, title=f"Báo cáo thống kê năm {year}")
    # A report is a numbered document: the registry fills the number in ("Số    -BC/HU").
    doc.header(doc.issuer.number_line(REPORT), year=year)
    doc.doc_title("Báo cáo", f"kết quả thống kê phong trào thi đua “Dân vận khéo” năm {year}", data.scope_line(offices))
    total = report.total
    c, i = domain.KIND_COLLECTIVE, domain.KIND_INDIVIDUAL
    doc.paragraph(
        f"Năm {year}, trên địa bàn {doc.issuer.area or 'đơn vị'} có "
        f"{format_number(total.total_registered)} mô hình, "
        f"điển hình đăng ký thực hiện phong trào thi đua “Dân vận khéo” "
        f"({format_number(total.registered[c])} mô hình tập thể, "
        f"{format_number(total.registered[i])} điển hình cá nhân); đã công nhận "
        f"{format_number(total.total_recognised)} mô hình, điển hình, đạt "
        f"{percent(total.total_recognised, total.total_registered)} số đăng ký."
    )
    doc.heading("1. Theo lĩnh vực")
    _cross_table(doc, "Lĩnh vực", report.by_field, total)
    doc.space(4)
    doc.story.append(
        bar_chart(
            doc,
            "Mô hình, điển hình theo lĩnh vực",
            list(report.by_field),
            [
                ("Đăng ký", [t.total_registered for t in report.by_field.values()], REGISTERED_COLOR),
                ("Được công nhận", [t.total_recognised for t in report.by_field.values()], RECOGNISED_COLOR),
            ],
        )
    )
    doc.space(4)
    doc.heading("2. Theo loại đơn vị thực hiện")
    _cross_table(doc, "Loại đơn vị", report.by_unit_kind, total)
    if task:
        task.progress(2, 3, "Vẽ biểu đồ")
    doc.space(4)
    doc.heading("3. Kết quả vận động (chỉ tiêu chính)")
    rows = [["Loại chỉ tiêu", "Đơn vị tính", "Tất cả mô hình, điển hình", "Được công nhận"]]
    for line in report.indicators:
        rows.append(
            [line.category, line.unit_of_measure, format_number(line.total_all), format_number(line.total_recognised)]
        )
    doc.grid(rows, [40, 14, 23, 23], aligns=["left", "center", "right", "right"])
    doc.paragraph(
        "Ghi chú: chỉ cộng các chỉ tiêu đã chọn loại, cùng loại cộng với nhau theo đơn vị tính của loại "
        "(triệu đồng, tỷ đồng quy ra đồng); chỉ tiêu chưa chọn loại không cộng vào bảng.",
        italic=True,
    )
    section = 4
    if len(report.history) > 1:
        section += 1
        doc.space(4)
        doc.heading("4. So sánh qua các năm")
        rows = [["Năm", "Đăng ký", "Được công nhận", "Tỷ lệ công nhận"]]
        rows += [[str(y), format_number(reg), format_number(rec), percent(rec, reg)] for y, reg, rec in report.history]
        doc.grid(rows, [25, 25, 25, 25], aligns=["center", "right", "right", "right"])
        doc.space(4)
        doc.story.append(
            bar_chart(
                doc,
                "Số mô hình, điển hình qua các năm",
                [str(y) for y, _, _ in report.history],
                [
                    ("Đăng ký", [r for _, r, _ in report.history], REGISTERED_COLOR),
                    ("Được công nhận", [r for _, _, r in report.history], RECOGNISED_COLOR),
                ],
            )
        )
    if report.by_office:
        _office_section(doc, report, section)
    doc.signature(("Ban Dân vận cấp trên (để báo cáo)",))
    if task:
        task.progress(3, 3, "Ghi tệp PDF")
    return doc.build(target)


def _office_section(doc: Document, report: Report, number: int) -> None:
    """The year office by office: what each office below sent (and this office's own), and its indicators."""
    doc.space(4)
    doc.heading(f"{number}. Theo cơ quan gửi báo cáo")
    _cross_table(doc, "Cơ quan gửi báo cáo", report.by_office, report.total)
    if report.office_indicators:
        doc.space(2)
        rows = [["Cơ quan gửi báo cáo", "Loại chỉ tiêu", "Đơn vị tính", "Tổng"]]
        previous = None
        for name, category, unit, total in report.office_indicators:
            rows.append([name if name != previous else "", category, unit, format_number(total)])  # once per office
            previous = name
        doc.grid(rows, [34, 30, 14, 22], aligns=["left", "left", "center", "right"])
