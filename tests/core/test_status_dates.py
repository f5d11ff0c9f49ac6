"""Status history keeps the day each event happened, apart from the moment it was typed (issue 12, defect 10)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from desktop_app import domain
from desktop_app.appraisal.decision import issue_decision
from desktop_app.errors import ValidationError
from desktop_app.services import catalogues, status, units
from desktop_app.services.models import ModelFilter, ModelInput, create_model, get_model, list_models
from desktop_app.storage.models import StatusChange


def _model(name: str = "Nuôi heo đất", **kw) -> int:
    unit = units.find_unit("Hội Nông dân xã Tân Hà") or units.create_unit("Hội Nông dân xã Tân Hà")
    field = catalogues.find("field", "Kinh tế")
    return create_model(
        ModelInput(name=name, year=2023, field_id=field.id, kind=domain.KIND_COLLECTIVE, unit_id=unit.id), **kw
    )


def test_registration_and_changes_keep_the_day_they_happened(db):
    model_id = _model(registered_on=date(2023, 3, 15))
    status.change_status([model_id], domain.IN_PROGRESS, event_date=date(2023, 4, 2))
    status.change_status([model_id], domain.RETURNED, "Thiếu kế hoạch", event_date=date(2023, 5, 20))
    history = get_model(model_id).history
    assert [h.event_date for h in history] == [date(2023, 3, 15), date(2023, 4, 2), date(2023, 5, 20)]
    assert [h.to_status for h in history] == [domain.REGISTERED, domain.IN_PROGRESS, domain.RETURNED]
    # The typing moment is still kept, apart from the event.
    assert all(h.changed_at.date() == date.today() for h in history)


def test_event_date_defaults_to_today(db):
    model_id = _model()
    status.change_status([model_id], domain.IN_PROGRESS)
    assert {h.event_date for h in get_model(model_id).history} == {date.today()}


def test_a_day_still_to_come_is_refused(db):
    model_id = _model()
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(ValidationError, match="ngày chưa đến") as refused:
        status.change_status([model_id], domain.IN_PROGRESS, event_date=tomorrow)
    assert refused.value.key == "event_date"
    assert f"{tomorrow:%d/%m/%Y}" in refused.value.message
    with pytest.raises(ValidationError, match="Ngày đăng ký"):
        _model("Nuôi bò", registered_on=tomorrow)
    assert get_model(model_id).row.status == domain.REGISTERED  # nothing written


def test_rows_older_than_the_event_date_show_the_typing_day(db):
    model_id = _model(registered_on=date(2023, 3, 15))
    typed = datetime(2023, 6, 1, 9, 30)
    StatusChange.create(
        model=model_id, from_status=domain.REGISTERED, to_status=domain.IN_PROGRESS, changed_at=typed, event_date=None
    )
    old = next(h for h in get_model(model_id).history if h.to_status == domain.IN_PROGRESS)
    assert old.event_date == date(2023, 6, 1)


def test_decision_dates_the_statuses_it_sets(demo_db):
    issue_decision(2023, "125-QĐ/HU", date(2023, 12, 15))
    decided = [m for m in list_models(ModelFilter(year=2023)) if m.status in domain.DECISION_ONLY]
    assert any(m.status == domain.RECOGNISED for m in decided)
    for model in decided:
        last = get_model(model.id).history[-1]
        assert last.to_status == model.status
        assert last.event_date == date(2023, 12, 15)
        assert last.reason == "Quyết định số 125-QĐ/HU"
