"""peewee tables of the core.  Declared without a database; bound by :mod:`.database`.

Every record that may travel between offices carries a stable ``uuid``.  Text that
is searched or matched has a ``*_fold`` twin (see :func:`desktop_app.text.fold`).
"""

from __future__ import annotations

import uuid as _uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

import peewee as pw

# domain is a leaf module (no imports), so storage may take its codes without a cycle.
from ..domain import KIND_COLLECTIVE, REGISTERED
from ..text import fold, sort_key_text

database_proxy = pw.DatabaseProxy()


def new_uuid() -> str:
    return str(_uuid.uuid4())


def now() -> datetime:
    return datetime.now().replace(microsecond=0)


class BaseModel(pw.Model):
    # peewee adds these attributes at class creation; declared here only so mypy knows their types.
    # Class access gives the field (for queries), instance access the value, as the stubs' descriptors say.
    if TYPE_CHECKING:
        id: pw.AutoField[int]

    class Meta:
        database = database_proxy
        legacy_table_names = False


class Setting(BaseModel):
    """Key → JSON text.  Holds the office details so they travel with the database file."""

    key = pw.CharField(primary_key=True)
    value = pw.TextField()


class CatalogueModel(BaseModel):
    uuid = pw.CharField(unique=True, default=new_uuid)
    name = pw.CharField()
    name_fold = pw.CharField(index=True)
    sort_order = pw.IntegerField(default=0)
    active = pw.BooleanField(default=True)

    def save(self, *args: Any, **kwargs: Any) -> int:
        self.name_fold = fold(self.name)
        return super().save(*args, **kwargs)


class Level(CatalogueModel):
    """Cấp: Cơ sở (xã, phường), Huyện (historical), Tỉnh, and agencies' own levels."""


class Field(CatalogueModel):
    """Lĩnh vực: Kinh tế; Văn hóa - xã hội; Quốc phòng - an ninh; Xây dựng hệ thống chính trị."""


class UnitKind(CatalogueModel):
    """Loại đơn vị: tổ chức đảng, chính quyền, đoàn thể, hội cấp xã, lực lượng vũ trang..."""


class IndicatorCategory(CatalogueModel):
    """What an indicator counts, so that reports add like with like (schema 4): "Tiền vận động", "Hộ được hỗ trợ"…

    ``unit_of_measure`` is the unit the category's total is given in ("đồng", "hộ", "người").
    """

    unit_of_measure = pw.CharField(default="", constraints=[pw.SQL("DEFAULT ''")])


class SourceOffice(CatalogueModel):
    """An office below this one that sends its year as an exchange package (schema 7).

    ``uuid`` is the sending office's own (its ``office.uuid`` setting), so a second package from the same
    office is known whatever it is called now.  Records that came in a package point here; records made
    here have no source office.
    """

    area_name = pw.CharField(default="")
    level = pw.CharField(default="")  # the sender's own level as it wrote it ("Xã", "Huyện")
    note = pw.TextField(default="")


class Unit(BaseModel):
    """A registering unit; units form a tree (huyện → xã → thôn)."""

    uuid = pw.CharField(unique=True, default=new_uuid)
    name = pw.CharField()
    name_fold = pw.CharField(index=True)
    name_sort = pw.CharField(index=True, default="")
    kind = pw.ForeignKeyField(UnitKind, null=True, on_delete="SET NULL")
    level = pw.ForeignKeyField(Level, null=True, on_delete="SET NULL")
    parent = pw.ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    address = pw.CharField(default="")
    note = pw.TextField(default="")
    active = pw.BooleanField(default=True)
    # The office whose package brought the unit (schema 7); none: the unit is this office's own.
    source_office = pw.ForeignKeyField(SourceOffice, null=True, on_delete="SET NULL")
    if TYPE_CHECKING:
        source_office_id: pw.ForeignKeyField[int | None]
        kind_id: pw.ForeignKeyField[int | None]
        level_id: pw.ForeignKeyField[int | None]
        parent_id: pw.ForeignKeyField[int | None]
        children: pw.ModelSelect[Unit]

    def save(self, *args: Any, **kwargs: Any) -> int:
        self.name_fold = fold(self.name)
        self.name_sort = sort_key_text(self.name)
        return super().save(*args, **kwargs)


