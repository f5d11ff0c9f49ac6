"""Importing the units' follow-up workbook (báo cáo tiến độ, sơ kết 6 tháng): a preview, then the writes.

Each row names a model of the year (by name, and by unit when names repeat) and gives a report: the date,
what was done, the traffic light, a note, and one column per indicator, headed by the indicator's name.
The file is read by the registration importer's reader (importer.source) and its headers folded the same
way (importer.layout); nothing is written until :func:`apply_followup`, which writes every accepted row in
one undoable history batch.  A row naming no model of the year is refused with its sheet, row and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from pathlib import Path
from typing import Any, cast

import peewee as pw

from .. import domain
from ..errors import AppError, ValidationError
from ..history import record
from ..importer.layout import HEADER_SCAN, TARGETS, cell_text, column_letter, header_key
from ..importer.source import SheetData, read_sheets
from ..services.models import indicator_amount
from ..storage.models import Indicator, MoHinh, ProgressEntry, Unit
from ..tasks import TaskState
from ..text import ImpossibleDate, fold, format_date, parse_date
from .progress import ProgressInput, check_progress, save_progress

OK, REJECTED = "ok", "rejected"
STATUS_LABELS = {OK: "Sẽ nhập", REJECTED: "Bị loại"}

# Column → names seen in follow-up reports (folded).  Name, unit and order number are the registration
# importer's own synonyms, so a unit writes its models the same way in both workbooks.
COLUMNS: dict[str, tuple[str, ...]] = {
    "stt": TARGETS["stt"],
    "name": TARGETS["name"],
    "unit": TARGETS["unit"],
    "date": (
        "ngay bao cao",
        "ngay",
        "ngay cap nhat",
        "tinh den ngay",
        "thoi diem bao cao",
        "thoi gian bao cao",
        "ngay kiem tra",
    ),
    "done": (
        "noi dung da thuc hien",
        "da thuc hien",
        "noi dung thuc hien",
        "ket qua thuc hien",
        "cong viec da thuc hien",
        "cong viec da lam",
        "viec da lam",
        "tien do thuc hien",
        "ket qua dat duoc",
    ),
    "status": ("tinh hinh", "tinh trang", "danh gia tien do", "danh gia", "muc do", "tien do", "trang thai"),
    "note": ("ghi chu",),
}
LABELS = {
    "stt": "Số thứ tự",
    "name": "Tên mô hình, điển hình",
    "unit": "Đơn vị thực hiện",
    "date": "Ngày báo cáo",
    "done": "Nội dung đã thực hiện",
    "status": "Tình hình",
    "note": "Ghi chú",
}
# A field of ProgressInput → the column it was read from, to place a service's refusal.
_KEY_COLUMN = {"report_date": "date", "done": "done", "status": "status", "note": "note"}

# The traffic light as offices write it (folded), longest first.  "dung" alone is both «Đúng» and «Dừng»:
# the diacritics decide (see _status).
_STATUS_WORDS: tuple[tuple[str, str], ...] = (
    ("dung tien do", domain.PROGRESS_ON_TRACK),
    ("dat tien do", domain.PROGRESS_ON_TRACK),
    ("dung ke hoach", domain.PROGRESS_ON_TRACK),
    ("binh thuong", domain.PROGRESS_ON_TRACK),
    ("vuot tien do", domain.PROGRESS_ON_TRACK),
    ("cham tien do", domain.PROGRESS_BEHIND),
    ("cham", domain.PROGRESS_BEHIND),
    ("ngung tre", domain.PROGRESS_STALLED),
    ("ngung", domain.PROGRESS_STALLED),
    ("dung lai", domain.PROGRESS_STALLED),
    ("dung thuc hien", domain.PROGRESS_STALLED),
    ("tam dung", domain.PROGRESS_STALLED),
    ("khong thuc hien", domain.PROGRESS_STALLED),
)
_TOTAL = re.compile(r"^(tong cong|tong so|cong|tong)\b")
_UNIT_SUFFIX = re.compile(r"\s*\([^)]*\)\s*$")


@dataclass
class FollowupProblem:
    sheet: str
    row: int
    column: str  # the column letter ("" for the whole row or file)
    message: str

    def __str__(self) -> str:
        where = f"Trang «{self.sheet}», dòng {self.row}" + (f", cột {self.column}" if self.column else "")
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class FollowupPlanRow:
    sheet: str
    row: int
    name: str  # as the row wrote it
    unit: str
    model_id: int | None = None
    model_name: str = ""  # as registered
    data: ProgressInput | None = None
    replaces: bool = False  # the model already has a report of that date: it is replaced
    status: str = OK
    problems: list[FollowupProblem] = dc_field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    def to_json(self) -> dict[str, Any]:
        data = self.data
        return {
            "sheet": self.sheet,
            "row": self.row,
            "name": self.name,
            "unit": self.unit,
            "status": self.status,
            "model": self.model_name,
            "report_date": data.report_date.isoformat() if data and isinstance(data.report_date, date) else None,
            "progress": data.status if data else None,
            "replaces": self.replaces,
            "problems": [p.to_json() for p in self.problems],
        }


@dataclass
class FollowupSheet:
    name: str
    header_row: int
    columns: dict[int, str]  # column index → "name", "date"… (see COLUMNS)
    indicators: dict[int, str]  # column index → the header, matched against each model's indicator names


@dataclass
class FollowupPlan:
    path: Path
    year: int
    sheets: list[FollowupSheet]
    rows: list[FollowupPlanRow]
    problems: list[FollowupProblem]  # every refusal, in file order
    applied: bool = False

    @property
    def importable(self) -> list[FollowupPlanRow]:
        return [r for r in self.rows if r.status == OK]

    @property
    def rejected(self) -> list[FollowupPlanRow]:
        return [r for r in self.rows if r.status == REJECTED]

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "year": self.year,
            "importable": len(self.importable),
            "rejected": len(self.rejected),
            "rows": [r.to_json() for r in self.rows],
        }


@dataclass
class FollowupImportResult:
    created: int
    replaced: int
    rejected: int


# ----------------------------------------------------------------- headers


def column_for(header: object) -> str:
    """What a header names (a key of :data:`COLUMNS`), or "" (then it may be an indicator)."""
    key = header_key(header)
    if not key or len(key) > 80:
        return ""
    found = [
        (len(name), column)
        for column, names in COLUMNS.items()
        for name in names
        if key == name or key.startswith((name + " ", name + ",", name + "(", name + "/"))
    ]
    return max(found, key=lambda item: item[0])[1] if found else ""


def _layout(sheet: SheetData) -> tuple[int, FollowupSheet] | None:
    """(position in ``sheet.rows`` of the header row, its layout): the row naming a model and a date column."""
    best: tuple[int, int, FollowupSheet] | None = None
    for position, (number, values) in enumerate(sheet.rows[:HEADER_SCAN]):
        columns: dict[int, str] = {}
        for index, value in enumerate(values):
            column = column_for(value) if isinstance(value, str) else ""
            if column and column not in columns.values():
                columns[index] = column
        if "name" not in columns.values() or "date" not in columns.values():
            continue
        indicators = {
            index: cell_text(value)
            for index, value in enumerate(values)
            if index not in columns and cell_text(value) and not header_key(value).isdigit()
        }
        if best is None or len(columns) > best[0]:
            best = (len(columns), position, FollowupSheet(sheet.name, number, columns, indicators))
    return (best[1], best[2]) if best else None


# ----------------------------------------------------------------- matching


def _key(text: object) -> str:
    """Names compared folded, punctuation ignored ("Mô hình “Dân vận khéo” – xã A" = "mo hinh dan van kheo xa a")."""
    return re.sub(r"[^a-z0-9]+", "", fold(text))


@dataclass
class _Model:
    id: int
    name: str
    unit_key: str
    indicators: dict[str, tuple[str, str]]  # header key → (indicator uuid, unit of measure)


def _year_models(year: int) -> dict[str, list[_Model]]:
    """Name key → the year's models of that name, with their indicators keyed as a header would name them."""
    query = (
        MoHinh.select(MoHinh.id, MoHinh.name, pw.fn.coalesce(Unit.name, "").alias("unit_name"))
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .where(MoHinh.year == year)
        .dicts()
    )
    models = {
        m["id"]: _Model(m["id"], m["name"], _key(m["unit_name"]), {}) for m in cast("Iterable[dict[str, Any]]", query)
    }
    indicators = (
        Indicator.select(Indicator.model, Indicator.uuid, Indicator.name, Indicator.unit_of_measure)
        .join(MoHinh)
        .where(MoHinh.year == year)
        .tuples()
    )
    for model_id, uuid, name, unit in cast("Iterable[tuple[int, str, str, str]]", indicators):
        keys = models[model_id].indicators
        for header in (name, f"{name} ({unit})" if unit else name):
            keys.setdefault(_key(header), (uuid, unit))
    by_name: dict[str, list[_Model]] = {}
    for model in models.values():
        by_name.setdefault(_key(model.name), []).append(model)
    return by_name


