"""The preview of a workbook with one sheet per field: tabs, per-sheet mapping, indicators and a hidden sheet."""

from __future__ import annotations

from openpyxl import Workbook

from desktop_app.services.models import ModelFilter, get_model, list_models
from ui.worker import wait_all

HEADER_TOP = ["STT", "Tên mô hình", "Đơn vị thực hiện", "Kết quả đạt được", None]
HEADER_SUB = [None, None, None, "Kinh phí (triệu đồng)", "Số hộ"]


def _sheet(wb: Workbook, title: str, rows: list[list[object]], *, first: bool = False):
    """A unit's list: title block, a two-row header (a merged «Kết quả đạt được» group), a total, signatures."""
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws["A1"] = "ĐẢNG ỦY XÃ TÂN HÀ"
    ws["A2"] = "DANH SÁCH MÔ HÌNH DÂN VẬN KHÉO NĂM 2024"
    ws.append([])
    ws.append(HEADER_TOP)  # row 4
    ws.append(HEADER_SUB)  # row 5
    for cells in ("A4:A5", "B4:B5", "C4:C5", "D4:E4"):
        ws.merge_cells(cells)
    for row in rows:
        ws.append(row)
    ws.append(["", "Tổng cộng", "", sum(r[3] for r in rows), sum(r[4] for r in rows)])
    ws.append([])
    ws.append(["", "", "NGƯỜI LẬP BIỂU"])
    ws.append(["", "", "Nguyễn Thị Hoa"])
    return ws


def workbook(path):
    wb = Workbook()
    _sheet(
        wb,
        "KT",
        [
            [1, "Đường hoa nông thôn mới", "Hội Nông dân xã Tân Hà", 12.5, 40],
            [2, "Tổ vay vốn xoay vòng", "Hội Liên hiệp Phụ nữ xã Tân Hà", 45, 12],
        ],
        first=True,
    )
    _sheet(wb, "VHXH", [[1, "Tủ sách thôn", "Đoàn Thanh niên xã Tân Hà", 3, 25]])
    hidden = _sheet(wb, "QP-AN", [[1, "Camera an ninh thôn", "Công an xã Tân Hà", 20, 100]])
    hidden.sheet_state = "hidden"
    wb.save(path)
    return path


def combo_of(table, header: str):
    row = next(r for r in range(table.rowCount()) if table.item(r, 1).text().endswith(header))
    return table.cellWidget(row, 2), table.item(row, 3).text()


def row_texts(dialog, column: int) -> list[str]:
    return [dialog.rows_table.item(r, column).text() for r in range(dialog.rows_table.rowCount())]


