"""Reading units' workbooks: past a lying <dimension>, hidden sheets said, size bounded before reading, cancel."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop_app.errors import AppError, Cancelled
from desktop_app.importer import build_plan, source
from desktop_app.importer.source import read_sheets
from desktop_app.tasks import TaskState

HEADER = ["STT", "Tên mô hình, điển hình", "Lĩnh vực", "Đơn vị thực hiện"]


def registrations(path: Path, rows: int = 6, *, hidden_list: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Đăng ký"
    ws.append(HEADER)
    for i in range(1, rows + 1):
        ws.append([i, f"Mô hình số {i}", "Kinh tế", "Hội Nông dân xã A"])
    if hidden_list:
        old = wb.create_sheet("Năm trước")
        old.append(HEADER)
        old.append([1, "Mô hình năm trước", "Kinh tế", "Hội Nông dân xã A"])
        old.sheet_state = "hidden"
    wb.save(path)
    return path


def rewrite_sheet(src: Path, dst: Path, change) -> Path:
    """Copy the workbook, passing the first sheet's XML through ``change`` (what another program might write)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            zout.writestr(item, data)
    return dst


def add_rows(xml_rows: bytes):
    return lambda data: data.replace(b"</sheetData>", xml_rows + b"</sheetData>")


def test_a_dimension_tag_declaring_less_than_the_sheet_holds_loses_no_row(db, tmp_path):
    honest = registrations(tmp_path / "đúng.xlsx")
    lying = rewrite_sheet(
        honest, tmp_path / "sai.xlsx", lambda d: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:D2"', d)
    )
    assert b'ref="A1:D2"' in zipfile.ZipFile(lying).read("xl/worksheets/sheet1.xml")
    sheets = read_sheets(lying)
    assert [number for number, _ in sheets[0].rows] == list(range(1, 8))
    plan = build_plan(lying, year=2024)
    assert len(plan.rows) == 6 and [r.name for r in plan.rows][-1] == "Mô hình số 6"


