"""Reading an exchange package safely: the whole file is checked before anyone acts on a byte of it.

:func:`read_package` refuses, whole and writing nothing, anything but a package this program could have
written: not a zip, truncated, a member name that would land outside the attachment folder (``../``, absolute,
drive letters, backslashes, links), too many or too large members, a packing ratio only a zip bomb has, a
member missing from the manifest or the manifest naming one that is not there, any size or SHA-256 that does
not match, a newer format or schema, a ``data.json`` that is not what :class:`.format.PackageData` says.
The member checks are the backup's own (:func:`desktop_app.services.backup_manifest.screen_members`).

Evidence files are not unpacked here: :meth:`Package.extract` streams one to where the merge wants it,
size-limited and hashed again (the file may have been swapped since it was read).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from zlib import error as zlib_error  # a damaged deflate stream

from ..errors import AppError
from ..fileio import discard, os_errors
from ..services.backup_manifest import MemberProblem, name_problem, screen_members
from ..storage.migrations import latest_version
from ..tasks import TaskState
from .format import (
    DATA_ENTRY,
    FILES_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_ENTRY,
    MAX_DATA_BYTES,
    MAX_FILE_BYTES,
    MAX_MEMBERS,
    MAX_PACKAGE_BYTES,
    MAX_RATIO,
    REF_KINDS,
    PackageData,
    PackageManifest,
    SenderOffice,
)

__all__ = ["Package", "PackageRefused", "read_package"]

_CHUNK = 1 << 20
# Below this a member cannot be a bomb whatever its ratio (a short run of spaces packs 1000 to 1).
_RATIO_FLOOR = 1024**2


class PackageRefused(AppError):
    """The package is refused whole; nothing was written."""


def _refused(path: Path, why: str) -> PackageRefused:
    return PackageRefused(
        f"Không nhận được gói «{path.name}»: {why}. Chưa có gì được ghi vào dữ liệu; hãy đề nghị cơ quan gửi "
        "xuất lại gói và gửi lại."
    )


def _newer(path: Path) -> PackageRefused:
    return PackageRefused(
        f"Không nhận được gói «{path.name}»: gói được tạo bằng phiên bản mới hơn; hãy cập nhật phần mềm rồi nhận lại."
    )


def _not_package(path: Path) -> PackageRefused:
    return PackageRefused(
        f"Tệp «{path.name}» không phải gói báo cáo của Sổ Dân vận khéo (tệp .dvk do lệnh «Gửi báo cáo lên cấp trên» "
        "tạo ra). Hãy chọn đúng tệp cơ quan cấp dưới gửi."
    )


def _limit(name: str) -> int | None:
    if name in (MANIFEST_ENTRY, DATA_ENTRY):
        return MAX_DATA_BYTES
    if name.startswith(FILES_PREFIX) and "/" not in name[len(FILES_PREFIX) :]:
        return MAX_FILE_BYTES
    return None


def _copy_hashing(src: IO[bytes], dst: IO[bytes] | None, limit: int, task: TaskState | None = None) -> tuple[int, str]:
    """Read ``src`` (copying it to ``dst``), hashing; stops past ``limit`` bytes, so it never reads more."""
    digest = hashlib.sha256()
    size = 0
    while True:
        if task is not None:
            task.check()
        block = src.read(min(_CHUNK, limit + 1 - size))
        if not block:
            break
        size += len(block)
        if size > limit:
            break
        digest.update(block)
        if dst is not None:
            dst.write(block)
    return size, digest.hexdigest()


@dataclass
class Package:
    """A package read and verified whole.  ``files`` are the stored names of its evidence files (``files/<name>``)."""

    path: Path
    sha256: str  # of the whole file: the same package received twice is known by it
    manifest: PackageManifest
    data: PackageData
    files: list[str] = field(default_factory=list)
    _archive: zipfile.ZipFile | None = field(default=None, init=False, repr=False, compare=False)

    @contextmanager
    def opened(self) -> Iterator[Package]:
        """Keep the zip open while many files are extracted: reopening it costs more than a photo."""
        if self._archive is not None:
            yield self
            return
        try:
            self._archive = zipfile.ZipFile(self.path)
        except (OSError, zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise _refused(self.path, "tệp gói đã bị thay đổi hoặc không đọc được nữa") from exc
        try:
            yield self
        finally:
            self._archive.close()
            self._archive = None

    def extract(self, name: str, dest: Path) -> None:
        """Stream the evidence file ``name`` (a stored name, or ``files/<name>``) to the file ``dest``.

        Written beside ``dest`` first and renamed once its size and SHA-256 match the manifest: a package
        changed since it was read leaves no file and raises :class:`PackageRefused`.
        """
        dest = Path(dest)
        member = name if name.startswith(FILES_PREFIX) else FILES_PREFIX + name
        expected = self.manifest.members.get(member)
        if expected is None or member[len(FILES_PREFIX) :] not in self.files:
            raise _refused(self.path, f"gói không có tệp «{name}»")
        partial = dest.with_name(dest.name + ".tmp")
        try:
            with self.opened() as package, package._zip().open(member) as src, os_errors(dest, "chép tệp"):
                dest.parent.mkdir(parents=True, exist_ok=True)
                with partial.open("wb") as dst:
                    size, sha = _copy_hashing(src, dst, int(expected["size"]))
            if (size, sha) != (expected["size"], expected["sha256"]):
                raise _refused(self.path, f"nội dung «{member}» đã bị thay đổi sau khi đọc gói")
            with os_errors(dest, "chép tệp"):
                partial.replace(dest)
        except (OSError, zipfile.BadZipFile, KeyError, ValueError, EOFError, zlib_error) as exc:
            discard(partial)
            raise _refused(self.path, "tệp gói đã bị thay đổi hoặc không đọc được nữa") from exc
        except BaseException:
            discard(partial)
            raise

    def _zip(self) -> zipfile.ZipFile:
        assert self._archive is not None, "only inside opened()"
        return self._archive


# ----------------------------------------------------------------- the manifest


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a text")
    return value


def _uuid(value: Any) -> str:
    text = _text(value).strip()
    if not text or len(text) > 100:
        raise ValueError("no office uuid")
    return text


def _int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("not an integer")
    return value


def _parse_manifest(path: Path, raw: bytes) -> PackageManifest:
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise _not_package(path)
        if _int(data["format_version"]) > FORMAT_VERSION or _int(data["schema_version"]) > latest_version():
            raise _newer(path)
        office = data["office"]
        members: dict[str, dict[str, Any]] = {}
        for name, member in dict(data["members"]).items():
            size, sha = _int(member["size"]), _text(member["sha256"]).lower()
            if size < 0 or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
                raise ValueError("bad member")
            members[_text(name)] = {"size": size, "sha256": sha}
        return PackageManifest(
            format=FORMAT,
            format_version=_int(data["format_version"]),
            schema_version=_int(data["schema_version"]),
            app_version=_text(data["app_version"]),
            created_at=_text(data["created_at"]),
            office=SenderOffice(
                uuid=_uuid(office["uuid"]),
                name=_text(office["name"]),
                area_name=_text(office.get("area_name", "")),
                level=_text(office.get("level", "")),
            ),
            year=_int(data["year"]),
            counts={_text(k): _int(v) for k, v in dict(data["counts"]).items()},
            members=members,
        )
    except AppError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _refused(path, "bảng kê (manifest.json) bị hỏng") from exc


# ----------------------------------------------------------------- data.json


def _dicts(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise TypeError("not a list of objects")
    return value


def _parse_data(path: Path, raw: bytes, manifest: PackageManifest) -> PackageData:
    """``data.json`` as :class:`PackageData`, refused unless every record has what the merge relies on."""
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict):
            raise TypeError("not an object")
        refs_in = data["refs"]
        if not isinstance(refs_in, dict):
            raise TypeError("refs")
        refs = {code: _dicts(refs_in.get(code, [])) for code in REF_KINDS}
        for items in refs.values():
            for item in items:
                _text(item["uuid"])
                _text(item["name"])
        models = _dicts(data["models"])
        seen: set[str] = set()
        for model in models:
            uuid = _text(model["uuid"])
            _text(model["name"])
            if _int(model["year"]) != manifest.year or uuid in seen:
                raise _refused(path, "dữ liệu có mô hình khác năm của gói hoặc lặp lại")
            seen.add(uuid)
            for key in ("indicators", "status_history"):
                _dicts(model.get(key, []))
            for attachment in _dicts(model.get("attachments", [])):
                stored = _text(attachment["stored_name"])
                if name_problem(stored) is not None or "/" in stored:
                    raise _refused(path, f"tệp minh chứng «{stored}» có tên không hợp lệ (thoát ra ngoài thư mục)")
        appraisals = _dicts(data.get("appraisals", []))
        for appraisal in appraisals:
            _text(appraisal["model"])
        return PackageData(refs=refs, models=models, appraisals=appraisals)
    except AppError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _refused(path, "dữ liệu (data.json) bị hỏng hoặc thiếu phần bắt buộc") from exc


# ----------------------------------------------------------------- the whole file


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    with archive.open(info) as src:
        raw = src.read(limit + 1)
    if len(raw) > limit:
        raise ValueError("member larger than declared")
    return raw


def _file_sha256(path: Path, task: TaskState) -> str:
    with path.open("rb") as src:
        size, sha = _copy_hashing(src, None, MAX_PACKAGE_BYTES, task)
    if size > MAX_PACKAGE_BYTES:
        raise _refused(path, "tệp quá lớn")
    return sha


def _screen(path: Path, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """The zip's file members by name, once names, counts, sizes and packing ratios are all within bounds."""
    try:
        members = screen_members(infos, max_members=MAX_MEMBERS, limit=_limit)
    except MemberProblem as exc:
        raise _refused(path, str(exc)) from None
    unpacked = 0
    folded: set[str] = set()
    for info in members:
        if info.filename.lower() in folded:  # one file on Windows, where names ignore case
            raise _refused(path, f"tệp «{info.filename}» trùng tên với một tệp khác")
        folded.add(info.filename.lower())
        unpacked += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise _refused(path, f"tệp «{info.filename}» nén bất thường (có thể là tệp phá hoại)")
    if unpacked > MAX_PACKAGE_BYTES:
        raise _refused(path, f"nội dung giải nén quá lớn ({unpacked // 1024**2} MB)")
    return {info.filename: info for info in members}


