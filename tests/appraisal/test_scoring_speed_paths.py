"""The fast paths of score entry give the same answers as the slow, obvious ones, and stay fast by construction:
criteria are read once and never written on a read, progress and a member's grid are a fixed number of queries."""

from __future__ import annotations

import pytest

from desktop_app import domain
from desktop_app.appraisal import council, scoring
from desktop_app.appraisal import criteria as crit
from desktop_app.appraisal.aggregate import sheet_total
from desktop_app.appraisal.tables import CriteriaSet, Criterion
from desktop_app.errors import ValidationError
from desktop_app.services import catalogues
from desktop_app.services.models import ModelInput, create_model
from desktop_app.storage.database import open_database
from desktop_app.storage.models import database_proxy

YEAR = 2024


class Statements:
    """Every SQL statement the GUI thread's connection runs while the block is open."""

    def __enter__(self) -> list[str]:
        self.seen: list[str] = []
        self.connection = database_proxy.obj.connection()
        self.connection.set_trace_callback(self.seen.append)
        return self.seen

    def __exit__(self, *exc) -> None:
        self.connection.set_trace_callback(None)


def writes(statements: list[str]) -> list[str]:
    return [
        s
        for s in statements
        if s.split(None, 1)[0].upper() in {"BEGIN", "INSERT", "UPDATE", "DELETE", "SAVEPOINT", "REPLACE"}
    ]


def make_year(n_models: int, fields: list[str] | None = None) -> list[int]:
    names = fields or ["Kinh tế"]
    ids = [catalogues.find("field", name).id for name in names]
    return [
        create_model(ModelInput(name=f"Mô hình số {i}", year=YEAR, field_id=ids[i % len(ids)]), status=domain.PROPOSED)
        for i in range(n_models)
    ]


def brute_force_progress(year: int, member_ids: list[int]) -> tuple[int, int]:
    """The old way: every assigned model's sheet read one by one."""
    model_ids = [m.id for m in scoring.models_to_score(year)]
    abstain = council.conflicts(year)
    done = expected = 0
    for member_id in member_ids:
        for model_id in council.assigned_model_ids(council.get_member(member_id), model_ids):
            if (member_id, model_id) in abstain:
                continue
            expected += 1
            values = scoring.sheet(year, member_id, model_id)
            done += sheet_total(values, list(values))[1]
    return done, expected


def test_progress_from_grouped_counts_equals_sheet_by_sheet(db):
    models = make_year(6, ["Kinh tế", "Văn hóa - xã hội"])
    economy = catalogues.find("field", "Kinh tế").id
    everyone = council.add_member(YEAR, "Nguyễn Văn Bình")
    economist = council.add_member(YEAR, "Lê Thị Cúc", field_ids=[economy])
    lazy = council.add_member(YEAR, "Phạm Văn Dũng")
    criteria = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
    full = {c.id: c.max_points - 1 for c in criteria}
    for model_id in models[:4]:
        scoring.save_sheet(YEAR, everyone, model_id, full)
    scoring.save_sheet(YEAR, economist, models[0], full)
    scoring.save_sheet(YEAR, economist, models[1], full)  # not an economy model: not counted
    scoring.save_sheet(YEAR, lazy, models[2], {criteria[0].id: 3})  # incomplete
    scoring.save_sheet(YEAR, everyone, models[4], full, keying=2)  # a second keying alone is not a sheet
    council.declare_conflict(everyone, models[3], "Đơn vị của thành viên")
    members = [everyone, economist, lazy]
    assert scoring.progress(YEAR) == brute_force_progress(YEAR, members) == (4, 14)
    for member_id in members:
        assert scoring.member_progress(YEAR, member_id) == brute_force_progress(YEAR, [member_id])
    summary = scoring.progress_summary(YEAR, economist)
    assert (summary.member_done, summary.member_expected) == (1, 3)
    assert (summary.council_done, summary.council_expected) == (4, 14)


def test_a_level_specific_set_decides_when_a_sheet_is_complete(db):
    level = catalogues.list_items("level")[0].id
    field = catalogues.find("field", "Kinh tế").id
    model = create_model(
        ModelInput(name="Mô hình cấp xã", year=YEAR, field_id=field, level_id=level), status=domain.PROPOSED
    )
    member = council.add_member(YEAR, "Nguyễn Văn Bình")
    general = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE)
    # A set written outside this module's editing functions: the documented way to say so is invalidate_cache().
    special = CriteriaSet.create(
        year=YEAR, kind=domain.KIND_COLLECTIVE, level=level, name="Bộ riêng cấp xã", thresholds='[["Đạt", 50]]'
    )
    only = Criterion.create(criteria_set=special, order=1, text="Một tiêu chí", max_points=100)
    crit.invalidate_cache()
    assert crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE, level).id == special.id
    # Old scores against the general set do not complete a sheet of the level's own set.
    Criterion.update(criteria_set=general.id).where(Criterion.id == only.id).execute()
    crit.invalidate_cache()
    assert scoring.progress(YEAR) == brute_force_progress(YEAR, [member]) == (0, 1)
    Criterion.update(criteria_set=special.id).where(Criterion.id == only.id).execute()
    crit.invalidate_cache()
    scoring.save_sheet(YEAR, member, model, {only.id: 80})
    assert scoring.progress(YEAR) == brute_force_progress(YEAR, [member]) == (1, 1)


