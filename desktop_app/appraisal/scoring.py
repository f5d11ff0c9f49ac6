"""Score sheets: one per member and model, validated cell by cell; a second keying to check paper ballots.

Score entry reads a member's whole grid and the council's progress often (after every reload), so both are a few
set-based queries whatever the number of models: one for the models, one for the member's scores, one grouped count
for progress.  Criteria come from the cache in :mod:`.criteria`.

Every sheet saved with different points is one history entry (kind ``score_sheet``): who keyed it, when, and its
points before and after, by criterion uuid.  The score audit annex is read from these entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

import peewee as pw

from .. import domain
from ..errors import AppError, ValidationError
from ..history import record
from ..office import decision_reference
from ..services.models import ModelFilter, ModelRow, list_models
from ..storage.database import transaction
from ..storage.models import Field, MoHinh, Unit, database_proxy, now
from .aggregate import check_points, sheet_total
from .council import conflicts, council_members, get_member
from .criteria import criteria_set_for
from .info import CriterionInfo, MemberInfo
from .tables import Criterion, Decision, Score

SCORED_STATUSES = (domain.REGISTERED, domain.IN_PROGRESS, domain.PROPOSED, domain.RECOGNISED, domain.NOT_RECOGNISED)

Sheet = dict[int, float | None]  # criterion id → points (None where not scored yet)


def models_to_score(year: int) -> list[ModelRow]:
    """Every model of the year that has not been withdrawn or returned."""
    return list_models(ModelFilter(year=year, statuses=SCORED_STATUSES), sort="field")


def locked_decision(year: int) -> Decision | None:
    decision = Decision.get_or_none(Decision.year == year)
    return decision if decision is not None and decision.locked else None


def locked_message(year: int, decision: Decision) -> str:
    return (
        f"Kết quả năm {year} đã được chốt theo Quyết định số {decision_reference(decision.number)}. "
        "Muốn sửa điểm, hãy mở khóa quyết định (ghi rõ lý do) ở màn hình Công nhận."
    )


def ensure_unlocked(year: int) -> None:
    decision = locked_decision(year)
    if decision is not None:
        raise AppError(locked_message(year, decision))


def sheet(year: int, member_id: int, model_id: int, keying: int = 1) -> Sheet:
    """Criterion id → points (None where not scored yet) for one member's sheet of one model."""
    model = MoHinh.get_by_id(model_id)
    criteria = criteria_set_for(year, model.kind, model.level_id).criteria
    rows = Score.select().where((Score.member == member_id) & (Score.model == model_id) & (Score.keying == keying))
    found = {r.criterion_id: r.points for r in rows}
    return {c.id: found.get(c.id) for c in criteria}


def member_sheets(year: int, member_id: int, keying: int = 1) -> dict[int, dict[int, float]]:
    """Model id → {criterion id: points} of every sheet the member has keyed in ``year``: one query."""
    found: dict[int, dict[int, float]] = {}
    query = (
        Score.select(Score.model, Score.criterion, Score.points)
        .join(MoHinh, on=(Score.model == MoHinh.id))
        .where((Score.member == member_id) & (Score.keying == keying) & (MoHinh.year == year))
    )
    for model_id, criterion_id, points in database_proxy.execute(query):  # raw rows: thousands, no conversion
        found.setdefault(model_id, {})[criterion_id] = points
    return found


def _clean_sheet(criteria: dict[int, CriterionInfo], values: Mapping[int, object]) -> dict[int, float]:
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
    return cleaned


def save_sheet(year: int, member_id: int, model_id: int, values: Mapping[int, object], keying: int = 1) -> None:
    """Validate every cell, then replace the sheet in one transaction (nothing saved if one cell is wrong)."""
    save_sheets(year, member_id, {model_id: values}, keying)


KEYING_NAMES = {1: "lần nhập 1", 2: "lần nhập 2"}


def sheet_label(member_name: str, model_name: str, keying: int) -> str:
    """How the history names a sheet: «Phiếu chấm của Trần Thị Hồng — Tổ hợp tác … (lần nhập 1)»."""
    return f"Phiếu chấm của {member_name} — {model_name} ({KEYING_NAMES.get(keying, f'lần nhập {keying}')})"


