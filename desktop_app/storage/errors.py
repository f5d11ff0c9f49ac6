"""Known storage failures, each with a Vietnamese message; anything else is a bug."""

from __future__ import annotations

import sqlite3

import peewee as pw

from ..errors import AppError


class StorageError(AppError):
    """The database file cannot be used as asked (locked, read-only, full, damaged...)."""


class DatabaseTooNew(StorageError):
    pass


class DatabaseLocked(StorageError):
    pass


class DatabaseReadOnly(StorageError):
    pass


class DiskFull(StorageError):
    pass


class DatabaseCorrupt(StorageError):
    pass


def translate(exc: BaseException, path: str = "") -> StorageError | None:
    """Map a sqlite/peewee error to a known error, or None when it is a bug."""
    if not isinstance(exc, (sqlite3.Error, pw.DatabaseError, pw.OperationalError)):
        return None
    text = str(exc).lower()
    where = f" «{path}»" if path else ""
    if "locked" in text or "busy" in text:
        return DatabaseLocked(
            f"Tệp dữ liệu{where} đang được chương trình khác sử dụng. Hãy đóng chương trình đó rồi thử lại."
        )
    if "readonly" in text or "read-only" in text or "attempt to write" in text:
        return DatabaseReadOnly(
            f"Không ghi được vào tệp dữ liệu{where}: tệp hoặc thư mục chỉ cho phép đọc. "
            "Hãy chép tệp sang thư mục khác hoặc kiểm tra quyền ghi."
        )
    if "disk is full" in text or ("full" in text and "database" in text):
        return DiskFull(f"Ổ đĩa đã đầy, không ghi được tệp dữ liệu{where}. Hãy giải phóng dung lượng rồi thử lại.")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return DatabaseCorrupt(
            f"Tệp dữ liệu{where} bị hỏng hoặc không phải tệp của chương trình. Hãy khôi phục từ bản sao lưu."
        )
    if "unable to open" in text:
        return StorageError(f"Không mở được tệp dữ liệu{where}. Hãy kiểm tra đường dẫn và quyền truy cập.")
    return None
