"""``check``: a sound database passes; a damaged page, a foreign or empty file fail; nothing is written."""

import sqlite3
import subprocess
import sys
from pathlib import Path

from desktop_app.storage.integrity import check_file

ROOT = Path(__file__).resolve().parents[2]


def run_check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(path), "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_sound_database_passes(demo_db):
    demo_db.close()
    result = run_check(demo_db.path)
    assert result.returncode == 0, result.stderr
    assert "không có lỗi" in result.stdout


def test_a_damaged_page_fails_and_the_file_is_not_touched(demo_db, tmp_path):
    path = demo_db.path
    demo_db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'mo_hinh'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start + 8 : start + page_size] = b"\xa5" * (page_size - 8)  # the table's first page, past its header byte
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    result = run_check(path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Tệp bị hỏng" in result.stderr and "phục hồi" in result.stderr
    assert path.read_bytes() == before  # checking never writes


def test_foreign_empty_and_missing_files_are_refused(tmp_path):
    foreign = tmp_path / "khác.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE ghi_chu (x)")
    conn.commit()
    conn.close()
    assert "thiếu bảng" in check_file(foreign).problems[0]
    assert [t for (t,) in sqlite3.connect(foreign).execute("SELECT name FROM sqlite_master")] == ["ghi_chu"]
    empty = tmp_path / "rỗng.db"
    empty.write_bytes(b"")
    assert "rỗng" in check_file(empty).problems[0]
    assert not empty.read_bytes()  # not re-initialised
    assert "Không có tệp" in check_file(tmp_path / "không có.db").problems[0]
    text = tmp_path / "văn bản.db"
    text.write_text("không phải SQLite " * 200)
    assert not check_file(text).ok
