"""Fields, levels, unit kinds and indicator categories: small editable catalogues matched by folded name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import peewee as pw

from ..appraisal.criteria import invalidate_cache
from ..errors import AppError, NotFoundError, ValidationError
from ..history import kinds, record
from ..resources import load_json
from ..storage.database import transaction
from ..storage.models import CatalogueModel, Field, Indicator, IndicatorCategory, Level, MoHinh, Unit, UnitKind
from ..text import clean, fold, sort_key

CATALOGUES: dict[str, tuple[type[CatalogueModel], str]] = {
    "field": (Field, "Lĩnh vực"),
    "level": (Level, "Cấp"),
    "unit_kind": (UnitKind, "Loại đơn vị"),
    "indicator_category": (IndicatorCategory, "Loại chỉ tiêu"),
}
# Catalogues whose items carry the unit their totals are given in.
WITH_UNIT = frozenset({"indicator_category"})
UNIT_LABEL = "Đơn vị tính"


@dataclass(frozen=True)
class CatalogueItem:
    id: int
    uuid: str
    name: str
    sort_order: int
    active: bool
    unit_of_measure: str = ""  # indicator categories only: the unit their total is given in


def _table(catalogue: str) -> tuple[type[CatalogueModel], str]:
    try:
        return CATALOGUES[catalogue]
    except KeyError:
        raise ValueError(f"unknown catalogue {catalogue!r}") from None


def _item(row: CatalogueModel) -> CatalogueItem:
    unit = row.unit_of_measure if isinstance(row, IndicatorCategory) else ""
    return CatalogueItem(row.id, row.uuid, row.name, row.sort_order, row.active, unit)


def has_unit(catalogue: str) -> bool:
    """True when the catalogue's items carry a unit of measure (indicator categories)."""
    _table(catalogue)
    return catalogue in WITH_UNIT


def list_items(catalogue: str, *, include_inactive: bool = False) -> list[CatalogueItem]:
    table, _ = _table(catalogue)
    query = table.select()
    if not include_inactive:
        query = query.where(table.active == True)  # noqa: E712
    rows = sorted(query, key=lambda r: (r.sort_order, sort_key(r.name)))
    return [_item(r) for r in rows]


def find(catalogue: str, name: str) -> CatalogueItem | None:
    """Match by folded key: "VĂN HOÁ - XÃ HỘI" finds "Văn hóa - xã hội"."""
    table, _ = _table(catalogue)
    key = fold(name)
    if not key:
        return None
    row = table.get_or_none(table.name_fold == key)
    return _item(row) if row else None


def match(catalogue: str, text: str) -> CatalogueItem:
    """The item a person means by ``text`` (command line): the same folded name, else the only shown
    item whose name contains it ("doan the" → "Mặt trận và đoàn thể").  Otherwise refused, listing
    the shown names so the next attempt can be right."""
    _, label = _table(catalogue)
    exact = find(catalogue, text)
    if exact is not None:
        return exact
    shown = list_items(catalogue)
    key = fold(text)
    partial = [item for item in shown if key and key in fold(item.name)]
    if len(partial) == 1:
        return partial[0]
    choices = "; ".join(item.name for item in (partial or shown))
    problem = "khớp với nhiều mục" if partial else "không có trong danh mục"
    raise ValidationError(label, f"«{clean(text)}» {problem}. Chọn một trong: {choices}.", key=catalogue)


def get(catalogue: str, item_id: int) -> CatalogueItem:
    table, label = _table(catalogue)
    row = table.get_or_none(table.id == item_id)
    if row is None:
        raise NotFoundError(f"Không tìm thấy mục {label.lower()} đã chọn (có thể đã bị xóa).")
    return _item(row)


def _check_name(catalogue: str, name: str, exclude_id: int | None = None) -> str:
    table, label = _table(catalogue)
    return unique_name(table, label, name, exclude_id)


def unique_name(table: type[CatalogueModel], label: str, name: str, exclude_id: int | None = None) -> str:
    """``name`` cleaned, refused when empty or already in ``table`` (diacritics and case ignored)."""
    name = clean(name)
    if not name:
        raise ValidationError(label, "tên không được để trống.", key="name")
    clash = table.select().where(table.name_fold == fold(name))
    if exclude_id is not None:
        clash = clash.where(table.id != exclude_id)
    if clash.exists():
        raise ValidationError(label, f"«{name}» đã có trong danh mục.", key="name")
    return name


