"""The preview of an import: every row with its status and every problem, before anything is written."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from dataclasses import field as dc_field
from datetime import date
from pathlib import Path
from typing import Any

from .. import domain, registration
from ..errors import AppError, ValidationError
from ..services import catalogues
from ..services.catalogues import CatalogueItem
from ..services.models import ModelFilter, ModelInput, list_models, models_fingerprint
from ..services.settings import get_office
from ..services.units import list_units
from ..tasks import TaskState
from ..text import fold
from .layout import LABELS, cell_text, column_letter, find_header, remembered, signature
from .legacy import to_unicode
from .source import read_sheets

OK, REJECTED, DUPLICATE = "ok", "rejected", "duplicate"
STATUS_LABELS = {OK: "Sẽ nhập", REJECTED: "Bị loại", DUPLICATE: "Trùng, bỏ qua"}
_TOTAL = re.compile(r"^(tong cong|tong so|cong|tong)\b")
_GROUP = re.compile(r"^([ivxlc]+|[a-z]|\d+)[.)]\s+")


@dataclass
class Problem:
    sheet: str
    row: int
    column: str
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class PlannedRow:
    sheet: str
    row: int
    name: str
    kind: str
    field_id: int | None
    field: str
    level_id: int | None
    unit: str
    unit_id: int | None
    year: int
    lead: str = ""  # the person in charge of a tập thể, or the person of an điển hình
    values: dict[str, Any] = dc_field(default_factory=dict)  # registration field → value read and checked
    status: str = OK
    problems: list[Problem] = dc_field(default_factory=list)

    @property
    def new_unit(self) -> bool:
        return bool(self.unit) and self.unit_id is None

    def model_input(self, unit_id: int | None) -> ModelInput:
        """What the import hands to the service for this row, its unit now known."""
        values = dict(self.values)
        lead_key = "person_name" if self.kind == domain.KIND_INDIVIDUAL else "lead_name"
        if self.lead and not values.get(lead_key):  # a column of that very field wins over «lead»
            values[lead_key] = self.lead
        return ModelInput(
            name=self.name,
            year=self.year,
            field_id=self.field_id,
            kind=self.kind,
            level_id=self.level_id,
            unit_id=unit_id,
            **values,
        )


@dataclass
class SheetLayout:
    name: str
    header_row: int
    headers: list[str]
    mapping: dict[int, str]
    signature: str


@dataclass
class ImportPlan:
    path: Path
    year: int
    sheets: list[SheetLayout]
    rows: list[PlannedRow]
    problems: list[Problem]  # file-level and row-level, in order
    legacy_encoding: str = ""  # "tcvn3" / "vni" when such text was converted
    # What the preview was computed against (services.models.models_fingerprint) and who it is: applying
    # refuses a preview the data has moved on from, or one already applied (see apply.apply_plan).
    fingerprint: tuple[int, int, str, int] | None = None
    plan_id: str = dc_field(default_factory=lambda: uuid.uuid4().hex)
    applied: bool = False
    warnings: list[str] = dc_field(default_factory=list)  # about the whole file (hidden sheets left out)

    @property
    def importable(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.status == OK]

    @property
    def rejected(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.status == REJECTED]

    @property
    def duplicates(self) -> list[PlannedRow]:
        return [r for r in self.rows if r.status == DUPLICATE]

    def unknown_units(self) -> list[str]:
        seen: dict[str, str] = {}
        for row in self.importable:
            if row.new_unit:
                seen.setdefault(fold(row.unit), row.unit)
        return list(seen.values())

    def mapping_json(self) -> dict[str, Any]:
        return {
            sheet.name: {column_letter(i): LABELS[t] for i, t in sorted(sheet.mapping.items()) if t}
            for sheet in self.sheets
        }


def _key(text: str) -> str:
    """Catalogue comparison: folded, punctuation and dashes ignored ("Văn hoá – Xã hội" = "văn hóa - xã hội")."""
    return re.sub(r"[^a-z0-9]+", "", fold(text))


class _Catalogues:
    def __init__(self) -> None:
        self.fields = {_key(f.name): f for f in catalogues.list_items("field", include_inactive=True)}
        self.levels = {_key(lv.name): lv for lv in catalogues.list_items("level", include_inactive=True)}
        self.units = {_key(u.name): u for u in list_units()}
        office = get_office()
        self.own_level = self.level(office.own_level) if office.own_level else None

    def field(self, text: str) -> CatalogueItem | None:
        key = _key(text)
        if not key:
            return None
        if key in self.fields:
            return self.fields[key]
        # "LĨNH VỰC KINH TẾ" or "Kinh tế (KT)": a catalogue name inside the text.
        found = [f for k, f in self.fields.items() if k and k in key]
        return found[0] if len(found) == 1 else None

    def level(self, text: str) -> CatalogueItem | None:
        key = _key(text)
        if not key:
            return None
        if key in self.levels:
            return self.levels[key]
        found = [lv for k, lv in self.levels.items() if k.startswith(key) or key.startswith(k)]
        return found[0] if len(found) == 1 else None


def _kind(text: str) -> str | None:
    key = fold(text)
    if not key:
        return domain.KIND_COLLECTIVE
    if any(w in key for w in ("ca nhan", "dien hinh")):
        return domain.KIND_INDIVIDUAL
    if any(w in key for w in ("tap the", "mo hinh")):
        return domain.KIND_COLLECTIVE
    return None


def build_plan(
    path: Path | str,
    *,
    year: int | None = None,
    mappings: dict[str, dict[int, str]] | None = None,
    task: TaskState | None = None,
) -> ImportPlan:
    """Read the file and decide, row by row, what an import would do.  Nothing is written.

    ``mappings`` (sheet name → column index → target) override the detected or remembered ones.
    """
    path = Path(path)
    sheets = read_sheets(path, task)
    default_year = year or get_office().current_year or date.today().year
    cats = _Catalogues()
    plan = ImportPlan(path, default_year, [], [], [], fingerprint=models_fingerprint())
    existing: dict[tuple[str, str, int], bool] = {}
    for model in list_models(ModelFilter()):
        existing[(fold(model.name), fold(model.unit), model.year)] = True
    seen_in_file: set[tuple[str, str, int]] = set()
    for sheet in sheets:
        found = find_header(sheet.rows)
        if found is None:
            continue
        if sheet.hidden:
            # A unit hides last year's list or a draft rather than delete it: importing it unseen would add rows
            # nobody looked at, skipping it unsaid loses rows that were meant.  Say so; unhiding is one click.
            plan.warnings.append(
                f"Trang «{sheet.name}» đang bị ẩn nên không được nhập, dù có danh sách đăng ký "
                f"({len(sheet.rows) - found[0] - 1} dòng). Nếu cần nhập, hãy mở tệp bằng Excel, bỏ ẩn trang "
                "(chuột phải vào tên trang › Bỏ ẩn) rồi nhập lại."
            )
            continue
        position, mapping = found
        header_number, header_values = sheet.rows[position]
        headers = [cell_text(v) for v in header_values]
        sig = signature(header_values)
        mapping = (mappings or {}).get(sheet.name) or remembered(sig) or mapping
        plan.sheets.append(SheetLayout(sheet.name, header_number, headers, dict(mapping), sig))
        columns = {target: index for index, target in mapping.items() if target}
        long_text = {spec.target for spec in registration.FIELDS if spec.kind == registration.TEXT}
        group_field = None
        for number, values in sheet.rows[position + 1 :]:
            texts: dict[str, str] = {}
            for target, index in columns.items():
                cell = values[index] if index < len(values) else None
                text, encoding = to_unicode(cell_text(cell, lines=target in long_text))
                plan.legacy_encoding = plan.legacy_encoding or encoding
                texts[target] = text
            filled = [cell_text(v) for v in values if cell_text(v)]
            if not filled:
                continue
            first = fold(to_unicode(filled[0])[0])
            if _TOTAL.match(first) or (not texts.get("name") and any(_TOTAL.match(fold(t)) for t in filled)):
                continue  # "Cộng", "Tổng cộng: 12 mô hình"
            if len(filled) == 1 or (
                not texts.get("stt", "").isdigit() and _GROUP.match(first) and not texts.get("unit")
            ):
                heading = to_unicode(filled[-1])[0]
                group_field = cats.field(heading) or group_field
                continue  # "I. LĨNH VỰC KINH TẾ": a group heading, which may name the field of what follows
            plan.rows.append(_planned(sheet.name, number, texts, columns, cats, group_field, default_year))
    if not plan.sheets:
        if plan.warnings:  # the list is there, only hidden: say that rather than "no header"
            raise AppError(" ".join(plan.warnings))
        raise_no_header(path)
    for row in plan.rows:
        if row.status != OK:
            continue
        key = (fold(row.name), fold(row.unit), row.year)
        if key in existing:
            row.status = DUPLICATE
            row.problems.append(
                Problem(
                    row.sheet,
                    row.row,
                    "",
                    f"Trùng với mô hình đã đăng ký của cùng đơn vị năm {row.year}; dòng này sẽ bỏ qua.",
                )
            )
        elif key in seen_in_file:
            row.status = DUPLICATE
            row.problems.append(
                Problem(row.sheet, row.row, "", "Trùng với một dòng phía trên trong tệp; dòng này sẽ bỏ qua.")
            )
        else:
            seen_in_file.add(key)
    plan.problems = [p for row in plan.rows for p in row.problems]
    return plan


def raise_no_header(path: Path) -> None:
    raise AppError(
        f"Không tìm thấy dòng tiêu đề cột trong tệp «{path.name}». Danh sách cần có ít nhất cột "
        "«Tên mô hình, điển hình» (và nên có «Lĩnh vực», «Đơn vị thực hiện»); hãy dùng mẫu đăng ký "
        "của phần mềm hoặc sửa lại tiêu đề cột."
    )


def _planned(
    sheet: str,
    number: int,
    texts: dict[str, str],
    columns: dict[str, int],
    cats: _Catalogues,
    group_field: CatalogueItem | None,
    default_year: int,
) -> PlannedRow:
    def col(target: str) -> str:
        return column_letter(columns[target]) if target in columns else ""

    problems: list[Problem] = []

    def reject(target: str, message: str) -> None:
        problems.append(Problem(sheet, number, col(target), message))

    name = texts.get("name", "")
    if not name:
        reject("name", "Thiếu tên mô hình, điển hình. Điền tên vào ô này hoặc xóa dòng.")
    field_text = texts.get("field", "")
    field_item = cats.field(field_text) if field_text else group_field
    if field_item is None:
        names = ", ".join(f.name for f in cats.fields.values())
        if field_text:
            reject("field", f"Lĩnh vực «{field_text}» không có trong danh mục. Ghi một trong: {names}.")
        else:
            reject("field", f"Thiếu lĩnh vực. Ghi một trong: {names}.")
    kind = _kind(texts.get("kind", ""))
    if kind is None:
        reject("kind", f"Loại «{texts['kind']}» không rõ. Ghi «Tập thể» (mô hình) hoặc «Cá nhân» (điển hình).")
    level_text = texts.get("level", "")
    level_item = cats.level(level_text) if level_text else cats.own_level
    if level_text and level_item is None:
        names = ", ".join(lv.name for lv in cats.levels.values())
        reject("level", f"Cấp «{level_text}» không có trong danh mục. Ghi một trong: {names}.")
    year = default_year
    if texts.get("year"):
        try:
            year = int(float(texts["year"].replace(",", ".")))
            if not 1990 <= year <= 2100:
                raise ValueError
        except (ValueError, OverflowError):
            reject("year", f"Năm «{texts['year']}» không hợp lệ; ghi năm bằng 4 chữ số, ví dụ {default_year}.")
            year = default_year
    unit = texts.get("unit", "")
    unit_info = cats.units.get(_key(unit)) if unit else None
    if len(name) > 500:
        reject("name", "Tên quá dài (hơn 500 ký tự); hãy rút gọn.")
    values: dict[str, Any] = {}
    for target, text in texts.items():
        spec = registration.by_target(target)
        if spec is None:
            continue
        try:  # the service's own reading of the field, so that what the preview accepts imports
            values[spec.name] = spec.clean(text, model_kind=kind or domain.KIND_COLLECTIVE, year=year)
        except ValidationError as err:
            reject(target, str(err))
    return PlannedRow(
        sheet,
        number,
        name,
        kind or domain.KIND_COLLECTIVE,
        field_item.id if field_item else None,
        field_item.name if field_item else field_text,
        level_item.id if level_item else None,
        unit,
        unit_info.id if unit_info else None,
        year,
        lead=texts.get("lead", ""),
        values=values,
        status=REJECTED if problems else OK,
        problems=problems,
    )
