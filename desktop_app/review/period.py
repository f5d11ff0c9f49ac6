"""The period review (tổng kết giai đoạn): every figure of a span of years, computed in SQL where it can be.

A province registers some 2,000 models a year, so counts and totals are SQL aggregates grouped by year, field,
kind and unit kind; only the recognised models (for runs of years) and the linked ones are read row by row.

"Registered" counts a year's models that were not withdrawn (Hủy đăng ký), as the year's statistics do;
"recognised" those whose status is Công nhận; the rate is recognised / registered (None when none registered).
Indicator totals add the achieved values by category like the year's statistics (services.statistics), so a
year's column here is the figure its statistics report printed.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, cast

import peewee as pw

from .. import domain
from ..appraisal.results import KIND_ORDER, results
from ..appraisal.tables import Decision, Score
from ..errors import ValidationError
from ..services.catalogues import list_items, unit_factor
from ..storage.models import Field, Indicator, MoHinh, Unit, UnitKind
from ..text import fold

NO_FIELD = "Chưa có lĩnh vực"
NO_UNIT_KIND = "Chưa phân loại"
TOP_OUTSTANDING = 10  # per kind
FIRST_YEAR, LAST_YEAR = 1990, 2100  # as a model's year may be


def rate(recognised: int, registered: int) -> float | None:
    return recognised / registered if registered else None


@dataclass(frozen=True)
class CountRow:
    """One year × field × kind × unit kind with models registered."""

    year: int
    field: str
    kind: str
    unit_kind: str
    registered: int
    recognised: int

    @property
    def rate(self) -> float | None:
        return rate(self.recognised, self.registered)


@dataclass(frozen=True)
class YearRow:
    year: int
    registered: int
    recognised: int

    @property
    def rate(self) -> float | None:
        return rate(self.recognised, self.registered)


@dataclass
class IndicatorRow:
    """An indicator category over the span: its total each year (every year of the span, zeros included)."""

    category: str
    unit_of_measure: str
    by_year: dict[int, float]
    total: float


@dataclass
class RepeatedModel:
    """A model recognised in consecutive years (its ``continues`` chain, or the same name and unit), named as
    in its latest year."""

    uuid: str
    name: str
    kind: str
    field: str
    unit: str
    years: list[int]
    uuids: list[str]  # the model of each year, in the order of ``years``


@dataclass
class SpreadModel:
    """A model of the span that continues or replicates an earlier one."""

    uuid: str
    name: str
    year: int
    unit: str
    status: str

    @property
    def recognised(self) -> bool:
        return self.status == domain.RECOGNISED


@dataclass
class LinkedModel:
    """A model kept up (duy trì) or spread (nhân rộng) by later models of the span, with the units they are in."""

    uuid: str
    name: str
    year: int
    kind: str
    field: str
    unit: str
    followers: list[SpreadModel]
    units: list[str]  # the followers' units, each once, in the order they came

    @property
    def other_units(self) -> list[str]:
        """The units it spread to beyond its own."""
        return [u for u in self.units if u != self.unit]


@dataclass
class OutstandingModel:
    uuid: str
    name: str
    year: int
    kind: str
    field: str
    unit: str
    mean: float
    grade: str
    outstanding: bool  # named «tiêu biểu» by the council


@dataclass
class PeriodReview:
    first_year: int
    last_year: int
    years: list[int]
    counts: list[CountRow]
    by_year: list[YearRow]
    indicator_totals: list[IndicatorRow]
    repeated: list[RepeatedModel]
    continued: list[LinkedModel]
    replicated: list[LinkedModel]
    units_without_model: list[str]
    outstanding: list[OutstandingModel]
    top: int = TOP_OUTSTANDING

    @property
    def registered(self) -> int:
        return sum(row.registered for row in self.by_year)

    @property
    def recognised(self) -> int:
        return sum(row.recognised for row in self.by_year)

    @property
    def rate(self) -> float | None:
        return rate(self.recognised, self.registered)

    @property
    def title_span(self) -> str:
        """ "2021 - 2025", or one year."""
        return str(self.first_year) if self.first_year == self.last_year else f"{self.first_year} - {self.last_year}"

    def counts_by(self, attribute: str) -> dict[str, YearRow]:
        """Registered and recognised over the whole span by ``field``, ``kind`` or ``unit_kind`` (year 0)."""
        registered: dict[str, int] = defaultdict(int)
        recognised: dict[str, int] = defaultdict(int)
        for row in self.counts:
            key = getattr(row, attribute)
            registered[key] += row.registered
            recognised[key] += row.recognised
        return {key: YearRow(0, registered[key], recognised[key]) for key in registered}

    def to_json(self) -> dict[str, Any]:
        def with_rate(row: CountRow | YearRow) -> dict[str, Any]:
            return {**asdict(row), "rate": row.rate}

        return {
            "first_year": self.first_year,
            "last_year": self.last_year,
            "years": self.years,
            "registered": self.registered,
            "recognised": self.recognised,
            "rate": self.rate,
            "by_year": [with_rate(r) for r in self.by_year],
            "counts": [with_rate(r) for r in self.counts],
            "indicator_totals": [
                {
                    "category": r.category,
                    "unit_of_measure": r.unit_of_measure,
                    "by_year": {str(y): v for y, v in r.by_year.items()},
                    "total": r.total,
                }
                for r in self.indicator_totals
            ],
            "repeated": [asdict(r) for r in self.repeated],
            "continued": [asdict(r) for r in self.continued],
            "replicated": [asdict(r) for r in self.replicated],
            "units_without_model": self.units_without_model,
            "outstanding": [asdict(r) for r in self.outstanding],
        }


# ----------------------------------------------------------------- the review


def check_span(first_year: int, last_year: int) -> None:
    for year in (first_year, last_year):
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError("Giai đoạn", f"năm phải từ {FIRST_YEAR} đến {LAST_YEAR}.", key="span")
    if first_year > last_year:
        raise ValidationError(
            "Giai đoạn", f"năm đầu ({first_year}) phải trước hoặc bằng năm cuối ({last_year}).", key="span"
        )


def review(first_year: int, last_year: int, *, top: int = TOP_OUTSTANDING) -> PeriodReview:
    """Every figure of the review of ``first_year`` to ``last_year`` (both included)."""
    check_span(first_year, last_year)
    years = list(range(first_year, last_year + 1))
    return PeriodReview(
        first_year=first_year,
        last_year=last_year,
        years=years,
        counts=_counts(first_year, last_year),
        by_year=_by_year(years),
        indicator_totals=_indicator_totals(years),
        repeated=_repeated(first_year, last_year),
        continued=_linked(MoHinh.continues, first_year, last_year),
        replicated=_linked(MoHinh.replicates, first_year, last_year),
        units_without_model=_units_without_model(first_year, last_year),
        outstanding=_outstanding(first_year, last_year, top),
        top=top,
    )


def _in_span(first_year: int, last_year: int) -> pw.Expression:
    return (MoHinh.year >= first_year) & (MoHinh.year <= last_year) & (MoHinh.status != domain.WITHDRAWN)


_RECOGNISED_SUM = pw.fn.SUM(pw.Case(None, [(MoHinh.status == domain.RECOGNISED, 1)], 0))


def _rows(query: pw.BaseQuery) -> Iterable[tuple[Any, ...]]:
    # peewee's stubs type .tuples() as the query itself.
    return cast("Iterable[tuple[Any, ...]]", query.tuples())


def _counts(first_year: int, last_year: int) -> list[CountRow]:
    field_order = pw.fn.coalesce(Field.sort_order, 10**6)
    kind_order = pw.fn.coalesce(UnitKind.sort_order, 10**6)
    query = (
        MoHinh.select(
            MoHinh.year,
            field_order,
            pw.fn.coalesce(Field.name, NO_FIELD),
            MoHinh.kind,
            kind_order,
            pw.fn.coalesce(UnitKind.name, NO_UNIT_KIND),
            pw.fn.COUNT(MoHinh.id),
            _RECOGNISED_SUM,
        )
        .join(Field, pw.JOIN.LEFT_OUTER, on=(MoHinh.field == Field.id))
        .switch(MoHinh)
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .join(UnitKind, pw.JOIN.LEFT_OUTER, on=(Unit.kind == UnitKind.id))
        .where(_in_span(first_year, last_year))
        .group_by(MoHinh.year, Field.id, MoHinh.kind, UnitKind.id)
    )
    found = [
        (year, f_order, field_name, kind, k_order, unit_kind, int(registered), int(recognised or 0))
        for year, f_order, field_name, kind, k_order, unit_kind, registered, recognised in _rows(query)
    ]
    kind_position = {code: i for i, code in enumerate(KIND_ORDER)}
    found.sort(key=lambda r: (r[0], r[1], r[2], kind_position.get(r[3], 9), r[4], r[5]))
    return [CountRow(r[0], r[2], r[3], r[5], r[6], r[7]) for r in found]


def _by_year(years: list[int]) -> list[YearRow]:
    query = (
        MoHinh.select(MoHinh.year, pw.fn.COUNT(MoHinh.id), _RECOGNISED_SUM)
        .where(_in_span(years[0], years[-1]))
        .group_by(MoHinh.year)
    )
    found = {year: (int(registered), int(recognised or 0)) for year, registered, recognised in _rows(query)}
    return [YearRow(year, *found.get(year, (0, 0))) for year in years]


def _indicator_totals(years: list[int]) -> list[IndicatorRow]:
    query = (
        Indicator.select(MoHinh.year, Indicator.category, Indicator.unit_of_measure, pw.fn.SUM(Indicator.achieved))
        .join(MoHinh)
        .where(
            (MoHinh.year >= years[0])
            & (MoHinh.year <= years[-1])
            & Indicator.achieved.is_null(False)
            & Indicator.category.is_null(False)
        )
        .group_by(MoHinh.year, Indicator.category, Indicator.unit_of_measure)
    )
    categories = list_items("indicator_category", include_inactive=True)
    units = {item.id: item.unit_of_measure for item in categories}
    sums: dict[int, dict[int, float]] = defaultdict(lambda: defaultdict(float))
    used: set[int] = set()
    for year, category_id, unit, total in _rows(query):
        # An amount in a multiple of the category's unit ("triệu đồng") is converted; one that cannot be is
        # left out, as the year's statistics leave it out.
        factor = unit_factor(unit, units.get(category_id, ""))
        if factor is None:
            continue
        sums[category_id][year] += float(total) * factor
        used.add(category_id)
    out = []
    for item in categories:
        if not item.active and item.id not in used:
            continue
        by_year = {year: round(sums[item.id].get(year, 0.0), 6) for year in years}
        out.append(IndicatorRow(item.name, item.unit_of_measure, by_year, round(sum(by_year.values()), 6)))
    return out


_YEAR_WORD = re.compile(r"\b(19|20)\d\d\b")


def name_key(name: str) -> str:
    """A model's name without the year it carries ("… năm 2023"): the same model in another year."""
    return " ".join(_YEAR_WORD.sub(" ", fold(name)).split())