# ----------------------------------------------------------------- units of indicator categories
# A category's total is given in one unit.  An indicator may be written in a multiple of it ("620 triệu đồng"
# for a category counted in đồng, converted when added) or in a word for the same thing ("học sinh", "trẻ" are
# people; a person who took part is one participation).  Anything else (households are not people) is refused.
_SCALES: dict[str, tuple[tuple[str, float], ...]] = {
    "đồng": (
        ("nghìn đồng", 1e3),
        ("triệu đồng", 1e6),
        ("tỷ đồng", 1e9),
        ("ngàn đồng", 1e3),
        ("tỉ đồng", 1e9),
        ("đ", 1.0),
        ("VNĐ", 1.0),
    ),
    "m²": (("ha", 1e4), ("m2", 1.0), ("mét vuông", 1.0), ("hecta", 1e4)),
    "hộ": (("hộ gia đình", 1.0), ("gia đình", 1.0), ("hộ dân", 1.0)),
    "người": (
        ("hội viên", 1.0),
        ("đoàn viên", 1.0),
        ("thành viên", 1.0),
        ("học sinh", 1.0),
        ("trẻ", 1.0),
        ("trẻ em", 1.0),
        ("em", 1.0),
        ("cháu", 1.0),
        ("lao động", 1.0),
        ("người dân", 1.0),
        ("công dân", 1.0),
    ),
    "lượt người": (("lượt", 1.0), ("người", 1.0), ("hội viên", 1.0), ("đoàn viên", 1.0), ("lượt hội viên", 1.0)),
}


@lru_cache(maxsize=1024)  # checked for every indicator amount (an import: tens of thousands), few distinct units
def unit_key(unit_of_measure: str) -> str:
    """The unit as compared: folded, "m²" written "m2"."""
    return fold(unit_of_measure).replace("²", "2")


_FACTORS: dict[str, dict[str, float]] = {
    unit_key(target): {unit_key(unit): factor for unit, factor in units} for target, units in _SCALES.items()
}


def unit_factor(unit_of_measure: str, category_unit: str) -> float | None:
    """What an amount in ``unit_of_measure`` is multiplied by to be counted in ``category_unit``;
    None when the two do not measure the same thing."""
    key, target = unit_key(unit_of_measure), unit_key(category_unit)
    if key == target:
        return 1.0
    return _FACTORS.get(target, {}).get(key)


def accepted_units(category_unit: str) -> list[str]:
    """The units an indicator of a category counted in ``category_unit`` may be written in, for messages."""
    target = unit_key(category_unit)
    others = next((units for name, units in _SCALES.items() if unit_key(name) == target), ())
    return [clean(category_unit), *(unit for unit, _ in others)]


def _check_unit(unit_of_measure: str) -> str:
    unit = clean(unit_of_measure)
    if not unit:
        raise ValidationError(
            UNIT_LABEL, "không được để trống: tổng của loại chỉ tiêu tính bằng đơn vị nào?", key="unit"
        )
    if len(unit) > 50:
        raise ValidationError(UNIT_LABEL, "quá dài (tối đa 50 ký tự).", key="unit")
    return unit


def _check_unit_change(item_id: int, name: str, unit: str) -> None:
    """Refuse a new unit that indicators already filed under the category cannot be converted to."""
    query = (
        Indicator.select(Indicator.name, Indicator.unit_of_measure, MoHinh.name.alias("model_name"))
        .join(MoHinh)
        .where(Indicator.category == item_id)
        .dicts()
    )
    # peewee's stubs type .dicts() as the query itself
    misfits = [
        row for row in cast("Iterable[dict[str, Any]]", query) if unit_factor(row["unit_of_measure"], unit) is None
    ]
    if misfits:
        first = misfits[0]
        raise ValidationError(
            UNIT_LABEL,
            f"không đổi được sang «{unit}»: {len(misfits)} chỉ tiêu thuộc loại «{name}» tính bằng đơn vị khác "
            f"(ví dụ «{first['name']}» — «{first['unit_of_measure']}» — của mô hình «{first['model_name']}»). "
            "Hãy sửa các chỉ tiêu đó trước.",
            key="unit",
        )


