"""Opening a workbook sent by a unit: refuse clearly what cannot be read, then give plain cell values.

The cells are read by python-calamine, which reads every cell the sheet holds whatever its ``<dimension>``
tag declares (openpyxl's read-only mode trusted that tag and silently dropped rows past it), and reads
.xls and .ods as well as .xlsx.  calamine builds each sheet as a dense grid from its first to its last
filled cell, so a tiny file with one value in A1 and one in XFD1048576 would ask for hundreds of
gigabytes and abort the process: before calamine opens a sheet of an .xlsx or .ods, the sheet's XML is
streamed once to find where its filled cells really are, and a sheet too long or too wide is refused
there (empty formatted rows, however many, do not count).  Both passes check for a cancel.

Merged cells (two-row headers, a group over its sub-columns) are given as ranges.  calamine 0.9 gives them
for .xlsx and .xls (``merged_cell_ranges``, absolute and 0-based) but not for .ods (``None``): there they
are read from the spans the look ahead meets anyway in ``content.xml``.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree import ElementTree

import python_calamine as calamine

from ..errors import AppError
from ..tasks import TaskState

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000  # rows of a list, per sheet and in the whole file
# Lines a sheet may hold beyond its list: title, a header of up to three rows, totals, signatures, notes.
# A 20.000-row list keeps its title block; a sheet past MAX_ROWS + this is refused.
ROOM_AROUND_LIST = 50
MAX_MERGED = 10_000  # merged ranges kept per .ods sheet: a header needs a handful, a forged file a million
MAX_COLUMNS = 200  # per sheet, from its first to its last filled column
MAX_XML_BYTES = 1024 * 1024 * 1024  # one sheet's XML once unzipped: past this it is a zip bomb, not a list
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 1024 * 1024
_CANCEL_EVERY = 500  # rows between two looks at the cancel flag while converting


@dataclass
class SheetData:
    name: str
    rows: list[tuple[int, list[object]]]  # (row number as Excel shows it, values); empty rows left out
    hidden: bool = False  # hidden or very hidden in the workbook; read all the same, the caller decides
    # Merged ranges (first_row, first_col, last_row, last_col), inclusive: rows numbered as in ``rows``, columns
    # 0-based as the value lists are indexed.  Empty when the file has none; the caller then guesses.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class _Extent:
    """Where a sheet's filled cells are, 1-based and inclusive; ``None`` while no filled cell was seen."""

    first_row: int | None = None
    last_row: int = 0
    first_col: int | None = None
    last_col: int = 0
    # .ods only: merged ranges met on the way, in SheetData.merged's numbering.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list, compare=False)

    def add(self, row: int, col: int, rows: int = 1, cols: int = 1) -> None:
        self.first_row = row if self.first_row is None else min(self.first_row, row)
        self.last_row = max(self.last_row, row + rows - 1)
        self.first_col = col if self.first_col is None else min(self.first_col, col)
        self.last_col = max(self.last_col, col + cols - 1)

    @property
    def height(self) -> int:
        return 0 if self.first_row is None else self.last_row - self.first_row + 1

    @property
    def width(self) -> int:
        return 0 if self.first_col is None else self.last_col - self.first_col + 1


def _refuse(path: Path, reason: str) -> AppError:
    return AppError(f"Không đọc được tệp «{path.name}»: {reason}")


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _damaged(path: Path, exc: BaseException | None = None) -> AppError:
    what = f" ({type(exc).__name__})" if exc is not None else ""
    return _refuse(path, f"tệp bị hỏng{what}. Hãy mở thử bằng Excel, lưu lại rồi nhập lại.")


