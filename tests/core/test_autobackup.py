"""Automatic backups: names, retention over a year (an injected clock), the list, the newest good one, the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from desktop_app import workspace
from desktop_app.services import autobackup
from desktop_app.storage.database import Database

ROOT = Path(__file__).resolve().parents[2]
NOON = datetime(2025, 3, 14, 12, 0, 0)


def damage_a_page(database: Database, table: str = "unit") -> Path:
    """Close the database and overwrite the start of a table's root page (not the header): a file SQLite still
    opens, whose damage only a check (or a read of that table) finds."""
    path = database.path
    page = database.db.execute_sql("PRAGMA page_size").fetchone()[0]
    root = database.db.execute_sql("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    database.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page : (root - 1) * page + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fake(folder: Path, moment: datetime, reason: str = "dong") -> Path:
    path = folder / f"tu-dong-{moment:%Y%m%d-%H%M%S}-{reason}.zip"
    path.write_bytes(b"")
    return path


# ----------------------------------------------------------------- retention


def test_retention_over_a_year_keeps_ten_days_and_twelve_months(tmp_path):
    folder = tmp_path / "sao-luu"
    folder.mkdir()
    manual = folder / "sao-luu-dan-van-kheo-20250101-0900.zip"
    manual.write_bytes(b"")
    day = date(2025, 1, 1)
    while day <= date(2025, 12, 31):  # open every day: a daily backup in the morning, one on close
        for hour, reason in ((8, "hang-ngay"), (17, "dong")):
            moment = datetime(day.year, day.month, day.day, hour, 30)
            fake(folder, moment, reason)
            autobackup.prune(moment, folder)
        day += timedelta(days=1)

    kept = sorted(p.name for p in folder.iterdir())
    daily = [f"tu-dong-202512{d:02d}-173000-dong.zip" for d in range(22, 32)]
    month_ends = [date(2025, m + 1, 1) - timedelta(days=1) for m in range(1, 12)]  # Jan..Nov
    monthly = [f"tu-dong-{d:%Y%m%d}-173000-dong.zip" for d in month_ends]
    assert kept == sorted([manual.name, *daily, *monthly])

    # Two weeks into the next year: January 2025 is the thirteenth month and goes.
    for offset in range(1, 15):
        moment = datetime(2026, 1, offset, 17, 30)
        fake(folder, moment)
        autobackup.prune(moment, folder)
    names = {p.name for p in folder.iterdir()}
    assert "tu-dong-20250131-173000-dong.zip" not in names
    assert "tu-dong-20250228-173000-dong.zip" in names and manual.name in names
    assert len([n for n in names if n.startswith("tu-dong-2026")]) == 10


def test_a_long_pause_never_costs_the_last_ten_days_and_a_set_back_clock_deletes_nothing_newer(tmp_path):
    folder = tmp_path / "sao-luu"
    folder.mkdir()
    for offset in range(12):
        fake(folder, datetime(2025, 1, 1, 17) + timedelta(days=offset))
    future = fake(folder, datetime(2025, 6, 1, 9))
    # Opened again two months later, with the clock wrong by a few months: still ten days (+ the month's newest).
    autobackup.prune(datetime(2025, 3, 1, 9), folder)
    names = sorted(p.name for p in folder.iterdir())
    assert future.name in names
    assert names[0] == "tu-dong-20250103-170000-dong.zip" and len(names) == 11


# ----------------------------------------------------------------- making, listing, due


def test_make_automatic_names_checks_lists_and_trims(demo_db):
    folder = demo_db.path.parent / "sao-luu"
    earlier = autobackup.make_automatic("dong", now=NOON - timedelta(hours=3))
    path = autobackup.make_automatic("nhap", now=NOON)
    assert path == folder / "tu-dong-20250314-120000-nhap.zip"
    assert earlier is not None and not earlier.exists()  # trimmed at once: a day keeps its newest
    same_second = autobackup.make_automatic("nhap", now=NOON)
    assert same_second is not None and same_second.name == "tu-dong-20250314-120000-nhap-2.zip"
    assert not path.exists()  # the second of the same second is the newer one
    entries = autobackup.list_backups()
    assert [e.path.name for e in entries] == [same_second.name]
    entry = entries[0]
    assert entry.reason_label == "Trước khi nhập từ Excel" and entry.automatic
    assert entry.models == 34 and entry.models_by_year == {2023: 34}
    assert entry.when_text == "14/03/2025 12:00" and entry.size_text.endswith(("KB", "MB"))
    assert entry.size == same_second.stat().st_size


def test_daily_is_due_once_per_day(db):
    assert autobackup.due_daily(NOON)
    outcome = autobackup.daily(now=NOON)
    assert outcome is not None and outcome.path is not None and not outcome.warning
    assert not autobackup.due_daily(NOON.replace(hour=23, minute=59))
    assert autobackup.daily(now=NOON.replace(hour=18)) is None
    assert autobackup.due_daily(NOON + timedelta(days=1))


def test_the_demo_is_never_backed_up(db):
    workspace.switch_to_demo(db.path)
    assert autobackup.make_automatic("dong", now=NOON) is None
    assert not autobackup.due_daily(NOON)
    assert not (db.path.parent / "sao-luu").exists()


def test_a_missing_chosen_folder_falls_back_with_a_warning(db, tmp_path):
    usb = tmp_path / "USB"
    assert autobackup.set_folder(usb) == usb.resolve()
    first = autobackup.try_automatic("dong", now=NOON)
    assert first.path is not None and first.path.parent == usb.resolve() and not first.warning
    usb.joinpath(first.path.name).unlink()
    usb.rmdir()  # the stick is left at home
    second = autobackup.try_automatic("dong", now=NOON + timedelta(days=1))
    assert second.path is not None and second.path.parent == db.path.parent / "sao-luu"
    assert "Không thấy thư mục sao lưu" in second.warning and str(usb.resolve()) in second.warning
    assert autobackup.folders_for(db.path) == [usb.resolve(), db.path.parent / "sao-luu"]


def test_a_read_only_folder_is_refused(db, tmp_path):
    blocked = tmp_path / "tệp thường"
    blocked.write_text("x")
    with pytest.raises(autobackup.AppError, match="Không ghi được vào thư mục"):
        autobackup.set_folder(blocked)


def test_newest_good_backup_skips_damaged_and_foreign_zips(db):
    old = autobackup.make_automatic("dong", now=NOON - timedelta(days=2))
    newer = autobackup.make_automatic("dong", now=NOON - timedelta(days=1))
    assert old is not None and newer is not None
    data = bytearray(newer.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 64] = b"\x00" * 64  # inside the database member: its CRC and hash no longer match
    newer.write_bytes(bytes(data))
    foreign = db.path.parent / "sao-luu" / "ảnh.zip"
    foreign.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip, not a backup
    entries = autobackup.list_backups()
    assert {e.path for e in entries} == {old, newer, foreign}
    assert next(e for e in entries if e.path == foreign).problem
    good = autobackup.newest_good_backup(autobackup.folders_for(db.path))
    assert good is not None and good.path == old


def test_a_damaged_file_is_neither_backed_up_nor_opened_for_writing(db):
    path = damage_a_page(db)
    before = digest(path)
    with pytest.raises(workspace.DamagedDatabase) as raised:
        workspace.open_office(path)
    assert raised.value.problems and "bị hỏng" in str(raised.value)
    outcome = autobackup.backup_closed_file(path, "phuc-hoi", now=NOON)
    assert outcome.path is None and "bị hỏng" in outcome.warning
    assert digest(path) == before
    assert not (path.parent / "sao-luu").exists()


def test_try_automatic_on_a_damaged_open_file_warns_instead_of_raising(db):
    path = damage_a_page(db)
    from desktop_app.storage.database import open_database

    damaged = open_database(path)  # the storage layer opens it; the automatic backup must still refuse
    try:
        outcome = autobackup.try_automatic("nhap", now=NOON)
    finally:
        damaged.close()
    assert outcome.path is None and outcome.warning.startswith("Chưa sao lưu tự động được (trước khi nhập từ excel)")
    assert list((path.parent / "sao-luu").glob("*.zip")) == []


# ----------------------------------------------------------------- command line


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "desktop_app", "--db", str(db), *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=120)


def test_cli_backup_list(demo_db, tmp_path):
    made = autobackup.make_automatic("dong", now=NOON)
    assert made is not None
    demo_db.close()
    listed = run("backup", "list", "--json", db=demo_db.path)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["path"], r["reason"], r["models"]) for r in rows] == [(str(made), "dong", 34)]
    assert rows[0]["created_at"] == "2025-03-14T12:00:00" and rows[0]["size"] == made.stat().st_size
    text = run("backup", "list", db=demo_db.path)
    assert text.returncode == 0 and "14/03/2025 12:00" in text.stdout and "Khi đóng chương trình" in text.stdout
    target = tmp_path / "thủ công.zip"
    manual = run("backup", "--out", str(target), db=demo_db.path)  # with a target it works as before
    assert manual.returncode == 0 and target.is_file(), manual.stderr
    neither = run("backup", db=demo_db.path)
    assert neither.returncode == 1 and "--out" in neither.stderr
