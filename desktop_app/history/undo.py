"""«Hoàn tác» and «Làm lại»: taking back the last bulk action of the history, and doing it again.

An undo is itself a batch of the history (``is_undo``, ``undoes`` = the batch it took back): each change of
the batch is reversed, newest first — a record it created is deleted, a record it changed gets its former
fields back, a record it moved to the trash comes back from the trash, a record it restored goes back to
the trash.  A redo is the undo of an undo.  Nothing is taken back over a later change: when a record of the
batch was touched since, the undo is refused with who touched it and when.

Which later changes count: a change whose batch was itself taken back since, or which is an undo, cancels
out with the batch it undid (their pairs leave the records as they were), and a redo of an action older
than the one being taken back puts back the state that one started from; every other later change (an
ordinary action, a single edit, a redo of a newer action) stands in the way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

import peewee as pw

from ..appraisal.tables import Conflict, Override, Score
from ..errors import AppError
from ..storage.database import transaction
from ..storage.errors import StorageError
from ..storage.models import BaseModel, MoHinh, Unit
from ..text import format_date, format_number
from . import kinds, record, trash
from .tables import Change, ChangeBatch, TrashItem

log = logging.getLogger("dvk.undo")

_VERBS = {"create": "thêm", "update": "sửa", "status": "đổi trạng thái", "delete": "xóa", "restore": "khôi phục"}
_CHUNK = 500  # uuids per IN (…): well below SQLite's limit on parameters


@dataclass(frozen=True)
class UndoStep:
    batch_id: int  # the batch «Hoàn tác» takes back (for «Làm lại»: the undo it takes back)
    label: str  # what the user did, as the history labels it («Đổi trạng thái 3 mô hình…»)
    action: str  # the batch's action: "status", "delete", "import", "undo"…
    at: datetime
    user: str
    records: int  # how many records it touched

    def describe(self) -> str:
        """Đổi trạng thái 3 mô hình… (lúc 14:02 ngày 23/11/2026): the label has its own quotes already."""
        return f"{self.label} (lúc {self.at:%H:%M} ngày {format_date(self.at.date())})"


class UndoRefused(AppError):
    """The step cannot be taken back (or redone); the message says why and what to do instead."""


class _DryRun(Exception):
    def __init__(self, step: UndoStep) -> None:
        super().__init__("dry run")
        self.step = step


# ----------------------------------------------------------------- what would be taken back


def _undo_target() -> ChangeBatch | None:
    query = ChangeBatch.select().where(
        (ChangeBatch.undoable == True)  # noqa: E712
        & ChangeBatch.undone_by.is_null()
        & (ChangeBatch.is_undo == False)  # noqa: E712
    )
    found: ChangeBatch | None = query.order_by(ChangeBatch.id.desc()).first()
    return found


def _redo_target() -> ChangeBatch | None:
    latest = (
        ChangeBatch.select()
        .where(
            (ChangeBatch.undoable == True)  # noqa: E712
            & ChangeBatch.undone_by.is_null()
            & (ChangeBatch.is_undo == True)  # noqa: E712
        )
        .order_by(ChangeBatch.id.desc())
        .first()
    )
    if latest is None:
        return None
    # A new action since the undo clears what could be redone (redos themselves do not: they undo undos).
    newer = ChangeBatch.select().where(
        (ChangeBatch.id > latest.id) & (ChangeBatch.undoable == True) & ChangeBatch.undoes.is_null()  # noqa: E712
    )
    return None if newer.exists() else latest


def _origin(batch: ChangeBatch) -> ChangeBatch:
    """The user's own action an undo or redo goes back to."""
    seen = {batch.id}
    while batch.undoes is not None:
        found = ChangeBatch.get_or_none(ChangeBatch.id == batch.undoes)
        if found is None or found.id in seen:
            break
        seen.add(found.id)
        batch = found
    return batch


def _step(batch: ChangeBatch) -> UndoStep:
    origin = _origin(batch)
    return UndoStep(
        batch_id=batch.id,
        label=origin.label,
        action=origin.action,
        at=batch.at,
        user=batch.user,
        records=Change.select().where(Change.batch == batch.id).count(),
    )


def undo_step() -> UndoStep | None:
    """What «Hoàn tác» would take back now (None: nothing).  It may still be refused: see :func:`undo`."""
    target = _undo_target()
    return None if target is None else _step(target)


