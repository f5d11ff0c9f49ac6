"""What an exchange package (``.dvk``) holds: the one definition the sender and the receiver share.

A package is a zip with three kinds of member:

- ``manifest.json`` (:class:`PackageManifest`): format and schema version, the sending office, the year,
  counts, and the size and SHA-256 of every other member.  Written last, read first.
- ``data.json`` (:class:`PackageData`): the records.  Models are history snapshots
  (:func:`desktop_app.history.kinds.snapshot`: every column, references as uuids, children inline:
  indicators, attachments, status history), so the package and the history read a model the same way.
  ``refs`` names every catalogue item and unit a snapshot points at, so the receiver can match them by
  uuid, else by name, else create them.
- ``files/<stored name>``: the evidence files the models' attachments refer to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FORMAT = "so-dan-van-kheo/goi-trao-doi"
FORMAT_VERSION = 1
SUFFIX = ".dvk"
MANIFEST_ENTRY = "manifest.json"
DATA_ENTRY = "data.json"
FILES_PREFIX = "files/"
OFFICE_UUID_SETTING = "office.uuid"  # this office's identity as a sender, made once per database

# The sizes a package may claim or unpack to: past these it is a zip bomb or a wrong file, not a year.
MAX_PACKAGE_BYTES = 2 * 1024**3
MAX_DATA_BYTES = 256 * 1024**2
MAX_FILE_BYTES = 100 * 1024**2
MAX_MEMBERS = 200_000
MAX_RATIO = 200  # unpacked size over packed size of one member

# Which kinds of referenced record ``refs`` carries, by the history kind code of the table.
REF_KINDS = ("field", "level", "unit_kind", "indicator_category", "unit")


@dataclass(frozen=True)
class SenderOffice:
    uuid: str
    name: str  # the issuing body or place as the sender set it up: «ỦY BAN NHÂN DÂN XÃ ĐẠ ĐỜN»
    area_name: str = ""
    level: str = ""

    def to_json(self) -> dict[str, str]:
        return {"uuid": self.uuid, "name": self.name, "area_name": self.area_name, "level": self.level}


@dataclass
class PackageManifest:
    format: str
    format_version: int
    schema_version: int
    app_version: str
    created_at: str  # ISO time the sender made it; a newer package of the same office replaces an older one
    office: SenderOffice
    year: int
    counts: dict[str, int]  # "models", "indicators", "attachments", "files", "score_sheets", "decisions"
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # name → {"size": int, "sha256": str}

    def to_json(self) -> dict[str, Any]:
        # Read back, with every field checked, by exchange.reader.
        return {
            "format": self.format,
            "format_version": self.format_version,
            "schema_version": self.schema_version,
            "app_version": self.app_version,
            "created_at": self.created_at,
            "office": self.office.to_json(),
            "year": self.year,
            "counts": dict(self.counts),
            "members": {name: dict(member) for name, member in self.members.items()},
        }


@dataclass
class PackageData:
    """``data.json``: what the merge reads.  Every list is of plain JSON dicts."""

    refs: dict[str, list[dict[str, Any]]]  # REF_KINDS code → [{"uuid", "name", …that kind's own columns}]
    models: list[dict[str, Any]]  # history snapshots of the year's models, children inline
    # The sender's appraisal of each model, kept as evidence for the upper office's council:
    # {"model": uuid, "mean": float|None, "grade": str, "rank": int|None, "passed": bool,
    #  "decision_number": str, "decision_date": "YYYY-MM-DD"|None, "sheets": [{"member": name, "points": {...}}]}
    appraisals: list[dict[str, Any]] = field(default_factory=list)
