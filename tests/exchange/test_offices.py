"""The catalogue of offices that send packages, and which of them have sent a year."""

from __future__ import annotations

import pytest

from desktop_app.errors import ValidationError
from desktop_app.exchange import offices
from desktop_app.exchange.merge import apply_merge, plan_merge
from desktop_app.exchange.reader import read_package
from desktop_app.history import undo
from desktop_app.history.tables import Change
from desktop_app.storage.models import MoHinh, SourceOffice

YEAR = 2023


def test_offices_are_added_listed_in_vietnamese_order_and_edited(db):
    for name in ("Xã Đạ Đờn", "Xã Ánh Dương", "Thị trấn Nam Ban", "Xã Đan Phượng"):
        offices.add_office(name, area_name="Lâm Hà", level="Xã")
    names = [o.name for o in offices.list_offices()]
    assert names == ["Thị trấn Nam Ban", "Xã Ánh Dương", "Xã Đạ Đờn", "Xã Đan Phượng"]
    first = offices.list_offices()[0]
    assert (first.area_name, first.level, first.active) == ("Lâm Hà", "Xã", True)

    renamed = offices.update_office(first.id, name="Thị trấn Nam Ban (cũ)", note="Sáp nhập 2025")
    assert (renamed.name, renamed.note) == ("Thị trấn Nam Ban (cũ)", "Sáp nhập 2025")
    offices.update_office(first.id, active=False)
    assert first.id not in {o.id for o in offices.list_offices()}
    assert first.id in {o.id for o in offices.list_offices(include_inactive=True)}
    # Every write is in the history, under its own kind.
    changes = Change.select().where(Change.kind == "source_office")
    assert {c.action for c in changes} == {"create", "update"} and changes.count() == 6


@pytest.mark.parametrize("name", ["", "   ", "xã đạ đờn"])
def test_an_empty_or_repeated_name_is_refused(db, name):
    offices.add_office("Xã Đạ Đờn")
    with pytest.raises(ValidationError):
        offices.add_office(name)
    assert SourceOffice.select().count() == 1


def test_a_hand_added_office_is_matched_by_name_and_takes_the_senders_uuid(two_offices, sent):
    sender = read_package(sent.path).manifest.office
    expected = offices.add_office(sender.name.lower(), note="Chờ gửi báo cáo")
    other = offices.add_office("Xã chưa gửi")
    assert expected.uuid != sender.uuid  # provisional until the first package

    status = {s.office.id: s for s in offices.office_status(YEAR)}
    assert not status[expected.id].sent and status[expected.id].package is None

    plan = plan_merge(sent.path)
    assert plan.office == expected
    apply_merge(plan)
    office = SourceOffice.get_by_id(expected.id)
    assert office.uuid == sender.uuid and office.note == "Chờ gửi báo cáo"
    assert SourceOffice.select().count() == 2
    assert MoHinh.select().where(MoHinh.source_office == expected.id).count() == len(
        read_package(sent.path).data.models
    )

    status = {s.office.id: s for s in offices.office_status(YEAR)}
    package = status[expected.id].package
    assert package is not None and package.file_name == sent.path.name
    assert package.models == len(read_package(sent.path).data.models)
    assert package.counts["added"] == package.models
    assert status[other.id].package is None
    assert offices.office_status(YEAR + 1)[0].package is None
    assert offices.has_offices()

    # A merge taken back no longer counts as received.
    undo.undo()
    assert {s.office.id: s.package for s in offices.office_status(YEAR)}[expected.id] is None


def test_an_office_that_already_sent_is_not_matched_by_name(two_offices, sent):
    sender = read_package(sent.path).manifest.office
    apply_merge(plan_merge(sent.path))
    SourceOffice.update(uuid="uuid-cu").execute()  # as if the same name came from another office's database
    plan = plan_merge(sent.path)
    assert plan.office is None
    assert all(i.status == "rejected" for i in plan.items)  # the models are the first office's
    apply_merge(plan)
    names = sorted(o.name for o in offices.list_offices())
    assert names == [sender.name, f"{sender.name} (mã {sender.uuid[:8]})"]