def redo_step() -> UndoStep | None:
    """What «Làm lại» would do again now (None: nothing).  ``label`` names the action done again."""
    target = _redo_target()
    return None if target is None else _step(target)


# ----------------------------------------------------------------- refusing


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _stands_in_the_way(batch: ChangeBatch, origin_id: int, cache: dict[int, bool]) -> bool:
    """Whether a later batch's changes keep an undo (or redo) of the action ``origin_id`` from going ahead.

    Not when it was taken back since, nor when it is an undo (it cancels out with the batch it took back),
    nor when it is a redo of an action older than ours: that puts back the state ours started from.
    """
    if batch.id not in cache:
        if batch.undone_by is not None or batch.is_undo:
            cache[batch.id] = False
        elif batch.undoes is not None:
            cache[batch.id] = _origin(batch).id > origin_id
        else:
            cache[batch.id] = True
    return cache[batch.id]


def _later_change(target: ChangeBatch, changes: list[Change]) -> Change | None:
    """The first change still in effect made to a record of ``changes`` after them, outside ``target``."""
    if not changes:
        return None
    last = max(c.id for c in changes)
    origin_id = _origin(target).id
    uuids = sorted({c.record_uuid for c in changes} | {c.model_uuid for c in changes if c.model_uuid})
    cache: dict[int, bool] = {}
    found: Change | None = None
    for chunk in _chunks(uuids):
        query = (
            Change.select(Change, ChangeBatch)
            .join(ChangeBatch)
            .where(
                (Change.id > last)
                & (Change.batch != target.id)
                & (Change.record_uuid.in_(chunk) | Change.model_uuid.in_(chunk))
            )
            .order_by(Change.id)
        )
        for change in query:
            if found is not None and change.id > found.id:
                break
            if _stands_in_the_way(change.batch, origin_id, cache):
                found = change
                break
    return found


def _refuse_later(target: ChangeBatch, changes: list[Change], word: str) -> None:
    later = _later_change(target, changes)
    if later is None:
        return
    ours = next(
        (c for c in changes if later.record_uuid == c.record_uuid or later.model_uuid == c.record_uuid), changes[0]
    )
    noun = trash.noun(ours.kind)
    batch = later.batch
    if later.kind == ours.kind:
        what = f"đã được {_VERBS.get(later.action, 'sửa')} sau đó"
    else:
        what = f"đã có {kinds.KINDS[later.kind].label.lower()} được {_VERBS.get(later.action, 'sửa')} sau đó"
    who = f", người sửa: {batch.user}" if batch.user else ""
    raise UndoRefused(
        f"Không {word} được: {noun} «{ours.label}» {what} (lúc {batch.at:%H:%M} ngày {format_date(batch.at.date())}"
        f"{who}). Hãy sửa trực tiếp trên {noun}."
    )


# ----------------------------------------------------------------- reversing one change


def _live(change: Change) -> BaseModel | None:
    kind = kinds.KINDS[change.kind]
    return None if kind.table is None else kinds.find(kind, change.record_uuid)


def _was_trashed(target: ChangeBatch, change: Change) -> bool:
    """A deletion in ``target`` went to the trash (rather than taking back a creation, which deletes for good)."""
    if change.kind not in trash.TRASHED_KINDS:
        return False
    if target.undoes is None:
        return True
    origin = (
        Change.select(Change.action)
        .where((Change.batch == target.undoes) & (Change.record_uuid == change.record_uuid))
        .order_by(Change.id.desc())
        .first()
    )
    return origin is None or origin.action != "create"


def _delete_created(change: Change, row: BaseModel, word: str) -> None:
    noun = trash.noun(change.kind)
    if isinstance(row, Unit):
        if MoHinh.select().where(MoHinh.unit == row.id).exists() or Unit.select().where(Unit.parent == row.id).exists():
            return  # a unit the import created and something uses since stays: only unused ones go
    if isinstance(row, MoHinh):
        for table, what in ((Score, "điểm chấm"), (Override, "điều chỉnh kết quả"), (Conflict, "xung đột lợi ích")):
            if table.select().where(table.model == row.id).exists():
                raise UndoRefused(
                    f"Không {word} được: {noun} «{change.label}» đã có {what} sau đó. Hãy xóa {noun} này trực tiếp "
                    "nếu thật sự muốn bỏ (nó sẽ vào thùng rác)."
                )
    record.deleting(row)
    if isinstance(row, MoHinh):
        MoHinh.update(continues=None).where(MoHinh.continues == row.id).execute()
        MoHinh.update(replicates=None).where(MoHinh.replicates == row.id).execute()
    try:
        type(row).delete().where(type(row).id == row.id).execute()
    except pw.IntegrityError:
        raise UndoRefused(f"Không {word} được: {noun} «{change.label}» đang được dùng ở nơi khác.") from None


