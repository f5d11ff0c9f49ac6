"""A model's progress reports during its year, and the follow-up list of the year's models.

A report (schema 8 ``ProgressEntry``) says, as of a date, what was done, how far each indicator has got and a
traffic light.  It is part of its model's history record (history.kinds: a child of the model), so each write
is one model change in «Lịch sử thay đổi», trash and undo carry it, and so will exchange packages.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, cast

import peewee as pw

from .. import domain
from ..errors import NotFoundError, ValidationError
from ..history import kinds, record
from ..services.models import indicator_amount
from ..storage.models import Field, Indicator, MoHinh, ProgressEntry, Unit
from ..text import ImpossibleDate, clean_multiline, format_date, parse_date

MAX_TEXT = 4000  # a report's "what was done" is a paragraph or two, not the dossier
GroupBy = Literal["field", "unit"]


@dataclass
class ProgressInput:
    """What the editor's «Tiến độ» tab (or the follow-up workbook) hands to :func:`save_progress`.

    ``report_date`` may be typed text (dd/mm/yyyy); ``values`` maps indicator uuids to amounts, typed
    text too (read by services.models.indicator_amount); an empty amount is no figure reported.
    """

    model_id: int
    report_date: date | str | None
    done: str = ""
    values: Mapping[str, float | str | None] = field(default_factory=dict)
    status: str = domain.PROGRESS_ON_TRACK
    note: str = ""


@dataclass(frozen=True)
class ProgressAmount:
    """One indicator as a report gives it: its name and unit, the plan, and how far it has got."""

    indicator_uuid: str
    name: str
    unit_of_measure: str
    target: float | None
    amount: float


@dataclass
class ProgressItem:
    id: int
    uuid: str
    model_id: int
    report_date: date
    done: str
    values: dict[str, float]
    status: str
    status_label: str
    note: str
    # The values with their indicators' names, in the model's indicator order (values of an indicator
    # removed since are left out here and kept in ``values``).
    amounts: list[ProgressAmount] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "report_date": self.report_date.isoformat(),
            "done": self.done,
            "values": self.values,
            "status": self.status,
            "status_label": self.status_label,
            "note": self.note,
            "amounts": [
                {
                    "indicator": a.indicator_uuid,
                    "name": a.name,
                    "unit_of_measure": a.unit_of_measure,
                    "amount": a.amount,
                }
                for a in self.amounts
            ],
        }


def status_label(code: str) -> str:
    return domain.PROGRESS_STATUSES.get(code, code)


# ----------------------------------------------------------------- validation


def _model(model_id: int) -> MoHinh:
    row = MoHinh.get_or_none(MoHinh.id == model_id)
    if row is None:
        raise NotFoundError("Không tìm thấy mô hình, điển hình (có thể đã bị xóa).")
    return row


def report_window(year: int) -> tuple[date, date]:
    """The days a report of a ``year`` model may carry: the year itself, and the next January (the year's
    last review is often held then)."""
    return date(year, 1, 1), date(year + 1, 1, 31)


def _report_date(value: date | str | None, year: int) -> date:
    label = "Ngày báo cáo"
    try:
        day = parse_date(value)
    except ImpossibleDate as exc:
        raise ValidationError(label, f"{exc}.", key="report_date") from None
    except ValueError as exc:
        raise ValidationError(label, f"{exc}; ghi theo dạng dd/mm/yyyy.", key="report_date") from None
    if day is None:
        raise ValidationError(label, "không được để trống.", key="report_date")
    first, last = report_window(year)
    if not first <= day <= last:
        raise ValidationError(
            label,
            f"«{format_date(day)}» nằm ngoài năm {year} của mô hình; báo cáo tiến độ ghi ngày trong năm "
            f"{year} (hoặc tháng 01/{year + 1}, khi sơ kết cuối năm).",
            key="report_date",
        )
    return day


def _values(model: MoHinh, values: Mapping[str, float | str | None]) -> dict[str, float]:
    indicators = {i.uuid: i for i in Indicator.select().where(Indicator.model == model.id)}
    out: dict[str, float] = {}
    for uuid, value in values.items():
        indicator = indicators.get(uuid)
        if indicator is None:
            raise ValidationError(
                "Chỉ tiêu", "một chỉ tiêu không còn trong mô hình (vừa bị sửa); hãy mở lại mô hình.", key="values"
            )
        try:
            amount = indicator_amount(value, indicator.unit_of_measure, column="achieved")
        except ValidationError as err:
            raise ValidationError(f"Chỉ tiêu «{indicator.name}»", err.message, key="values") from None
        if amount is not None:
            out[uuid] = amount
    return out


def _validated(data: ProgressInput, entry_id: int | None, model: MoHinh) -> dict[str, Any]:
    day = _report_date(data.report_date, model.year)
    if data.status not in domain.PROGRESS_STATUSES:
        choices = ", ".join(f"«{label}»" for label in domain.PROGRESS_STATUSES.values())
        raise ValidationError("Tình hình", f"chỉ chọn một trong: {choices}.", key="status")
    done = clean_multiline(data.done)
    note = clean_multiline(data.note)
    for key, label, text in (("done", "Nội dung đã thực hiện", done), ("note", "Ghi chú", note)):
        if len(text) > MAX_TEXT:
            raise ValidationError(label, f"quá dài (tối đa {MAX_TEXT} ký tự).", key=key)
    values = _values(model, data.values)
    if not done and not values:
        raise ValidationError(
            "Nội dung đã thực hiện", "chưa ghi đã làm được gì (hoặc chỉ tiêu đạt được đến nay).", key="done"
        )
    same_day = ProgressEntry.select().where((ProgressEntry.model == model.id) & (ProgressEntry.report_date == day))
    if entry_id is not None:
        same_day = same_day.where(ProgressEntry.id != entry_id)
    if same_day.exists():
        raise ValidationError(
            "Ngày báo cáo",
            f"mô hình đã có báo cáo tiến độ ngày {format_date(day)}; hãy sửa báo cáo đó thay vì thêm báo cáo mới.",
            key="report_date",
        )
    return {
        "report_date": day,
        "done": done,
        "values": json.dumps(values, ensure_ascii=False, sort_keys=True),
        "status": data.status,
        "note": note,
    }


def check_progress(data: ProgressInput, entry_id: int | None = None) -> None:
    """Raise the :class:`ValidationError` :func:`save_progress` would, writing nothing (an import's preview)."""
    _validated(data, entry_id, _model(data.model_id))


# ----------------------------------------------------------------- writes


def _entry(entry_id: int) -> ProgressEntry:
    row = ProgressEntry.get_or_none(ProgressEntry.id == entry_id)
    if row is None:
        raise NotFoundError("Không tìm thấy báo cáo tiến độ (có thể đã bị xóa).")
    return row


def save_progress(data: ProgressInput, entry_id: int | None = None) -> ProgressItem:
    """Add a report (``entry_id`` None) or replace one; one change of the model in its history."""
    model = _model(data.model_id)
    if entry_id is not None and _entry(entry_id).model_id != model.id:
        raise ValidationError("Báo cáo tiến độ", "báo cáo này thuộc mô hình khác.", key="model")
    values = _validated(data, entry_id, model)
    verb = "Thêm" if entry_id is None else "Sửa"
    with record.batch(f"{verb} báo cáo tiến độ ngày {format_date(values['report_date'])}: {model.name}"):
        before = kinds.snapshot(model)
        if entry_id is None:
            row = ProgressEntry.create(model=model.id, **values)
        else:
            row = _entry(entry_id)
            for key, value in values.items():
                setattr(row, key, value)
            row.save()
        record.updated(model, before)
    return _items([row])[0]


def delete_progress(entry_id: int) -> None:
    row = _entry(entry_id)
    model = _model(row.model_id)
    with record.batch(f"Xóa báo cáo tiến độ ngày {format_date(row.report_date)}: {model.name}"):
        before = kinds.snapshot(model)
        ProgressEntry.delete().where(ProgressEntry.id == entry_id).execute()
        record.updated(model, before)


# ----------------------------------------------------------------- reads


def _indicators(model_ids: Iterable[int]) -> dict[int, list[Indicator]]:
    ids = sorted(set(model_ids))
    found: dict[int, list[Indicator]] = {}
    for start in range(0, len(ids), 500):
        query = (
            Indicator.select()
            .where(Indicator.model.in_(ids[start : start + 500]))
            .order_by(Indicator.sort_order, Indicator.id)
        )
        for indicator in query:
            found.setdefault(indicator.model_id, []).append(indicator)
    return found


@dataclass(frozen=True)
class ModelIndicator:
    """An indicator a report may give a figure for, keyed as the report keeps it (by uuid)."""

    uuid: str
    name: str
    unit_of_measure: str
    target: float | None


def model_indicators(model_id: int) -> list[ModelIndicator]:
    """The model's indicators as saved, in their order: the amounts a progress report asks for."""
    return [
        ModelIndicator(i.uuid, i.name, i.unit_of_measure or "", i.target)
        for i in _indicators([model_id]).get(model_id, [])
    ]


def _items(rows: list[ProgressEntry]) -> list[ProgressItem]:
    indicators = _indicators(r.model_id for r in rows)
    items = []
    for r in rows:
        values = {str(k): float(v) for k, v in json.loads(r.values or "{}").items()}
        amounts = [
            ProgressAmount(i.uuid, i.name, i.unit_of_measure, i.target, values[i.uuid])
            for i in indicators.get(r.model_id, [])
            if i.uuid in values
        ]
        items.append(
            ProgressItem(
                id=r.id,
                uuid=r.uuid,
                model_id=r.model_id,
                report_date=r.report_date,
                done=r.done,
                values=values,
                status=r.status,
                status_label=status_label(r.status),
                note=r.note,
                amounts=amounts,
            )
        )
    return items


def list_progress(model_id: int) -> list[ProgressItem]:
    """The model's reports, newest first."""
    query = (
        ProgressEntry.select()
        .where(ProgressEntry.model == model_id)
        .order_by(ProgressEntry.report_date.desc(), ProgressEntry.id.desc())
    )
    return _items(list(query))


@dataclass
class FollowupRow:
    """One line of the follow-up list: a model of the year and its latest report (None: none yet)."""

    id: int
    uuid: str
    name: str
    kind: str
    field: str
    unit: str
    status: str  # the model's workflow status (domain.STATUSES)
    person_name: str
    latest: ProgressItem | None
    group: str = ""  # the heading it is listed under: its field or its unit, as asked

    @property
    def kind_label(self) -> str:
        return domain.KIND_SHORT.get(self.kind, self.kind)

    def to_json(self) -> dict[str, Any]:
        return {
            "uuid": self.uuid,
            "name": self.name,
            "kind": self.kind,
            "field": self.field,
            "unit": self.unit,
            "status": self.status,
            "group": self.group,
            "latest": self.latest.to_json() if self.latest else None,
        }


NO_UNIT = "Chưa ghi đơn vị"
NO_FIELD = "Chưa có lĩnh vực"


def followup_rows(year: int, *, group_by: GroupBy = "field", no_report_since: date | None = None) -> list[FollowupRow]:
    """The year's models still in the running (not withdrawn) with their latest report, grouped by field
    (catalogue order) or by unit (Vietnamese order), then by name.

    ``no_report_since``: only the models with no report dated that day or later («chưa báo cáo từ ngày …»).
    """
    if group_by not in ("field", "unit"):
        raise ValueError(f"group_by must be 'field' or 'unit', not {group_by!r}")
    query = (
        MoHinh.select(
            MoHinh.id,
            MoHinh.uuid,
            MoHinh.name,
            MoHinh.kind,
            MoHinh.status,
            MoHinh.person_name,
            pw.fn.coalesce(Field.name, "").alias("field_name"),
            pw.fn.coalesce(Unit.name, "").alias("unit_name"),
        )
        .join(Field, pw.JOIN.LEFT_OUTER, on=(MoHinh.field == Field.id))
        .switch(MoHinh)
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .where((MoHinh.year == year) & (MoHinh.status != domain.WITHDRAWN))
    )
    field_order = pw.fn.coalesce(Field.sort_order, 10**6)
    unit_order = pw.Case(None, [(Unit.id.is_null(), 1)], 0)
    if group_by == "field":
        query = query.order_by(field_order, unit_order, pw.fn.coalesce(Unit.name_sort, ""), MoHinh.name_sort, MoHinh.id)
    else:
        query = query.order_by(unit_order, pw.fn.coalesce(Unit.name_sort, ""), field_order, MoHinh.name_sort, MoHinh.id)
    models = list(cast("Iterable[dict[str, Any]]", query.dicts()))
    latest = _latest_reports(year)
    rows = []
    for m in models:
        item = latest.get(m["id"])
        if no_report_since is not None and item is not None and item.report_date >= no_report_since:
            continue
        field_name = m["field_name"] or NO_FIELD
        unit_name = m["unit_name"]
        rows.append(
            FollowupRow(
                id=m["id"],
                uuid=m["uuid"],
                name=m["name"],
                kind=m["kind"],
                field=field_name,
                unit=unit_name,
                status=m["status"],
                person_name=m["person_name"],
                latest=item,
                group=field_name if group_by == "field" else (unit_name or NO_UNIT),
            )
        )
    return rows


def _latest_reports(year: int) -> dict[int, ProgressItem]:
    """Model id → its latest report, for the year's models that have one: one query picks them in SQL."""
    ranked = (
        ProgressEntry.select(
            ProgressEntry.id,
            pw.fn.ROW_NUMBER()
            .over(
                partition_by=[ProgressEntry.model],
                order_by=[ProgressEntry.report_date.desc(), ProgressEntry.id.desc()],
            )
            .alias("position"),
        )
        .join(MoHinh, on=(ProgressEntry.model == MoHinh.id))
        .where(MoHinh.year == year)
    )
    latest_ids = ProgressEntry.select(ranked.c.id).from_(ranked).where(ranked.c.position == 1)
    rows = list(ProgressEntry.select().where(ProgressEntry.id.in_(latest_ids)))
    return {item.model_id: item for item in _items(rows)}
