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


def test_type_a_full_sheet_with_the_keyboard(db, qtbot, qapp):
    from ui.pages.appraisal import AppraisalPage
    field = catalogues.find("field", "Kinh tế").id
    model_id = create_model(ModelInput(name="Nuôi heo đất", year=2024, field_id=field), status=domain.PROPOSED)
    member = council.add_member(2024, "Trần Thị Hồng", role="Chủ tịch hội đồng")
    page = AppraisalPage()
    qtbot.addWidget(page)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    page.set_year(2024)
    tab = page.scoring
    table = tab.table
    table.setFocus()
    criteria = criteria_set_for(2024, domain.KIND_COLLECTIVE).criteria
    assert table.currentIndex().column() == 1
    # A refused value first: above the maximum of criterion 1 (15 points).
    type_cell(qtbot, table, "99")
    qtbot.waitUntil(lambda: "vượt quá điểm tối đa" in tab.message.text(), timeout=2000)
    assert all(v is None for v in scoring.sheet(2024, member, model_id).values())
    assert table.currentIndex().column() == 1  # the cursor stays on the refused cell
    qtbot.waitUntil(lambda: table.state() != table.State.EditingState, timeout=2000)
    for criterion in criteria:
        assert table.currentIndex().column() == criterion.order
        type_cell(qtbot, table, f"{int(criterion.max_points) - 1},5")
        qtbot.waitUntil(lambda: tab.model.values[0][criterion.id] is not None, timeout=2000)
    saved = scoring.sheet(2024, member, model_id)
    assert saved == {c.id: c.max_points - 0.5 for c in criteria}
    assert tab.model.index(0, len(criteria) + 1).data() == "97"
    assert "1/1" in tab.progress.text()


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
    assert scoring.compare_keyings(2023, members[0].id, grid.models[0].id) == [grid.criteria[2].id]


def test_issue_a_decision_changes_statuses(window, qtbot, no_modal_messages):
    window.show_page("recognition")
    page = window.pages["recognition"]
    page.number.setText("125")
    page.day.setText("15/10/2023")
    page.issue()
    statuses = [m.status for m in MoHinh.select().where(MoHinh.year == 2023)]
    assert statuses.count(domain.RECOGNISED) == 30 and statuses.count(domain.NOT_RECOGNISED) == 2
    assert "Quyết định số 125" in page.state.text() and not page.issue_button.isEnabled()
    assert window.pages["dashboard"].cards[domain.RECOGNISED].value.text() == "30"


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
    for model, items in ((CriteriaTableModel(), criteria_set_for(2023, domain.KIND_COLLECTIVE).criteria),
                         (MembersTableModel(), council.council_members(2023)),
                         (ResultsTableModel(), results.results(2023))):
        model.set_items(items)
        qtmodeltester.check(model)
