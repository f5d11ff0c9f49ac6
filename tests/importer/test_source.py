"""Reading units' workbooks: past a lying <dimension>, hidden sheets said, size bounded before reading, cancel."""

from __future__ import annotations

import io
import re
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
    monkeypatch.setattr(source, "ROOM_AROUND_LIST", 3)
    assert len(read_sheets(registrations(tmp_path / "vừa.xlsx", rows=7))[0].rows) == 8
    with pytest.raises(AppError, match=r"«Đăng ký» có quá nhiều dòng .*tối đa 5 dòng"):
        read_sheets(registrations(tmp_path / "dài.xlsx", rows=8))


def full_list(path: Path, rows: int) -> Path:
    """A 3-line title, a two-row header, then ``rows`` registrations: what a district sends at the limit."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Đăng ký")
    ws.append(["ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ"])
    ws.append(["DANH SÁCH MÔ HÌNH DÂN VẬN KHÉO NĂM 2024"])
    ws.append(["(Kèm theo Kế hoạch số 5/KH-UBND)"])
    ws.append(["STT", "Tên mô hình", "Lĩnh vực", "Đơn vị thực hiện", "Kết quả"])
    ws.append([None, None, None, None, "Số hộ"])
    for i in range(1, rows + 1):
        ws.append([i, f"Mô hình số {i}", "Kinh tế", f"Xã {i % 97}", i % 50])
    wb.save(path)
    return path


def test_a_full_list_keeps_its_title_and_header(tmp_path):
    """20.000 registrations under a title and a two-row header are read, not refused for their 5 extra lines."""
    path = full_list(tmp_path / "đủ 20000.xlsx", source.MAX_ROWS)
    (sheet,) = read_sheets(path)
    assert len(sheet.rows) == source.MAX_ROWS + 5
    assert sheet.rows[-1] == (
        source.MAX_ROWS + 5,
        [source.MAX_ROWS, f"Mô hình số {source.MAX_ROWS}", "Kinh tế", "Xã 18", 0],
    )
    # A sheet really past the limit is still refused, with the same words.
    far = source.MAX_ROWS + source.ROOM_AROUND_LIST + 1
    past = rewrite_sheet(
        path, tmp_path / "quá.xlsx", add_rows(b'<row r="%d"><c r="B%d"><v>1</v></c></row>' % (far, far))
    )
    with pytest.raises(AppError, match=r"«Đăng ký» có quá nhiều dòng .*đến dòng 20\.051, tối đa 20\.000 dòng"):
        read_sheets(past)


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_the_room_around_a_list_is_bounded_in_every_format(tmp_path, monkeypatch, kind):
    """The commune sheets span 16 lines around 3 registrations: refused only past MAX_ROWS + the room."""
    monkeypatch.setattr(source, "MAX_ROWS", 3)
    monkeypatch.setattr(source, "ROOM_AROUND_LIST", 13)
    assert [s.name for s in read_sheets(COMMUNE.with_suffix(f".{kind}"))] == ["KT", "VHXH", "Năm 2023"]
    monkeypatch.setattr(source, "ROOM_AROUND_LIST", 12)
    with pytest.raises(AppError, match=r"«KT» có quá nhiều dòng .*đến dòng 16, tối đa 3 dòng"):
        read_sheets(COMMUNE.with_suffix(f".{kind}"))


def test_the_whole_file_counts_each_sheets_room(tmp_path, monkeypatch):
    """Each sheet within bounds, yet together past the list limit plus one room per sheet."""
    wb = Workbook()
    for n, ws in enumerate([wb.active, wb.create_sheet("Trang 2")]):
        assert ws is not None
        ws.append(HEADER)
        for i in range(7):
            ws.append([i, f"Mô hình {n}.{i}", "Kinh tế", "Xã A"])
    wb.save(tmp_path / "hai trang.xlsx")
    monkeypatch.setattr(source, "MAX_ROWS", 10)
    monkeypatch.setattr(source, "ROOM_AROUND_LIST", 2)  # each 8 ≤ 10 + 2, together 16 > 10 + 2 × 2
    with pytest.raises(AppError, match=r"tệp có quá nhiều dòng \(hơn 10\)"):
        read_sheets(tmp_path / "hai trang.xlsx")
    monkeypatch.setattr(source, "MAX_ROWS", 12)  # 16 = 12 + 2 × 2
    assert sum(len(s.rows) for s in read_sheets(tmp_path / "hai trang.xlsx")) == 16


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
    monkeypatch.setattr(source, "ROOM_AROUND_LIST", 0)
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
    with zipfile.ZipFile(path) as archive:
        with archive.open("xl/worksheets/sheet1.xml") as stream:
            fast = source._xlsx_fast_extent(path, "x", stream, TaskState())
        with archive.open("xl/worksheets/sheet1.xml") as stream:
            slow = source._xlsx_extent(path, "x", source._chunks(path, "x", stream, TaskState()))
    assert fast == slow == source._Extent(2, 131, 2, 10)


SHEET_XML = {
    "plain": b'<row r="2"><c r="B2" t="s"><v>0</v></c></row>'
    b'<row r="5"><c r="D5"><f>1+1</f><v>2</v></c><c r="H5" s="1"/></row><row r="9"><c r="C9" s="2"/></row>',
    "prefixed": b'<x:row r="2"><x:c r="B2" t="s"><x:v>0</x:v></x:c></x:row>'
    b'<x:row r="5"><x:c r="D5"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r="H5" s="1"/></x:row>',
    "pretty": b'<row r="2">\n  <c r="B2" t="s">\n    <v>0</v>\n  </c>\n</row>\n'
    b'<row r="5">\n  <c r="D5">\n    <f>1+1</f>\n    <v>2</v>\n  </c>\n  <c r="H5" s="1"/>\n</row>\n',
    "reference last": b'<row r="2"><c t="s" r="B2"><v>0</v></c></row>'
    b'<row r="5"><c s="3" r="D5"><f t="shared" ref="D5:D6" si="0"/><v>2</v></c><c r="H5" s="1"/></row>',
    "row> in a text": b'<row r="2"><c r="B2" t="inlineStr"><is><t>arrow> and </row> here</t></is></c></row>'
    b'<row r="5"><c r="D5"><f>"row>"&amp;1</f><v>x</v></c></row>',
}


@pytest.mark.parametrize("chunk", [5, 64, 1 << 20])
@pytest.mark.parametrize("shape", list(SHEET_XML))
def test_the_look_ahead_reads_what_writers_write(monkeypatch, shape, chunk):
    """The usual cells are found in bulk; a prefixed, indented or odd part is read value by value, with the
    same extent (B2 to D5: H5 and C9 are formatted, empty)."""
    xml = b'<worksheet xmlns="x"><sheetData>' + SHEET_XML[shape] + b"</sheetData></worksheet>"
    monkeypatch.setattr(source, "_CHUNK", chunk)
    fast = source._xlsx_fast_extent(Path("x.xlsx"), "x", io.BytesIO(xml), TaskState())
    slow = source._xlsx_extent(Path("x.xlsx"), "x", source._chunks(Path("x.xlsx"), "x", io.BytesIO(xml), TaskState()))
    assert slow == source._Extent(2, 5, 2, 4)
    if shape == "row> in a text" and fast is None:  # a cell cut in two: the caller reads the slow way
        return
    assert fast == slow


@pytest.mark.timeout(30)
def test_the_look_ahead_ends_where_the_part_ends(monkeypatch):
    """A part ending right after a row tag (or empty) leaves nothing over: the reading must still stop."""
    monkeypatch.setattr(source, "_CHUNK", 16)
    for xml, extent in (
        (b"", source._Extent()),
        (b'<row r="3"><c r="B3"><v>1</v></c></row>', source._Extent(3, 3, 2, 2)),
    ):
        assert source._xlsx_fast_extent(Path("x.xlsx"), "x", io.BytesIO(xml), TaskState()) == extent


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


COMMUNE = Path(__file__).resolve().parent / "fixtures" / "commune.xlsx"  # and .xls, .ods: LibreOffice's


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_old_excel_and_opendocument_files_are_read(db, kind):
    """Files LibreOffice wrote (tests/importer/fixtures/make_fixtures.py), committed: CI needs no LibreOffice."""
    sheets = read_sheets(COMMUNE.with_suffix(f".{kind}"))
    assert [(s.name, s.hidden) for s in sheets] == [("KT", False), ("VHXH", False), ("Năm 2023", True)]
    hidden = sheets[2]
    assert hidden.rows == [
        (1, ["STT", "Tên mô hình", "Lĩnh vực", "Đơn vị thực hiện"]),
        (2, [1, "Mô hình năm trước", "Kinh tế", "Hội Nông dân xã Phi Tô"]),
    ]
    assert isinstance(hidden.rows[1][1][0], int)  # an .xls stores 1.0; it reads as Excel shows it


FILLER = b'<table:table-row table:style-name="ro1" table:number-rows-repeated="1048559">'


def ods_with(path: Path, extra: bytes, before: bytes = b"</table:table>") -> Path:
    """The commune .ods with ``extra`` rows put in its first sheet before ``before``: by default at its end,
    after the empty rows LibreOffice writes down to the last row of the grid."""
    with zipfile.ZipFile(COMMUNE.with_suffix(".ods")) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "content.xml":
                end = data.index(before)
                data = data[:end] + extra + data[end:]
            zout.writestr(item, data)
    return path


def test_an_ods_far_away_cell_is_refused_before_calamine_opens_the_file(tmp_path, monkeypatch):
    """calamine builds every .ods sheet on opening: the look ahead must come first, and see rows as rows
    (it once took <table:table-row> for a new <table:table> and counted nothing)."""
    far = b'<table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
    path = ods_with(tmp_path / "xa.ods", far)

    class NotOpened:
        @staticmethod
        def from_path(path: str) -> None:
            raise AssertionError("calamine opened a file the look ahead should have refused")

    monkeypatch.setattr(source.calamine, "CalamineWorkbook", NotOpened)
    with pytest.raises(AppError, match=r"«KT» có quá nhiều dòng .*đến dòng 1\.048\.577"):
        read_sheets(path)
    wide = (
        b'<table:table-row><table:table-cell table:number-columns-repeated="250"/>'
        b"<table:table-cell><text:p>x</text:p></table:table-cell></table:table-row>"
    )
    with pytest.raises(AppError, match="«KT» có quá nhiều cột"):
        read_sheets(ods_with(tmp_path / "rộng.ods", wide, before=FILLER))