def _status(value: object) -> str | None:
    text = cell_text(value)
    key = header_key(text)
    if not key:
        return None
    if key == "dung" or key.startswith("dung "):  # «Đúng» or «Dừng»: only the diacritics tell them apart
        lowered = text.lower()
        return domain.PROGRESS_ON_TRACK if lowered.startswith("đúng") else domain.PROGRESS_STALLED
    for word, code in _STATUS_WORDS:
        if key == word or key.startswith(word + " "):
            return code
    for code, label in domain.PROGRESS_STATUSES.items():
        if key == fold(label):
            return code
    return None


# ----------------------------------------------------------------- the preview


def plan_followup(path: Path | str, year: int, task: TaskState | None = None) -> FollowupPlan:
    """Read the workbook and decide every row; writes nothing.  Raises AppError for a file that cannot be read
    or holds no follow-up table (a header row with a model name column and a date column)."""
    path = Path(path)
    task = task or TaskState()
    sheets = read_sheets(path, task)
    models = _year_models(year)
    plan = FollowupPlan(path, year, [], [], [])
    seen: dict[tuple[int, date], int] = {}  # (model, day) → the row that gave it first
    for sheet in sheets:
        found = _layout(sheet)
        if found is None:
            continue
        position, layout = found
        plan.sheets.append(layout)
        body = sheet.rows[position + 1 :]
        for done_rows, (number, values) in enumerate(body):
            if done_rows % 200 == 0:
                task.progress(done_rows, len(body), f"Trang «{sheet.name}»")
            planned = _plan_row(layout, number, values, year, models, seen)
            if planned is not None:
                plan.rows.append(planned)
                plan.problems.extend(planned.problems)
    if not plan.sheets:
        raise AppError(
            f"Không nhận ra bảng báo cáo tiến độ trong tệp «{path.name}»: cần một dòng tiêu đề có cột "
            "«Tên mô hình» và cột «Ngày báo cáo» (thêm «Nội dung đã thực hiện», «Tình hình», «Ghi chú» và mỗi "
            "chỉ tiêu một cột mang tên chỉ tiêu)."
        )
    return plan


