import unicodedata

import pytest
from PySide6.QtCore import Qt

from desktop_app import domain
from desktop_app.services import units
from desktop_app.services.models import get_model
from desktop_app.storage.models import MoHinh
from ui.editor import ModelEditorDialog
from ui.editor.indicators import IndicatorTableModel


@pytest.fixture(autouse=True)
def _unsaved_question_answers_discard(monkeypatch):
    """The editor's own save/discard/continue box must not block a test (qtbot closes dirty dialogs)."""
    from ui.editor import dialog as dialog_module

    monkeypatch.setattr(dialog_module, "ask_unsaved_changes", lambda parent: dialog_module.DISCARD)


def _editor(qtbot, model_id=None, year=2023):
    dialog = ModelEditorDialog(None, model_id, year)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    return dialog


def test_create_a_model_with_the_keyboard(db, qtbot):
    units.create_unit("Hoi Nong dan xa Me Linh")
    dialog = _editor(qtbot)
    assert dialog.windowTitle() == "Thêm mô hình, điển hình"
    qtbot.keyClicks(dialog.name, "Thu gom ve chai gay quy")
    # Tab through kind and year to the field combo, then pick by typing its first letters.
    qtbot.keyClick(dialog.name, Qt.Key.Key_Tab)
    assert dialog.kind.hasFocus()
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Tab)
    assert dialog.year_edit.hasFocus() and dialog.year_edit.text() == "2023"
    qtbot.keyClick(dialog.year_edit, Qt.Key.Key_Tab)
    assert dialog.field.hasFocus()
    qtbot.keyClicks(dialog.field, "V")
    assert dialog.field.currentText() == "Văn hóa - xã hội"
    qtbot.keyClick(dialog.field, Qt.Key.Key_Tab)
    qtbot.keyClick(dialog.level, Qt.Key.Key_Tab)
    assert dialog.unit.hasFocus()
    qtbot.keyClicks(dialog.unit.lineEdit(), "Hoi Nong dan xa Me Linh")
    qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    row = MoHinh.get(MoHinh.name == "Thu gom ve chai gay quy")
    assert row.field.name == "Văn hóa - xã hội" and row.unit.name == "Hoi Nong dan xa Me Linh"
    assert row.year == 2023 and row.status == domain.REGISTERED
    assert dialog.windowTitle().startswith("Sửa:") and not dialog.dirty


def test_unknown_unit_is_refused_by_name(db, qtbot):
    dialog = _editor(qtbot)
    dialog.name.insert("Mẹ đỡ đầu")
    dialog.field.setCurrentIndex(1)
    dialog.unit.lineEdit().setText("Hội không có thật")
    assert dialog.save() is False
    assert "chưa có trong danh mục" in dialog.errors["unit"].text()


def test_missing_name_shows_the_message_beside_the_field(db, qtbot):
    dialog = _editor(qtbot)
    dialog.field.setCurrentIndex(1)
    assert dialog.save() is False
    assert dialog.errors["name"].isVisibleTo(dialog)
    assert "Không được để trống" in dialog.errors["name"].text()
    assert MoHinh.select().count() == 0


def test_missing_field_switches_to_its_tab(db, qtbot):
    dialog = _editor(qtbot)
    dialog.name.insert("Mẹ đỡ đầu")
    dialog.tabs.setCurrentIndex(2)
    assert dialog.save() is False
    assert dialog.tabs.currentIndex() == 0
    assert "Chưa chọn lĩnh vực" in dialog.errors["field"].text()


def test_bad_date_is_reported_on_the_content_tab(db, qtbot):
    dialog = _editor(qtbot)
    dialog.name.insert("Mẹ đỡ đầu")
    dialog.field.setCurrentIndex(1)
    dialog.start_date.setText("31/02/2023")
    assert dialog.save() is False
    assert dialog.tabs.currentIndex() == 1 and dialog.start_date.hasFocus()
    assert dialog.errors["start_date"].text() == "Ngày 31/02/2023 không có thật: tháng 2 năm 2023 chỉ có 28 ngày."
    dialog.end_date.setText("ngày mai")
    dialog.start_date.setText("01/02/2023")
    assert dialog.save() is False
    assert "dd/mm/yyyy" in dialog.errors["end_date"].text()


