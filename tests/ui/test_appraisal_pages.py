import pytest
from PySide6.QtCore import Qt

from desktop_app import domain
from desktop_app.appraisal import council, scoring
from desktop_app.appraisal.criteria import criteria_set_for
from desktop_app.services import catalogues
from desktop_app.services.models import ModelInput, create_model
from desktop_app.storage.models import MoHinh
from ui.models.appraisal_tables import CriteriaTableModel, MembersTableModel, ResultsTableModel
from ui.models.score_grid import DIFFERENT, ScoreGridModel


def type_cell(qtbot, table, text):
    """Type into the current cell as a clerk does: the first key opens the editor, Enter commits."""
    from PySide6.QtWidgets import QApplication

    qtbot.keyClick(table, text[0])
    editor = QApplication.focusWidget()
    assert editor is not table
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def burst(keys: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """Keys as a fast typist's reach the program: each goes to whichever widget has the focus when it arrives, and
    nothing queued in the event loop runs in between (no waits, no processEvents).  "\n" is Enter."""
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    for key in keys:
        target = QApplication.focusWidget()
        assert target is not None
        if key == "\n":
            QTest.keyClick(target, Qt.Key.Key_Return)
        else:
            QTest.keyClick(target, key, modifier)


def test_type_a_full_sheet_with_the_keyboard(db, qtbot, qapp):
    from ui.pages.appraisal import AppraisalPage

    field = catalogues.find("field", "Kinh tế").id
    model_id = create_model(ModelInput(name="Nuôi heo đất", year=2024, field_id=field), status=domain.PROPOSED)
    member = council.add_member(2024, "Trần Thị Hồng", role="Chủ tịch hội đồng")
    page = AppraisalPage()
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.set_year(2024)
    tab = page.scoring
    table = tab.table
    table.setFocus()
    criteria = criteria_set_for(2024, domain.KIND_COLLECTIVE).criteria
    assert table.currentIndex().column() == 1
    # A refused value first: above the maximum of criterion 1 (15 points).
    type_cell(qtbot, table, "99")
    qtbot.waitUntil(lambda: "vượt quá điểm tối đa" in tab.message.text())
    assert tab.message.text().startswith("Dòng 1, TC1:")
    assert all(v is None for v in scoring.sheet(2024, member, model_id).values())
    assert table.currentIndex().column() == 1  # the cursor stays on the refused cell
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState)
    for criterion in criteria:
        assert table.currentIndex().column() == criterion.order
        type_cell(qtbot, table, f"{int(criterion.max_points) - 1},5")
        qtbot.waitUntil(lambda criterion=criterion: scoring.sheet(2024, member, model_id)[criterion.id] is not None)
    expected = {c.id: c.max_points - 0.5 for c in criteria}
    qtbot.waitUntil(lambda: scoring.sheet(2024, member, model_id) == expected)
    qtbot.waitUntil(lambda: tab.table_model.index(0, len(criteria) + 1).data() == "97")
    qtbot.waitUntil(lambda: "Phiếu của thành viên: 1/1 — cả hội đồng: 1/1" in tab.progress.text())
    assert tab.message.text() == ""


@pytest.fixture
def scoring_tab(db, qtbot):
    """The score entry of 2024 with four models, two members, the second model excluded by a conflict."""
    from ui.pages.appraisal.scoring_tab import ScoringTab

    field = catalogues.find("field", "Kinh tế").id
    models = [
        create_model(ModelInput(name=f"Mô hình {name}", year=2024, field_id=field), status=domain.PROPOSED)
        for name in ("An", "Bình", "Cường", "Dung")
    ]
    member = council.add_member(2024, "Trần Thị Hồng", role="Chủ tịch hội đồng")
    council.add_member(2024, "Lê Văn Tám")
    council.declare_conflict(member, models[1], "Người nhà")
    tab = ScoringTab()
    qtbot.addWidget(tab)
    tab.show()
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    tab.set_year(2024)
    tab.table.setFocus()
    qtbot.waitUntil(tab.table.hasFocus)
    assert [m.id for m in tab.table_model.rows] == models
    return tab, member, models, criteria_set_for(2024, domain.KIND_COLLECTIVE).criteria


def stored(member, model_id, criteria):
    values = scoring.sheet(2024, member, model_id)
    return [values[c.id] for c in criteria]


