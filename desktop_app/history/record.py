"""Writing the history: one :class:`ChangeBatch` per user action, one :class:`Change` per record it touched.

Every service that writes a kept record calls :func:`created`, :func:`updated` or :func:`deleted` inside
its own transaction, so a change and its history are committed (or rolled back) together.  A service
that is one user action of its own opens :func:`batch` with the label the history shows; the services
it calls join that batch, so an import of 300 rows is one batch of 300 entries that «Hoàn tác» takes back
as a whole.  A change made outside any batch gets a batch of its own.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from ..storage import database as storage
from ..storage.database import transaction
from ..storage.lock import login_name
from ..storage.models import BaseModel, Setting
from ..text import clean, fold
from . import kinds
from .kinds import Snapshot
from .tables import Change, ChangeBatch

log = logging.getLogger("dvk.history")

# The name the history records: set in Cài đặt («Người sử dụng»); the login name until it is.
USER_SETTING = "history.user"

ACTIONS = {
    "create": "Thêm",
    "update": "Sửa",
    "status": "Đổi trạng thái",
    "delete": "Xóa",
    "restore": "Khôi phục",
}

# The actions the model list's «Hoàn tác» takes back, by the batch's ``action``.
BULK_ACTIONS = {
    "status": "Đổi trạng thái",
    "delete": "Xóa",
    "import": "Nhập từ Excel",
    "package_import": "Nhận gói báo cáo",
    "next_year": "Chuyển sang năm sau",
    "restore": "Khôi phục từ thùng rác",
    "undo": "Hoàn tác",
    "redo": "Làm lại",
}


def current_user() -> str:
    """The office user the history names (Cài đặt), or the login name while none is set."""
    row = Setting.get_or_none(Setting.key == USER_SETTING)
    name = clean(json.loads(row.value)) if row is not None else ""
    return name or login_name()


@dataclass
class Batch:
    label: str
    action: str = ""
    undoable: bool = False
    undoes: int | None = None
    is_undo: bool = False
    row: ChangeBatch | None = None
    entries: int = 0
    folded: str | None = None  # fold() of the row's user and label, the end of each entry's search_fold

    def ensure_row(self) -> ChangeBatch:
        if self.row is None:
            self.row = ChangeBatch.create(
                user=current_user(),
                label=self.label,
                action=self.action,
                undoable=self.undoable,
                undoes=self.undoes,
                is_undo=self.is_undo,
            )
        return self.row


_active: ContextVar[Batch | None] = ContextVar("dvk_history_batch", default=None)


@contextmanager
def batch(
    label: str, *, action: str = "", undoable: bool = False, undoes: int | None = None, is_undo: bool = False
) -> Iterator[Batch]:
    """One user action, in one transaction.  Inside another batch it joins that one (its label is the outer's)."""
    outer = _active.get()
    if outer is not None:
        with transaction():
            yield outer
        return
    with transaction():
        current = Batch(clean(label), action, undoable, undoes, is_undo)
        token = _active.set(current)
        try:
            yield current
        finally:
            _active.reset(token)


def active() -> Batch | None:
    return _active.get()


def entry(
    kind: str,
    action: str,
    record_uuid: str,
    label: str,
    before: Snapshot | None,
    after: Snapshot | None,
    *,
    model_uuid: str | None = None,
    year: int | None = None,
) -> Change:
    """Write one history entry in the current batch (a batch of its own when there is none)."""
    if kind not in kinds.KINDS or action not in ACTIONS:
        raise ValueError(f"unknown history entry {kind!r}/{action!r}")
    if not storage.current().db.in_transaction():
        raise RuntimeError("a history entry must be written in the transaction of its change")
    current = _active.get() or Batch(f"{ACTIONS[action]} {kinds.KINDS[kind].label.lower()}: {label}")
    values = _entry_values(current, kind, action, record_uuid, label, before, after, model_uuid, year)
    # Plain SQL, built once: an import writes one entry per row and peewee's insert building costs more
    # than the insert itself.
    cursor = Change._meta.database.execute_sql(_INSERT, list(values.values()))
    return Change(id=cursor.lastrowid, **values)


def _entry_values(
    current: Batch,
    kind: str,
    action: str,
    record_uuid: str,
    label: str,
    before: Snapshot | None,
    after: Snapshot | None,
    model_uuid: str | None,
    year: int | None,
) -> dict[str, object]:
    """The columns of one entry in ``current``'s batch, in :data:`_INSERT`'s order."""
    row = current.ensure_row()
    current.entries += 1
    if current.folded is None:
        current.folded = fold(f"{row.user} {row.label}")
    return {
        "batch": row.id,
        "kind": kind,
        "action": action,
        "record_uuid": record_uuid,
        "label": label,
        "model_uuid": model_uuid,
        "year": year,
        "before": _dump(before),
        "after": _dump(after),
        # fold() goes word by word: fold(f"{a} {b}") is fold(a) and fold(b) joined by a space.  The batch's
        # part, folded once, is most of the text (an import's label is long, and it writes 20.000 entries).
        "search_fold": f"{fold(label)} {current.folded}".strip(),
    }


_INSERT = (
    f'INSERT INTO "{Change._meta.table_name}" ("batch_id", "kind", "action", "record_uuid", "label", '
    '"model_uuid", "year", "before", "after", "search_fold") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
)


def _dump(data: Snapshot | None) -> str | None:
    return None if data is None else json.dumps(data, ensure_ascii=False, sort_keys=True)


def load(text: str | None) -> Snapshot | None:
    return None if text is None else json.loads(text)


def _year(row: BaseModel) -> int | None:
    value = row.__data__.get("year")
    return int(value) if isinstance(value, int) else None


def created(row: BaseModel) -> Change:
    """``row`` (saved, with its children) was just added."""
    kind = kinds.kind_of(row)
    return entry(
        kind.code,
        "create",
        kinds.identity(row),
        kinds.title(row),
        None,
        kinds.snapshot(row),
        model_uuid=kinds.model_uuid(row),
        year=_year(row),
    )


def created_many(rows: Sequence[BaseModel]) -> None:
    """:func:`created` for each of ``rows`` (saved, with their children, all of one table), in that order: the
    same entries, read with batched queries (:func:`kinds.snapshots`) and written by one prepared statement."""
    current = _active.get()
    if current is None:  # each change a batch of its own: nothing to share
        for row in rows:
            created(row)
        return
    if not rows:
        return
    if not storage.current().db.in_transaction():
        raise RuntimeError("a history entry must be written in the transaction of its change")
    kind = kinds.kind_of(rows[0])
    params = [
        list(
            _entry_values(
                current,
                kind.code,
                "create",
                kinds.identity(row),
                kinds.title(row),
                None,
                after,
                kinds.model_uuid(row),
                _year(row),
            ).values()
        )
        for row, after in zip(rows, kinds.snapshots(rows), strict=True)
    ]
    Change._meta.database.cursor().executemany(_INSERT, params)


def updated(row: BaseModel, before: Snapshot, *, action: str = "update") -> Change | None:
    """``row`` was just saved; ``before`` is its :func:`kinds.snapshot` from before the change.

    Nothing is written when nothing changed (a save of an untouched form).
    """
    old, new = kinds.changed(before, kinds.snapshot(row))
    if not old and not new:
        return None
    kind = kinds.kind_of(row)
    return entry(
        kind.code,
        action,
        kinds.identity(row),
        kinds.title(row),
        old,
        new,
        model_uuid=kinds.model_uuid(row),
        year=_year(row),
    )


def deleting(row: BaseModel, *, action: str = "delete") -> Change:
    """``row`` is about to be deleted: its whole snapshot is kept as the entry's «before».  Call before deleting."""
    kind = kinds.kind_of(row)
    return entry(
        kind.code,
        action,
        kinds.identity(row),
        kinds.title(row),
        kinds.snapshot(row),
        None,
        model_uuid=kinds.model_uuid(row),
        year=_year(row),
    )