@transaction()
def create(
    catalogue: str, name: str, sort_order: int | None = None, *, unit_of_measure: str | None = None
) -> CatalogueItem:
    """Add an item; an indicator category needs ``unit_of_measure``, other catalogues take none."""
    table, _ = _table(catalogue)
    name = _check_name(catalogue, name)
    extra: dict[str, str] = {}
    if has_unit(catalogue):
        extra["unit_of_measure"] = _check_unit(unit_of_measure or "")
    elif unit_of_measure is not None:
        raise ValueError(f"catalogue {catalogue!r} has no unit of measure")
    if sort_order is None:
        sort_order = (table.select(pw.fn.MAX(table.sort_order)).scalar() or 0) + 1
    row = table.create(name=name, name_fold=fold(name), sort_order=sort_order, **extra)
    record.created(row)
    return _item(row)


@transaction()
def update(
    catalogue: str,
    item_id: int,
    *,
    name: str | None = None,
    sort_order: int | None = None,
    active: bool | None = None,
    unit_of_measure: str | None = None,
) -> CatalogueItem:
    table, _ = _table(catalogue)
    row = table.get_by_id(get(catalogue, item_id).id)
    before = kinds.snapshot(row)
    if name is not None:
        row.name = _check_name(catalogue, name, exclude_id=item_id)
    if sort_order is not None:
        row.sort_order = sort_order
    if active is not None:
        row.active = active
    if unit_of_measure is not None:
        if not isinstance(row, IndicatorCategory):
            raise ValueError(f"catalogue {catalogue!r} has no unit of measure")
        unit = _check_unit(unit_of_measure)
        if unit_key(unit) != unit_key(row.unit_of_measure):
            _check_unit_change(item_id, row.name, unit)
        row.unit_of_measure = unit
    row.save()
    record.updated(row, before)
    return _item(row)


@transaction()
def delete(catalogue: str, item_id: int) -> None:
    """Delete an unused item; one still in use must be hidden (``active=False``) instead."""
    table, label = _table(catalogue)
    item = get(catalogue, item_id)
    uses = 0
    if table is Field:
        uses = MoHinh.select().where(MoHinh.field == item_id).count()
    elif table is Level:
        uses = (
            MoHinh.select().where(MoHinh.level == item_id).count() + Unit.select().where(Unit.level == item_id).count()
        )
    elif table is UnitKind:
        uses = Unit.select().where(Unit.kind == item_id).count()
    elif table is IndicatorCategory:
        uses = Indicator.select().where(Indicator.category == item_id).count()
    if uses:
        where = f"{uses} chỉ tiêu" if table is IndicatorCategory else f"{uses} bản ghi"
        raise AppError(
            f"Không xóa được {label.lower()} «{item.name}» vì đang được dùng ở {where}. "
            "Hãy chuyển các bản ghi sang mục khác hoặc ẩn mục này."
        )
    record.deleting(table.get_by_id(item_id))
    table.delete().where(table.id == item_id).execute()
    if table is Level:
        # a criteria set of that level becomes a general one: cached sets must be read again
        invalidate_cache()


# Catalogue → its key in resources/catalogues/default.json.
DEFAULTS = (
    ("field", "fields"),
    ("level", "levels"),
    ("unit_kind", "unit_kinds"),
    ("indicator_category", "indicator_categories"),
)


def ensure_defaults() -> bool:
    """Load the default catalogues into an empty database.  Returns True if anything was added.

    Run at every opening, so a file made before a catalogue existed (indicator categories: schema 4) gets
    that catalogue's defaults the first time this version opens it."""
    data = load_json("catalogues", "default.json")
    added = False
    with transaction():
        for catalogue, key in DEFAULTS:
            table, _ = _table(catalogue)
            if table.select().exists():
                continue
            for order, entry in enumerate(data[key], start=1):
                # A plain name, or {"name": …, "unit_of_measure": …} for a catalogue whose items carry a unit.
                values = {"name": entry} if isinstance(entry, str) else dict(entry)
                table.create(name_fold=fold(values["name"]), sort_order=order, **values)
                added = True
    return added
