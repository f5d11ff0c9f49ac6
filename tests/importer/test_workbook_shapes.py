"""Workbooks shaped the way offices keep them: a sheet per field, headers over two or three merged rows,
results in numbers with their unit, a total row and a signature block under the table."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.importer import apply_plan, build_plan
from desktop_app.importer.amounts import AmountError, read_amount
from desktop_app.importer.layout import find_header, remember, remembered, target_choices, target_label
from desktop_app.services import catalogues
from desktop_app.services.models import get_model

MONEY = "Tiền, hiện vật vận động được"
HOUSEHOLDS = "Hộ được hỗ trợ, giúp đỡ"
PEOPLE = "Lượt người tham gia"
POOR = "Hộ thoát nghèo, cận nghèo"


def category_id(name: str) -> int:
    return next(c.id for c in catalogues.list_items("indicator_category") if c.name == name)


def two_row_sheet(ws: Worksheet, rows: list[list[object]], *, numbered: bool = False, title: str = "") -> None:
    """Title block, then «STT», «Tên mô hình», «Đơn vị thực hiện» merged down over two rows and
    «Kết quả đạt được» merged over its three sub-columns; a total row and a signature block under the list."""
    ws["A1"] = "UBND XÃ PHI TÔ"
    ws.merge_cells("A1:C1")
    ws["A2"] = title or "DANH SÁCH MÔ HÌNH DÂN VẬN KHÉO NĂM 2024"
    ws.merge_cells("A2:F2")
    ws["A4"], ws["B4"], ws["C4"], ws["D4"] = "STT", "Tên mô hình", "Đơn vị thực hiện", "Kết quả đạt được"
    for cells in ("A4:A5", "B4:B5", "C4:C5", "D4:F4"):
        ws.merge_cells(cells)
    ws["D5"], ws["E5"], ws["F5"] = "Kinh phí (triệu đồng)", "Số hộ", "Số người tham gia"
    if numbered:
        ws.append([1, 2, 3, 4, 5, 6])
    for row in rows:
        ws.append(row)
    ws.append(["", "Tổng cộng", "", 57.5, 27, 240])
    ws.append([])
    ws.append(["", "NGƯỜI LẬP BIỂU", "", "", "CHỦ TỊCH UBND XÃ"])
    ws.append(["", "(Ký, ghi rõ họ tên)", "", "", "(Ký, ghi rõ họ tên)"])
    ws.append([])
    ws.append(["", "Nguyễn Văn An", "", "", "Trần Thị Bình"])


def commune_workbook(path: Path) -> Path:
    """The commune's workbook of the issue: one sheet per field named only in the sheet name, 6 models."""
    wb = Workbook()
    kt = wb.active
    kt.title = "KT"
    two_row_sheet(
        kt,
        [
            [1, "Nuôi bò sinh sản", "Hội LHPN xã Phi Tô", "12,5 triệu", 15, "120"],  # 7
            [2, "Tổ vay vốn xoay vòng", "Hội Nông dân xã Phi Tô", 45, "", ""],  # 8
        ],
        numbered=True,
    )
    two_row_sheet(
        wb.create_sheet("VHXH"),
        [
            [1, "Thắp sáng đường quê", "Đoàn xã Phi Tô", "9.000.000 đồng", "", 300],  # 6
            [2, "Tủ sách cộng đồng", "Đoàn xã Phi Tô", "300.000.000", 4, ""],  # 7
        ],
    )
    two_row_sheet(wb.create_sheet("Quốc phòng an ninh"), [[1, "Camera an ninh thôn", "Công an xã", 40000000, 30, 60]])
    two_row_sheet(wb.create_sheet("XD HTCT"), [[1, "Dân hỏi, xã trả lời", "Đảng ủy xã Phi Tô", "1,2 tỷ", "", 500]])
    wb.save(path)
    return path


