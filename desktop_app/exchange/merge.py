"""Merging a package from an office below: a preview that writes nothing, then one transaction or nothing.

:func:`plan_merge` reads the package and says, model by model, what applying it would do; :func:`apply_merge`
does exactly that (or refuses when the data has moved on since the preview), after a verified backup, in one
history batch that «Hoàn tác» takes back as a whole.

How a model is judged (by uuid: a model keeps its uuid wherever it travels):

- not here → **added**, attributed to the sending office (``MoHinh.source_office``);
- here as this office's own model, or as another office's → **rejected**, with the reason;
- here from this office and the package's version hashes to our ``source_hash`` → **unchanged**;
- the package's version changed and ours hashes to ``source_hash`` (nobody edited it here) → **updated**;
- both changed → **conflict**: ours is kept unless the user accepts the incoming one (kept, ``source_hash`` still
  becomes the package's, so the same version sent again is unchanged, not asked about twice);
- a model of this office and year that the package no longer carries → **removed** (to the trash, so the
  history and the trash keep it).

The content hash (:func:`content_hash`) is taken over what travels and can be written back identically: every
column and child row of the model snapshot except what is local to one database — ``id``, ``version``,
``updated_at`` and the folded keys (never in a snapshot), ``source_office`` and ``source_hash`` (the sender's own
attribution means nothing here), an attachment's ``stored_name`` (the file may be renamed here to avoid a clash)
and the links ``continues`` / ``replicates`` (to a model that may not be here; they are written when it is).
References to catalogues and units are hashed as the local record they resolve to (:class:`Resolver`: by uuid,
else by name), so a catalogue item renamed here, or matched by name to one of ours, does not look like an edit.
Status history and its dates are kept in the hash: a status changed here (the upper office recognised the model)
is an edit here like any other.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid as _uuid
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import peewee as pw

from .. import domain
from ..errors import AppError
from ..history import kinds, record, trash
from ..history.kinds import Snapshot
from ..history.tables import ChangeBatch, TrashItem
from ..services import attachments as attachment_files
from ..services import autobackup
from ..services.backup_manifest import name_problem
from ..services.models import models_fingerprint
from ..storage.models import (
    BaseModel,
    CatalogueModel,
    Field,
    IndicatorCategory,
    Level,
    MoHinh,
    Setting,
    SourceOffice,
    Unit,
    UnitKind,
)
from ..tasks import TaskState
from ..text import fold, format_date, format_number
from . import offices
from .format import FILES_PREFIX, OFFICE_UUID_SETTING, SenderOffice
from .offices import SourceOfficeItem
from .reader import Package, read_package
from .tables import ReceivedAppraisal, ReceivedPackage

log = logging.getLogger("dvk.exchange")

STATUSES = ("added", "updated", "unchanged", "conflict", "rejected", "removed")
# The JSON key of each status's list (and of its count).
JSON_KEYS = {
    "added": "added",
    "updated": "updated",
    "unchanged": "unchanged",
    "conflict": "conflicts",
    "rejected": "rejected",
    "removed": "removed",
}
BACKUP_REASON = "nhan-goi"

MODEL_KIND = kinds.KINDS["model"]
CATALOGUE_TABLES: dict[str, type[CatalogueModel]] = {
    "field": Field,
    "level": Level,
    "unit_kind": UnitKind,
    "indicator_category": IndicatorCategory,
}
# Model columns that point at a catalogue item or a unit: hashed and shown by name.
MODEL_REFS = {"field": "field", "level": "level", "unit": "unit"}
LOCAL_ONLY = frozenset({"source_office", "source_hash", "continues", "replicates"})
LINKS = ("continues", "replicates")
EMPTY = "(trống)"
_CHUNK = 500  # uuids per IN (…): under SQLite's parameter limit on any build
_MODEL_KEYS = frozenset(MoHinh._meta.fields) | {child.key for child in MODEL_KIND.children}


class StalePlan(AppError):
    """The preview no longer says what applying it would do."""


# ----------------------------------------------------------------- what the preview holds


@dataclass(frozen=True)
class Difference:
    field: str  # the snapshot's field code ("name", "indicators", "attachments", "status_history"…)
    label: str  # Vietnamese
    local: str  # display text of the version here
    incoming: str  # display text of the version in the package

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "label": self.label, "local": self.local, "incoming": self.incoming}


@dataclass
class MergeItem:
    uuid: str
    name: str
    unit: str  # the unit's name as the package gives it
    status: str  # one of STATUSES
    differences: list[Difference] = field(default_factory=list)
    reason: str = ""  # why it is rejected
    kind: str = ""  # domain.KIND_* code

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"uuid": self.uuid, "name": self.name, "unit": self.unit}
        if self.status in ("conflict", "updated"):
            out["differences"] = [d.to_json() for d in self.differences]
        if self.status == "rejected":
            out["reason"] = self.reason
        return out


def _counts(items: list[MergeItem]) -> dict[str, int]:
    counts = dict.fromkeys(JSON_KEYS.values(), 0)
    for item in items:
        counts[JSON_KEYS[item.status]] += 1
    return counts


def _lists(items: list[MergeItem]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {key: [] for key in JSON_KEYS.values()}
    for item in items:
        out[JSON_KEYS[item.status]].append(item.to_json())
    return out


def _office_json(office: SourceOfficeItem | None, sender: SenderOffice, *, new: bool) -> dict[str, Any]:
    """The sending office, the same shape in the preview and after the merge.  ``new``: not in the catalogue before."""
    return {
        "id": office.id if office else None,
        "uuid": sender.uuid,
        "name": office.name if office else sender.name,
        "sender_name": sender.name,
        "area_name": sender.area_name,
        "level": sender.level,
        "new": new,
    }


@dataclass
class MergePlan:
    package: Package
    office: SourceOfficeItem | None  # the catalogue's office it comes from; None: a new office
    items: list[MergeItem]
    already_received: bool = False  # this very file was merged: nothing to do
    older: bool = False  # a newer package of this office and year was merged: refused
    warnings: list[str] = field(default_factory=list)
    own: bool = False  # the package was made by this very office: refused
    fingerprint: tuple[Any, ...] = ()
    plan_id: str = field(default_factory=lambda: str(_uuid.uuid4()))
    applied: bool = False

    @property
    def year(self) -> int:
        return int(self.package.manifest.year)

    @property
    def file_name(self) -> str:
        return Path(self.package.path).name

    @property
    def office_name(self) -> str:
        return self.office.name if self.office else self.package.manifest.office.name

    def counts(self) -> dict[str, int]:
        return _counts(self.items)

    def by_status(self, status: str) -> list[MergeItem]:
        return [i for i in self.items if i.status == status]

    def conflicts(self) -> list[MergeItem]:
        return self.by_status("conflict")

    def to_json(self) -> dict[str, Any]:
        return {
            **_lists(self.items),
            "office": _office_json(self.office, self.package.manifest.office, new=self.office is None),
            "year": self.year,
            "file": str(self.package.path),
            "counts": self.counts(),
            "already_received": self.already_received,
            "older": self.older,
            "warnings": list(self.warnings),
        }


@dataclass
class MergeResult:
    counts: dict[str, int]
    items: list[MergeItem]  # as applied: an accepted conflict is "updated", a kept one stays "conflict"
    backup: Path | None
    batch: int | None  # the history batch; None when nothing was written
    office: SourceOfficeItem | None
    year: int
    file: str
    warnings: list[str] = field(default_factory=list)
    sender: SenderOffice | None = None  # as the package names it
    new_office: bool = False  # the merge added the office to the catalogue

    def to_json(self) -> dict[str, Any]:
        return {
            **_lists(self.items),
            "office": None if self.sender is None else _office_json(self.office, self.sender, new=self.new_office),
            "year": self.year,
            "file": self.file,
            "counts": dict(self.counts),
            "backup": None if self.backup is None else str(self.backup),
            "batch": self.batch,
            "warnings": list(self.warnings),
        }


# ----------------------------------------------------------------- comparing versions


def _ref_names(refs: Mapping[str, list[dict[str, Any]]]) -> dict[str, dict[str, str]]:
    return {code: {str(r.get("uuid")): str(r.get("name") or "") for r in rows} for code, rows in refs.items()}


Namer = Callable[[str, Any], str | None]  # (ref kind code, uuid) → the record's name, or its key for the hash


def _package_namer(refs: Mapping[str, list[dict[str, Any]]]) -> Namer:
    names = _ref_names(refs)

    def name(code: str, value: Any) -> str | None:
        if value is None or value == "":
            return None
        return names.get(code, {}).get(str(value), str(value))

    return name


def _local_namer() -> Namer:
    tables: dict[str, type[BaseModel]] = {**CATALOGUE_TABLES, "unit": Unit}
    cache: dict[tuple[str, str], str | None] = {}

    def name(code: str, value: Any) -> str | None:
        if value is None or value == "":
            return None
        key = (code, str(value))
        if key not in cache:
            table = tables[code]
            found = table.select(table.name).where(table.uuid == value).scalar()  # type: ignore[attr-defined]
            cache[key] = str(found) if found is not None else str(value)
        return cache[key]

    return name


def comparable(snap: Snapshot, namer: Namer) -> dict[str, Any]:
    """The snapshot as compared and hashed: local-only fields out, references through ``namer`` (names to show
    the differences, resolved uuids to hash)."""
    out: dict[str, Any] = {}
    for name, value in snap.items():
        if name in LOCAL_ONLY or name not in _MODEL_KEYS:
            continue  # a key this program does not store could never compare equal once written
        if name in MODEL_REFS:
            out[name] = namer(MODEL_REFS[name], value)
        elif name == "indicators":
            out[name] = [
                {k: (namer("indicator_category", v) if k == "category" else v) for k, v in item.items()}
                for item in value or []
            ]
        elif name == "attachments":
            out[name] = [{k: v for k, v in item.items() if k != "stored_name"} for item in value or []]
        else:
            out[name] = value
    return out


def local_key(code: str, value: Any) -> str | None:
    """A reference of a model here, as hashed: the record's own uuid."""
    return None if value is None or value == "" else str(value)