def test_values_read_as_before(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["C3"], ws["D3"], ws["E3"] = 12, 2.5, "  chữ  "
    ws["C5"] = "=1+1"  # no cached value: empty, as openpyxl gave it
    wb.save(tmp_path / "v.xlsx")
    (sheet,) = read_sheets(tmp_path / "v.xlsx")
    assert sheet.rows == [(3, [None, None, 12, 2.5, "  chữ  "])]
    assert isinstance(sheet.rows[0][1][2], int)


def test_hidden_sheet_with_a_list_is_reported_not_imported(db, tmp_path):
    path = registrations(tmp_path / "ẩn.xlsx", rows=2, hidden_list=True)
    sheets = read_sheets(path)
    assert [(s.name, s.hidden) for s in sheets] == [("Đăng ký", False), ("Năm trước", True)]
    plan = build_plan(path, year=2024)
    assert [r.name for r in plan.rows] == ["Mô hình số 1", "Mô hình số 2"]
    (warning,) = plan.warnings
    assert "«Năm trước»" in warning and "ẩn" in warning and "1 dòng" in warning


def test_only_a_hidden_list_says_so(db, tmp_path):
    wb = Workbook()
    wb.active.append(["Ghi chú"])
    hidden = wb.create_sheet("DS")
    hidden.append(HEADER)
    hidden.append([1, "Mô hình", "Kinh tế", "Xã A"])
    hidden.sheet_state = "hidden"
    wb.save(tmp_path / "chỉ ẩn.xlsx")
    with pytest.raises(AppError, match="«DS» đang bị ẩn"):
        build_plan(tmp_path / "chỉ ẩn.xlsx")


def test_the_template_hidden_catalogue_sheet_gives_no_warning(db, tmp_path):
    from desktop_app.importer import write_template

    path = write_template(tmp_path / "mẫu.xlsx")
    wb = __import__("openpyxl").load_workbook(path)
    wb["Đăng ký"].append([1, "Mô hình", "Tập thể", "Kinh tế", "", "Xã A"])
    wb.save(path)
    assert build_plan(path, year=2024).warnings == []


def test_a_million_formatted_empty_rows_are_read_quickly_and_ignored(tmp_path):
    base = registrations(tmp_path / "gốc.xlsx", rows=3)
    empty = b"".join(b'<row r="%d"><c r="A%d" s="0"/><c r="B%d" s="0"/></row>' % (i, i, i) for i in range(5, 300_000))
    path = rewrite_sheet(base, tmp_path / "nhiều dòng trống.xlsx", add_rows(empty))
    sheets = read_sheets(path)
    assert len(sheets[0].rows) == 4


def test_a_far_away_cell_is_refused_before_reading(tmp_path):
    """Two cells, A1 and XFD1048576: calamine would ask for half a terabyte and abort the process."""
    base = registrations(tmp_path / "gốc.xlsx", rows=1)
    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    path = rewrite_sheet(base, tmp_path / "ô xa.xlsx", add_rows(far))
    with pytest.raises(AppError, match=r"«Đăng ký» có quá nhiều dòng .*1\.048\.576"):
        read_sheets(path)
    wide = b'<row r="9"><c r="GS9"><v>1</v></c></row>'  # column 201
    path = rewrite_sheet(base, tmp_path / "rộng.xlsx", add_rows(wide))
    with pytest.raises(AppError, match="quá nhiều cột"):
        read_sheets(path)


def test_too_many_filled_rows_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(source, "MAX_ROWS", 5)
    with pytest.raises(AppError, match=r"«Đăng ký» có quá nhiều dòng"):
        read_sheets(registrations(tmp_path / "dài.xlsx", rows=10))


def test_cells_without_references_are_bounded_too(tmp_path, monkeypatch):
    """References are optional in the format; the look ahead then counts rows and cells itself."""
    base = registrations(tmp_path / "gốc.xlsx", rows=1)
    rows = b"".join(b"<row><c><v>%d</v></c><c/><c><v>1</v></c></row>" % i for i in range(3, 30))
    path = rewrite_sheet(base, tmp_path / "không tham chiếu.xlsx", add_rows(rows))
    with zipfile.ZipFile(path) as archive, archive.open("xl/worksheets/sheet1.xml") as stream:
        assert source._xlsx_fast_extent(path, "x", stream, TaskState()) is None
    sheet = read_sheets(path)[0]
    assert sheet.rows[-1] == (29, [29, None, 1, None])  # as wide as the header above
    monkeypatch.setattr(source, "MAX_ROWS", 20)
    with pytest.raises(AppError, match="quá nhiều dòng"):
        read_sheets(path)


@pytest.mark.parametrize("chunk", [7, 64, 1000])
def test_the_look_ahead_finds_the_same_extent_whatever_the_chunks(tmp_path, monkeypatch, chunk):
    wb = Workbook()
    ws = wb.active
    for row in range(2, 120, 3):
        ws.cell(row, 2 + row % 7, f"ô {row}")
        ws.cell(row + 1, 1).number_format = "0.00"  # formatted, empty
    ws.cell(130, 9, "=SUM(A1:A2)")
    wb.save(tmp_path / "ô.xlsx")
    path = rewrite_sheet(
        tmp_path / "ô.xlsx",
        tmp_path / "ô2.xlsx",
        add_rows(b'<row r="131"><c r="J131"><f>1+1</f><v>2</v></c></row>'),
    )
    monkeypatch.setattr(source, "_CHUNK", chunk)
    monkeypatch.setattr(source, "_OVERLAP", 64)
    with zipfile.ZipFile(path) as archive:
        with archive.open("xl/worksheets/sheet1.xml") as stream:
            fast = source._xlsx_fast_extent(path, "x", stream, TaskState())
        with archive.open("xl/worksheets/sheet1.xml") as stream:
            slow = source._xlsx_extent(path, "x", source._chunks(path, "x", stream, TaskState()))
    assert fast == slow == source._Extent(2, 131, 2, 10)


def test_reading_can_be_cancelled(tmp_path):
    path = registrations(tmp_path / "hủy.xlsx")
    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        read_sheets(path, task)
    seen: list[str] = []
    task = TaskState(on_progress=lambda done, total, text: seen.append(text))
    read_sheets(path, task)
    assert seen == ["Trang «Đăng ký»"]


def test_preview_passes_the_cancel_through(db, tmp_path):
    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        build_plan(registrations(tmp_path / "hủy.xlsx"), task=task)


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is needed to make .xls and .ods files")
@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_old_excel_and_opendocument_files_are_read(db, tmp_path, kind):
    xlsx = registrations(tmp_path / "đăng ký.xlsx", rows=3, hidden_list=True)
    out = tmp_path / "out"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            "--headless",
            "--convert-to",
            kind,
            "--outdir",
            str(out),
            str(xlsx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = out / f"đăng ký.{kind}"
    sheets = read_sheets(converted)
    assert [(s.name, s.hidden) for s in sheets] == [("Đăng ký", False), ("Năm trước", True)]
    plan = build_plan(converted, year=2024)
    assert [r.name for r in plan.rows] == ["Mô hình số 1", "Mô hình số 2", "Mô hình số 3"]
    assert len(plan.warnings) == 1
