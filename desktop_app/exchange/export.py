"""Writing a year (or a selection of its models) as one exchange package, whole and verified or not at all.

The package is built in ``<target>.tmp`` beside the target (:func:`desktop_app.fileio.replacing`), read back
with the very reader the upper office uses (:func:`.reader.read_package`: names, sizes, hashes, data), and only
then renamed into place; a cancel or a failure at any step leaves no file.  Photos are streamed into the zip,
never held whole in memory; ``data.json`` is built in memory (a year is a few thousand models at most).
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from .. import __version__
from ..appraisal.results import results as year_results
from ..appraisal.tables import CouncilMember, Criterion, Decision, Score
from ..errors import AppError
from ..fileio import replacing
from ..history import kinds
from ..services.attachments import files_dir
from ..services.backup_manifest import name_problem
from ..storage.database import transaction
from ..storage.migrations import latest_version
from ..storage.models import (
    BaseModel,
    Field,
    IndicatorCategory,
    Level,
    MoHinh,
    Unit,
    UnitKind,
)
from ..tasks import TaskState
from . import identity
from .format import (
    DATA_ENTRY,
    FILES_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST_ENTRY,
    MAX_DATA_BYTES,
    MAX_FILE_BYTES,
    MAX_RATIO,
    PackageData,
    PackageManifest,
)
from .reader import read_package

__all__ = ["ExportResult", "export_package", "package_data"]

log = logging.getLogger("dvk.exchange")

_CHUNK = 1 << 20
_CHUNKED = 500  # uuids per query, below SQLite's parameter limit however old


@dataclass(frozen=True)
class ExportResult:
    path: Path
    models: int
    attachments: int
    files: int  # evidence files in the package (attachments sharing one file count once)
    size: int  # of the package file, in bytes
    missing: tuple[str, ...] = ()  # attachments whose file was not found beside the database: sent without it


# ----------------------------------------------------------------- what the package says


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNKED):
        yield values[start : start + _CHUNKED]


def _select_models(year: int, model_uuids: Sequence[str] | None) -> list[MoHinh]:
    if model_uuids is None:
        return list(MoHinh.select().where(MoHinh.year == year).order_by(MoHinh.name_sort, MoHinh.id))
    wanted = list(dict.fromkeys(model_uuids))
    found: dict[str, MoHinh] = {}
    for chunk in _chunks(wanted):
        for row in MoHinh.select().where(MoHinh.uuid.in_(list(chunk))):
            found[row.uuid] = row
    lacking = [uuid for uuid in wanted if uuid not in found]
    if lacking:
        raise AppError(
            f"Không tìm thấy {len(lacking)} mô hình đã chọn (có thể đã bị xóa). Hãy chọn lại các mô hình cần gửi."
        )
    other_year = [row.name for row in found.values() if row.year != year]
    if other_year:
        raise AppError(f"Mô hình «{other_year[0]}» không thuộc năm {year}; một gói chỉ gửi các mô hình của một năm.")
    return sorted(found.values(), key=lambda row: (row.name_sort, row.id))


def _rows_by_uuid(table: type[BaseModel], uuids: Iterable[str]) -> list[BaseModel]:
    wanted = sorted({u for u in uuids if u})
    rows: list[BaseModel] = []
    for chunk in _chunks(wanted):
        rows.extend(table.select().where(table.uuid.in_(list(chunk))))  # type: ignore[attr-defined]
    return sorted(rows, key=lambda row: row.uuid)  # type: ignore[attr-defined]


def _refs(snapshots: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Every catalogue item and unit the models point at (units with their parents up the tree), as snapshots."""
    wanted: dict[str, set[str]] = {code: set() for code in ("field", "level", "unit_kind", "indicator_category")}
    unit_uuids: set[str] = set()
    for snap in snapshots:
        for code in ("field", "level"):
            if snap.get(code):
                wanted[code].add(snap[code])
        if snap.get("unit"):
            unit_uuids.add(snap["unit"])
        for indicator in snap.get("indicators", []):
            if indicator.get("category"):
                wanted["indicator_category"].add(indicator["category"])
    units: dict[str, dict[str, Any]] = {}
    pending = unit_uuids
    while pending:  # up the tree: a parent the receiver lacks is created before its child
        found = [kinds.snapshot(row) for row in _rows_by_uuid(Unit, pending)]
        for unit in found:
            units[unit["uuid"]] = unit
        pending = {u["parent"] for u in found if u.get("parent") and u["parent"] not in units}
    for unit in units.values():
        if unit.get("kind"):
            wanted["unit_kind"].add(unit["kind"])
        if unit.get("level"):
            wanted["level"].add(unit["level"])
    tables: dict[str, type[BaseModel]] = {
        "field": Field,
        "level": Level,
        "unit_kind": UnitKind,
        "indicator_category": IndicatorCategory,
    }
    refs = {code: [kinds.snapshot(row) for row in _rows_by_uuid(tables[code], wanted[code])] for code in tables}
    refs["unit"] = [units[uuid] for uuid in sorted(units)]
    return refs


