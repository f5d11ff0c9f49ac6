"""History and trash tables (schema 6).

A :class:`ChangeBatch` is one user action (a save, a status change of 40 models, an import); its
:class:`Change` rows are the records it touched, each with the fields before and after.  A deleted
model, unit or council member waits in :class:`TrashItem` with everything that hung on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee as pw

from ..storage.models import BaseModel, now


class ChangeBatch(BaseModel):
    at = pw.DateTimeField(default=now, index=True)
    user = pw.CharField(default="")
    label = pw.CharField(default="")  # what the user did, in Vietnamese: «Nhập từ tệp ds.xlsx»
    action = pw.CharField(default="")  # one of record.BULK_ACTIONS, or "" for a single edit
    undoable = pw.BooleanField(default=False)  # a bulk action the list's «Hoàn tác» may take back
    undoes = pw.IntegerField(null=True)  # the batch this one took back (an undo, or the redo of an undo)
    undone_by = pw.IntegerField(null=True, index=True)  # the batch that took this one back
    is_undo = pw.BooleanField(default=False)  # an undo (its own undo is a redo)


class Change(BaseModel):
    batch = pw.ForeignKeyField(ChangeBatch, backref="changes", on_delete="CASCADE")
    kind = pw.CharField(index=True)  # kinds.KINDS code: "model", "unit", "score_sheet"…
    action = pw.CharField(index=True)  # record.ACTIONS code
    record_uuid = pw.CharField(index=True)
    label = pw.TextField(default="")  # the record's name when the change was made
    model_uuid = pw.CharField(null=True, index=True)  # the model it concerns (a score sheet's, an override's)
    year = pw.IntegerField(null=True)
    before = pw.TextField(null=True)  # JSON: the changed fields only for an update, every field for a delete
    after = pw.TextField(null=True)
    search_fold = pw.TextField(default="")  # folded label and user, for the history's text filter
    if TYPE_CHECKING:
        batch_id: pw.ForeignKeyField[int]


class TrashItem(BaseModel):
    kind = pw.CharField()  # "model", "unit", "council_member"
    record_uuid = pw.CharField(index=True)
    label = pw.TextField(default="")
    year = pw.IntegerField(null=True)
    deleted_at = pw.DateTimeField(default=now, index=True)
    user = pw.CharField(default="")
    batch = pw.IntegerField(null=True, index=True)  # the ChangeBatch that deleted it
    payload = pw.TextField()  # JSON: the record and everything that hung on it
    files = pw.TextField(default="[]")  # JSON: stored names of its evidence files, kept until the trash is emptied


HISTORY_TABLES = [ChangeBatch, Change, TrashItem]
