"""The demo's other years, derived from the seed's year (2023) so that a period review has something to show.

Each derived year takes part of the seed's models (a rule on their position, so the same every time), with the
year in their names and dates, indicators a little lower before 2023 and higher after, a note saying they are
demo data, and links: most continue (duy trì) the same model of the year before, a few are replicated (nhân rộng)
to other units.  In 2024 and 2025 three of the demo council score them and the models that pass are recognised,
the others not; 2021 and 2022 are typed in from their decisions, outcomes without scores.  Outcomes are dated in
December of their year.  The seed's year itself is left as it is, except for the follow-up reports
(sơ kết 6 tháng) given to most of its models.  UUIDs are derived from the seed's keys and the year, so loading
twice adds nothing.
"""

from __future__ import annotations

import copy
import random
import uuid as _uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .. import domain
from ..appraisal.council import add_member
from ..appraisal.criteria import criteria_set_for
from ..appraisal.decision import issue_decision
from ..appraisal.demo import DEMO_COUNCIL
from ..appraisal.results import compute_results
from ..appraisal.scoring import save_sheets
from ..appraisal.tables import CouncilMember, Score
from ..errors import AppError
from ..followup.progress import ProgressInput, save_progress
from ..history import record
from ..services.models import ModelInput, create_model
from ..services.status import change_status
from ..storage.models import Indicator, MoHinh, ProgressEntry, Year
from ..tasks import TaskState

SEED_YEAR = 2023
DERIVED_YEARS = (2021, 2022, 2024, 2025)
# How the indicators of a derived year compare with the seed's.
_SCALE = {2021: 0.7, 2022: 0.85, 2024: 1.1, 2025: 1.2}
# Which seed models (by position) a year takes: position % modulus != skipped.
_TAKEN = {2021: (2, 1), 2022: (3, 1), 2024: (3, 2), 2025: (3, 0)}
# Seed models replicated each year into another unit (seed key → the unit's key).
_REPLICATED = {
    2022: {"bdv_da_ty": "du_lien_ha", "dinh_van_cchc": "du_dong_thanh"},
    2024: {"hpn_phi_to_heo_dat": "hpn_gia_lam", "dinh_van_cchc": "du_phuc_tho"},
    2025: {
        "hpn_phi_to_heo_dat": "hpn_da_don",
        "hpn_lien_ha_heo_nai": "hpn_dinh_van",
        "du_me_linh_dvc": "du_dan_phuong",
    },
}
# Years the demo council scored in the software; the earlier ones were entered afterwards from their decisions,
# outcomes without scores, as an office that starts using the software types in its past years.
SCORED_YEARS = (2024, 2025)
WITHDRAWN_KEYS = {2022: "hpn_hoai_duc_ve_chai"}  # withdrawn that year, so a review counts it out
DEMO_NOTE = "Dữ liệu mẫu: năm suy ra từ năm 2023 để minh họa phần tổng kết giai đoạn."

# Follow-up reports on the seed year's models: (day, traffic light, what was done, share of the year's figures).
_REPORTS = (
    (
        date(SEED_YEAR, 6, 30),
        "Sơ kết 6 tháng: đã triển khai kế hoạch, tuyên truyền, vận động hội viên và nhân dân tham gia.",
        0.5,
    ),
    (date(SEED_YEAR, 9, 30), "Kiểm tra tiến độ quý III: tiếp tục vận động nguồn lực, hỗ trợ các hộ khó khăn.", 0.75),
)
_LIGHTS = (
    domain.PROGRESS_ON_TRACK,
    domain.PROGRESS_ON_TRACK,
    domain.PROGRESS_BEHIND,
    domain.PROGRESS_ON_TRACK,
    domain.PROGRESS_STALLED,
)

MakeInput = Callable[[dict[str, Any], int, dict[str, int], dict[str, int]], ModelInput]
UuidFor = Callable[[str, str], str]


@dataclass
class DemoYears:
    models_added: dict[int, int] = field(default_factory=dict)  # year → models added
    reports_added: int = 0


def _year_text(value: Any, year: int) -> Any:
    return value.replace(str(SEED_YEAR), str(year)) if isinstance(value, str) else value


def _scaled(amount: Any, unit: str, factor: float) -> Any:
    if not isinstance(amount, int | float):
        return amount
    value = amount * factor
    if unit.strip() == "%":
        return round(min(value, 100.0), 2)
    if float(amount).is_integer():  # households, people, đồng: whole numbers stay whole, and a count stays one
        return max(1, round(value)) if amount > 0 else 0
    return round(value, 2)