def _cell(values: list[object], index: int | None) -> object:
    return values[index] if index is not None and index < len(values) else None


def _plan_row(
    layout: FollowupSheet,
    number: int,
    values: list[object],
    year: int,
    models: dict[str, list[_Model]],
    seen: dict[tuple[int, date], int],
) -> FollowupPlanRow | None:
    where = {column: index for index, column in layout.columns.items()}

    def text(column: str) -> str:
        return cell_text(_cell(values, where.get(column)), lines=column in ("done", "note"))

    def letter(column: str) -> str:
        index = where.get(column)
        return column_letter(index) if index is not None else ""

    name, unit = text("name"), text("unit")
    given = [v for i, v in layout.indicators.items() if cell_text(_cell(values, i))]
    reported = any(text(c) for c in ("date", "done", "status", "note")) or given
    if not name or _TOTAL.match(fold(name)) or not reported:
        return None  # an empty line, a total, or a group heading ("I. Lĩnh vực kinh tế")
    row = FollowupPlanRow(layout.name, number, name, unit)

    def refuse(column: str, message: str) -> FollowupPlanRow:
        row.status = REJECTED
        row.problems.append(
            FollowupProblem(layout.name, number, letter(column) if column in where else column, message)
        )
        return row

    candidates = models.get(_key(name), [])
    if not candidates:
        return refuse("name", f"không có mô hình, điển hình «{name}» trong năm {year}.")
    if unit:
        unit_key = _key(unit)
        matching = [m for m in candidates if m.unit_key and (m.unit_key in unit_key or unit_key in m.unit_key)]
        if not matching:
            return refuse("unit", f"mô hình «{name}» của năm {year} không thuộc đơn vị «{unit}».")
        candidates = matching
    if len(candidates) > 1:
        return refuse(
            "unit" if unit else "name",
            f"năm {year} có {len(candidates)} mô hình cùng tên «{name}»; hãy ghi rõ đơn vị thực hiện.",
        )
    model = candidates[0]
    row.model_id, row.model_name = model.id, model.name
    try:
        day = parse_date(_cell(values, where.get("date")))
    except ImpossibleDate as exc:
        return refuse("date", f"{exc}.")
    except ValueError as exc:
        return refuse("date", f"{exc}; ghi ngày theo dạng dd/mm/yyyy.")
    if day is None:
        return refuse("date", "chưa ghi ngày báo cáo.")
    status_text = text("status")
    status = _status(status_text)
    if status is None:
        choices = ", ".join(f"«{label}»" for label in domain.PROGRESS_STATUSES.values())
        what = f"không hiểu tình hình «{status_text}»" if status_text else "chưa ghi tình hình"
        return refuse("status", f"{what}; ghi một trong: {choices}.")
    amounts: dict[str, float | str | None] = {}
    for index, header in layout.indicators.items():
        value = _cell(values, index)
        if not cell_text(value):
            continue
        found = model.indicators.get(_key(header)) or model.indicators.get(_key(_UNIT_SUFFIX.sub("", header)))
        if found is None:
            row.status = REJECTED
            row.problems.append(
                FollowupProblem(
                    layout.name, number, column_letter(index), f"mô hình «{model.name}» không có chỉ tiêu «{header}»."
                )
            )
            continue
        uuid, unit_of_measure = found
        try:
            amounts[uuid] = indicator_amount(value, unit_of_measure, column="achieved")
        except ValidationError as err:
            row.status = REJECTED
            row.problems.append(FollowupProblem(layout.name, number, column_letter(index), err.message))
    if row.status == REJECTED:
        return row
    if (model.id, day) in seen:
        return refuse("date", f"trùng báo cáo ngày {format_date(day)} của mô hình này ở dòng {seen[(model.id, day)]}.")
    data = ProgressInput(model.id, day, text("done"), amounts, status, text("note"))
    existing = ProgressEntry.get_or_none((ProgressEntry.model == model.id) & (ProgressEntry.report_date == day))
    try:
        check_progress(data, existing.id if existing else None)
    except ValidationError as err:
        return refuse(_KEY_COLUMN.get(err.key, ""), err.message)
    seen[(model.id, day)] = number
    row.data, row.replaces = data, existing is not None
    return row


