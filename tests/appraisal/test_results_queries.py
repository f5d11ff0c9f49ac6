"""A year's results take a fixed number of SQL statements whatever the number of models, and give the same
answers as the obvious model-by-model way (models_to_score, assigned_model_ids, one sheet at a time)."""

from __future__ import annotations

import pytest

from desktop_app import domain
from desktop_app.appraisal import council, results, scoring
from desktop_app.appraisal import criteria as crit
from desktop_app.appraisal.aggregate import grade_for, mean_score, passes, sheet_total
from desktop_app.services import catalogues, units
from desktop_app.services.models import ModelInput, create_model
from desktop_app.storage.models import database_proxy

YEAR = 2024
FIELDS = ["Kinh tế", "Văn hóa - xã hội", "Quốc phòng - an ninh"]


class Statements:
    """Every SQL statement the connection runs while the block is open."""

    def __enter__(self) -> list[str]:
        self.seen: list[str] = []
        self.connection = database_proxy.obj.connection()
        self.connection.set_trace_callback(self.seen.append)
        return self.seen

    def __exit__(self, *exc) -> None:
        self.connection.set_trace_callback(None)


def make_year(n_models: int) -> list[int]:
    """Models of both kinds, three fields, two units (one model without), a withdrawn one (not scored)."""
    field_ids = [catalogues.find("field", name).id for name in FIELDS]
    unit_ids = [units.create_unit("Hội Phụ nữ xã Đạ Đờn").id, units.create_unit("Đoàn xã Liên Hà").id]
    ids = []
    for i in range(n_models):
        kind = domain.KIND_INDIVIDUAL if i % 4 == 3 else domain.KIND_COLLECTIVE
        data = ModelInput(
            name=f"Mô hình «Dân vận khéo» số {n_models - i}",
            year=YEAR,
            field_id=field_ids[i % len(field_ids)],
            kind=kind,
            unit_id=unit_ids[i % 3] if i % 3 < 2 else None,
            address=f"Thôn {i}",
        )
        status = domain.WITHDRAWN if i == 5 else domain.PROPOSED
        ids.append(create_model(data, status=status))
    return ids


def score_year(model_ids: list[int]) -> list[int]:
    """A council of three (one only for the economy), full, partial and missing sheets, a conflict, an override."""
    economy = catalogues.find("field", "Kinh tế").id
    members = [
        council.add_member(YEAR, "Nguyễn Văn Bình"),
        council.add_member(YEAR, "Lê Thị Cúc", field_ids=[economy]),
        council.add_member(YEAR, "Phạm Văn Dũng"),
    ]
    for i, model_id in enumerate(model_ids):
        if i == 5:
            continue  # withdrawn
        kind = domain.KIND_INDIVIDUAL if i % 4 == 3 else domain.KIND_COLLECTIVE
        criteria = crit.criteria_set_for(YEAR, kind).criteria
        for j, member in enumerate(members):
            if j == 1 and i % 3 != 0:
                continue  # not one of her fields
            if (i + j) % 7 == 6:
                continue  # not keyed yet
            keyed = criteria if (i + j) % 5 else criteria[:-1]  # some sheets incomplete
            scoring.save_sheet(YEAR, member, model_id, {c.id: c.max_points - (i * j) % 4 for c in keyed})
    council.declare_conflict(members[0], model_ids[0], "Người nhà")
    results.set_override(model_ids[1], recognised=False, reason="Hồ sơ thiếu minh chứng")
    return members


def model_by_model(year: int) -> list[tuple]:
    """The old, obvious computation: every model's every member's sheet read one at a time."""
    abstain = council.conflicts(year)
    members = council.council_members(year)
    out = []
    for model in scoring.models_to_score(year):
        info = crit.criteria_set_for(year, model.kind, model.level_id)
        totals = []
        for member in members:
            if not council.assigned_model_ids(member, [model.id]):
                continue
            total, complete = sheet_total(scoring.sheet(year, member.id, model.id), [c.id for c in info.criteria])
            totals.append((member.id, total, complete, (member.id, model.id) in abstain))
        counted = [t for _, t, complete, excluded in totals if complete and not excluded and t is not None]
        mean, _trimmed = mean_score(counted, info.trim_extremes)
        grade = grade_for(mean, info.thresholds)
        out.append(
            (
                model.id,
                model.uuid,
                model.name,
                model.kind,
                model.field,
                model.unit,
                model.address,
                totals,
                mean,
                grade,
                passes(grade, info.requires_grade, info.thresholds),
            )
        )
    return out


def as_tuples(items) -> list[tuple]:
    return [
        (
            r.model_id,
            r.model_uuid,
            r.name,
            r.kind,
            r.field,
            r.unit,
            r.address,
            [(s.member_id, s.total, s.complete, s.excluded) for s in r.scores],
            r.mean,
            r.computed_grade,
            r.recognised,
        )
        for r in items
    ]


def test_results_equal_the_model_by_model_computation(db):
    models = make_year(14)
    score_year(models)
    computed = results.compute_results(YEAR)
    expected = model_by_model(YEAR)
    assert len(computed) == 13  # the withdrawn model is not scored
    overridden = next(r for r in computed if r.model_id == models[1])
    assert overridden.override_reason and not overridden.recognised
    # The override is the only difference from the computed outcome.
    assert [t[:10] for t in as_tuples(computed)] == [t[:10] for t in expected]
    assert [t[10] for t in as_tuples(computed) if t[0] != models[1]] == [t[10] for t in expected if t[0] != models[1]]
    assert any(r.unit == "" for r in computed) and any(len(r.scores) == 3 and r.members >= 2 for r in computed)
    assert any(not s.complete for r in computed for s in r.scores)


def count_statements(n_models: int, cold: bool) -> int:
    models = make_year(n_models)
    score_year(models)
    results.compute_results(YEAR)
    if cold:
        crit.invalidate_cache()
    with Statements() as seen:
        computed = results.results(YEAR)
    assert len(computed) == n_models - 1 and sum(r.members > 0 for r in computed) > n_models // 2
    return len(seen)


@pytest.mark.parametrize("cold", [False, True], ids=["cached criteria", "criteria read again"])
def test_statements_do_not_grow_with_the_number_of_models(db, data_dir, cold):
    small = count_statements(10, cold)
    from desktop_app.storage.database import open_database

    db.close()
    crit.invalidate_cache()
    other = open_database(data_dir / "tỉnh.db")
    try:
        catalogues.ensure_defaults()
        crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE)  # the year's default sets exist in both files
        large = count_statements(60, cold)
    finally:
        other.close()
    assert small == large
    assert large <= (12 if cold else 8)