class Resolver:
    """Where each reference of a package lands here: the local record it is written to, found (never created).

    A catalogue item by uuid, else by folded name; a unit by uuid, else by name among the office's units; else
    the package's own uuid, which is the uuid the merge creates it under.  The merge writes through the same
    lookups, so a model hashes the same in the package (references resolved) and here once written.
    """

    def __init__(self, refs: Mapping[str, list[dict[str, Any]]], office_id: int | None) -> None:
        self.refs = {code: {str(r.get("uuid")): r for r in rows} for code, rows in refs.items()}
        self.office_id = office_id
        self.cache: dict[tuple[str, str], BaseModel | None] = {}

    def ref(self, code: str, value: str) -> dict[str, Any]:
        return self.refs.get(code, {}).get(value, {})

    def find(self, code: str, value: Any) -> BaseModel | None:
        key = (code, str(value))
        if key not in self.cache:
            name = str(self.ref(code, str(value)).get("name") or "")
            if code == "unit":
                row: BaseModel | None = Unit.get_or_none(Unit.uuid == value)
                if row is None and name and self.office_id is not None:
                    row = Unit.get_or_none((Unit.name_fold == fold(name)) & (Unit.source_office == self.office_id))
            else:
                table = CATALOGUE_TABLES[code]
                row = table.get_or_none(table.uuid == value)
                if row is None and name:
                    row = table.get_or_none(table.name_fold == fold(name))
            self.cache[key] = row
        return self.cache[key]

    def remember(self, code: str, value: Any, row: BaseModel) -> None:
        self.cache[(code, str(value))] = row

    def key(self, code: str, value: Any) -> str | None:
        if value is None or value == "":
            return None
        row = self.find(code, value)
        if row is not None:
            return str(row.uuid)  # type: ignore[attr-defined]
        # Created under the package's uuid; a reference the package does not even name is dropped.
        return str(value) if self.ref(code, str(value)).get("name") else None