def _repeated(first_year: int, last_year: int) -> list[RepeatedModel]:
    """Chains of recognised models one year apart, joined by ``continues`` or by the same name and unit."""
    query = (
        MoHinh.select(
            MoHinh.id,
            MoHinh.uuid,
            MoHinh.year,
            MoHinh.name,
            MoHinh.kind,
            MoHinh.unit,
            MoHinh.continues,
            pw.fn.coalesce(Field.name, NO_FIELD),
            pw.fn.coalesce(Unit.name, ""),
        )
        .join(Field, pw.JOIN.LEFT_OUTER, on=(MoHinh.field == Field.id))
        .switch(MoHinh)
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .where((MoHinh.year >= first_year) & (MoHinh.year <= last_year) & (MoHinh.status == domain.RECOGNISED))
        .order_by(MoHinh.year, MoHinh.id)
    )
    models = {row[0]: row for row in _rows(query)}
    by_name: dict[tuple[int, str, int | None], int] = {}
    for model_id, _, year, name, _, unit_id, _, _, _ in models.values():
        by_name.setdefault((year, name_key(name), unit_id), model_id)
    previous: dict[int, int] = {}
    for model_id, _, year, name, _, unit_id, continues_id, _, _ in models.values():
        linked = models.get(continues_id) if continues_id else None
        if linked is not None and linked[2] == year - 1:
            previous[model_id] = continues_id
        elif (found := by_name.get((year - 1, name_key(name), unit_id))) is not None:
            previous[model_id] = found
    has_next = set(previous.values())
    out = []
    for model_id in models:
        if model_id in has_next or model_id not in previous:
            continue  # not the end of a chain, or a chain of one year
        chain = [model_id]
        while chain[-1] in previous:
            chain.append(previous[chain[-1]])
        chain.reverse()
        _, uuid, _, name, kind, _, _, field_name, unit = models[model_id]
        out.append(
            RepeatedModel(
                uuid=uuid,
                name=name,
                kind=kind,
                field=field_name,
                unit=unit,
                years=[models[i][2] for i in chain],
                uuids=[models[i][1] for i in chain],
            )
        )
    out.sort(key=lambda r: (-len(r.years), r.years[0], fold(r.name)))
    return out


