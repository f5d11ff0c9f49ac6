"""The whole year through the real widgets, keys delivered as a burst (as type-ahead arrives).

A new office adds units with their kinds, registers four models, moves them on, sets up a council of three whose
members type their full sheets, keys one member's sheets a second time (one difference is found), reads the
results, issues the decision and prints every document through a QPrinter writing PDF.  The scores stored must be
the scores typed, cell for cell.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QWidget

from desktop_app import domain
from desktop_app.appraisal import council, scoring
from desktop_app.appraisal.criteria import criteria_set_for
from desktop_app.appraisal.results import results
from desktop_app.documents import DOCUMENTS
from desktop_app.office import STYLE_PARTY, OfficeInfo
from desktop_app.services import settings, statistics, units
from desktop_app.services.models import ModelFilter, list_models
from desktop_app.text import format_number

YEAR = 2025
UNITS = (
    ("Hội Nông dân xã Tân Hà", "Mặt trận và đoàn thể", "Cơ sở (xã, phường)"),
    ("Chi bộ thôn Liên Trung", "Tổ chức đảng", "Cơ sở (xã, phường)"),
    ("Đoàn Thanh niên xã Tân Hà", "Mặt trận và đoàn thể", "Cơ sở (xã, phường)"),
)
MODELS = (  # name, kind, field, unit, (honorific, person)
    ("Tổ hợp tác trồng cà phê sạch", domain.KIND_COLLECTIVE, "Kinh tế", UNITS[0][0], None),
    ("Thôn không có tệ nạn xã hội", domain.KIND_COLLECTIVE, "Văn hóa - xã hội", UNITS[1][0], None),
    ("Tuyến đường thanh niên tự quản", domain.KIND_COLLECTIVE, "Xây dựng hệ thống chính trị", UNITS[2][0], None),
    ("Nông dân sản xuất kinh doanh giỏi", domain.KIND_INDIVIDUAL, "Kinh tế", UNITS[0][0], ("Ông", "Nguyễn Văn Tám")),
)
MEMBERS = ("Trần Thị Hồng", "Lê Văn Bình", "K' Điểu")


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type as a clerk does: ASCII as keys (QTest garbles the rest); Vietnamese letters committed the way an input
    method (Unikey, the Windows Vietnamese keyboard) does."""
    for char in text:
        if ord(char) < 128:
            qtbot.keyClick(widget, char)
        else:
            event = QInputMethodEvent()
            event.setCommitString(char)
            QApplication.sendEvent(widget, event)


def burst(qtbot, keys: list[str | Qt.Key]) -> None:
    """Every key to whichever widget has the focus when it arrives, with nothing run in between.

    QTest delivers each key synchronously and runs no event loop, so queued calls and timers that a slow GUI
    might rely on never get a chance between keys: exactly what type-ahead on a busy PC looks like.
    """
    for key in keys:
        target = QApplication.focusWidget()
        assert target is not None
        if isinstance(key, str):
            qtbot.keyClick(target, key)
        else:
            qtbot.keyClick(target, key)


def pick(combo: QComboBox, text: str) -> None:
    position = combo.findText(text)
    assert position >= 0, f"{text!r} not offered in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(position)


def in_modal(open_dialog: Callable[[], None], fill: Callable[[QDialog], None]) -> None:
    """Run ``open_dialog`` (which calls ``exec``) and fill the modal dialog from inside its own event loop."""
    seen: list[QDialog] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        seen.append(dialog)
        try:
            fill(dialog)
        finally:
            if dialog.isVisible():  # a failed fill must not leave the test waiting on a modal dialog
                QDialog.done(dialog, 0)

    QTimer.singleShot(0, run)
    open_dialog()
    assert seen, "no dialog was opened"


def score_for(member: int, row: int, order: int, max_points: float) -> float:
    """A distinct, valid score for each cell; some half points, as on real ballots."""
    return max_points - ((member + 2 * row + order) % 5) * 0.5


def keys_for(value: float) -> list[str | Qt.Key]:
    return list(format_number(value)) + [Qt.Key.Key_Return]


@pytest.fixture
def office_window(db, qtbot, qapp_font):
    settings.save_office(
        OfficeInfo.single(
            STYLE_PARTY,
            issuing_body="BAN THƯỜNG VỤ HUYỆN ỦY LÂM HÀ",
            superior_body="ĐẢNG BỘ TỈNH LÂM ĐỒNG",
            place_name="Lâm Hà",
            signer_name="Nguyễn Văn An",
            signer_title="PHÓ BÍ THƯ THƯỜNG TRỰC",
            signing_authority="T/M BAN THƯỜNG VỤ",
            symbol="HU",
            current_year=YEAR,
        )
    )
    from ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    window.set_year(YEAR)
    return window


