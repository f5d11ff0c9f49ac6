from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook


def messy_workbook(path: Path) -> Path:
    """A unit's own layout: title block with merged cells, caps and NFD headers, groups, blanks, totals."""
    wb = Workbook()
    ws = wb.active
    ws.title = "DS đăng ký"
    ws["A1"] = "HỘI LIÊN HIỆP PHỤ NỮ HUYỆN LÂM HÀ"
    ws.merge_cells("A1:C1")
    ws["A3"] = "DANH SÁCH ĐĂNG KÝ MÔ HÌNH DÂN VẬN KHÉO NĂM 2024"
    ws.merge_cells("A3:F3")
    ws.append([])
    ws.append(
        [
            "TT",
            unicodedata.normalize("NFD", "TÊN MÔ HÌNH, ĐIỂN HÌNH"),
            "Đơn vị đăng ký",
            "LĨNH VỰC",
            "Địa bàn",
            "Kết quả",
        ]
    )  # row 5
    ws.append(["I. LĨNH VỰC KINH TẾ"])  # 6: group
    # 7: the field comes from the group heading above
    ws.append(
        [1, "Nuôi bò sinh sản giúp hội viên thoát nghèo", "Hội LHPN xã Phi Tô", "", "xã Phi Tô", "12 hộ thoát nghèo"]
    )
    ws.append(
        [
            2,
            unicodedata.normalize("NFD", "Tổ vay vốn xoay vòng"),
            "Hội Liên hiệp Phụ nữ huyện Lâm Hà",
            "KINH TẾ",
            "",
            "88 triệu đồng",
        ]
    )  # 8
    ws.append([])  # 9: blank
    ws.append(["", "Cộng", "", "", "", ""])  # 10: subtotal
    ws.append(["II. VĂN HOÁ - XÃ HỘI"])  # 11
    ws.append([3, "Thắp sáng đường quê", "Hội LHPN xã Phi Tô", "Văn hoá – Xã hội", "", ""])  # 12: hoá, dash
    ws.append([4, "", "Hội LHPN xã Phi Tô", "Văn hóa - xã hội", "", ""])  # 13: no name
    ws.append([5, "Mô hình lạ", "Hội LHPN xã Phi Tô", "Thể thao", "", ""])  # 14: bad field
    ws.append([6, "V¨n hãa ®äc s¸ch", "Hội LHPN xã Phi Tô", "V¨n hãa - x· héi", "", ""])  # 15: TCVN3
    ws.append([7, "Thắp sáng đường quê", "Hội LHPN xã Phi Tô", "Văn hóa - xã hội", "", ""])  # 16: dup in file
    ws.append(["", "Tổng cộng: 7 mô hình", "", "", "", ""])  # 17
    wb.save(path)
    return path


@pytest.fixture
def messy(tmp_path) -> Path:
    return messy_workbook(tmp_path / "đăng ký phụ nữ.xlsx")