def test_multisheet_preview(window, qtbot, tmp_path, no_modal_messages):
    from ui.importing import INDICATORS_COLUMN, PROBLEMS_COLUMN, STATUS_COLUMN

    path = workbook(tmp_path / "đăng ký xã Tân Hà.xlsx")
    window.set_year(2024)
    dialog = window.open_import(path)
    with qtbot.waitSignal(dialog.plan_ready, timeout=30000):
        pass

    # One tab per visible sheet with its row count; the hidden one is offered, unticked.
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["KT (2 dòng)", "VHXH (1 dòng)"]
    assert dialog.hidden_box.isVisibleTo(dialog) and not dialog.hidden_box.isChecked()
    assert dialog.hidden_box.text() == "Nhập cả trang đang ẩn: «QP-AN»"

    fields = {"KT": "Kinh tế", "VHXH": "Văn hóa - xã hội"}
    for index, (sheet, field) in enumerate(fields.items()):
        dialog.tabs.setCurrentIndex(index)
        page = dialog.tabs.currentWidget()
        assert dialog.mapping_table is page.table
        assert page.note.text() == (f"Tiêu đề cột ở dòng 4–5. Lĩnh vực: {field} (theo tên trang «{sheet}»)."), sheet
        names = [page.table.item(r, 1).text() for r in range(page.table.rowCount())]
        assert "Kết quả đạt được /\nKinh phí (triệu đồng)" in names and "Tên mô hình" in names
        money, note = combo_of(page.table, "Kinh phí (triệu đồng)")
        assert money.currentData().startswith("indicator:") and money.currentData() != "indicator:"
        assert money.currentText().startswith("Chỉ tiêu: ") and money.currentText().endswith("(đồng)")
        assert note == "triệu đồng → đồng, đạt được"
        households, note = combo_of(page.table, "Số hộ")
        assert households.currentText().startswith("Chỉ tiêu: ") and households.currentText().endswith("(hộ)")
        assert note == "hộ, đạt được"

    # The rows: signatures and totals are not rows; the numbers are read in the stored unit.
    assert row_texts(dialog, 2) == ["Đường hoa nông thôn mới", "Tổ vay vốn xoay vòng", "Tủ sách thôn"]
    assert row_texts(dialog, STATUS_COLUMN) == ["Sẽ nhập"] * 3, row_texts(dialog, PROBLEMS_COLUMN)
    assert not dialog.rows_table.isColumnHidden(INDICATORS_COLUMN)
    assert row_texts(dialog, INDICATORS_COLUMN)[0] == "Kinh phí: 12.500.000 đồng; Số hộ: 40 hộ"
    assert row_texts(dialog, 3) == ["Kinh tế", "Kinh tế", "Văn hóa - xã hội"]
    assert dialog.rows_table.item(0, 3).toolTip() == "Lĩnh vực lấy từ tên trang «KT»."

    # In the second sheet only, the money is kept on the model but added to no report total.
    dialog.tabs.setCurrentIndex(1)
    money, _ = combo_of(dialog.mapping_table, "Kinh phí (triệu đồng)")
    with qtbot.waitSignal(dialog.plan_ready, timeout=30000):
        money.setCurrentIndex(money.findData("indicator:"))
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "VHXH (1 dòng)"  # the same tab stays open
    money, _ = combo_of(dialog.mapping_table, "Kinh phí (triệu đồng)")
    assert money.currentText() == "Chỉ tiêu khác (không cộng vào báo cáo)"
    by_name = {row.name: row for row in dialog.plan.rows}
    assert [i.category_id for i in by_name["Tủ sách thôn"].indicators if i.name == "Kinh phí"] == [None]
    assert all(i.category_id for i in by_name["Đường hoa nông thôn mới"].indicators)

    # The hidden sheet, once ticked, is planned like the others; the mapping changed above is kept.
    with qtbot.waitSignal(dialog.plan_ready, timeout=30000):
        dialog.hidden_box.setChecked(True)
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs == ["KT (2 dòng)", "VHXH (1 dòng)", "QP-AN (1 dòng, trang ẩn)"]
    assert dialog.hidden_box.isVisibleTo(dialog) and dialog.hidden_box.isChecked()
    names = row_texts(dialog, 2)
    assert "Camera an ninh thôn" in names
    assert dialog.rows_table.item(names.index("Camera an ninh thôn"), 3).text() == "Quốc phòng - an ninh"
    assert dialog.page("VHXH").table is not None
    money, _ = combo_of(dialog.page("VHXH").table, "Kinh phí (triệu đồng)")
    assert money.currentData() == "indicator:"
    assert dialog.import_button.text() == "Nhập 4 mô hình, điển hình"

    before = {row.id for row in list_models(ModelFilter(year=2024))}
    with qtbot.waitSignal(dialog.imported, timeout=30000) as blocker:
        dialog.import_button.click()
    assert blocker.args == [4]
    wait_all()
    models = {row.name: row for row in list_models(ModelFilter(year=2024)) if row.id not in before}
    assert set(models) == {"Đường hoa nông thôn mới", "Tổ vay vốn xoay vòng", "Tủ sách thôn", "Camera an ninh thôn"}
    assert {name: row.field for name, row in models.items()} == {
        "Đường hoa nông thôn mới": "Kinh tế",
        "Tổ vay vốn xoay vòng": "Kinh tế",
        "Tủ sách thôn": "Văn hóa - xã hội",
        "Camera an ninh thôn": "Quốc phòng - an ninh",
    }

    def indicators(name: str) -> dict[str, tuple[float | None, str, bool]]:
        found = get_model(models[name].id).indicators
        return {i.name: (i.achieved, i.unit_of_measure, bool(i.category)) for i in found}

    assert indicators("Đường hoa nông thôn mới") == {
        "Kinh phí": (12_500_000, "đồng", True),
        "Số hộ": (40, "hộ", True),
    }
    assert indicators("Tổ vay vốn xoay vòng")["Kinh phí"] == (45_000_000, "đồng", True)
    assert indicators("Tủ sách thôn") == {"Kinh phí": (3_000_000, "đồng", False), "Số hộ": (25, "hộ", True)}
    assert indicators("Camera an ninh thôn")["Kinh phí"] == (20_000_000, "đồng", True)
    assert ("info", "Đã nhập 4 mô hình, điển hình. Đã tạo 3 đơn vị mới.") in no_modal_messages