def test_the_commune_workbook_imports_all_six_rows(db, tmp_path):
    plan = build_plan(commune_workbook(tmp_path / "xã Phi Tô.xlsx"), year=2024)
    assert [(r.sheet, r.row, r.status) for r in plan.rows] == [
        ("KT", 7, "ok"),
        ("KT", 8, "ok"),
        ("VHXH", 6, "ok"),
        ("VHXH", 7, "ok"),
        ("Quốc phòng an ninh", 6, "ok"),
        ("XD HTCT", 6, "ok"),
    ]  # the total row, the signature block and the names under it are not models, nor refused
    assert plan.problems == []
    assert {r.sheet: (r.field, r.field_source) for r in plan.rows} == {
        "KT": ("Kinh tế", "sheet"),
        "VHXH": ("Văn hóa - xã hội", "sheet"),
        "Quốc phòng an ninh": ("Quốc phòng - an ninh", "sheet"),
        "XD HTCT": ("Xây dựng hệ thống chính trị", "sheet"),
    }
    kt = plan.sheets[0]
    assert kt.header_rows == (4, 5, 6) and kt.header_row == 4  # the column-number row is part of the header
    assert kt.names[:6] == [
        "STT",
        "Tên mô hình",
        "Đơn vị thực hiện",
        "Kết quả đạt được / Kinh phí (triệu đồng)",
        "Kết quả đạt được / Số hộ",
        "Kết quả đạt được / Số người tham gia",
    ]
    assert kt.mapping == {
        0: "stt",
        1: "name",
        2: "unit",
        3: f"indicator:{category_id(MONEY)}",
        4: f"indicator:{category_id(HOUSEHOLDS)}",
        5: f"indicator:{category_id(PEOPLE)}",
    }
    assert kt.field_source == "sheet" and kt.field_name == "Kinh tế" and kt.row_count == 2
    money = kt.indicators[3]
    assert (money.name, money.unit_of_measure, money.scale, money.category_name, money.column) == (
        "Kinh phí",
        "đồng",
        1e6,
        MONEY,
        "achieved",
    )
    assert (kt.indicators[4].name, kt.indicators[4].unit_of_measure) == ("Số hộ", "hộ")
    values = {
        r.name: sorted((i.name, i.category, i.unit_of_measure, i.target, i.achieved) for i in r.indicators)
        for r in plan.rows
    }
    assert values == {
        "Nuôi bò sinh sản": [
            ("Kinh phí", MONEY, "đồng", None, 12_500_000),
            ("Số hộ", HOUSEHOLDS, "hộ", None, 15),
            ("Số người tham gia", PEOPLE, "người", None, 120),
        ],
        "Tổ vay vốn xoay vòng": [("Kinh phí", MONEY, "đồng", None, 45_000_000)],  # 45 under «triệu đồng»
        "Thắp sáng đường quê": [
            ("Kinh phí", MONEY, "đồng", None, 9_000_000),  # the cell's «đồng» wins over the header's scale
            ("Số người tham gia", PEOPLE, "người", None, 300),
        ],
        "Tủ sách cộng đồng": [  # a bare 300.000.000 under «triệu đồng» was written in đồng
            ("Kinh phí", MONEY, "đồng", None, 300_000_000),
            ("Số hộ", HOUSEHOLDS, "hộ", None, 4),
        ],
        "Camera an ninh thôn": [
            ("Kinh phí", MONEY, "đồng", None, 40_000_000),
            ("Số hộ", HOUSEHOLDS, "hộ", None, 30),
            ("Số người tham gia", PEOPLE, "người", None, 60),
        ],
        "Dân hỏi, xã trả lời": [
            ("Kinh phí", MONEY, "đồng", None, 1_200_000_000),
            ("Số người tham gia", PEOPLE, "người", None, 500),
        ],
    }


def test_apply_creates_the_models_with_their_indicators(db, tmp_path):
    plan = build_plan(commune_workbook(tmp_path / "xã Phi Tô.xlsx"), year=2024)
    result = apply_plan(plan)
    assert result.imported == 6
    models = {m.row.name: m for m in (get_model(i) for i in result.model_ids)}
    camera = models["Camera an ninh thôn"]
    assert (camera.row.field, camera.row.unit, camera.row.year) == ("Quốc phòng - an ninh", "Công an xã", 2024)
    assert [(i.name, i.category_id, i.category, i.unit_of_measure, i.achieved) for i in camera.indicators] == [
        ("Kinh phí", category_id(MONEY), MONEY, "đồng", 40_000_000),
        ("Số hộ", category_id(HOUSEHOLDS), HOUSEHOLDS, "hộ", 30),
        ("Số người tham gia", category_id(PEOPLE), PEOPLE, "người", 60),
    ]
    assert [(i.name, i.achieved) for i in models["Tổ vay vốn xoay vòng"].indicators] == [("Kinh phí", 45_000_000)]


