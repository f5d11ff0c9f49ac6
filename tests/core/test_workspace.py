"""The office database and the separate demo file; the year list."""

from __future__ import annotations

import pytest

from desktop_app import workspace
from desktop_app.errors import AppError, Cancelled
from desktop_app.office import OfficeInfo
from desktop_app.services import settings, statistics
from desktop_app.storage import database as storage
from desktop_app.storage.models import MoHinh, Unit
from desktop_app.tasks import TaskState

OFFICE = OfficeInfo.single(issuing_body="ĐẢNG ỦY XÃ ĐẠ ĐỜN", place_name="Đạ Đờn", current_year=2026)


@pytest.fixture
def office(db):
    settings.save_office(OFFICE)
    Unit.create(name="Chi bộ thôn Đạ Ty")
    yield db
    # Leave the office database open, as the other fixtures expect to close it.
    if workspace.is_demo_open():
        workspace.switch_to_office()


def test_demo_is_a_separate_file_beside_the_office_database(office):
    office_path = office.path
    assert workspace.demo_path() == office_path.with_name(workspace.DEMO_FILENAME)
    assert not workspace.demo_exists() and not workspace.is_demo_open()
    steps = []
    workspace.open_demo(TaskState(on_progress=lambda done, total, text: steps.append(done)))
    assert workspace.is_demo_open()
    assert storage.current().path == workspace.demo_path()
    assert workspace.office_path() == office_path  # remembered while the demo is open
    # The seed year (32 collective models, 2 individuals) and the four years derived from it for the review.
    assert MoHinh.select().where(MoHinh.year == 2023).count() == 34 and Unit.select().count() == 39
    assert MoHinh.select().count() == 126
    assert settings.get_office().place_name == "Lâm Hà"  # the demo's own office details
    assert steps
    workspace.switch_to_office()
    assert storage.current().path == office_path and not workspace.is_demo_open()
    assert Unit.select().count() == 1 and MoHinh.select().count() == 0
    assert settings.get_office().name == "ĐẢNG ỦY XÃ ĐẠ ĐỜN"


def test_demo_is_filled_once_and_keeps_the_users_changes(office):
    workspace.open_demo()
    first = MoHinh.select().order_by(MoHinh.id).first()
    first.delete_instance(recursive=True)
    workspace.switch_to_office()
    workspace.open_demo()
    assert not workspace.demo_needs_filling()
    assert MoHinh.select().count() == 125  # opening again does not bring the deleted model back


def test_cancelled_fill_leaves_no_half_loaded_demo(office):
    workspace.switch_to_demo()
    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        workspace.fill_demo(task)
    assert MoHinh.select().count() == 0 and workspace.demo_needs_filling()
    assert workspace.fill_demo().models_added == 34


def test_delete_demo_refused_while_open_then_removes_every_file(office):
    workspace.open_demo()
    with pytest.raises(AppError, match="quay về dữ liệu của cơ quan"):
        workspace.delete_demo()
    workspace.switch_to_office()
    demo = workspace.demo_path()
    assert demo.exists()
    assert workspace.delete_demo() is True
    leftovers = [p.name for p in demo.parent.iterdir() if p.name.startswith(workspace.DEMO_FILENAME)]
    assert leftovers == []
    assert workspace.delete_demo() is False
    assert Unit.select().count() == 1  # the office database is still open and intact


def test_the_demo_file_is_refused_as_office_database(data_dir):
    with pytest.raises(AppError, match="dữ liệu mẫu"):
        workspace.open_office(data_dir / workspace.DEMO_FILENAME)


def test_open_office_remembers_the_path(data_dir):
    path = data_dir / "cơ quan.db"
    database = workspace.open_office(path)
    try:
        assert workspace.office_path() == database.path == path.resolve()
        assert workspace.demo_path() == path.resolve().with_name(workspace.DEMO_FILENAME)
    finally:
        database.close()


def test_year_list_only_offers_years_with_data(office):
    from desktop_app.appraisal import council, criteria

    assert workspace.available_years() == [2026]  # the office's current year, even when empty
    MoHinh.create(name="Dân vận khéo trong cải cách hành chính", name_fold="x", year=2024)
    criteria.list_sets(2019)  # merely looking at a year creates its default criteria: no data
    assert workspace.available_years() == [2026, 2024]
    council.add_member(2021, "Nguyễn Văn Bình")
    assert workspace.available_years() == [2026, 2024, 2021]


def test_year_list_is_never_empty(db):
    from datetime import date

    assert workspace.available_years() == [date.today().year]


def test_year_progress_counts_the_steps(office):
    empty = statistics.year_progress(2026)
    assert empty.is_empty and empty.units == 1 and not empty.models_done
    workspace.open_demo()
    demo = statistics.year_progress(2023)
    assert not demo.is_empty
    assert (demo.units, demo.models, demo.registered) == (39, 34, 34)
    assert demo.scored == 34 and demo.scoring_done
    assert not demo.recognition_done