def sheet_record_uuid(member_uuid: str, model_uuid: str, keying: int) -> str:
    return f"{member_uuid}:{model_uuid}:{keying}"


def _sheet_snapshot(
    points: Mapping[int, float], uuids: Mapping[int, str], member_uuid: str, model_uuid: str, keying: int
) -> dict[str, Any]:
    return {
        "points": {uuids[criterion_id]: value for criterion_id, value in points.items()},
        "member": member_uuid,
        "model": model_uuid,
        "keying": keying,
    }


def _stored_points(member_id: int, keying: int, model_ids: list[int]) -> dict[int, dict[int, float]]:
    """Model id → {criterion id: points} of the member's sheets among ``model_ids``: one query for the lot (the
    grid saves after every cell, so this runs at typing speed)."""
    found: dict[int, dict[int, float]] = {}
    query = Score.select(Score.model, Score.criterion, Score.points).where(
        (Score.member == member_id) & (Score.keying == keying) & Score.model.in_(model_ids)
    )
    for model_id, criterion_id, points in database_proxy.execute(query):
        found.setdefault(model_id, {})[criterion_id] = points
    return found


def save_sheets(
    year: int, member_id: int, sheets: Mapping[int, Mapping[int, object]], keying: int = 1, *, merge: bool = False
) -> None:
    """Several of one member's sheets (a pasted block) validated, then replaced in one transaction.

    One history batch per call, one entry per sheet whose points changed; a sheet saved unchanged is left
    alone (and recorded nowhere).  With ``merge`` only the cells given change (None clears one) and the rest of
    each sheet stays as stored: see :func:`save_cells`.
    """
    ensure_unlocked(year)
    member = get_member(member_id)
    query = (
        MoHinh.select(MoHinh.id, MoHinh.kind, MoHinh.level, MoHinh.uuid, MoHinh.name, MoHinh.year)
        .where(MoHinh.id.in_(list(sheets)))
        .tuples()
    )
    # peewee's stubs type .tuples() as the query itself, whose rows would be MoHinh instances.
    rows = cast("Iterable[tuple[int, str, int | None, str, str, int]]", query)
    models = {row[0]: row for row in rows}
    cleaned: dict[int, dict[int, float]] = {}
    uuids: dict[int, str] = {}  # criterion id → uuid, for the history
    known: dict[int, set[int]] = {}  # model id → its criteria
    for model_id, values in sheets.items():
        if model_id not in models:
            raise AppError("Không tìm thấy mô hình, điển hình cần ghi điểm.")
        _id, kind, level_id, _uuid, _name, _year = models[model_id]
        criteria = {c.id: c for c in criteria_set_for(year, kind, level_id).criteria}
        uuids.update((c.id, c.uuid) for c in criteria.values())
        known[model_id] = set(criteria)
        cleaned[model_id] = _clean_sheet(criteria, values)
    stamp = now()
    with transaction():
        stored = _stored_points(member_id, keying, list(cleaned))
        if merge:  # the stored cells not given, as a whole sheet would carry them (a stray criterion dropped)
            for model_id, points in cleaned.items():
                kept = stored.get(model_id, {}).items()
                given = sheets[model_id]
                cleaned[model_id] = {c: p for c, p in kept if c in known[model_id] and c not in given} | points
        changed = [model_id for model_id, points in cleaned.items() if stored.get(model_id, {}) != points]
        if not changed:
            return
        # A stored point of a criterion no longer in the model's set (its kind changed since): named too.
        strays = {c for m in changed for c in stored.get(m, {}) if c not in uuids}
        if strays:
            found = Criterion.select(Criterion.id, Criterion.uuid).where(Criterion.id.in_(list(strays)))
            uuids.update(database_proxy.execute(found))
        if len(changed) == 1:
            label = "Nhập điểm: " + sheet_label(member.name, models[changed[0]][4], keying)
        else:
            label = f"Nhập điểm: {len(changed)} phiếu chấm của {member.name} ({KEYING_NAMES.get(keying, keying)})"
        with record.batch(label):
            for model_id in changed:
                old = stored.get(model_id, {})
                _replace_sheet(member, models[model_id], keying, old, cleaned[model_id], uuids, stamp)


