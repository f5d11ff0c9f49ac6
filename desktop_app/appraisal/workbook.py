"""The score workbook round trip, for councils that score in Excel.

One sheet per member (and per kind when the year has both models and exemplars):
models as rows, criteria as columns with their maxima, cells validated.  A hidden
sheet maps sheets to members; a hidden column maps rows to models by UUID.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .. import domain
from ..documents.excel import FONT, NATION_TITLE, PARTY_TITLE, official_page_setup, use_document_font
from ..errors import AppError
from ..fileio import replacing
from ..history import record
from ..office import Issuer
from ..services.settings import get_office
from ..spreadsheet import put
from ..storage.models import MoHinh
from ..tasks import TaskState
from ..text import clean
from .aggregate import check_points
from .council import assigned_model_ids, conflicts, council_members
from .criteria import criteria_set_for
from .info import MemberInfo
from .scoring import ensure_unlocked, models_to_score, save_sheet, sheet
from .tables import CouncilMember

META = "_thong_tin"
HEADER_ROW, MAX_ROW, FIRST_ROW = 4, 5, 6
FIRST_CRITERION_COL = 5  # A STT, B mã, C tên, D đơn vị
THIN = Side(style="thin", color="888888")
IMPORT_LABEL = "Nhập bảng chấm điểm từ tệp"


@dataclass
class Refusal:
    sheet: str
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    sheets: int = 0
    saved_sheets: list[str] = field(default_factory=list)
    sheets_saved_count: int = 0
    refused: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def to_json(self) -> dict[str, Any]:
        return {
            "sheets": self.sheets,
            "saved_sheets": self.saved_sheets,
            "saved": self.sheets_saved_count,
            "refused": [r.__dict__ for r in self.refused],
        }


def _sheet_title(name: str, suffix: str, used: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[: 31 - len(suffix)] + suffix
    title, n = base, 2
    while title in used:
        title = f"{base[:28]}~{n}"
        n += 1
    used.add(title)
    return title


def _page_header(ws: Worksheet, issuer: Issuer | None) -> None:
    """The issuing body and the Party's or the nation's title at the top of every printed page: the sheet's
    own first rows are the form the import reads, so the document's header goes in the page header."""
    header = ws.oddHeader
    if issuer is None or header is None:
        return
    nation = PARTY_TITLE if issuer.party else NATION_TITLE
    for part, text in ((header.left, issuer.issuing_body.upper()), (header.right, nation)):
        part.text = text.replace("&", "&&")  # a lone & starts a header code
        part.font = f"{FONT},Bold"
        part.size = 11


def _signature(ws: Worksheet, member: MemberInfo, row: int, first_col: int, last_col: int) -> None:
    """ "Người chấm" and the member's name under the rows, as on the printed score sheet (column B stays
    empty, so the import passes these rows by)."""
    for offset, (text, bold, italic) in enumerate(
        (("NGƯỜI CHẤM", True, False), ("(Ký, ghi rõ họ tên)", False, True), ("", False, False), ("", False, False))
        + ((member.name, True, False),)
    ):
        cell = put(ws, row + offset, first_col, text or None)
        cell.font = Font(name=FONT, size=13, bold=bold, italic=italic)
        cell.alignment = Alignment(horizontal="center")
        if last_col > first_col:
            ws.merge_cells(start_row=row + offset, start_column=first_col, end_row=row + offset, end_column=last_col)