def cut_texts(widget, qtbot) -> list[str]:
    """Texts cut in ``widget`` once its layouts have settled."""
    from ui.screenshots import clipped_texts

    try:
        qtbot.waitUntil(lambda: not clipped_texts(widget), timeout=5000)
    except qtbot.TimeoutError:
        pass
    return clipped_texts(widget)


def test_no_text_is_cut_in_the_sheet_tabs(window, qtbot, tmp_path, qapp_font):
    """Compound headers, indicator choices and notes stay whole, at the usual font and at ×1.5."""
    from PySide6.QtGui import QFont

    from ui.importing import ImportDialog

    path = workbook(tmp_path / "đăng ký.xlsx")
    window.show()
    normal = QFont(qapp_font.font())
    for scale in (1.0, 1.5):
        font = QFont(normal)
        font.setPointSizeF(normal.pointSizeF() * scale)
        qapp_font.setFont(font)
        try:
            dialog = ImportDialog(window, 2024)
            with qtbot.waitSignal(dialog.plan_ready, timeout=30000):
                dialog.load(path)
            dialog.show()
            qtbot.waitExposed(dialog)
            for index in range(dialog.tabs.count()):
                dialog.tabs.setCurrentIndex(index)
                assert cut_texts(dialog, qtbot) == [], (scale, dialog.tabs.tabText(index))
        finally:
            qapp_font.setFont(normal)


def test_what_the_preview_says_it_understood():
    """The per-sheet line, the indicator note and the row summary, for each source the core reports."""
    from desktop_app.importer.plan import IndicatorColumn, SheetLayout
    from desktop_app.services.models import IndicatorData
    from ui.importing import field_source_text, header_rows_text, indicator_note, indicators_text

    sheet = SheetLayout("Phụ nữ", 5, ["STT", "Tên", "Lĩnh vực"], {1: "name", 2: "field"}, "x", header_rows=(4, 5))
    assert header_rows_text(sheet) == "Tiêu đề cột ở dòng 4–5"
    sheet.header_rows = (5,)
    assert header_rows_text(sheet) == "Tiêu đề cột ở dòng 5"
    sheet.field_source = "column"
    assert field_source_text(sheet) == "Lĩnh vực: theo cột Lĩnh vực (cột C)"
    sheet.field_source = "group"
    assert field_source_text(sheet).startswith("Lĩnh vực: theo dòng nhóm")
    sheet.field_source, sheet.field_name = "title", "Kinh tế"
    assert field_source_text(sheet) == "Lĩnh vực: Kinh tế (theo tiêu đề phía trên bảng)"
    sheet.field_source, sheet.field_name = "", ""
    assert field_source_text(sheet) == "Lĩnh vực: chưa xác định — chọn cột Lĩnh vực hoặc đổi tên trang"

    money = IndicatorColumn(3, "Kinh phí", "đồng", 1e9, 1, "Tiền", "target")
    assert indicator_note(money) == "tỷ đồng → đồng, kế hoạch"
    assert indicator_note(IndicatorColumn(4, "Tỷ lệ", "%", 1, None, "", "achieved")) == "%, đạt được"
    assert (
        indicators_text(
            [
                IndicatorData("Kinh phí", "đồng", target=10_000_000, achieved=12_500_000.5),
                IndicatorData("Số hộ", "hộ", achieved=40),
                IndicatorData("Ghi nhận", ""),  # nothing read: not shown
            ]
        )
        == "Kinh phí: kế hoạch 10.000.000 đồng, đạt 12.500.000,5 đồng; Số hộ: 40 hộ"
    )
