"""Score sheets: one per member and model, validated cell by cell; a second keying to check paper ballots."""
from __future__ import annotations

from .. import domain
from ..errors import AppError, ValidationError
from ..services.models import ModelFilter, ModelRow, list_models
from ..storage.models import MoHinh, database_proxy, now
from .aggregate import check_points, sheet_total
from .council import assigned_model_ids, conflicts, council_members, get_member
from .criteria import criteria_set_for
from .tables import Decision, Score

SCORED_STATUSES = (domain.REGISTERED, domain.IN_PROGRESS, domain.PROPOSED, domain.RECOGNISED,
                   domain.NOT_RECOGNISED)


def models_to_score(year: int) -> list[ModelRow]:
    """Every model of the year that has not been withdrawn or returned."""
    return list_models(ModelFilter(year=year, statuses=SCORED_STATUSES), sort="field")


def ensure_unlocked(year: int) -> None:
    decision = Decision.get_or_none(Decision.year == year)
    if decision is not None and decision.locked:
        raise AppError(f"Kết quả năm {year} đã được chốt theo Quyết định số {decision.number}. "
                       "Muốn sửa điểm, hãy mở khóa quyết định (ghi rõ lý do) ở màn hình Công nhận.")


def sheet(year: int, member_id: int, model_id: int, keying: int = 1) -> dict[int, float | None]:
    """Criterion id → points (None where not scored yet) for one member's sheet of one model."""
    model = MoHinh.get_by_id(model_id)
    criteria = criteria_set_for(year, model.kind, model.level_id).criteria
    rows = Score.select().where((Score.member == member_id) & (Score.model == model_id) & (Score.keying == keying))
    found = {r.criterion_id: r.points for r in rows}
    return {c.id: found.get(c.id) for c in criteria}


def save_sheet(year: int, member_id: int, model_id: int, values: dict[int, object], keying: int = 1) -> None:
    """Validate every cell, then replace the sheet in one transaction (nothing saved if one cell is wrong)."""
    ensure_unlocked(year)
    model = MoHinh.get_by_id(model_id)
    criteria = {c.id: c for c in criteria_set_for(year, model.kind, model.level_id).criteria}
    cleaned: dict[int, float] = {}
    for criterion_id, raw in values.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            raise ValidationError("Tiêu chí", "không thuộc bộ tiêu chí của mô hình này.", key="criterion")
        try:
            points = check_points(raw, criterion.max_points, f"tiêu chí {criterion.order}")
        except ValueError as exc:
            raise ValidationError(f"Tiêu chí {criterion.order}", str(exc), key=str(criterion_id)) from None
        if points is not None:
            cleaned[criterion_id] = points
    stamp = now()
    with database_proxy.atomic():
        Score.delete().where((Score.member == member_id) & (Score.model == model_id)
                             & (Score.keying == keying)).execute()
        for criterion_id, points in cleaned.items():
            Score.create(member=member_id, model=model_id, criterion=criterion_id, keying=keying, points=points,
                         updated_at=stamp)


def compare_keyings(year: int, member_id: int, model_id: int) -> list[int]:
    """Criteria whose second keying differs from the first (an empty second keying differs nowhere)."""
    first, second = sheet(year, member_id, model_id, 1), sheet(year, member_id, model_id, 2)
    if all(v is None for v in second.values()):
        return []
    return [cid for cid in first if first[cid] != second.get(cid)]


def accept_second_keying(year: int, member_id: int, model_id: int) -> None:
    """The paper was re-read: make the second keying the sheet of record."""
    second = sheet(year, member_id, model_id, 2)
    save_sheet(year, member_id, model_id, second, keying=1)


def progress(year: int) -> tuple[int, int]:
    """(complete sheets, expected sheets) over every member, their models, less conflicts."""
    model_ids = [m.id for m in models_to_score(year)]
    abstain = conflicts(year)
    expected = complete = 0
    for member in council_members(year):
        for model_id in assigned_model_ids(member, model_ids):
            if (member.id, model_id) in abstain:
                continue
            expected += 1
            values = sheet(year, member.id, model_id)
            if sheet_total(values, list(values))[1]:
                complete += 1
    return complete, expected


def member_progress(year: int, member_id: int) -> tuple[int, int]:
    member = get_member(member_id)
    model_ids = assigned_model_ids(member, [m.id for m in models_to_score(year)])
    abstain = conflicts(year)
    done = 0
    expected = 0
    for model_id in model_ids:
        if (member_id, model_id) in abstain:
            continue
        expected += 1
        values = sheet(year, member_id, model_id)
        done += sheet_total(values, list(values))[1]
    return done, expected
