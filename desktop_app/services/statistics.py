"""Counts for one year: by field, kind, status, unit kind and sending office, and indicator totals by category.

At an upper office the year holds the models its offices below sent (``MoHinh.source_office``) beside its own:
every count can be narrowed to some offices (ids of ``SourceOffice``, 0 = this office's own models) and the
year is also counted office by office.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from dataclasses import field as dc_field
from typing import Any, cast

import peewee as pw

from .. import domain
from ..appraisal.tables import Decision, Score
from ..storage.models import Field, Indicator, MoHinh, SourceOffice, Unit, UnitKind
from ..text import sort_key
from . import settings
from .catalogues import list_items, unit_factor
from .models import offices_condition

NO_UNIT_KIND = "Chưa phân loại"
NO_FIELD = "Chưa có lĩnh vực"
OWN_OFFICE = "Cơ quan mình (nhập trực tiếp)"
Offices = tuple[int, ...] | None  # SourceOffice ids, 0 = this office's own models; None = every model


@dataclass(frozen=True)
class IndicatorTotal:
    """What one indicator category adds up to for a year: ``total`` in the category's unit, over ``models``
    models (those with at least one indicator of the category that has an achieved value)."""

    category: str
    unit_of_measure: str
    total: float
    models: int


@dataclass
class OfficeStats:
    """One sending office's part of the year (``office_id`` 0: this office's own models)."""

    office_id: int
    name: str
    uuid: str = ""
    total: int = 0  # models of the year, withdrawn ones included
    registered: int = 0  # still in the running (not withdrawn)
    recognised: int = 0
    by_kind: dict[str, int] = dc_field(default_factory=dict)
    indicators: list[IndicatorTotal] = dc_field(default_factory=list)  # the categories it has a value of

    def to_json(self) -> dict[str, Any]:
        return {
            "office_id": self.office_id,
            "office": self.name,
            "uuid": self.uuid,
            "total": self.total,
            "registered": self.registered,
            "recognised": self.recognised,
            "by_kind": self.by_kind,
            "indicators": [asdict(item) for item in self.indicators],
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
    # Category → total in its unit (the unit is in ``indicators``), every category shown, zeros included.
    indicator_totals: dict[str, float] = dc_field(default_factory=dict)
    indicators: list[IndicatorTotal] = dc_field(default_factory=list)
    # Office by office, this office's own first: empty where no office below sends packages.
    by_office: list[OfficeStats] = dc_field(default_factory=list)

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
            "by_office": [item.to_json() for item in self.by_office],
        }


def year_stats(year: int, offices: Offices = None) -> YearStats:
    """The year's counts, of the models of ``offices`` only when given."""
    query = (
        MoHinh.select(
            MoHinh.kind,
            MoHinh.status,
            MoHinh.source_office,
            Field.name.alias("field_name"),
            UnitKind.name.alias("unit_kind_name"),
        )
        .join(Field, pw.JOIN.LEFT_OUTER, on=(MoHinh.field == Field.id))
        .switch(MoHinh)
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .join(UnitKind, pw.JOIN.LEFT_OUTER, on=(Unit.kind == UnitKind.id))
        .where(MoHinh.year == year)
    )
    if offices is not None:
        query = query.where(offices_condition(offices))
    rows = cast("Iterable[dict[str, Any]]", query.dicts())  # peewee's stubs type .dicts() as the query itself
    stats = YearStats(year)
    by_field: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    by_unit_kind: Counter[str] = Counter()
    cross: Counter[tuple[str, str, str]] = Counter()
    outcome: dict[str, dict[str, int]] = defaultdict(lambda: {"registered": 0, "recognised": 0})
    per_office: dict[int, OfficeStats] = {}
    for row in rows:
        office = per_office.setdefault(row["source_office"] or 0, OfficeStats(row["source_office"] or 0, ""))
        office.total += 1
        office.by_kind[row["kind"]] = office.by_kind.get(row["kind"], 0) + 1
        office.registered += row["status"] != domain.WITHDRAWN
        office.recognised += row["status"] == domain.RECOGNISED
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
    stats.indicators = indicator_totals(year, offices=offices)
    stats.indicator_totals = {item.category: item.total for item in stats.indicators}
    stats.by_office = _by_office(year, offices, per_office)
    return stats


