"""What the upper office keeps of the packages it merged (schema 7).

The offices themselves are a catalogue in the core tables (:class:`~desktop_app.storage.models.SourceOffice`);
here is each package received (so the dashboard knows who has sent which year) and the sender's own
appraisal of each model it sent, kept as evidence beside the model rather than mixed into this office's
council scores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee as pw

from ..storage.models import BaseModel, MoHinh, SourceOffice, now


class ReceivedPackage(BaseModel):
    office = pw.ForeignKeyField(SourceOffice, backref="packages", on_delete="CASCADE")
    year = pw.IntegerField(index=True)
    file_name = pw.CharField(default="")
    sha256 = pw.CharField(index=True)  # of the whole .dvk file: the same file merged twice is known
    created_at = pw.DateTimeField()  # when the sender made it
    received_at = pw.DateTimeField(default=now)
    counts = pw.TextField(default="{}")  # JSON: added, updated, unchanged, conflicts, rejected
    batch = pw.IntegerField(null=True)  # the history batch of the merge
    if TYPE_CHECKING:
        office_id: pw.ForeignKeyField[int]


class ReceivedAppraisal(BaseModel):
    model = pw.ForeignKeyField(MoHinh, unique=True, backref="received_appraisal", on_delete="CASCADE")
    office = pw.ForeignKeyField(SourceOffice, on_delete="CASCADE")
    data = pw.TextField(default="{}")  # JSON, format.PackageData.appraisals item
    if TYPE_CHECKING:
        model_id: pw.ForeignKeyField[int]
        office_id: pw.ForeignKeyField[int]


EXCHANGE_TABLES: list[type[BaseModel]] = [ReceivedPackage, ReceivedAppraisal]