class Year(BaseModel):
    """A movement year (đợt đăng ký), with its plan reference."""

    year = pw.IntegerField(unique=True)
    title = pw.CharField(default="")
    note = pw.TextField(default="")


class MoHinh(BaseModel):
    """A registered mô hình (collective, ``kind='tap_the'``) or điển hình (individual, ``'ca_nhan'``)."""

    uuid = pw.CharField(unique=True, default=new_uuid)
    year = pw.IntegerField(index=True)
    name = pw.TextField()
    name_fold = pw.TextField(index=True)
    name_sort = pw.TextField(index=True, default="")  # text.sort_key_text: Vietnamese order, binary compare
    kind = pw.CharField(default=KIND_COLLECTIVE, index=True)
    field = pw.ForeignKeyField(Field, null=True, on_delete="RESTRICT")
    level = pw.ForeignKeyField(Level, null=True, on_delete="RESTRICT")
    unit = pw.ForeignKeyField(Unit, null=True, on_delete="RESTRICT")
    status = pw.CharField(default=REGISTERED, index=True)
    address = pw.TextField(default="")  # địa chỉ cụ thể
    # Registration form (2026 ward form order).
    situation = pw.TextField(default="")  # thực trạng, lý do
    objectives = pw.TextField(default="")  # mục tiêu, tiêu chí đánh giá
    content = pw.TextField(default="")  # nội dung, cách thức thực hiện
    area = pw.TextField(default="")  # địa bàn, đối tượng
    forces = pw.TextField(default="")  # lực lượng thực hiện
    resources = pw.TextField(default="")  # nguồn lực
    start_date = pw.DateField(null=True)
    end_date = pw.DateField(null=True)
    milestones = pw.TextField(default="")  # các mốc thời gian
    outputs = pw.TextField(default="")  # sản phẩm, kết quả đầu ra
    sustainability = pw.TextField(default="")  # khả năng duy trì, nhân rộng
    result_text = pw.TextField(default="")  # kết quả đạt được (free text)
    lead_name = pw.CharField(default="")  # người phụ trách
    lead_position = pw.CharField(default="")
    lead_phone = pw.CharField(default="")
    person_name = pw.CharField(default="")  # điển hình cá nhân
    # "Ông" / "Bà" for certificates (schema 3).  The SQL default lets ALTER TABLE add the column
    # NOT NULL to a filled table without rebuilding it.
    person_honorific = pw.CharField(default="", constraints=[pw.SQL("DEFAULT ''")])
    person_birth_year = pw.IntegerField(null=True)
    person_position = pw.CharField(default="")
    person_address = pw.CharField(default="")
    note = pw.TextField(default="")
    continues = pw.ForeignKeyField("self", null=True, backref="continued_by", on_delete="SET NULL")
    replicates = pw.ForeignKeyField("self", null=True, backref="replicated_by", on_delete="SET NULL")
    search_fold = pw.TextField(default="", index=True)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)
    # Raised by every write (schema 5): a save carrying the version its editor loaded is refused once
    # the row has moved on, instead of silently overwriting someone else's save.
    version = pw.IntegerField(default=1, constraints=[pw.SQL("DEFAULT 1")])
    # Schema 7: the office whose package brought the model (none: registered here), and the SHA-256 of
    # the model as that package carried it, so a later package tells a change made here from one made there.
    source_office = pw.ForeignKeyField(SourceOffice, null=True, on_delete="SET NULL")
    source_hash = pw.CharField(default="", constraints=[pw.SQL("DEFAULT ''")])
    if TYPE_CHECKING:
        source_office_id: pw.ForeignKeyField[int | None]
        field_id: pw.ForeignKeyField[int | None]
        level_id: pw.ForeignKeyField[int | None]
        unit_id: pw.ForeignKeyField[int | None]
        continues_id: pw.ForeignKeyField[int | None]
        replicates_id: pw.ForeignKeyField[int | None]
        continued_by: pw.ModelSelect[MoHinh]
        replicated_by: pw.ModelSelect[MoHinh]
        indicators: pw.ModelSelect[Indicator]
        attachments: pw.ModelSelect[Attachment]
        status_history: pw.ModelSelect[StatusChange]


