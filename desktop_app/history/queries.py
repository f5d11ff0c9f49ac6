"""Reading the history: filtered, newest first, a page at a time (the office's history may hold 100,000 entries)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import peewee as pw

from ..text import fold
from . import kinds, record
from .tables import Change, ChangeBatch


@dataclass(frozen=True)
class HistoryFilter:
    since: date | None = None  # from this day, inclusive
    until: date | None = None  # to this day, inclusive
    kinds: tuple[str, ...] = ()  # kinds.KINDS codes; empty = all
    actions: tuple[str, ...] = ()  # record.ACTIONS codes; empty = all
    text: str = ""  # words of the record's name, the user or the action's label; diacritics and case ignored
    model_uuid: str | None = None  # a model's own history: its changes, its score sheets, its overrides
    record_uuid: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class HistoryEntry:
    id: int
    batch_id: int
    time: datetime
    user: str
    batch_label: str
    kind: str
    action: str
    record_uuid: str
    label: str
    model_uuid: str | None
    year: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undone: bool  # its batch was taken back since (Hoàn tác)

    @property
    def kind_label(self) -> str:
        return kinds.KINDS[self.kind].label

    @property
    def action_label(self) -> str:
        return record.ACTIONS[self.action]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time.isoformat(sep=" "),
            "user": self.user,
            "action": self.action,
            "record": self.kind,
            "label": self.label,
            "uuid": self.record_uuid,
            "model_uuid": self.model_uuid,
            "batch": self.batch_id,
            "batch_label": self.batch_label,
            "before": self.before,
            "after": self.after,
        }


def _where(flt: HistoryFilter) -> list[pw.Expression]:
    conditions: list[pw.Expression] = []
    if flt.since:
        conditions.append(ChangeBatch.at >= datetime.combine(flt.since, time.min))
    if flt.until:
        conditions.append(ChangeBatch.at < datetime.combine(flt.until + timedelta(days=1), time.min))
    if flt.kinds:
        conditions.append(Change.kind.in_(list(flt.kinds)))
    if flt.actions:
        conditions.append(Change.action.in_(list(flt.actions)))
    if flt.model_uuid:
        conditions.append(Change.model_uuid == flt.model_uuid)
    if flt.record_uuid:
        conditions.append(Change.record_uuid == flt.record_uuid)
    if flt.year:
        conditions.append(Change.year == flt.year)
    for word in fold(flt.text).split():
        conditions.append(pw.fn.instr(Change.search_fold, word) > 0)  # not LIKE: nothing typed is a wildcard
    return conditions


def _query(flt: HistoryFilter) -> pw.ModelSelect[Change]:
    query = Change.select(Change, ChangeBatch).join(ChangeBatch)
    conditions = _where(flt)
    return query.where(*conditions) if conditions else query


def entries(flt: HistoryFilter | None = None, *, limit: int = 200, before_id: int | None = None) -> list[HistoryEntry]:
    """The newest ``limit`` entries matching ``flt`` older than entry ``before_id`` (the next page)."""
    query = _query(flt or HistoryFilter())
    if before_id is not None:
        query = query.where(Change.id < before_id)
    return [_entry(row) for row in query.order_by(Change.id.desc()).limit(limit)]


def count(flt: HistoryFilter | None = None) -> int:
    return int(_query(flt or HistoryFilter()).count())


def _entry(row: Change) -> HistoryEntry:
    batch = row.batch
    return HistoryEntry(
        id=row.id,
        batch_id=batch.id,
        time=batch.at,
        user=batch.user,
        batch_label=batch.label,
        kind=row.kind,
        action=row.action,
        record_uuid=row.record_uuid,
        label=row.label,
        model_uuid=row.model_uuid,
        year=row.year,
        before=record.load(row.before),
        after=record.load(row.after),
        undone=batch.undone_by is not None,
    )


def walk(flt: HistoryFilter | None = None, *, page: int = 1000) -> Iterator[list[HistoryEntry]]:
    """Every entry matching ``flt``, newest first, a page at a time (an export of the whole history)."""
    before_id: int | None = None
    while True:
        found = entries(flt, limit=page, before_id=before_id)
        if found:
            yield found
        if len(found) < page:
            return
        before_id = found[-1].id
