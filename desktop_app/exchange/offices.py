"""The offices below this one that send their year as a package: a catalogue, and who has sent which year.

An office gets into the catalogue by its first package (the merge creates it, under the sender's own
uuid) or by hand before that, when the upper office wants to see who has not sent yet.  A hand-added
office's uuid is provisional: its first package gives it the sender's (see :mod:`.merge`).

A package whose merge was taken back («Hoàn tác») no longer counts as received: the receipt row stays
(it names the batch) but :func:`effective` follows the batch's undo/redo chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..errors import NotFoundError
from ..history import kinds, record
from ..history.tables import ChangeBatch
from ..services.catalogues import unique_name
from ..storage.models import SourceOffice
from ..text import clean, clean_multiline, fold, sorted_vi
from .tables import ReceivedPackage

LABEL = "Cơ quan gửi báo cáo"


@dataclass(frozen=True)
class SourceOfficeItem:
    id: int
    uuid: str
    name: str
    area_name: str
    level: str
    note: str
    active: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "name": self.name,
            "area_name": self.area_name,
            "level": self.level,
            "note": self.note,
            "active": self.active,
        }


@dataclass(frozen=True)
class ReceivedPackageInfo:
    file_name: str
    created_at: datetime  # when the sender made it
    received_at: datetime
    counts: dict[str, int]  # the merge's: added, updated, unchanged, conflicts, rejected, removed, models

    @property
    def models(self) -> int:
        """How many models the package carried."""
        return int(self.counts.get("models", 0))

    def to_json(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "created_at": self.created_at.isoformat(sep=" "),
            "received_at": self.received_at.isoformat(sep=" "),
            "counts": dict(self.counts),
        }


@dataclass(frozen=True)
class OfficeYearStatus:
    office: SourceOfficeItem
    package: ReceivedPackageInfo | None  # the last package received for the year; None: not sent yet

    @property
    def sent(self) -> bool:
        return self.package is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "office": self.office.to_json(),
            "sent": self.sent,
            "package": None if self.package is None else self.package.to_json(),
        }


def item(row: SourceOffice) -> SourceOfficeItem:
    return SourceOfficeItem(
        row.id, row.uuid, row.name, row.area_name or "", row.level or "", row.note or "", bool(row.active)
    )


def _sorted(rows: list[SourceOffice]) -> list[SourceOffice]:
    return sorted_vi(rows, key=lambda r: r.name)


def list_offices(include_inactive: bool = False) -> list[SourceOfficeItem]:
    """The catalogue in Vietnamese order of names."""
    query = SourceOffice.select()
    if not include_inactive:
        query = query.where(SourceOffice.active == True)  # noqa: E712
    return [item(r) for r in _sorted(list(query))]


def get_office(office_id: int) -> SourceOfficeItem:
    row = SourceOffice.get_or_none(SourceOffice.id == office_id)
    if row is None:
        raise NotFoundError("Không tìm thấy cơ quan gửi báo cáo (có thể đã bị xóa).")
    return item(row)


def _check_name(name: str, exclude_id: int | None = None) -> str:
    return unique_name(SourceOffice, LABEL, name, exclude_id)


def add_office(name: str, *, area_name: str = "", level: str = "", note: str = "") -> SourceOfficeItem:
    """An office expected to send, added before its first package (its uuid is provisional until then)."""
    checked = _check_name(name)
    with record.batch(f"Thêm cơ quan gửi báo cáo: {checked}"):
        row = SourceOffice.create(
            name=checked,
            name_fold=fold(checked),
            area_name=clean(area_name),
            level=clean(level),
            note=clean_multiline(note),
            sort_order=0,
        )
        record.created(row)
    return item(row)


def update_office(
    office_id: int, *, name: str | None = None, note: str | None = None, active: bool | None = None
) -> SourceOfficeItem:
    """Rename, annotate or (de)activate an office.  Its packages and models keep pointing at it."""
    current = get_office(office_id)
    with record.batch(f"Sửa cơ quan gửi báo cáo: {current.name}"):
        row = SourceOffice.get_by_id(office_id)
        before = kinds.snapshot(row)
        if name is not None:
            row.name = _check_name(name, exclude_id=office_id)
        if note is not None:
            row.note = clean_multiline(note)
        if active is not None:
            row.active = active
        row.save()
        record.updated(row, before)
    return item(row)


# ----------------------------------------------------------------- packages received


def effective(batch_id: int | None) -> bool:
    """True while the merge of that batch stands: not undone, or undone and redone (an even chain)."""
    if batch_id is None:
        return True
    hops = 0
    current = ChangeBatch.get_or_none(ChangeBatch.id == batch_id)
    seen: set[int] = set()
    while current is not None and current.undone_by is not None and current.id not in seen:
        seen.add(current.id)
        hops += 1
        current = ChangeBatch.get_or_none(ChangeBatch.id == current.undone_by)
    return hops % 2 == 0


def package_info(row: ReceivedPackage) -> ReceivedPackageInfo:
    try:
        counts = {str(k): int(v) for k, v in json.loads(row.counts or "{}").items()}
    except (ValueError, TypeError, AttributeError):
        counts = {}
    return ReceivedPackageInfo(row.file_name, row.created_at, row.received_at, counts)


def received(office_id: int, year: int) -> list[ReceivedPackage]:
    """The packages of the office and year that stand, newest made first."""
    rows = (
        ReceivedPackage.select()
        .where((ReceivedPackage.office == office_id) & (ReceivedPackage.year == year))
        .order_by(ReceivedPackage.created_at.desc(), ReceivedPackage.id.desc())
    )
    return [r for r in rows if effective(r.batch)]


def last_package(office_id: int, year: int) -> ReceivedPackageInfo | None:
    rows = received(office_id, year)
    return package_info(rows[0]) if rows else None


def office_status(year: int, *, include_inactive: bool = False) -> list[OfficeYearStatus]:
    """Every office of the catalogue with the last package it sent for ``year`` (None: not sent), by name."""
    return [OfficeYearStatus(o, last_package(o.id, year)) for o in list_offices(include_inactive=include_inactive)]


def has_offices() -> bool:
    """The catalogue has an office (the reports offer a choice of offices only then)."""
    return bool(SourceOffice.select().exists())
