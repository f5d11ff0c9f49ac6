"""Registering units as a tree: create, rename, move, merge, delete."""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field

import peewee as pw

from ..errors import AppError, NotFoundError, ValidationError
from ..storage.models import Level, MoHinh, Unit, UnitKind, database_proxy
from ..text import clean, fold, sort_key


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
    children: list["UnitInfo"] = dc_field(default_factory=list)

    @property
    def path(self) -> str:
        return self.name


def _info(row: Unit, counts: dict[int, int] | None = None) -> UnitInfo:
    return UnitInfo(
        id=row.id, uuid=row.uuid, name=row.name,
        kind_id=row.kind_id, kind=row.kind.name if row.kind_id else "",
        level_id=row.level_id, level=row.level.name if row.level_id else "",
        parent_id=row.parent_id, address=row.address, note=row.note, active=row.active,
        model_count=(counts or {}).get(row.id, 0),
    )


def _model_counts() -> dict[int, int]:
    from peewee import fn
    query = (MoHinh.select(MoHinh.unit, fn.COUNT(MoHinh.id).alias("n"))
             .where(MoHinh.unit.is_null(False)).group_by(MoHinh.unit))
    return {row.unit_id: row.n for row in query}


def list_units(*, include_inactive: bool = True) -> list[UnitInfo]:
    """All units, flat, in Vietnamese order of their names."""
    query = (Unit.select(Unit, UnitKind, Level)
             .join(UnitKind, pw.JOIN.LEFT_OUTER, on=(Unit.kind == UnitKind.id))
             .switch(Unit).join(Level, pw.JOIN.LEFT_OUTER, on=(Unit.level == Level.id)))
    if not include_inactive:
        query = query.where(Unit.active == True)  # noqa: E712
    counts = _model_counts()
    return sorted((_info(r, counts) for r in query), key=lambda u: sort_key(u.name))


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


def _validate(name: str, parent_id: int | None, unit_id: int | None) -> str:
    name = clean(name)
    if not name:
        raise ValidationError("Tên đơn vị", "không được để trống.", key="name")
    clash = Unit.select().where((Unit.name_fold == fold(name)))
    clash = clash.where(Unit.parent.is_null() if parent_id is None else Unit.parent == parent_id)
    if unit_id is not None:
        clash = clash.where(Unit.id != unit_id)
    if clash.exists():
        raise ValidationError("Tên đơn vị", f"«{name}» đã có trong cùng đơn vị cấp trên.", key="name")
    if parent_id is not None:
        if Unit.get_or_none(Unit.id == parent_id) is None:
            raise ValidationError("Đơn vị cấp trên", "không tồn tại.", key="parent")
        if unit_id is not None and (parent_id == unit_id or parent_id in _descendant_ids(unit_id)):
            raise ValidationError("Đơn vị cấp trên", "không thể chuyển đơn vị vào chính nó hoặc đơn vị con của nó.",
                                  key="parent")
    return name


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


def create_unit(name: str, *, kind_id: int | None = None, level_id: int | None = None,
                parent_id: int | None = None, address: str = "", note: str = "",
                uuid: str | None = None) -> UnitInfo:
    name = _validate(name, parent_id, None)
    extra = {"uuid": uuid} if uuid else {}
    row = Unit.create(name=name, kind=kind_id, level=level_id, parent=parent_id,
                      address=clean(address), note=clean(note), **extra)
    return _info(row)


def update_unit(unit_id: int, *, name: str | None = None, kind_id: int | None = None,
                level_id: int | None = None, address: str | None = None, note: str | None = None,
                active: bool | None = None) -> UnitInfo:
    row = Unit.get_or_none(Unit.id == unit_id)
    if row is None:
        raise NotFoundError("Không tìm thấy đơn vị cần sửa.")
    if name is not None:
        row.name = _validate(name, row.parent_id, unit_id)
    if kind_id is not None:
        row.kind = kind_id or None
    if level_id is not None:
        row.level = level_id or None
    if address is not None:
        row.address = clean(address)
    if note is not None:
        row.note = clean(note)
    if active is not None:
        row.active = active
    row.save()
    return get_unit(unit_id)


def rename_unit(unit_id: int, name: str) -> UnitInfo:
    return update_unit(unit_id, name=name)


def move_unit(unit_id: int, parent_id: int | None) -> UnitInfo:
    row = Unit.get_or_none(Unit.id == unit_id)
    if row is None:
        raise NotFoundError("Không tìm thấy đơn vị cần chuyển.")
    _validate(row.name, parent_id, unit_id)
    row.parent = parent_id
    row.save()
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
    with database_proxy.atomic():
        MoHinh.update(unit=target_id).where(MoHinh.unit == source_id).execute()
        Unit.update(parent=target_id).where(Unit.parent == source_id).execute()
        source.delete_instance()
    return get_unit(target_id)


def delete_unit(unit_id: int) -> None:
    row = Unit.get_or_none(Unit.id == unit_id)
    if row is None:
        raise NotFoundError("Không tìm thấy đơn vị cần xóa.")
    used = MoHinh.select().where(MoHinh.unit == unit_id).count()
    if used:
        raise AppError(f"Không xóa được đơn vị «{row.name}» vì có {used} mô hình, điển hình đăng ký. "
                       "Hãy gộp đơn vị này vào đơn vị khác.")
    if Unit.select().where(Unit.parent == unit_id).exists():
        raise AppError(f"Không xóa được đơn vị «{row.name}» vì còn đơn vị trực thuộc.")
    row.delete_instance()
