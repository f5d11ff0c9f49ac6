"""Each model's result: members' totals, mean, grade, rank, spread, council overrides.

Ranks are counted separately for each kind: collective models (tập thể) compete with collective models and
individual exemplars (cá nhân) with individual exemplars, so a year has a "Hạng 1" of each kind.  Every list that
shows ranks therefore shows the two kinds in separate sections (:func:`by_kind`).
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import peewee as pw

from .. import domain
from ..errors import ValidationError
from ..history import kinds, record
from ..services.catalogues import list_items
from ..storage.database import transaction
from ..storage.models import Field, MoHinh, Unit, database_proxy, now
from ..text import clean
from .aggregate import grade_for, mean_score, passes, ranks, sheet_total, spread
from .council import conflicts, council_members
from .criteria import criteria_set_for
from .info import CriteriaSetInfo, MemberScore, ModelResult
from .scoring import SCORED_STATUSES, ensure_unlocked
from .tables import Decision, Override, Score

# Collective models first, as every official list and report orders them.
KIND_ORDER = (domain.KIND_COLLECTIVE, domain.KIND_INDIVIDUAL)


class _Model(NamedTuple):
    """What a result needs of a model (a row of :func:`_models_of_year`)."""

    id: int
    uuid: str
    name: str
    kind: str
    field_id: int | None
    field: str
    level_id: int | None
    unit: str
    address: str


def _models_of_year(year: int) -> list[_Model]:
    """The year's models to score in the order of :func:`.scoring.models_to_score` (field, then Vietnamese name
    order), with only what a result shows: one query of raw rows, not a five-table join built into objects."""
    query = (
        MoHinh.select(
            MoHinh.id,
            MoHinh.uuid,
            MoHinh.name,
            MoHinh.kind,
            MoHinh.field,
            pw.fn.coalesce(Field.name, ""),
            MoHinh.level,
            pw.fn.coalesce(Unit.name, ""),
            MoHinh.address,
        )
        .join(Field, pw.JOIN.LEFT_OUTER, on=(MoHinh.field == Field.id))
        .switch(MoHinh)
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .where((MoHinh.year == year) & MoHinh.status.in_(list(SCORED_STATUSES)))
        .order_by(Field.sort_order, MoHinh.name_sort, MoHinh.id)
    )
    return [_Model(*row) for row in database_proxy.execute(query)]


def compute_results(year: int) -> list[ModelResult]:
    """Results computed from the scores as they are now, ranked within each kind.

    A fixed number of queries whatever the number of models (a province scores thousands a year): the models,
    the council, its conflicts, every score of the year, the overrides, and each (kind, level) set once.
    """
    models = _models_of_year(year)
    members = council_members(year)
    abstain = conflicts(year)
    # A member with fields scores only the models of those fields (as assigned_model_ids), decided here in
    # Python rather than by one query per member.
    member_fields = {member.id: set(member.field_ids) for member in members}
    # Every first-keying cell of the year in one query of raw rows, rather than one query per model or sheet.
    scores: dict[tuple[int, int], dict[int, float]] = {}
    query = (
        Score.select(Score.member, Score.model, Score.criterion, Score.points)
        .join(MoHinh, on=(Score.model == MoHinh.id))
        .where((MoHinh.year == year) & (Score.keying == 1))
    )
    for member_id, model_id, criterion_id, points in database_proxy.execute(query):
        scores.setdefault((member_id, model_id), {})[criterion_id] = points
    overrides = {
        o.model_id: o
        for o in Override.select().join(MoHinh, on=(Override.model == MoHinh.id)).where(MoHinh.year == year)
    }
    # A year has one set per kind (and perhaps per level): look each up once, not once per model.
    sets: dict[tuple[str, int | None], tuple[CriteriaSetInfo, list[int]]] = {}
    unscored = (None, False)  # what sheet_total gives a sheet with no points at all
    results: list[ModelResult] = []
    for model in models:
        key = (model.kind, model.level_id)
        if key not in sets:
            found = criteria_set_for(year, model.kind, model.level_id)
            sets[key] = (found, [c.id for c in found.criteria])
        criteria_set, criteria_ids = sets[key]
        member_scores = []
        for member in members:
            fields = member_fields[member.id]
            if fields and model.field_id not in fields:
                continue
            excluded = (member.id, model.id) in abstain
            sheet = scores.get((member.id, model.id))
            total, complete = sheet_total(sheet, criteria_ids) if sheet else unscored
            member_scores.append(MemberScore(member.id, member.name, total, complete, excluded))
        counted = [s.total for s in member_scores if s.complete and not s.excluded and s.total is not None]
        mean, trimmed = mean_score(counted, criteria_set.trim_extremes)
        computed = grade_for(mean, criteria_set.thresholds)
        override = overrides.get(model.id)
        grade = override.grade if override and override.grade else computed
        recognised = passes(grade, criteria_set.requires_grade, criteria_set.thresholds)
        if override and override.recognised is not None:
            recognised = override.recognised
        results.append(
            ModelResult(
                model_id=model.id,
                model_uuid=model.uuid,
                name=model.name,
                kind=model.kind,
                field=model.field,
                unit=model.unit,
                address=model.address,
                scores=member_scores,
                members=len(counted),
                mean=mean,
                trimmed=trimmed,
                grade=grade,
                rank=None,
                spread=spread(counted),
                recognised=recognised,
                outstanding=bool(override and override.outstanding and recognised),
                override_reason=override.reason if override else "",
                computed_grade=computed,
            )
        )
    rank_within_kind(results)
    return results


def rank_within_kind(items: list[ModelResult]) -> None:
    """Set ``rank`` by mean, competition style (1, 2, 2, 4), separately for each kind."""
    for kind in {r.kind for r in items}:
        same_kind = [r for r in items if r.kind == kind]
        for result, rank in zip(same_kind, ranks([r.mean for r in same_kind])):
            result.rank = rank


def results_from_snapshot(snapshot: dict[str, Any]) -> list[ModelResult]:
    """The results frozen with a decision, less the models deleted since.

    The snapshot keeps the scores as signed, but a model the office has since deleted is no longer one of its
    models: counting it would show one model more on every screen and list than the office has.
    """
    items = [dict(item) for item in snapshot.get("results", [])]
    uuids = [item.get("model_uuid") for item in items]
    existing: set[str] = set()
    for start in range(0, len(uuids), 500):  # below SQLite's limit on query parameters, however old
        chunk = uuids[start : start + 500]
        existing.update(row.uuid for row in MoHinh.select(MoHinh.uuid).where(MoHinh.uuid.in_(chunk)))
    out = []
    for item in items:
        if item.get("model_uuid") not in existing:
            continue
        scores = [MemberScore(**s) for s in item.pop("scores", [])]
        out.append(ModelResult(scores=scores, **item))
    return out


def results(year: int) -> list[ModelResult]:
    """The frozen results of a locked decision, else the live ones; by field, then rank."""
    decision = Decision.get_or_none(Decision.year == year)
    if decision is not None and decision.locked:
        return sort_for_lists(results_from_snapshot(json.loads(decision.snapshot)))
    return sort_for_lists(compute_results(year))


def sort_for_lists(items: list[ModelResult]) -> list[ModelResult]:
    """Fields in catalogue order, then kind, then rank, as the official lists group them."""
    order = {f.name: i for i, f in enumerate(list_items("field", include_inactive=True))}
    return sorted(
        items,
        key=lambda r: (
            order.get(r.field, len(order)),
            _kind_position(r.kind),
            r.rank if r.rank is not None else 10**6,
            r.name,
        ),
    )


def by_kind(items: list[ModelResult]) -> list[tuple[str, list[ModelResult]]]:
    """(kind code, its results best rank first): one section per kind present, collective first.

    Lists that show ranks use these sections so that each "Hạng 1" sits under its own kind.  Within a kind the
    order of ``items`` is kept among equal ranks (unranked results last).
    """
    kinds = sorted({r.kind for r in items}, key=_kind_position)
    return [
        (kind, sorted((r for r in items if r.kind == kind), key=lambda r: r.rank if r.rank is not None else 10**6))
        for kind in kinds
    ]


KIND_TITLES = {domain.KIND_COLLECTIVE: "Mô hình tập thể", domain.KIND_INDIVIDUAL: "Điển hình cá nhân"}


def kind_title(kind: str) -> str:
    """ "Mô hình tập thể" / "Điển hình cá nhân": the heading of a kind's section."""
    return KIND_TITLES.get(kind, domain.KINDS.get(kind, kind))


