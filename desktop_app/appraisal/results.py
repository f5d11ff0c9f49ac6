"""Each model's result: members' totals, mean, grade, rank, spread, council overrides."""
from __future__ import annotations

import json

from ..errors import ValidationError
from ..storage.models import MoHinh
from ..text import clean
from .aggregate import grade_for, mean_score, passes, ranks, sheet_total, spread
from .council import assigned_model_ids, conflicts, council_members
from .criteria import criteria_set_for
from .info import MemberScore, ModelResult
from .scoring import models_to_score
from .tables import Decision, Override, Score


def compute_results(year: int) -> list[ModelResult]:
    """Results computed from the scores as they are now."""
    models = models_to_score(year)
    members = council_members(year)
    abstain = conflicts(year)
    model_ids = [m.id for m in models]
    assigned = {member.id: set(assigned_model_ids(member, model_ids)) for member in members}
    scores: dict[tuple[int, int], dict[int, float]] = {}
    for row in Score.select().where(Score.model.in_(model_ids) & (Score.keying == 1)):
        scores.setdefault((row.member_id, row.model_id), {})[row.criterion_id] = row.points
    overrides = {o.model_id: o for o in Override.select().where(Override.model.in_(model_ids))}
    address = {m.id: m.address for m in MoHinh.select(MoHinh.id, MoHinh.address).where(MoHinh.id.in_(model_ids))}
    level = {m.id: m.level_id for m in MoHinh.select(MoHinh.id, MoHinh.level).where(MoHinh.id.in_(model_ids))}
    results: list[ModelResult] = []
    for model in models:
        criteria_set = criteria_set_for(year, model.kind, level.get(model.id))
        criteria_ids = [c.id for c in criteria_set.criteria]
        member_scores = []
        for member in members:
            if model.id not in assigned[member.id]:
                continue
            excluded = (member.id, model.id) in abstain
            total, complete = sheet_total(scores.get((member.id, model.id), {}), criteria_ids)
            member_scores.append(MemberScore(member.id, member.name, total, complete, excluded))
        counted = [s.total for s in member_scores if s.complete and not s.excluded]
        mean, trimmed = mean_score(counted, criteria_set.trim_extremes)
        computed = grade_for(mean, criteria_set.thresholds)
        override = overrides.get(model.id)
        grade = (override.grade if override and override.grade else computed)
        recognised = passes(grade, criteria_set.requires_grade, criteria_set.thresholds)
        if override and override.recognised is not None:
            recognised = override.recognised
        results.append(ModelResult(
            model_id=model.id, model_uuid=model.uuid, name=model.name, kind=model.kind, field=model.field,
            unit=model.unit, address=address.get(model.id, ""), scores=member_scores, members=len(counted),
            mean=mean, trimmed=trimmed, grade=grade, rank=None, spread=spread(counted), recognised=recognised,
            outstanding=bool(override and override.outstanding and recognised),
            override_reason=override.reason if override else "", computed_grade=computed))
    for kind in {r.kind for r in results}:
        same = [r for r in results if r.kind == kind]
        for result, rank in zip(same, ranks([r.mean for r in same])):
            result.rank = rank
    return results


def results(year: int) -> list[ModelResult]:
    """The frozen results of a locked decision, else the live ones; by field, then rank."""
    decision = Decision.get_or_none(Decision.year == year)
    if decision is not None and decision.locked:
        from .decision import results_from_snapshot
        return sort_for_lists(results_from_snapshot(json.loads(decision.snapshot)))
    return sort_for_lists(compute_results(year))


def sort_for_lists(items: list[ModelResult]) -> list[ModelResult]:
    """Fields in catalogue order, then kind, then rank, as the official lists group them."""
    from ..services.catalogues import list_items
    order = {f.name: i for i, f in enumerate(list_items("field", include_inactive=True))}
    return sorted(items, key=lambda r: (order.get(r.field, len(order)), r.kind != "tap_the",
                                        r.rank if r.rank is not None else 10**6, r.name))


def set_override(model_id: int, *, grade: str = "", recognised: bool | None = None, outstanding: bool = False,
                 reason: str) -> None:
    """A council decision against (or beyond) the computed result; it needs a written reason."""
    reason = clean(reason)
    year = MoHinh.get_by_id(model_id).year
    from .scoring import ensure_unlocked
    ensure_unlocked(year)
    if not grade and recognised is None and not outstanding:
        Override.delete().where(Override.model == model_id).execute()
        return
    if not reason:
        raise ValidationError("Lý do", "hội đồng quyết định khác kết quả chấm thì phải ghi rõ lý do.", key="reason")
    Override.insert(model=model_id, grade=clean(grade), recognised=recognised, outstanding=outstanding,
                    reason=reason).on_conflict_replace().execute()


def clear_override(model_id: int) -> None:
    Override.delete().where(Override.model == model_id).execute()