def test_a_bad_amount_refuses_its_row_with_sheet_row_and_column(db, tmp_path):
    wb = Workbook()
    wb.active.title = "KT"
    two_row_sheet(
        wb.active,
        [
            [1, "Nuôi bò sinh sản", "Hội LHPN xã Phi Tô", "khoảng 5 triệu?", 15, ""],  # 6
            [2, "Tổ vay vốn", "Hội LHPN xã Phi Tô", "", "-3", ""],  # 7
            [3, "Vườn rau", "Hội LHPN xã Phi Tô", "5", "", ""],  # 8
        ],
    )
    path = tmp_path / "sai số.xlsx"
    wb.save(path)
    plan = build_plan(path, year=2024)
    assert [(r.row, r.status) for r in plan.rows] == [(6, "rejected"), (7, "rejected"), (8, "ok")]
    bad = plan.rows[0].problems
    assert [(p.sheet, p.row, p.column) for p in bad] == [("KT", 6, "D")]
    assert "«khoảng 5 triệu?»" in bad[0].message and "Kinh phí" in bad[0].message
    assert [(p.row, p.column) for p in plan.rows[1].problems] == [(7, "E")]
    assert "số âm" in plan.rows[1].problems[0].message
    assert [(i.name, i.achieved) for i in plan.rows[2].indicators] == [("Kinh phí", 5_000_000)]


def test_the_field_named_only_in_the_title(db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["HỘI NÔNG DÂN XÃ PHI TÔ"])
    ws.append(["DANH SÁCH MÔ HÌNH LĨNH VỰC KINH TẾ"])
    ws.merge_cells("A2:D2")
    ws.append([])
    ws.append(["TT", "Tên mô hình", "Đơn vị", "Ghi chú"])  # 4
    ws.append([1, "Cánh đồng lớn", "Hội Nông dân xã Phi Tô", ""])  # 5
    ws.append(["I. VĂN HÓA - XÃ HỘI"])  # 6: a group heading wins over the title
    ws.append([2, "Sân chơi thiếu nhi", "Đoàn xã Phi Tô", ""])  # 7
    ws.append(["Ghi chú: số liệu tính đến hết tháng 6"])  # 8: a note under the table
    ws.append(["Phi Tô, ngày 15 tháng 6 năm 2024"])
    path = tmp_path / "tiêu đề.xlsx"
    wb.save(path)
    plan = build_plan(path, year=2024)
    assert [(r.row, r.field, r.field_source, r.status) for r in plan.rows] == [
        (5, "Kinh tế", "title", "ok"),
        (7, "Văn hóa - xã hội", "group", "ok"),
    ]
    sheet = plan.sheets[0]
    assert sheet.field_name == "Kinh tế" and sheet.field_source == "group" and sheet.indicators == {}


