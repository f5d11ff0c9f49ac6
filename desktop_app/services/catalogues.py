"""Fields, levels and unit kinds: small editable catalogues matched by folded name."""

from __future__ import annotations

from dataclasses import dataclass

import peewee as pw

from ..appraisal.criteria import invalidate_cache
from ..errors import AppError, NotFoundError, ValidationError
from ..resources import load_json
from ..storage.database import transaction
from ..storage.models import CatalogueModel, Field, Level, MoHinh, Unit, UnitKind
from ..text import clean, fold, sort_key

CATALOGUES: dict[str, tuple[type[CatalogueModel], str]] = {
    "field": (Field, "Lĩnh vực"),
    "level": (Level, "Cấp"),
    "unit_kind": (UnitKind, "Loại đơn vị"),
}


@dataclass(frozen=True)
class CatalogueItem:
    id: int
    uuid: str
    name: str
    sort_order: int
    active: bool


def _table(catalogue: str) -> tuple[type[CatalogueModel], str]:
    try:
        return CATALOGUES[catalogue]
    except KeyError:
        raise ValueError(f"unknown catalogue {catalogue!r}") from None


def _item(row: CatalogueModel) -> CatalogueItem:
    return CatalogueItem(row.id, row.uuid, row.name, row.sort_order, row.active)


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
    name = clean(name)
    if not name:
        raise ValidationError(label, "tên không được để trống.", key="name")
    clash = table.select().where(table.name_fold == fold(name))
    if exclude_id is not None:
        clash = clash.where(table.id != exclude_id)
    if clash.exists():
        raise ValidationError(label, f"«{name}» đã có trong danh mục.", key="name")
    return name


@transaction()
def create(catalogue: str, name: str, sort_order: int | None = None) -> CatalogueItem:
    table, _ = _table(catalogue)
    name = _check_name(catalogue, name)
    if sort_order is None:
        sort_order = (table.select(pw.fn.MAX(table.sort_order)).scalar() or 0) + 1
    row = table.create(name=name, name_fold=fold(name), sort_order=sort_order)
    return _item(row)


@transaction()
def update(
    catalogue: str, item_id: int, *, name: str | None = None, sort_order: int | None = None, active: bool | None = None
) -> CatalogueItem:
    table, _ = _table(catalogue)
    row = table.get_by_id(get(catalogue, item_id).id)
    if name is not None:
        row.name = _check_name(catalogue, name, exclude_id=item_id)
    if sort_order is not None:
        row.sort_order = sort_order
    if active is not None:
        row.active = active
    row.save()
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
    if uses:
        raise AppError(
            f"Không xóa được {label.lower()} «{item.name}» vì đang được dùng ở {uses} bản ghi. "
            "Hãy chuyển các bản ghi sang mục khác hoặc ẩn mục này."
        )
    table.delete().where(table.id == item_id).execute()
    if table is Level:
        # a criteria set of that level becomes a general one: cached sets must be read again
        invalidate_cache()


def ensure_defaults() -> bool:
    """Load the default catalogues into an empty database.  Returns True if anything was added."""
    data = load_json("catalogues", "default.json")
    added = False
    with transaction():
        for catalogue, key in (("field", "fields"), ("level", "levels"), ("unit_kind", "unit_kinds")):
            table, _ = _table(catalogue)
            if table.select().exists():
                continue
            for order, name in enumerate(data[key], start=1):
                table.create(name=name, name_fold=fold(name), sort_order=order)
                added = True
    return added
