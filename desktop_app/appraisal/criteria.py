"""Criteria sets per year and kind: defaults, editing (guarded once scores exist), copying to a new year."""
from __future__ import annotations

import json

from ..errors import AppError, NotFoundError, ValidationError
from ..resources import load_json
from ..storage.models import AuditLog, database_proxy
from ..text import clean
from .aggregate import GradeThreshold
from .info import CriteriaSetInfo, CriterionInfo
from .tables import CriteriaSet, Criterion, Score


class ScoresExistError(AppError):
    """The set already has scores: the change must be confirmed (``force=True``) and is recorded."""


def _info(row: CriteriaSet) -> CriteriaSetInfo:
    thresholds = [GradeThreshold(name, float(points)) for name, points in json.loads(row.thresholds)]
    criteria = [CriterionInfo(c.id, c.uuid, c.order, c.group, c.text, c.guidance, c.max_points)
                for c in row.criteria.order_by(Criterion.order, Criterion.id)]
    return CriteriaSetInfo(row.id, row.uuid, row.name, row.year, row.kind, row.level_id, row.is_default,
                           row.requires_grade, thresholds, criteria, row.trim_extremes)


def ensure_default_sets(year: int) -> None:
    """Give ``year`` the shipped default sets for each kind it lacks (copied, so edits stay per year)."""
    data = load_json("catalogues", "criteria_default.json")
    with database_proxy.atomic():
        for item in data["sets"]:
            if CriteriaSet.select().where((CriteriaSet.year == year) & (CriteriaSet.kind == item["kind"])).exists():
                continue
            row = CriteriaSet.create(year=year, kind=item["kind"], name=item["name"], is_default=True,
                                     requires_grade=data["requires_grade"],
                                     thresholds=json.dumps(data["thresholds"], ensure_ascii=False))
            for order, criterion in enumerate(item["criteria"], start=1):
                Criterion.create(criteria_set=row, order=order, text=criterion["text"],
                                 guidance=criterion.get("guidance", ""), max_points=criterion["max_points"])


def criteria_set_for(year: int, kind: str, level_id: int | None = None) -> CriteriaSetInfo:
    """The set for a year and kind (a level-specific one first); the default is created if none exists."""
    ensure_default_sets(year)
    query = CriteriaSet.select().where((CriteriaSet.year == year) & (CriteriaSet.kind == kind))
    specific = query.where(CriteriaSet.level == level_id).first() if level_id else None
    row = specific or query.where(CriteriaSet.level.is_null()).first() or query.first()
    return _info(row)


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
            raise ScoresExistError(f"Bộ tiêu chí đã có điểm chấm. {action} sẽ thay đổi kết quả đã chấm; "
                                   "hãy xác nhận nếu vẫn muốn thực hiện.")
        AuditLog.create(action="criteria.changed_after_scoring",
                        detail=json.dumps({"set": set_id, "change": action}, ensure_ascii=False))


def _check_criterion(text: str, max_points) -> tuple[str, float]:
    text = clean(text)
    if not text:
        raise ValidationError("Nội dung tiêu chí", "không được để trống.", key="text")
    try:
        points = float(max_points)
    except (TypeError, ValueError):
        raise ValidationError("Điểm tối đa", f"«{max_points}» không phải là số.", key="max_points") from None
    if points <= 0 or abs(points * 2 - round(points * 2)) > 1e-9:
        raise ValidationError("Điểm tối đa", "phải là số dương, nguyên hoặc nửa điểm.", key="max_points")
    return text, points


def add_criterion(set_id: int, text: str, max_points: float, guidance: str = "", group: str = "",
                  *, force: bool = False) -> int:
    text, points = _check_criterion(text, max_points)
    _guard(set_id, force, "Thêm tiêu chí")
    order = (Criterion.select().where(Criterion.criteria_set == set_id).count()) + 1
    return Criterion.create(criteria_set=set_id, order=order, text=text, guidance=clean(guidance),
                            group=clean(group), max_points=points).id


def update_criterion(criterion_id: int, *, text: str, max_points: float, guidance: str = "", group: str = "",
                     force: bool = False) -> None:
    row = Criterion.get_or_none(Criterion.id == criterion_id)
    if row is None:
        raise NotFoundError("Không tìm thấy tiêu chí.")
    text, points = _check_criterion(text, max_points)
    if points < row.max_points:
        top = Score.select().where((Score.criterion == criterion_id) & (Score.points > points)).count()
        if top:
            raise ValidationError("Điểm tối đa", f"có {top} điểm đã chấm lớn hơn {points:g}; hãy sửa các điểm đó "
                                  "trước.", key="max_points")
    if points != row.max_points:
        _guard(row.criteria_set_id, force, "Đổi điểm tối đa")
    row.text, row.max_points, row.guidance, row.group = text, points, clean(guidance), clean(group)
    row.save()


def delete_criterion(criterion_id: int, *, force: bool = False) -> None:
    row = Criterion.get_or_none(Criterion.id == criterion_id)
    if row is None:
        return
    _guard(row.criteria_set_id, force, f"Xóa tiêu chí «{row.text[:60]}»")
    with database_proxy.atomic():
        row.delete_instance()
        for order, other in enumerate(Criterion.select().where(Criterion.criteria_set == row.criteria_set_id)
                                      .order_by(Criterion.order), start=1):
            other.order = order
            other.save()


def update_set(set_id: int, *, name: str | None = None, requires_grade: str | None = None,
               thresholds: list[GradeThreshold] | None = None, trim_extremes: bool | None = None,
               force: bool = False) -> None:
    row = CriteriaSet.get_by_id(set_id)
    if name is not None:
        row.name = clean(name) or row.name
    if requires_grade is not None:
        row.requires_grade = clean(requires_grade)
    if thresholds is not None:
        if sorted(t.min_points for t in thresholds) != sorted(set(t.min_points for t in thresholds)):
            raise ValidationError("Ngưỡng xếp loại", "hai loại không được có cùng mức điểm.", key="thresholds")
        _guard(set_id, force, "Đổi ngưỡng xếp loại")
        row.thresholds = json.dumps([[t.name, t.min_points] for t in thresholds], ensure_ascii=False)
    if trim_extremes is not None and trim_extremes != row.trim_extremes:
        _guard(set_id, force, "Đổi cách tính điểm trung bình")
        row.trim_extremes = trim_extremes
    row.is_default = False if (name or thresholds) else row.is_default
    row.save()


def copy_sets_to_year(from_year: int, to_year: int) -> int:
    """Copy every set of ``from_year`` into ``to_year`` (replacing unscored sets there); returns how many."""
    copied = 0
    with database_proxy.atomic():
        for source in CriteriaSet.select().where(CriteriaSet.year == from_year):
            existing = CriteriaSet.select().where((CriteriaSet.year == to_year) & (CriteriaSet.kind == source.kind)
                                                  & (CriteriaSet.level == source.level))
            for old in existing:
                if has_scores(old.id):
                    raise AppError(f"Năm {to_year} đã có điểm chấm theo bộ tiêu chí «{old.name}»; không chép đè.")
                old.delete_instance(recursive=True)
            new = CriteriaSet.create(year=to_year, kind=source.kind, level=source.level, name=source.name,
                                     is_default=source.is_default, requires_grade=source.requires_grade,
                                     thresholds=source.thresholds, trim_extremes=source.trim_extremes)
            for c in source.criteria.order_by(Criterion.order):
                Criterion.create(criteria_set=new, order=c.order, group=c.group, text=c.text, guidance=c.guidance,
                                 max_points=c.max_points)
            copied += 1
    return copied
