"""Backing up and restoring an office's whole state as one file.

A backup is a zip holding a consistent snapshot of the database (SQLite online backup, so it can be
taken while the program runs), the attachment files the database refers to, and a manifest with the
size and SHA-256 of every member (:mod:`.backup_manifest`).  It is checked before it is written (a
damaged database is refused) and after (the zip is re-read and every member hashed).

A restore is a transaction: the backup is unpacked into a staging folder beside the database and
verified whole (member names safe on Windows too, sizes, manifest hashes, ``integrity_check``, our
schema and version); only then is the current state swapped for it by renames
(:mod:`desktop_app.storage.restore_journal`), the old state kept in a dated safety folder.  Any
refusal happens before the current data is touched.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from ..appraisal.tables import APPRAISAL_TABLES
from ..errors import AppError
from ..exchange.tables import EXCHANGE_TABLES
from ..fileio import translate_os_error
from ..history.tables import HISTORY_TABLES
from ..storage import database as storage
from ..storage import restore_journal
from ..storage.errors import StorageError
from ..storage.integrity import check_file
from ..storage.migrations import latest_version
from ..storage.models import CORE_TABLES
from ..storage.restore_journal import TEMP_SUFFIX, fault_point
from ..tasks import TaskState
from .backup_manifest import (
    DB_ENTRY,
    FILES_PREFIX,
    MANIFEST_ENTRY,
    BackupInfo,
    Manifest,
    Member,
    check_members,
    name_problem,
    new_manifest,
    parse_manifest,
    read_manifest,
    size_limit,
)

__all__ = [
    "BackupInfo",
    "RestoreResult",
    "check_backup",
    "create_backup",
    "default_backup_name",
    "read_manifest",
    "restore_backup",
]

log = logging.getLogger("dvk.backup")

_CHUNK = 1 << 20
# Already compressed: deflating them again costs time and gains nothing.
_STORED_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".pdf", ".zip", ".docx", ".xlsx", ".pptx", ".mp4"}
# Room left on the disk beyond the unpacked backup, so a restore never fills it to the last byte.
_FREE_SPACE_MARGIN = 64 * 1024**2

# Tables a database of each schema version has, by the version that added them: the schema check of a
# restored file.  A migration that adds a table adds its name here (test_expected_tables_match_a_new_file).
_TABLES_SINCE: dict[int, set[str]] = {
    1: {m._meta.table_name for m in CORE_TABLES} - {"indicator_category", "source_office", "progress_entry"},
    2: {m._meta.table_name for m in APPRAISAL_TABLES},
    4: {"indicator_category"},
    6: {m._meta.table_name for m in HISTORY_TABLES},
    7: {"source_office"} | {m._meta.table_name for m in EXCHANGE_TABLES},
    8: {"progress_entry"},
}


@dataclass(frozen=True)
class RestoreResult:
    path: Path
    safety_copy: Path | None  # the replaced state (database + attachments); None when there was none
    schema_version: int


def default_backup_name() -> str:
    return f"sao-luu-dan-van-kheo-{datetime.now():%Y%m%d-%H%M}.zip"


def expected_tables(version: int) -> set[str]:
    return set().union(*(tables for since, tables in _TABLES_SINCE.items() if since <= version))


# ----------------------------------------------------------------- backup


def _copy_hashing(src: IO[bytes], dst: IO[bytes] | None, limit: int) -> tuple[int, str]:
    """Copy (or, with no ``dst``, only read) ``src``, hashing it; a member longer than ``limit`` is refused."""
    digest = hashlib.sha256()
    size = 0
    for block in iter(lambda: src.read(_CHUNK), b""):
        size += len(block)
        if size > limit:
            raise ValueError("member larger than declared")
        digest.update(block)
        if dst is not None:
            dst.write(block)
    return size, digest.hexdigest()


def _write_member(archive: zipfile.ZipFile, path: Path, name: str) -> Member:
    info = zipfile.ZipInfo.from_file(path, name)
    stored = path.suffix.lower() in _STORED_SUFFIXES
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with path.open("rb") as src, archive.open(info, "w", force_zip64=info.file_size > 2**31 - 1) as dst:
        size, sha = _copy_hashing(src, dst, size_limit(name))
    return Member(name, size, sha)


def _snapshot_facts(snapshot: Path) -> tuple[list[str], dict[int, int]]:
    """Attachment names the snapshot refers to, and its models counted per year."""
    conn = sqlite3.connect(f"{snapshot.resolve().as_uri()}?mode=ro", uri=True)
    try:
        names = sorted(_stored_names(conn))
        years = {int(y): int(n) for y, n in conn.execute("SELECT year, COUNT(*) FROM mo_hinh GROUP BY year")}
    finally:
        conn.close()
    return names, years


def create_backup(target: Path | str, task: TaskState | None = None) -> Path:
    """Write the backup zip to ``target``: whole and verified, or not at all.

    Work happens in ``<target>.dvk-tam/`` beside the target; the verified zip is renamed into place.
    """
    task = task or TaskState()
    target = Path(target)
    database = storage.current()
    work = target.with_name(target.name + TEMP_SUFFIX)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if work.exists():
            shutil.rmtree(work)
        work.mkdir()
        snapshot = database.backup_to(work / DB_ENTRY)
        fault_point("backup: snapshot taken")
        report = check_file(snapshot, full=False)
        if not report.ok:
            raise AppError(
                "Không sao lưu vì dữ liệu hiện tại có lỗi (" + report.problems[0] + "). Một bản sao lưu chép "
                "dữ liệu hỏng sẽ không dùng được; hãy kiểm tra tệp dữ liệu (lệnh check) hoặc phục hồi từ bản "
                "sao lưu cũ hơn."
            )
        stored_names, years = _snapshot_facts(snapshot)
        files: list[tuple[str, Path]] = []
        for stored in stored_names:
            path = database.files_dir / stored
            if name_problem(stored) is not None or not path.is_file():
                log.warning("attachment %r is missing or misnamed; not in the backup", stored)
                continue
            files.append((stored, path))
        total = len(files) + 2
        task.progress(1, total, "Đã chụp dữ liệu")
        manifest = new_manifest(report.version, years, len(files))
        partial = work / "sao-luu.zip"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            manifest.members.append(_write_member(archive, snapshot, DB_ENTRY))
            fault_point("backup: database written")
            for index, (stored, path) in enumerate(files, start=2):
                task.progress(index, total, stored)
                manifest.members.append(_write_member(archive, path, FILES_PREFIX + stored))
                fault_point(f"backup: {stored} written")
            archive.writestr(MANIFEST_ENTRY, manifest.to_json())
        restore_journal.fsync_file(partial)
        fault_point("backup: zip closed")
        task.progress(total, total, "Đang kiểm tra bản sao lưu")
        _verify_archive(partial)
        fault_point("backup: zip verified")
        partial.replace(target)
        restore_journal.fsync_dir(target.parent)
        fault_point("backup: zip in place")
    except OSError as exc:
        # Disk full, read-only, a USB stick pulled out: the one translation every writer uses.
        known = translate_os_error(exc, target, "ghi bản sao lưu")
        if known is not None:
            raise known from exc
        raise AppError(
            f"Không ghi được bản sao lưu «{target}»: {exc.strerror or exc}. "
            "Hãy chọn thư mục khác hoặc kiểm tra dung lượng ổ đĩa."
        ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _verify_archive(path: Path) -> Manifest:
    """Re-read a freshly written zip: every member present, of its size and hash (a bad disk, a full one)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = check_members(path, archive.infolist())
            manifest = _checked_manifest(path, archive, members)
            if manifest is None:
                raise AppError(f"Bản sao lưu «{path.name}» vừa ghi không có bảng kê.")
            expected = {m.name: m for m in manifest.members}
            for info in members:
                if info.filename == MANIFEST_ENTRY:
                    continue
                with archive.open(info) as src:
                    size, sha = _copy_hashing(src, None, info.file_size)
                member = expected[info.filename]
                if (size, sha) != (member.size, member.sha256):
                    raise AppError(f"Bản sao lưu vừa ghi bị sai ở «{info.filename}»; ổ đĩa có thể bị lỗi.")
    except (zipfile.BadZipFile, ValueError) as exc:
        raise AppError(f"Bản sao lưu vừa ghi «{path.name}» đọc lại bị lỗi; ổ đĩa có thể bị lỗi hoặc đầy.") from exc
    return manifest


