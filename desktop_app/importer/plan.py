"""The preview of an import: every row with its status and every problem, before anything is written."""

from __future__ import annotations

import functools
import itertools
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
from ..services.models import (
    MAX_AMOUNT,
    IndicatorData,
    ModelInput,
    category_unit_problem,
    existing_keys,
    indicator_amount,
    is_percent_unit,
    models_fingerprint,
)
from ..services.settings import get_office
from ..services.units import list_units
from ..tasks import TaskState
from ..text import fold
from . import footer, indicators
from .amounts import AmountError, read_amount
from .layout import (
    HeaderBlock,
    cell_text,
    column_letter,
    find_header,
    indicator_category_id,
    is_indicator,
    remembered,
    signature,
    target_label,
)
from .legacy import to_unicode
from .source import SheetData, read_sheets

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
    indicators: list[IndicatorData] = dc_field(default_factory=list)  # results read from number columns
    field_source: str = ""  # where the field came from: "column", "group", "sheet" or "title"

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
            indicators=[IndicatorData(**vars(i)) for i in self.indicators] or None,
            **values,
        )


@dataclass
class IndicatorColumn:
    """A column of numbers read into an indicator of each row."""

    index: int
    name: str  # the sub-header without its unit: "Kinh phí"
    unit_of_measure: str  # the unit stored: "đồng" when the header said "triệu đồng" (amounts scaled)
    scale: float  # what a bare number in the column is multiplied by: 1, 1e6, 1e9
    category_id: int | None
    category_name: str
    column: str  # "target" (kế hoạch, mục tiêu, đăng ký) or "achieved"


@dataclass
class SheetLayout:
    name: str
    header_row: int  # the last header row (Excel number)
    headers: list[str]  # compound column names, as ``names``
    mapping: dict[int, str]
    signature: str
    header_rows: tuple[int, ...] = ()  # Excel numbers of every row of the header block
    names: list[str] = dc_field(default_factory=list)  # "Kết quả / Kinh phí (triệu đồng)"
    indicators: dict[int, IndicatorColumn] = dc_field(default_factory=dict)
    field_source: str = ""  # "column", "sheet", "title", "group" or ""
    field_name: str = ""  # the catalogue field named by the sheet name or its title
    hidden: bool = False
    row_count: int = 0  # rows planned from this sheet


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
    hidden_sheets: list[str] = dc_field(default_factory=list)  # hidden sheets holding a list, unless included

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
        unit_key = functools.cache(fold)  # units repeat over thousands of rows
        for row in self.importable:
            if row.new_unit:
                seen.setdefault(unit_key(row.unit), row.unit)
        return list(seen.values())

    def mapping_json(self) -> dict[str, Any]:
        return {
            sheet.name: {column_letter(i): target_label(t) for i, t in sorted(sheet.mapping.items()) if t}
            for sheet in self.sheets
        }


@functools.lru_cache(maxsize=4096)  # asked for every row's unit, field and level: a few distinct texts
def _key(text: str) -> str:
    """Catalogue comparison: folded, punctuation and dashes ignored ("Văn hoá – Xã hội" = "văn hóa - xã hội")."""
    return re.sub(r"[^a-z0-9]+", "", fold(text))


_folded_name = functools.lru_cache(maxsize=1024)(fold)  # an indicator column's name, folded for every row