class Indicator(BaseModel):
    """A measured result: "26 phương tiện", "620 triệu đồng", "99,16 %"."""

    uuid = pw.CharField(unique=True, default=new_uuid)
    model = pw.ForeignKeyField(MoHinh, backref="indicators", on_delete="CASCADE")
    if TYPE_CHECKING:
        model_id: pw.ForeignKeyField[int]
    name = pw.CharField()
    unit_of_measure = pw.CharField(default="")
    target = pw.FloatField(null=True)
    achieved = pw.FloatField(null=True)
    sort_order = pw.IntegerField(default=0)
    note = pw.CharField(default="")
    # What the indicator counts (schema 4); none: it is shown on the model but added to no report total.
    category = pw.ForeignKeyField(IndicatorCategory, null=True, on_delete="SET NULL")
    if TYPE_CHECKING:
        category_id: pw.ForeignKeyField[int | None]


class Attachment(BaseModel):
    """Evidence stored as a file beside the database (``<db>.files/``), never as a blob."""

    uuid = pw.CharField(unique=True, default=new_uuid)
    model = pw.ForeignKeyField(MoHinh, backref="attachments", on_delete="CASCADE")
    if TYPE_CHECKING:
        model_id: pw.ForeignKeyField[int]
    original_name = pw.CharField()
    stored_name = pw.CharField()  # relative to the attachments folder
    sha256 = pw.CharField(index=True)
    size = pw.IntegerField(default=0)
    caption = pw.CharField(default="")
    added_at = pw.DateTimeField(default=now)


class StatusChange(BaseModel):
    model = pw.ForeignKeyField(MoHinh, backref="status_history", on_delete="CASCADE")
    if TYPE_CHECKING:
        model_id: pw.ForeignKeyField[int]
    from_status = pw.CharField(default="")
    to_status = pw.CharField()
    reason = pw.TextField(default="")
    changed_at = pw.DateTimeField(default=now)  # when it was typed
    # When it happened (schema 4): the registration's date, the decision's date.  Null in older files,
    # where only the typing time is known.
    event_date = pw.DateField(null=True)


class ProgressEntry(BaseModel):
    """One follow-up report on a model during its year (schema 8): the six-month sơ kết, a progress check.

    ``values`` holds the indicators reached so far as JSON ``{indicator uuid: amount}`` (uuids, so the entry
    survives a trash round trip and an exchange package); ``status`` is a traffic light, domain.PROGRESS_STATUSES.
    """

    uuid = pw.CharField(unique=True, default=new_uuid)
    model = pw.ForeignKeyField(MoHinh, backref="progress", on_delete="CASCADE")
    if TYPE_CHECKING:
        model_id: pw.ForeignKeyField[int]
    report_date = pw.DateField(index=True)  # the date the unit reported as of
    done = pw.TextField(default="")  # what was done since the last report
    values = pw.TextField(default="{}")
    status = pw.CharField(default="")
    note = pw.TextField(default="")
    created_at = pw.DateTimeField(default=now)


class AuditLog(BaseModel):
    """Actions that must be traceable later: criteria edited after scoring, decision unlocks..."""

    at = pw.DateTimeField(default=now)
    action = pw.CharField()
    detail = pw.TextField(default="")


CORE_TABLES = [
    Setting,
    Level,
    Field,
    UnitKind,
    IndicatorCategory,
    SourceOffice,
    Unit,
    Year,
    MoHinh,
    Indicator,
    Attachment,
    StatusChange,
    ProgressEntry,
    AuditLog,
]