def add_units(window, qtbot) -> None:
    window.show_page("catalogues")
    tab = window.pages["catalogues"].units_tab
    window.pages["catalogues"].setCurrentWidget(tab)
    for name, kind, level in UNITS:
        tab.add_root()
        dialog = tab.unit_dialog
        assert dialog is not None
        type_text(qtbot, dialog.name, name)
        pick(dialog.kind, kind)
        pick(dialog.level, level)
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
        assert tab.unit_dialog is None, "the unit dialog refused what was typed"
    for name, kind, level in UNITS:
        unit = units.find_unit(name)
        assert unit is not None, [u.name for u in units.list_units()]
        assert (unit.kind, unit.level) == (kind, level)


def register_models(window, qtbot) -> None:
    window.show_page("models")
    page = window.pages["models"]
    for name, kind, field, unit, person in MODELS:

        def fill(dialog, name=name, kind=kind, field=field, unit=unit, person=person) -> None:
            type_text(qtbot, dialog.name, name)
            dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
            pick(dialog.field, field)
            pick(dialog.unit, unit)
            if person is not None:
                honorific, person_name = person
                pick(dialog.honorific, honorific)
                type_text(qtbot, dialog.person["person_name"], person_name)
            dialog.save_close_button.click()
            assert not dialog.isVisible(), "the editor refused the model"

        in_modal(page.add_model, fill)
    assert page.table_model.rowCount() == len(MODELS)


def move_on(window, qtbot) -> None:
    page = window.pages["models"]
    labels = [action.text() for action in page.status_button.menu().actions()]
    assert domain.status_label(domain.RECOGNISED) not in labels  # recognition comes from the decision only
    page.table.selectAll()
    assert len(page.selected_ids()) == len(MODELS)
    page.change_status(domain.PROPOSED)
    statuses = {m.status for m in list_models(ModelFilter(year=YEAR))}
    assert statuses == {domain.PROPOSED}


def set_up_council(window, qtbot) -> None:
    window.show_page("appraisal")
    page = window.pages["appraisal"]
    tab = page.council
    page.setCurrentWidget(tab)
    for position, name in enumerate(MEMBERS):

        def fill(dialog, name=name, position=position) -> None:
            type_text(qtbot, dialog.name, name)
            dialog.role.selectAll()
            type_text(qtbot, dialog.role, "Chủ tịch hội đồng" if position == 0 else "Ủy viên")
            dialog.accept()

        in_modal(tab.add, fill)
    assert [m.name for m in council.council_members(YEAR)] == list(MEMBERS)


def type_sheets(
    window, qtbot, keying: int, members: list[int], change: tuple[int, int, int] | None = None
) -> dict[tuple[int, int, int], float]:
    """Type every sheet of ``members`` in one burst per member and kind; returns what was typed by
    (member id, model id, criterion id).  ``change`` = (member position, row, criterion order) typed 1 lower."""
    page = window.pages["appraisal"]
    tab = page.scoring
    page.setCurrentWidget(tab)
    window.activateWindow()  # keys go to the active window's focus widget, as from a keyboard
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    typed: dict[tuple[int, int, int], float] = {}
    ids = [m.id for m in council.council_members(YEAR)]
    for position in members:
        tab.member_combo.setCurrentIndex(tab.member_combo.findData(ids[position]))
        tab.keying_combo.setCurrentIndex(tab.keying_combo.findData(keying))
        for kind in (domain.KIND_COLLECTIVE, domain.KIND_INDIVIDUAL):
            tab.kind_combo.setCurrentIndex(tab.kind_combo.findData(kind))
            grid = tab.table_model
            assert grid.rowCount() == sum(1 for m in MODELS if m[1] == kind)
            tab.table.setFocus()
            tab.table.setCurrentIndex(grid.index(0, 1))
            qtbot.waitUntil(tab.table.hasFocus, timeout=5000)
            keys: list[str | Qt.Key] = []
            for row in range(grid.rowCount()):
                for criterion in grid.criteria:
                    value = score_for(position, row, criterion.order, criterion.max_points)
                    if change == (position, row, criterion.order):
                        value -= 1
                    typed[(ids[position], grid.rows[row].id, criterion.id)] = value
                    keys += keys_for(value)
            burst(qtbot, keys)
            qtbot.waitUntil(lambda grid=grid: grid.pending() == 0, timeout=20000)  # the saves queued on the worker
            assert tab.message.text() == "", tab.message.text()
    return typed