def save_cells(year: int, member_id: int, cells: Mapping[int, Mapping[int, object]], keying: int = 1) -> None:
    """Some cells of a member's sheets (model id → {criterion id: points, None to clear}), the rest as stored.

    The score grid saves its typed cells in order on the database thread: each save is a change to what is stored
    when it runs, never the whole row as the grid showed it when the cell was typed, so a cell whose save failed
    cannot come back with the save of the next cell.
    """
    save_sheets(year, member_id, cells, keying, merge=True)


def _replace_sheet(
    member: MemberInfo,
    model: tuple[int, str, int | None, str, str, int],
    keying: int,
    old: dict[int, float],
    points: dict[int, float],
    uuids: Mapping[int, str],
    stamp: datetime,
) -> None:
    model_id, _kind, _level, model_uuid, model_name, model_year = model
    Score.delete().where((Score.member == member.id) & (Score.model == model_id) & (Score.keying == keying)).execute()
    if points:
        Score.insert_many(
            [
                {
                    "member": member.id,
                    "model": model_id,
                    "criterion": criterion_id,
                    "keying": keying,
                    "points": value,
                    "updated_at": stamp,
                }
                for criterion_id, value in points.items()
            ]
        ).execute()
    before = _sheet_snapshot(old, uuids, member.uuid, model_uuid, keying) if old else None
    after = _sheet_snapshot(points, uuids, member.uuid, model_uuid, keying) if points else None
    record.entry(
        "score_sheet",
        "create" if before is None else "delete" if after is None else "update",
        sheet_record_uuid(member.uuid, model_uuid, keying),
        sheet_label(member.name, model_name, keying),
        before,
        after,
        model_uuid=model_uuid,
        year=model_year,
    )


def compare_keyings(year: int, member_id: int, model_id: int) -> list[int]:
    """Criteria whose second keying differs from the first (an empty second keying differs nowhere)."""
    first, second = sheet(year, member_id, model_id, 1), sheet(year, member_id, model_id, 2)
    if all(v is None for v in second.values()):
        return []
    return [cid for cid in first if first[cid] != second.get(cid)]


ACCEPT_SECOND_LABEL = "Lấy điểm lần nhập 2 làm phiếu chính"


def accept_second_keying(year: int, member_id: int, model_id: int) -> None:
    """The paper was re-read: make the second keying the sheet of record (a history entry of the first keying's
    sheet, in a batch that says where its points came from)."""
    ensure_unlocked(year)
    member = get_member(member_id)
    model = MoHinh.get_by_id(model_id)
    with record.batch(f"{ACCEPT_SECOND_LABEL}: {member.name} — {model.name}"):
        second = sheet(year, member_id, model_id, 2)
        save_sheet(year, member_id, model_id, second, keying=1)


# ----------------------------------------------------------------- one member's grid


@dataclass(frozen=True)
class GridModel:
    """A row of the score entry grid: just what it shows (a full ModelRow per model costs a five-table join)."""

    id: int
    name: str
    unit: str
    field_id: int | None


@dataclass
class MemberGrid:
    """What the score entry grid shows for one member, one kind and one keying."""

    criteria: list[CriterionInfo]
    models: list[GridModel]
    excluded: set[int]  # model ids the member abstains on (conflict of interest)
    values: list[Sheet]  # per model, this keying
    first: list[Sheet] = field(default_factory=list)  # per model, the first keying (second keying only)
    locked_reason: str = ""  # non-empty when a locked decision forbids changing scores


