"""Opening a workbook sent by a unit: refuse clearly what cannot be read, then give plain cell values."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import AppError

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class SheetData:
    name: str
    rows: list[tuple[int, list[object]]]  # (row number as Excel shows it, values)


def _refuse(path: Path, reason: str) -> AppError:
    return AppError(f"Không đọc được tệp «{path.name}»: {reason}")


def check_file(path: Path) -> None:
    """Refuse, before opening, a file that is missing, huge, old Excel, encrypted or not Excel at all."""
    if not path.is_file():
        raise _refuse(path, "không tìm thấy tệp.")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(path, "tệp rỗng (0 byte).")
    if size > MAX_BYTES:
        raise _refuse(
            path,
            f"tệp quá lớn ({size // (1024 * 1024)} MB, tối đa {MAX_BYTES // (1024 * 1024)} MB). "
            "Hãy chia nhỏ tệp hoặc xóa các trang không cần thiết.",
        )
    with path.open("rb") as fh:
        head = fh.read(8)
        if head == CFB_MAGIC:
            fh.seek(0)
            blob = fh.read(min(size, 4 * 1024 * 1024))
            if "EncryptionInfo".encode("utf-16-le") in blob or "EncryptedPackage".encode("utf-16-le") in blob:
                raise _refuse(
                    path,
                    "tệp đang được đặt mật khẩu. Hãy mở bằng Excel, gỡ mật khẩu (Tệp › Thông tin › "
                    "Bảo vệ sổ làm việc) rồi lưu lại và nhập lại.",
                )
            raise _refuse(
                path,
                "đây là tệp Excel 97-2003 (.xls). Hãy mở bằng Excel, chọn Lưu thành (Save As) › "
                "«Excel Workbook (*.xlsx)» rồi nhập tệp .xlsx đó.",
            )
    if head[:4] != b"PK\x03\x04":
        raise _refuse(path, "đây không phải tệp Excel (.xlsx). Hãy chọn đúng tệp đăng ký dạng Excel.")


def read_sheets(path: Path | str) -> list[SheetData]:
    """The visible worksheets' non-empty rows, values as Excel computed them."""
    path = Path(path)
    check_file(path)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise _refuse(
            path, "tệp bị hỏng hoặc không phải sổ tính Excel hợp lệ. Hãy mở thử bằng Excel, lưu lại rồi nhập lại."
        ) from exc
    except Exception as exc:
        raise _refuse(
            path, f"tệp bị hỏng ({type(exc).__name__}). Hãy mở thử bằng Excel, lưu lại rồi nhập lại."
        ) from exc
    sheets: list[SheetData] = []
    total = 0
    try:
        for ws in workbook.worksheets:
            if getattr(ws, "sheet_state", "visible") != "visible":
                continue
            rows: list[tuple[int, list[object]]] = []
            for number, values in _rows(ws):
                total += 1
                if total > MAX_ROWS:
                    raise _refuse(
                        path,
                        f"tệp có quá nhiều dòng (hơn {MAX_ROWS:,}).".replace(",", ".")
                        + " Hãy chỉ để lại danh sách đăng ký.",
                    )
                rows.append((number, values))
            sheets.append(SheetData(ws.title, rows))
    except AppError:
        raise
    except Exception as exc:
        raise _refuse(
            path, f"tệp bị hỏng ({type(exc).__name__}). Hãy mở thử bằng Excel, lưu lại rồi nhập lại."
        ) from exc
    finally:
        workbook.close()
    if not any(sheet.rows for sheet in sheets):
        raise _refuse(path, "tệp không có dữ liệu (các trang đều trống).")
    return sheets


def _rows(ws: Any) -> Iterator[tuple[int, list[object]]]:  # any openpyxl sheet kind, read-only ones too
    for row in ws.iter_rows():
        values = [getattr(cell, "value", None) for cell in row]
        if any(v not in (None, "") for v in values):
            number = next((c.row for c in row if hasattr(c, "row") and c.row), None)
            if number is not None:
                yield number, values