class _Catalogues:
    def __init__(self) -> None:
        self.fields = {_key(f.name): f for f in catalogues.list_items("field", include_inactive=True)}
        self.levels = {_key(lv.name): lv for lv in catalogues.list_items("level", include_inactive=True)}
        self.units = {_key(u.name): u for u in list_units()}
        office = get_office()
        self.own_level = self.level(office.own_level) if office.own_level else None
        self.indicator_categories = catalogues.list_items("indicator_category")
        self._all_categories = {c.id: c for c in catalogues.list_items("indicator_category", include_inactive=True)}

    def indicator_category(self, category_id: int | None) -> CatalogueItem | None:
        return self._all_categories.get(category_id) if category_id else None

    def field_of_sheet(self, name: str) -> CatalogueItem | None:
        """The field a sheet is named for: "KT", "VH-XH", "1. QPAN", "Quốc phòng an ninh", "XD HTCT"."""
        words = [w for w in fold(name).split() if not _NUMBERING.fullmatch(w)]
        candidates = [" ".join(words)] + words + [a + b for a, b in itertools.pairwise(words)]
        for candidate in candidates:
            spelled = _FIELD_ABBREVIATIONS.get(_key(candidate))
            if spelled and (item := self.field(spelled)):
                return item
        return self.field(" ".join(words))

    def field_of_title(self, rows: list[list[object]]) -> CatalogueItem | None:
        """The field the title above the table names: "DANH SÁCH MÔ HÌNH LĨNH VỰC KINH TẾ"."""
        for values in rows:
            text = " ".join(cell_text(v) for v in values if cell_text(v))
            key = fold(text)
            if "linh vuc" in key:
                after = key.split("linh vuc", 1)[1]
                spelled = _FIELD_ABBREVIATIONS.get(_key(after.split(" nam ")[0]))
                item = self.field(spelled) if spelled else self.field(after)
                if item:
                    return item
            elif _key(text) in self.fields:
                return self.fields[_key(text)]
        return None

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


_SPECS = {spec.target: spec for spec in registration.FIELDS}
# Sheet names offices use for the four default fields (keys as _key gives them).
_FIELD_ABBREVIATIONS = {
    "kt": "Kinh tế",
    "vhxh": "Văn hóa - xã hội",
    "qpan": "Quốc phòng - an ninh",
    "quocphonganninh": "Quốc phòng - an ninh",
    "xdhtct": "Xây dựng hệ thống chính trị",
    "htct": "Xây dựng hệ thống chính trị",
}
_NUMBERING = re.compile(r"\d+|[ivx]+")


@dataclass
class _RowContext:
    """What every row of a sheet is read against."""

    sheet: str
    columns: dict[str, int]
    indicators: dict[int, IndicatorColumn]
    cats: _Catalogues
    year: int
    sheet_field: CatalogueItem | None
    title_field: CatalogueItem | None
    group_field: CatalogueItem | None = None
    percent: set[int] = dc_field(default_factory=set)  # indicator columns of shares (0 to 100)
    misfits: dict[int, str] = dc_field(default_factory=dict)  # indicator column → why its category does not fit

    def __post_init__(self) -> None:
        self.percent = {i for i, c in self.indicators.items() if is_percent_unit(c.unit_of_measure)}
        for index, column in self.indicators.items():
            category = self.cats.indicator_category(column.category_id)
            problem = category and category_unit_problem(column.name, column.unit_of_measure, category)
            if problem:  # a category chosen for the column that its unit cannot be added into
                self.misfits[index] = problem[0].upper() + problem[1:]


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
    include_hidden: bool = False,
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
    seen_in_file: set[tuple[str, str, int]] = set()
    for sheet in sheets:
        merged = getattr(sheet, "merged", None) or []
        block = find_header(sheet.rows, merged, cats.indicator_categories)
        if block is None:
            continue
        if sheet.hidden:
            plan.hidden_sheets.append(sheet.name)
        if sheet.hidden and not include_hidden:
            # A unit hides last year's list or a draft rather than delete it: importing it unseen would add rows
            # nobody looked at, skipping it unsaid loses rows that were meant.  Say so; the user may include it.
            plan.warnings.append(
                f"Trang «{sheet.name}» đang bị ẩn nên không được nhập, dù có danh sách đăng ký "
                f"({len(sheet.rows) - block.last - 1} dòng). Nếu cần nhập, hãy chọn nhập cả trang ẩn, hoặc mở "
                "tệp bằng Excel, bỏ ẩn trang (chuột phải vào tên trang › Bỏ ẩn) rồi nhập lại."
            )
            continue
        _plan_sheet(plan, sheet, block, (mappings or {}).get(sheet.name), cats)
    if not plan.sheets:
        if plan.warnings:  # the list is there, only hidden: say that rather than "no header"
            raise AppError(" ".join(plan.warnings))
        raise_no_header(path)
    existing = existing_keys({row.year for row in plan.rows if row.status == OK})
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


