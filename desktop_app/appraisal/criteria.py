"""Criteria sets per year and kind: defaults, editing (guarded once scores exist), copying to a new year."""

from __future__ import annotations

import json
import math
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache, wraps
from typing import Any, TypeVar

from ..errors import AppError, NotFoundError, ValidationError
from ..history import kinds, record
from ..resources import load_json
from ..storage.database import transaction
from ..storage.models import AuditLog, database_proxy
from ..text import clean, format_number
from .aggregate import GradeThreshold, check_thresholds
from .info import CriteriaSetInfo, CriterionInfo
from .tables import CriteriaSet, Criterion, Score


class ScoresExistError(AppError):
    """The set already has scores: the change must be confirmed (``force=True``) and is recorded."""


def _info(row: CriteriaSet) -> CriteriaSetInfo:
    thresholds = [GradeThreshold(name, float(points)) for name, points in json.loads(row.thresholds)]
    criteria = [
        CriterionInfo(c.id, c.uuid, c.order, c.group, c.text, c.guidance, c.max_points)
        for c in row.criteria.order_by(Criterion.order, Criterion.id)
    ]
    return CriteriaSetInfo(
        row.id,
        row.uuid,
        row.name,
        row.year,
        row.kind,
        row.level_id,
        row.is_default,
        row.requires_grade,
        thresholds,
        criteria,
        row.trim_extremes,
    )


# ----------------------------------------------------------------- cache
# Score entry, results and documents ask for a model's set once per model (hundreds of times a screen); the sets
# change only through the editing functions below, so their answers are kept per open database and dropped on
# every edit.  A generation number keeps a read that raced an edit (worker thread) from storing the old answer.

F = TypeVar("F", bound=Callable[..., Any])

_lock = threading.RLock()  # guards the cache only; never held while the database is used
_create_lock = threading.Lock()
_generation = 0
_cache_db: weakref.ref[Any] | None = None
_sets: dict[tuple[int, str, int | None], CriteriaSetInfo] = {}
_complete_years: set[int] = set()  # years known to hold a set of every default kind


def invalidate_cache() -> None:
    """Forget every cached set (each editing function here calls it; call it after writing sets elsewhere)."""
    global _generation
    with _lock:
        _generation += 1
        _sets.clear()
        _complete_years.clear()


def _cache_for_current_db() -> int:
    """The cache generation, after dropping what belongs to a database that is no longer the open one."""
    global _cache_db
    db = database_proxy.obj
    with _lock:
        if _cache_db is None or _cache_db() is not db:
            invalidate_cache()
            _cache_db = weakref.ref(db) if db is not None else None
        return _generation


def _invalidates(fn: F) -> F:
    """Drop the cache after ``fn`` whatever happens (a rolled-back write may still have changed nothing)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        finally:
            invalidate_cache()

    return wrapper  # type: ignore[return-value]


def _copy(info: CriteriaSetInfo) -> CriteriaSetInfo:
    """A caller's own copy, so changing it can never change what the next caller gets."""
    return replace(info, thresholds=list(info.thresholds), criteria=[replace(c) for c in info.criteria])


@lru_cache(maxsize=1)
def _default_data() -> dict[str, Any]:
    """The shipped defaults, read from disk once per run."""
    data: dict[str, Any] = load_json("catalogues", "criteria_default.json")
    return data


def _missing_default_kinds(year: int) -> list[str]:
    """A read only: the default kinds ``year`` has no set for."""
    present = set(CriteriaSet.select(CriteriaSet.kind).where(CriteriaSet.year == year).distinct().scalars())
    return [item["kind"] for item in _default_data()["sets"] if item["kind"] not in present]


def ensure_default_sets(year: int) -> None:
    """Give ``year`` the shipped default sets for each kind it lacks (copied, so edits stay per year).

    Checks with a read first: a year that has its sets (every year after its first use) costs one small query and
    never opens a write transaction.
    """
    generation = _cache_for_current_db()
    with _lock:
        if year in _complete_years:
            return
    if _missing_default_kinds(year):
        _create_default_sets(year)
    with _lock:
        if generation == _generation and not _in_transaction():
            _complete_years.add(year)


@_invalidates
def _create_default_sets(year: int) -> None:
    data = _default_data()
    # Two threads must not both add the defaults.
    with _create_lock, record.batch(f"Tạo bộ tiêu chí mặc định năm {year}"):
        for item in data["sets"]:
            if CriteriaSet.select().where((CriteriaSet.year == year) & (CriteriaSet.kind == item["kind"])).exists():
                continue
            row = CriteriaSet.create(
                year=year,
                kind=item["kind"],
                name=item["name"],
                is_default=True,
                requires_grade=data["requires_grade"],
                thresholds=json.dumps(data["thresholds"], ensure_ascii=False),
            )
            for order, criterion in enumerate(item["criteria"], start=1):
                Criterion.create(
                    criteria_set=row,
                    order=order,
                    text=criterion["text"],
                    guidance=criterion.get("guidance", ""),
                    max_points=criterion["max_points"],
                )
            record.created(row)