def _by_office(year: int, offices: Offices, counted: dict[int, OfficeStats]) -> list[OfficeStats]:
    """Every office in scope, those that sent nothing this year too (with zeros), this office's own first.

    Nothing where no office below sends packages and no model came from one: one office is not a breakdown.
    """
    catalogue = {o.id: o for o in SourceOffice.select()}
    if not catalogue:
        return []
    wanted = set(catalogue) | {0} if offices is None else set(offices)
    # Offices deactivated, and this office itself, are listed only where they have models of the year.
    shown = [o for o in wanted if o in counted or (o in catalogue and catalogue[o].active)]
    sums = _indicator_sums(year, None, tuple(shown))
    out = []
    for office_id in shown:
        item = counted.get(office_id) or OfficeStats(office_id, "")
        source = catalogue.get(office_id)
        item.name = source.name if source else OWN_OFFICE
        item.uuid = source.uuid if source else ""
        item.by_kind = {code: item.by_kind.get(code, 0) for code in domain.KINDS}
        item.indicators = [line for line in _totals(sums.get(office_id, {})) if line.models]
        out.append(item)
    return sorted(out, key=lambda o: (o.office_id != 0, sort_key(o.name)))


def indicator_totals(
    year: int, statuses: tuple[str, ...] | None = None, offices: Offices = None
) -> list[IndicatorTotal]:
    """Achieved values of the year's indicators added by category, like with like, in catalogue order.

    Every shown category has its line, zeros included; a hidden one only when something is filed under it.
    An indicator without a category is added to nothing: a cooperative's charter capital is not money
    mobilised just because both are in đồng.  Amounts in a multiple of the category's unit ("triệu đồng")
    are converted; one whose unit cannot be (the editor and the catalogue refuse to file it so) is left out.
    """
    sums = _indicator_sums(year, statuses, offices, by_office=False)
    return _totals(sums.get(0, {}))


def indicator_totals_by_office(
    year: int, statuses: tuple[str, ...] | None = None, offices: Offices = None
) -> dict[int, list[IndicatorTotal]]:
    """Office id (0: this office's own) → its indicator totals, only the categories it gave a value of."""
    sums = _indicator_sums(year, statuses, offices)
    return {office: [line for line in _totals(by_category) if line.models] for office, by_category in sums.items()}


# category id → (sum in the category's unit, how many models gave a value)
_Sums = dict[int, tuple[float, int]]


def _indicator_sums(
    year: int, statuses: tuple[str, ...] | None, offices: Offices, *, by_office: bool = True
) -> dict[int, _Sums]:
    """Office id (0 for this office's own; everything under 0 when not ``by_office``) → its sums by category.

    Added up by SQL, one line per office, category and unit written: a year has tens of thousands of indicator
    rows but a handful of units per category, and each unit's factor is found once, not once per row.
    """
    condition = (MoHinh.year == year) & Indicator.achieved.is_null(False) & Indicator.category.is_null(False)
    if statuses:
        condition &= MoHinh.status.in_(list(statuses))
    if offices is not None:
        condition &= offices_condition(offices)
    office = pw.fn.coalesce(MoHinh.source_office, 0) if by_office else pw.Value(0)
    groups = [Indicator.category, Indicator.unit_of_measure, *([MoHinh.source_office] if by_office else [])]
    summed = (
        Indicator.select(office, Indicator.category, Indicator.unit_of_measure, pw.fn.SUM(Indicator.achieved))
        .join(MoHinh)
        .where(condition)
        .group_by(*groups)
        .tuples()
    )
    units = {item.id: item.unit_of_measure for item in list_items("indicator_category", include_inactive=True)}
    totals: dict[tuple[int, int], float] = defaultdict(float)
    refused: set[tuple[int, str]] = set()  # (category, unit) that cannot be added into the category's total
    for office_id, category_id, unit, total in cast("Iterable[tuple[int, int, str, float]]", summed):
        factor = unit_factor(unit, units.get(category_id, ""))
        if factor is None:
            refused.add((category_id, unit))
            continue
        totals[(office_id, category_id)] += total * factor
    for category_id, unit in refused:
        condition &= ~((Indicator.category == category_id) & (Indicator.unit_of_measure == unit))
    counted = (
        Indicator.select(office, Indicator.category, pw.fn.COUNT(Indicator.model.distinct()))
        .join(MoHinh)
        .where(condition)
        .group_by(Indicator.category, *([MoHinh.source_office] if by_office else []))
        .tuples()
    )
    out: dict[int, _Sums] = defaultdict(dict)
    for office_id, category_id, models in cast("Iterable[tuple[int, int, int]]", counted):
        out[office_id][category_id] = (totals[(office_id, category_id)], models)
    return out


def _totals(sums: _Sums) -> list[IndicatorTotal]:
    """Every shown category in catalogue order, zeros included; a hidden one only when something is filed under it."""
    # Rounded: 16,5 triệu × 1.000.000 is 16500000.000000002 in floating point, shown "16.500.000,00".
    return [
        IndicatorTotal(
            item.name,
            item.unit_of_measure,
            round(sums[item.id][0], 6) if item.id in sums else 0.0,
            sums[item.id][1] if item.id in sums else 0,
        )
        for item in list_items("indicator_category", include_inactive=True)
        if item.active or item.id in sums
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