def read_package(path: Path | str, task: TaskState | None = None) -> Package:
    """Read and verify the package at ``path`` whole; refuses it (:class:`PackageRefused`) at the first fault."""
    task = task or TaskState()
    path = Path(path)
    try:
        if not path.is_file():
            raise AppError(f"Không tìm thấy tệp «{path}». Hãy chọn lại tệp gói báo cáo.")
        if path.stat().st_size > MAX_PACKAGE_BYTES:
            raise _refused(path, f"tệp quá lớn ({path.stat().st_size // 1024**2} MB)")
        task.progress(0, 1, "Đang đọc gói")
        sha256 = _file_sha256(path, task)
        with zipfile.ZipFile(path) as archive:
            by_name = _screen(path, archive.infolist())
            if MANIFEST_ENTRY not in by_name:
                raise _not_package(path)
            manifest = _parse_manifest(path, _read_member(archive, by_name[MANIFEST_ENTRY], MAX_DATA_BYTES))
            present = set(by_name) - {MANIFEST_ENTRY}
            listed = set(manifest.members)
            if DATA_ENTRY not in listed:
                raise _refused(path, "bảng kê không có phần dữ liệu (data.json)")
            if present - listed:
                raise _refused(path, f"có tệp «{sorted(present - listed)[0]}» không có trong bảng kê")
            if listed - present:
                raise _refused(path, f"thiếu tệp «{sorted(listed - present)[0]}» mà bảng kê liệt kê")
            for name in sorted(listed):
                if by_name[name].file_size != manifest.members[name]["size"]:
                    raise _refused(path, f"kích thước «{name}» không khớp với bảng kê (gói đã bị sửa)")
            raw = _read_member(archive, by_name[DATA_ENTRY], MAX_DATA_BYTES)
            if hashlib.sha256(raw).hexdigest() != manifest.members[DATA_ENTRY]["sha256"]:
                raise _refused(path, "dữ liệu (data.json) không khớp với bảng kê (gói đã bị sửa)")
            data = _parse_data(path, raw, manifest)
            files = sorted(name for name in listed if name.startswith(FILES_PREFIX))
            for index, name in enumerate(files, start=1):
                task.progress(index, len(files) + 1, f"Đang kiểm tra {name[len(FILES_PREFIX) :]}")
                expected = manifest.members[name]
                with archive.open(by_name[name]) as src:
                    size, sha = _copy_hashing(src, None, int(expected["size"]), task)
                if (size, sha) != (expected["size"], expected["sha256"]):
                    raise _refused(path, f"nội dung «{name}» không khớp với bảng kê (gói đã bị sửa)")
    except AppError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib_error, ValueError, NotImplementedError) as exc:
        raise _refused(path, "tệp bị hỏng, bị cắt cụt hoặc không phải tệp .dvk") from exc
    except OSError as exc:
        raise AppError(
            f"Không đọc được tệp «{path.name}»: {exc.strerror or exc}. Hãy chép tệp vào máy rồi thử lại."
        ) from exc
    task.progress(len(files) + 1, len(files) + 1, "Đã kiểm tra gói")
    return Package(path, sha256, manifest, data, [name[len(FILES_PREFIX) :] for name in files])
