"""Plain dataclasses the appraisal services hand to the GUI, the documents and the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .. import domain
from .aggregate import GradeThreshold


@dataclass
class CriterionInfo:
    id: int
    uuid: str
    order: int
    group: str
    text: str
    guidance: str
    max_points: float


@dataclass
class CriteriaSetInfo:
    id: int
    uuid: str
    name: str
    year: int
    kind: str
    level_id: int | None
    is_default: bool
    requires_grade: str
    thresholds: list[GradeThreshold]
    criteria: list[CriterionInfo]
    trim_extremes: bool = False

    @property
    def total_max(self) -> float:
        return sum(c.max_points for c in self.criteria)


@dataclass
class MemberInfo:
    id: int
    uuid: str
    year: int
    name: str
    title: str
    role: str
    field_ids: list[int]


@dataclass
class MemberScore:
    member_id: int
    member_name: str
    total: float | None
    complete: bool
    excluded: bool


@dataclass
class ModelResult:
    model_id: int
    model_uuid: str
    name: str
    kind: str
    field: str
    unit: str
    address: str
    scores: list[MemberScore]
    members: int
    mean: float | None
    trimmed: bool
    grade: str
    rank: int | None
    spread: float | None
    recognised: bool
    outstanding: bool
    override_reason: str
    computed_grade: str = ""

    @property
    def kind_short(self) -> str:
        """ "Tập thể" or "Cá nhân"."""
        return domain.KIND_SHORT.get(self.kind, self.kind)

    def to_json(self) -> dict[str, Any]:
        # ``rank`` is the rank among results of the same ``kind``.
        return {
            "uuid": self.model_uuid,
            "name": self.name,
            "kind": self.kind,
            "kind_label": self.kind_short,
            "members": self.members,
            "mean": self.mean,
            "grade": self.grade,
            "rank": self.rank,
            "recognised": self.recognised,
            "outstanding": self.outstanding,
            "field": self.field,
            "unit": self.unit,
            "override_reason": self.override_reason,
        }


@dataclass
class DecisionInfo:
    id: int
    uuid: str
    year: int
    number: str
    date: date
    issuing_body: str
    signer_name: str
    signer_title: str
    authority: str
    locked: bool
    results: list[ModelResult] = field(default_factory=list)