def print_every_document(window, qtbot, tmp_path: Path) -> None:
    window.show_page("reports")
    page = window.pages["reports"]
    individual = next(m for m in list_models(ModelFilter(year=YEAR)) if m.kind == domain.KIND_INDIVIDUAL)
    for code in DOCUMENTS:
        options = {"model_id": individual.id} if code == "dossier" else {}
        with qtbot.waitSignal(page.preview_ready, timeout=120000) as preview:
            page.select(code, **options)
        target = tmp_path / f"in-{code}.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setResolution(150)  # enough to read, quick to paint
        printer.setOutputFileName(str(target))
        with qtbot.waitSignal(page.printed, timeout=120000) as printed:
            page.print_document(printer)
        sheets = PdfReader(target).pages
        assert printed.args[0] == len(sheets) == preview.args[0] >= 1, code
        for sheet in sheets:  # each sheet carries the painted page: an image and the drawing of it
            assert sheet.get_contents() is not None and sheet.get_contents().get_data(), code
            assert sheet["/Resources"]["/XObject"], code


def test_the_whole_year_at_a_clerks_speed(office_window, qtbot, tmp_path, no_modal_messages):
    window = office_window
    add_units(window, qtbot)
    register_models(window, qtbot)
    move_on(window, qtbot)
    set_up_council(window, qtbot)

    typed = type_sheets(window, qtbot, keying=1, members=[0, 1, 2])
    stored = {}
    for member_id, model_id, criterion_id in typed:
        sheet = scoring.sheet(YEAR, member_id, model_id)
        stored[(member_id, model_id, criterion_id)] = sheet[criterion_id]
    assert stored == typed  # cell for cell
    tab = window.pages["appraisal"].scoring
    assert f"{len(MODELS) * 3}/{len(MODELS) * 3}" in tab.progress.text()

    # The first member's paper ballots keyed again; one cell differs and is found.
    second = type_sheets(window, qtbot, keying=2, members=[0], change=(0, 1, 2))
    tab.kind_combo.setCurrentIndex(tab.kind_combo.findData(domain.KIND_COLLECTIVE))
    assert tab.table_model.differences() == 1 and "1 ô khác lần 1" in tab.progress.text()
    member_id = council.council_members(YEAR)[0].id
    changed_model = tab.table_model.rows[1].id
    criterion = criteria_set_for(YEAR, domain.KIND_COLLECTIVE).criteria[1]
    assert scoring.compare_keyings(YEAR, member_id, changed_model) == [criterion.id]
    assert second[(member_id, changed_model, criterion.id)] == typed[(member_id, changed_model, criterion.id)] - 1

    # Results: ranks per kind, so the individual is first among individuals.
    items = results(YEAR)
    assert {(r.kind, r.rank) for r in items if r.kind == domain.KIND_INDIVIDUAL} == {(domain.KIND_INDIVIDUAL, 1)}
    assert sorted(r.rank for r in items if r.kind == domain.KIND_COLLECTIVE) == [1, 2, 3]

    window.show_page("recognition")
    recognition = window.pages["recognition"]
    recognition.refresh()
    recognition.number.clear()
    type_text(qtbot, recognition.number, "125")
    recognition.day.clear()
    type_text(qtbot, recognition.day, "15/12/2025")
    recognition.issue_button.click()
    recognised = [m for m in list_models(ModelFilter(year=YEAR)) if m.status == domain.RECOGNISED]
    assert len(recognised) == sum(1 for r in items if r.recognised) >= 1
    assert "125-QĐ/HU" in recognition.state.text()

    print_every_document(window, qtbot, tmp_path)
    assert not [m for m in no_modal_messages if m[0] in ("error", "warning")], no_modal_messages


def test_the_first_screen_ticks_printing_once_a_document_is_saved(window, qtbot, tmp_path):
    dashboard = window.pages["dashboard"]
    window.show_page("reports")
    page = window.pages["reports"]
    with qtbot.waitSignal(page.preview_ready, timeout=120000):
        page.select("statistics")
    assert dashboard.strip.buttons["reports"].text().startswith("○")
    with qtbot.waitSignal(page.produced, timeout=120000) as produced:
        page.save_pdf(tmp_path / "thống kê.pdf")
    assert produced.args == ["statistics"]
    assert statistics.year_progress(2023).reports_done
    window.show_page("dashboard")
    qtbot.waitUntil(lambda: "✓" in dashboard.strip.buttons["reports"].text(), timeout=5000)