def member_grid(year: int, member_id: int, kind: str, keying: int = 1) -> MemberGrid:
    """The member's models of ``kind`` with their sheets: a handful of queries, none per model."""
    criteria = criteria_set_for(year, kind).criteria
    member = get_member(member_id)
    # The order of models_to_score (field, then Vietnamese name order), the member's fields as assigned_model_ids.
    query = (
        MoHinh.select(MoHinh.id, MoHinh.name, Unit.name, MoHinh.field)
        .join(Field, pw.JOIN.LEFT_OUTER, on=(MoHinh.field == Field.id))
        .switch(MoHinh)
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .where((MoHinh.year == year) & (MoHinh.kind == kind) & MoHinh.status.in_(list(SCORED_STATUSES)))
        .order_by(Field.sort_order, MoHinh.name_sort, MoHinh.id)
    )
    fields = set(member.field_ids)
    models = [
        GridModel(model_id, name, unit or "", field_id)
        for model_id, name, unit, field_id in database_proxy.execute(query)
        if not fields or field_id in fields
    ]
    abstain = conflicts(year)
    excluded = {m.id for m in models if (member_id, m.id) in abstain}

    def sheets_of(keyed: dict[int, dict[int, float]]) -> list[Sheet]:
        return [{c.id: keyed.get(m.id, {}).get(c.id) for c in criteria} for m in models]

    values = sheets_of(member_sheets(year, member_id, keying))
    first = sheets_of(member_sheets(year, member_id, 1)) if keying == 2 else []
    decision = locked_decision(year)
    return MemberGrid(
        criteria, models, excluded, values, first, locked_message(year, decision) if decision is not None else ""
    )


# ----------------------------------------------------------------- progress


@dataclass(frozen=True)
class Progress:
    member_done: int
    member_expected: int
    council_done: int
    council_expected: int


def _counts(year: int, members: list[MemberInfo]) -> dict[int, tuple[int, int]]:
    """Member id → (complete sheets, expected sheets) of the first keying.

    One query for the models, one for conflicts and one grouped count of scores per (member, model, criteria set):
    a sheet is complete when it has points for every criterion of the model's own set.
    """
    models = list(
        database_proxy.execute(
            MoHinh.select(MoHinh.id, MoHinh.kind, MoHinh.level, MoHinh.field).where(
                (MoHinh.year == year) & MoHinh.status.in_(list(SCORED_STATUSES))
            )
        )
    )
    sets: dict[tuple[str, int | None], tuple[int, int]] = {}
    model_set: dict[int, tuple[int, int]] = {}  # model id → (criteria set id, number of criteria)
    for model_id, kind, level_id, _field in models:
        if (kind, level_id) not in sets:
            info = criteria_set_for(year, kind, level_id)
            sets[(kind, level_id)] = (info.id, len(info.criteria))
        model_set[model_id] = sets[(kind, level_id)]
    abstain = conflicts(year)
    member_ids = [m.id for m in members]
    complete: set[tuple[int, int]] = set()
    if member_ids and models:
        query = (
            Score.select(Score.member, Score.model, Criterion.criteria_set, pw.fn.COUNT(Score.id))
            .join(Criterion, on=(Score.criterion == Criterion.id))
            .switch(Score)
            .join(MoHinh, on=(Score.model == MoHinh.id))
            .where((Score.keying == 1) & (MoHinh.year == year) & Score.member.in_(member_ids))
            .group_by(Score.member, Score.model, Criterion.criteria_set)
        )
        for member_id, model_id, set_id, count in database_proxy.execute(query):
            wanted = model_set.get(model_id)
            if wanted is not None and wanted[1] > 0 and wanted == (set_id, count):
                complete.add((member_id, model_id))
    result: dict[int, tuple[int, int]] = {}
    for member in members:
        fields = set(member.field_ids)
        done = expected = 0
        for model_id, _kind, _level, field_id in models:
            if (fields and field_id not in fields) or (member.id, model_id) in abstain:
                continue
            expected += 1
            done += (member.id, model_id) in complete
        result[member.id] = (done, expected)
    return result


def progress(year: int) -> tuple[int, int]:
    """(complete sheets, expected sheets) over every member, their models, less conflicts."""
    counts = _counts(year, council_members(year)).values()
    return sum(c[0] for c in counts), sum(c[1] for c in counts)


def member_progress(year: int, member_id: int) -> tuple[int, int]:
    return _counts(year, [get_member(member_id)])[member_id]


def progress_summary(year: int, member_id: int | None) -> Progress:
    """The member's and the whole council's progress from the same few queries (what score entry shows)."""
    counts = _counts(year, council_members(year))
    member = counts.get(member_id, (0, 0)) if member_id is not None else (0, 0)
    return Progress(member[0], member[1], sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values()))


def sheet_complete(values: Sheet) -> bool:
    """Every criterion of the sheet has points (what progress counts)."""
    return sheet_total(values, list(values))[1]