def _linked(link: pw.ForeignKeyField, first_year: int, last_year: int) -> list[LinkedModel]:
    """Earlier models that models of the span continue (``MoHinh.continues``) or replicate (``replicates``)."""
    source = MoHinh.alias("source")
    source_unit = Unit.alias("source_unit")
    source_field = Field.alias("source_field")
    query = (
        MoHinh.select(
            source.id,
            source.uuid,
            source.name,
            source.year,
            source.kind,
            pw.fn.coalesce(source_field.name, NO_FIELD),
            pw.fn.coalesce(source_unit.name, ""),
            MoHinh.uuid,
            MoHinh.name,
            MoHinh.year,
            pw.fn.coalesce(Unit.name, ""),
            MoHinh.status,
        )
        .join(source, on=(link == source.id))
        .join(source_unit, pw.JOIN.LEFT_OUTER, on=(source.unit == source_unit.id))
        .switch(source)
        .join(source_field, pw.JOIN.LEFT_OUTER, on=(source.field == source_field.id))
        .switch(MoHinh)
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .where(_in_span(first_year, last_year) & (source.year < MoHinh.year))
        .order_by(source.year, source.name_sort, source.id, MoHinh.year, MoHinh.name_sort, MoHinh.id)
    )
    found: dict[int, LinkedModel] = {}
    for s_id, s_uuid, s_name, s_year, s_kind, s_field, s_unit, uuid, name, year, unit, status in _rows(query):
        item = found.get(s_id)
        if item is None:
            item = found[s_id] = LinkedModel(s_uuid, s_name, s_year, s_kind, s_field, s_unit, [], [])
        item.followers.append(SpreadModel(uuid, name, year, unit, status))
        if unit not in item.units:
            item.units.append(unit)
    return list(found.values())