def export_workbook(year: int, target: Path | str, task: TaskState | None = None, *, style: str | None = None) -> Path:
    """One sheet per member (and kind) to score in Excel and import back; printed in ``style`` (the office's
    default when not given; an office with no identity yet still gets its workbook, without a page header)."""
    task = task or TaskState()
    target = Path(target)
    members = council_members(year)
    if not members:
        raise AppError(f"Năm {year} chưa có thành viên hội đồng thẩm định; hãy thêm hội đồng trước.")
    office = get_office()
    issuer = office.issuer(style) if style else office.default_issuer()
    models = models_to_score(year)
    kinds = [k for k in domain.KINDS if any(m.kind == k for m in models)]
    abstain = conflicts(year)
    book = Workbook()
    use_document_font(book)
    book.remove(book.worksheets[0])  # the empty default sheet
    meta = book.create_sheet(META)
    meta.append(["sheet", "member_uuid", "kind", "year"])
    used: set[str] = set()
    for index, member in enumerate(members, start=1):
        task.progress(index, len(members), member.name)
        for kind in kinds:
            suffix = "" if len(kinds) == 1 else (" (MH)" if kind == domain.KIND_COLLECTIVE else " (ĐH)")
            sheet_models = [m for m in models if m.kind == kind and m.id in assigned_model_ids(member, [m.id])]
            ws = book.create_sheet(_sheet_title(member.name, suffix, used))
            meta.append([ws.title, member.uuid, kind, year])
            criteria = criteria_set_for(year, kind).criteria
            ws["A1"] = f"PHIẾU CHẤM ĐIỂM {domain.KINDS[kind].upper()} “DÂN VẬN KHÉO” NĂM {year}"
            ws["A1"].font = Font(name=FONT, bold=True, size=13)
            ws["A2"] = f"Thành viên hội đồng: {member.name} — {member.title} ({member.role})"
            ws["A3"] = "Nhập điểm nguyên hoặc nửa điểm (ví dụ 7,5), không vượt điểm tối đa. Không sửa cột «Mã»."
            ws["A3"].font = Font(name=FONT, italic=True, color="555555")
            headers = (
                ["STT", "Mã (không sửa)", "Tên mô hình, điển hình", "Đơn vị thực hiện"]
                + [f"TC{c.order}" for c in criteria]
                + ["Tổng"]
            )
            for col, text in enumerate(headers, start=1):
                cell = ws.cell(HEADER_ROW, col, text)
                cell.font = Font(name=FONT, bold=True)
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
                cell.fill = PatternFill("solid", fgColor="DDE6F0")
                cell.border = Border(top=THIN, bottom=THIN, left=THIN, right=THIN)
            ws.cell(MAX_ROW, 3, "Điểm tối đa").font = Font(name=FONT, italic=True)
            for offset, criterion in enumerate(criteria):
                col = FIRST_CRITERION_COL + offset
                ws.cell(MAX_ROW, col, criterion.max_points).font = Font(name=FONT, italic=True)
                ws.cell(HEADER_ROW, col).comment = None
                letter = get_column_letter(col)
                rule = DataValidation(
                    type="decimal",
                    operator="between",
                    formula1="0",
                    formula2=str(criterion.max_points),
                    allow_blank=True,
                    showErrorMessage=True,
                    errorTitle="Điểm không hợp lệ",
                    error=f"Điểm tiêu chí {criterion.order} từ 0 đến {criterion.max_points:g}.",
                )
                ws.add_data_validation(rule)
                if sheet_models:
                    rule.add(f"{letter}{FIRST_ROW}:{letter}{FIRST_ROW + len(sheet_models) - 1}")
                ws.column_dimensions[letter].width = 8
            ws.cell(MAX_ROW, FIRST_CRITERION_COL + len(criteria), sum(c.max_points for c in criteria))
            for row_offset, model in enumerate(sheet_models):
                row = FIRST_ROW + row_offset
                ws.cell(row, 1, row_offset + 1)
                put(ws, row, 2, model.uuid)
                put(ws, row, 3, model.name).alignment = Alignment(wrap_text=True, vertical="top")
                put(ws, row, 4, model.unit).alignment = Alignment(wrap_text=True, vertical="top")
                if (member.id, model.id) in abstain:
                    ws.cell(row, FIRST_CRITERION_COL, "Không chấm (xung đột lợi ích)")
                    continue
                values = sheet(year, member.id, model.id)
                for offset, criterion in enumerate(criteria):
                    ws.cell(row, FIRST_CRITERION_COL + offset, values.get(criterion.id))
                first = get_column_letter(FIRST_CRITERION_COL)
                last = get_column_letter(FIRST_CRITERION_COL + len(criteria) - 1)
                ws.cell(row, FIRST_CRITERION_COL + len(criteria), f"=SUM({first}{row}:{last}{row})")
            ws.column_dimensions["A"].width = 5
            ws.column_dimensions["B"].hidden = True
            ws.column_dimensions["C"].width = 50
            ws.column_dimensions["D"].width = 28
            ws.freeze_panes = ws.cell(FIRST_ROW, FIRST_CRITERION_COL).coordinate
            total_col = FIRST_CRITERION_COL + len(criteria)
            _signature(ws, member, FIRST_ROW + len(sheet_models) + 1, max(3, total_col - 4), total_col)
            _page_header(ws, issuer)
            official_page_setup(ws, landscape=True, title_rows=(HEADER_ROW, MAX_ROW))
    meta.sheet_state = "hidden"
    # Through X.xlsx.tmp and a rename: a crash or a full disk while saving leaves the previous workbook, with
    # the scores a council may have typed into it, as it was.
    with replacing(target) as partial:
        book.save(partial)
    return target