# ----------------------------------------------------------------- the writes


def apply_followup(plan: FollowupPlan, task: TaskState | None = None) -> FollowupImportResult:
    """Write the accepted rows in one batch (undone as a whole by «Hoàn tác»); a report of the same model and
    date is replaced.  Refused when this preview was applied already."""
    if plan.applied:
        raise AppError("Bản xem trước này đã được nhập; hãy chọn lại tệp nếu muốn nhập lần nữa.")
    task = task or TaskState()
    rows = plan.importable
    created = replaced = 0
    with record.batch(f"Nhập báo cáo tiến độ từ «{plan.path.name}»", action="import", undoable=True):
        for position, row in enumerate(rows):
            task.progress(position, len(rows), row.model_name)
            assert row.data is not None
            day = cast("date", row.data.report_date)
            # Looked up again: a report typed in the editor since the preview is replaced, not doubled.
            existing = ProgressEntry.get_or_none(
                (ProgressEntry.model == row.data.model_id) & (ProgressEntry.report_date == day)
            )
            save_progress(row.data, existing.id if existing else None)
            if existing:
                replaced += 1
            else:
                created += 1
    plan.applied = True
    return FollowupImportResult(created, replaced, len(plan.rejected))


def problems_text(problems: Iterable[FollowupProblem], limit: int = 20) -> list[str]:
    """The refusals as lines for a message or the command line, at most ``limit`` of them."""
    items = list(problems)
    lines = [str(p) for p in items[:limit]]
    if len(items) > limit:
        lines.append(f"… và {len(items) - limit} lỗi khác.")
    return lines
