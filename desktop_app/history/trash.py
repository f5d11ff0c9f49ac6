"""The trash: a deleted model, unit or council member waits here, whole, until it is restored or emptied.

Deleting writes a :class:`TrashItem` whose payload is the record's :func:`kinds.snapshot` (a model's
indicators, evidence and status history are in it) plus what the database would otherwise remove by
cascade and the snapshot does not hold: a model's scores, override, conflicts of interest and the
models that continue or replicate it; a council member's scores.  References are kept as uuids, so a
restored record finds what it pointed at even though its own id is new.  Evidence files stay on disk
while their model is in the trash; emptying the trash is what removes them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from .. import domain
from ..appraisal.tables import Conflict, CouncilMember, Criterion, Decision, Override, Score
from ..errors import AppError, NotFoundError, ValidationError
from ..office import decision_reference
from ..services import attachments, settings
from ..storage.database import transaction
from ..storage.models import AuditLog, BaseModel, Field, Level, MoHinh, Unit
from ..text import fold, format_number
from . import kinds, record
from .kinds import Snapshot
from .tables import Change, TrashItem

log = logging.getLogger("dvk.trash")

TRASH_DAYS_SETTING = "trash.days"  # int days kept; 0 = never emptied automatically
DEFAULT_TRASH_DAYS = 30
MAX_TRASH_DAYS = 3650  # ten years: more is a typing slip

TRASHED_KINDS = ("model", "unit", "council_member")

# What a record of each kind is called inside a sentence.
NOUNS = {"model": "mô hình", "unit": "đơn vị", "council_member": "thành viên hội đồng"}


@dataclass(frozen=True)
class TrashEntry:
    id: int
    kind: str  # "model" | "unit" | "council_member"
    kind_label: str  # kinds.KINDS[kind].label
    record_uuid: str
    label: str
    year: int | None
    deleted_at: datetime
    user: str
    details: str  # "2 chỉ tiêu, 1 tệp minh chứng, 10 điểm chấm"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "uuid": self.record_uuid,
            "label": self.label,
            "year": self.year,
            "deleted_at": self.deleted_at.isoformat(sep=" "),
            "user": self.user,
            "details": self.details,
        }


class DeleteRefused(AppError):
    """The record may not be deleted now; the message says why and what to do first."""


def noun(kind: str) -> str:
    return NOUNS.get(kind) or kinds.KINDS[kind].label.lower()


# ----------------------------------------------------------------- into the trash


def ensure_deletable(rows: Iterable[MoHinh]) -> None:
    """A model recognised by a locked decision is part of a signed document: it stays until the decision is unlocked."""
    for row in rows:
        if row.status != domain.RECOGNISED:
            continue
        decision = Decision.get_or_none((Decision.year == row.year) & (Decision.locked == True))  # noqa: E712
        if decision is not None:
            what = "điển hình" if row.kind == domain.KIND_INDIVIDUAL else "mô hình"
            raise DeleteRefused(
                f"Không xóa được {what} «{row.name}»: {what} này đã được công nhận theo Quyết định số "
                f"{decision_reference(decision.number)} (năm {row.year}) và quyết định đang khóa. "
                "Muốn xóa, hãy mở khóa quyết định (ghi rõ lý do) ở màn hình «Công nhận» trước."
            )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(sep=" ")


def _when(value: str | None) -> datetime:
    return datetime.fromisoformat(value) if value else datetime.now().replace(microsecond=0)


def _model_extras(row: MoHinh) -> dict[str, Any]:
    scores = (
        Score.select(Score, CouncilMember.uuid, Criterion.uuid)
        .join(CouncilMember, on=(Score.member == CouncilMember.id))
        .switch(Score)
        .join(Criterion, on=(Score.criterion == Criterion.id))
        .where(Score.model == row.id)
        .order_by(Score.id)
    )
    override = Override.get_or_none(Override.model == row.id)
    conflicts = (
        Conflict.select(Conflict, CouncilMember.uuid)
        .join(CouncilMember, on=(Conflict.member == CouncilMember.id))
        .where(Conflict.model == row.id)
    )
    return {
        "scores": [
            {
                "member": s.member.uuid,
                "criterion": s.criterion.uuid,
                "keying": s.keying,
                "points": s.points,
                "updated_at": _iso(s.updated_at),
            }
            for s in scores
        ],
        "override": None
        if override is None
        else {
            "grade": override.grade,
            "recognised": override.recognised,
            "outstanding": override.outstanding,
            "reason": override.reason,
            "at": _iso(override.at),
        },
        "conflicts": [{"member": c.member.uuid, "reason": c.reason} for c in conflicts],
        "continued_by": [m.uuid for m in MoHinh.select(MoHinh.uuid).where(MoHinh.continues == row.id)],
        "replicated_by": [m.uuid for m in MoHinh.select(MoHinh.uuid).where(MoHinh.replicates == row.id)],
    }


def _member_extras(row: CouncilMember) -> dict[str, Any]:
    scores = (
        Score.select(Score, MoHinh.uuid, Criterion.uuid)
        .join(MoHinh, on=(Score.model == MoHinh.id))
        .switch(Score)
        .join(Criterion, on=(Score.criterion == Criterion.id))
        .where(Score.member == row.id)
        .order_by(Score.id)
    )
    return {
        "scores": [
            {
                "model": s.model.uuid,
                "criterion": s.criterion.uuid,
                "keying": s.keying,
                "points": s.points,
                "updated_at": _iso(s.updated_at),
            }
            for s in scores
        ]
    }


def put(row: BaseModel) -> TrashItem:
    """Move ``row`` (a model, unit or council member) to the trash: history entry, trash item, then the deletion.

    Call it inside the action's :func:`record.batch`; the service has checked that the deletion is allowed.
    """
    kind = kinds.kind_of(row).code
    if kind not in TRASHED_KINDS:
        raise ValueError(f"{kind} records do not go to the trash")
    if isinstance(row, MoHinh):
        ensure_deletable([row])
        extras = _model_extras(row)
    elif isinstance(row, CouncilMember):
        extras = _member_extras(row)
    else:
        extras = {}
    change = record.deleting(row)
    payload = {"record": record.load(change.before), **extras}
    files = [a["stored_name"] for a in payload["record"].get("attachments", [])]
    item = TrashItem.create(
        kind=kind,
        record_uuid=change.record_uuid,
        label=change.label,
        year=change.year,
        user=record.current_user(),
        batch=change.batch_id,
        payload=json.dumps(payload, ensure_ascii=False),
        files=json.dumps(files, ensure_ascii=False),
    )
    if isinstance(row, MoHinh):
        # The links of the models that continue or replicate it are cleared (and given back on restore).
        MoHinh.update(continues=None).where(MoHinh.continues == row.id).execute()
        MoHinh.update(replicates=None).where(MoHinh.replicates == row.id).execute()
    type(row).delete().where(type(row).id == row.id).execute()  # its children, scores… go by cascade
    return item


# ----------------------------------------------------------------- reading the trash


def _count(n: int, word: str) -> str:
    return f"{format_number(n)} {word}"


def details(kind: str, payload: dict[str, Any]) -> str:
    snap = payload.get("record") or {}
    parts: list[tuple[int, str]] = []
    if kind == "model":
        parts = [
            (len(snap.get("indicators", [])), "chỉ tiêu"),
            (len(snap.get("attachments", [])), "tệp minh chứng"),
            (len(payload.get("scores", [])), "điểm chấm"),
            (1 if payload.get("override") else 0, "điều chỉnh kết quả"),
        ]
    elif kind == "council_member":
        parts = [
            (len(payload.get("scores", [])), "điểm chấm"),
            (len(snap.get("conflicts", [])), "xung đột lợi ích"),
        ]
    return ", ".join(_count(n, word) for n, word in parts if n)


def _entry(item: TrashItem) -> TrashEntry:
    return TrashEntry(
        id=item.id,
        kind=item.kind,
        kind_label=kinds.KINDS[item.kind].label,
        record_uuid=item.record_uuid,
        label=item.label,
        year=item.year,
        deleted_at=item.deleted_at,
        user=item.user,
        details=details(item.kind, json.loads(item.payload)),
    )


def list_trash() -> list[TrashEntry]:
    """Everything in the trash, newest first."""
    return [_entry(i) for i in TrashItem.select().order_by(TrashItem.deleted_at.desc(), TrashItem.id.desc())]


# ----------------------------------------------------------------- back from the trash


def _gone_name(kind: str, uuid: str) -> str:
    """The name a record that is gone had, from the trash or the history."""
    item = TrashItem.select(TrashItem.label).where(TrashItem.record_uuid == uuid).order_by(TrashItem.id.desc()).first()
    if item is not None:
        return str(item.label)
    change = Change.select(Change.label).where((Change.record_uuid == uuid) & (Change.kind == kind)).first()
    return str(change.label) if change is not None else uuid


def _exists(table: type[BaseModel], uuid: str | None) -> int | None:
    if not uuid:
        return None
    found = table.select(table.id).where(table.uuid == uuid).scalar()  # type: ignore[attr-defined]
    return int(found) if found is not None else None


def _refuse_missing_model_refs(label: str, snap: Snapshot) -> None:
    refs: tuple[tuple[str, type[BaseModel], str, str], ...] = (
        ("unit", Unit, "đơn vị", "hãy khôi phục đơn vị đó từ thùng rác trước rồi thử lại."),
        ("field", Field, "lĩnh vực", "lĩnh vực đã bị xóa khỏi danh mục nên không khôi phục được."),
        ("level", Level, "cấp", "cấp đã bị xóa khỏi danh mục nên không khôi phục được."),
    )
    for name, table, word, advice in refs:
        uuid = snap.get(name)
        if uuid and _exists(table, uuid) is None:
            raise AppError(
                f"Không khôi phục được mô hình «{label}»: {word} «{_gone_name(name, uuid)}» của nó không còn; {advice}"
            )


def _restore_model(item: TrashItem, payload: dict[str, Any]) -> tuple[BaseModel, list[str]]:
    snap: Snapshot = payload["record"]
    _refuse_missing_model_refs(item.label, snap)
    row = kinds.write(kinds.KINDS["model"], snap, None)
    assert isinstance(row, MoHinh)
    notes: list[str] = []
    skipped = 0
    for s in payload.get("scores", []):
        member, criterion = _exists(CouncilMember, s["member"]), _exists(Criterion, s["criterion"])
        if member is None or criterion is None:
            skipped += 1
            continue
        Score.create(
            member=member,
            model=row.id,
            criterion=criterion,
            keying=s["keying"],
            points=s["points"],
            updated_at=_when(s.get("updated_at")),
        )
    if skipped:
        notes.append(f"bỏ {format_number(skipped)} điểm chấm của thành viên hoặc tiêu chí đã bị xóa")
    override = payload.get("override")
    if override:
        values = dict(override)
        values["at"] = _when(values.get("at"))
        Override.create(model=row.id, **values)
    lost = 0
    for c in payload.get("conflicts", []):
        member = _exists(CouncilMember, c["member"])
        if member is None:
            lost += 1
            continue
        Conflict.insert(member=member, model=row.id, reason=c.get("reason", "")).on_conflict_ignore().execute()
    if lost:
        notes.append(f"bỏ {format_number(lost)} xung đột lợi ích của thành viên đã bị xóa")
    for key, column in (("continued_by", MoHinh.continues), ("replicated_by", MoHinh.replicates)):
        uuids = payload.get(key) or []
        if uuids:
            MoHinh.update({column: row.id}).where(MoHinh.uuid.in_(uuids) & column.is_null()).execute()
    missing = [
        a["original_name"]
        for a in snap.get("attachments", [])
        if not attachments.attachment_path(a["stored_name"]).is_file()
    ]
    if missing:
        notes.append("thiếu tệp " + ", ".join(f"«{m}»" for m in missing))
    return row, notes


def _restore_member(item: TrashItem, payload: dict[str, Any]) -> tuple[BaseModel, list[str]]:
    snap: Snapshot = dict(payload["record"])
    year = snap.get("year")
    decision = Decision.get_or_none((Decision.year == year) & (Decision.locked == True))  # noqa: E712
    if decision is not None:
        raise AppError(
            f"Không khôi phục được thành viên «{item.label}»: kết quả năm {year} đã được chốt theo Quyết định số "
            f"{decision_reference(decision.number)}. Hãy mở khóa quyết định (ghi rõ lý do) ở màn hình «Công nhận» "
            "trước."
        )
    conflicts = [c for c in snap.get("conflicts", []) if _exists(MoHinh, c.get("model")) is not None]
    lost = len(snap.get("conflicts", [])) - len(conflicts)
    snap["conflicts"] = conflicts
    row = kinds.write(kinds.KINDS["council_member"], snap, None)
    skipped = 0
    for s in payload.get("scores", []):
        model, criterion = _exists(MoHinh, s["model"]), _exists(Criterion, s["criterion"])
        if model is None or criterion is None:
            skipped += 1
            continue
        Score.create(
            member=row.id,
            model=model,
            criterion=criterion,
            keying=s["keying"],
            points=s["points"],
            updated_at=_when(s.get("updated_at")),
        )
    notes = []
    if skipped:
        notes.append(f"bỏ {format_number(skipped)} điểm chấm của mô hình hoặc tiêu chí đã bị xóa")
    if lost:
        notes.append(f"bỏ {format_number(lost)} xung đột lợi ích với mô hình đã bị xóa")
    return row, notes


def _restore_unit(item: TrashItem, payload: dict[str, Any]) -> tuple[BaseModel, list[str]]:
    snap: Snapshot = payload["record"]
    clash = Unit.get_or_none(Unit.name_fold == fold(snap.get("name", "")))
    if clash is not None:
        raise AppError(
            f"Không khôi phục được đơn vị «{item.label}»: đã có đơn vị «{clash.name}» trùng tên. "
            "Hãy đổi tên hoặc gộp đơn vị đó trước."
        )
    notes = []
    parent = snap.get("parent")
    if parent and _exists(Unit, parent) is None:
        notes.append(f"đơn vị cấp trên «{_gone_name('unit', parent)}» không còn")
    return kinds.write(kinds.KINDS["unit"], snap, None), notes


_RESTORERS = {"model": _restore_model, "council_member": _restore_member, "unit": _restore_unit}


def restore_item(item: TrashItem) -> str:
    """Bring one trashed record back whole, with its uuid; inside the caller's batch.  Returns its label,
    with what could not come back said in brackets."""
    kind = kinds.KINDS[item.kind]
    assert kind.table is not None
    if _exists(kind.table, item.record_uuid) is not None:
        raise AppError(
            f"Không khôi phục được {noun(item.kind)} «{item.label}»: {noun(item.kind)} này đang có trong dữ liệu "
            "(đã được khôi phục hoặc nhập lại)."
        )
    payload = json.loads(item.payload)
    try:
        row, notes = _RESTORERS[item.kind](item, payload)
    except kinds.MissingReference:
        log.warning("restoring trash item %s: a reference is gone", item.id, exc_info=True)
        raise AppError(
            f"Không khôi phục được {noun(item.kind)} «{item.label}»: một bản ghi nó cần đã bị xóa."
        ) from None
    record.entry(
        item.kind,
        "restore",
        item.record_uuid,
        kinds.title(row),
        None,
        kinds.snapshot(row),
        model_uuid=kinds.model_uuid(row),
        year=item.year,
    )
    item.delete_instance()
    return item.label + (f" ({'; '.join(notes)})" if notes else "")


def restore(trash_ids: list[int]) -> list[str]:
    """Restore the items as one action of the history (undoable); returns what was restored."""
    if not trash_ids:
        return []
    items = list(TrashItem.select().where(TrashItem.id.in_(trash_ids)).order_by(TrashItem.id))
    if not items:
        raise NotFoundError("Không tìm thấy mục cần khôi phục trong thùng rác (có thể đã bị xóa hẳn).")
    label = (
        f"Khôi phục {noun(items[0].kind)} «{items[0].label}» từ thùng rác"
        if len(items) == 1
        else f"Khôi phục {len(items)} mục từ thùng rác"
    )
    restored: list[str] = []
    with record.batch(label, action="restore", undoable=True):
        # Units first, then members, then models: a model may need its unit back from the same trash.
        order = {"unit": 0, "council_member": 1, "model": 2}
        for item in sorted(items, key=lambda i: (order[i.kind], i.id)):
            fresh = TrashItem.get_or_none(TrashItem.id == item.id)  # read again inside the write transaction
            if fresh is None:
                raise NotFoundError(f"«{item.label}» không còn trong thùng rác (có thể vừa bị xóa hẳn).")
            restored.append(restore_item(fresh))
    return restored


def restore_uuid(record_uuid: str) -> str:
    """Restore the newest trash item of ``record_uuid``; its label."""
    item = TrashItem.select().where(TrashItem.record_uuid == record_uuid.strip()).order_by(TrashItem.id.desc()).first()
    if item is None:
        raise NotFoundError(f"Không có bản ghi mã «{record_uuid}» trong thùng rác.")
    return restore([item.id])[0]


# ----------------------------------------------------------------- emptying


def empty(trash_ids: list[int] | None = None) -> int:
    """Delete trash items for good (``None``: all); their evidence files go once that is committed."""
    with transaction():
        query = TrashItem.select()
        if trash_ids is not None:
            if not trash_ids:
                return 0
            query = query.where(TrashItem.id.in_(trash_ids))
        items = list(query)
        if not items:
            return 0
        TrashItem.delete().where(TrashItem.id.in_([i.id for i in items])).execute()
        # No history entry (the records' deletions are there already); the audit log says who emptied what.
        AuditLog.create(
            action="trash.emptied",
            detail=json.dumps(
                {
                    "user": record.current_user(),
                    "items": [{"kind": i.kind, "uuid": i.record_uuid, "label": i.label} for i in items],
                },
                ensure_ascii=False,
            ),
        )
    files = [name for i in items for name in json.loads(i.files)]
    attachments.discard_files(files)
    log.info("emptied %d trash items (%d evidence files)", len(items), len(files))
    return len(items)


def trash_days() -> int:
    value = settings.get_value(TRASH_DAYS_SETTING, DEFAULT_TRASH_DAYS)
    try:
        days = int(value)
    except (TypeError, ValueError):
        log.warning("bad %s setting %r; using %d", TRASH_DAYS_SETTING, value, DEFAULT_TRASH_DAYS)
        return DEFAULT_TRASH_DAYS
    return days if 0 <= days <= MAX_TRASH_DAYS else DEFAULT_TRASH_DAYS


def set_trash_days(days: int) -> None:
    label = "Số ngày giữ trong thùng rác"
    if isinstance(days, bool) or not isinstance(days, int):
        raise ValidationError(label, "phải là số ngày (số nguyên).", key="trash_days")
    if days < 0:
        raise ValidationError(label, "không được âm (0 = không tự động xóa).", key="trash_days")
    if days > MAX_TRASH_DAYS:
        raise ValidationError(label, f"tối đa {format_number(MAX_TRASH_DAYS)} ngày.", key="trash_days")
    settings.set_value(TRASH_DAYS_SETTING, days)


def purge_expired(today: date | None = None) -> int:
    """Empty the items deleted more than :func:`trash_days` days before ``today``; 0 days keeps everything."""
    days = trash_days()
    if days == 0:
        return 0
    cutoff = datetime.combine((today or date.today()) - timedelta(days=days), time.min)
    ids = [i.id for i in TrashItem.select(TrashItem.id).where(TrashItem.deleted_at < cutoff)]
    return empty(ids) if ids else 0


__all__ = [
    "DEFAULT_TRASH_DAYS",
    "TRASH_DAYS_SETTING",
    "DeleteRefused",
    "TrashEntry",
    "empty",
    "list_trash",
    "purge_expired",
    "put",
    "restore",
    "restore_uuid",
    "set_trash_days",
    "trash_days",
]
