"""Registrations as units really send them: what is imported, what is rejected, and where."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from desktop_app import domain
from desktop_app.errors import AppError, Cancelled
from desktop_app.importer import apply_plan, build_plan, write_template
from desktop_app.importer.legacy import to_unicode
from desktop_app.services.models import ModelFilter, list_models
from desktop_app.services.units import find_unit
from desktop_app.tasks import TaskState

ROOT = Path(__file__).resolve().parents[2]


def test_messy_layout_is_mapped_and_every_row_judged(demo_db, messy):
    plan = build_plan(messy, year=2024)
    layout = plan.sheets[0]
    assert layout.header_row == 5
    assert set(layout.mapping.values()) == {"stt", "name", "unit", "field", "address", "result"}
    by_row = {r.row: r for r in plan.rows}
    assert sorted(by_row) == [7, 8, 12, 13, 14, 15, 16]  # group, blank and total rows are not models
    assert by_row[7].field == "Kinh tế" and by_row[7].status == "ok"  # field from the group heading
    assert by_row[8].name == "Tổ vay vốn xoay vòng"  # NFD became NFC
    assert by_row[12].field == "Văn hóa - xã hội" and by_row[12].status == "ok"
    assert by_row[13].status == "rejected" and by_row[13].problems[0].column == "B"
    assert by_row[14].status == "rejected" and by_row[14].problems[0].column == "D"
    assert "«Thể thao» không có trong danh mục" in by_row[14].problems[0].message
    assert by_row[15].name == "Văn hóa đọc sách" and by_row[15].field == "Văn hóa - xã hội"
    assert plan.legacy_encoding == "tcvn3"
    assert by_row[16].status == "duplicate"
    assert set(plan.unknown_units()) == {"Hội LHPN xã Phi Tô"}
    assert list_models(ModelFilter(year=2024)) == []  # nothing written by the preview


def test_apply_writes_the_valid_rows_and_creates_units(demo_db, messy):
    plan = build_plan(messy, year=2024)
    result = apply_plan(plan)
    assert result.imported == 4 and result.created_units == ["Hội LHPN xã Phi Tô"]
    rows = {r.name: r for r in list_models(ModelFilter(year=2024))}
    assert set(rows) == {
        "Nuôi bò sinh sản giúp hội viên thoát nghèo",
        "Tổ vay vốn xoay vòng",
        "Thắp sáng đường quê",
        "Văn hóa đọc sách",
    }
    # The demo's own unit is joined, not duplicated; the three Phi Tô rows share the one unit created for them.
    women = find_unit("Hội Liên hiệp Phụ nữ huyện Lâm Hà")
    assert women is not None and rows["Tổ vay vốn xoay vòng"].unit_id == women.id
    assert rows["Tổ vay vốn xoay vòng"].unit == "Hội Liên hiệp Phụ nữ huyện Lâm Hà"
    phi_to = find_unit("Hội LHPN xã Phi Tô")
    assert phi_to is not None and {rows[name].unit_id for name in rows if name != "Tổ vay vốn xoay vòng"} == {phi_to.id}
    assert all(r.kind == domain.KIND_COLLECTIVE and r.status == domain.REGISTERED for r in rows.values())
    again = build_plan(messy, year=2024)
    assert len(again.duplicates) == 5 and again.importable == []


def test_units_not_chosen_are_left_out(demo_db, messy):
    plan = build_plan(messy, year=2024)
    result = apply_plan(plan, create_units=[])
    assert result.imported == 1 and result.created_units == []
    assert len(result.left_out) == 3 and find_unit("Hội LHPN xã Phi Tô") is None


def test_a_failure_in_the_middle_leaves_the_database_as_before(demo_db, messy, monkeypatch):
    import desktop_app.importer.apply as apply_module

    plan = build_plan(messy, year=2024)
    calls = []
    real = apply_module._create

    def failing(row, unit_id):
        calls.append(row)
        if len(calls) == 3:
            raise RuntimeError("mất điện")
        return real(row, unit_id)

    monkeypatch.setattr(apply_module, "_create", failing)
    with pytest.raises(RuntimeError):
        apply_plan(plan)
    assert list_models(ModelFilter(year=2024)) == [] and find_unit("Hội LHPN xã Phi Tô") is None


def test_cancel_rolls_back(demo_db, messy):
    plan = build_plan(messy, year=2024)
    task = TaskState(on_progress=lambda done, total, text: task.cancel() if done == 2 else None)
    with pytest.raises(Cancelled):
        apply_plan(plan, task=task)
    assert list_models(ModelFilter(year=2024)) == []


def test_changed_mapping_is_remembered_for_the_same_layout(demo_db, messy):
    plan = build_plan(messy, year=2024)
    mapping = dict(plan.sheets[0].mapping)
    address_col = next(i for i, t in mapping.items() if t == "address")
    mapping[address_col] = "note"
    plan = build_plan(messy, year=2024, mappings={"DS đăng ký": mapping})
    apply_plan(plan)
    again = build_plan(messy, year=2025)
    assert again.sheets[0].mapping[address_col] == "note"


def test_legacy_encodings():
    assert to_unicode("B¶o Th¾ng") == ("Bảo Thắng", "tcvn3")
    assert to_unicode("Vaên hoùa - xaõ hoäi") == ("Văn hóa - xã hội", "vni")
    assert to_unicode("Ñaûng uûy xaõ Ñaï Ñôøn") == ("Đảng ủy xã Đạ Đờn", "vni")
    for plain in ("Hội Nông dân", "Café au lait", "Kinh tế", "12 hộ", ""):
        assert to_unicode(plain)[1] == ""


@pytest.mark.parametrize(
    "content,suffix,message",
    [
        (b"", ".xlsx", "tệp rỗng"),
        (b"hello, this is a text file", ".xlsx", "không phải tệp Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, ".xls", "Excel 97-2003"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le") + b"\0" * 600, ".xlsx", "mật khẩu"),
        (b"PK\x03\x04garbage that is not a zip", ".xlsx", "bị hỏng"),
    ],
)
def test_unreadable_files_are_refused_clearly(db, tmp_path, content, suffix, message):
    path = tmp_path / f"tệp{suffix}"
    path.write_bytes(content)
    with pytest.raises(AppError, match=message):
        build_plan(path)


def test_empty_workbook_and_no_header(db, tmp_path):
    empty = tmp_path / "trống.xlsx"
    Workbook().save(empty)
    with pytest.raises(AppError, match="không có dữ liệu"):
        build_plan(empty)
    wb = Workbook()
    wb.active.append(["Số liệu", "khác"])
    other = tmp_path / "khác.xlsx"
    wb.save(other)
    with pytest.raises(AppError, match="Không tìm thấy dòng tiêu đề cột"):
        build_plan(other)


def test_template_round_trip(db, tmp_path):
    path = write_template(tmp_path / "mẫu.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Đăng ký", "Danh mục", "Hướng dẫn"] and wb["Danh mục"].sheet_state == "hidden"
    ws = wb["Đăng ký"]
    assert len(ws.data_validations.dataValidation) == 3
    ws.append([])
    ws["A6"], ws["B6"], ws["C6"], ws["D6"], ws["F6"] = (
        1,
        "Dân vận khéo trong xây dựng nông thôn mới",
        "Tập thể",
        "Kinh tế",
        "Đảng ủy xã Mê Linh",
    )
    ws["A7"], ws["B7"], ws["C7"], ws["D7"], ws["H7"] = (
        2,
        "Người tốt việc tốt",
        "Cá nhân",
        "Văn hóa - xã hội",
        "Nguyễn Văn B",
    )
    wb.save(path)
    plan = build_plan(path, year=2024)
    assert [r.status for r in plan.rows] == ["ok", "ok"]
    apply_plan(plan)
    rows = {r.name: r for r in list_models(ModelFilter(year=2024))}
    assert rows["Người tốt việc tốt"].kind == domain.KIND_INDIVIDUAL
    assert rows["Người tốt việc tốt"].person_name == "Nguyễn Văn B"


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=120,
    )


def test_command_line_import_json_and_dry_run(tmp_path):
    from tests.importer.conftest import messy_workbook

    file = messy_workbook(tmp_path / "đăng ký.xlsx")
    db = str(tmp_path / "dữ liệu.db")
    assert run("--db", db, "demo").returncode == 0
    dry = run("--db", db, "import", str(file), "--year", "2030", "--dry-run", "--json")
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert report["imported"] == 4 and report["created_units"] == ["Hội LHPN xã Phi Tô"]
    assert {(r["row"], r["column"]) for r in report["rejected"]} == {(13, "B"), (14, "D")}
    assert report["mapping"]["DS đăng ký"]["B"] == "Tên mô hình, điển hình"
    models = json.loads(run("--db", db, "models", "--year", "2030", "--json").stdout)
    assert models == []
    real = json.loads(run("--db", db, "import", str(file), "--year", "2030", "--json").stdout)
    assert real["imported"] == 4
    assert len(json.loads(run("--db", db, "models", "--year", "2030", "--json").stdout)) == 4
    bad = tmp_path / "x.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    refused = run("--db", db, "import", str(bad))
    assert refused.returncode != 0 and "xlsx" in refused.stderr and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
