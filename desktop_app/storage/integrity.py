"""Checking a database file without writing to it: SQLite's own page check plus "is this ours".

Opened read-only through a ``file:`` URI, so checking a damaged or foreign file never changes it (opening it the
normal way would migrate it, or add our tables to someone else's database).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .migrations import latest_version

# The tables without which the file is not an office's data (core and appraisal).
REQUIRED_TABLES = ("mo_hinh", "unit", "setting", "score", "decision")


@dataclass
class CheckReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    version: int = 0
    # The pages themselves are bad (or the file is empty or not SQLite), as opposed to a file that is sound but
    # not ours or too new: only damage calls for a backup, and a damaged file must never be written.
    damaged: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def check_file(path: Path, *, full: bool = True) -> CheckReport:
    """``integrity_check`` (or the faster ``quick_check``), the schema version and our tables."""
    report = CheckReport(path)
    if not path.is_file():
        report.problems.append(f"Không có tệp «{path}».")
        return report
    if path.stat().st_size == 0:
        report.problems.append(f"Tệp «{path.name}» rỗng (0 byte).")
        report.damaged = True
        return report
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        report.problems.append(f"Không mở được tệp «{path.name}»: {exc}.")
        return report
    try:
        pragma = "integrity_check" if full else "quick_check"
        lines = [row[0] for row in conn.execute(f"PRAGMA {pragma}(20)")]
        if lines != ["ok"]:
            report.problems += [f"Tệp bị hỏng: {line}" for line in lines]
            report.damaged = True
            return report
        report.version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:  # "file is not a database", a damaged header
        report.problems.append(f"Tệp bị hỏng hoặc không phải tệp dữ liệu SQLite: {exc}.")
        report.damaged = True
        return report
    finally:
        conn.close()
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        report.problems.append("Không phải tệp dữ liệu của Sổ Dân vận khéo: thiếu bảng " + ", ".join(missing) + ".")
    if report.version > latest_version():
        report.problems.append(
            f"Tệp được tạo bởi phiên bản mới hơn (lược đồ {report.version}, chương trình này đọc tới "
            f"{latest_version()})."
        )
    return report
