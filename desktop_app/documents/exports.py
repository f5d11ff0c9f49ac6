"""The Excel twins: the same rows as the PDFs, from the same data functions, with live formulas for totals."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

import desktop_app.appraisal.results as appraisal_results

from .. import domain
from ..appraisal.council import council_members
from ..appraisal.decision import decision_for
from ..appraisal.info import ModelResult
from ..office import REPORT
from ..services.settings import get_office
from ..tasks import TaskState
from . import data
from .excel import Align, Formula, Sheet, Signature, write_workbook
from .lists import COUNCIL, NOTE_COLUMN, RECIPIENTS, REGISTRATION_HEADERS, chairman
from .statistics import gather

SCORE = "0.00"
INTEGER = "#,##0"
PERCENT = "0.0%"
STATISTICS_RECIPIENTS = ("Ban Dân vận cấp trên (để báo cáo)",)


def _col(index: int) -> str:
    """The column letter of a 0-based column index."""
    return get_column_letter(index + 1)


def _total_line(count: int) -> Formula | str:
    """ "Tổng cộng: 32 mô hình, điển hình", counting the STT column above it, so a row deleted in Excel
    changes the total.  An empty table keeps the words: a count over no rows would count itself."""
    if count == 0:
        return "Tổng cộng: 0 mô hình, điển hình"
    return Formula('="Tổng cộng: "&COUNT(A{top}:A{above})&" mô hình, điển hình"')


def _keep_columns(sheet: Sheet, keep: Sequence[int]) -> None:
    """Leave out the columns not in ``keep`` (an empty "Ghi chú"); group and total rows, shorter, are kept."""
    width = len(sheet.headers)
    sheet.headers = [sheet.headers[c] for c in keep]
    sheet.widths = [sheet.widths[c] for c in keep]
    sheet.aligns = [sheet.aligns[c] for c in keep] if sheet.aligns else ()
    sheet.number_formats = {keep.index(c): f for c, f in sheet.number_formats.items() if c in keep}
    sheet.rows = [[row[c] for c in keep] if len(row) == width else row for row in sheet.rows]


def export_registrations(
    year: int,
    target: Path | str,
    *,
    group_by: str = "field",
    style: str | None = None,
    offices: tuple[int, ...] | None = None,
    task: TaskState | None = None,
) -> Path:
    issuer = get_office().issuer(style)
    aligns: list[Align] = ["center", "left", "left", "left", "center", "center", "left"]
    sheet = Sheet(
        "Đăng ký",
        "Danh sách",
        f"mô hình, điển hình đăng ký thực hiện phong trào thi đua “Dân vận khéo” năm {year}",
        list(REGISTRATION_HEADERS),
        [6, 50, 38, 18, 10, 12, 16],
        aligns=aligns,
        signature=Signature.of(issuer, RECIPIENTS),
        year=year,
        note=data.scope_line(offices),
    )
    groups = data.registrations(year, group_by, offices)
    count = 0
    for number, group in enumerate(groups, start=1):
        label = data.group_label(group_by, group.title)
        sheet.group_rows.add(len(sheet.rows))
        sheet.rows.append([f"{data.roman(number)}. {label} ({len(group.rows)})"])
        for row in group.rows:
            count += 1
            sheet.rows.append([count, *data.registration_cells(row)])
        if task:
            task.progress(number, len(groups), group.title)
    _keep_columns(sheet, data.used_columns(sheet.rows, len(sheet.headers), optional=[NOTE_COLUMN]))
    sheet.total_rows.add(len(sheet.rows))
    sheet.rows.append(["", _total_line(count)])
    return write_workbook(issuer, [sheet], target)


def export_recognition(
    year: int,
    target: Path | str,
    *,
    proposal: bool = False,
    style: str | None = None,
    group_by: str = "field",
    offices: tuple[int, ...] | None = None,
    task: TaskState | None = None,
) -> Path:
    """The recognition list attached to the decision (dated as the decision, unsigned: the decision is
    signed), or the proposal list before it (signed by the office)."""
    office = get_office()
    issuer = office.issuer(style)
    kind = "đề nghị công nhận" if proposal else "công nhận"
    decision = None if proposal else decision_for(year)
    aligns: list[Align] = ["center", "left", "left", "left", "center", "right", "center", "left"]
    sheet = Sheet(
        "Công nhận" if not proposal else "Đề nghị công nhận",
        "Danh sách",
        f"mô hình, điển hình “Dân vận khéo” được {kind} năm {year}",
        [
            "STT",
            "Tên mô hình, điển hình",
            "Đơn vị / cá nhân thực hiện (địa chỉ)",
            "Lĩnh vực",
            "Loại (tập thể / cá nhân)",
            "Điểm",
            "Xếp loại",
            "Ghi chú",
        ],
        [6, 46, 36, 18, 12, 9, 11, 16],
        number_formats={5: SCORE},
        note=" ".join(filter(None, ["" if proposal else data.decision_line(year, issuer), data.scope_line(offices)])),
        aligns=aligns,
        signature=Signature.of(issuer, RECIPIENTS) if proposal else None,
        year=year,
        day=decision.date if decision is not None else None,
    )
    groups = data.recognition(year, proposal=proposal, group_by=group_by, offices=offices)
    count = 0
    for number, group in enumerate(groups, start=1):
        sheet.group_rows.add(len(sheet.rows))
        sheet.rows.append([f"{data.roman(number)}. {data.group_label(group_by, group.title)} ({len(group.rows)})"])
        for result in group.rows:
            count += 1
            sheet.rows.append(
                [
                    count,
                    result.name,
                    data.unit_with_address(result),
                    result.field,
                    data.kind_short(result.kind),
                    result.mean,
                    result.grade,
                    data.result_note(result),
                ]
            )
        if task:
            task.progress(number, len(groups), group.title)
    _keep_columns(sheet, data.used_columns(sheet.rows, len(sheet.headers), optional=[7]))
    sheet.total_rows.add(len(sheet.rows))
    sheet.rows.append(["", _total_line(count)])
    return write_workbook(issuer, [sheet], target)


def _excel_round(value: float, places: int = 2) -> float:
    """ROUND as Excel computes it: half away from zero on the value as shown (15 digits), not on its binary
    expansion as Python's round() does."""
    quantum = Decimal(1).scaleb(-places)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def _mean_cell(result: ModelResult, counted: list[float], cells: str) -> Formula | float | None:
    """The mean as a formula over the members' totals in ``cells`` where it gives the app's mean.

    The app averages the complete, not excluded totals (the other cells are blank or "XĐ", which AVERAGE
    skips) and, when the criteria set trims, drops one highest and one lowest total from five members up
    (``aggregate.mean_score``); the formula does the same.  Where Excel's rounding (half away from zero) would
    differ from the app's by a hundredth, or a result frozen with the decision no longer matches its cells,
    the app's value is written instead: the sheet must show the mean the council signed.
    """
    if result.trimmed:
        excel = _excel_round((sum(counted) - max(counted) - min(counted)) / (len(counted) - 2)) if counted else None
        formula = (
            f"=IF(COUNT({cells})>=5,ROUND((SUM({cells})-MAX({cells})-MIN({cells}))/(COUNT({cells})-2),2),"
            f'IFERROR(ROUND(AVERAGE({cells}),2),""))'
        )
    else:
        excel = _excel_round(sum(counted) / len(counted)) if counted else None
        formula = f'=IFERROR(ROUND(AVERAGE({cells}),2),"")'
    if excel == result.mean:
        return Formula(formula)
    return result.mean