def criteria_set_for(year: int, kind: str, level_id: int | None = None) -> CriteriaSetInfo:
    """The set for a year and kind (a level-specific one first), from the cache after the first read.

    Reading never writes, except the very first time a year is used at all: then the default sets are created
    (:func:`ensure_default_sets`), because scores need criteria rows to point at.
    """
    key = (year, kind, level_id)
    generation = _cache_for_current_db()
    with _lock:
        cached = _sets.get(key)
    if cached is not None:
        return _copy(cached)
    row = _find_set(year, kind, level_id)
    if row is None:
        ensure_default_sets(year)
        generation = _cache_for_current_db()
        row = _find_set(year, kind, level_id)
    if row is None:
        raise NotFoundError(f"Năm {year} chưa có bộ tiêu chí cho loại này.")
    info = _info(row)
    with _lock:
        if generation == _generation and not _in_transaction():
            _sets[key] = info
    return _copy(info)


def _in_transaction() -> bool:
    """What is read inside a caller's transaction may still be rolled back: such answers are not kept."""
    return database_proxy.obj is not None and database_proxy.in_transaction()


def _find_set(year: int, kind: str, level_id: int | None) -> CriteriaSet | None:
    query = CriteriaSet.select().where((CriteriaSet.year == year) & (CriteriaSet.kind == kind))
    specific = query.where(CriteriaSet.level == level_id).first() if level_id else None
    found: CriteriaSet | None = specific or query.where(CriteriaSet.level.is_null()).first() or query.first()
    return found


def list_sets(year: int) -> list[CriteriaSetInfo]:
    ensure_default_sets(year)
    return [_info(r) for r in CriteriaSet.select().where(CriteriaSet.year == year).order_by(CriteriaSet.kind.desc())]


def get_set(set_id: int) -> CriteriaSetInfo:
    row = CriteriaSet.get_or_none(CriteriaSet.id == set_id)
    if row is None:
        raise NotFoundError("Không tìm thấy bộ tiêu chí.")
    return _info(row)


def has_scores(set_id: int) -> bool:
    return Score.select().join(Criterion).where(Criterion.criteria_set == set_id).exists()


def _guard(set_id: int, force: bool, action: str) -> None:
    if has_scores(set_id):
        if not force:
            raise ScoresExistError(
                f"Bộ tiêu chí đã có điểm chấm. {action} sẽ thay đổi kết quả đã chấm; "
                "hãy xác nhận nếu vẫn muốn thực hiện."
            )
        AuditLog.create(
            action="criteria.changed_after_scoring",
            detail=json.dumps({"set": set_id, "change": action}, ensure_ascii=False),
        )


def _check_criterion(text: str, max_points: float | str) -> tuple[str, float]:
    text = clean(text)
    if not text:
        raise ValidationError("Nội dung tiêu chí", "không được để trống.", key="text")
    try:
        points = float(max_points)
    except (TypeError, ValueError):
        raise ValidationError("Điểm tối đa", f"«{max_points}» không phải là số.", key="max_points") from None
    # "nan" and "inf" pass float() but not round(): refused here, in Vietnamese.
    if not math.isfinite(points) or points <= 0 or abs(points * 2 - round(points * 2)) > 1e-9:
        raise ValidationError("Điểm tối đa", "phải là số dương, nguyên hoặc nửa điểm.", key="max_points")
    return text, points


@contextmanager
def _changing(row: CriteriaSet, label: str) -> Iterator[None]:
    """One change of a set or its criteria: one history entry of the set, its criteria included."""
    with record.batch(label):
        before = kinds.snapshot(row)
        yield
        record.updated(row, before)


def _set_row(set_id: int) -> CriteriaSet:
    row = CriteriaSet.get_or_none(CriteriaSet.id == set_id)
    if row is None:
        raise NotFoundError("Không tìm thấy bộ tiêu chí.")
    return row


@_invalidates
@transaction()  # inside: the cache is dropped after the commit, not before
def add_criterion(
    set_id: int, text: str, max_points: float, guidance: str = "", group: str = "", *, force: bool = False
) -> int:
    text, points = _check_criterion(text, max_points)
    _guard(set_id, force, "Thêm tiêu chí")
    owner = _set_row(set_id)
    with _changing(owner, f"Thêm tiêu chí vào bộ tiêu chí «{owner.name}»"):
        order = (Criterion.select().where(Criterion.criteria_set == set_id).count()) + 1
        row = Criterion.create(
            criteria_set=set_id, order=order, text=text, guidance=clean(guidance), group=clean(group), max_points=points
        )
    return int(row.id)


@_invalidates
@transaction()
def update_criterion(
    criterion_id: int, *, text: str, max_points: float, guidance: str = "", group: str = "", force: bool = False
) -> None:
    row = Criterion.get_or_none(Criterion.id == criterion_id)
    if row is None:
        raise NotFoundError("Không tìm thấy tiêu chí.")
    text, points = _check_criterion(text, max_points)
    if points < row.max_points:
        top = Score.select().where((Score.criterion == criterion_id) & (Score.points > points)).count()
        if top:
            raise ValidationError(
                "Điểm tối đa", f"có {top} điểm đã chấm lớn hơn {points:g}; hãy sửa các điểm đó trước.", key="max_points"
            )
    if points != row.max_points:
        _guard(row.criteria_set_id, force, "Đổi điểm tối đa")
    owner = _set_row(row.criteria_set_id)
    with _changing(owner, f"Sửa tiêu chí {row.order} của bộ tiêu chí «{owner.name}»"):
        row.text, row.max_points, row.guidance, row.group = text, points, clean(guidance), clean(group)
        row.save()


