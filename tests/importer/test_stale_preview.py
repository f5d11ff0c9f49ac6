"""An import preview is applied once, against the data it was computed on, or not at all."""

from __future__ import annotations

import copy

import pytest

from desktop_app.importer import apply_plan, build_plan
from desktop_app.importer.apply import StalePlan
from desktop_app.services.models import ModelFilter, get_model, list_models, update_model
from desktop_app.storage.models import MoHinh


def test_a_preview_applied_twice_is_refused_the_second_time(demo_db, messy):
    plan = build_plan(messy, year=2024)
    assert apply_plan(plan).imported == 4
    before = MoHinh.select().count()
    with pytest.raises(StalePlan, match=r"^Bản xem trước đã cũ: .*; hãy xem trước lại\.$"):
        apply_plan(plan)
    with pytest.raises(StalePlan):  # a copy of it as well
        apply_plan(copy.deepcopy(plan))
    assert MoHinh.select().count() == before  # no duplicates


def test_a_preview_made_before_someone_else_imported_is_refused(demo_db, messy):
    first, second = build_plan(messy, year=2024), build_plan(messy, year=2024)
    apply_plan(first)
    with pytest.raises(StalePlan, match="đã thay đổi sau lúc xem trước"):
        apply_plan(second)
    assert len(list_models(ModelFilter(year=2024))) == 4
    assert build_plan(messy, year=2024).importable == []  # previewed again: every row is a duplicate now


def test_an_edit_after_the_preview_makes_it_stale(demo_db, messy):
    plan = build_plan(messy, year=2024)
    some = MoHinh.select().first()
    data = get_model(some.id).data
    data.note = "Sửa trong lúc xem trước"
    update_model(some.id, data)
    with pytest.raises(StalePlan):
        apply_plan(plan)
    assert list_models(ModelFilter(year=2024)) == []
    assert apply_plan(build_plan(messy, year=2024)).imported == 4


def test_a_failed_apply_may_be_tried_again(demo_db, messy, monkeypatch):
    """Rolled back: the data is as the preview saw it, so the same preview still applies."""
    import desktop_app.importer.apply as apply_module

    plan = build_plan(messy, year=2024)
    real = apply_module._create
    monkeypatch.setattr(apply_module, "_create", lambda row, unit_id: (_ for _ in ()).throw(RuntimeError("mất điện")))
    with pytest.raises(RuntimeError):
        apply_plan(plan)
    monkeypatch.setattr(apply_module, "_create", real)
    assert apply_plan(plan).imported == 4
