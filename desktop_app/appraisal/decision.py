"""The recognition decision: statuses change, and the year's scores, criteria and rule are frozen with it."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date

from .. import domain
from ..errors import AppError, ValidationError
from ..history import kinds, record
from ..office import decision_reference
from ..services.settings import get_office
from ..services.status import change_status
from ..storage.models import AuditLog, MoHinh
from ..text import ImpossibleDate, clean, parse_date
from .criteria import list_sets, set_total_problem
from .info import DecisionInfo
from .results import compute_results, results_from_snapshot  # results imports nothing from here: no cycle
from .tables import Decision, Score


def criteria_warnings(year: int) -> list[str]:
    """What is wrong with the year's criteria sets (a total other than 100), to show before results are used."""
    return [problem for problem in (set_total_problem(s) for s in list_sets(year)) if problem]


def _info(row: Decision) -> DecisionInfo:
    return DecisionInfo(
        row.id,
        row.uuid,
        row.year,
        row.number,
        row.date,
        row.issuing_body,
        row.signer_name,
        row.signer_title,
        row.authority,
        row.locked,
        results_from_snapshot(json.loads(row.snapshot)) if row.locked else compute_results(row.year),
    )


def decision_for(year: int) -> DecisionInfo | None:
    row = Decision.get_or_none(Decision.year == year)
    return _info(row) if row else None


def issue_decision(
    year: int,
    number: str,
    day: date | str,
    *,
    issuing_body: str = "",
    signer_name: str = "",
    signer_title: str = "",
    authority: str = "",
    style: str | None = None,
) -> DecisionInfo:
    """Recognise the models that pass (status Công nhận), the others Không công nhận; freeze everything.

    ``style`` says which of the office's identities issues it (its default style when not given).
    """
    if not clean(number):
        raise ValidationError("Số quyết định", "không được để trống.", key="number")
    issuer = get_office().issuer(style)
    # Stored with its symbol ("125-QĐ/HU" or "125/QĐ-UBND"), so the decision is cited the same way even if
    # the office's symbol setting changes later.
    number = issuer.reference(clean(number))
    try:
        when = parse_date(day) if isinstance(day, str) else day
    except ImpossibleDate as exc:  # written right, but no such day: the format hint would mislead
        raise ValidationError("Ngày quyết định", f"{exc}.", key="date") from None
    except ValueError as exc:
        raise ValidationError("Ngày quyết định", f"{exc}; ghi theo dạng dd/mm/yyyy.", key="date") from None
    if when is None:
        raise ValidationError("Ngày quyết định", "không được để trống.", key="date")
    existing = Decision.get_or_none(Decision.year == year)
    if existing is not None and existing.locked:
        raise AppError(
            f"Năm {year} đã có Quyết định số {decision_reference(existing.number)} đang khóa; hãy mở "
            "khóa trước khi ban hành lại."
        )
    results = compute_results(year)
    scored = [r for r in results if r.members > 0]
    if not scored:
        raise AppError(f"Chưa có mô hình nào của năm {year} được chấm đủ điểm; chưa thể ban hành quyết định.")
    snapshot = {
        "rule": "Điểm của mô hình là trung bình cộng tổng điểm của các thành viên chấm đủ phiếu, không tính "
        "thành viên có xung đột lợi ích; bỏ một điểm cao nhất và một điểm thấp nhất khi bộ tiêu chí "
        "quy định và có từ 5 thành viên trở lên.",
        "criteria_sets": [asdict(s) for s in list_sets(year)],
        "scores": [
            [s.member_id, s.model_id, s.criterion_id, s.points]
            for s in Score.select().join(MoHinh).where((MoHinh.year == year) & (Score.keying == 1))
        ],
        "results": [asdict(r) for r in results],
    }
    # One batch: the decision and every status it sets (change_status joins it).  Not undoable from the list: a
    # signed decision is taken back by unlocking it, which the history records too.
    with record.batch(f"Ban hành quyết định công nhận năm {year}"):
        before = kinds.snapshot(existing) if existing is not None else None
        recognised = [r.model_id for r in scored if r.recognised]
        rejected = [r.model_id for r in scored if not r.recognised]
        if recognised:
            change_status(recognised, domain.RECOGNISED, f"Quyết định số {number}", force=True, event_date=when)
        if rejected:
            change_status(rejected, domain.NOT_RECOGNISED, f"Quyết định số {number}", force=True, event_date=when)
        values = dict(
            number=number,
            date=when,
            issuing_body=clean(issuing_body) or issuer.issuing_body,
            signer_name=clean(signer_name) or issuer.signer_name,
            signer_title=clean(signer_title) or issuer.signer_title,
            authority=clean(authority) or issuer.signing_authority,
            locked=True,
            snapshot=json.dumps(snapshot, ensure_ascii=False, default=str),
        )
        if existing is None:
            row = Decision.create(year=year, **values)
            record.created(row)
        else:
            for key, value in values.items():
                setattr(existing, key, value)
            existing.save()
            row = existing
            assert before is not None
            record.updated(row, before)
        AuditLog.create(
            action="decision.issued",
            detail=json.dumps(
                {"year": year, "number": number, "recognised": len(recognised), "not_recognised": len(rejected)},
                ensure_ascii=False,
            ),
        )
    return _info(row)


def unlock_decision(year: int, reason: str) -> None:
    """Allow editing after a decision; the reason is recorded."""
    reason = clean(reason)
    if not reason:
        raise ValidationError("Lý do mở khóa", "phải ghi rõ lý do mở khóa quyết định.", key="reason")
    row = Decision.get_or_none(Decision.year == year)
    if row is None:
        raise AppError(f"Năm {year} chưa có quyết định công nhận.")
    with record.batch(f"Mở khóa quyết định công nhận năm {year} (lý do: {reason})"):
        before = kinds.snapshot(row)
        row.locked = False
        row.save()
        record.updated(row, before)
        AuditLog.create(
            action="decision.unlocked",
            detail=json.dumps({"year": year, "number": row.number, "reason": reason}, ensure_ascii=False),
        )