def export_scores(
    year: int,
    target: Path | str,
    *,
    style: str | None = None,
    offices: tuple[int, ...] | None = None,
    task: TaskState | None = None,
) -> Path:
    """The score table's twin: one section per kind (ranks are counted within a kind), best rank first;
    signed for the council by its chairman."""
    issuer = get_office().issuer(style)
    members = council_members(year)
    chair = chairman(members)
    headers = (
        ["STT", "Tên mô hình, điển hình", "Lĩnh vực"]
        + [m.name for m in members]
        + ["Điểm trung bình", "Xếp loại", "Hạng", "Công nhận"]
    )
    mean_column = 3 + len(members)
    right: list[Align] = ["right"]
    centre: list[Align] = ["center"]
    aligns = ["center", "left", "left", *right * (len(members) + 1), *centre * 3]
    sheet = Sheet(
        "Tổng hợp điểm",
        "Bảng tổng hợp",
        f"kết quả chấm điểm mô hình, điển hình “Dân vận khéo” năm {year}",
        headers,
        [6, 46, 18] + [13] * len(members) + [11, 11, 7, 11],
        number_formats={mean_column: SCORE},
        aligns=aligns,
        signature=Signature(issuer.on_behalf(COUNCIL), "CHỦ TỊCH", chair.name if chair else ""),
        year=year,
        # The council signs this table, so it heads it, under the committee that formed it (as the PDF).
        issuing_body=COUNCIL,
        superior_body=issuer.issuing_body,
        note=data.scope_line(offices),
    )
    member_cells = f"{_col(3)}{{row}}:{_col(mean_column - 1)}{{row}}" if members else ""
    index = 0
    sections = appraisal_results.by_kind(data.results(year, offices))
    for part, (kind, items) in enumerate(sections):
        sheet.group_rows.add(len(sheet.rows))
        sheet.rows.append([data.kind_part_title(part, kind, len(items))])
        for result in items:
            index += 1
            by_member = {s.member_id: s for s in result.scores}
            cells: list[Any] = []
            for member in members:
                score = by_member.get(member.id)
                cells.append(
                    None if score is None else "XĐ" if score.excluded else score.total if score.complete else None
                )
            counted = [c for c in cells if isinstance(c, (int, float))]
            mean = _mean_cell(result, counted, member_cells) if members else result.mean
            sheet.rows.append(
                [index, result.name, result.field]
                + cells
                + [mean, result.grade, result.rank, "Có" if result.recognised else "Không"]
            )
        if task:
            task.progress(part + 1, len(sections), appraisal_results.kind_title(kind))
    return write_workbook(issuer, [sheet], target)