# ----------------------------------------------------------------- verifying a backup


def _refused(source: Path, why: str) -> AppError:
    return AppError(f"Không dùng được bản sao lưu «{source.name}»: {why}. Dữ liệu hiện tại không bị thay đổi.")


def _checked_manifest(source: Path, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> Manifest | None:
    """The manifest, matched against the zip's members (names and sizes); None for an old backup without one."""
    names = {info.filename: info for info in members}
    if MANIFEST_ENTRY not in names:
        return None
    manifest = parse_manifest(source, archive.read(MANIFEST_ENTRY))
    listed = {m.name: m for m in manifest.members}
    if len(listed) != len(manifest.members) or set(listed) != set(names) - {MANIFEST_ENTRY}:
        raise _refused(source, "danh sách tệp bên trong không khớp với bảng kê (bản sao lưu đã bị sửa)")
    for name, member in listed.items():
        if names[name].file_size != member.size:
            raise _refused(source, f"kích thước «{name}» không khớp với bảng kê (bản sao lưu đã bị sửa)")
    return manifest


def _extract(
    source: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, expected: Member | None
) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with archive.open(info) as src, target.open("wb") as dst:
        size, sha = _copy_hashing(src, dst, info.file_size)
    if size != info.file_size or (expected is not None and (size, sha) != (expected.size, expected.sha256)):
        raise _refused(source, f"nội dung «{info.filename}» không khớp với bảng kê (bản sao lưu đã bị sửa)")
    restore_journal.fsync_file(target)


def _check_database(source: Path, path: Path) -> int:
    """``integrity_check``, then our schema at the file's version; returns the version."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        lines = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
        if lines != ["ok"]:
            raise _refused(source, "dữ liệu bên trong bị hỏng (" + "; ".join(lines) + ")")
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        columns: dict[str, set[str]] = {}
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            columns[table] = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
    except sqlite3.DatabaseError as exc:
        raise _refused(source, "tệp dữ liệu bên trong bị hỏng hoặc không phải tệp SQLite") from exc
    finally:
        conn.close()
    if version > latest_version():
        raise AppError(
            f"Bản sao lưu «{source.name}» được tạo bởi phiên bản mới hơn của chương trình (lược đồ {version}); "
            "hãy cập nhật chương trình rồi phục hồi."
        )
    missing = sorted(expected_tables(version) - set(columns)) if version >= 1 else []
    if version < 1 or missing:
        raise _refused(
            source,
            "dữ liệu bên trong không phải của Sổ Dân vận khéo"
            + (f" (thiếu bảng {', '.join(missing)})" if missing else " (không có số phiên bản lược đồ)"),
        )
    if version == latest_version():  # opened as it is, without a migration: every column must be there
        for model in (*CORE_TABLES, *APPRAISAL_TABLES):
            wanted = {f.column_name for f in model._meta.sorted_fields}
            lacking = wanted - columns[model._meta.table_name]
            if lacking:
                raise _refused(source, f"bảng {model._meta.table_name} thiếu cột {', '.join(sorted(lacking))}")
    return version


def _stored_names(conn: sqlite3.Connection) -> set[str]:
    """Evidence files the database refers to: its attachments', and those of models waiting in the trash
    (schema 6), which must come back whole when restored from the trash of a restored backup."""
    names = {row[0] for row in conn.execute("SELECT DISTINCT stored_name FROM attachment")}
    has_trash = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trash_item'").fetchone()
    if has_trash:
        for (files,) in conn.execute("SELECT files FROM trash_item"):
            names.update(name for name in json.loads(files or "[]") if isinstance(name, str))
    return names


def _referenced(path: Path) -> set[str]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return _stored_names(conn)
    finally:
        conn.close()


def _stage(source: Path, staging: Path, db_name: str, files_name: str, task: TaskState) -> int:
    """Unpack ``source`` into ``staging`` and verify all of it; returns the schema version. Refuses whole."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = check_members(source, archive.infolist())
            # A backup made before manifests existed has none: it is still restored, after the integrity and
            # schema checks, and only with the attachment files its database refers to.
            manifest = _checked_manifest(source, archive, members)
            listed = {m.name: m for m in manifest.members} if manifest else {}
            needed = sum(info.file_size for info in members)
            free = shutil.disk_usage(staging).free
            if needed + _FREE_SPACE_MARGIN > free:
                raise AppError(
                    f"Ổ đĩa không đủ chỗ để phục hồi (cần {needed // 1024**2 + 1} MB, còn {free // 1024**2} MB). "
                    "Dữ liệu hiện tại không bị thay đổi."
                )
            by_name = {info.filename: info for info in members}
            database = staging / db_name
            _extract(source, archive, by_name[DB_ENTRY], database, listed.get(DB_ENTRY))
            fault_point("restore: database unpacked")
            version = _check_database(source, database)
            if manifest is not None and manifest.schema_version != version:
                raise _refused(source, "phiên bản lược đồ không khớp với bảng kê")
            referenced = _referenced(database)
            attachments = [info for info in members if info.filename.startswith(FILES_PREFIX)]
            for index, info in enumerate(attachments, start=1):
                task.progress(index, len(attachments) + 1, info.filename[len(FILES_PREFIX) :])
                stored = info.filename[len(FILES_PREFIX) :]
                if stored not in referenced:
                    if manifest is not None:  # a backup with a manifest carries only referenced files
                        raise _refused(source, f"có tệp «{info.filename}» không thuộc dữ liệu")
                    continue  # old backups carried every file of the folder, leftovers included
                _extract(source, archive, info, staging / files_name / stored, listed.get(info.filename))
                fault_point(f"restore: {stored} unpacked")
            if (staging / files_name).exists():
                restore_journal.fsync_dir(staging / files_name)
            task.progress(len(attachments) + 1, len(attachments) + 1, "Đã kiểm tra bản sao lưu")
            return version
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, sqlite3.Error) as exc:
        raise AppError(f"Tệp «{source.name}» bị hỏng hoặc không phải bản sao lưu.") from exc