def test_duplicate_warning_while_typing(demo_db, qtbot):
    dialog = _editor(qtbot)
    qtbot.keyClicks(dialog.name, "nuoi heo dat chung tay ung ho phuong tien sinh ke")
    qtbot.waitUntil(lambda: dialog.duplicates.isVisible(), timeout=2000)
    assert "Có thể trùng với" in dialog.duplicates.text()


def test_indicators_typed_the_vietnamese_way(db, qtbot):
    dialog = _editor(qtbot)
    dialog.name.insert(unicodedata.normalize("NFD", "Nuôi heo đất"))
    dialog.field.setCurrentIndex(1)
    model = dialog.indicators
    row = model.add_row()
    model.setData(model.index(row, 0), "Tiền vận động")
    model.setData(model.index(row, 1), "đồng")
    assert model.setData(model.index(row, 3), "88 triệu")
    assert model.index(row, 3).data() == "88.000.000"
    assert not model.setData(model.index(row, 2), "nhiều lắm")
    assert not dialog.errors["indicators"].isHidden()
    assert "không phải là số" in dialog.errors["indicators"].text()
    assert dialog.save()
    detail = get_model(dialog.model_id)
    assert detail.row.name == "Nuôi heo đất" and unicodedata.is_normalized("NFC", detail.row.name)
    assert detail.indicators[0].achieved == 88_000_000


def test_attachment_is_copied_beside_the_database(demo_db, qtbot, tmp_path):
    photo = tmp_path / "ảnh.png"
    from PySide6.QtGui import QImage

    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    image.save(str(photo))
    dialog = _editor(qtbot, 1)
    dialog.attachments.add_paths([str(photo)])
    assert dialog.attachments.list_model.rowCount() == 1
    stored = get_model(1).attachments[0].stored_name
    assert (demo_db.files_dir / stored).read_bytes() == photo.read_bytes()
    assert not dialog.attachments.list_model.index(0).data(Qt.ItemDataRole.DecorationRole).isNull()


def test_status_change_with_reason_shows_in_history(demo_db, qtbot):
    dialog = _editor(qtbot, 1)
    tab = dialog.status_tab
    tab.next_combo.setCurrentIndex(tab.next_combo.findData(domain.RETURNED))
    tab.reason.setText("Thiếu kế hoạch chi tiết")
    tab.apply()
    assert MoHinh.get_by_id(1).status == domain.RETURNED
    assert tab.history.index(0, 3).data() == "Thiếu kế hoạch chi tiết"
    assert tab.history.index(0, 2).data() == "Trả lại"


def test_escape_with_changes_asks(db, qtbot, monkeypatch):
    from ui.editor import dialog as dialog_module

    asked = []
    monkeypatch.setattr(
        dialog_module, "ask_unsaved_changes", lambda parent: asked.append(parent) or dialog_module.CONTINUE
    )
    dialog = _editor(qtbot)
    qtbot.keyClicks(dialog.name, "abc")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [dialog] and dialog.isVisible()


def test_individual_shows_person_fields(db, qtbot):
    dialog = _editor(qtbot)
    assert not dialog.person_box.isVisibleTo(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(domain.KIND_INDIVIDUAL))
    assert dialog.person_box.isVisibleTo(dialog)


def test_editor_item_models(demo_db, qtbot, qtmodeltester):
    dialog = _editor(qtbot, 2)
    qtmodeltester.check(dialog.indicators)
    qtmodeltester.check(dialog.status_tab.history)
    qtmodeltester.check(dialog.attachments.list_model)
    qtmodeltester.check(IndicatorTableModel())