def _plan_sheet(
    plan: ImportPlan, sheet: SheetData, block: HeaderBlock, chosen: dict[int, str] | None, cats: _Catalogues
) -> None:
    numbers = [number for number, _ in sheet.rows[block.first : block.first + block.depth]]
    sig = signature(block.names)
    mapping = dict(chosen or remembered(sig) or block.mapping)
    sheet_field = cats.field_of_sheet(sheet.name)
    title_field = None if sheet_field else cats.field_of_title([v for _, v in sheet.rows[: block.first]])
    layout = SheetLayout(
        sheet.name,
        numbers[0],
        list(block.names),
        mapping,
        sig,
        header_rows=tuple(range(numbers[0], sheet.rows[block.last][0] + 1)),
        names=list(block.names),
        indicators=_indicator_columns(block, mapping, cats),
        field_name=named.name if (named := sheet_field or title_field) else "",
        hidden=sheet.hidden,
    )
    plan.sheets.append(layout)
    columns: dict[str, int] = {}
    for index, target in sorted(mapping.items()):
        if target and not is_indicator(target):
            columns.setdefault(target, index)
    long_text = {spec.target for spec in registration.FIELDS if spec.kind == registration.TEXT}
    context = _RowContext(sheet.name, columns, layout.indicators, cats, plan.year, sheet_field, title_field)
    planned: list[PlannedRow] = []
    for number, values in sheet.rows[block.last + 1 :]:
        cells = [cell_text(value) for value in values]
        texts: dict[str, str] = {}
        for target, index in columns.items():
            if target in long_text:
                cell = cell_text(values[index] if index < len(values) else None, lines=True)
            else:
                cell = cells[index] if index < len(cells) else ""
            text, encoding = to_unicode(cell)
            plan.legacy_encoding = plan.legacy_encoding or encoding
            texts[target] = text
        filled = [text for text in cells if text]
        if not filled:
            continue
        first = fold(to_unicode(filled[0])[0])
        if _TOTAL.match(first) or (not texts.get("name") and any(_TOTAL.match(fold(t)) for t in filled)):
            continue  # "Cộng", "Tổng cộng: 12 mô hình"
        if footer.is_footer(values) and not (texts.get("field") and cats.field(texts["field"])):
            break  # "NGƯỜI LẬP BIỂU", "…, ngày … tháng … năm …": the signature block and all under it
        if len(filled) == 1 or (not texts.get("stt", "").isdigit() and _GROUP.match(first) and not texts.get("unit")):
            heading = to_unicode(filled[-1])[0]
            context.group_field = cats.field(heading) or context.group_field
            continue  # "I. LĨNH VỰC KINH TẾ": a group heading, which may name the field of what follows
        planned.append(_planned(context, number, texts, values))
    layout.row_count = len(planned)
    sources = {row.field_source for row in planned}
    layout.field_source = next(
        (s for s in ("column", "group", "sheet", "title") if s in sources),
        "column" if "field" in columns else ("sheet" if sheet_field else ("title" if title_field else "")),
    )
    plan.rows.extend(planned)


def _indicator_columns(block: HeaderBlock, mapping: dict[int, str], cats: _Catalogues) -> dict[int, IndicatorColumn]:
    found: dict[int, IndicatorColumn] = {}
    for index, target in sorted(mapping.items()):
        if not is_indicator(target):
            continue
        parts = block.parts[index] if index < len(block.parts) else []
        header = indicators.analyse(parts, known_target=False) if parts else None
        name = header.name if header else (parts[-1] if parts else column_letter(index))
        unit, scale = (header.unit_of_measure, header.scale) if header else ("", 1.0)
        category = cats.indicator_category(indicator_category_id(target))
        if category is not None and not unit:
            unit = category.unit_of_measure
        found[index] = IndicatorColumn(
            index,
            name,
            unit,
            scale,
            category.id if category else None,
            category.name if category else "",
            header.column if header else "achieved",
        )
    return found


def raise_no_header(path: Path) -> None:
    raise AppError(
        f"Không tìm thấy dòng tiêu đề cột trong tệp «{path.name}». Danh sách cần có ít nhất cột "
        "«Tên mô hình, điển hình» (và nên có «Lĩnh vực», «Đơn vị thực hiện»); hãy dùng mẫu đăng ký "
        "của phần mềm hoặc sửa lại tiêu đề cột."
    )