def check_backup(source: Path | str) -> int:
    """Verify a backup whole without touching any data (unpacked into a temporary folder); its schema version."""
    source = Path(source)
    with tempfile.TemporaryDirectory(suffix=TEMP_SUFFIX) as tmp:
        try:
            return _stage(source, Path(tmp), DB_ENTRY, "files", TaskState())
        except OSError as exc:
            raise AppError(f"Không đọc được bản sao lưu «{source.name}»: {exc.strerror or exc}.") from exc


# ----------------------------------------------------------------- restore


def _refuse_if_open(db_path: Path) -> None:
    try:
        current = storage.current()
    except StorageError:
        return
    if current.path == db_path:
        raise AppError("Cần đóng tệp dữ liệu trước khi phục hồi vào nó.")


def restore_backup(source: Path | str, db_path: Path | str, task: TaskState | None = None) -> RestoreResult:
    """Replace the (closed) state at ``db_path`` with the backup, all or nothing.

    The replaced state (database, its -wal, the attachment folder) is kept, whole, in
    ``<db>.truoc-phuc-hoi-<date>/`` and never deleted by a later restore.  The caller reopens the
    database afterwards (which migrates an older backup).
    """
    task = task or TaskState()
    source = Path(source)
    db_path = Path(db_path).expanduser().resolve()
    _refuse_if_open(db_path)
    if not source.is_file():
        raise AppError(f"Không tìm thấy bản sao lưu «{source}».")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    restore_journal.recover(db_path)  # an earlier restore killed half-way is settled before anything else
    staging = restore_journal.staging_dir(db_path)
    try:
        if staging.exists():
            shutil.rmtree(staging)
        staging.mkdir()
        version = _stage(source, staging, db_path.name, restore_journal.files_dir_name(db_path), task)
        task.check()  # the last moment a cancel is honoured: the swap below is never interrupted on purpose
        restore_journal.checkpoint(db_path)
        fault_point("restore: current database checkpointed")
        try:
            safety = restore_journal.swap(db_path, staging)
        except OSError as exc:
            if restore_journal.journal_path(db_path).exists():
                raise AppError(
                    f"Phục hồi bị gián đoạn: {exc.strerror or exc}. Dữ liệu cũ sẽ được tự động đưa về khi mở "
                    "lại chương trình."
                ) from exc
            raise AppError(
                f"Không thay được dữ liệu: {exc.strerror or exc}. Dữ liệu hiện tại được giữ nguyên; hãy đóng "
                "các chương trình đang mở tệp dữ liệu rồi thử lại."
            ) from exc
    except OSError as exc:
        known = translate_os_error(exc, db_path, "phục hồi")
        cause = str(known) if known is not None else f"{exc.strerror or exc}."
        raise AppError(f"Không phục hồi được từ «{source.name}»: {cause} Dữ liệu hiện tại không bị thay đổi.") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if safety is not None:
        log.info("restored %s from %s; the previous state is kept in %s", db_path, source, safety)
    return RestoreResult(db_path, safety, version)
