"""What a backup zip must look like: member names, size limits, the manifest and what it tells a backup list.

The manifest (``manifest.json`` inside the zip) lists every other member with its size and SHA-256, so
an edit, a truncation or an added member is noticed before anything is restored; it also carries the
program and schema versions, the creation time and the number of models per year, which a list of
backups shows without unpacking the database.
"""

from __future__ import annotations

import json
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import APP_ID, __version__
from ..errors import AppError
from .attachments import MAX_SIZE as MAX_ATTACHMENT_SIZE

DB_ENTRY = "so-dan-van-kheo.db"
FILES_PREFIX = "files/"
MANIFEST_ENTRY = "manifest.json"
MANIFEST_FORMAT = 1

# Limits a genuine backup stays far below; anything beyond is refused before a byte is unpacked.
MAX_DB_SIZE = 4 * 1024**3
MAX_MANIFEST_SIZE = 64 * 1024**2
MAX_MEMBERS = 500_000

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)}
_WINDOWS_FORBIDDEN = set('<>:"|?*\\')


@dataclass(frozen=True)
class Member:
    name: str
    size: int
    sha256: str


@dataclass
class Manifest:
    app_version: str
    schema_version: int
    created_at: datetime
    models_by_year: dict[int, int]
    attachments: int
    members: list[Member] = field(default_factory=list)

    def to_json(self) -> bytes:
        data = {
            "format": MANIFEST_FORMAT,
            "app": APP_ID,
            "app_version": self.app_version,
            "schema_version": self.schema_version,
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "models_by_year": {str(year): count for year, count in sorted(self.models_by_year.items())},
            "attachments": self.attachments,
            "members": [{"name": m.name, "size": m.size, "sha256": m.sha256} for m in self.members],
        }
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


@dataclass(frozen=True)
class BackupInfo:
    """What a list of backups shows about one file (read from its manifest, nothing unpacked)."""

    path: Path
    created_at: datetime | None
    app_version: str  # "" for a backup made before manifests existed
    schema_version: int  # 0 when unknown (no manifest)
    size: int  # of the zip file, in bytes
    models_by_year: dict[int, int]
    attachments: int
    has_manifest: bool


def new_manifest(schema_version: int, models_by_year: dict[int, int], attachments: int) -> Manifest:
    return Manifest(__version__, schema_version, datetime.now(), models_by_year, attachments)


def _refused(source: Path, why: str) -> AppError:
    return AppError(f"Không dùng được bản sao lưu «{source.name}»: {why}. Dữ liệu hiện tại không bị thay đổi.")


def name_problem(name: str) -> str | None:
    """Why ``name`` must not be unpacked (on Windows as well as here), or None when it is safe."""
    if not name or len(name) > 400:
        return "tên trống hoặc quá dài"
    if name.startswith("/") or any(c in _WINDOWS_FORBIDDEN for c in name):
        return "đường dẫn tuyệt đối, có ổ đĩa hoặc ký tự không hợp lệ"
    for part in name.split("/"):
        if part in ("", ".", ".."):
            return "đường dẫn thoát ra ngoài thư mục"
        if any(ord(c) < 32 for c in part) or part.endswith((" ", ".")):
            return "tên tệp không hợp lệ trên Windows"
        if part.split(".")[0].upper().rstrip(" ") in _WINDOWS_RESERVED:
            return "tên tệp dành riêng của Windows"
    return None


def size_limit(name: str) -> int:
    if name == DB_ENTRY:
        return MAX_DB_SIZE
    if name == MANIFEST_ENTRY:
        return MAX_MANIFEST_SIZE
    return MAX_ATTACHMENT_SIZE


class MemberProblem(ValueError):
    """Why a zip's members are refused: a Vietnamese clause its caller puts in its own sentence."""


