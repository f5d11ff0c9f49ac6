"""Changing a model's status; every change is kept as history."""

from __future__ import annotations

from datetime import date

from .. import domain
from ..errors import ValidationError
from ..history import kinds, record
from ..storage.models import MoHinh, StatusChange, now
from ..text import clean, format_date


def allowed_next(status: str) -> list[str]:
    """What the editor's status tab offers: the manual moves from ``status``."""
    return domain.manual_next(status)


def manual_statuses() -> list[str]:
    """What the list's bulk status menu offers: every status a clerk may set by hand."""
    return list(domain.MANUAL_STATUSES)


def check_manual(new_status: str) -> None:
    """Refuse a status that only a decision may write, saying where the decision is made."""
    if new_status in domain.DECISION_ONLY:
        raise ValidationError(
            "Trạng thái",
            f"«{domain.status_label(new_status)}» chỉ được ghi theo quyết định công nhận, sau khi hội đồng "
            f"thẩm định chấm điểm; không đặt bằng tay được. Hãy vào mục «{domain.DECISION_PAGE}» để ban hành "
            "quyết định của năm.",
            key="status",
        )


def event_day(value: date | None, label: str = "Ngày") -> date:
    """The date a status event happened: today when not given; a day still to come is refused.

    A dossier prints this date as the date of the event, so it must be one that has already happened
    (a slip of the year in the date field would otherwise stand in the record).
    """
    today = date.today()
    if value is None:
        return today
    if value > today:
        raise ValidationError(
            label,
            f"{format_date(value)} là ngày chưa đến (hôm nay là {format_date(today)}); hãy ghi ngày việc đã diễn ra.",
            key="event_date",
        )
    return value


def change_status(
    model_ids: list[int],
    new_status: str,
    reason: str = "",
    *,
    force: bool = False,
    event_date: date | None = None,
) -> int:
    """Move every given model to ``new_status`` in one transaction; returns how many changed.

    Models already in ``new_status`` are left alone.  A change the workflow does not allow
    is refused for the whole batch, naming the first model concerned.  ``force`` is for
    decisions, which may move any model and are the only way to a recognition outcome.
    ``event_date`` is the day the change happened (today when not given), kept apart from
    the moment it was typed.  A decision (``force``) passes its own date unchecked: the date
    is the one printed on the signed paper, which the decision itself records.
    """
    if new_status not in domain.STATUSES:
        raise ValidationError("Trạng thái", f"«{new_status}» không hợp lệ.", key="status")
    if not force:
        check_manual(new_status)
    day = event_date if force and event_date is not None else event_day(event_date)
    reason = clean(reason)
    if new_status in domain.NEEDS_REASON and not reason:
        raise ValidationError(
            "Lý do", f"cần ghi lý do khi chuyển sang «{domain.status_label(new_status)}».", key="reason"
        )
    rows = list(MoHinh.select(MoHinh.id, MoHinh.name, MoHinh.status).where(MoHinh.id.in_(model_ids)))
    changing = [r for r in rows if r.status != new_status]
    if not force:
        for r in changing:
            if new_status not in domain.TRANSITIONS.get(r.status, set()):
                raise ValidationError(
                    "Trạng thái",
                    f"«{r.name}» đang ở trạng thái «{domain.status_label(r.status)}», "
                    f"không chuyển thẳng sang «{domain.status_label(new_status)}» được.",
                    key="status",
                )
    stamp = now()
    label = f"Đổi trạng thái {len(changing)} mô hình, điển hình sang «{domain.status_label(new_status)}»"
    with record.batch(label, action="status", undoable=True):
        befores = {r.id: kinds.snapshot(r) for r in MoHinh.select().where(MoHinh.id.in_([r.id for r in changing]))}
        for r in changing:
            StatusChange.create(
                model=r.id,
                from_status=r.status,
                to_status=new_status,
                reason=reason,
                changed_at=stamp,
                event_date=day,
            )
        if changing:
            # The version moves too, so an editor still showing the old row cannot save over the change.
            MoHinh.update(status=new_status, updated_at=stamp, version=MoHinh.version + 1).where(
                MoHinh.id.in_([r.id for r in changing])
            ).execute()
            for row in MoHinh.select().where(MoHinh.id.in_(list(befores))):
                record.updated(row, befores[row.id], action="status")
    return len(changing)