def _units_without_model(first_year: int, last_year: int) -> list[str]:
    with_model = MoHinh.select(MoHinh.unit).where(_in_span(first_year, last_year) & MoHinh.unit.is_null(False))
    query = Unit.select(Unit.name).where(Unit.active & Unit.id.not_in(with_model)).order_by(Unit.name_sort, Unit.id)
    return [str(name) for (name,) in _rows(query)]


def _outstanding(first_year: int, last_year: int, top: int) -> list[OutstandingModel]:
    """The recognised models with the best appraisal means over the span, ``top`` of each kind.

    Only the years that have scores (or a decision holding them) are read: a year's results come from
    appraisal.results, the frozen ones of a locked decision or those computed now.
    """
    scored = (
        MoHinh.select(MoHinh.year)
        .join(Score, on=(Score.model == MoHinh.id))
        .where((MoHinh.year >= first_year) & (MoHinh.year <= last_year))
        .distinct()
    )
    decided = Decision.select(Decision.year).where((Decision.year >= first_year) & (Decision.year <= last_year))
    years = sorted({int(y) for (y,) in _rows(scored)} | {int(y) for (y,) in _rows(decided)})
    if not years:
        return []
    recognised_query = MoHinh.select(MoHinh.uuid, MoHinh.year).where(
        MoHinh.year.in_(years) & (MoHinh.status == domain.RECOGNISED)
    )
    recognised = {str(uuid): int(year) for uuid, year in _rows(recognised_query)}
    found: list[OutstandingModel] = []
    for year in years:
        for r in results(year):
            if r.mean is None or recognised.get(r.model_uuid) != year:
                continue
            found.append(
                OutstandingModel(r.model_uuid, r.name, year, r.kind, r.field, r.unit, r.mean, r.grade, r.outstanding)
            )
    found.sort(key=lambda m: (-m.mean, -m.year, fold(m.name)))
    out: list[OutstandingModel] = []
    for kind in [*KIND_ORDER, *sorted({m.kind for m in found} - set(KIND_ORDER))]:
        out.extend([m for m in found if m.kind == kind][:top])
    return out