def _derived(item: dict[str, Any], year: int, unit_key: str | None = None) -> dict[str, Any]:
    out = {key: _year_text(value, year) for key, value in item.items() if key not in ("indicators", "status")}
    factor = _SCALE[year]
    out["indicators"] = []
    for indicator in item.get("indicators", []):
        copied = copy.deepcopy(indicator)
        unit = copied.get("unit_of_measure", "")
        copied["achieved"] = _scaled(copied.get("achieved"), unit, factor)
        copied["target"] = _scaled(copied.get("target"), unit, factor)
        out["indicators"].append(copied)
    out["note"] = DEMO_NOTE
    out["continues"] = out["replicates"] = None
    if unit_key:
        out["unit"] = unit_key
    return out


def load_demo_years(
    seed: dict[str, Any],
    unit_ids: dict[str, int],
    seed_ids: dict[str, int],
    make_input: MakeInput,
    uuid_for: UuidFor,
    task: TaskState | None = None,
) -> DemoYears:
    """Add the derived years and the seed year's follow-up reports; one history batch.

    ``seed`` is the demo file, ``unit_ids`` and ``seed_ids`` the ids of its units and of the seed year's models
    by key, ``make_input`` turns a model of the file into the service's input (demo._model_input) and
    ``uuid_for(kind, key)`` gives the demo's stable uuids.
    """
    result = DemoYears()
    models = seed["models"]
    units_by_key = {u["key"]: u["name"] for u in seed["units"]}
    ids_by_year: dict[int, dict[str, int]] = {SEED_YEAR: dict(seed_ids)}
    years = ", ".join(str(y) for y in DERIVED_YEARS)
    with record.batch(f"Nạp dữ liệu mẫu các năm {years}"):
        for step, year in enumerate(sorted(DERIVED_YEARS)):
            if task:
                task.progress(step, len(DERIVED_YEARS), f"Dữ liệu mẫu năm {year}")
            if Year.get_or_none(Year.year == year) is None:
                Year.create(year=year, title=_year_text(seed.get("title", ""), year), note=DEMO_NOTE)
            previous = ids_by_year.get(year - 1, {})
            ids_by_year[year] = ids = {}
            added: list[int] = []
            modulus, skipped = _TAKEN[year]
            wanted: list[tuple[str, dict[str, Any]]] = []
            for position, item in enumerate(models):
                if position % modulus == skipped:
                    continue
                derived = _derived(item, year)
                # Most continue last year's model; every fifth stands alone (the same name still joins them).
                if item["key"] in previous and position % 5 != 0:
                    derived["continues"] = f"prev:{item['key']}"
                wanted.append((item["key"], derived))
            by_key = {item["key"]: item for item in models}
            for key, unit_key in _REPLICATED.get(year, {}).items():
                # The latest earlier year that has the model: a model spreads from what came before it.
                earlier = [y for y in sorted(ids_by_year, reverse=True) if y < year and key in ids_by_year[y]]
                if not earlier:
                    continue
                source = ids_by_year[earlier[0]][key]
                derived = _derived(by_key[key], year, unit_key)
                derived["name"] = f"{derived['name']} ({units_by_key[unit_key]})"
                derived["replicates"] = "source"
                wanted.append((f"{key}@{unit_key}", {**derived, "_source": source}))
            for key, derived in wanted:
                uuid = uuid_for("model", f"{year}:{key}")
                existing = MoHinh.get_or_none(MoHinh.uuid == uuid)
                if existing is not None:
                    ids[key] = existing.id
                    continue
                links = {f"prev:{k}": v for k, v in previous.items()}
                if derived.get("_source"):
                    links["source"] = derived["_source"]
                status = domain.WITHDRAWN if WITHDRAWN_KEYS.get(year) == key else domain.PROPOSED
                ids[key] = create_model(
                    make_input(derived, year, unit_ids, links),
                    status=status,
                    uuid=uuid,
                    registered_on=date(year, 3, 15),
                )
                added.append(ids[key])
            result.models_added[year] = len(added)
            if added and year in SCORED_YEARS:
                _score(year, added)
                _decide(year, added)
            elif added:
                _entered_outcome(year, added)
        result.reports_added = _seed_reports(models, seed_ids)
    return result


_COUNCIL_NAMESPACE = _uuid.UUID("3d0f8e7c-2b7a-4f51-8f0e-5c1a9d6b2e47")
_WEAK = ("Thu gom phế liệu", "Thu gom ve chai")  # as the seed year's council finds them


