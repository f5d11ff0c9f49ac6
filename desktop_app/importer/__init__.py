"""Importing registrations sent by units as Excel files, in the office template or their own layout.

``build_plan`` reads and checks a file without writing anything (the preview); ``apply_plan``
writes its valid rows in one transaction.  ``write_template`` makes the blank form to hand out.
"""

from .apply import ImportResult, apply_plan
from .plan import DUPLICATE, OK, REJECTED, STATUS_LABELS, ImportPlan, PlannedRow, Problem, build_plan
from .template import write_template

__all__ = [
    "DUPLICATE",
    "OK",
    "REJECTED",
    "STATUS_LABELS",
    "ImportPlan",
    "ImportResult",
    "PlannedRow",
    "Problem",
    "apply_plan",
    "build_plan",
    "write_template",
]