def test_scores_typed_in_a_burst_land_cell_for_cell(scoring_tab, qtbot):
    tab, member, models, criteria = scoring_tab
    rows = [[13, 12, 17, 20, 8, 12], [15, 15, 20, 25, 10, 15], [0, 7.5, 19, 24, 9, 14.5]]
    typed = "".join(f"{v:g}".replace(".", ",") + "\n" for row in rows for v in row)
    burst(typed)  # the tester's "13⏎12⏎17⏎20⏎8⏎12⏎", and two more sheets, with nothing run in between
    # Rows 1, 3 and 4 of the grid: the cursor passed over row 2, where the member abstains.
    for model_id, row in zip((models[0], models[2], models[3]), rows):
        qtbot.waitUntil(lambda model_id=model_id, row=row: stored(member, model_id, criteria) == row)
    assert stored(member, models[1], criteria) == [None] * 6
    assert [tab.table_model.index(r, 7).data() for r in range(4)] == ["82", "", "100", "74"]
    qtbot.waitUntil(lambda: "Phiếu của thành viên: 3/3 — cả hội đồng: 3/7" in tab.progress.text())
    assert tab.message.text() == ""


def test_a_refused_value_in_a_burst_keeps_the_cursor_and_names_the_cell(scoring_tab, qtbot):
    tab, member, models, criteria = scoring_tab
    burst("13\n99\n15\n7,3\n")
    qtbot.waitUntil(lambda: stored(member, models[0], criteria) == [13, 15, None, None, None, None])
    # 99 is over TC2's 15 points: refused, the next value went into TC2; 7,3 is refused in TC3.
    assert tab.message.text().startswith("Dòng 1, TC3:") and "nửa điểm" in tab.message.text()
    assert (tab.table.currentIndex().row(), tab.table.currentIndex().column()) == (0, 3)
    burst("17\n")
    qtbot.waitUntil(lambda: stored(member, models[0], criteria)[2] == 17)
    assert tab.message.text() == ""


def test_tab_and_enter_on_an_untouched_cell_move_like_a_spreadsheet(scoring_tab, qtbot):
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    tab, member, models, criteria = scoring_tab
    burst("4")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # commits and moves on, as Enter does
    burst("\n")  # TC2 left empty: Enter just moves on
    burst("6")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)  # back to TC2
    assert tab.table.currentIndex().column() == 2
    burst("5\n")
    qtbot.waitUntil(lambda: stored(member, models[0], criteria) == [4, 5, 6, None, None, None])
    assert tab.table.currentIndex().column() == 3


def test_delete_clears_a_cell_and_progress_follows(scoring_tab, qtbot):
    tab, member, models, criteria = scoring_tab
    burst("1\n2\n3\n4\n5\n6\n")
    qtbot.waitUntil(lambda: "Phiếu của thành viên: 1/3" in tab.progress.text())
    tab.table.setCurrentIndex(tab.table_model.index(0, 4))
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: stored(member, models[0], criteria) == [1, 2, 3, None, 5, 6])
    qtbot.waitUntil(lambda: "Phiếu của thành viên: 0/3 — cả hội đồng: 0/7" in tab.progress.text())
    assert tab.table_model.index(0, 4).data() == "" and tab.table_model.index(0, 7).data() == ""


def test_paste_a_block_copied_from_excel(scoring_tab, qtbot):
    from PySide6.QtGui import QGuiApplication

    tab, member, models, criteria = scoring_tab
    # Two lines as Excel copies them (tabs, CRLF, a line break after the last row), from row 1, TC2 on:
    # the second grid row is an abstention, so the block's second line goes to it and is skipped.
    QGuiApplication.clipboard().setText("12\t17\t20\t8\t12\t9\r\n1\t2\r\n")
    tab.table.setCurrentIndex(tab.table_model.index(0, 2))
    burst("v", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: stored(member, models[0], criteria) == [None, 12, 17, 20, 8, 12])
    assert "Bỏ qua dòng 2" in tab.message.text() and "1 ô nằm ngoài bảng điểm" in tab.message.text()
    # Pasting into the third row while its editor is open still fills cells, each one checked.
    QGuiApplication.clipboard().setText("14\t99\t18\n5\t5\n")
    tab.table.setCurrentIndex(tab.table_model.index(2, 1))
    burst("1")
    assert tab.table.state() == tab.table.State.EditingState
    burst("v", Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: stored(member, models[2], criteria) == [14, None, 18, None, None, None])
    qtbot.waitUntil(lambda: stored(member, models[3], criteria) == [5, 5, None, None, None, None])
    assert "Dòng 3, TC2: Điểm 99 vượt quá điểm tối đa 15" in tab.message.text()
    assert tab.table.state() != tab.table.State.EditingState


