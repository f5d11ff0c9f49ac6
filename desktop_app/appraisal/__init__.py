"""Appraisal: criteria sets, the council, scores, results and the recognition decision.

Modules: ``criteria``, ``council``, ``scoring``, ``results``, ``decision``, ``workbook``
(services), ``aggregate`` (pure arithmetic), ``info`` (the dataclasses they return).
"""

from .aggregate import GradeThreshold
from .info import CriteriaSetInfo, CriterionInfo, DecisionInfo, MemberInfo, MemberScore, ModelResult

__all__ = [
    "CriteriaSetInfo",
    "CriterionInfo",
    "DecisionInfo",
    "GradeThreshold",
    "MemberInfo",
    "MemberScore",
    "ModelResult",
]