def _appraisals(year: int, models: list[MoHinh]) -> tuple[list[dict[str, Any]], int]:
    """The sender's result for each model it scored, and the number of score sheets; none when nothing was scored.

    Read only: results are computed only for a year that has scores or a decision, so an export never creates a
    year's default criteria sets as a first scoring screen would.
    """
    ids = [m.id for m in models]
    decision = Decision.get_or_none(Decision.year == year)
    scored = Score.select(Score.id).join(MoHinh, on=(Score.model == MoHinh.id)).where(MoHinh.year == year).exists()
    if decision is None and not scored:
        return [], 0
    by_uuid = {r.model_uuid: r for r in year_results(year)}
    members = {m.id: m for m in CouncilMember.select().where(CouncilMember.year == year)}
    sheets: dict[int, dict[int, dict[str, Any]]] = {}
    query = (
        Score.select(Score.model, Score.member, Score.points, Criterion.text, Criterion.order)
        .join(Criterion, on=(Score.criterion == Criterion.id))
        .where(Score.model.in_(ids) & (Score.keying == 1))
        .order_by(Score.model, Score.member, Criterion.order, Criterion.id)
    )
    # peewee's stubs type .tuples() as the query itself, whose rows would be Score instances.
    rows = cast("Iterable[tuple[int, int, float, str, int]]", query.tuples())
    for model_id, member_id, points, text, order in rows:
        member = members.get(member_id)
        sheet = sheets.setdefault(model_id, {}).setdefault(
            member_id,
            {"member": member.name if member else "", "title": member.title if member else "", "points": {}},
        )
        points_by_text = sheet["points"]
        # Criteria are named by their text (the receiver has no ids of ours); two alike keep their order apart.
        points_by_text[text if text not in points_by_text else f"{text} ({order})"] = points
    out: list[dict[str, Any]] = []
    count = 0
    for model in models:
        result = by_uuid.get(model.uuid)
        model_sheets = list(sheets.get(model.id, {}).values())
        if result is None and not model_sheets:
            continue
        count += len(model_sheets)
        out.append(
            {
                "model": model.uuid,
                "mean": result.mean if result else None,
                "grade": result.grade if result else "",
                "rank": result.rank if result else None,
                "passed": bool(result.recognised) if result else False,
                "outstanding": bool(result.outstanding) if result else False,
                "decision_number": decision.number if decision else "",
                "decision_date": decision.date.isoformat() if decision and decision.date else None,
                "sheets": model_sheets,
            }
        )
    return out, count


def package_data(year: int, model_uuids: Sequence[str] | None = None) -> tuple[PackageData, dict[str, int]]:
    """What ``data.json`` holds for the year (or the chosen models), and the manifest's counts."""
    with transaction():  # one consistent read, whatever another window saves meanwhile
        models = _select_models(year, model_uuids)
        if not models:
            raise AppError(f"Năm {year} chưa có mô hình nào để gửi; hãy chọn năm khác.")
        snapshots = [kinds.snapshot(model) for model in models]
        refs = _refs(snapshots)
        appraisals, sheets = _appraisals(year, models)
    counts = {
        "models": len(snapshots),
        "indicators": sum(len(s.get("indicators", [])) for s in snapshots),
        "attachments": sum(len(s.get("attachments", [])) for s in snapshots),
        "score_sheets": sheets,
        "decisions": int(any(a.get("decision_number") for a in appraisals)),
    }
    return PackageData(refs=refs, models=snapshots, appraisals=appraisals), counts


def _data_bytes(data: PackageData) -> bytes:
    payload = {"refs": data.refs, "models": data.models, "appraisals": data.appraisals}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ----------------------------------------------------------------- writing the zip


def _files(data: PackageData) -> tuple[list[tuple[str, Path]], list[str]]:
    """(stored name, path) of every evidence file to send, and the stored names not found beside the database."""
    folder = files_dir()
    found: dict[str, Path] = {}
    missing: list[str] = []
    for snap in data.models:
        for attachment in snap.get("attachments", []):
            stored = str(attachment.get("stored_name") or "")
            if stored in found or stored in missing:
                continue
            path = folder / stored
            if name_problem(stored) is not None or "/" in stored or not path.is_file():
                log.warning("attachment file %r is missing or misnamed; sent without it", stored)
                missing.append(stored)
                continue
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise AppError(
                    f"Tệp minh chứng «{attachment.get('original_name') or stored}» của mô hình «{snap.get('name')}» "
                    f"quá lớn để gửi ({size // 1024**2} MB, tối đa {MAX_FILE_BYTES // 1024**2} MB). "
                    "Hãy thay bằng bản nén nhỏ hơn rồi gửi lại."
                )
            found[stored] = path
    return sorted(found.items()), missing


