"""The upper office's screens: who has sent the year's package (dashboard), and the choice of offices (reports).

Packages are merged by another module; here the catalogue of offices and the receipts are written directly, as a
merge leaves them.
"""

from __future__ import annotations

import json
from datetime import datetime

from desktop_app.documents import GROUP_BY, Options
from desktop_app.exchange.tables import ReceivedPackage
from desktop_app.storage.models import MoHinh, SourceOffice
from ui.pages.dashboard import DashboardPage
from ui.pages.reports import ReportsPage

YEAR = 2023


def offices_below() -> tuple[int, int, int]:
    """Three communes below the demo district; Phú Sơn sent its 2023 package (12 models), the others not yet."""
    phu_son = SourceOffice.create(name="Xã Phú Sơn", level="Xã")
    tan_ha = SourceOffice.create(name="Xã Tân Hà", level="Xã")
    da_don = SourceOffice.create(name="Xã Đạ Đờn", level="Xã")
    ReceivedPackage.create(
        office=phu_son,
        year=YEAR,
        file_name="Xã Phú Sơn-2023.dvk",
        sha256="a" * 64,
        created_at=datetime(2023, 11, 2, 9, 30),
        received_at=datetime(2023, 11, 5, 14, 0),
        counts=json.dumps({"added": 12, "models": 12}),
    )
    ReceivedPackage.create(  # last year's does not count for this one
        office=tan_ha,
        year=YEAR - 1,
        file_name="Xã Tân Hà-2022.dvk",
        sha256="b" * 64,
        created_at=datetime(2022, 11, 2),
        received_at=datetime(2022, 11, 3),
        counts=json.dumps({"models": 4}),
    )
    return phu_son.id, tan_ha.id, da_don.id


def test_the_dashboard_says_which_offices_have_sent_their_package(demo_db, qtbot):
    page = DashboardPage()
    qtbot.addWidget(page)
    page.set_year(YEAR)
    assert page.received.isHidden()  # an office that receives no package sees no such box
    offices_below()
    page.refresh()
    assert not page.received.isHidden()
    assert page.received.heading.text() == f"Báo cáo của cấp dưới năm {YEAR}"
    assert page.received.summary.text() == "Đã gửi: 1/3 cơ quan. Chưa gửi: Xã Đạ Đờn, Xã Tân Hà."
    assert page.received.rows() == [
        ("Xã Đạ Đờn", "Chưa gửi", "", ""),
        ("Xã Phú Sơn", "Đã gửi", "05/11/2023", "12"),
        ("Xã Tân Hà", "Chưa gửi", "", ""),
    ]
    page.set_year(YEAR - 1)
    assert page.received.summary.text() == "Đã gửi: 1/3 cơ quan. Chưa gửi: Xã Đạ Đờn, Xã Phú Sơn."
    assert ("Xã Tân Hà", "Đã gửi", "03/11/2022", "4") in page.received.rows()


def test_the_reports_page_offers_offices_only_where_there_are_some(demo_db, qtbot, monkeypatch):
    page = ReportsPage()
    qtbot.addWidget(page)
    monkeypatch.setattr(page, "_request_preview", lambda force=False: None)
    page.set_year(YEAR)
    page.select("registrations")
    assert not page.offices_box.isVisibleTo(page)
    assert page.group_box.findData("office") == -1  # no grouping by office either
    assert page.options() == Options(YEAR)

    phu_son, *_ = offices_below()
    MoHinh.update(source_office=phu_son).where(MoHinh.year == YEAR).execute()
    page.set_year(YEAR)  # the catalogue is read again (as when the page is shown)
    assert page.offices_box.isVisibleTo(page)
    labels = [page.offices_box.list.item(i).text() for i in range(page.offices_box.list.count())]
    assert labels == ["Cơ quan mình (nhập trực tiếp)", "Xã Đạ Đờn", "Xã Phú Sơn", "Xã Tân Hà"]
    assert page.options() == Options(YEAR)  # every office ticked: every model
    page.group_box.setCurrentIndex(page.group_box.findData("office"))
    page.offices_box.set_value((0, phu_son))
    assert page.options() == Options(YEAR, group_by="office", offices=(0, phu_son))
    assert page._preview_problem() is None
    page.offices_box.set_value(())  # none ticked: nothing to print, said rather than built
    assert "ít nhất một cơ quan" in (page._preview_problem() or "")
    page.offices_box.all_button.click()
    assert page.options().offices is None
    # Offices the statistics take too; the certificates do not.
    page.select("statistics")
    assert page.offices_box.isVisibleTo(page) and not page.group_box.isVisibleTo(page)
    page.select("certificates")
    assert not page.offices_box.isVisibleTo(page)

    # The catalogue emptied again (a merge taken back): the choices go, a grouping by office falls back.
    page.select("registrations", group_by="office")
    SourceOffice.delete().execute()
    page.set_year(YEAR)
    assert not page.offices_box.isVisibleTo(page) and page.options() == Options(YEAR, group_by=GROUP_BY.default)