def _score(year: int, model_ids: list[int]) -> None:
    """The derived year's council (three of the demo council) scores its models, one batch of sheets per member.

    Three, not five, and a member's sheets saved together: the demo is loaded in one transaction, where the
    scoring service reads each sheet's criteria afresh, and five members' sheets one by one took seconds.
    """
    members = []
    for index, (name, title, role) in enumerate(DEMO_COUNCIL[:3]):
        uuid = str(_uuid.uuid5(_COUNCIL_NAMESPACE, f"{year}:{index}"))
        row = CouncilMember.get_or_none(CouncilMember.uuid == uuid)
        members.append(row.id if row is not None else add_member(year, name, title, role, uuid=uuid))
    models = list(MoHinh.select().where(MoHinh.id.in_(model_ids) & (MoHinh.status != domain.WITHDRAWN)))
    sheets: dict[int, dict[int, dict[int, float]]] = {member: {} for member in members}
    for model in models:
        criteria = criteria_set_for(year, model.kind, model.level_id).criteria
        rng = random.Random(model.uuid)
        quality = 0.55 if model.name.startswith(_WEAK) else rng.uniform(0.72, 0.97)
        for member in members:
            if Score.select().where((Score.member == member) & (Score.model == model.id)).exists():
                continue
            sheets[member][model.id] = {
                c.id: round(c.max_points * min(1.0, max(0.0, quality + rng.uniform(-0.08, 0.08))) * 2) / 2
                for c in criteria
            }
    for member, member_sheets in sheets.items():
        if member_sheets:
            save_sheets(year, member, member_sheets)


def _decide(year: int, model_ids: list[int]) -> None:
    """The year's decision on the demo council's scores (15 December), issued and locked as a clerk would:
    the Công nhận page then shows it, and the statuses come from it, not from a status change by hand."""
    try:
        issue_decision(year, "25", date(year, 12, 15))
    except AppError:  # loaded into an office without an identity to issue with: the outcome as entered
        wanted = set(model_ids)
        outcome = [r for r in compute_results(year) if r.model_id in wanted and r.members > 0]
        reason = f"Quyết định công nhận năm {year} (dữ liệu mẫu)"
        for status, ids in (
            (domain.RECOGNISED, [r.model_id for r in outcome if r.recognised]),
            (domain.NOT_RECOGNISED, [r.model_id for r in outcome if not r.recognised]),
        ):
            if ids:
                change_status(ids, status, reason, force=True, event_date=date(year, 12, 15))


def _entered_outcome(year: int, model_ids: list[int]) -> None:
    """A past year typed in from its decision: the weak models and one in seven not recognised."""
    models = list(MoHinh.select().where(MoHinh.id.in_(model_ids) & (MoHinh.status != domain.WITHDRAWN)))
    reason = f"Quyết định công nhận năm {year} (dữ liệu mẫu, nhập lại từ quyết định giấy)"
    failed = {m.id for m in models if m.name.startswith(_WEAK) or int(m.uuid[:8], 16) % 7 == 3}
    for status, ids in (
        (domain.RECOGNISED, [m.id for m in models if m.id not in failed]),
        (domain.NOT_RECOGNISED, [m.id for m in models if m.id in failed]),
    ):
        if ids:
            change_status(ids, status, reason, force=True, event_date=date(year, 12, 15))


def _seed_reports(models: list[dict[str, Any]], seed_ids: dict[str, int]) -> int:
    """Follow-up reports on three seed models in four (the fourth has none: «chưa báo cáo»)."""
    added = 0
    for position, item in enumerate(models):
        model_id = seed_ids.get(item["key"])
        if model_id is None or position % 4 == 0:
            continue
        indicators = list(Indicator.select().where(Indicator.model == model_id).order_by(Indicator.sort_order))
        reports = _REPORTS if position % 3 == 1 else _REPORTS[:1]
        for day, done, share in reports:
            if (
                ProgressEntry.select()
                .where((ProgressEntry.model == model_id) & (ProgressEntry.report_date == day))
                .exists()
            ):
                continue
            values: dict[str, float | str | None] = {
                i.uuid: _scaled(i.achieved, i.unit_of_measure, share) for i in indicators if i.achieved is not None
            }
            light = _LIGHTS[position % len(_LIGHTS)] if day.month == 6 else domain.PROGRESS_ON_TRACK
            note = "Cần hỗ trợ thêm kinh phí." if light != domain.PROGRESS_ON_TRACK else ""
            save_progress(ProgressInput(model_id, day, done, values, light, note))
            added += 1
    return added