def _planned(context: _RowContext, number: int, texts: dict[str, str], values: list[object]) -> PlannedRow:
    columns, cats, sheet = context.columns, context.cats, context.sheet

    def col(target: str) -> str:
        return column_letter(columns[target]) if target in columns else ""

    problems: list[Problem] = []

    def reject(target: str, message: str) -> None:
        problems.append(Problem(sheet, number, col(target), message))

    name = texts.get("name", "")
    if not name:
        reject("name", "Thiếu tên mô hình, điển hình. Điền tên vào ô này hoặc xóa dòng.")
    field_text = texts.get("field", "")
    field_item, field_source = None, ""
    if field_text:
        field_item, field_source = cats.field(field_text), "column"
    else:  # precedence: the row's own cell, the group heading above it, the sheet's name, the title
        for item, source in (
            (context.group_field, "group"),
            (context.sheet_field, "sheet"),
            (context.title_field, "title"),
        ):
            if item is not None:
                field_item, field_source = item, source
                break
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
    year = context.year
    if texts.get("year"):
        try:
            year = int(float(texts["year"].replace(",", ".")))
            if not 1990 <= year <= 2100:
                raise ValueError
        except (ValueError, OverflowError):
            reject("year", f"Năm «{texts['year']}» không hợp lệ; ghi năm bằng 4 chữ số, ví dụ {context.year}.")
            year = context.year
    unit = texts.get("unit", "")
    unit_info = cats.units.get(_key(unit)) if unit else None
    if len(name) > 500:
        reject("name", "Tên quá dài (hơn 500 ký tự); hãy rút gọn.")
    model_values: dict[str, Any] = {}
    for target, text in texts.items():
        spec = _SPECS.get(target)
        if spec is None:
            continue
        try:  # the service's own reading of the field, so that what the preview accepts imports
            model_values[spec.name] = spec.clean(text, model_kind=kind or domain.KIND_COLLECTIVE, year=year)
        except ValidationError as err:
            reject(target, str(err))
    found = _row_indicators(context, number, values, problems)
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
        values=model_values,
        status=REJECTED if problems else OK,
        problems=problems,
        indicators=found,
        field_source=field_source if field_item else "",
    )


def _row_indicators(
    context: _RowContext, number: int, values: list[object], problems: list[Problem]
) -> list[IndicatorData]:
    """The row's numbers, one indicator per name (a kế hoạch and a kết quả column of the same name join)."""
    found: dict[tuple[str, int | None, str], IndicatorData] = {}
    for index, column in context.indicators.items():
        cell = values[index] if index < len(values) else None
        letter = column_letter(index)
        try:
            amount = read_amount(cell, scale=column.scale, unit=column.unit_of_measure)
            if amount is not None and (
                index in context.percent or not 0 <= amount <= MAX_AMOUNT
            ):  # only a value that may break the service's rules pays for its check, which words the message
                amount = indicator_amount(amount, column.unit_of_measure, column=column.column)
        except AmountError:
            problems.append(
                Problem(
                    context.sheet,
                    number,
                    letter,
                    f"«{cell_text(cell)}» ở cột «{column.name}» không phải là số (ví dụ hợp lệ: 1.234,5 — "
                    "12,5 triệu — 1,2 tỷ — 9.000.000 đồng). Sửa thành một số hoặc để trống.",
                )
            )
            continue
        except ValidationError as err:
            problems.append(Problem(context.sheet, number, letter, f"Cột «{column.name}»: {err.message}"))
            continue
        if amount is None:
            continue
        if index in context.misfits:
            problems.append(Problem(context.sheet, number, letter, context.misfits[index]))
            continue
        key = (_folded_name(column.name), column.category_id, column.unit_of_measure)
        item = found.setdefault(
            key,
            IndicatorData(
                column.name,
                column.unit_of_measure,
                category_id=column.category_id,
                category=column.category_name,
            ),
        )
        setattr(item, column.column, amount)
    return list(found.values())