def _write_bytes(archive: zipfile.ZipFile, name: str, raw: bytes) -> dict[str, Any]:
    # Deflated unless it would pack past the reader's ratio limit (a year of near-empty models).
    packed = len(zlib.compress(raw, 6))
    method = zipfile.ZIP_DEFLATED if len(raw) <= packed * (MAX_RATIO // 2) else zipfile.ZIP_STORED
    archive.writestr(zipfile.ZipInfo(name, datetime.now().timetuple()[:6]), raw, compress_type=method)
    return {"size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}


def _write_file(archive: zipfile.ZipFile, path: Path, name: str, task: TaskState) -> dict[str, Any]:
    # Stored, not deflated: photos and documents are compressed already, and a stored member can never exceed
    # the reader's ratio limit however plain its content.
    info = zipfile.ZipInfo.from_file(path, name, strict_timestamps=False)  # a photo dated 1970 too
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16  # a plain file whatever the source was (never a link's bits)
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as src, archive.open(info, "w", force_zip64=info.file_size > 2**31 - 1) as dst:
        for block in iter(lambda: src.read(_CHUNK), b""):
            task.check()
            size += len(block)
            if size > MAX_FILE_BYTES:
                raise AppError(f"Tệp minh chứng «{path.name}» quá lớn để gửi; hãy thay bằng bản nén nhỏ hơn.")
            digest.update(block)
            dst.write(block)
    return {"size": size, "sha256": digest.hexdigest()}


def export_package(
    target: Path | str, *, year: int, model_uuids: Sequence[str] | None = None, task: TaskState | None = None
) -> ExportResult:
    """Write the year's models (or ``model_uuids``, all of ``year``) as a package at ``target``.

    Refuses a year with no model and a selection naming a model that is gone or of another year.  The package
    is re-read and verified before it takes the target's name; a cancel (``task``) or a failure leaves no file.
    """
    task = task or TaskState()
    target = Path(target)
    task.progress(0, 1, "Đang chuẩn bị dữ liệu")
    data, counts = package_data(year, model_uuids)
    raw_data = _data_bytes(data)
    if len(raw_data) > MAX_DATA_BYTES:
        raise AppError(f"Dữ liệu năm {year} quá lớn cho một gói; hãy gửi thành nhiều gói, mỗi gói một phần mô hình.")
    office = identity.sender()
    if not office.name:
        raise AppError(
            "Cơ quan chưa có tên để cấp trên nhận biết gói báo cáo. Hãy điền tên cơ quan ban hành hoặc địa danh "
            "trong Cài đặt › Thông tin cơ quan rồi gửi lại."
        )
    files, missing = _files(data)
    counts["files"] = len(files)
    manifest = PackageManifest(
        format=FORMAT,
        format_version=FORMAT_VERSION,
        schema_version=latest_version(),
        app_version=__version__,
        created_at=datetime.now().isoformat(timespec="microseconds"),
        office=office,
        year=year,
        counts=counts,
    )
    total = len(files) + 3
    with replacing(target, "ghi gói báo cáo") as partial:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            task.progress(1, total, "Đang ghi dữ liệu")
            manifest.members[DATA_ENTRY] = _write_bytes(archive, DATA_ENTRY, raw_data)
            for index, (stored, path) in enumerate(files, start=2):
                task.progress(index, total, f"Tệp minh chứng {index - 1}/{len(files)}")
                manifest.members[FILES_PREFIX + stored] = _write_file(archive, path, FILES_PREFIX + stored, task)
            raw = json.dumps(manifest.to_json(), ensure_ascii=False, indent=1).encode("utf-8")
            archive.writestr(MANIFEST_ENTRY, raw, compress_type=zipfile.ZIP_DEFLATED)
        task.progress(total - 1, total, "Đang kiểm tra gói vừa ghi")
        try:
            read_package(partial, task=task)
        except AppError as exc:
            if task.cancelled:
                raise
            log.error("package %s refused when read back: %s", target, exc)
            raise AppError(
                f"Gói «{target.name}» vừa ghi đọc lại bị lỗi; ổ đĩa có thể bị lỗi hoặc đầy. Hãy ghi lại vào ổ đĩa khác."
            ) from exc
        task.check()  # the last moment a cancel is honoured: after it the package takes its name
    size = target.stat().st_size
    task.progress(total, total, "Đã ghi gói")
    return ExportResult(
        path=target,
        models=counts["models"],
        attachments=counts["attachments"],
        files=len(files),
        size=size,
        missing=tuple(missing),
    )
