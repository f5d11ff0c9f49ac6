"""The results tab (ranks per kind), the Công nhận screen (who passes) and the grade thresholds dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app import domain
from desktop_app.appraisal import council, decision, scoring
from desktop_app.appraisal import criteria as crit
from desktop_app.appraisal.aggregate import GradeThreshold
from desktop_app.history.trash import DeleteRefused
from desktop_app.services import catalogues
from desktop_app.services.models import ModelInput, create_model, delete_models
from desktop_app.storage.models import MoHinh

YEAR = 2023  # the demo year: 32 collective models, 30 of them pass; 2 individuals (82 and 76,2 points), both pass


def open_page(window, key: str):
    """Arrive on a page as the clerk does, from another one (the window may reopen on the page it closed on)."""
    window.show_page("dashboard" if key != "dashboard" else "models")
    window.show_page(key)
    return window.pages[key]


def add_scored_exemplars(shares: tuple[float, ...]) -> list[int]:
    """Individual exemplars of the demo year, scored by every demo council member at ``share`` of the maximum."""
    field = catalogues.find("field", "Kinh tế").id
    criteria = crit.criteria_set_for(YEAR, domain.KIND_INDIVIDUAL).criteria
    ids = []
    for index, share in enumerate(shares):
        model_id = create_model(
            ModelInput(
                name=f"Điển hình số {index + 1}",
                year=YEAR,
                field_id=field,
                kind=domain.KIND_INDIVIDUAL,
                person_name=f"K' Điểu {index + 1}",
            ),
            status=domain.PROPOSED,
        )
        for member in council.council_members(YEAR):
            scoring.save_sheet(YEAR, member.id, model_id, {c.id: round(c.max_points * share * 2) / 2 for c in criteria})
        ids.append(model_id)
    return ids


def test_results_tab_shows_ranks_in_one_section_per_kind(window, qtmodeltester):
    exemplars = add_scored_exemplars((0.95, 0.7))
    page = open_page(window, "appraisal")
    page.setCurrentWidget(page.results)
    tab = page.results
    tab.refresh()
    model = tab.table_model
    sections = model.section_rows()
    assert sections == [0, 33]  # 32 collective models, then the 2 demo individuals and the 2 exemplars
    assert model.index(0, 0).data() == "Mô hình tập thể (32) — xếp hạng riêng"
    assert model.index(33, 0).data() == "Điển hình cá nhân (4) — xếp hạng riêng"
    assert tab.view.columnSpan(33, 0) == model.columnCount()
    assert model.index(33, 0).data(Qt.ItemDataRole.FontRole).bold()
    # Each kind has its own "1", and each sits under its own heading.
    assert model.index(1, 0).data() == "1" and model.index(34, 0).data() == "1"
    # 95 points first, 70 last: the demo's two individuals (82 and 76,2) rank between them.
    assert [model.index(r, 1).data() for r in (34, 37)] == ["Điển hình số 1", "Điển hình số 2"]
    assert [model.item_at(r).model_id for r in (34, 37)] == exemplars
    ranks = [int(model.index(r, 0).data()) for r in range(1, 33) if model.index(r, 0).data()]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert model.item_at(0) is None and not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsSelectable
    assert "Mô hình tập thể: đã có điểm 32/32" in tab.summary.text()
    assert "Điển hình cá nhân: đã có điểm 4/4" in tab.summary.text()
    qtmodeltester.check(model)


def test_criteria_total_other_than_100_shows_in_red(window):
    page = open_page(window, "appraisal")
    tab = page.criteria
    assert "100 điểm" in tab.total.text() and "#b00020" not in tab.total.styleSheet()
    assert page.criteria_alert.isHidden()
    crit.add_criterion(tab.set_id, "Ứng dụng chuyển đổi số", 5, force=True)
    tab.reload()
    assert "105 điểm, không phải 100" in tab.total.text() and "#b00020" in tab.total.styleSheet()
    # Seen from every tab of the screen, the score entry one included.
    assert not page.criteria_alert.isHidden() and "105" in page.criteria_alert.toolTip()
    page.results.refresh()
    assert not page.results.warning.isHidden() and "105" in page.results.warning.text()


def test_recognition_lists_who_passes_then_who_is_recognised(window, no_modal_messages, qtmodeltester):
    add_scored_exemplars((0.9, 0.5))
    page = open_page(window, "recognition")
    passing = page.passing
    assert passing.rowCount() == 33  # 30 demo models, the 2 demo individuals and the good exemplar
    assert page.list_title.text().startswith("Đủ điều kiện công nhận (quyết định chưa ban hành): 33")
    names = [passing.index(r, 1).data() for r in range(passing.rowCount())]
    assert "Điển hình số 1" in names and "Điển hình số 2" not in names
    best = 30  # individuals come after the 30 collective models, the best first (90 points, above the demo's)
    assert [passing.index(best, c).data() for c in (0, 1, 3, 5)] == ["31", "Điển hình số 1", "Cá nhân", "Xuất sắc"]
    assert passing.index(best, 4).data() == "90,00" and passing.index(0, 2).data()
    qtmodeltester.check(passing)

    page.number.setText("125")
    page.day.setText("15/10/2023")
    page.issue()
    assert "Quyết định số 125-QĐ/HU ngày 15/10/2023" in page.state.text()
    assert page.list_title.text().startswith("Được công nhận theo Quyết định số 125-QĐ/HU: 33")
    assert page.number.text() == "125-QĐ/HU" and not page.number.isEnabled()

    # A recognised model cannot be deleted while the decision is locked; deleted once it is unlocked, it is
    # neither counted nor listed.
    gone = MoHinh.get(MoHinh.name == names[0]).id
    with pytest.raises(DeleteRefused, match="mở khóa quyết định"):
        delete_models([gone])
    decision.unlock_decision(YEAR, "Mô hình đăng ký trùng")
    delete_models([gone])
    open_page(window, "recognition")
    assert passing.rowCount() == 32 and names[0] not in [passing.index(r, 1).data() for r in range(32)]
    assert page.summary.text().startswith("Năm 2023: 35 mô hình, điển hình; đủ điều kiện công nhận 32")
    assert "công nhận 32 mô hình" in page.state.text()


def test_recognition_warns_before_issuing_with_a_wrong_criteria_total(window, no_modal_messages):
    s = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE)
    crit.add_criterion(s.id, "Ứng dụng chuyển đổi số", 5, force=True)
    page = open_page(window, "recognition")
    assert not page.warning.isHidden() and "105" in page.warning.text()
    page.number.setText("125")
    page.issue()
    question = next(text for kind, text in no_modal_messages if kind == "confirm")
    assert question.startswith("Lưu ý: Tổng điểm tối đa") and "105" in question


def test_thresholds_dialog_refuses_a_wrong_scale_then_saves(window, qtbot, no_modal_messages):
    tab = open_page(window, "appraisal").criteria
    dialog = tab.edit_thresholds()
    qtbot.waitUntil(dialog.isVisible)
    assert [e.text() for e in dialog.names] == ["Xuất sắc", "Tốt", "Đạt", "Không đạt"]
    assert dialog.required.currentText() == "Đạt"
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.points[1].setValue(95)  # Tốt above Xuất sắc: refused, the dialog stays open
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and "giảm dần" in dialog.error.text()
    assert crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE).thresholds[1].min_points == 80

    dialog.points[0].setValue(92)
    dialog.points[1].setValue(82)
    dialog.names[2].setText("Khá")
    assert dialog.required.currentText() == "Khá"  # the recognition grade follows its renamed row
    with qtbot.waitSignal(dialog.accepted):
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    saved = crit.criteria_set_for(YEAR, domain.KIND_COLLECTIVE)
    assert saved.thresholds == [
        GradeThreshold("Xuất sắc", 92),
        GradeThreshold("Tốt", 82),
        GradeThreshold("Khá", 65),
        GradeThreshold("Không đạt", 0),
    ]
    assert saved.requires_grade == "Khá"
    # The demo year has scores: the change went through the "scores exist" confirmation.
    assert any(kind == "confirm" and "đã có điểm chấm" in text for kind, text in no_modal_messages)
    assert "Xuất sắc: từ 92 điểm" in tab.rule.text() and "«Khá»" in tab.rule.text()
