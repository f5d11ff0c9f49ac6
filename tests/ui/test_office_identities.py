"""The office's identity per style on screen: the form, the decision it signs, the styles the reports offer."""

from __future__ import annotations

import pytest

from desktop_app.appraisal import decision as decision_service
from desktop_app.demo import DEMO_OFFICE
from desktop_app.errors import ValidationError
from desktop_app.office import STYLE_PARTY, STYLE_STATE, OfficeInfo
from desktop_app.services import settings


@pytest.fixture
def form(db, qtbot):
    from ui.office_form import OfficeForm

    widget = OfficeForm()
    qtbot.addWidget(widget)
    return widget


def combo_styles(combo) -> list[str | None]:
    return [combo.itemData(i) for i in range(combo.count())]


def test_both_identities_round_trip_and_the_default_is_chosen_among_them(form):
    form.set_office(DEMO_OFFICE)
    assert all(box.checked for box in form.boxes.values())
    assert form.boxes[STYLE_PARTY].example.text() == "Ví dụ: Số 125-QĐ/HU"
    assert form.boxes[STYLE_STATE].example.text() == "Ví dụ: Số: 125/QĐ-UBND"
    assert combo_styles(form.style_combo) == [STYLE_PARTY, STYLE_STATE] and form.style_combo.isEnabled()
    assert form.office() == DEMO_OFFICE
    form.style_combo.setCurrentIndex(form.style_combo.findData(STYLE_STATE))
    form.edits["area_name"].setText("huyện Lâm Hà")
    saved = settings.save_office(form.office())
    assert saved.document_style == STYLE_STATE and saved.identities == DEMO_OFFICE.identities
    assert settings.get_office().styles == [STYLE_STATE, STYLE_PARTY]


def test_an_unticked_style_has_no_identity_and_cannot_be_the_default(form):
    form.set_office(DEMO_OFFICE)
    party = form.boxes[STYLE_PARTY]
    party.check.setChecked(False)
    # Its fields stay as typed (ticking it again brings them back) but are out of use.
    assert not party.edits["issuing_body"].isEnabled() and party.edits["issuing_body"].text() == "HUYỆN ỦY LÂM HÀ"
    assert combo_styles(form.style_combo) == [STYLE_STATE] and not form.style_combo.isEnabled()
    office = form.office()
    assert list(office.identities) == [STYLE_STATE] and office.document_style == STYLE_STATE
    settings.save_office(office)
    assert settings.get_office().styles == [STYLE_STATE]
    # The symbol's example follows what is typed.
    state = form.boxes[STYLE_STATE]
    state.edits["symbol"].setText("PNV")
    assert state.example.text() == "Ví dụ: Số: 125/QĐ-PNV"


def test_errors_are_shown_beside_their_field(form):
    form.set_office(DEMO_OFFICE)
    state = form.boxes[STYLE_STATE]
    state.edits["issuing_body"].clear()  # ticked but empty: a mistake, never a silent removal
    with pytest.raises(ValidationError) as caught:
        form.office()
    form.show_error(caught.value)
    assert state.error.isVisibleTo(form) and "bỏ đánh dấu" in state.error.text()
    assert not form.boxes[STYLE_PARTY].error.isVisibleTo(form)
    assert not any(label.isVisibleTo(form) for label in form.errors.values())

    state.check.setChecked(False)  # unticking removes the style and its complaint
    assert not state.error.isVisibleTo(form)
    form.edits["place_name"].clear()
    with pytest.raises(ValidationError) as caught:
        settings.save_office(form.office())
    form.show_error(caught.value)
    assert form.errors["place_name"].isVisibleTo(form)
    assert [key for key, label in form.errors.items() if label.isVisibleTo(form)] == ["place_name"]

    form.show_error(ValidationError("Năm hiện hành", "phải nằm trong khoảng 1990–2100.", key="current_year"))
    assert form.errors["current_year"].text() == "Phải nằm trong khoảng 1990–2100."
    assert not form.errors["place_name"].isVisibleTo(form)


def test_first_run_dialog_fits_the_screen(db, qtbot):
    from ui.setup_dialog import SetupDialog

    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    free = dialog.screen().availableGeometry()
    assert dialog.height() <= free.height() and dialog.width() <= free.width()
    assert dialog.scroll_area.widget() is dialog.form


def test_settings_page_edits_both_identities(window, qtbot):
    window.resize(1366, 768)
    window.show_page("settings")
    page = window.pages["settings"]
    assert page.scroll_area.widget().isAncestorOf(page.form)  # the page scrolls rather than squeezing the form
    page.form.boxes[STYLE_PARTY].edits["signer_name"].setText("Lê Thị Cúc")
    page.form.boxes[STYLE_STATE].check.setChecked(False)
    page.save_office()
    office = settings.get_office()
    assert office.styles == [STYLE_PARTY] and office.identities[STYLE_PARTY].signer_name == "Lê Thị Cúc"
    assert window.office_label.text() == "HUYỆN ỦY LÂM HÀ"


