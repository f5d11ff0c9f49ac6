"""Excel twins of the lists, the command line, and builds that fail or are cancelled."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app.documents import Options, build_excel, build_pdf
from desktop_app.errors import AppError, Cancelled
from desktop_app.tasks import TaskState

ROOT = Path(__file__).resolve().parents[2]


def header_row(ws) -> int:
    return next(r for r in range(1, 15) if ws.cell(r, 1).value == "STT" or ws.cell(r, 1).value == "Lĩnh vực")


def test_registration_workbook_matches_the_list(built):
    ws = load_workbook(built["registrations_xlsx"]).active
    row = header_row(ws)
    assert [c.value for c in ws[row]] == [
        "STT",
        "Tên mô hình, điển hình",
        "Đơn vị / cá nhân thực hiện (địa chỉ)",
        "Lĩnh vực",
        "Loại",
        "Cấp",
        "Ghi chú",
    ]
    assert ws.freeze_panes == f"A{row + 1}"
    assert ws.print_title_rows.replace("$", "") == f"{row}:{row}"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws["A2"].value == "HUYỆN ỦY LÂM HÀ"  # under the superior body; header and signature: test_excel_twins
    assert ws["A5"].value == "DANH SÁCH"
    names = {ws.cell(r, 2).value for r in range(row + 1, ws.max_row + 1)}
    assert set(built["names"]) <= names
    numbers = [ws.cell(r, 1).value for r in range(row + 1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    assert numbers == list(range(1, len(built["names"]) + 1))
    total = next(ws.cell(r, 2) for r in range(row + 1, ws.max_row + 1) if ws.cell(r, 1).value is None)
    assert total.value == f'="Tổng cộng: "&COUNT(A{row + 1}:A{total.row - 1})&" mô hình, điển hình"'
    assert ws.column_dimensions["B"].width >= 35


def test_recognition_workbook_has_scores_as_numbers_and_the_decision_line(built):
    ws = load_workbook(built["recognition_xlsx"]).active
    row = header_row(ws)
    assert "Kèm theo Quyết định số 125-QĐ/HU" in ws["A7"].value
    scores = [ws.cell(r, 6) for r in range(row + 1, ws.max_row + 1) if isinstance(ws.cell(r, 1).value, int)]
    assert len(scores) == 32 and all(c.number_format == "0.00" for c in scores)
    assert max(c.value for c in scores) == pytest.approx(96.9)


def test_statistics_workbook_totals(built):
    wb = load_workbook(built["statistics_xlsx"])
    assert wb.sheetnames[:3] == ["Theo lĩnh vực", "Theo loại đơn vị", "Chỉ tiêu"]
    ws = wb["Theo lĩnh vực"]
    total = next(r for r in ws.iter_rows(values_only=True) if r[0] == "Tổng cộng")
    # Live sums; what they come to is checked in test_excel_twins.
    assert [str(v)[:6] for v in total[1:7]] == [f"=SUM({c}" for c in "BCDEFG"]  # each column sums itself
    money = next(r for r in wb["Chỉ tiêu"].iter_rows(values_only=True) if r[0] == "Tiền, hiện vật vận động được")
    assert money[1:3] == ("đồng", 2_588_200_000)


def test_scores_workbook_has_one_column_per_member(built):
    ws = load_workbook(built["scores_xlsx"]).active
    row = header_row(ws)
    headers = [c.value for c in ws[row]]
    assert headers[3] == "Trần Thị Hồng" and headers[-4:] == ["Điểm trung bình", "Xếp loại", "Hạng", "Công nhận"]
    # One heading row per kind (ranks are counted within a kind), then its models: 32 collective, 2 individual.
    last = next(r for r in range(row + 1, ws.max_row + 2) if ws.cell(r, 1).value is None) - 1  # the council signs below
    assert last - row == 36
    assert ws.cell(row + 1, 1).value == "A. MÔ HÌNH TẬP THỂ (32) – xếp hạng riêng"
    assert ws.cell(row + 2, 1).value == 1 and ws.cell(row + 2, len(headers) - 1).value == 1


def test_certificates_have_no_excel_twin(demo_db, tmp_path):
    out = tmp_path / "ra"
    out.mkdir()
    with pytest.raises(AppError, match="chỉ in ra PDF"):
        build_excel("certificates", Options(2023), out / "x.xlsx")
    assert not list(out.iterdir())


def test_a_cancelled_build_leaves_no_file(demo_db, tmp_path):
    task = TaskState()
    task.cancel()
    out = tmp_path / "ra"
    out.mkdir()
    with pytest.raises(Cancelled):
        build_pdf("registrations", Options(2023), out / "danh sách.pdf", task)
    assert not list(out.iterdir())


def test_dossier_needs_a_model(demo_db, tmp_path):
    with pytest.raises(AppError, match="chọn một mô hình"):
        build_pdf("dossier", Options(2023), tmp_path / "hồ sơ.pdf")


def test_documents_of_an_empty_year_say_so(db, tmp_path):
    from desktop_app.demo import DEMO_OFFICE
    from desktop_app.office import MissingIdentity
    from desktop_app.services import settings

    # An office that has not said who it is gets told where to say it, before anything is printed.
    with pytest.raises(MissingIdentity, match="Cài đặt › Thông tin cơ quan"):
        build_pdf("registrations", Options(2030), tmp_path / "chưa có cơ quan.pdf")
    assert not (tmp_path / "chưa có cơ quan.pdf").exists()
    settings.save_office(DEMO_OFFICE)
    with pytest.raises(AppError, match="chưa có mô hình"):
        build_pdf("scoresheets", Options(2030), tmp_path / "p.pdf")
    with pytest.raises(AppError, match="chưa có mô hình, điển hình nào được công nhận"):
        build_pdf("certificates", Options(2030), tmp_path / "g.pdf")
    path = build_pdf("registrations", Options(2030), tmp_path / "rỗng.pdf")
    assert path.stat().st_size > 0


def run(*args):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=180,
    )


def test_command_line_report_and_export(built, tmp_path):
    db = str(built["db"])
    pdf = tmp_path / "công nhận.pdf"
    result = run("--db", db, "report", "recognition", "--year", "2023", "--out", str(pdf), "--style", "nha_nuoc")
    assert result.returncode == 0, result.stderr
    assert pdf.read_bytes().startswith(b"%PDF")
    xlsx = tmp_path / "đăng ký.xlsx"
    result = run("--db", db, "export", "registrations", "--year", "2023", "--out", str(xlsx))
    assert result.returncode == 0, result.stderr
    assert load_workbook(xlsx).active["A5"].value == "DANH SÁCH"


def test_command_line_dossier_by_uuid_and_errors(built, tmp_path):
    db = str(built["db"])
    listing = run("--db", db, "models", "--year", "2023", "--json")
    import json

    uuid = json.loads(listing.stdout)[0]["uuid"]
    out = tmp_path / "hồ sơ.pdf"
    result = run("--db", db, "report", "dossier", "--year", "2023", "--model", uuid, "--out", str(out))
    assert result.returncode == 0, result.stderr
    dossier = out.read_bytes()
    assert dossier.startswith(b"%PDF") and len(dossier) > 1000
    missing = run("--db", db, "report", "dossier", "--year", "2023", "--out", str(out))
    assert missing.returncode != 0 and "--model" in missing.stderr and "Traceback" not in missing.stderr
    wrong = run("--db", db, "report", "bảng", "--year", "2023", "--out", str(out))
    assert wrong.returncode == 2 and "không hợp lệ" in wrong.stderr
    assert out.read_bytes() == dossier  # the refused commands left the earlier document alone
