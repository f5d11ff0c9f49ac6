"""The command line is an interface other tools call: run it as a real subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run(*args, db: Path | None = None, env: dict | None = None):
    cmd = [sys.executable, "-m", "desktop_app"] + (["--db", str(db)] if db else []) + list(args)
    full_env = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", env=full_env, cwd=ROOT, timeout=120)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    db = tmp_path_factory.mktemp("cli") / "Nguyễn Văn A" / "dữ liệu mẫu.db"
    first = run("demo", db=db)
    assert first.returncode == 0, first.stderr
    second = run("demo", db=db)
    assert second.returncode == 0 and "thêm 0 mô hình" in second.stdout
    return db


def models(db, *args):
    result = run("models", *args, "--json", db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_init_prints_the_path(tmp_path):
    db = tmp_path / "thư mục có dấu" / "x.db"
    result = run("init", db=db)
    assert result.returncode == 0
    assert Path(result.stdout.strip()) == db.resolve()


def test_database_from_environment(tmp_path):
    db = tmp_path / "từ biến môi trường.db"
    result = run("init", env={"DVK_DB": str(db)})
    assert result.returncode == 0 and db.exists()


def test_demo_models_json_shape(demo_file):
    rows = models(demo_file)
    assert len(rows) >= 25
    assert len({r["uuid"] for r in rows}) == len(rows)  # loading twice did not duplicate
    for key in ("uuid", "name", "kind", "field", "unit", "level", "year", "status"):
        assert key in rows[0]
    assert {r["kind"] for r in rows} <= {"tap_the", "ca_nhan"}
    assert {r["year"] for r in rows} == {2021, 2022, 2023, 2024, 2025}  # the seed year and those derived from it


def test_search_ignores_diacritics_and_case(demo_file):
    plain = models(demo_file, "--search", "dan van kheo")
    upper = models(demo_file, "--search", "DÂN VẬN KHÉO")
    assert plain and [r["uuid"] for r in plain] == [r["uuid"] for r in upper]
    da_don = models(demo_file, "--search", "da don")
    assert da_don and all("đạ đờn" in (r["name"] + r["unit"] + r["address"]).lower() for r in da_don)


def test_field_filter(demo_file):
    rows = models(demo_file, "--field", "kinh te", "--year", "2023")
    assert rows and {r["field"] for r in rows} == {"Kinh tế"}


def test_stats_totals_equal_model_count(demo_file):
    result = run("stats", "--year", "2023", "--json", db=demo_file)
    stats = json.loads(result.stdout)
    total = len(models(demo_file, "--year", "2023"))
    assert stats["total"] == total
    for key in ("by_field", "by_kind", "by_status", "by_unit_kind"):
        assert sum(stats[key].values()) == total, key


def test_errors_are_one_vietnamese_line(tmp_path):
    bad = tmp_path / "không phải csdl.db"
    bad.write_bytes(b"rubbish" * 200)
    result = run("models", db=bad)
    assert result.returncode != 0
    assert result.stderr.startswith("Lỗi:") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    wrong = run("stats", db=tmp_path / "a.db")
    assert wrong.returncode != 0 and "Traceback" not in wrong.stderr and "Lỗi" in wrong.stderr


def test_results_and_score_workbook_commands(demo_file, tmp_path):
    result = run("results", "--year", "2023", "--json", db=demo_file)
    items = json.loads(result.stdout)
    assert len(items) == len(models(demo_file, "--year", "2023"))
    for key in ("uuid", "name", "members", "mean", "grade", "rank", "recognised"):
        assert key in items[0]
    out = tmp_path / "bảng chấm.xlsx"
    assert run("scores", "export", "--year", "2023", "--out", str(out), db=demo_file).returncode == 0
    imported = run("scores", "import", str(out), "--json", db=demo_file)
    assert imported.returncode == 0 and json.loads(imported.stdout)["refused"] == []


def office(db, *args):
    result = run("office", *args, db=db)
    assert result.returncode == 0, result.stderr
    return result


def test_office_is_set_up_per_style_from_the_command_line(tmp_path):
    db = tmp_path / "cơ quan.db"
    shown = office(db)
    assert "Chưa nhập thông tin cơ quan" in shown.stdout and "set-identity" in shown.stdout
    # A new file needs a place and an identity: refused with the one command that does both.
    refused = run("office", "set", "--place", "Lâm Hà", db=db)
    assert refused.returncode == 1 and refused.stderr.startswith("Lỗi: Cơ quan ban hành")
    assert "office set-identity" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    first = office(
        db,
        *("set-identity", "dang", "--body", "HUYỆN ỦY LÂM HÀ", "--superior", "ĐẢNG BỘ TỈNH LÂM ĐỒNG"),
        *("--authority", "T/M BAN THƯỜNG VỤ", "--symbol", "HU", "--place", "Lâm Hà", "--json"),
    )
    data = json.loads(first.stdout)
    assert data["configured"] and data["styles"] == ["dang"] and data["document_style"] == "dang"
    assert data["identities"]["dang"]["issuing_body"] == "HUYỆN ỦY LÂM HÀ" and data["current_year"] >= 2025
    second = office(db, "set-identity", "nha_nuoc", "--body", "ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ", "--symbol", "UBND")
    assert "Đã thêm thông tin ban hành theo thể thức văn bản hành chính (Nhà nước)." in second.stdout
    assert "Số 125-QĐ/HU" in second.stdout and "Số: 125/QĐ-UBND" in second.stdout
    office(db, "set", "--default-style", "nha_nuoc", "--area", "huyện Lâm Hà", "--year", "2024", "--level", "Huyện")
    # Only the options given change: the signer is added, the body stays.
    office(db, "set-identity", "dang", "--signer", "Nguyễn Văn Bình")
    data = json.loads(office(db, "--json").stdout)
    assert data["styles"] == ["nha_nuoc", "dang"] and data["current_year"] == 2024
    assert data["area_name"] == "huyện Lâm Hà" and data["own_level"] == "Huyện"
    assert data["identities"]["dang"]["signer_name"] == "Nguyễn Văn Bình"
    assert data["identities"]["dang"]["issuing_body"] == "HUYỆN ỦY LÂM HÀ"
    # Removing the default style's identity moves the default to the style left, and says so.
    removed = office(db, "remove-identity", "nha_nuoc")
    assert "Thể thức mặc định chuyển sang thể thức văn bản của Đảng." in removed.stdout
    assert json.loads(office(db, "--json").stdout)["styles"] == ["dang"]


def test_office_refusals_are_one_line_with_exit_code(tmp_path):
    db = tmp_path / "x.db"
    office(db, "set-identity", "nha_nuoc", "--body", "ỦY BAN NHÂN DÂN XÃ ĐẠ ĐỜN", "--place", "Đạ Đờn")
    for args, expected in (
        (("remove-identity", "nha_nuoc"), "thể thức duy nhất"),
        (("remove-identity", "dang"), "chưa có thông tin ban hành theo thể thức văn bản của Đảng"),
        (("set", "--default-style", "dang"), "Thể thức văn bản: thể thức mặc định phải là"),
        (("set-identity", "dang", "--signer", "Lê Văn Cường"), "(--body «…»)"),
    ):
        result = run("office", *args, db=db)
        assert result.returncode == 1 and result.stderr.startswith("Lỗi:"), args
        assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    wrong = run("office", "set-identity", "ubnd", "--body", "X", db=db)
    assert wrong.returncode == 2 and "«ubnd» không hợp lệ" in wrong.stderr
    assert json.loads(office(db, "--json").stdout)["styles"] == ["nha_nuoc"]  # nothing refused was saved