def test_a_locked_decision_refuses_typing_deleting_and_pasting(scoring_tab, qtbot):
    from datetime import date

    from PySide6.QtGui import QGuiApplication

    from desktop_app.appraisal.tables import Decision

    tab, member, models, criteria = scoring_tab
    burst("9\n")
    qtbot.waitUntil(lambda: stored(member, models[0], criteria)[0] == 9)
    Decision.create(year=2024, number="125-QĐ/HU", date=date(2024, 10, 15), locked=True)
    tab.reload()
    assert "Quyết định số 125-QĐ/HU" in tab.message.text()
    burst("5\n")
    qtbot.keyClick(tab.table, Qt.Key.Key_Delete)
    QGuiApplication.clipboard().setText("1\t2\n")
    burst("v", Qt.KeyboardModifier.ControlModifier)
    assert "Quyết định số 125-QĐ/HU" in tab.message.text()
    assert stored(member, models[0], criteria) == [9, None, None, None, None, None]


def test_the_grid_and_progress_match_a_recount_after_typing(scoring_tab, qtbot):
    tab, member, models, criteria = scoring_tab
    burst("".join(f"{int(c.max_points)}\n" for c in criteria) * 2)
    qtbot.waitUntil(lambda: stored(member, models[2], criteria) == [c.max_points for c in criteria])
    shown = tab.progress.text()
    tab.reload()  # a fresh count from the database says the same as the incremental one
    assert tab.progress.text() == shown == "Phiếu của thành viên: 2/3 — cả hội đồng: 2/7"


def test_second_keying_highlights_the_difference(demo_db, qtbot):
    members = council.council_members(2023)
    grid = ScoreGridModel()
    grid.load(2023, members[0].id, domain.KIND_COLLECTIVE, keying=2)
    first = grid.first[0]
    for column, criterion in enumerate(grid.criteria, start=1):
        value = first[criterion.id] if column != 3 else first[criterion.id] - 1
        assert grid.setData(grid.index(0, column), str(value).replace(".", ","))
    assert grid.differences() == 1
    assert grid.index(0, 3).data(Qt.ItemDataRole.BackgroundRole) == DIFFERENT
    assert grid.index(0, 2).data(Qt.ItemDataRole.BackgroundRole) is None
    qtbot.waitUntil(lambda: scoring.compare_keyings(2023, members[0].id, grid.rows[0].id) == [grid.criteria[2].id])


def test_issue_a_decision_changes_statuses(window, qtbot, no_modal_messages):
    window.show_page("recognition")
    page = window.pages["recognition"]
    page.number.setText("125")
    page.day.setText("15/10/2023")
    page.issue()
    statuses = [m.status for m in MoHinh.select().where(MoHinh.year == 2023)]
    assert statuses.count(domain.RECOGNISED) == 32 and statuses.count(domain.NOT_RECOGNISED) == 2
    assert "Quyết định số 125" in page.state.text() and not page.issue_button.isEnabled()
    assert window.pages["dashboard"].cards[domain.RECOGNISED].value.text() == "32"


def test_decision_without_number_is_refused_beside_the_form(window):
    page = window.pages["recognition"]
    page.number.clear()
    page.issue()
    assert "Số quyết định" in page.error.text()
    assert MoHinh.select().where(MoHinh.status == domain.RECOGNISED).count() == 0


def test_appraisal_item_models(demo_db, qtmodeltester):
    import desktop_app.appraisal.results as results

    grid = ScoreGridModel()
    grid.load(2023, council.council_members(2023)[0].id, domain.KIND_COLLECTIVE)
    qtmodeltester.check(grid)
    for model, items in (
        (CriteriaTableModel(), criteria_set_for(2023, domain.KIND_COLLECTIVE).criteria),
        (MembersTableModel(), council.council_members(2023)),
        (ResultsTableModel(), results.results(2023)),
    ):
        model.set_items(items)
        qtmodeltester.check(model)