def _open(source: Path) -> Workbook:
    if source.suffix.lower() == ".xls":
        raise AppError(f"Tệp «{source.name}» là định dạng Excel cũ (.xls); hãy mở bằng Excel và lưu lại dạng .xlsx.")
    try:
        return load_workbook(source, data_only=True)
    except FileNotFoundError:
        raise AppError(f"Không tìm thấy tệp «{source}».") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise AppError(
            f"Tệp «{source.name}» không đọc được: không phải tệp Excel .xlsx hoặc tệp bị hỏng (hoặc có mật khẩu)."
        ) from exc


def import_workbook(
    source: Path | str, *, keep_valid_sheets: bool = False, task: TaskState | None = None
) -> ImportReport:
    """Read every sheet with the grid's checks; save all, or nothing if any cell is refused
    (unless ``keep_valid_sheets``: then the sheets without refusals are saved)."""
    task = task or TaskState()
    source = Path(source)
    book = _open(source)
    if META not in book.sheetnames:
        raise AppError(
            f"Tệp «{source.name}» không phải bảng chấm điểm do chương trình xuất ra (thiếu trang "
            f"«{META}»). Hãy xuất bảng chấm điểm rồi nhập lại đúng tệp đó."
        )
    report = ImportReport()
    pending: dict[str, list[tuple[int, int, int, dict[int, object]]]] = {}
    rows_meta = list(book[META].iter_rows(min_row=2, values_only=True))
    for index, (raw_title, member_uuid, raw_kind, raw_year) in enumerate(rows_meta, start=1):
        title = clean(raw_title)
        task.progress(index, len(rows_meta), title)
        if title not in book.sheetnames:
            continue
        report.sheets += 1
        ws = book[title]
        member = CouncilMember.get_or_none(CouncilMember.uuid == clean(member_uuid))
        if member is None:
            report.refused.append(Refusal(title, 1, "", "Thành viên hội đồng của trang này không còn trong dữ liệu."))
            continue
        # The hidden sheet can still be unhidden and edited: a year or kind that is no longer ours is refused,
        # not a crash in int().
        kind, year_text = clean(raw_kind), clean(raw_year)
        if kind not in domain.KINDS or not year_text.isdigit():
            report.refused.append(
                Refusal(title, 1, "", f"Trang «{META}» đã bị sửa (năm, loại); hãy xuất lại bảng chấm điểm.")
            )
            continue
        year = int(year_text)
        criteria = criteria_set_for(year, kind).criteria
        headers = [clean(ws.cell(HEADER_ROW, FIRST_CRITERION_COL + i).value) for i in range(len(criteria))]
        if headers != [f"TC{c.order}" for c in criteria]:
            report.refused.append(
                Refusal(
                    title,
                    HEADER_ROW,
                    get_column_letter(FIRST_CRITERION_COL),
                    "Các cột tiêu chí không khớp với bộ tiêu chí hiện tại; hãy xuất lại bảng chấm điểm.",
                )
            )
            continue
        sheets = pending.setdefault(title, [])
        for row in range(FIRST_ROW, ws.max_row + 1):
            uuid = clean(ws.cell(row, 2).value)
            if not uuid:
                continue
            model = MoHinh.get_or_none(MoHinh.uuid == uuid)
            if model is None or model.year != year:
                report.refused.append(Refusal(title, row, "B", "Mã mô hình không có trong dữ liệu năm này."))
                continue
            first_value = ws.cell(row, FIRST_CRITERION_COL).value
            if isinstance(first_value, str) and "xung đột" in first_value:
                continue
            values: dict[int, object] = {}
            for offset, criterion in enumerate(criteria):
                col = FIRST_CRITERION_COL + offset
                raw = ws.cell(row, col).value
                try:
                    check_points(raw, criterion.max_points, f"tiêu chí {criterion.order}")
                except ValueError as exc:
                    report.refused.append(
                        Refusal(title, row, f"{get_column_letter(col)} (TC{criterion.order})", str(exc))
                    )
                    continue
                values[criterion.id] = raw
            # A row left blank keeps whatever was scored before rather than wiping it.
            if any(clean(v) for v in values.values() if v is not None):
                sheets.append((year, member.id, model.id, values))
    refused_sheets = {r.sheet for r in report.refused}
    if report.refused and not keep_valid_sheets:
        return report
    # One batch named after the file: the history shows which workbook brought each sheet's points.
    with record.batch(f"{IMPORT_LABEL} «{source.name}»"):
        for title, items in pending.items():
            if title in refused_sheets or not items:
                continue
            for year, member_id, model_id, values in items:
                ensure_unlocked(year)
                save_sheet(year, member_id, model_id, values)
            report.saved_sheets.append(title)
    report.sheets_saved_count = len(report.saved_sheets)
    return report