def content_hash(snap: Snapshot, key: Namer) -> str:
    """SHA-256 of what travels of a model (see the module's note): equal here and in the package when unchanged.

    ``key``: :func:`local_key` for a model here, :meth:`Resolver.key` for a model in a package.
    """
    text = json.dumps(comparable(snap, key), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _display(name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    column = MoHinh._meta.fields.get(name)
    if name == "status":
        return domain.status_label(str(value))
    if name == "kind":
        return domain.kind_label(str(value))
    if isinstance(column, pw.DateTimeField):
        try:
            return datetime.fromisoformat(str(value)).strftime("%d/%m/%Y %H:%M")
        except ValueError:
            return str(value)
    if isinstance(column, pw.DateField):
        return _date_text(value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _date_text(value: Any) -> str:
    if not value:
        return ""
    try:
        return format_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def _indicators_text(items: list[dict[str, Any]]) -> str:
    parts = []
    for item in items:
        unit = f" {item['unit_of_measure']}" if item.get("unit_of_measure") else ""
        achieved = format_number(item.get("achieved")) if item.get("achieved") is not None else "—"
        target = f" / chỉ tiêu {format_number(item['target'])}" if item.get("target") is not None else ""
        parts.append(f"{item.get('name', '')}: {achieved}{unit}{target}")
    return "; ".join(parts) or EMPTY


def _attachments_text(items: list[dict[str, Any]], other: list[dict[str, Any]]) -> str:
    known = {(a.get("original_name"), a.get("sha256")) for a in other}
    names = {a.get("original_name") for a in other}
    parts = []
    for item in items:
        text = str(item.get("original_name") or "")
        if item.get("caption"):
            text += f" ({item['caption']})"
        if item.get("original_name") in names and (item.get("original_name"), item.get("sha256")) not in known:
            text += " [nội dung tệp khác]"
        parts.append(text)
    return "; ".join(parts) or EMPTY


def _statuses_text(items: list[dict[str, Any]]) -> str:
    parts = []
    for item in items:
        when = _date_text(item.get("event_date") or item.get("changed_at"))
        label = domain.status_label(str(item.get("to_status") or ""))
        parts.append(f"{when}: {label}" if when else label)
    return "; ".join(parts) or EMPTY


def differences(local: dict[str, Any], incoming: dict[str, Any]) -> list[Difference]:
    """The fields in which two comparable versions differ, as display text, in the form's order."""
    names = list(MODEL_KIND.labels) + [n for n in {**local, **incoming} if n not in MODEL_KIND.labels]
    out: list[Difference] = []
    for name in names:
        ours, theirs = local.get(name), incoming.get(name)
        if ours == theirs or name == "uuid":
            continue
        if name == "indicators":
            left, right = _indicators_text(ours or []), _indicators_text(theirs or [])
        elif name == "attachments":
            left, right = _attachments_text(ours or [], theirs or []), _attachments_text(theirs or [], ours or [])
        elif name == "status_history":
            left, right = _statuses_text(ours or []), _statuses_text(theirs or [])
        else:
            left, right = _display(name, ours), _display(name, theirs)
        out.append(Difference(name, MODEL_KIND.label_of(name), left, right))
    return out


# ----------------------------------------------------------------- the preview


def own_office_uuid() -> str | None:
    """This database's uuid as a sender, if it ever made a package (read only: a preview writes nothing)."""
    row = Setting.get_or_none(Setting.key == OFFICE_UUID_SETTING)
    if row is None:
        return None
    try:
        value = json.loads(row.value)
    except ValueError:
        value = row.value
    return str(value).strip() if value else None


def _fingerprint() -> tuple[Any, ...]:
    received = ReceivedPackage.select(pw.fn.COUNT(ReceivedPackage.id), pw.fn.MAX(ReceivedPackage.id)).tuples()[0]
    office = SourceOffice.select(pw.fn.COUNT(SourceOffice.id), pw.fn.MAX(SourceOffice.id)).tuples()[0]
    return (*models_fingerprint(), *received, *office)


def match_office(uuid: str, name: str) -> SourceOffice | None:
    """By uuid; else an active office added by hand under the same name that has received no package yet."""
    row = SourceOffice.get_or_none(SourceOffice.uuid == uuid)
    if row is not None:
        return row
    for candidate in SourceOffice.select().where(
        (SourceOffice.name_fold == fold(name)) & (SourceOffice.active == True)  # noqa: E712
    ):
        if not ReceivedPackage.select().where(ReceivedPackage.office == candidate.id).exists():
            return candidate
    return None


def _created_at(text: str) -> datetime:
    try:
        # To the microsecond: two packages made within one second are still ordered, and never the same file.
        return datetime.fromisoformat(str(text)).replace(tzinfo=None)
    except ValueError:
        return datetime.now().replace(microsecond=0)


def _who(row: MoHinh) -> str:
    if row.source_office_id is None:
        return "của chính cơ quan mình"
    office = SourceOffice.get_or_none(SourceOffice.id == row.source_office_id)
    return f"đã nhận từ «{office.name if office else '?'}»"


def _existing(uuids: list[str]) -> dict[str, MoHinh]:
    """The models here that have one of ``uuids``, in a few queries rather than one per model."""
    found: dict[str, MoHinh] = {}
    for start in range(0, len(uuids), _CHUNK):
        for row in MoHinh.select().where(MoHinh.uuid.in_(uuids[start : start + _CHUNK])):
            found[row.uuid] = row
    return found


def _trashed(uuids: list[str]) -> dict[str, TrashItem]:
    """Models of ``uuids`` that a user deleted here and that wait in the trash (not those an earlier package
    dropped: the office may well send them again)."""
    found: dict[str, TrashItem] = {}
    by_merge = ChangeBatch.select(ChangeBatch.id).where(ChangeBatch.action == "package_import")
    for start in range(0, len(uuids), _CHUNK):
        query = TrashItem.select().where(
            (TrashItem.kind == "model")
            & TrashItem.record_uuid.in_(uuids[start : start + _CHUNK])
            & (TrashItem.batch.is_null() | TrashItem.batch.not_in(by_merge))
        )
        for row in query:
            found[row.record_uuid] = row
    return found


def _item_for(
    snap: Snapshot,
    row: MoHinh | None,
    office: SourceOffice | None,
    year: int,
    pkg_namer: Namer,
    local_namer: Namer,
    resolver: Resolver,
) -> MergeItem:
    uuid = str(snap.get("uuid") or "")
    item = MergeItem(uuid, str(snap.get("name") or ""), pkg_namer("unit", snap.get("unit")) or "", "added")
    item.kind = str(snap.get("kind") or "")
    if snap.get("year") != year:
        item.status = "rejected"
        item.reason = f"Mô hình thuộc năm {snap.get('year')}, không phải năm {year} của gói."
        return item
    if row is None:
        return item
    if row.source_office_id is None or office is None or row.source_office_id != office.id:
        item.status = "rejected"
        item.reason = (
            f"Mã mô hình này đã có ở đây («{row.name}», năm {row.year}, {_who(row)}); không nhận đè lên bản đó."
        )
        return item
    incoming_hash = content_hash(snap, resolver.key)
    if incoming_hash == row.source_hash:
        item.status = "unchanged"
        return item
    local_snap = kinds.snapshot(row)
    item.differences = differences(comparable(local_snap, local_namer), comparable(snap, pkg_namer))
    local_hash = content_hash(local_snap, local_key)
    # Edited on both sides to the same thing is no conflict: taking the package's version changes nothing here.
    item.status = "updated" if local_hash in (row.source_hash, incoming_hash) else "conflict"
    return item


def plan_merge(path: Path | str, task: TaskState | None = None) -> MergePlan:
    """Read the package and say what merging it would do.  Writes nothing."""
    package = read_package(path, task)
    manifest = package.manifest
    sender = manifest.office
    year = int(manifest.year)
    office = match_office(sender.uuid, sender.name)
    warnings: list[str] = []
    pkg_namer, local_namer = _package_namer(package.data.refs), _local_namer()
    resolver = Resolver(package.data.refs, office.id if office is not None else None)
    models = package.data.models
    items: list[MergeItem] = []
    here = _existing([str(s.get("uuid") or "") for s in models])
    trashed = _trashed([str(s.get("uuid") or "") for s in models if str(s.get("uuid") or "") not in here])
    for index, snap in enumerate(models, start=1):
        row = here.get(str(snap.get("uuid") or ""))
        item = _item_for(snap, row, office, year, pkg_namer, local_namer, resolver)
        deleted = trashed.get(item.uuid) if row is None and item.status == "added" else None
        if deleted is not None:  # deleted here on purpose: a later package must not bring it back unasked
            item.status = "rejected"
            item.reason = (
                f"Mô hình này đã bị xóa ở đây ngày {format_date(deleted.deleted_at.date())} và đang ở «Thùng rác»; "
                "muốn nhận lại thì khôi phục nó từ Thùng rác rồi nhận gói lần nữa."
            )
        items.append(item)
        if task is not None and index % 50 == 0:
            task.progress(index, len(models), str(snap.get("name") or ""))
    if office is not None:
        carried = {str(s.get("uuid")) for s in models}
        gone = MoHinh.select().where((MoHinh.source_office == office.id) & (MoHinh.year == year))
        for row in gone.order_by(MoHinh.name_sort, MoHinh.id):
            if row.uuid in carried:
                continue
            try:
                trash.ensure_deletable([row])
            except trash.DeleteRefused:
                warnings.append(
                    f"Gói không còn «{row.name}» nhưng mô hình này đã được công nhận theo quyết định đang khóa; "
                    "giữ lại ở đây."
                )
                continue
            unit = Unit.get_or_none(Unit.id == row.unit_id) if row.unit_id else None
            items.append(MergeItem(row.uuid, row.name, unit.name if unit else "", "removed", kind=row.kind))
    plan = MergePlan(package, None if office is None else offices.item(office), items, warnings=warnings)
    plan.own = sender.uuid == own_office_uuid()
    if plan.own:
        warnings.append("Gói này do chính cơ quan này tạo ra; chỉ nhận gói của cơ quan cấp dưới.")
    missing = _missing_files(package)
    if missing:
        warnings.append(
            f"Gói thiếu {format_number(len(missing))} tệp minh chứng (ở cơ quan gửi tệp đã không còn), ví dụ "
            f"«{missing[0]}»; các mô hình vẫn được nhận, tệp thiếu cần xin bổ sung."
        )
    if office is not None:
        for receipt in offices.received(office.id, year):
            if receipt.sha256 == package.sha256:
                plan.already_received = True
                when = receipt.received_at.strftime("%d/%m/%Y %H:%M")
                warnings.append(f"Gói này đã được nhận lúc {when}; nhận lại không thay đổi gì.")
                for item in plan.items:
                    item.status, item.differences, item.reason = "unchanged", [], ""
                plan.items = [i for i in plan.items if i.uuid in {str(s.get("uuid")) for s in models}]
                break
        if not plan.already_received:
            newer = [r for r in offices.received(office.id, year) if r.created_at > _created_at(manifest.created_at)]
            if newer:
                plan.older = True
                made = newer[0].created_at.strftime("%d/%m/%Y %H:%M")
                warnings.append(
                    f"Đã nhận một gói mới hơn của cơ quan này cho năm {year} (lập lúc {made}); gói này cũ hơn, "
                    "không nhận."
                )
    plan.fingerprint = _fingerprint()
    return plan


def _stored_names(snap: Snapshot) -> list[str]:
    return [str(a.get("stored_name") or "") for a in snap.get("attachments") or []]


def _package_has(package: Package, stored: str) -> bool:
    names = set(package.files)
    return stored in names or FILES_PREFIX + stored in names


def _missing_files(package: Package) -> list[str]:
    found: list[str] = []
    for snap in package.data.models:
        for stored in _stored_names(snap):
            if stored and not _package_has(package, stored) and stored not in found:
                found.append(stored)
    return found


# ----------------------------------------------------------------- applying


# Previews applied in this process, by id: a copy of an applied plan is refused as well as the plan itself.
_applied: set[str] = set()


def _refuse(plan: MergePlan) -> None:
    if plan.own:
        raise AppError(
            f"Không nhận gói «{plan.file_name}»: gói do chính cơ quan này tạo ra; chỉ nhận gói của cơ quan cấp dưới."
        )
    if plan.older:
        raise AppError(
            f"Không nhận gói «{plan.file_name}»: đã nhận một gói mới hơn của «{plan.office_name}» cho năm "
            f"{plan.year}. Hãy xin cơ quan đó gửi gói mới nhất."
        )


def _refuse_stale(plan: MergePlan) -> None:
    """Inside the write transaction, so nothing can change between this check and the rows written."""
    if plan.applied or plan.plan_id in _applied:
        raise StalePlan("Bản xem trước đã cũ: gói này vừa được nhận theo bản xem trước đó; hãy xem trước lại.")
    if _fingerprint() != plan.fingerprint:
        raise StalePlan(
            "Bản xem trước đã cũ: dữ liệu đã thay đổi sau lúc xem trước (có người vừa thêm, sửa hoặc nhận gói), "
            "nên so sánh không còn đúng; hãy xem trước lại."
        )


class _Writer:
    """The rows and files of one merge, inside its transaction."""

    def __init__(self, plan: MergePlan, task: TaskState) -> None:
        self.plan = plan
        self.package = plan.package
        self.task = task
        self.resolver = Resolver(self.package.data.refs, None)
        self.written_files: list[Path] = []
        self.office: SourceOffice | None = None

    # --- the office
    def ensure_office(self) -> SourceOffice:
        sender = self.package.manifest.office
        if self.plan.office is not None:
            row = SourceOffice.get_by_id(self.plan.office.id)
            before = kinds.snapshot(row)
            row.uuid = sender.uuid  # a hand-added office's provisional uuid becomes the sender's own
            row.area_name = row.area_name or sender.area_name
            row.level = row.level or sender.level
            row.save()
            record.updated(row, before)
        else:
            name = sender.name.strip() or "Cơ quan chưa đặt tên"
            if SourceOffice.select().where(SourceOffice.name_fold == fold(name)).exists():
                name = f"{name} (mã {sender.uuid[:8]})"  # two offices under one name stay told apart
            row = SourceOffice.create(
                uuid=sender.uuid,
                name=name,
                name_fold=fold(name),
                area_name=sender.area_name,
                level=sender.level,
            )
            record.created(row)
        self.office = row
        self.resolver.office_id = row.id
        return row

    # --- catalogues and units: found as the plan's resolver finds them, else created under the package's uuid
    def catalogue_uuid(self, code: str, value: Any) -> str | None:
        if not value:
            return None
        row = self.resolver.find(code, value)
        if row is None:
            ref = self.resolver.ref(code, str(value))
            if not ref.get("name"):
                return None  # the package does not name it: the reference is dropped
            table = CATALOGUE_TABLES[code]
            extra = {"unit_of_measure": ref.get("unit_of_measure") or ""} if table is IndicatorCategory else {}
            order = (table.select(pw.fn.MAX(table.sort_order)).scalar() or 0) + 1
            row = table.create(
                uuid=str(value), name=ref["name"], name_fold=fold(ref["name"]), sort_order=order, **extra
            )
            record.created(row)
            self.resolver.remember(code, value, row)
        return str(row.uuid)  # type: ignore[attr-defined]

    def unit_uuid(self, value: Any, seen: frozenset[str] = frozenset()) -> str | None:
        if not value:
            return None
        assert self.office is not None
        row = self.resolver.find("unit", value)
        if row is None:
            ref = self.resolver.ref("unit", str(value))
            if not ref.get("name"):
                return None
            parent = ref.get("parent")
            parent_uuid = self.unit_uuid(parent, seen | {str(value)}) if parent and parent not in seen else None
            row = Unit.create(
                uuid=str(value),
                name=ref["name"],
                kind=_id(UnitKind, self.catalogue_uuid("unit_kind", ref.get("kind"))),
                level=_id(Level, self.catalogue_uuid("level", ref.get("level"))),
                parent=_id(Unit, parent_uuid),
                address=ref.get("address") or "",
                note=ref.get("note") or "",
                active=bool(ref.get("active", True)),
                source_office=self.office.id,
            )
            record.created(row)
            self.resolver.remember("unit", value, row)
        return str(row.uuid)  # type: ignore[attr-defined]

    # --- files
    def stored_name(self, attachment: dict[str, Any]) -> str:
        stored = str(attachment.get("stored_name") or "")
        if not stored or not _package_has(self.package, stored):
            # Sent without its file: the row says what is missing, under a name that can only be a plain file here.
            plain = stored and name_problem(stored) is None and Path(stored).name == stored and "\\" not in stored
            return stored if plain else f"{_uuid.uuid4()}{Path(stored).suffix.lower()[:10]}"
        member = stored if stored in self.package.files else FILES_PREFIX + stored
        folder = attachment_files.files_dir()
        target = folder / stored
        if target.exists():
            if attachment_files._sha256(target) == attachment.get("sha256"):
                return stored  # the very file is here already (an earlier package, a shared photo)
            stored = f"{_uuid.uuid4()}{Path(stored).suffix.lower()}"
            target = folder / stored
        folder.mkdir(parents=True, exist_ok=True)
        self.written_files.append(target)
        self.package.extract(member, target)
        return stored

    def discard_files(self) -> None:
        for path in self.written_files:
            try:
                path.unlink(missing_ok=True)
            except OSError:
                log.warning("could not remove %s after a failed merge", path, exc_info=True)

    # --- models
    def local_values(self, snap: Snapshot, incoming_hash: str) -> dict[str, Any]:
        assert self.office is not None
        values = {k: v for k, v in snap.items() if k not in LINKS}
        for name, code in MODEL_REFS.items():
            if code == "unit":
                values[name] = self.unit_uuid(snap.get(name))
            else:
                values[name] = self.catalogue_uuid(code, snap.get(name))
        values["indicators"] = [
            {**item, "category": self.catalogue_uuid("indicator_category", item.get("category"))}
            for item in snap.get("indicators") or []
        ]
        values["attachments"] = [{**a, "stored_name": self.stored_name(a)} for a in snap.get("attachments") or []]
        values["source_office"] = self.office.uuid
        values["source_hash"] = incoming_hash
        return values


def _id(table: type[BaseModel], uuid: str | None) -> int | None:
    if uuid is None:
        return None
    found = table.select(table.id).where(table.uuid == uuid).scalar()  # type: ignore[attr-defined]
    return int(found) if found is not None else None


def _applied_items(plan: MergePlan, accept: set[str]) -> list[MergeItem]:
    items = []
    for item in plan.items:
        copy = MergeItem(item.uuid, item.name, item.unit, item.status, list(item.differences), item.reason, item.kind)
        if copy.status == "conflict" and copy.uuid in accept:
            copy.status = "updated"
        items.append(copy)
    return items


def apply_merge(plan: MergePlan, *, accept: Collection[str] = (), task: TaskState | None = None) -> MergeResult:
    """Merge the previewed package: a verified backup, then one transaction in one history batch, or nothing.

    ``accept``: uuids of conflicts whose incoming version is taken (the others keep the version here).
    A package already received does nothing; an older one, or a plan the data has moved on from, is refused.
    """
    task = task or TaskState()
    wanted = set(accept)
    conflicts = {i.uuid for i in plan.conflicts()}
    unknown = sorted(wanted - conflicts)
    if unknown:
        raise AppError(
            f"Mã «{unknown[0]}» không phải một mô hình xung đột của gói «{plan.file_name}»; "
            "chỉ chọn nhận bản trong gói cho các mô hình xung đột."
        )
    _refuse(plan)
    items = _applied_items(plan, wanted)
    if plan.already_received:
        return MergeResult(
            _counts(items),
            items,
            None,
            None,
            plan.office,
            plan.year,
            plan.file_name,
            plan.warnings,
            plan.package.manifest.office,
        )
    backup = autobackup.make_automatic(BACKUP_REASON, task)
    writer = _Writer(plan, task)
    label = f"Nhận gói báo cáo của {plan.office_name} năm {plan.year} («{plan.file_name}»)"
    try:
        with record.batch(label, action="package_import", undoable=True) as current:
            _refuse_stale(plan)
            with plan.package.opened():
                _write(plan, writer, items, task)
            batch_id = current.ensure_row().id
            _receipt(plan, writer, items, batch_id)
    except BaseException:
        writer.discard_files()
        raise
    plan.applied = True  # committed: the same preview never goes in twice
    _applied.add(plan.plan_id)
    assert writer.office is not None
    log.info("merged package %s from %s: %s", plan.file_name, writer.office.name, _counts(items))
    return MergeResult(
        _counts(items),
        items,
        backup,
        batch_id,
        offices.item(writer.office),
        plan.year,
        plan.file_name,
        plan.warnings,
        plan.package.manifest.office,
        new_office=plan.office is None,
    )


def _write(plan: MergePlan, writer: _Writer, items: list[MergeItem], task: TaskState) -> None:
    writer.ensure_office()
    snaps = {str(s.get("uuid")): s for s in plan.package.data.models}
    to_write = [i for i in items if i.status in ("added", "updated")]
    removed = [i for i in items if i.status == "removed"]
    total = len(to_write) + len(removed) + 1
    written: list[tuple[MoHinh, Snapshot | None, Snapshot]] = []
    for index, item in enumerate(to_write, start=1):
        task.progress(index, total, item.name)
        snap = snaps[item.uuid]
        values = writer.local_values(snap, content_hash(snap, writer.resolver.key))
        row = MoHinh.get_or_none(MoHinh.uuid == item.uuid) if item.status == "updated" else None
        before = kinds.snapshot(row) if row is not None else None
        new = kinds.write(MODEL_KIND, values, row)
        assert isinstance(new, MoHinh)
        written.append((new, before, snap))
    # Links after every model is in: a model may continue one that comes later in the package.
    for row, _before, snap in written:
        for link in LINKS:
            target = snap.get(link)
            found = MoHinh.select(MoHinh.id).where(MoHinh.uuid == target).scalar() if target else None
            setattr(row, link, found)
        MoHinh.update(continues=row.continues_id, replicates=row.replicates_id).where(MoHinh.id == row.id).execute()
    for row, before, _snap in written:
        if before is None:
            record.created(row)
        else:
            record.updated(row, before)
    # A conflict kept: the version here stays, but the package's version has been seen, so the same version
    # sent again is unchanged rather than asked about twice.  Bookkeeping of the merge, not an edit of the
    # model: no history entry (its source_hash still differs from the model here, so the next change there
    # is a conflict again).
    for item in items:
        if item.status == "conflict":
            snap = snaps[item.uuid]
            incoming = content_hash(snap, writer.resolver.key)
            MoHinh.update(source_hash=incoming).where(MoHinh.uuid == item.uuid).execute()
    for index, item in enumerate(removed, start=len(to_write) + 1):
        task.progress(index, total, item.name)
        gone = MoHinh.get_or_none(MoHinh.uuid == item.uuid)
        if gone is not None:
            trash.put(gone)


def _receipt(plan: MergePlan, writer: _Writer, items: list[MergeItem], batch_id: int) -> None:
    assert writer.office is not None
    office_id = writer.office.id
    kept = {i.uuid for i in items if i.status in ("added", "updated", "unchanged", "conflict")}
    by_uuid = {r.uuid: r.id for r in MoHinh.select(MoHinh.id, MoHinh.uuid).where(MoHinh.source_office == office_id)}
    for appraisal in plan.package.data.appraisals:
        model_id = by_uuid.get(str(appraisal.get("model")))
        if model_id is None or str(appraisal.get("model")) not in kept:
            continue
        data = json.dumps(appraisal, ensure_ascii=False, sort_keys=True)
        ReceivedAppraisal.insert(model=model_id, office=office_id, data=data).on_conflict(
            conflict_target=[ReceivedAppraisal.model],
            update={ReceivedAppraisal.office: office_id, ReceivedAppraisal.data: data},
        ).execute()
    counts = {**_counts(items), "models": len(plan.package.data.models)}
    ReceivedPackage.create(
        office=office_id,
        year=plan.year,
        file_name=plan.file_name,
        sha256=plan.package.sha256,
        created_at=_created_at(plan.package.manifest.created_at),
        counts=json.dumps(counts),
        batch=batch_id,
    )
