"""Registering units as a tree: create, edit, move, merge, delete.

Units are identified by name everywhere the user types one (the model editor's combo, Excel
imports, the command line), so a unit's name is unique across the whole tree, compared by
folded key: "HỘI NÔNG DÂN XÃ MÊ LINH" and "Hoi nong dan xa Me Linh" are the same unit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any, cast

import peewee as pw

from ..errors import AppError, NotFoundError, ValidationError
from ..history import kinds, record, trash
from ..storage.database import transaction
from ..storage.models import CatalogueModel, Level, MoHinh, Unit, UnitKind
from ..text import clean, fold, sort_key_text


@dataclass
class UnitInfo:
    id: int
    uuid: str
    name: str
    kind_id: int | None
    kind: str
    level_id: int | None
    level: str
    parent_id: int | None
    address: str
    note: str
    active: bool
    model_count: int = 0
    children: list[UnitInfo] = dc_field(default_factory=list)

    @property
    def path(self) -> str:
        return self.name

    def to_input(self) -> UnitInput:
        return UnitInput(
            name=self.name,
            kind_id=self.kind_id,
            level_id=self.level_id,
            parent_id=self.parent_id,
            address=self.address,
            note=self.note,
        )


@dataclass
class UnitInput:
    """Every field the user edits at once (the unit dialog, ``units add/edit``).  Ids, not names:
    the caller resolves what the user picked or typed."""

    name: str
    kind_id: int | None = None
    level_id: int | None = None
    parent_id: int | None = None
    address: str = ""
    note: str = ""
    active: bool | None = None  # None keeps the unit's


def _info(row: Unit, counts: dict[int, int] | None = None) -> UnitInfo:
    return UnitInfo(
        id=row.id,
        uuid=row.uuid,
        name=row.name,
        kind_id=row.kind_id,
        kind=row.kind.name if row.kind_id and row.kind else "",
        level_id=row.level_id,
        level=row.level.name if row.level_id and row.level else "",
        parent_id=row.parent_id,
        address=row.address,
        note=row.note,
        active=row.active,
        model_count=(counts or {}).get(row.id, 0),
    )


def _model_counts() -> dict[int, int]:
    query = (
        MoHinh.select(MoHinh.unit, pw.fn.COUNT(MoHinh.id).alias("n"))
        .where(MoHinh.unit.is_null(False))
        .group_by(MoHinh.unit)
    )
    # peewee's stubs type .tuples() as the query itself, whose rows would be MoHinh instances.
    return dict(cast("Iterable[tuple[int, int]]", query.tuples()))


def list_units(*, include_inactive: bool = True) -> list[UnitInfo]:
    """All units, flat, in Vietnamese order of their names."""
    # Plain rows, not Unit objects with their kind and level joined in: a province's 2,000 units built as
    # three model objects each cost a quarter of a second, twice at every start.
    query = (
        Unit.select(
            Unit.id,
            Unit.uuid,
            Unit.name,
            Unit.name_sort,
            Unit.kind,
            UnitKind.name,
            Unit.level,
            Level.name,
            Unit.parent,
            Unit.address,
            Unit.note,
            Unit.active,
        )
        .join(UnitKind, pw.JOIN.LEFT_OUTER, on=(Unit.kind == UnitKind.id))
        .switch(Unit)
        .join(Level, pw.JOIN.LEFT_OUTER, on=(Unit.level == Level.id))
        .tuples()
    )
    if not include_inactive:
        query = query.where(Unit.active == True)  # noqa: E712
    counts = _model_counts()
    # The stored Vietnamese sort key, computed once at each save (folding 2.000 names again on every call cost
    # most of a second at startup); an old row without one gets it computed here.
    rows = sorted(cast("Iterable[tuple[Any, ...]]", query), key=lambda r: (r[3] or sort_key_text(r[2]), r[0]))
    return [
        UnitInfo(
            id=unit_id,
            uuid=uuid,
            name=name,
            kind_id=kind_id,
            kind=(kind or "") if kind_id else "",
            level_id=level_id,
            level=(level or "") if level_id else "",
            parent_id=parent_id,
            address=address,
            note=note,
            active=bool(active),
            model_count=counts.get(unit_id, 0),
        )
        for unit_id, uuid, name, _sort, kind_id, kind, level_id, level, parent_id, address, note, active in rows
    ]


def unit_tree() -> list[UnitInfo]:
    """Root units with ``children`` filled, each level in Vietnamese order."""
    units = list_units()
    by_id = {u.id: u for u in units}
    roots: list[UnitInfo] = []
    for unit in units:
        parent = by_id.get(unit.parent_id) if unit.parent_id else None
        (parent.children if parent else roots).append(unit)
    return roots


def get_unit(unit_id: int) -> UnitInfo:
    row = Unit.get_or_none(Unit.id == unit_id)
    if row is None:
        raise NotFoundError("Không tìm thấy đơn vị đã chọn (có thể đã bị xóa hoặc gộp).")
    return _info(row, _model_counts())


def find_unit(name: str) -> UnitInfo | None:
    key = fold(name)
    row = Unit.get_or_none(Unit.name_fold == key) if key else None
    return _info(row) if row else None


def lookup_unit(text: str) -> UnitInfo:
    """The unit a person names by its UUID or its name (diacritics and case ignored)."""
    text = clean(text)
    row = Unit.get_or_none(Unit.uuid == text) if text else None
    if row is None and text:
        # Databases from before names were unique across the tree may still hold two of a name.
        matches = list(Unit.select().where(Unit.name_fold == fold(text)).limit(2))
        if len(matches) > 1:
            raise AppError(f"Có nhiều đơn vị tên «{text}»; hãy chỉ rõ bằng mã UUID (xem lệnh: units --json).")
        row = matches[0] if matches else None
    if row is None:
        raise NotFoundError(f"Không tìm thấy đơn vị «{text}».")
    return get_unit(row.id)


def parent_choices(unit_id: int | None = None) -> list[UnitInfo]:
    """Units that ``unit_id`` may be placed under: any but itself and its own sub-units."""
    excluded = set() if unit_id is None else {unit_id} | _descendant_ids(unit_id)
    return [u for u in list_units() if u.id not in excluded]


def _check_name(name: str, unit_id: int | None) -> str:
    name = clean(name)
    if not name:
        raise ValidationError("Tên đơn vị", "không được để trống.", key="name")
    clash = Unit.select().where(Unit.name_fold == fold(name))
    if unit_id is not None:
        clash = clash.where(Unit.id != unit_id)
    existing = clash.first()
    if existing is not None:
        same = "" if existing.name == name else f" (trùng với «{existing.name}», chỉ khác dấu hoặc chữ hoa)"
        raise ValidationError(
            "Tên đơn vị",
            f"«{name}» đã có trong danh sách đơn vị{same}. Hãy đặt tên khác hoặc sửa đơn vị đã có.",
            key="name",
        )
    return name


def _check_catalogue(
    table: type[CatalogueModel], label: str, key: str, item_id: int | None, current_id: int | None
) -> int | None:
    """An existing, shown catalogue item; a hidden one only if the unit already had it."""
    if item_id is None:
        return None
    row = table.get_or_none(table.id == item_id)
    if row is None:
        raise ValidationError(label, "mục đã chọn không còn trong danh mục (có thể đã bị xóa).", key=key)
    if not row.active and item_id != current_id:
        raise ValidationError(
            label, f"«{row.name}» đã bị ẩn trong danh mục; hãy chọn mục khác hoặc hiện lại mục này ở Danh mục.", key=key
        )
    return item_id


def _check_parent(parent_id: int | None, unit_id: int | None) -> int | None:
    if parent_id is None:
        return None
    if Unit.get_or_none(Unit.id == parent_id) is None:
        raise ValidationError("Đơn vị cấp trên", "không tồn tại.", key="parent")
    if unit_id is not None and (parent_id == unit_id or parent_id in _descendant_ids(unit_id)):
        raise ValidationError(
            "Đơn vị cấp trên", "không thể chuyển đơn vị vào chính nó hoặc đơn vị con của nó.", key="parent"
        )
    return parent_id


def _descendant_ids(unit_id: int) -> set[int]:
    children: dict[int | None, list[int]] = {}
    for row in Unit.select(Unit.id, Unit.parent):
        children.setdefault(row.parent_id, []).append(row.id)
    found: set[int] = set()
    stack = list(children.get(unit_id, []))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


@transaction()
def save_unit(data: UnitInput, unit_id: int | None = None, *, uuid: str | None = None) -> UnitInfo:
    """Create a unit (``unit_id`` None) or replace every editable field of one, after checking them all.

    ``uuid``: a new unit arriving with its own (demo data, another office's file) keeps it."""
    row = None
    if unit_id is not None:
        row = Unit.get_or_none(Unit.id == unit_id)
        if row is None:
            raise NotFoundError("Không tìm thấy đơn vị cần sửa (có thể đã bị xóa hoặc gộp).")
    # A name that only changes its spelling (diacritics, case) is not a clash with itself; a
    # database from before names were unique must still let its units be edited.
    name = clean(data.name)
    if row is None or fold(name) != row.name_fold or not name:
        name = _check_name(name, unit_id)
    kind_id = _check_catalogue(UnitKind, "Loại đơn vị", "kind", data.kind_id, row.kind_id if row else None)
    level_id = _check_catalogue(Level, "Cấp", "level", data.level_id, row.level_id if row else None)
    parent_id = _check_parent(data.parent_id, unit_id)
    before = None if row is None else kinds.snapshot(row)
    if row is None:
        row = Unit(uuid=uuid) if uuid else Unit()
    row.name, row.kind_id, row.level_id, row.parent_id = name, kind_id, level_id, parent_id
    row.address, row.note = clean(data.address), clean(data.note)
    if data.active is not None:
        row.active = data.active
    row.save()
    if before is None:
        record.created(row)
    else:
        record.updated(row, before)
    # Counting only this unit's models: importers and the demo create units by the hundred.
    return _info(row, {row.id: MoHinh.select().where(MoHinh.unit == row.id).count()} if unit_id else None)


def create_unit(
    name: str,
    *,
    kind_id: int | None = None,
    level_id: int | None = None,
    parent_id: int | None = None,
    address: str = "",
    note: str = "",
    uuid: str | None = None,
) -> UnitInfo:
    return save_unit(
        UnitInput(name=name, kind_id=kind_id, level_id=level_id, parent_id=parent_id, address=address, note=note),
        uuid=uuid,
    )


def update_unit(
    unit_id: int,
    *,
    name: str | None = None,
    kind_id: int | None = None,
    level_id: int | None = None,
    address: str | None = None,
    note: str | None = None,
    active: bool | None = None,
) -> UnitInfo:
    """Change only the fields given; ``kind_id=0`` / ``level_id=0`` clear the kind / level."""
    data = get_unit(unit_id).to_input()
    if name is not None:
        data.name = name
    if kind_id is not None:
        data.kind_id = kind_id or None
    if level_id is not None:
        data.level_id = level_id or None
    if address is not None:
        data.address = address
    if note is not None:
        data.note = note
    data.active = active
    return save_unit(data, unit_id)


def rename_unit(unit_id: int, name: str) -> UnitInfo:
    return update_unit(unit_id, name=name)


@transaction()
def move_unit(unit_id: int, parent_id: int | None) -> UnitInfo:
    row = Unit.get_or_none(Unit.id == unit_id)
    if row is None:
        raise NotFoundError("Không tìm thấy đơn vị cần chuyển.")
    before = kinds.snapshot(row)
    row.parent = _check_parent(parent_id, unit_id)
    row.save()
    record.updated(row, before)
    return get_unit(unit_id)


def merge_units(source_id: int, target_id: int) -> UnitInfo:
    """Move every model and child of ``source`` to ``target`` and delete ``source``."""
    if source_id == target_id:
        raise ValidationError("Gộp đơn vị", "hãy chọn hai đơn vị khác nhau.")
    source, target = Unit.get_or_none(Unit.id == source_id), Unit.get_or_none(Unit.id == target_id)
    if source is None or target is None:
        raise NotFoundError("Không tìm thấy đơn vị cần gộp.")
    if target_id in _descendant_ids(source_id):
        raise ValidationError("Gộp đơn vị", "không gộp được một đơn vị vào đơn vị con của nó.")
    with record.batch(f"Gộp đơn vị «{source.name}» vào «{target.name}»"):
        moved = list(MoHinh.select().where(MoHinh.unit == source_id))
        children = list(Unit.select().where(Unit.parent == source_id))
        befores = [(row, kinds.snapshot(row)) for row in [*moved, *children]]
        # The version moves, so an editor still showing the old unit cannot save it back over the merge.
        MoHinh.update(unit=target_id, version=MoHinh.version + 1).where(MoHinh.unit == source_id).execute()
        Unit.update(parent=target_id).where(Unit.parent == source_id).execute()
        for row, before in befores:
            record.updated(type(row).get_by_id(row.id), before)
        record.deleting(source)
        source.delete_instance()
    return get_unit(target_id)


def delete_unit(unit_id: int) -> None:
    """Move an unused unit to the trash (one undoable action)."""
    row = Unit.get_or_none(Unit.id == unit_id)
    if row is None:
        raise NotFoundError("Không tìm thấy đơn vị cần xóa.")
    with record.batch(f"Xóa đơn vị «{row.name}»", action="delete", undoable=True):
        _trash_unit(unit_id)


def _trash_unit(unit_id: int) -> None:
    row = Unit.get_or_none(Unit.id == unit_id)  # again, inside the write transaction
    if row is None:
        raise NotFoundError("Không tìm thấy đơn vị cần xóa.")
    used = MoHinh.select().where(MoHinh.unit == unit_id).count()
    if used:
        raise AppError(
            f"Không xóa được đơn vị «{row.name}» vì có {used} mô hình, điển hình đăng ký. "
            "Hãy gộp đơn vị này vào đơn vị khác."
        )
    if Unit.select().where(Unit.parent == unit_id).exists():
        raise AppError(f"Không xóa được đơn vị «{row.name}» vì còn đơn vị trực thuộc.")
    trash.put(row)
