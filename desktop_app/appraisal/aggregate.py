"""Pure scoring arithmetic: validating points, totals, mean (optionally trimmed), grade, rank.

No database here, so every rule can be checked on hand-computed cases.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise

from ..text import clean, format_number, parse_number

TRIM_MIN_MEMBERS = 5


@dataclass(frozen=True)
class GradeThreshold:
    name: str
    min_points: float


DEFAULT_THRESHOLDS = (
    GradeThreshold("Xuất sắc", 90),
    GradeThreshold("Tốt", 80),
    GradeThreshold("Đạt", 65),
    GradeThreshold("Không đạt", 0),
)


def check_points(value: object, max_points: float, criterion_label: str = "") -> float | None:
    """The points typed for one criterion, or ValueError with the reason in Vietnamese.

    Empty means not scored yet (None).  Whole or half points, from 0 to the maximum.
    """
    where = f" của {criterion_label}" if criterion_label else ""
    if value is None or (isinstance(value, str) and not clean(value)):
        return None
    number: float | None
    if isinstance(value, str):
        number = parse_number(value)
        if number is None or not _only_number(value):
            raise ValueError(f"«{clean(value)}» không phải là số")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    else:
        # A date or a formula result typed into a score cell of the workbook must be refused with a reason,
        # not crash in float().
        raise ValueError(f"«{value}» không phải là số")
    if math.isnan(number):
        raise ValueError("Điểm không phải là số")
    if number < 0:
        raise ValueError("Điểm không được âm")
    if number > max_points + 1e-9:
        raise ValueError(f"Điểm {format_number(number)} vượt quá điểm tối đa {format_number(max_points)}{where}")
    if abs(number * 2 - round(number * 2)) > 1e-9:
        raise ValueError(f"Điểm {format_number(number)} không hợp lệ: chỉ chấm điểm nguyên hoặc nửa điểm (0,5)")
    return float(number)


def _only_number(text: str) -> bool:
    stripped = clean(text).replace(",", "").replace(".", "").replace(" ", "")
    return stripped.isdigit() or (stripped.startswith("-") and stripped[1:].isdigit())


def sheet_total(points: Mapping[int, float | None], criteria_ids: list[int]) -> tuple[float | None, bool]:
    """(total, complete): the total is None until every criterion has points."""
    values = [points.get(cid) for cid in criteria_ids]
    complete = bool(criteria_ids) and all(v is not None for v in values)
    return (sum(v for v in values if v is not None) if complete else None), complete


def mean_score(totals: list[float], trim_extremes: bool = False) -> tuple[float | None, bool]:
    """(mean, trimmed).  Trimming drops one highest and one lowest total, only with ≥ 5 members."""
    if not totals:
        return None, False
    values = sorted(totals)
    trimmed = trim_extremes and len(values) >= TRIM_MIN_MEMBERS
    if trimmed:
        values = values[1:-1]
    return round(sum(values) / len(values), 2), trimmed


def spread(totals: list[float]) -> float | None:
    return round(max(totals) - min(totals), 2) if totals else None


def grade_for(mean: float | None, thresholds: list[GradeThreshold] | tuple[GradeThreshold, ...]) -> str:
    if mean is None:
        return ""
    for threshold in sorted(thresholds, key=lambda t: -t.min_points):
        if mean >= threshold.min_points - 1e-9:
            return threshold.name
    return sorted(thresholds, key=lambda t: t.min_points)[0].name if thresholds else ""


def describe_thresholds(thresholds: list[GradeThreshold] | tuple[GradeThreshold, ...]) -> str:
    """ "Xuất sắc: từ 90 điểm; Tốt: từ 80 đến dưới 90 điểm; …; Không đạt: dưới 65 điểm".

    The lowest grade is written by where the next one starts (grade_for gives it to every lower mean),
    never "từ 0 điểm".
    """
    ordered = sorted(thresholds, key=lambda t: -t.min_points)
    parts = []
    for index, threshold in enumerate(ordered):
        above = ordered[index - 1].min_points if index else None
        lowest = index == len(ordered) - 1 and index > 0
        if lowest:
            parts.append(f"{threshold.name}: dưới {format_number(above)} điểm")
        elif above is None:
            parts.append(f"{threshold.name}: từ {format_number(threshold.min_points)} điểm trở lên")
        else:
            parts.append(
                f"{threshold.name}: từ {format_number(threshold.min_points)} đến dưới {format_number(above)} điểm"
            )
    return "; ".join(parts)


def passes(grade: str, required: str, thresholds: list[GradeThreshold] | tuple[GradeThreshold, ...]) -> bool:
    """True when ``grade`` is ``required`` or better."""
    if not grade:
        return False
    if not required:
        return True
    minimum = {t.name: t.min_points for t in thresholds}
    return minimum.get(grade, -1) >= minimum.get(required, float("inf"))


def ranks(means: list[float | None]) -> list[int | None]:
    """Competition ranking: ties share a rank and the next rank is skipped (1, 2, 2, 4)."""
    ordered = sorted((m for m in means if m is not None), reverse=True)
    first: dict[float, int] = {}
    for position, value in enumerate(ordered, start=1):
        first.setdefault(value, position)
    return [first[m] if m is not None else None for m in means]


def check_thresholds(thresholds: list[GradeThreshold], total: float) -> list[GradeThreshold]:
    """Grade thresholds as typed, best grade first, or ValueError with the reason in Vietnamese.

    Names present and distinct; minimum points strictly descending (so no two grades share a floor) and within
    0..``total``, the maximum a model can reach with the set's criteria.
    """
    if not thresholds:
        raise ValueError("Phải có ít nhất một loại xếp hạng.")
    cleaned = [GradeThreshold(clean(t.name), float(t.min_points)) for t in thresholds]
    names = [t.name for t in cleaned]
    if not all(names):
        raise ValueError("Tên loại xếp hạng không được để trống.")
    if len({n.casefold() for n in names}) != len(names):
        raise ValueError("Hai loại không được trùng tên.")
    for t in cleaned:
        if t.min_points < 0 or t.min_points > total + 1e-9:
            raise ValueError(
                f"Điểm tối thiểu của loại «{t.name}» phải từ 0 đến {format_number(total)} "
                "(tổng điểm tối đa của bộ tiêu chí)."
            )
    for better, worse in pairwise(cleaned):
        if worse.min_points >= better.min_points - 1e-9:
            raise ValueError(
                f"Điểm tối thiểu phải giảm dần: loại «{worse.name}» "
                f"({format_number(worse.min_points)}) phải thấp hơn loại «{better.name}» "
                f"({format_number(better.min_points)})."
            )
    return cleaned
