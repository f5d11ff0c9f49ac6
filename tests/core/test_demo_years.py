"""The demo covers several years: the seed's 2023 as it is, and 2021, 2022, 2024, 2025 derived from it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from desktop_app import domain
from desktop_app.appraisal.results import compute_results
from desktop_app.demo import DEMO_FILE, demo_uuid, load_demo
from desktop_app.followup.progress import followup_rows
from desktop_app.resources import load_json
from desktop_app.review import demo as demo_years
from desktop_app.review.period import review
from desktop_app.services import catalogues
from desktop_app.storage.database import Database, open_database
from desktop_app.storage.models import MoHinh, ProgressEntry, Year


@pytest.fixture(scope="module")
def _years_template(tmp_path_factory) -> Path:
    """The whole demo (every year) loaded once into a closed file; each test opens its own copy.  Built here, not
    taken from the shared demo fixture, which may hold the seed year only."""
    folder = tmp_path_factory.mktemp("demo nhiều năm")
    database = open_database(folder / "đang dựng.db")
    try:
        catalogues.ensure_defaults()
        load_demo(other_years=True)
        return database.backup_to(folder / "mẫu nhiều năm.db")
    finally:
        database.close()


@pytest.fixture
def demo_years_db(data_dir, _years_template) -> Iterator[Database]:
    target = data_dir / "dữ liệu mẫu.db"
    shutil.copyfile(_years_template, target)
    database = open_database(target)
    yield database
    database.close()


def test_the_seed_year_is_as_the_file_says_and_the_other_years_are_marked_as_demo(demo_years_db):
    seed = load_json(*DEMO_FILE)
    rows = {m.uuid: m for m in MoHinh.select().where(MoHinh.year == 2023)}
    assert len(rows) == len(seed["models"]) == 34
    for item in seed["models"]:
        row = rows[demo_uuid("model", item["key"])]
        assert (row.name, row.status, row.note) == (item["name"], item.get("status", domain.PROPOSED), "")
    years = sorted(y.year for y in Year.select())
    assert years == [2021, 2022, 2023, 2024, 2025]
    for year in demo_years.DERIVED_YEARS:
        derived = list(MoHinh.select().where(MoHinh.year == year))
        assert len(derived) >= 15, year
        assert {m.note for m in derived} == {demo_years.DEMO_NOTE}
        assert all(str(2023) not in m.name for m in derived)
        # Every derived year is decided: no model is left proposed.
        assert {m.status for m in derived} <= {domain.RECOGNISED, domain.NOT_RECOGNISED, domain.WITHDRAWN}, year


def test_loading_again_adds_nothing(demo_years_db):
    models, reports = MoHinh.select().count(), ProgressEntry.select().count()
    again = load_demo(other_years=True)
    assert again.models_added == 0 and again.other_years is not None
    assert again.other_years.models_added == dict.fromkeys(demo_years.DERIVED_YEARS, 0)
    assert again.other_years.reports_added == 0
    assert (MoHinh.select().count(), ProgressEntry.select().count()) == (models, reports)


def test_the_scored_years_are_recognised_as_their_scores_say(demo_years_db):
    for year in demo_years.SCORED_YEARS:
        outcome = {r.model_id: r.recognised for r in compute_results(year) if r.members}
        statuses = {m.id: m.status == domain.RECOGNISED for m in MoHinh.select().where(MoHinh.year == year)}
        assert outcome and all(statuses[model_id] == passed for model_id, passed in outcome.items()), year
        assert not all(outcome.values()) or year == 2024  # the weak models fail when they are there


def test_the_review_of_the_demo_has_something_in_every_section(demo_years_db):
    result = review(2021, 2025)
    assert all(row.registered for row in result.by_year)
    assert all(row.recognised for row in result.by_year if row.year != 2023)  # 2023 awaits its decision
    assert len(result.repeated) >= 5 and all(len(r.years) >= 2 for r in result.repeated)
    assert len(result.continued) >= 10
    assert len(result.replicated) >= 5 and all(item.other_units for item in result.replicated)
    assert {m.kind for m in result.outstanding} == {domain.KIND_COLLECTIVE, domain.KIND_INDIVIDUAL}
    assert any(item.total for item in result.indicator_totals)


def test_the_demo_year_has_follow_up_reports_and_models_without_one(demo_years_db):
    rows = followup_rows(2023)
    reported = [r for r in rows if r.latest is not None]
    assert 0 < len(reported) < len(rows)
    assert {r.latest.status for r in reported} == set(domain.PROGRESS_STATUSES)
    silent = followup_rows(2023, no_report_since=date(2023, 7, 1))
    assert len(reported) > len(rows) - len(silent) > 0  # some reported again in September