def test_reading_criteria_never_writes_and_is_cached(db, monkeypatch):
    crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE)  # the year's first use creates its default sets
    crit.invalidate_cache()
    monkeypatch.setattr(crit, "load_json", lambda *a: pytest.fail("the defaults file was read again"))
    with Statements() as first:
        info = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE)
        crit.list_sets(YEAR)
    assert first and writes(first) == []
    with Statements() as again:
        for _ in range(50):
            assert crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE) == info
    assert again == []
    # Each caller gets its own copy: changing one cannot change the next answer.
    info.criteria[0].max_points = 1
    info.criteria.pop()
    assert crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria[0].max_points != 1
    assert len(crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria) == 6


def test_every_criteria_edit_is_seen_by_the_next_read(db):
    s = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE)
    new_id = crit.add_criterion(s.id, "Ứng dụng chuyển đổi số", 5)
    assert crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria[-1].id == new_id
    crit.update_criterion(new_id, text="Ứng dụng chuyển đổi số", max_points=7.5)
    assert crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria[-1].max_points == 7.5
    crit.delete_criterion(new_id)
    assert [c.id for c in crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria] == [c.id for c in s.criteria]
    crit.update_set(s.id, trim_extremes=True)
    assert crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).trim_extremes
    before = crit.criteria_set_for(YEAR + 1, domain.KIND_COLLECTIVE)
    assert crit.copy_sets_to_year(YEAR, YEAR + 1) == 2
    after = crit.criteria_set_for(YEAR + 1, domain.KIND_COLLECTIVE)
    assert after.id != before.id and after.trim_extremes


def test_the_cache_belongs_to_the_open_database(db, data_dir):
    first = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE)
    other = open_database(data_dir / "cơ quan khác.db")
    try:
        catalogues.ensure_defaults()
        theirs = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE)  # same ids, but another file's rows
        assert theirs.uuid != first.uuid
        assert {c.uuid for c in theirs.criteria}.isdisjoint(c.uuid for c in first.criteria)
        crit.add_criterion(theirs.id, "Tiêu chí riêng của cơ quan này", 10)
        assert len(crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria) == 7
    finally:
        other.close()
    reopened = open_database(db.path)
    try:
        assert crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE) == first
    finally:
        reopened.close()


@pytest.mark.parametrize("n_models", [4, 24])
def test_member_grid_and_progress_take_the_same_queries_for_any_number_of_models(db, n_models):
    models = make_year(n_models, ["Xây dựng hệ thống chính trị", "Kinh tế"])
    member = council.add_member(YEAR, "Nguyễn Văn Bình")
    council.add_member(YEAR, "Lê Thị Cúc")
    criteria = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
    for i, model_id in enumerate(models):
        scoring.save_sheet(YEAR, member, model_id, {c.id: float(i % 5) for c in criteria[: 1 + i % 6]})
    scoring.save_sheet(YEAR, member, models[0], {criteria[0].id: 4}, keying=2)
    council.declare_conflict(member, models[1], "Người nhà")
    with Statements() as grid_queries:
        grid = scoring.member_grid(YEAR, member, domain.KIND_COLLECTIVE, keying=2)
    with Statements() as progress_queries:
        scoring.progress_summary(YEAR, member)
    # A constant handful, whatever the number of models (the old code ran one or two per model).
    assert len(grid_queries) <= 7 and len(progress_queries) <= 4
    assert [m.id for m in grid.models] == [m.id for m in scoring.models_to_score(YEAR)]
    assert grid.values == [scoring.sheet(YEAR, member, m.id, 2) for m in grid.models]
    assert grid.first == [scoring.sheet(YEAR, member, m.id, 1) for m in grid.models]
    assert grid.excluded == {models[1]} and grid.locked_reason == ""


def test_save_sheets_writes_all_or_nothing(db):
    models = make_year(2)
    member = council.add_member(YEAR, "Nguyễn Văn Bình")
    criteria = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria
    good = {c.id: 5 for c in criteria}
    bad = dict(good)
    bad[criteria[2].id] = "7,3"
    with pytest.raises(ValidationError, match="nửa điểm"):
        scoring.save_sheets(YEAR, member, {models[0]: good, models[1]: bad})
    assert scoring.member_sheets(YEAR, member) == {}
    scoring.save_sheets(YEAR, member, {models[0]: good, models[1]: {criteria[0].id: 1, criteria[1].id: None}})
    assert scoring.member_sheets(YEAR, member) == {
        models[0]: {c.id: 5 for c in criteria},
        models[1]: {criteria[0].id: 1},
    }
