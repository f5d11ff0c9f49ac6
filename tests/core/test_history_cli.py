"""``history``, ``delete``, ``trash`` and ``undo`` / ``redo`` on the command line, as scripts read them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import domain
from desktop_app.cli import main
from desktop_app.history import record
from desktop_app.services import catalogues, settings, status, units
from desktop_app.services.models import ModelInput, create_model
from desktop_app.storage.database import open_database
from desktop_app.storage.models import MoHinh

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def office_file(db) -> Path:
    """A closed database with two models, a bulk status change, and a named user; the commands open it themselves."""
    settings.set_value(record.USER_SETTING, "Trần Thị Bình")
    unit = units.create_unit("Hội Nông dân xã Mê Linh")
    field = catalogues.find("field", "Kinh tế").id
    ids = [
        create_model(ModelInput(name=name, year=2024, field_id=field, unit_id=unit.id))
        for name in ("Tuyến đường hoa", "Quỹ khuyến học")
    ]
    status.change_status(ids, domain.IN_PROGRESS)
    path = db.path
    db.close()
    return path


def run(path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["--db", str(path), *args])
    out, err = capsys.readouterr()
    return code, out, err


def run_json(path: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> object:
    code, out, err = run(path, *args, "--json", capsys=capsys)
    assert code == 0, err
    return json.loads(out)


def _uuid(path: Path, name: str) -> str:
    database = open_database(path)
    try:
        return str(MoHinh.get(MoHinh.name == name).uuid)
    finally:
        database.close()


def test_history_json_lists_entries_newest_first_with_before_and_after(office_file, capsys):
    entries = run_json(office_file, "history", capsys=capsys)
    assert isinstance(entries, list) and len(entries) == 5  # a unit, two models, two status changes
    for key in ("time", "user", "action", "record", "uuid", "before", "after"):
        assert key in entries[0]
    assert [(e["action"], e["record"]) for e in entries] == [
        ("status", "model"),
        ("status", "model"),
        ("create", "model"),
        ("create", "model"),
        ("create", "unit"),
    ]
    first = entries[0]
    assert first["user"] == "Trần Thị Bình"
    assert (first["before"]["status"], first["after"]["status"]) == (domain.REGISTERED, domain.IN_PROGRESS)
    uuid = _uuid(office_file, "Quỹ khuyến học")
    mine = run_json(office_file, "history", "--model", uuid, capsys=capsys)
    assert [(e["action"], e["uuid"]) for e in mine] == [("status", uuid), ("create", uuid)]
    assert run_json(office_file, "history", "--kind", "unit", capsys=capsys)[0]["label"] == "Hội Nông dân xã Mê Linh"
    assert len(run_json(office_file, "history", "--text", "quy khuyen hoc", capsys=capsys)) == 2
    assert run_json(office_file, "history", "--since", "01/01/2100", capsys=capsys) == []
    assert len(run_json(office_file, "history", "--until", "01/01/2100", "--limit", "3", capsys=capsys)) == 3


def test_history_text_is_one_vietnamese_line_per_entry(office_file, capsys):
    code, out, _ = run(office_file, "history", "--action", "status", capsys=capsys)
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2
    assert re.match(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}  Trần Thị Bình  Đổi trạng thái mô hình, điển hình «", lines[0])
    assert "Trạng thái: Đăng ký → Đang thực hiện" in lines[0]
    code, _, err = run(office_file, "history", "--since", "31/02/2026", capsys=capsys)
    assert code == 1 and err.startswith("Lỗi: --since:") and "Traceback" not in err


def test_delete_trash_restore_and_empty(office_file, capsys):
    uuid = _uuid(office_file, "Tuyến đường hoa")
    code, out, _ = run(office_file, "delete", uuid, capsys=capsys)
    assert code == 0 and "Đã chuyển 1 mô hình, điển hình vào thùng rác: «Tuyến đường hoa»" in out
    [item] = run_json(office_file, "trash", "list", capsys=capsys)
    assert (item["uuid"], item["kind"], item["label"], item["year"]) == (uuid, "model", "Tuyến đường hoa", 2024)
    assert run_json(office_file, "trash", capsys=capsys) == [item]
    code, out, _ = run(office_file, "trash", "list", capsys=capsys)
    assert "Mô hình, điển hình «Tuyến đường hoa» (2024)" in out and "tự động xóa hẳn sau 30 ngày" in out

    code, out, _ = run(office_file, "trash", "restore", uuid, capsys=capsys)
    assert code == 0 and out.strip() == "Đã khôi phục từ thùng rác: Tuyến đường hoa."
    assert run_json(office_file, "trash", "list", capsys=capsys) == []
    code, _, err = run(office_file, "trash", "restore", uuid, capsys=capsys)
    assert code == 1 and "không có bản ghi mã" in err.lower()

    code, _, err = run(office_file, "delete", uuid, "không-có-mã", capsys=capsys)
    assert code == 1 and "không-có-mã" in err and "chưa xóa gì" in err
    assert run(office_file, "delete", uuid, capsys=capsys)[0] == 0
    code, _, err = run(office_file, "trash", "empty", capsys=capsys)
    assert code == 1 and "--yes" in err
    assert len(run_json(office_file, "trash", "list", capsys=capsys)) == 1
    code, out, _ = run(office_file, "trash", "empty", "--yes", capsys=capsys)
    assert code == 0 and "Đã xóa hẳn 1 mục" in out
    assert run_json(office_file, "trash", "list", capsys=capsys) == []


def test_undo_dry_run_then_undo_then_redo(office_file, capsys):
    code, out, _ = run(office_file, "undo", "--dry-run", capsys=capsys)
    assert code == 0 and out.startswith("Sẽ hoàn tác: Đổi trạng thái 2 mô hình, điển hình sang «Đang thực hiện» (lúc ")
    assert "(2 bản ghi)" in out and "Chưa thay đổi gì" in out
    step = run_json(office_file, "undo", capsys=capsys)
    assert (step["action"], step["records"], step["dry_run"]) == ("status", 2, False)
    assert step["user"] == "Trần Thị Bình"
    statuses = {e["after"]["status"] for e in run_json(office_file, "history", "--limit", "2", capsys=capsys)}
    assert statuses == {domain.REGISTERED}
    code, out, _ = run(office_file, "redo", capsys=capsys)
    assert code == 0 and out.startswith("Đã làm lại: Đổi trạng thái 2 mô hình")
    code, _, err = run(office_file, "redo", capsys=capsys)
    assert code == 1 and err.strip() == "Lỗi: Không có thao tác nào để làm lại."


def test_history_json_through_a_real_process(office_file):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(office_file), "history", "--kind", "model", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    entries = json.loads(result.stdout)
    assert len(entries) == 4 and {e["record"] for e in entries} == {"model"}