def screen_members(
    infos: list[zipfile.ZipInfo], *, max_members: int, limit: Callable[[str], int | None], folder: str = FILES_PREFIX
) -> list[zipfile.ZipInfo]:
    """The file members of a zip we wrote (a backup, an exchange package), after refusing anything it never holds:
    unsafe or repeated names, links, encryption, folders other than ``folder``, a name ``limit`` does not know
    (``limit`` gives None), a member larger than its limit.  Raises :class:`MemberProblem`."""
    if len(infos) > max_members:
        raise MemberProblem("quá nhiều tệp bên trong")
    seen: set[str] = set()
    members = []
    for info in infos:
        name = info.filename
        problem = name_problem(name.rstrip("/") if info.is_dir() else name)
        if problem:
            raise MemberProblem(f"tệp bên trong «{name}» có {problem}")
        if name in seen:
            raise MemberProblem(f"tệp «{name}» xuất hiện hai lần")
        seen.add(name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise MemberProblem(f"«{name}» là liên kết tượng trưng")
        if info.flag_bits & 0x1:
            raise MemberProblem(f"«{name}» được mã hóa")
        if info.is_dir():
            if name != folder:
                raise MemberProblem(f"có thư mục lạ «{name}»")
            continue
        most = limit(name)
        if most is None:
            raise MemberProblem(f"có tệp lạ «{name}»")
        if info.file_size > most:
            raise MemberProblem(f"tệp «{name}» quá lớn ({info.file_size // 1024**2} MB)")
        members.append(info)
    return members


def _backup_limit(name: str) -> int | None:
    if name in (DB_ENTRY, MANIFEST_ENTRY) or name.startswith(FILES_PREFIX):
        return size_limit(name)
    return None


def check_members(source: Path, infos: list[zipfile.ZipInfo]) -> list[zipfile.ZipInfo]:
    """The file members of the zip, after refusing anything a genuine backup never holds."""
    try:
        members = screen_members(infos, max_members=MAX_MEMBERS, limit=_backup_limit)
    except MemberProblem as exc:
        raise _refused(source, str(exc)) from None
    if all(info.filename != DB_ENTRY for info in members):
        raise AppError(f"Tệp «{source.name}» không phải bản sao lưu của Sổ Dân vận khéo.")
    return members


def parse_manifest(source: Path, raw: bytes) -> Manifest:
    """The manifest, or a refusal if it is not one this program wrote."""
    try:
        data: Any = json.loads(raw.decode("utf-8"))
        if data["app"] != APP_ID or int(data["format"]) > MANIFEST_FORMAT:
            raise _refused(source, "bảng kê không phải của chương trình này hoặc thuộc phiên bản mới hơn")
        members = [Member(str(m["name"]), int(m["size"]), str(m["sha256"]).lower()) for m in data["members"]]
        return Manifest(
            app_version=str(data["app_version"]),
            schema_version=int(data["schema_version"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            models_by_year={int(y): int(c) for y, c in dict(data["models_by_year"]).items()},
            attachments=int(data["attachments"]),
            members=members,
        )
    except AppError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _refused(source, "bảng kê (manifest) bị hỏng") from exc


def read_manifest(path: Path | str) -> BackupInfo:
    """Summary of one backup for a list of backups; only the manifest is read (hashes are checked on restore).

    A backup made before manifests existed gives what the zip itself tells (its database's date, the number of
    attachment files) with ``has_manifest`` False.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            check_members(path, infos)
            names = {i.filename: i for i in infos}
            if MANIFEST_ENTRY not in names:
                stamp = names[DB_ENTRY].date_time
                files = sum(1 for n in names if n.startswith(FILES_PREFIX) and not n.endswith("/"))
                return BackupInfo(path, datetime(*stamp), "", 0, size, {}, files, has_manifest=False)
            manifest = parse_manifest(path, archive.read(MANIFEST_ENTRY))
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise AppError(f"Tệp «{path.name}» bị hỏng hoặc không phải bản sao lưu.") from exc
    return BackupInfo(
        path,
        manifest.created_at,
        manifest.app_version,
        manifest.schema_version,
        size,
        dict(manifest.models_by_year),
        manifest.attachments,
        has_manifest=True,
    )
