"""Danh sách theo dõi tiến độ thực hiện mô hình, điển hình: the year's models with their latest progress report
(sơ kết 6 tháng, kiểm tra tiến độ), grouped by field or unit; or only those with no report since a day.

The PDF and its Excel twin take their rows from :func:`cells`, so both print the same words.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

from .. import domain
from ..errors import AppError
from ..followup.progress import FollowupRow, followup_rows
from ..services.settings import get_office
from ..tasks import TaskState
from ..text import format_date, format_number
from . import data
from .excel import Align, Sheet, Signature, write_workbook
from .layout import Document
from .lists import RECIPIENTS

NOT_REPORTED = "Chưa báo cáo"
NOTE_COLUMN = 7


def headers(group_by: str) -> list[str]:
    """The columns: the one beside the name is the unit under a field's heading, the field under a unit's."""
    beside = "Đơn vị / cá nhân thực hiện" if group_by == "field" else "Lĩnh vực"
    return [
        "STT",
        "Tên mô hình, điển hình",
        beside,
        "Ngày báo cáo",
        "Nội dung đã thực hiện",
        "Tình hình",
        "Chỉ tiêu đạt được đến nay",
        "Ghi chú",
    ]


def _rows(year: int, group_by: str, since: date | None) -> list[FollowupRow]:
    if group_by not in ("field", "unit"):
        raise AppError("Danh sách theo dõi tiến độ chỉ nhóm theo lĩnh vực hoặc theo đơn vị.")
    return followup_rows(year, group_by=group_by, no_report_since=since)  # type: ignore[arg-type]  # checked above


def performer(row: FollowupRow) -> str:
    """Who carries the model out: the unit, and the person for an individual exemplar."""
    person = row.person_name if row.kind == domain.KIND_INDIVIDUAL and row.person_name not in row.name else ""
    return ", ".join(part for part in (person, row.unit) if part)


def amounts_text(row: FollowupRow) -> str:
    """ "Số hộ được hỗ trợ: 120 hộ (kế hoạch 200)", one indicator a line."""
    if row.latest is None:
        return ""
    lines = []
    for amount in row.latest.amounts:
        line = f"{amount.name}: {format_number(amount.amount)} {amount.unit_of_measure}".rstrip()
        if amount.target is not None:
            line += f" (kế hoạch {format_number(amount.target)})"
        lines.append(line)
    return "\n".join(lines)


def cells(row: FollowupRow, group_by: str) -> list[str]:
    """A row's columns after STT, the same in the PDF and the workbook."""
    beside = performer(row) if group_by == "field" else row.field
    latest = row.latest
    if latest is None:
        return [row.name, beside, "", "", NOT_REPORTED, "", ""]
    return [
        row.name,
        beside,
        format_date(latest.report_date),
        latest.done,
        latest.status_label,
        amounts_text(row),
        latest.note,
    ]


def groups(rows: list[FollowupRow]) -> list[tuple[str, list[FollowupRow]]]:
    """The rows under their headings, in the order ``followup_rows`` gave them."""
    out: list[tuple[str, list[FollowupRow]]] = []
    for row in rows:
        if not out or out[-1][0] != row.group:
            out.append((row.group, []))
        out[-1][1].append(row)
    return out


def subject(year: int) -> str:
    return f"theo dõi tiến độ thực hiện mô hình, điển hình “Dân vận khéo” năm {year}"


def note(since: date | None) -> str:
    if since is None:
        return ""
    return f"(Các mô hình, điển hình chưa báo cáo tiến độ từ ngày {format_date(since)})"


def summary(rows: list[FollowupRow]) -> str:
    """ "Trong đó: 5 đúng tiến độ, 2 chậm tiến độ, 1 ngưng trệ, 3 chưa báo cáo." (what the latest reports say)."""
    counted = Counter(row.latest.status if row.latest else "" for row in rows)
    parts = [
        f"{format_number(counted[code])} {label.lower()}"
        for code, label in domain.PROGRESS_STATUSES.items()
        if counted[code]
    ]
    if counted[""]:
        parts.append(f"{format_number(counted[''])} {NOT_REPORTED.lower()}")
    return f"Trong đó (theo báo cáo gần nhất): {', '.join(parts)}." if parts else ""


def build_followup(
    year: int,
    target: Path | str,
    *,
    style: str | None = None,
    group_by: str = "field",
    since: date | None = None,
    task: TaskState | None = None,
) -> Path:
    rows = _rows(year, group_by, since)
    doc = Document(get_office(), style_code=style, wide=True, title=f"Danh sách theo dõi tiến độ năm {year}")
    doc.header(year=year)
    doc.doc_title("Danh sách", subject(year), note(since))
    table: list[list[str]] = []
    group_rows: list[int] = []
    count = 0
    parts = groups(rows)
    for number, (title, members) in enumerate(parts, start=1):
        group_rows.append(len(table))
        table.append([f"{data.roman(number)}. {data.group_label(group_by, title)} ({len(members)})"])
        for row in members:
            count += 1
            table.append([str(count), *cells(row, group_by)])
        if task:
            task.progress(number, len(parts), title)
    total_row = len(table)
    table.append(["", f"Tổng cộng: {format_number(count)} mô hình, điển hình", "", "", "", "", "", ""])
    doc.table(
        headers(group_by),
        table,
        [6, 22, 15, 12, 21, 13, 18, 9],
        group_rows=group_rows,
        total_rows=[total_row],
        aligns=["center", "left", "left", "center", "left", "center", "left", "left"],
        phrases=(5,),
        optional=(NOTE_COLUMN,),
    )
    if line := summary(rows):
        doc.paragraph(line, italic=True)
    doc.signature(RECIPIENTS)
    return doc.build(target)


def export_followup(
    year: int,
    target: Path | str,
    *,
    style: str | None = None,
    group_by: str = "field",
    since: date | None = None,
    task: TaskState | None = None,
) -> Path:
    """The list's twin: the same rows, the row count a live formula."""
    from .exports import _keep_columns, _total_line

    rows = _rows(year, group_by, since)
    issuer = get_office().issuer(style)
    aligns: list[Align] = ["center", "left", "left", "center", "left", "center", "left", "left"]
    sheet = Sheet(
        "Theo dõi tiến độ",
        "Danh sách",
        subject(year),
        headers(group_by),
        [6, 40, 26, 12, 42, 13, 30, 16],
        aligns=aligns,
        signature=Signature.of(issuer, RECIPIENTS),
        year=year,
        note=note(since),
    )
    count = 0
    parts = groups(rows)
    for number, (title, members) in enumerate(parts, start=1):
        sheet.group_rows.add(len(sheet.rows))
        sheet.rows.append([f"{data.roman(number)}. {data.group_label(group_by, title)} ({len(members)})"])
        for row in members:
            count += 1
            sheet.rows.append([count, *cells(row, group_by)])
        if task:
            task.progress(number, len(parts), title)
    _keep_columns(sheet, data.used_columns(sheet.rows, len(sheet.headers), optional=[NOTE_COLUMN]))
    sheet.total_rows.add(len(sheet.rows))
    sheet.rows.append(["", _total_line(count)])
    return write_workbook(issuer, [sheet], target)