def test_the_decision_is_signed_by_the_chosen_identity(window, monkeypatch):
    window.show_page("recognition")
    page = window.pages["recognition"]
    page.refresh()
    # The demo office issues in both styles: the choice is offered, its default first.
    assert page.form.isRowVisible(page.style_combo)
    assert combo_styles(page.style_combo) == [STYLE_PARTY, STYLE_STATE] and page.chosen_style() == STYLE_PARTY
    assert page.issuing_body.text() == "HUYỆN ỦY LÂM HÀ" and page.authority.text() == "T/M BAN THƯỜNG VỤ"
    page.signer_name.setText("Phạm Văn Dũng")  # typed by the clerk: kept when the style changes
    page.style_combo.setCurrentIndex(page.style_combo.findData(STYLE_STATE))
    assert page.issuing_body.text() == "ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ"
    assert page.authority.text() == "TM. ỦY BAN NHÂN DÂN" and page.signer_title.text() == "CHỦ TỊCH"
    assert page.signer_name.text() == "Phạm Văn Dũng"
    assert "125/QĐ-UBND" in page.number.placeholderText()

    calls: list[dict] = []
    real = decision_service.issue_decision
    monkeypatch.setattr(decision_service, "issue_decision", lambda *a, **k: calls.append(k) or real(*a, **k))
    page.number.setText("125")
    page.day.setText("15/10/2023")
    page.issue()
    assert calls and calls[0]["style"] == STYLE_STATE
    issued = decision_service.decision_for(2023)
    assert issued is not None and issued.number == "125/QĐ-UBND"
    assert issued.issuing_body == "ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ" and issued.signer_name == "Phạm Văn Dũng"
    # Shown again, the decision names the identity that signed it, and is locked with its choice.
    assert page.chosen_style() == STYLE_STATE and not page.style_combo.isEnabled()


def test_an_office_with_one_style_is_not_asked_which(window):
    settings.save_office(
        OfficeInfo.single(STYLE_STATE, issuing_body="ỦY BAN NHÂN DÂN XÃ ĐẠ ĐỜN", place_name="Đạ Đờn", current_year=2023)
    )
    page = window.pages["recognition"]
    page.refresh()
    assert not page.form.isRowVisible(page.style_combo) and page.chosen_style() == STYLE_STATE
    assert page.issuing_body.text() == "ỦY BAN NHÂN DÂN XÃ ĐẠ ĐỜN"


def test_reports_offer_only_the_styles_the_office_has(window):
    page = window.pages["reports"]
    assert combo_styles(page.style_box) == [None, STYLE_PARTY, STYLE_STATE] and page.style_box.isEnabled()
    page.style_box.setCurrentIndex(2)
    settings.save_office(
        OfficeInfo(**{**DEMO_OFFICE.__dict__, "identities": {STYLE_PARTY: DEMO_OFFICE.identities[STYLE_PARTY]}})
    )
    page.set_year(2023)  # the main window does this after the office is saved
    assert combo_styles(page.style_box) == [STYLE_PARTY] and not page.style_box.isEnabled()
    assert page.options().style == STYLE_PARTY
    settings.save_office(
        OfficeInfo.single(STYLE_STATE, issuing_body="ỦY BAN NHÂN DÂN XÃ ĐẠ ĐỜN", place_name="Đạ Đờn", current_year=2023)
    )
    page.set_year(2023)
    assert combo_styles(page.style_box) == [STYLE_STATE] and page.options().style == STYLE_STATE
    settings.save_office(DEMO_OFFICE)
    page.set_year(2023)
    assert combo_styles(page.style_box) == [None, STYLE_PARTY, STYLE_STATE] and page.options().style is None


def test_a_field_left_empty_is_not_refilled_on_loading(form):
    office = OfficeInfo.single(STYLE_PARTY, issuing_body="ĐẢNG ỦY XÃ ĐẠ ĐỜN", place_name="Đạ Đờn", current_year=2026)
    form.set_office(office)
    party = form.boxes[STYLE_PARTY]
    assert party.edits["signing_authority"].text() == "" and form.office() == office
    form.boxes[STYLE_STATE].check.click()  # the clerk's tick suggests; the loaded identity was not touched
    assert form.boxes[STYLE_STATE].edits["signing_authority"].text() == "TM. ỦY BAN NHÂN DÂN"
    assert party.edits["signing_authority"].text() == ""
