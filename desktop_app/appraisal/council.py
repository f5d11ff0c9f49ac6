"""The appraisal council of a year: members, the fields they score, conflicts of interest."""

from __future__ import annotations

import json

from ..errors import NotFoundError, ValidationError
from ..history import kinds, record, trash
from ..storage.database import transaction
from ..storage.models import MoHinh
from ..text import clean
from .info import MemberInfo
from .tables import Conflict, CouncilMember


def _info(row: CouncilMember) -> MemberInfo:
    return MemberInfo(row.id, row.uuid, row.year, row.name, row.title, row.role, json.loads(row.field_ids or "[]"))


def council_members(year: int) -> list[MemberInfo]:
    rows = CouncilMember.select().where(CouncilMember.year == year).order_by(CouncilMember.sort_order, CouncilMember.id)
    return [_info(r) for r in rows]


def get_member(member_id: int) -> MemberInfo:
    row = CouncilMember.get_or_none(CouncilMember.id == member_id)
    if row is None:
        raise NotFoundError("Không tìm thấy thành viên hội đồng.")
    return _info(row)


@transaction()
def add_member(
    year: int,
    name: str,
    title: str = "",
    role: str = "Ủy viên",
    field_ids: list[int] | None = None,
    uuid: str | None = None,
) -> int:
    name = clean(name)
    if not name:
        raise ValidationError("Họ và tên thành viên", "không được để trống.", key="name")
    order = CouncilMember.select().where(CouncilMember.year == year).count() + 1
    extra = {"uuid": uuid} if uuid else {}
    row = CouncilMember.create(
        year=year,
        name=name,
        title=clean(title),
        role=clean(role) or "Ủy viên",
        field_ids=json.dumps(sorted(field_ids or [])),
        sort_order=order,
        **extra,
    )
    record.created(row)
    return int(row.id)


@transaction()
def update_member(
    member_id: int, *, name: str, title: str = "", role: str = "Ủy viên", field_ids: list[int] | None = None
) -> None:
    row = CouncilMember.get_by_id(get_member(member_id).id)
    name = clean(name)
    if not name:
        raise ValidationError("Họ và tên thành viên", "không được để trống.", key="name")
    before = kinds.snapshot(row)
    row.name, row.title, row.role = name, clean(title), clean(role) or "Ủy viên"
    row.field_ids = json.dumps(sorted(field_ids or []))
    row.save()
    record.updated(row, before)


@transaction()
def remove_member(member_id: int) -> None:
    from .scoring import ensure_unlocked  # deleting a member deletes its scores; scoring imports this module

    member = get_member(member_id)
    ensure_unlocked(member.year)
    # To the trash with its scores and conflicts of interest, restorable whole.
    with record.batch(f"Xóa thành viên hội đồng «{member.name}»", action="delete", undoable=True):
        trash.put(CouncilMember.get_by_id(member_id))


def assigned_model_ids(member: MemberInfo, model_ids: list[int]) -> list[int]:
    """The models this member scores: all, or only those of the member's fields."""
    if not member.field_ids:
        return list(model_ids)
    rows = MoHinh.select(MoHinh.id).where(MoHinh.id.in_(model_ids) & MoHinh.field.in_(member.field_ids))
    keep = {r.id for r in rows}
    return [m for m in model_ids if m in keep]


def _model_name(model_id: int) -> str:
    name = MoHinh.select(MoHinh.name).where(MoHinh.id == model_id).scalar()
    if name is None:
        raise NotFoundError("Không tìm thấy mô hình, điển hình.")
    return str(name)


@transaction()
def declare_conflict(member_id: int, model_id: int, reason: str = "") -> None:
    """The member abstains on the model; the history keeps it as a change of the member (its conflicts)."""
    row = CouncilMember.get_by_id(get_member(member_id).id)
    with record.batch(f"Khai báo xung đột lợi ích: {row.name} — {_model_name(model_id)}"):
        before = kinds.snapshot(row)
        Conflict.insert(member=member_id, model=model_id, reason=clean(reason)).on_conflict_replace().execute()
        record.updated(row, before)


@transaction()
def clear_conflict(member_id: int, model_id: int) -> None:
    row = CouncilMember.get_by_id(get_member(member_id).id)
    with record.batch(f"Bỏ xung đột lợi ích: {row.name} — {_model_name(model_id)}"):
        before = kinds.snapshot(row)
        Conflict.delete().where((Conflict.member == member_id) & (Conflict.model == model_id)).execute()
        record.updated(row, before)


def conflicts(year: int) -> set[tuple[int, int]]:
    """(member id, model id) pairs where the member abstains."""
    rows = Conflict.select(Conflict.member, Conflict.model).join(CouncilMember).where(CouncilMember.year == year)
    return {(r.member_id, r.model_id) for r in rows}
