"""The blank registration form the office hands to units: one row per model, drop-down lists, instructions."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..fileio import replacing
from ..services import catalogues
from ..services.settings import get_office
from ..spreadsheet import as_text

COLUMNS = (
    ("STT", 6),
    ("Tên mô hình, điển hình", 45),
    ("Loại (Tập thể / Cá nhân)", 14),
    ("Lĩnh vực", 24),
    ("Cấp", 18),
    ("Đơn vị thực hiện", 32),
    ("Địa bàn, địa chỉ cụ thể", 30),
    ("Người phụ trách", 22),
    ("Nội dung, cách làm", 40),
    ("Kết quả dự kiến / đạt được", 40),
    ("Ghi chú", 20),
)
HEADER_ROW = 5
ROWS = 300
FONT = "Times New Roman"
INSTRUCTIONS = (
    "HƯỚNG DẪN ĐIỀN MẪU ĐĂNG KÝ MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO”",
    "",
    "1. Mỗi dòng là một mô hình (tập thể) hoặc một điển hình (cá nhân). Không gộp nhiều mô hình vào một dòng.",
    "2. Cột «Tên mô hình, điển hình» và «Lĩnh vực» bắt buộc phải điền.",
    "3. «Loại»: chọn Tập thể (mô hình) hoặc Cá nhân (điển hình) trong danh sách; để trống được hiểu là Tập thể.",
    "4. «Lĩnh vực» và «Cấp»: chọn trong danh sách thả xuống, không tự gõ tên khác.",
    "5. «Đơn vị thực hiện»: ghi đầy đủ tên cơ quan, đơn vị (ví dụ: Hội Liên hiệp Phụ nữ xã Liên Hà).",
    "6. Với điển hình cá nhân, ghi họ và tên người thực hiện ở cột «Người phụ trách».",
    "7. Ghi rõ «địa chỉ cụ thể, người thật, việc thật»: thôn, xã; quy mô; kết quả bằng số liệu nếu có.",
    "8. Không thêm, xóa hoặc đổi tên các cột; không chèn dòng tổng cộng. Gõ chữ tiếng Việt bằng Unicode.",
    "9. Lưu tệp dạng Excel (.xlsx) và gửi về cơ quan tổng hợp.",
)


def write_template(target: Path | str) -> Path:
    office = get_office()
    workbook = Workbook()
    ws = workbook.active
    assert isinstance(ws, Worksheet)  # a new workbook always opens on one plain worksheet
    ws.title = "Đăng ký"
    last = get_column_letter(len(COLUMNS))
    ws["A1"] = office.name.upper() or "CƠ QUAN, ĐƠN VỊ"
    as_text(ws["A1"])
    ws["A1"].font = Font(name=FONT, size=12, bold=True)
    ws["A2"] = "DANH SÁCH ĐĂNG KÝ MÔ HÌNH, ĐIỂN HÌNH “DÂN VẬN KHÉO”"
    ws["A3"] = "Đơn vị đăng ký: ..........................................   Năm: ..........."
    ws.merge_cells(f"A2:{last}2")
    ws.merge_cells(f"A3:{last}3")
    ws["A2"].font = Font(name=FONT, size=14, bold=True)
    ws["A3"].font = Font(name=FONT, size=12, italic=True)
    for cell in (ws["A2"], ws["A3"]):
        cell.alignment = Alignment(horizontal="center")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for index, (title, width) in enumerate(COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, index, title)
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.border = border
        ws.column_dimensions[get_column_letter(index)].width = width
    for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + ROWS):
        for col in range(1, len(COLUMNS) + 1):
            cell = ws.cell(row, col)
            cell.border = border
            cell.font = Font(name=FONT, size=12)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 3).coordinate
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    lists = workbook.create_sheet("Danh mục")
    values = {
        "A": ["Tập thể", "Cá nhân"],
        "B": [f.name for f in catalogues.list_items("field")],
        "C": [lv.name for lv in catalogues.list_items("level")],
    }
    for column, items in values.items():
        for row, item in enumerate(items, start=1):
            lists[f"{column}{row}"] = item
            as_text(lists[f"{column}{row}"])
    lists.sheet_state = "hidden"
    first, end = HEADER_ROW + 1, HEADER_ROW + ROWS
    for column, source, title in (("C", "A", "Loại"), ("D", "B", "Lĩnh vực"), ("E", "C", "Cấp")):
        count = max(1, len(values[source]))
        validation = DataValidation(
            type="list",
            formula1=f"='Danh mục'!${source}$1:${source}${count}",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Giá trị không hợp lệ",
            error=f"Hãy chọn {title.lower()} trong danh sách thả xuống.",
            promptTitle=title,
            prompt=f"Chọn {title.lower()} trong danh sách",
        )
        validation.add(f"{column}{first}:{column}{end}")
        ws.add_data_validation(validation)

    guide = workbook.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 110
    for row, text in enumerate(INSTRUCTIONS, start=1):
        cell = guide.cell(row, 1, text)
        cell.font = Font(name=FONT, size=13, bold=row == 1)
        cell.alignment = Alignment(wrap_text=True)
    with replacing(target) as partial:
        workbook.save(partial)
    return Path(target)
