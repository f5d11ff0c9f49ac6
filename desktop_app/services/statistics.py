"""Counts for one year: by field, kind, status and unit kind, and totals of the main indicators."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, cast

import peewee as pw

from .. import domain
from ..appraisal.tables import Decision, Score
from ..storage.models import Field, Indicator, MoHinh, Unit, UnitKind
from ..text import fold
from . import settings
from .catalogues import list_items

NO_UNIT_KIND = "Chưa phân loại"
NO_FIELD = "Chưa có lĩnh vực"
# Indicator units that reports total, by folded unit of measure.
MAIN_INDICATORS = {
    "dong": "Tiền vận động (đồng)",
    "ho": "Hộ được hỗ trợ",
    "nguoi": "Người tham gia",
    "luot nguoi": "Lượt người tham gia",
}


@dataclass
class YearStats:
    year: int
    total: int = 0
    by_field: dict[str, int] = dc_field(default_factory=dict)
    by_kind: dict[str, int] = dc_field(default_factory=dict)
    by_status: dict[str, int] = dc_field(default_factory=dict)
    by_unit_kind: dict[str, int] = dc_field(default_factory=dict)
    # (field, kind, status) -> count, for cross tables.
    cross: dict[tuple[str, str, str], int] = dc_field(default_factory=dict)
    # field -> {"registered": n, "recognised": n}
    field_outcome: dict[str, dict[str, int]] = dc_field(default_factory=dict)
    indicator_totals: dict[str, float] = dc_field(default_factory=dict)

    @property
    def recognised(self) -> int:
        return self.by_status.get(domain.RECOGNISED, 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "total": self.total,
            "by_field": self.by_field,
            "by_kind": self.by_kind,
            "by_status": self.by_status,
            "by_unit_kind": self.by_unit_kind,
            "indicator_totals": self.indicator_totals,
        }


def year_stats(year: int) -> YearStats:
    query = (
        MoHinh.select(MoHinh.kind, MoHinh.status, Field.name.alias("field_name"), UnitKind.name.alias("unit_kind_name"))
        .join(Field, pw.JOIN.LEFT_OUTER, on=(MoHinh.field == Field.id))
        .switch(MoHinh)
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .join(UnitKind, pw.JOIN.LEFT_OUTER, on=(Unit.kind == UnitKind.id))
        .where(MoHinh.year == year)
        .dicts()
    )
    rows = cast("Iterable[dict[str, Any]]", query)  # peewee's stubs type .dicts() as the query itself
    stats = YearStats(year)
    by_field: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    by_unit_kind: Counter[str] = Counter()
    cross: Counter[tuple[str, str, str]] = Counter()
    outcome: dict[str, dict[str, int]] = defaultdict(lambda: {"registered": 0, "recognised": 0})
    for row in rows:
        field = row["field_name"] or NO_FIELD
        stats.total += 1
        by_field[field] += 1
        by_kind[row["kind"]] += 1
        by_status[row["status"]] += 1
        by_unit_kind[row["unit_kind_name"] or NO_UNIT_KIND] += 1
        cross[(field, row["kind"], row["status"])] += 1
        if row["status"] != domain.WITHDRAWN:
            outcome[field]["registered"] += 1
        if row["status"] == domain.RECOGNISED:
            outcome[field]["recognised"] += 1
    # Catalogue order, with zeros, so every report shows every field and kind.
    for name in [f.name for f in list_items("field")] + sorted(set(by_field) - {f.name for f in list_items("field")}):
        stats.by_field[name] = by_field.get(name, 0)
        stats.field_outcome[name] = dict(outcome[name])
    stats.by_kind = {code: by_kind.get(code, 0) for code in domain.KINDS}
    stats.by_status = {code: by_status.get(code, 0) for code in domain.STATUSES}
    kinds = [k.name for k in list_items("unit_kind")]
    stats.by_unit_kind = {
        name: by_unit_kind[name] for name in kinds + sorted(set(by_unit_kind) - set(kinds)) if by_unit_kind.get(name)
    }
    stats.cross = dict(cross)
    stats.indicator_totals = indicator_totals(year)
    return stats


def indicator_totals(year: int, statuses: tuple[str, ...] | None = None) -> dict[str, float]:
    """Sum of achieved values of the main indicators (money, households, people) for a year."""
    query = (
        Indicator.select(Indicator.unit_of_measure, Indicator.achieved)
        .join(MoHinh)
        .where((MoHinh.year == year) & Indicator.achieved.is_null(False))
    )
    if statuses:
        query = query.where(MoHinh.status.in_(list(statuses)))
    totals: dict[str, float] = dict.fromkeys(MAIN_INDICATORS.values(), 0.0)
    for ind in query:
        label = MAIN_INDICATORS.get(fold(ind.unit_of_measure))
        if label:
            totals[label] += ind.achieved or 0.0  # never None: the query skips empty values
    return totals


@dataclass
class YearProgress:
    """How far the office has gone through the yearly cycle; the first screen ticks its steps from this."""

    year: int
    units: int = 0  # registering units in the catalogue (any year)
    models: int = 0  # models of the year, withdrawn ones included
    registered: int = 0  # models of the year still in the running (not withdrawn)
    scored: int = 0  # models of the year with at least one council member's score
    recognised: int = 0
    decision_issued: bool = False
    documents: int = 0  # documents of the year printed or saved (kinds, not copies)

    @property
    def is_empty(self) -> bool:
        """Nothing to show charts of yet: no units, or no model registered for the year."""
        return self.units == 0 or self.models == 0

    @property
    def units_done(self) -> bool:
        return self.units > 0

    @property
    def models_done(self) -> bool:
        return self.registered > 0

    @property
    def scoring_done(self) -> bool:
        return self.registered > 0 and self.scored >= self.registered

    @property
    def recognition_done(self) -> bool:
        return self.decision_issued or self.recognised > 0

    @property
    def reports_done(self) -> bool:
        return self.documents > 0


def _documents_key(year: int) -> str:
    return f"documents_produced.{year}"


def record_document(year: int, code: str) -> None:
    """Remember that a document of the year was printed or saved, so the first screen can tick its last step."""
    done = set(settings.get_value(_documents_key(year), []))
    if code not in done:
        settings.set_value(_documents_key(year), sorted(done | {code}))


def year_progress(year: int) -> YearProgress:
    models = MoHinh.select().where(MoHinh.year == year)
    scored = (
        Score.select(Score.model)
        .join(MoHinh)
        .where((MoHinh.year == year) & (MoHinh.status != domain.WITHDRAWN))
        .distinct()
    )
    return YearProgress(
        year=year,
        units=Unit.select().count(),
        models=models.count(),
        registered=models.where(MoHinh.status != domain.WITHDRAWN).count(),
        scored=scored.count(),
        recognised=models.where(MoHinh.status == domain.RECOGNISED).count(),
        decision_issued=Decision.select().where(Decision.year == year).exists(),
        documents=len(settings.get_value(_documents_key(year), [])),
    )
