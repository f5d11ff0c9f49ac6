"""Appraisal tables: criteria sets, council, scores, overrides, decisions.

They are created by schema version 2 in ``desktop_app.storage.migrations``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee as pw

from ..storage.models import BaseModel, Level, MoHinh, new_uuid, now


class CriteriaSet(BaseModel):
    uuid = pw.CharField(unique=True, default=new_uuid)
    year = pw.IntegerField(index=True)
    kind = pw.CharField()  # tap_the | ca_nhan
    level = pw.ForeignKeyField(Level, null=True, on_delete="SET NULL")
    name = pw.CharField()
    is_default = pw.BooleanField(default=False)
    requires_grade = pw.CharField(default="Đạt")  # lowest grade that can be recognised; "" = no grade needed
    thresholds = pw.TextField()  # JSON [[name, min_points], ...]
    trim_extremes = pw.BooleanField(default=False)
    if TYPE_CHECKING:  # added by peewee; see storage.models.BaseModel
        level_id: pw.ForeignKeyField[int | None]
        criteria: pw.ModelSelect[Criterion]


class Criterion(BaseModel):
    uuid = pw.CharField(unique=True, default=new_uuid)
    criteria_set = pw.ForeignKeyField(CriteriaSet, backref="criteria", on_delete="CASCADE")
    if TYPE_CHECKING:
        criteria_set_id: pw.ForeignKeyField[int]
    order = pw.IntegerField(default=0)
    group = pw.CharField(default="")
    text = pw.TextField()
    guidance = pw.TextField(default="")
    max_points = pw.FloatField()


class CouncilMember(BaseModel):
    uuid = pw.CharField(unique=True, default=new_uuid)
    year = pw.IntegerField(index=True)
    name = pw.CharField()
    title = pw.CharField(default="")
    role = pw.CharField(default="Ủy viên")
    field_ids = pw.TextField(default="[]")  # JSON list; empty = every field
    sort_order = pw.IntegerField(default=0)


class Conflict(BaseModel):
    member = pw.ForeignKeyField(CouncilMember, backref="conflicts", on_delete="CASCADE")
    model = pw.ForeignKeyField(MoHinh, on_delete="CASCADE")
    reason = pw.TextField(default="")
    if TYPE_CHECKING:
        member_id: pw.ForeignKeyField[int]
        model_id: pw.ForeignKeyField[int]

    class Meta:
        indexes = ((("member", "model"), True),)


class Score(BaseModel):
    member = pw.ForeignKeyField(CouncilMember, on_delete="CASCADE")
    model = pw.ForeignKeyField(MoHinh, on_delete="CASCADE")
    criterion = pw.ForeignKeyField(Criterion, on_delete="CASCADE")
    keying = pw.IntegerField(default=1)  # 1 = first entry; 2 = re-typed paper sheet to compare
    points = pw.FloatField()
    updated_at = pw.DateTimeField(default=now)
    if TYPE_CHECKING:
        member_id: pw.ForeignKeyField[int]
        model_id: pw.ForeignKeyField[int]
        criterion_id: pw.ForeignKeyField[int]

    class Meta:
        indexes = ((("member", "model", "criterion", "keying"), True),)


class Override(BaseModel):
    model = pw.ForeignKeyField(MoHinh, unique=True, on_delete="CASCADE")
    if TYPE_CHECKING:
        model_id: pw.ForeignKeyField[int]
    grade = pw.CharField(default="")  # "" = keep the computed grade
    recognised = pw.BooleanField(null=True)  # None = follow the grade
    outstanding = pw.BooleanField(default=False)  # "tiêu biểu"
    reason = pw.TextField(default="")
    at = pw.DateTimeField(default=now)


class Decision(BaseModel):
    uuid = pw.CharField(unique=True, default=new_uuid)
    year = pw.IntegerField(unique=True)
    number = pw.CharField()
    date = pw.DateField()
    issuing_body = pw.CharField(default="")
    signer_name = pw.CharField(default="")
    signer_title = pw.CharField(default="")
    authority = pw.CharField(default="")
    locked = pw.BooleanField(default=True)
    snapshot = pw.TextField(default="{}")  # the frozen criteria, scores, rule and results
    created_at = pw.DateTimeField(default=now)


APPRAISAL_TABLES = [CriteriaSet, Criterion, CouncilMember, Conflict, Score, Override, Decision]
