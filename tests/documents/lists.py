"""A registration-like list of any length, for the tests that bound the work a long list costs."""

from __future__ import annotations

from desktop_app.documents.layout import Document
from desktop_app.office import OfficeInfo

HEADERS = ["STT", "Tên mô hình, điển hình", "Đơn vị / cá nhân thực hiện (địa chỉ)", "Lĩnh vực", "Cấp"]


def registration_like(count: int, *, hamlet: bool = False) -> Document:
    """``count`` models in groups of 25, a total row and the signature.

    Some names wrap to two lines, so rows are not all of one height; ``hamlet`` adds «& thôn N» to the address,
    text the markup parser has to see.
    """
    doc = Document(OfficeInfo.single(issuing_body="BAN DÂN VẬN", place_name="Lâm Hà"), wide=True)
    doc.header(year=2025)
    doc.doc_title("Danh sách", "mô hình, điển hình đăng ký năm 2025")
    rows: list[list[str]] = []
    groups: list[int] = []
    for number in range(count):
        if number % 25 == 0:
            groups.append(len(rows))
            rows.append([f"Nhóm {number // 25 + 1}"])
        name = f"Mô hình dân vận khéo số {number + 1}" + (" hỗ trợ sinh kế đồng bào vùng sâu" * (number % 3 == 0))
        address = f"Xã Liên Hà {number % 40}" + (f" & thôn {number % 7}" if hamlet else "")
        rows.append([str(number + 1), name, address, "Kinh tế", "Cơ sở"])
    total = len(rows)
    rows.append(["", f"Tổng cộng: {count} mô hình, điển hình", "", "", ""])
    doc.table(HEADERS, rows, [6, 40, 30, 14, 10], group_rows=groups, total_rows=[total])
    doc.signature(["Các đơn vị"])
    return doc