def test_enter_moves_on_before_the_save_and_leaving_the_tab_waits_for_it(scoring_tab, qtbot):
    tab, member, models, criteria = scoring_tab
    burst("8\n7\n9\n")
    # The cursor is already three cells on and the grid shows the values; the saves are queued on the worker.
    assert (tab.table.currentIndex().row(), tab.table.currentIndex().column()) == (0, 4)
    assert [tab.table_model.index(0, c).data() for c in (1, 2, 3)] == ["8", "7", "9"]
    tab.hide()  # as when the user opens the results or another page: nothing typed may be missing there
    assert tab.table_model.pending() == 0
    assert stored(member, models[0], criteria) == [8, 7, 9, None, None, None]


def test_the_same_cell_typed_twice_keeps_the_last_value(scoring_tab, qtbot):
    tab, member, models, criteria = scoring_tab
    burst("8\n")
    tab.table.setCurrentIndex(tab.table_model.index(0, 1))  # back to TC1, nothing run in between
    burst("5\n6\n")
    qtbot.waitUntil(lambda: tab.table_model.pending() == 0)
    assert stored(member, models[0], criteria) == [5, 6, None, None, None, None]
    assert [tab.table_model.index(0, c).data() for c in (1, 2)] == ["5", "6"]


def test_a_failed_save_puts_the_cell_back_and_the_next_saves_still_land(scoring_tab, qtbot, monkeypatch):
    from desktop_app.errors import AppError

    tab, member, models, criteria = scoring_tab
    real = scoring.save_cells
    calls: list[dict] = []

    def first_fails(year, member_id, cells, keying=1):
        calls.append(cells)
        if len(calls) == 1:
            raise AppError("Ổ đĩa đã đầy, không ghi được.")
        real(year, member_id, cells, keying)

    monkeypatch.setattr(scoring, "save_cells", first_fails)
    burst("8\n7\n9\n")
    qtbot.waitUntil(lambda: stored(member, models[0], criteria) == [None, 7, 9, None, None, None])
    qtbot.waitUntil(lambda: tab.table_model.index(0, 1).data() == "")  # back to what is stored
    assert tab.message.text() == "Dòng 1, TC1: Ổ đĩa đã đầy, không ghi được."
    assert [tab.table_model.index(0, c).data() for c in (2, 3)] == ["7", "9"]
    assert calls == [{models[0]: {c.id: v}} for c, v in zip(criteria, (8, 7, 9))]  # each its own cell, in order


def test_a_decision_locked_after_the_grid_opened_refuses_the_queued_saves(scoring_tab, qtbot):
    from datetime import date

    from desktop_app.appraisal.tables import Decision

    tab, member, models, criteria = scoring_tab
    burst("9\n")
    qtbot.waitUntil(lambda: tab.table_model.pending() == 0)
    Decision.create(year=2024, number="125-QĐ/HU", date=date(2024, 10, 15), locked=True)  # from elsewhere
    burst("5\n6\n")
    qtbot.waitUntil(lambda: tab.table_model.pending() == 0)
    assert "Quyết định số 125-QĐ/HU" in tab.message.text() and "\n" not in tab.message.text()
    assert [tab.table_model.index(0, c).data() for c in (1, 2, 3)] == ["9", "", ""]
    assert stored(member, models[0], criteria) == [9, None, None, None, None, None]
    assert "Phiếu của thành viên: 0/3" in tab.progress.text()


def test_changing_member_while_saves_are_queued_loses_nothing(scoring_tab, qtbot):
    tab, member, models, criteria = scoring_tab
    burst("".join(f"{int(c.max_points)}\n" for c in criteria))
    tab.member_combo.setCurrentIndex(1)  # the other member's grid: read after the queued saves
    assert tab.table_model.member_id != member and tab.table_model.pending() == 0
    assert stored(member, models[0], criteria) == [c.max_points for c in criteria]
    tab.member_combo.setCurrentIndex(0)
    assert tab.table_model.index(0, len(criteria) + 1).data() == "100"
    assert "Phiếu của thành viên: 1/3 — cả hội đồng: 1/7" in tab.progress.text()