def _kind_position(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _override_entry(model: MoHinh, action: str, before: kinds.Snapshot | None, after: kinds.Snapshot | None) -> None:
    """The override's history entry, found by its model's uuid and filed under the model's year (an override
    has no year of its own, and the year's history must show it)."""
    record.entry("override", action, model.uuid, model.name, before, after, model_uuid=model.uuid, year=model.year)


def _remove_override(model: MoHinh) -> None:
    existing = Override.get_or_none(Override.model == model.id)
    if existing is not None:
        _override_entry(model, "delete", kinds.snapshot(existing), None)
        existing.delete_instance()


@transaction()
def set_override(
    model_id: int, *, grade: str = "", recognised: bool | None = None, outstanding: bool = False, reason: str
) -> None:
    """A council decision against (or beyond) the computed result; it needs a written reason."""
    reason = clean(reason)
    model = MoHinh.get_by_id(model_id)
    ensure_unlocked(model.year)
    if not grade and recognised is None and not outstanding:
        _remove_override(model)
        return
    if not reason:
        raise ValidationError("Lý do", "hội đồng quyết định khác kết quả chấm thì phải ghi rõ lý do.", key="reason")
    values = {"grade": clean(grade), "recognised": recognised, "outstanding": outstanding, "reason": reason}
    existing = Override.get_or_none(Override.model == model_id)
    if existing is None:
        _override_entry(model, "create", None, kinds.snapshot(Override.create(model=model_id, **values)))
        return
    if all(getattr(existing, key) == value for key, value in values.items()):
        return  # the same decision saved again: nothing changed, nothing to record
    before = kinds.snapshot(existing)
    for key, value in values.items():
        setattr(existing, key, value)
    existing.at = now()
    existing.save()
    old, new = kinds.changed(before, kinds.snapshot(existing))
    _override_entry(model, "update", old, new)


@transaction()
def clear_override(model_id: int) -> None:
    """Back to the computed result; refused, like every change of a result, once the decision is locked."""
    row = MoHinh.get_or_none(MoHinh.id == model_id)
    if row is None:
        return
    ensure_unlocked(row.year)
    _remove_override(row)
