"""Starting a new year: models that continue (duy trì) are copied and linked to last year's record."""

from __future__ import annotations

from .. import domain, registration
from ..history import record
from ..storage.models import Indicator, MoHinh, StatusChange
from .models import ModelFilter, ModelRow, list_models

# Withdrawn, returned or failed models do not continue by default.
_ENDED = (domain.WITHDRAWN, domain.RETURNED, domain.NOT_RECOGNISED)
# What identifies the model, then the registration fields flagged ``next_year`` in the registry.
_COPIED = (
    "name",
    "name_fold",
    "name_sort",
    "kind",
    "field",
    "level",
    "unit",
    "search_fold",
    *registration.COPIED_NEXT_YEAR,
)


def continuing_candidates(from_year: int) -> list[ModelRow]:
    """Models of ``from_year`` that may continue and have not been copied forward yet."""
    already = {
        m.continues_id
        for m in MoHinh.select(MoHinh.continues).where((MoHinh.year == from_year + 1) & MoHinh.continues.is_null(False))
    }
    keep = tuple(s for s in domain.STATUSES if s not in _ENDED)
    return [row for row in list_models(ModelFilter(year=from_year, statuses=keep)) if row.id not in already]


def copy_to_year(model_ids: list[int], to_year: int) -> list[int]:
    """Copy the given models into ``to_year``: linked, status Đăng ký, results cleared.

    Models already continued into ``to_year`` are skipped; returns the new ids.
    """
    created: list[int] = []
    with record.batch(f"Chuyển mô hình, điển hình sang năm {to_year}", action="next_year", undoable=True):
        for old in MoHinh.select().where(MoHinh.id.in_(model_ids)):
            if MoHinh.select().where((MoHinh.continues == old.id) & (MoHinh.year == to_year)).exists():
                continue
            new = MoHinh.create(
                year=to_year,
                continues=old.id,
                status=domain.REGISTERED,
                **{name: getattr(old, name) for name in _COPIED},
            )
            for ind in old.indicators.order_by(Indicator.sort_order):
                Indicator.create(
                    model=new,
                    name=ind.name,
                    unit_of_measure=ind.unit_of_measure,
                    target=ind.target,
                    achieved=None,
                    sort_order=ind.sort_order,
                    category=ind.category_id,
                )
            StatusChange.create(
                model=new, from_status="", to_status=domain.REGISTERED, reason=f"Duy trì từ năm {old.year}"
            )
            record.created(new)
            created.append(new.id)
    return created
