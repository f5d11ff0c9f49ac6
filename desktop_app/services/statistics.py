"""Counts for one year: by field, kind, status and unit kind, and indicator totals by category."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from typing import Any, cast

import peewee as pw

from .. import domain
from ..appraisal.tables import Decision, Score
from ..storage.models import Field, Indicator, MoHinh, Unit, UnitKind
from . import settings
from .catalogues import list_items, unit_factor

NO_UNIT_KIND = "Chưa phân loại"
NO_FIELD = "Chưa có lĩnh vực"


@dataclass(frozen=True)
class IndicatorTotal:
    """What one indicator category adds up to for a year: ``total`` in the category's unit, over ``models``
    models (those with at least one indicator of the category that has an achieved value)."""

    category: str
    unit_of_measure: str
    total: float
    models: int


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
    # Category → total in its unit (the unit is in ``indicators``), every category shown, zeros included.
    indicator_totals: dict[str, float] = dc_field(default_factory=dict)
    indicators: list[IndicatorTotal] = dc_field(default_factory=list)

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
            "indicators": [asdict(item) for item in self.indicators],
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
    stats.indicators = indicator_totals(year)
    stats.indicator_totals = {item.category: item.total for item in stats.indicators}
    return stats


def indicator_totals(year: int, statuses: tuple[str, ...] | None = None) -> list[IndicatorTotal]:
    """Achieved values of the year's indicators added by category, like with like, in catalogue order.

    Every shown category has its line, zeros included; a hidden one only when something is filed under it.
    An indicator without a category is added to nothing: a cooperative's charter capital is not money
    mobilised just because both are in đồng.  Amounts in a multiple of the category's unit ("triệu đồng")
    are converted; one whose unit cannot be (the editor and the catalogue refuse to file it so) is left out.
    """
    query = (
        Indicator.select(Indicator.category, Indicator.unit_of_measure, Indicator.achieved, Indicator.model)
        .join(MoHinh)
        .where((MoHinh.year == year) & Indicator.achieved.is_null(False) & Indicator.category.is_null(False))
    )
    if statuses:
        query = query.where(MoHinh.status.in_(list(statuses)))
    categories = list_items("indicator_category", include_inactive=True)
    units = {item.id: item.unit_of_measure for item in categories}
    sums: dict[int, float] = defaultdict(float)
    models: dict[int, set[int]] = defaultdict(set)
    # peewee's stubs type .tuples() as the query itself
    for category_id, unit, achieved, model_id in cast("Iterable[tuple[int, str, float, int]]", query.tuples()):
        factor = unit_factor(unit, units.get(category_id, ""))
        if factor is None:
            continue
        sums[category_id] += achieved * factor
        models[category_id].add(model_id)
    # Rounded: 16,5 triệu × 1.000.000 is 16500000.000000002 in floating point, shown "16.500.000,00".
    return [
        IndicatorTotal(item.name, item.unit_of_measure, round(sums.get(item.id, 0.0), 6), len(models.get(item.id, ())))
        for item in categories
        if item.active or item.id in models
    ]


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