def test_a_field_column_wins_over_the_sheet_name(db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "KT"
    ws.append(["STT", "Tên mô hình", "Lĩnh vực", "Đơn vị"])
    ws.append([1, "Mô hình A", "Văn hóa - xã hội", "Xã A"])
    ws.append([2, "Mô hình B", "", "Xã A"])
    path = tmp_path / "cột lĩnh vực.xlsx"
    wb.save(path)
    plan = build_plan(path, year=2024)
    assert [(r.field, r.field_source) for r in plan.rows] == [("Văn hóa - xã hội", "column"), ("Kinh tế", "sheet")]
    assert plan.sheets[0].field_source == "column"


def test_a_three_row_header_with_planned_and_reached_columns(db, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    ws["A1"] = "DANH SÁCH ĐĂNG KÝ VÀ KẾT QUẢ"
    ws.merge_cells("A1:H1")
    ws["A3"], ws["B3"], ws["C3"], ws["D3"], ws["H3"] = "STT", "Tên mô hình", "Đơn vị", "Chỉ tiêu", "Lĩnh vực"
    ws["D4"], ws["F4"] = "Kinh phí (triệu đồng)", "Số hộ thoát nghèo"
    ws["D5"], ws["E5"], ws["F5"], ws["G5"] = "Kế hoạch", "Thực hiện", "Kế hoạch", "Thực hiện"
    for cells in ("A3:A5", "B3:B5", "C3:C5", "H3:H5", "D3:G3", "D4:E4", "F4:G4"):
        ws.merge_cells(cells)
    ws.append(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"])  # 6
    ws.append([1, "Nuôi bò", "Xã A", 50, "45", 10, 12, "Kinh tế"])  # 7
    ws.append([2, "Đọc sách", "Xã A", "", "", "", "", "Văn hóa - xã hội"])  # 8
    path = tmp_path / "ba dòng.xlsx"
    wb.save(path)
    plan = build_plan(path, year=2024)
    sheet = plan.sheets[0]
    assert sheet.header_rows == (3, 4, 5, 6)
    assert sheet.names[3:7] == [
        "Chỉ tiêu / Kinh phí (triệu đồng) / Kế hoạch",
        "Chỉ tiêu / Kinh phí (triệu đồng) / Thực hiện",
        "Chỉ tiêu / Số hộ thoát nghèo / Kế hoạch",
        "Chỉ tiêu / Số hộ thoát nghèo / Thực hiện",
    ]
    assert [sheet.indicators[i].column for i in range(3, 7)] == ["target", "achieved", "target", "achieved"]
    assert sheet.mapping[7] == "field" and sheet.mapping[5] == f"indicator:{category_id(POOR)}"
    assert [(r.row, r.status, r.field_source) for r in plan.rows] == [(7, "ok", "column"), (8, "ok", "column")]
    assert [(i.name, i.category, i.unit_of_measure, i.target, i.achieved) for i in plan.rows[0].indicators] == [
        ("Kinh phí", MONEY, "đồng", 50_000_000, 45_000_000),
        ("Số hộ thoát nghèo", POOR, "hộ", 10, 12),
    ]
    assert plan.rows[1].indicators == []


def test_a_hidden_sheet_is_imported_only_when_asked(db, tmp_path):
    wb = Workbook()
    wb.active.title = "KT"
    two_row_sheet(wb.active, [[1, "Nuôi bò sinh sản", "Hội LHPN xã Phi Tô", 12, 3, 20]])
    hidden = wb.create_sheet("VHXH")
    two_row_sheet(hidden, [[1, "Thắp sáng đường quê", "Đoàn xã Phi Tô", 9, "", 30]])
    hidden.sheet_state = "hidden"
    path = tmp_path / "ẩn.xlsx"
    wb.save(path)
    plan = build_plan(path, year=2024)
    assert [r.name for r in plan.rows] == ["Nuôi bò sinh sản"]
    assert plan.hidden_sheets == ["VHXH"] and [s.name for s in plan.sheets] == ["KT"]
    assert len(plan.warnings) == 1 and "«VHXH»" in plan.warnings[0]
    both = build_plan(path, year=2024, include_hidden=True)
    assert [(r.sheet, r.name, r.field) for r in both.rows] == [
        ("KT", "Nuôi bò sinh sản", "Kinh tế"),
        ("VHXH", "Thắp sáng đường quê", "Văn hóa - xã hội"),
    ]
    assert both.warnings == [] and both.hidden_sheets == ["VHXH"]
    assert [(s.name, s.hidden) for s in both.sheets] == [("KT", False), ("VHXH", True)]
    assert apply_plan(both).imported == 2


def test_headers_without_merged_ranges_are_grouped_by_what_lies_under_them(db):
    """A format that keeps no merged ranges: the group spans the blank cells right of it that have sub-headings."""
    rows: list[tuple[int, list[object]]] = [
        (1, ["DANH SÁCH MÔ HÌNH"]),
        (3, ["STT", "Tên mô hình", "Đơn vị", "Kết quả", None, "Ghi chú"]),
        (4, [None, None, None, "Giá trị (đồng)", "Tỷ lệ (%)", None]),
        (5, [1, "Nuôi bò", "Xã A", 1000, 50, ""]),
    ]
    block = find_header(rows)
    assert block is not None and (block.first, block.last, block.depth) == (1, 2, 2)
    assert block.names == ["STT", "Tên mô hình", "Đơn vị", "Kết quả / Giá trị (đồng)", "Kết quả / Tỷ lệ (%)", "Ghi chú"]
    value = next(c for c in catalogues.list_items("indicator_category") if c.name == "Giá trị công trình, phần việc")
    assert block.mapping == {0: "stt", 1: "name", 2: "unit", 3: f"indicator:{value.id}", 4: "indicator:", 5: "note"}
    # A first data row with no STT is not taken for a second header row: a name is written under «Tên mô hình».
    flat = find_header([(3, ["STT", "Tên mô hình", "Đơn vị"]), (4, [None, "Nuôi bò", "Xã A"])])
    assert flat is not None and flat.last == 0 and flat.names == ["STT", "Tên mô hình", "Đơn vị"]
    # Nor is a group heading under a one-row header.
    grouped = find_header([(3, ["STT", "Tên mô hình", "Đơn vị"]), (4, ["I. LĨNH VỰC KINH TẾ", None, None])])
    assert grouped is not None and grouped.last == 0


@pytest.mark.parametrize(
    "cell,scale,unit,amount",
    [
        (40000000, 1, "đồng", 40_000_000),
        ("9.000.000 đồng", 1e6, "đồng", 9_000_000),
        ("300.000.000", 1, "đồng", 300_000_000),
        ("12,5 triệu", 1, "đồng", 12_500_000),
        ("1,2 tỷ", 1e6, "đồng", 1_200_000_000),
        ("45", 1e6, "đồng", 45_000_000),
        (12.5, 1e6, "đồng", 12_500_000),
        ("15 hộ", 1, "hộ", 15),
        ("85%", 1, "%", 85),
        (0.85, 1, "%", 85),
        ("", 1e6, "đồng", None),
        (None, 1, "", None),
    ],
)
def test_amounts_as_offices_write_them(cell, scale, unit, amount):
    assert read_amount(cell, scale=scale, unit=unit) == amount


@pytest.mark.parametrize("cell", ["khoảng 5 triệu?", "chưa có", "5 con bò", True])
def test_what_is_not_an_amount(cell):
    with pytest.raises(AmountError):
        read_amount(cell, scale=1e6, unit="đồng")


def test_indicator_targets_are_offered_labelled_and_remembered(db):
    choices = dict(target_choices())
    money = category_id(MONEY)
    assert choices["name"] == "Tên mô hình, điển hình" and choices[""] == "(bỏ qua)"
    assert choices[f"indicator:{money}"] == f"Chỉ tiêu: {MONEY} (đồng)"
    assert choices["indicator:"] == "Chỉ tiêu khác (không cộng vào báo cáo)"
    assert target_label(f"indicator:{money}") == f"Chỉ tiêu: {MONEY} (đồng)"
    remember("chữ ký", {1: "name", 3: f"indicator:{money}", 4: "indicator:", 5: "không có"})
    assert remembered("chữ ký") == {1: "name", 3: f"indicator:{money}", 4: "indicator:"}


def test_a_mapping_chosen_by_the_user_decides_the_indicators(db, tmp_path):
    path = commune_workbook(tmp_path / "xã Phi Tô.xlsx")
    detected = build_plan(path, year=2024).sheets[0].mapping
    money = category_id(MONEY)
    chosen = {**detected, 3: "", 4: f"indicator:{money}", 5: "indicator:"}  # «Số hộ» counted as money: refused
    plan = build_plan(path, year=2024, mappings={"KT": chosen})
    kt = [r for r in plan.rows if r.sheet == "KT"]
    assert [(r.row, r.status) for r in kt] == [(7, "rejected"), (8, "ok")]
    assert [(p.row, p.column) for p in kt[0].problems] == [(7, "E")]
    assert "«hộ»" in kt[0].problems[0].message and MONEY in kt[0].problems[0].message
    assert kt[1].indicators == []  # its only number was in the column now left out
    other = plan.sheets[0].indicators[5]
    assert (other.category_id, other.name, other.unit_of_measure) == (None, "Số người tham gia", "người")
