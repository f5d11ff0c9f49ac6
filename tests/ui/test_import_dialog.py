"""Nhập từ Excel through the preview: fix a mapping, create a missing unit, import."""

from __future__ import annotations

from openpyxl import Workbook, load_workbook
from PySide6.QtCore import Qt

from desktop_app.services.models import ModelFilter, list_models
from desktop_app.services.units import find_unit
from ui.worker import wait_all


def unit_file(path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Xã Tân Hà"
    ws["A1"] = "ĐẢNG ỦY XÃ TÂN HÀ"
    ws.append([])
    ws.append(["STT", "Tên mô hình", "Đơn vị thực hiện", "Ngành"])  # "Ngành" is not a name the importer knows
    ws.append([1, "Dân vận khéo trong dồn điền đổi thửa", "Hội Nông dân xã Tân Hà", "Kinh tế"])
    ws.append([2, "Camera an ninh thôn", "Công an xã Tân Hà mới", "Quốc phòng - an ninh"])
    ws.append([3, "Thư viện thôn", "Hội Nông dân xã Tân Hà", "Thể thao"])
    wb.save(path)
    return path


def test_preview_fix_mapping_create_unit_and_import(window, qtbot, tmp_path, no_modal_messages):
    path = unit_file(tmp_path / "đăng ký xã Tân Hà.xlsx")
    window.set_year(2024)
    assert window.import_button.text() == "Nhập từ Excel…" and window.import_button.parent() is window.pages["models"]
    dialog = open_and_wait(window, qtbot, path)
    plan = dialog.plan
    assert plan is not None and all(r.status == "rejected" for r in plan.rows)  # no field column yet
    assert "Thiếu lĩnh vực" in dialog.rows_table.item(0, 7).text()
    # The clerk tells the dialog that "Ngành" is the field.
    row = next(r for r in range(dialog.mapping_table.rowCount()) if dialog.mapping_table.item(r, 1).text() == "Ngành")
    combo = dialog.mapping_table.cellWidget(row, 2)
    with qtbot.waitSignal(dialog.plan_ready, timeout=30000):
        combo.setCurrentIndex(combo.findData("field"))
    plan = dialog.plan
    assert [r.status for r in plan.rows] == ["ok", "ok", "rejected"]
    assert "«Thể thao» không có trong danh mục" in dialog.rows_table.item(2, 7).text()
    units = [dialog.units_list.item(i).text() for i in range(dialog.units_list.count())]
    assert set(units) == {"Hội Nông dân xã Tân Hà", "Công an xã Tân Hà mới"}
    # Create only one of the two new units.
    for i in range(dialog.units_list.count()):
        item = dialog.units_list.item(i)
        if item.text() == "Công an xã Tân Hà mới":
            item.setCheckState(Qt.CheckState.Unchecked)
    assert dialog.import_button.text() == "Nhập 1 mô hình, điển hình" and dialog.import_button.isEnabled()
    before = {r.id for r in list_models(ModelFilter(year=2024))}  # the demo has models of 2024 too
    with qtbot.waitSignal(dialog.imported, timeout=30000) as blocker:
        dialog.import_button.click()
    assert blocker.args == [1]
    wait_all()
    rows = [r for r in list_models(ModelFilter(year=2024)) if r.id not in before]
    assert [r.name for r in rows] == ["Dân vận khéo trong dồn điền đổi thửa"]
    assert rows[0].unit == "Hội Nông dân xã Tân Hà" and find_unit("Công an xã Tân Hà mới") is None
    assert ("info", "Đã nhập 1 mô hình, điển hình. Đã tạo 1 đơn vị mới.") in no_modal_messages
    # The mapping is remembered: the next file of the same layout needs no fixing.
    assert open_and_wait(window, qtbot, path).plan.sheets[0].mapping.get(3) == "field"


def open_and_wait(window, qtbot, path):
    """The plan arrives through the event loop, so waiting after opening cannot miss it."""
    dialog = window.open_import(path)
    with qtbot.waitSignal(dialog.plan_ready, timeout=30000):
        pass
    return dialog


def test_unreadable_file_changes_nothing(window, qtbot, tmp_path, no_modal_messages):
    bad = tmp_path / "cũ.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    before = len(list_models(ModelFilter()))
    dialog = window.open_import(bad)
    qtbot.waitUntil(lambda: any(kind == "error" for kind, _ in no_modal_messages), timeout=30000)
    message = next(text for kind, text in no_modal_messages if kind == "error")
    assert "Excel 97-2003" in message and "xlsx" in message
    assert not dialog.import_button.isEnabled() and len(list_models(ModelFilter())) == before


def test_import_button_opens_the_file_chooser(window, monkeypatch):
    """The button's click must not be mistaken for a file name."""
    from PySide6.QtWidgets import QFileDialog

    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: asked.append(a) or ("", ""))
    window.import_button.click()
    assert len(asked) == 1


def test_template_from_the_menu(window, qtbot, tmp_path, monkeypatch, no_modal_messages):
    from PySide6.QtWidgets import QFileDialog

    target = tmp_path / "mẫu.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    window.import_button.menu().actions()[0].trigger()
    qtbot.waitUntil(lambda: target.is_file(), timeout=30000)
    qtbot.waitUntil(lambda: ("saved", target) in no_modal_messages, timeout=30000)
    assert load_workbook(target).active["A2"].value.startswith("DANH SÁCH ĐĂNG KÝ") and len(no_modal_messages) == 1


def cut_texts(widget, qtbot) -> list[str]:
    """Texts cut in ``widget`` once its layouts have settled."""
    from ui.screenshots import clipped_texts

    try:
        qtbot.waitUntil(lambda: not clipped_texts(widget), timeout=5000)
    except qtbot.TimeoutError:
        pass
    return clipped_texts(widget)


def test_no_text_is_cut_in_the_dialog(window, qtbot, tmp_path, qapp_font):
    """At the usual font and at «make text bigger» (×1.5): headers, choices and check results stay whole."""
    from PySide6.QtGui import QFont

    from ui.importing import ImportDialog

    path = unit_file(tmp_path / "đăng ký.xlsx")
    window.show()
    dialog = open_and_wait(window, qtbot, path)
    qtbot.waitExposed(dialog)
    assert cut_texts(dialog, qtbot) == []
    normal = QFont(qapp_font.font())
    larger = QFont(normal)
    larger.setPointSizeF(normal.pointSizeF() * 1.5)
    qapp_font.setFont(larger)
    try:
        dialog = ImportDialog(window, 2024)
        with qtbot.waitSignal(dialog.plan_ready, timeout=30000):
            dialog.load(path)
        dialog.show()
        qtbot.waitExposed(dialog)
        assert cut_texts(dialog, qtbot) == []
        combo = dialog.mapping_table.cellWidget(0, 2)
        assert dialog.mapping_table.columnWidth(2) >= combo.sizeHint().width()  # «Loại (tập thể / cá nhân)» fits
    finally:
        qapp_font.setFont(normal)
