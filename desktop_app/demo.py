"""Demo data: the models named in the Lâm Hà district report of 2023 (seed 004).

UUIDs are derived from the keys in the JSON file, so loading twice adds nothing.  The years around it
(2021, 2022, 2024, 2025) are derived from it by :mod:`desktop_app.review.demo`, for the period review.
"""

from __future__ import annotations

import uuid as _uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from . import domain, registration
from .appraisal.demo import load_demo_appraisal
from .office import STYLE_PARTY, STYLE_STATE, Identity, OfficeInfo
from .resources import load_json
from .review.demo import DemoYears, load_demo_years
from .services import catalogues, settings
from .services.models import IndicatorData, ModelInput, create_model
from .services.units import create_unit
from .storage.database import transaction
from .storage.models import MoHinh, Unit, Year
from .tasks import TaskState

DEMO_FILE = ("demo", "lam_ha_2023.json")
_NAMESPACE = _uuid.UUID("6f1c1d2e-55b1-4d1e-9a51-2b8e5f0d7a11")

# A district that issues under both systems: the Party committee recognises the models, and the
# People's Committee prints the same lists in the State style.
DEMO_OFFICE = OfficeInfo(
    place_name="Lâm Hà",
    area_name="huyện Lâm Hà",
    document_style=STYLE_PARTY,
    current_year=2023,
    own_level="Huyện",
    identities={
        STYLE_PARTY: Identity(
            issuing_body="HUYỆN ỦY LÂM HÀ",
            superior_body="ĐẢNG BỘ TỈNH LÂM ĐỒNG",
            signing_authority="T/M BAN THƯỜNG VỤ",
            signer_title="PHÓ BÍ THƯ THƯỜNG TRỰC",
            signer_name="Nguyễn Văn Bình",
            symbol="HU",
        ),
        STYLE_STATE: Identity(
            issuing_body="ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ",
            signing_authority="TM. ỦY BAN NHÂN DÂN",
            signer_title="CHỦ TỊCH",
            signer_name="Trần Văn Hòa",
            symbol="UBND",
        ),
    },
)


@dataclass
class DemoResult:
    year: int
    units_added: int
    models_added: int
    models_total: int
    other_years: DemoYears | None = None  # the derived years (review.demo), when loaded


def demo_uuid(kind: str, key: str) -> str:
    return str(_uuid.uuid5(_NAMESPACE, f"{kind}:{key}"))


def _catalogue_id(catalogue: str, name: str) -> int | None:
    if not name:
        return None
    item = catalogues.find(catalogue, name) or catalogues.create(catalogue, name)
    return item.id


def _category_id(name: str) -> int | None:
    """The indicator category named in the demo file; one missing from the defaults is a mistake in the file
    (a category cannot be made up here: its unit would be unknown)."""
    if not name:
        return None
    item = catalogues.find("indicator_category", name)
    if item is None:
        raise ValueError(f"demo indicator category {name!r} is not among the default categories")
    return item.id


def load_demo(task: TaskState | None = None, *, other_years: bool = True) -> DemoResult:
    """Load the demo year in one transaction; office details are set only on an unconfigured database.

    ``other_years``: also the years derived from it and the demo year's follow-up reports (review.demo).
    """
    data = load_json(*DEMO_FILE)
    year = int(data["year"])
    units_added = models_added = 0
    with transaction():
        catalogues.ensure_defaults()
        if not settings.is_configured():
            settings.save_office(DEMO_OFFICE)
        if Year.get_or_none(Year.year == year) is None:
            Year.create(year=year, title=data.get("title", ""))
        unit_ids: dict[str, int] = {}
        pending = list(data["units"])
        # Parents first: keep passing over the list until every unit has found its parent.
        while pending:
            progressed = False
            for item in list(pending):
                parent_key = item.get("parent")
                if parent_key and parent_key not in unit_ids:
                    continue
                uuid = demo_uuid("unit", item["key"])
                row = Unit.get_or_none(Unit.uuid == uuid)
                if row is None:
                    info = create_unit(
                        item["name"],
                        kind_id=_catalogue_id("unit_kind", item.get("kind", "")),
                        level_id=_catalogue_id("level", item.get("level", "")),
                        parent_id=unit_ids.get(parent_key) if parent_key else None,
                        address=item.get("address", ""),
                        uuid=uuid,
                    )
                    unit_ids[item["key"]] = info.id
                    units_added += 1
                else:
                    unit_ids[item["key"]] = row.id
                pending.remove(item)
                progressed = True
            if not progressed:
                raise ValueError(f"demo units with unknown parents: {[u['key'] for u in pending]}")
        models = data["models"]
        model_ids: dict[str, int] = {}
        for position, item in enumerate(models, start=1):
            if task:
                task.progress(position, len(models), item["name"])
            uuid = demo_uuid("model", item["key"])
            existing = MoHinh.get_or_none(MoHinh.uuid == uuid)
            if existing:
                model_ids[item["key"]] = existing.id
                continue
            # Registered in the spring of the demo year, so the year's dossiers carry no date of the day the
            # demo was loaded.
            model_ids[item["key"]] = create_model(
                _model_input(item, year, unit_ids, model_ids),
                status=item.get("status", domain.PROPOSED),
                uuid=uuid,
                registered_on=date(year, 3, 15),
            )
            models_added += 1
        load_demo_appraisal(year)
        extra = load_demo_years(data, unit_ids, model_ids, _model_input, demo_uuid, task) if other_years else None
    total = MoHinh.select().where(MoHinh.year == year).count()
    return DemoResult(year, units_added, models_added, total, extra)


def _model_input(item: dict[str, Any], year: int, unit_ids: dict[str, int], model_ids: dict[str, int]) -> ModelInput:
    return ModelInput(
        name=item["name"],
        year=year,
        kind=item.get("kind", domain.KIND_COLLECTIVE),
        field_id=_catalogue_id("field", item["field"]),
        level_id=_catalogue_id("level", item.get("level", "")),
        unit_id=unit_ids.get(item.get("unit", "")),
        continues_id=model_ids.get(item.get("continues") or ""),
        replicates_id=model_ids.get(item.get("replicates") or ""),
        indicators=[
            IndicatorData(
                name=i["name"],
                unit_of_measure=i.get("unit_of_measure", ""),
                target=i.get("target"),
                achieved=i.get("achieved"),
                category_id=_category_id(i.get("category", "")),
            )
            for i in item.get("indicators", [])
        ],
        # Registration fields by their registry names; the service reads dates written dd/mm/yyyy.
        **{spec.name: item.get(spec.name, spec.empty) for spec in registration.FIELDS},
    )