def _rate(part: str, whole: str) -> Formula:
    """Recognised over registered, blank where nothing was registered."""
    return Formula(f'=IF({whole}{{row}}=0,"",{part}{{row}}/{whole}{{row}})')


def export_statistics(
    year: int,
    target: Path | str,
    *,
    style: str | None = None,
    offices: tuple[int, ...] | None = None,
    task: TaskState | None = None,
) -> Path:
    """The report's tables, one sheet each; counts as the app tallies them, sums and rates as formulas.

    Every sheet carries the header block so that it prints on its own; the report is signed once, under
    its last table.
    """
    issuer = get_office().issuer(style)
    report = gather(year, offices)
    sheets = []
    c, i = domain.KIND_COLLECTIVE, domain.KIND_INDIVIDUAL
    tables = [("Theo lĩnh vực", "Lĩnh vực", report.by_field), ("Theo loại đơn vị", "Loại đơn vị", report.by_unit_kind)]
    if report.by_office:
        tables.append(("Theo cơ quan gửi", "Cơ quan gửi báo cáo", report.by_office))
    for name, first, items in tables:
        sheet = Sheet(
            name,
            "Báo cáo thống kê",
            f"phong trào thi đua “Dân vận khéo” năm {year} – {name.lower()}",
            [first, "Tập thể", "Cá nhân", "Cộng", "Tập thể", "Cá nhân", "Cộng", "Tỷ lệ công nhận"],
            [34, 11, 11, 11, 11, 11, 11, 13],
            number_formats={**dict.fromkeys(range(1, 7), INTEGER), 7: PERCENT},
            bands=(("Đăng ký", 1, 3), ("Được công nhận", 4, 6)),
            year=year,
        )
        for label, tally in items.items():
            sheet.rows.append(
                [
                    label,
                    tally.registered[c],
                    tally.registered[i],
                    Formula("=SUM(B{row}:C{row})"),
                    tally.recognised[c],
                    tally.recognised[i],
                    Formula("=SUM(E{row}:F{row})"),
                    _rate("G", "D"),
                ]
            )
        sheet.total_rows.add(len(sheet.rows))
        sums: list[Any] = [Formula(f"=SUM({col}{{top}}:{col}{{above}})") if items else 0 for col in "BCDEFG"]
        sheet.rows.append(["Tổng cộng", *sums, _rate("G", "D")])
        sheets.append(sheet)
    sheet = Sheet(
        "Chỉ tiêu",
        "Báo cáo thống kê",
        f"kết quả vận động năm {year} (chỉ tiêu chính)",
        ["Loại chỉ tiêu", "Đơn vị tính", "Tất cả mô hình, điển hình", "Được công nhận"],
        [34, 14, 20, 20],
        number_formats={2: INTEGER, 3: INTEGER},
        note="Chỉ cộng các chỉ tiêu đã chọn loại, cùng loại cộng với nhau theo đơn vị tính của loại "
        "(triệu đồng, tỷ đồng quy ra đồng); chỉ tiêu chưa chọn loại không cộng vào bảng.",
        aligns=["left", "center", "right", "right"],
        landscape=False,
        year=year,
    )
    for indicator in report.indicators:
        sheet.rows.append(
            [indicator.category, indicator.unit_of_measure, indicator.total_all, indicator.total_recognised]
        )
    sheets.append(sheet)
    if report.history:
        sheet = Sheet(
            "Qua các năm",
            "Báo cáo thống kê",
            "số mô hình, điển hình qua các năm",
            ["Năm", "Đăng ký", "Được công nhận", "Tỷ lệ công nhận"],
            [10, 16, 18, 16],
            number_formats={1: INTEGER, 2: INTEGER, 3: PERCENT},
            aligns=["center", "right", "right", "right"],
            landscape=False,
            year=year,
        )
        sheet.rows += [[y, reg, rec, _rate("C", "B")] for y, reg, rec in report.history]
        sheets.append(sheet)
    for sheet in sheets:  # a report is a numbered document: the registry fills the number in ("Số    -BC/HU")
        sheet.number = issuer.number_line(REPORT)
    sheets[-1].signature = Signature.of(issuer, STATISTICS_RECIPIENTS)
    return write_workbook(issuer, sheets, target)