@_invalidates
@transaction()  # the audit record of _guard commits with the deletion or not at all
def delete_criterion(criterion_id: int, *, force: bool = False) -> None:
    row = Criterion.get_or_none(Criterion.id == criterion_id)
    if row is None:
        return
    _guard(row.criteria_set_id, force, f"Xóa tiêu chí «{row.text[:60]}»")
    owner = _set_row(row.criteria_set_id)
    with _changing(owner, f"Xóa tiêu chí {row.order} của bộ tiêu chí «{owner.name}»"):
        row.delete_instance()
        for order, other in enumerate(
            Criterion.select().where(Criterion.criteria_set == row.criteria_set_id).order_by(Criterion.order), start=1
        ):
            other.order = order
            other.save()


@_invalidates
@transaction()
def update_set(
    set_id: int,
    *,
    name: str | None = None,
    requires_grade: str | None = None,
    thresholds: list[GradeThreshold] | None = None,
    trim_extremes: bool | None = None,
    force: bool = False,
) -> None:
    row = _set_row(set_id)
    with _changing(row, f"Sửa bộ tiêu chí «{row.name}»"):
        _update_set(row, name, requires_grade, thresholds, trim_extremes, force)


def _update_set(
    row: CriteriaSet,
    name: str | None,
    requires_grade: str | None,
    thresholds: list[GradeThreshold] | None,
    trim_extremes: bool | None,
    force: bool,
) -> None:
    set_id = row.id
    if name is not None:
        row.name = clean(name) or row.name
    if requires_grade is not None:
        row.requires_grade = clean(requires_grade)
    if thresholds is not None:
        try:
            thresholds = check_thresholds(thresholds, _info(row).total_max)
        except ValueError as exc:
            raise ValidationError("Ngưỡng xếp loại", str(exc), key="thresholds") from None
        _guard(set_id, force, "Đổi ngưỡng xếp loại")
        row.thresholds = json.dumps([[t.name, t.min_points] for t in thresholds], ensure_ascii=False)
    if trim_extremes is not None and trim_extremes != row.trim_extremes:
        _guard(set_id, force, "Đổi cách tính điểm trung bình")
        row.trim_extremes = trim_extremes
    row.is_default = False if (name or thresholds) else row.is_default
    row.save()


@_invalidates
def copy_sets_to_year(from_year: int, to_year: int) -> int:
    """Copy every set of ``from_year`` into ``to_year`` (replacing unscored sets there); returns how many."""
    copied = 0
    with record.batch(f"Chép bộ tiêu chí năm {from_year} sang năm {to_year}"):
        for source in CriteriaSet.select().where(CriteriaSet.year == from_year):
            existing = CriteriaSet.select().where(
                (CriteriaSet.year == to_year) & (CriteriaSet.kind == source.kind) & (CriteriaSet.level == source.level)
            )
            for old in existing:
                if has_scores(old.id):
                    raise AppError(f"Năm {to_year} đã có điểm chấm theo bộ tiêu chí «{old.name}»; không chép đè.")
                record.deleting(old)
                old.delete_instance(recursive=True)
            new = CriteriaSet.create(
                year=to_year,
                kind=source.kind,
                level=source.level,
                name=source.name,
                is_default=source.is_default,
                requires_grade=source.requires_grade,
                thresholds=source.thresholds,
                trim_extremes=source.trim_extremes,
            )
            for c in source.criteria.order_by(Criterion.order):
                Criterion.create(
                    criteria_set=new,
                    order=c.order,
                    group=c.group,
                    text=c.text,
                    guidance=c.guidance,
                    max_points=c.max_points,
                )
            record.created(new)
            copied += 1
    return copied


EXPECTED_TOTAL = 100.0


def set_total_problem(set_info: CriteriaSetInfo) -> str | None:
    """Why a set's maximum points are wrong (they must add up to 100), or None when they are right.

    The grade thresholds (90/80/65 by default) are points out of 100, so a set totalling 105 or 95 grades every
    model wrongly; it is not refused, because the clerk may be half way through editing it, but it is shown.
    """
    if not set_info.criteria:
        return f"Bộ tiêu chí «{set_info.name}» chưa có tiêu chí nào."
    total = set_info.total_max
    if abs(total - EXPECTED_TOTAL) < 1e-9:
        return None
    return (
        f"Tổng điểm tối đa của bộ tiêu chí «{set_info.name}» là {format_number(total)} điểm, không phải "
        f"{format_number(EXPECTED_TOTAL)}: ngưỡng xếp loại tính trên thang 100 điểm nên kết quả sẽ sai. "
        "Hãy sửa điểm tối đa của các tiêu chí cho đủ 100 điểm."
    )
