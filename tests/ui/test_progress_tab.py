"""The editor's «Tiến độ» tab (add, edit, delete a progress report) and the follow-up workbook import dialog."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import Workbook
from PySide6.QtWidgets import QDialog

from desktop_app import domain
from desktop_app.followup.progress import list_progress
from desktop_app.history import queries
from desktop_app.history.queries import HistoryFilter
from desktop_app.services.models import get_model
from desktop_app.storage.models import Indicator, MoHinh
from ui import worker
from ui.editor.dialog import ModelEditorDialog
from ui.editor.progress_tab import NO_REPORTS, NOT_SAVED, ProgressForm
from ui.worker import wait_all


def model_with_indicator(year: int = 2023) -> tuple[int, str, str, str]:
    """(model id, its name, its unit, the name of its first indicator): a demo model that has an indicator."""
    indicator = Indicator.select().join(MoHinh).where(MoHinh.year == year).order_by(Indicator.id).first()
    detail = get_model(indicator.model_id)
    return indicator.model_id, detail.row.name, detail.row.unit, indicator.name


def history_count(model_id: int) -> int:
    return len(queries.entries(HistoryFilter(model_uuid=MoHinh.get_by_id(model_id).uuid), limit=500))


def test_a_new_model_asks_to_be_saved_first(demo_db, qtbot):
    dialog = ModelEditorDialog(None, None, 2023)
    qtbot.addWidget(dialog)
    tab = dialog.progress_tab
    assert dialog.tabs.tabText(dialog.tabs.indexOf(tab)) == "Tiến độ"
    assert tab.hint.text() == NOT_SAVED
    assert not tab.add_button.isEnabled() and not tab.edit_button.isEnabled() and not tab.delete_button.isEnabled()


def test_add_edit_and_delete_a_progress_report(demo_db, qtbot, monkeypatch, no_modal_messages):
    model_id, _name, _unit, indicator_name = model_with_indicator()
    dialog = ModelEditorDialog(None, model_id, 2023)
    qtbot.addWidget(dialog)
    tab = dialog.progress_tab
    assert tab.items == [] and tab.hint.text() == NO_REPORTS and tab.add_button.isEnabled()
    changes = history_count(model_id)

    # «Thêm báo cáo tiến độ…»: the form opens with one amount per indicator of the model.
    def fill_and_save(form: ProgressForm) -> int:
        assert [line.name for line in form.indicators] == [i.name for i in get_model(model_id).indicators]
        assert form.indicators[0].name == indicator_name
        form.day.setText("15/06/2023")
        form.status.setCurrentIndex(form.status.findData(domain.PROGRESS_BEHIND))
        form.done_text.setPlainText("Sơ kết 6 tháng: đã họp dân, khởi công.")
        form.indicators[0].edit.setText("12")
        form.note.setText("Chờ vốn đối ứng")
        return QDialog.DialogCode.Accepted if form.save() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(ProgressForm, "exec", fill_and_save)
    with qtbot.waitSignal(tab.changed, timeout=1000):
        tab.add_button.click()
    assert tab.table.rowCount() == 1
    assert tab.table.item(0, 0).text() == "15/06/2023"
    assert tab.table.cellWidget(0, 1).findChild(type(tab.hint)).text() == "Chậm tiến độ"
    assert tab.table.item(0, 2).text() == "Sơ kết 6 tháng: đã họp dân, khởi công."
    assert tab.table.item(0, 3).text().startswith(f"{indicator_name}: 12")
    saved = list_progress(model_id)
    assert len(saved) == 1 and saved[0].report_date == date(2023, 6, 15) and saved[0].status == domain.PROGRESS_BEHIND
    assert list(saved[0].values.values()) == [12.0] and saved[0].note == "Chờ vốn đối ứng"
    # Written at once, as its own record: the model's history has it, the editor has nothing unsaved.
    assert history_count(model_id) == changes + 1
    assert not dialog.dirty

    # A date outside the model's year is refused beside the date, and nothing is written.
    form = tab.form()
    qtbot.addWidget(form)
    form.day.setText("15/06/2030")
    form.done_text.setPlainText("Ghi nhầm năm")
    assert form.save() is False
    assert not form.errors["report_date"].isHidden()
    assert "nằm ngoài năm 2023" in form.errors["report_date"].text()
    form.day.setText("15/06/2023")  # the same day as the report above: edit that one instead
    assert form.save() is False and "đã có báo cáo tiến độ ngày 15/06/2023" in form.error_texts()[0]
    form.day.setText("30/09/2023")
    form.indicators[0].edit.setText("mười hai")
    assert form.save() is False and not form.errors["values"].isHidden()
    assert len(list_progress(model_id)) == 1

    # «Sửa…»: the form opens on the chosen report, filled in.
    tab.table.selectRow(0)
    form = tab.form(tab.current())
    qtbot.addWidget(form)
    assert form.day.text() == "15/06/2023" and form.indicators[0].edit.text() == "12"
    assert form.status.currentData() == domain.PROGRESS_BEHIND
    form.status.setCurrentIndex(form.status.findData(domain.PROGRESS_STALLED))
    form.indicators[0].edit.setText("")
    assert form.save() is True
    with qtbot.waitSignal(tab.changed, timeout=1000):
        tab.after_save(form)
    [edited] = list_progress(model_id)
    assert edited.status_label == "Ngưng trệ" and edited.values == {}
    assert tab.table.item(0, 1).data(0x0100) == "Ngưng trệ"  # Qt.UserRole under the badge
    assert tab.table.item(0, 3).text() == ""

    # «Xóa», after the confirmation.
    tab.table.selectRow(0)
    with qtbot.waitSignal(tab.changed, timeout=1000):
        tab.delete_button.click()
    assert ("confirm", "Xóa báo cáo tiến độ ngày 15/06/2023?") in no_modal_messages
    assert list_progress(model_id) == [] and tab.table.rowCount() == 0 and tab.hint.text() == NO_REPORTS
    assert history_count(model_id) == changes + 3
    assert not dialog.dirty


@pytest.fixture
def jobs_done(qtbot):
    yield
    qtbot.waitUntil(lambda: wait_all(100) and not worker._running, timeout=60000)


def test_followup_workbook_import_previews_then_writes(window, qtbot, tmp_path, no_modal_messages, jobs_done):
    model_id, name, unit, indicator_name = model_with_indicator()
    assert window.followup_import_action.text() == "Nhập báo cáo tiến độ từ Excel…"
    wb = Workbook()
    ws = wb.active
    ws.title = "Tiến độ"
    ws.append(["BÁO CÁO TIẾN ĐỘ THỰC HIỆN MÔ HÌNH DÂN VẬN KHÉO"])
    ws.append([])
    ws.append(["STT", "Tên mô hình", "Đơn vị", "Ngày báo cáo", "Nội dung đã thực hiện", "Tình hình", indicator_name])
    ws.append([1, name, unit, "30/06/2023", "Đã triển khai", "Đúng tiến độ", 7])
    ws.append([2, "Mô hình không có trong năm", unit, "30/06/2023", "Đã làm", "Chậm", None])
    ws.append([3, name, unit, "31/07/2023", "Tạm ngừng", "Không rõ", None])
    path = tmp_path / "tiến độ.xlsx"
    wb.save(path)

    dialog = window.open_followup_import(path)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=60000)
    table = dialog.rows_table
    assert table.rowCount() == 3
    cells = [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(3)]
    assert cells[0][:7] == ["Tiến độ", "4", name, name, "30/06/2023", "Đúng tiến độ", "Sẽ nhập"]
    assert cells[1][6] == "Bị loại" and cells[1][7].startswith("Cột B: ") and "không có mô hình" in cells[1][7]
    assert cells[2][6] == "Bị loại" and cells[2][7].startswith("Cột F: ") and "Không rõ" in cells[2][7]
    assert "Sẽ nhập <b>1</b>" in dialog.summary.text() and "bị loại 2 dòng" in dialog.summary.text()
    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Nhập 1 báo cáo"

    with qtbot.waitSignal(dialog.imported, timeout=60000) as blocker:
        dialog.import_button.click()
    assert blocker.args == [1]
    assert ("info", "Đã nhập 1 báo cáo tiến độ.") in no_modal_messages
    [report] = list_progress(model_id)
    assert report.report_date == date(2023, 6, 30) and report.status == domain.PROGRESS_ON_TRACK
    assert report.done == "Đã triển khai" and list(report.values.values()) == [7.0]