def check_file(path: Path) -> str:
    """Refuse, before opening, a file that is missing, huge, encrypted or not a spreadsheet at all.

    Returns the kind read from the file's first bytes (never from its name): "xlsx", "ods" or "xls".
    """
    if not path.is_file():
        raise _refuse(path, "không tìm thấy tệp.")
    size = path.stat().st_size
    if size == 0:
        raise _refuse(path, "tệp rỗng (0 byte).")
    if size > MAX_BYTES:
        raise _refuse(
            path,
            f"tệp quá lớn ({size // (1024 * 1024)} MB, tối đa {MAX_BYTES // (1024 * 1024)} MB). "
            "Hãy chia nhỏ tệp hoặc xóa các trang không cần thiết.",
        )
    with path.open("rb") as fh:
        head = fh.read(8)
        if head == CFB_MAGIC:
            fh.seek(0)
            blob = fh.read(min(size, 4 * 1024 * 1024))
            if "EncryptionInfo".encode("utf-16-le") in blob or "EncryptedPackage".encode("utf-16-le") in blob:
                raise _refuse(
                    path,
                    "tệp đang được đặt mật khẩu. Hãy mở bằng Excel, gỡ mật khẩu (Tệp › Thông tin › "
                    "Bảo vệ sổ làm việc) rồi lưu lại và nhập lại.",
                )
            return "xls"
    if head[:4] != ZIP_MAGIC:
        raise _refuse(path, "đây không phải tệp Excel (.xlsx, .xls) hay .ods. Hãy chọn đúng tệp đăng ký dạng Excel.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _damaged(path, exc) from exc
    if "content.xml" in names and "xl/workbook.xml" not in names:
        return "ods"
    return "xlsx"


def read_sheets(path: Path | str, task: TaskState | None = None) -> list[SheetData]:
    """Every worksheet (hidden ones flagged) with its non-empty rows, values as Excel last computed them.

    Raises :class:`AppError` for a file that cannot be read or is too big, :class:`Cancelled` on a cancel.
    """
    path = Path(path)
    kind = check_file(path)
    task = task or TaskState()
    # Before calamine opens the file: it builds every sheet of an .ods at once (1,3 GB for one far-away cell).
    try:
        extents = _extents(path, kind, task)
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError, EOFError, KeyError) as exc:
        raise _damaged(path, exc) from exc
    try:
        workbook = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise _refuse(path, "tệp đang được đặt mật khẩu. Hãy gỡ mật khẩu trong Excel rồi nhập lại.") from exc
    except (calamine.CalamineError, OSError, ValueError) as exc:
        if kind == "xls":
            raise _refuse(
                path,
                "tệp Excel 97-2003 (.xls) này bị hỏng hoặc không đọc được. Hãy mở bằng Excel, chọn Lưu thành "
                "(Save As) › «Excel Workbook (*.xlsx)» rồi nhập tệp .xlsx đó.",
            ) from exc
        raise _refuse(
            path, "tệp bị hỏng hoặc không phải sổ tính Excel hợp lệ. Hãy mở thử bằng Excel, lưu lại rồi nhập lại."
        ) from exc
    try:
        metadata = [m for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
        sheets: list[SheetData] = []
        total = 0
        for index, meta in enumerate(metadata, start=1):
            task.progress(index - 1, len(metadata), f"Trang «{meta.name}»")
            extent = extents.get(meta.name) if extents is not None else None
            if extent is not None:
                _check_extent(path, meta.name, extent)
            sheet = workbook.get_sheet_by_name(meta.name)
            if extent is None:  # .xls: no cheap look ahead, so the bounds are checked on what calamine built
                _check_extent(path, meta.name, _Extent(1, sheet.height, 1, sheet.width) if sheet.height else _Extent())
            rows = _rows(sheet, task)
            total += len(rows)
            if total > MAX_ROWS + ROOM_AROUND_LIST * index:
                raise _refuse(
                    path,
                    f"tệp có quá nhiều dòng (hơn {_number(MAX_ROWS)}). Hãy chỉ để lại danh sách đăng ký.",
                )
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            merged = sorted(extent.merged) if kind == "ods" and extent is not None else _merged(sheet)
            sheets.append(SheetData(meta.name, rows, hidden, merged))
    except AppError:
        raise
    except (calamine.CalamineError, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError, EOFError) as exc:
        raise _damaged(path, exc) from exc
    finally:
        workbook.close()
    if not any(sheet.rows for sheet in sheets):
        raise _refuse(path, "tệp không có dữ liệu (các trang đều trống).")
    return sheets


def _merged(sheet: calamine.CalamineSheet) -> list[tuple[int, int, int, int]]:
    """calamine's ranges ((row, col), (row, col)), 0-based and absolute, in SheetData.merged's numbering."""
    ranges = sheet.merged_cell_ranges or []  # None: the format gives none (.ods in calamine 0.9)
    return sorted((r0 + 1, c0, r1 + 1, c1) for (r0, c0), (r1, c1) in ranges)


def _too_long(extent: _Extent) -> bool:
    return extent.height > MAX_ROWS + ROOM_AROUND_LIST


def _check_extent(path: Path, sheet: str, extent: _Extent) -> None:
    if _too_long(extent):
        raise _refuse(
            path,
            f"trang «{sheet}» có quá nhiều dòng (dữ liệu trải từ dòng {_number(extent.first_row or 0)} đến "
            f"dòng {_number(extent.last_row)}, tối đa {_number(MAX_ROWS)} dòng). Hãy xóa các dòng thừa ở cuối "
            "trang hoặc chỉ để lại danh sách đăng ký.",
        )
    if extent.width > MAX_COLUMNS:
        raise _refuse(
            path,
            f"trang «{sheet}» có quá nhiều cột (dữ liệu trải trên {_number(extent.width)} cột, tối đa "
            f"{MAX_COLUMNS}). Hãy xóa các ô có nội dung ở các cột xa bên phải rồi nhập lại.",
        )


def _rows(sheet: calamine.CalamineSheet, task: TaskState) -> list[tuple[int, list[object]]]:
    start = sheet.start
    if start is None:  # no filled cell at all
        return []
    # to_python() begins at the first filled row and column (its documented default): put back the
    # columns before it so that column indexes are the sheet's, and number rows from that first row.
    first, lead = start[0] + 1, [None] * start[1]
    rows: list[tuple[int, list[object]]] = []
    for offset, raw in enumerate(sheet.to_python()):
        if offset % _CANCEL_EVERY == 0:
            task.check()
        values = [_value(v) for v in raw]
        if any(v is not None for v in values):
            rows.append((first + offset, lead + values))
    return rows


def _value(value: object) -> object:
    """calamine's value as openpyxl gave it, which is what the importer was written and tested against."""
    if value == "" or value is None:
        return None
    if isinstance(value, float) and not isinstance(value, bool) and value.is_integer():
        return int(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


# ----------------------------------------------------------------- looking ahead at the XML


def _extents(path: Path, kind: str, task: TaskState) -> dict[str, _Extent] | None:
    """Each sheet's filled extent by name, from one streamed pass over its XML; None for .xls."""
    if kind == "xls":
        return None
    with zipfile.ZipFile(path) as archive:
        if kind == "ods":
            return _ods_extents(path, archive, task)
        result: dict[str, _Extent] = {}
        for name, part in _xlsx_parts(archive).items():
            if part in archive.namelist():
                with archive.open(part) as stream:
                    extent = _xlsx_fast_extent(path, name, stream, task)
                if extent is None:  # a cell without its reference: follow every row and cell instead
                    with archive.open(part) as stream:
                        extent = _xlsx_extent(path, name, _chunks(path, name, stream, task))
                result[name] = extent
        return result


def _small_xml(archive: zipfile.ZipFile, name: str) -> ElementTree.Element:
    info = archive.getinfo(name)
    if info.file_size > 16 * 1024 * 1024:  # workbook.xml lists sheets; megabytes of it is a forged file
        raise ValueError(f"{name} is {info.file_size} bytes")
    return ElementTree.fromstring(archive.read(name))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xlsx_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML part inside the zip, from the workbook and its relationships."""
    workbook = _small_xml(archive, "xl/workbook.xml")
    rels_name = "xl/_rels/workbook.xml.rels"
    targets: dict[str, str] = {}
    if rels_name in archive.namelist():
        for rel in _small_xml(archive, rels_name):
            target = rel.get("Target", "")
            if target.startswith("/"):
                part = target.lstrip("/")
            else:
                part = str(PurePosixPath("xl") / target)
            targets[rel.get("Id", "")] = _normalise(part)
    parts: dict[str, str] = {}
    for element in workbook.iter():
        if _local(element.tag) != "sheet":
            continue
        rid = next((v for k, v in element.attrib.items() if _local(k) == "id"), "")
        if rid in targets:
            parts[element.get("name", "")] = targets[rid]
    return parts


def _normalise(part: str) -> str:
    pieces: list[str] = []
    for piece in part.split("/"):
        if piece == "..":
            if pieces:
                pieces.pop()
        elif piece not in ("", "."):
            pieces.append(piece)
    return "/".join(pieces)


def _chunks(path: Path, sheet: str, stream: IO[bytes], task: TaskState) -> Iterator[bytes]:
    """The part's bytes, cut after a '>' so that no tag is split; cancel is checked between chunks."""
    carry = b""
    seen = 0
    while True:
        task.check()
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        seen += len(chunk)
        if seen > MAX_XML_BYTES:
            raise _refuse(path, f"trang «{sheet}» quá lớn khi giải nén (hơn {MAX_XML_BYTES // (1024 * 1024)} MB).")
        data = carry + chunk
        cut = data.rfind(b">") + 1
        carry = data[cut:]
        if cut:
            yield data[:cut]
    if carry:
        yield carry


# A row, a cell, a value inside a cell, or the end of a cell; any namespace prefix («x:c»).
_XLSX_TOKEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c|v|is)\b([^>]*?)(/?)>|</(?:[A-Za-z_][\w.-]*:)?c>")
_ROW_REF = re.compile(rb'(?:^|\s)r="(\d+)"')
_CELL_REF = re.compile(rb'(?:^|\s)r="\$?([A-Za-z]+)\$?(\d+)"')


_P = rb"(?:[A-Za-z_][\w.-]*:)?"  # an optional namespace prefix
# Only cells holding a value count, and a file may hold millions of empty formatted cells: the values are found
# by the regular expression engine alone.  Usually each is found with its cell's reference in one match (a cell
# holds its formula, then its value); a part where some value is not is read value by value, looking back
# from each to its cell tag.
_VALUE_TAG = re.compile(rb"<" + _P + rb"(?:v|is)\b")
_VALUE_CELL = re.compile(
    rb"<" + _P + rb'c\s[^>]*?(?<=\s)r="\$?([A-Za-z]{1,3})\$?(\d{1,7})"[^>]*(?<!/)>\s*'
    rb"(?:<" + _P + rb"f\b[^>]*?(?:/>|>[^<]*</" + _P + rb"f>)\s*)?"
    rb"<" + _P + rb"(?:v|is)[ >]"
)
# The same as Excel, LibreOffice and openpyxl write it: no prefix, the reference first.  Starting with a
# fixed string, it is searched for three times as fast.
_PLAIN_VALUE_CELL = re.compile(
    rb'<c r="([A-Z]{1,3})(\d{1,7})"[^>]*(?<!/)>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?<(?:v|is)[ >]'
)
_CELL_START = re.compile(rb"<" + _P + rb"c(\s[^>]*)?>")
_STEPS_BACK = 16  # past a formula's tags; further back means an odd file, read the slow way
_ROW_END = b"row>"  # </row> (any prefix), or an opening <row>: never inside a cell, so parts hold whole cells
_MAX_CARRY = 16 * 1024 * 1024  # a row longer than this without its end: an odd file, read the slow way


def _xlsx_fast_extent(path: Path, sheet: str, stream: IO[bytes], task: TaskState) -> _Extent | None:
    """:func:`_xlsx_extent` for the usual file, where every cell carries its reference (Excel, LibreOffice
    and openpyxl all write it); None when a cell has none.  The XML is cut after row tags, so that no cell
    is split between two parts."""
    extent = _Extent()
    carry, seen = b"", 0
    while True:
        task.check()
        chunk = stream.read(_CHUNK)
        seen += len(chunk)
        if seen > MAX_XML_BYTES:
            raise _refuse(path, f"trang «{sheet}» quá lớn khi giải nén (hơn {MAX_XML_BYTES // (1024 * 1024)} MB).")
        data = carry + chunk
        if chunk:
            cut = data.rfind(_ROW_END) + len(_ROW_END)
            if cut < len(_ROW_END):  # no row tag in it yet
                if len(data) > _MAX_CARRY:
                    return None
                carry = data
                continue
            part, carry = data[:cut], data[cut:]
        else:
            part = data
        if not _part_extent(part, extent):
            return None
        if _too_long(extent) or extent.width > MAX_COLUMNS:
            _check_extent(path, sheet, extent)
        if not chunk:
            return extent


def _part_extent(part: bytes, extent: _Extent) -> bool:
    """Add the part's cells holding a value to ``extent``; False when one of them has no reference."""
    if b":v" in part or b":is" in part:  # prefixed tags (or such text): count them the careful way
        values = len(_VALUE_TAG.findall(part))
    else:
        values = sum(part.count(tag) for tag in (b"<v>", b"<v ", b"<is>", b"<is "))
    for pattern in (_PLAIN_VALUE_CELL, _VALUE_CELL):
        refs = pattern.findall(part)
        if len(refs) == values:
            if refs:
                rows = list(map(int, (number for _, number in refs)))
                columns = [_column_number(letters) for letters in {letters for letters, _ in refs}]
                extent.add(min(rows), min(columns))
                extent.add(max(rows), max(columns))
            return True
    for match in _VALUE_TAG.finditer(part):
        ref = _cell_ref_before(part, match.start())
        if ref is None:
            return False
        extent.add(*ref)
    return True


def _cell_ref_before(data: bytes, end: int) -> tuple[int, int] | None:
    """(row, column) of the cell whose start tag is the last one before ``end``; None if not found there."""
    for _ in range(_STEPS_BACK):
        start = data.rfind(b"<", 0, end)
        if start < 0:
            return None
        cell = _CELL_START.match(data, start)
        if cell is not None:
            found = _CELL_REF.search(cell.group(1) or b"")
            return (int(found.group(2)), _column_number(found.group(1))) if found else None
        end = start
    return None


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


def _xlsx_extent(path: Path, sheet: str, chunks: Iterator[bytes]) -> _Extent:
    """Where the cells holding a value (``<v>`` or an inline string) are; formatting-only cells are ignored.

    Row and cell references are optional in the format: a missing one follows the previous one, as calamine
    reads it.  Stops, refusing, as soon as the sheet is known to be too long or too wide.
    """
    extent = _Extent()
    row, col, in_cell, counted = 0, 0, False, False
    for data in chunks:
        for match in _XLSX_TOKEN.finditer(data):
            name = match.group(1)
            if name is None:  # </c>
                in_cell = False
            elif name == b"row":
                found = _ROW_REF.search(match.group(2))
                row = int(found.group(1)) if found else row + 1
                col = 0
            elif name == b"c":
                found = _CELL_REF.search(match.group(2))
                if found:
                    col, row = _column_number(found.group(1)), int(found.group(2))
                else:
                    col += 1
                in_cell, counted = not match.group(3), False
            elif in_cell and not counted:  # <v> or <is>
                counted = True
                extent.add(row, col)
                if _too_long(extent) or extent.width > MAX_COLUMNS:
                    _check_extent(path, sheet, extent)
    return extent


# The name must end where the tag's name ends: «\b» would let <table:table-row> pass for <table:table>.
_ODS_TOKEN = re.compile(
    rb"<(table:table|table:table-row|table:table-cell|table:covered-table-cell)(?=[\s/>])([^>]*?)(/?)>"
    rb"|</(table:table-row|table:table-cell|table:covered-table-cell)>|<text:p\b"
)
_ODS_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_REPEAT_COLS = re.compile(rb'table:number-columns-repeated="(\d+)"')
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')
_ODS_SPAN_ROWS = re.compile(rb'table:number-rows-spanned="(\d+)"')
_ODS_SPAN_COLS = re.compile(rb'table:number-columns-spanned="(\d+)"')


def _ods_extents(path: Path, archive: zipfile.ZipFile, task: TaskState) -> dict[str, _Extent]:
    """The same look ahead for an OpenDocument sheet, where a row or a cell may stand for many
    (``number-rows-repeated``): a value repeated down a million rows counts as a million rows."""
    import html

    result: dict[str, _Extent] = {}
    extent = _Extent()
    sheet = ""
    row, col, row_repeat, cell_repeat = 0, 0, 1, 1
    in_cell, cell_filled = False, False

    def close_cell() -> None:
        if cell_filled:
            extent.add(row, col, row_repeat, cell_repeat)
            if _too_long(extent) or extent.width > MAX_COLUMNS:
                _check_extent(path, sheet, extent)

    def note_span(attrs: bytes) -> None:
        # Only the first of repeated cells or rows: a repeated merge is filler, never a header.
        rows, cols = _ODS_SPAN_ROWS.search(attrs), _ODS_SPAN_COLS.search(attrs)
        down, across = int(rows.group(1)) if rows else 1, int(cols.group(1)) if cols else 1
        if (down > 1 or across > 1) and len(extent.merged) < MAX_MERGED:
            extent.merged.append((row, col - 1, row + down - 1, col + across - 2))

    with archive.open("content.xml") as stream:
        for data in _chunks(path, "content.xml", stream, task):
            for match in _ODS_TOKEN.finditer(data):
                opening, attrs, closed, ending = match.group(1), match.group(2), match.group(3), match.group(4)
                if opening == b"table:table":
                    found = _ODS_NAME.search(attrs or b"")
                    sheet = html.unescape(found.group(1).decode("utf-8", "replace")) if found else ""
                    extent = result.setdefault(sheet, _Extent())
                    row = 0
                elif opening == b"table:table-row":
                    repeat = _ODS_REPEAT_ROWS.search(attrs)
                    row += row_repeat if row else 1
                    row_repeat = int(repeat.group(1)) if repeat else 1
                    col, cell_repeat = 0, 1
                elif opening is not None:  # a cell
                    repeat = _ODS_REPEAT_COLS.search(attrs)
                    col += cell_repeat if col else 1
                    cell_repeat = int(repeat.group(1)) if repeat else 1
                    cell_filled = b"value-type=" in attrs
                    in_cell = not closed
                    if opening == b"table:table-cell" and b"-spanned=" in attrs:
                        note_span(attrs)
                    if closed:
                        close_cell()
                elif ending is not None:
                    if ending != b"table:table-row" and in_cell:
                        in_cell = False
                        close_cell()
                elif in_cell:  # <text:p> inside a cell: text without a declared type still shows
                    cell_filled = True
    return result
