"""Opening a workbook sent by a unit: refuse clearly what cannot be read, then give plain cell values.

The cells are read by python-calamine, which reads every cell the sheet holds whatever its ``<dimension>``
tag declares (openpyxl's read-only mode trusted that tag and silently dropped rows past it), and reads
.xls and .ods as well as .xlsx.  calamine builds each sheet as a dense grid from its first to its last
filled cell, so a tiny file with one value in A1 and one in XFD1048576 would ask for hundreds of
gigabytes and abort the process: before calamine opens a sheet of an .xlsx or .ods, the sheet's XML is
streamed once to find where its filled cells really are, and a sheet too long or too wide is refused
there (empty formatted rows, however many, do not count).  Both passes check for a cancel.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree import ElementTree

import python_calamine as calamine

from ..errors import AppError
from ..tasks import TaskState

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 20_000  # per sheet, from its first to its last filled row; and filled rows in the whole file
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


@dataclass
class _Extent:
    """Where a sheet's filled cells are, 1-based and inclusive; ``None`` while no filled cell was seen."""

    first_row: int | None = None
    last_row: int = 0
    first_col: int | None = None
    last_col: int = 0

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
        extents = _extents(path, kind, task)
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
            if total > MAX_ROWS:
                raise _refuse(
                    path,
                    f"tệp có quá nhiều dòng (hơn {_number(MAX_ROWS)}). Hãy chỉ để lại danh sách đăng ký.",
                )
            hidden = meta.visible != calamine.SheetVisibleEnum.Visible
            sheets.append(SheetData(meta.name, rows, hidden))
    except AppError:
        raise
    except (calamine.CalamineError, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError, EOFError) as exc:
        raise _damaged(path, exc) from exc
    finally:
        workbook.close()
    if not any(sheet.rows for sheet in sheets):
        raise _refuse(path, "tệp không có dữ liệu (các trang đều trống).")
    return sheets


def _check_extent(path: Path, sheet: str, extent: _Extent) -> None:
    if extent.height > MAX_ROWS:
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
# by the regular expression engine alone, then the cell tag before each is read (one or two steps back).
_VALUE_TAG = re.compile(rb"<" + _P + rb"(?:v|is)\b")
_CELL_START = re.compile(rb"<" + _P + rb"c(\s[^>]*)?>")
_STEPS_BACK = 16  # past a formula's tags; further back means an odd file, read the slow way
_OVERLAP = 64 * 1024  # a cell tag and its formula split by a chunk's end are whole in the next chunk
_TAG_CUT = 32  # a value tag starting this near a chunk's end may have been cut: it is looked at again


def _xlsx_fast_extent(path: Path, sheet: str, stream: IO[bytes], task: TaskState) -> _Extent | None:
    """:func:`_xlsx_extent` for the usual file, where every cell carries its reference (Excel, LibreOffice
    and openpyxl all write it); None when a cell has none.  Chunks overlap: a cell seen twice counts once."""
    extent = _Extent()
    tail, seen = b"", 0
    while True:
        task.check()
        chunk = stream.read(_CHUNK)
        if not chunk:
            return extent
        seen += len(chunk)
        if seen > MAX_XML_BYTES:
            raise _refuse(path, f"trang «{sheet}» quá lớn khi giải nén (hơn {MAX_XML_BYTES // (1024 * 1024)} MB).")
        data = tail + chunk
        # Values in the overlap were counted with the previous chunk, except one whose tag that chunk cut.
        for match in _VALUE_TAG.finditer(data, max(0, len(tail) - _TAG_CUT)):
            ref = _cell_ref_before(data, match.start())
            if ref is None:
                return None
            extent.add(*ref)
        if extent.height > MAX_ROWS or extent.width > MAX_COLUMNS:
            _check_extent(path, sheet, extent)
        tail = data[-_OVERLAP:]


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
                if extent.height > MAX_ROWS or extent.width > MAX_COLUMNS:
                    _check_extent(path, sheet, extent)
    return extent


_ODS_TOKEN = re.compile(
    rb"<(table:table|table:table-row|table:table-cell|table:covered-table-cell)\b([^>]*?)(/?)>"
    rb"|</(table:table-row|table:table-cell|table:covered-table-cell)>|<text:p\b"
)
_ODS_REPEAT_ROWS = re.compile(rb'table:number-rows-repeated="(\d+)"')
_ODS_REPEAT_COLS = re.compile(rb'table:number-columns-repeated="(\d+)"')
_ODS_NAME = re.compile(rb'table:name="([^"]*)"')


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
            if extent.height > MAX_ROWS or extent.width > MAX_COLUMNS:
                _check_extent(path, sheet, extent)

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
                    if closed:
                        close_cell()
                elif ending is not None:
                    if ending != b"table:table-row" and in_cell:
                        in_cell = False
                        close_cell()
                elif in_cell:  # <text:p> inside a cell: text without a declared type still shows
                    cell_filled = True
    return result