def _reverse(target: ChangeBatch, change: Change, word: str) -> None:
    kind = kinds.KINDS[change.kind]
    noun = trash.noun(change.kind)
    if kind.table is None:
        raise UndoRefused(f"Không {word} được: {kind.label.lower()} không hoàn tác theo cách này; hãy sửa trực tiếp.")
    row = _live(change)
    if change.action == "create":
        if row is not None:
            _delete_created(change, row, word)
    elif change.action in ("update", "status"):
        if row is None:
            raise UndoRefused(f"Không {word} được: {noun} «{change.label}» không còn.")
        before = kinds.snapshot(row)
        kinds.write(kind, record.load(change.before) or {}, row)
        record.updated(row, before, action=change.action)
    elif change.action == "delete":
        item = (
            TrashItem.select()
            .where((TrashItem.batch == target.id) & (TrashItem.record_uuid == change.record_uuid))
            .order_by(TrashItem.id.desc())
            .first()
        )
        if item is not None:
            trash.restore_item(item)
        elif _was_trashed(target, change):
            raise UndoRefused(f"Không {word} được: {noun} «{change.label}» đã bị xóa hẳn khỏi thùng rác.")
        else:
            if row is not None:
                raise UndoRefused(f"Không {word} được: {noun} «{change.label}» đang có trong dữ liệu.")
            record.created(kinds.write(kind, record.load(change.before) or {}, None))
    elif change.action == "restore":
        if row is None:
            raise UndoRefused(f"Không {word} được: {noun} «{change.label}» không còn.")
        if isinstance(row, Unit):
            models = MoHinh.select().where(MoHinh.unit == row.id).count()
            if models or Unit.select().where(Unit.parent == row.id).exists():
                what = f"{format_number(models)} mô hình, điển hình" if models else "đơn vị trực thuộc"
                raise UndoRefused(f"Không {word} được: đơn vị «{change.label}» đang có {what}.")
        trash.put(row)
    else:
        raise UndoRefused(f"Không {word} được: thay đổi «{change.action}» của {noun} «{change.label}».")


# ----------------------------------------------------------------- undo, redo


def _take_back(*, redo: bool, dry_run: bool) -> UndoStep:
    word = "làm lại" if redo else "hoàn tác"
    try:
        # Read, checked and written in one write transaction: nothing can come in between.  A dry run does it
        # all and rolls back, so it says exactly what the real one would do or why it would be refused.
        with transaction():
            target = _redo_target() if redo else _undo_target()
            if target is None:
                raise UndoRefused(f"Không có thao tác nào để {word}.")
            step = _step(target)
            changes = list(Change.select().where(Change.batch == target.id).order_by(Change.id))
            _refuse_later(target, changes, word)
            label = f"{'Làm lại' if redo else 'Hoàn tác'}: {step.label}"
            with record.batch(
                label, action="redo" if redo else "undo", undoable=True, undoes=target.id, is_undo=not redo
            ) as current:
                for change in reversed(changes):
                    try:
                        _reverse(target, change, word)
                    except (UndoRefused, StorageError):
                        raise
                    except AppError as exc:  # a restore refused (its unit is gone…): said as the undo's refusal
                        text = str(exc)
                        raise UndoRefused(f"Không {word} được {step.describe()}: {text[:1].lower()}{text[1:]}") from exc
                new = current.ensure_row()
            ChangeBatch.update(undone_by=new.id).where(ChangeBatch.id == target.id).execute()
            if dry_run:
                raise _DryRun(step)
    except _DryRun as done:
        return done.step
    log.info("%s batch %s (%s) as batch %s", word, target.id, step.label, new.id)
    return step


def undo(*, dry_run: bool = False) -> UndoStep:
    """Take back the last bulk action still in effect; what was taken back.  Refused with :class:`UndoRefused`."""
    return _take_back(redo=False, dry_run=dry_run)


def redo(*, dry_run: bool = False) -> UndoStep:
    """Do again what the last undo took back, while no new action came since."""
    return _take_back(redo=True, dry_run=dry_run)
