"""Models and exemplars: validation, create / update / delete, filtered listing and search."""

from __future__ import annotations

import difflib
import inspect
import math
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dc_field
from dataclasses import fields as dc_fields
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

import peewee as pw

from .. import domain, registration
from ..errors import AppError, NotFoundError, ValidationError
from ..history import kinds, record, trash
from ..storage.database import transaction
from ..storage.models import (
    Attachment,
    Field,
    Indicator,
    IndicatorCategory,
    Level,
    MoHinh,
    StatusChange,
    Unit,
    UnitKind,
    now,
)
from ..text import clean, fold, format_number, parse_number, sort_key_text
from . import catalogues
from .catalogues import CatalogueItem, accepted_units, unit_factor
from .status import event_day
from .units import _descendant_ids

_T = TypeVar("_T")


@dataclass
class IndicatorData:
    name: str
    unit_of_measure: str = ""
    target: float | None = None
    achieved: float | None = None
    note: str = ""
    id: int | None = None
    # What it counts (catalogue "indicator_category"); None: shown on the model, added to no report total.
    category_id: int | None = None
    category: str = ""  # the category's name, filled on reading; what is saved is category_id


def _with_registration_fields(cls: type[_T]) -> type[_T]:
    """Give ``cls`` one annotated attribute per registration field, defaulting to its empty value,
    before ``@dataclass`` turns annotations into fields: the registry is the one list of them."""
    cls.__annotations__ = {
        **inspect.get_annotations(cls),
        **{spec.name: spec.python_type for spec in registration.FIELDS},
    }
    for spec in registration.FIELDS:
        setattr(cls, spec.name, spec.empty)
    return cls


@dataclass
@_with_registration_fields
class ModelInput:
    """What the editor (or an importer) hands to :func:`create_model` / :func:`update_model`.

    Besides the attributes below, one per registration field (``address``, ``situation``,
    ``start_date``, ``person_name``…, see :data:`desktop_app.registration.FIELDS`), empty by
    default.  Dates and years may be handed over as typed text: the service reads them.
    """

    name: str
    year: int | str  # the editor hands over what was typed; the service reads it and answers in Vietnamese
    field_id: int | None
    kind: str = domain.KIND_COLLECTIVE
    level_id: int | None = None
    unit_id: int | None = None
    continues_id: int | None = None
    replicates_id: int | None = None
    indicators: list[IndicatorData] | None = None  # None = leave indicators unchanged on update
    # The row's version when the editor loaded it (filled by get_model): an update carrying it is refused
    # once someone else has saved since.  None = no check (a command that edits what it has just read).
    version: int | None = None

    if TYPE_CHECKING:  # the registration attributes exist at run time only; to a checker they are Any

        def __init__(
            self,
            name: str,
            year: int | str,
            field_id: int | None,
            kind: str = ...,
            level_id: int | None = ...,
            unit_id: int | None = ...,
            continues_id: int | None = ...,
            replicates_id: int | None = ...,
            indicators: list[IndicatorData] | None = ...,
            version: int | None = ...,
            **registration_values: Any,
        ) -> None: ...

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...


@dataclass
class ModelRow:
    """One line of the model list."""

    id: int
    uuid: str
    year: int
    name: str
    kind: str
    field_id: int | None
    field: str
    level_id: int | None
    level: str
    unit_id: int | None
    unit: str
    unit_kind: str
    status: str
    address: str
    person_name: str
    updated_at: datetime | None
    person_honorific: str = ""

    @property
    def person_addressed(self) -> str:
        """ "Ông Nguyễn Văn Tám" — the exemplar as certificates and lists name them."""
        return domain.addressed(self.person_name, self.person_honorific)

    @property
    def kind_label(self) -> str:
        return domain.KIND_SHORT.get(self.kind, self.kind)

    @property
    def status_label(self) -> str:
        return domain.status_label(self.status)


@dataclass
class StatusEntry:
    from_status: str
    to_status: str
    reason: str
    changed_at: datetime  # when it was typed
    event_date: date  # when it happened; the typing day for files older than schema 4


@dataclass
class AttachmentInfo:
    id: int
    uuid: str
    original_name: str
    stored_name: str
    sha256: str
    size: int
    caption: str
    added_at: datetime

    @property
    def is_image(self) -> bool:
        return self.original_name.lower().rsplit(".", 1)[-1] in {"jpg", "jpeg", "png", "bmp", "gif", "webp"}


@dataclass
class LinkInfo:
    id: int
    name: str
    year: int
    unit: str


@dataclass
class ModelDetail:
    row: ModelRow
    data: ModelInput
    indicators: list[IndicatorData]
    attachments: list[AttachmentInfo]
    history: list[StatusEntry]
    continues: LinkInfo | None
    replicates: LinkInfo | None
    continued_by: list[LinkInfo] = dc_field(default_factory=list)
    replicated_by: list[LinkInfo] = dc_field(default_factory=list)


@dataclass
class ModelFilter:
    year: int | None = None
    field_id: int | None = None
    level_id: int | None = None
    unit_id: int | None = None
    include_subunits: bool = True
    kind: str | None = None
    status: str | None = None
    statuses: tuple[str, ...] | None = None
    text: str = ""
    field_name: str = ""  # command line: match a field by folded name
    # Sending offices whose merged models to take (SourceOffice ids; 0 = this office's own models).
    # None = every model, wherever it came from; an empty tuple = none.
    offices: tuple[int, ...] | None = None


# ----------------------------------------------------------------- validation

_int_or_none = registration.whole_number


# ----------------------------------------------------------------- indicator amounts
# The one rule for an indicator's target / achieved value.  The editor applies it as a cell is
# typed, the save applies it again to every row, and any importer of indicators calls it too.
INDICATOR_COLUMNS: dict[str, str] = {"target": "Kế hoạch", "achieved": "Đạt được"}
MAX_AMOUNT = 1e15  # a thousand trillion đồng: anything larger is a typing slip
_MINUS_SIGNS = ("-", "\u2212", "\u2013")  # hyphen, minus sign, en dash (pasted from Word)


def is_percent_unit(unit_of_measure: object) -> bool:
    """True for "%" or "phần trăm": such a value is a share, 0 to 100."""
    return _is_percent("" if unit_of_measure is None else str(unit_of_measure))


@lru_cache(maxsize=1024)  # asked for every indicator amount (an import: tens of thousands), of a few units
def _is_percent(unit_of_measure: str) -> bool:
    return fold(unit_of_measure) in ("%", "phan tram")


def indicator_amount(value: object, unit_of_measure: object = "", *, column: str = "achieved") -> float | None:
    """Read one indicator amount the Vietnamese way and check it; None when empty.

    Counts and money cannot be negative; a percentage (unit "%", or a value written with "%")
    lies between 0 and 100.  Raises :class:`ValidationError` keyed by ``column`` with a
    Vietnamese message that names the value typed.
    """
    word = INDICATOR_COLUMNS.get(column, column)
    if value is None or (isinstance(value, str) and not clean(value)):
        return None
    number = parse_number(value)
    if number is None:
        raise ValidationError(
            word, f"«{clean(value)}» không phải là số (ví dụ hợp lệ: 1.234,5 — 88 triệu — 1,4 tỷ).", key=column
        )
    shown = clean(value) if isinstance(value, str) else format_number(number)
    if isinstance(value, str) and clean(value).startswith(_MINUS_SIGNS) and number > 0:
        number = -number  # "− 5" or "- 5": parse_number reads only the digits
    if not math.isfinite(number) or abs(number) > MAX_AMOUNT:
        raise ValidationError(word, f"«{shown}» quá lớn; hãy kiểm tra lại số đã gõ.", key=column)
    if number < 0:
        raise ValidationError(word, f"«{shown}» là số âm; số lượng, số tiền, tỷ lệ không được âm.", key=column)
    percent = is_percent_unit(unit_of_measure) or (isinstance(value, str) and "%" in value)
    if percent and number > 100:
        raise ValidationError(word, f"«{shown}» vượt quá 100%; tỷ lệ phần trăm chỉ từ 0 đến 100.", key=column)
    return number


class IndicatorError(ValidationError):
    """A bad indicator cell: ``row`` counts from 0, ``column`` is "name", "target", "achieved" or "category"."""

    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(f"Chỉ tiêu dòng {row + 1}", message, key="indicators")
        self.row = row
        self.column = column


def _validated(data: ModelInput, model_id: int | None = None) -> dict[str, Any]:
    values: dict[str, Any] = {}
    name = clean(data.name)
    if not name:
        raise ValidationError("Tên mô hình, điển hình", "không được để trống.", key="name")
    if len(name) > 500:
        raise ValidationError("Tên mô hình, điển hình", "quá dài (tối đa 500 ký tự).", key="name")
    values["name"] = name
    values["name_fold"] = fold(name)
    values["name_sort"] = sort_key_text(name)
    year = _int_or_none(data.year, "Năm", "year")
    if year is None or not 1990 <= year <= 2100:
        raise ValidationError("Năm", "phải là năm từ 1990 đến 2100.", key="year")
    values["year"] = year
    if data.kind not in domain.KINDS:
        raise ValidationError("Loại", "chỉ chọn «Mô hình (tập thể)» hoặc «Điển hình (cá nhân)».", key="kind")
    values["kind"] = data.kind
    if not data.field_id or not _exists(Field, data.field_id):
        raise ValidationError("Lĩnh vực", "chưa chọn lĩnh vực.", key="field")
    values["field"] = data.field_id
    if data.level_id and not _exists(Level, data.level_id):
        raise ValidationError("Cấp", "cấp đã chọn không còn trong danh mục.", key="level")
    values["level"] = data.level_id or None
    if data.unit_id and not _exists(Unit, data.unit_id):
        raise ValidationError("Đơn vị thực hiện", "đơn vị đã chọn không còn trong danh mục.", key="unit")
    values["unit"] = data.unit_id or None
    for spec in registration.FIELDS:
        values[spec.name] = spec.clean(getattr(data, spec.name), model_kind=data.kind, year=year)
    start, end = values["start_date"], values["end_date"]
    if start and end and end < start:
        raise ValidationError(
            registration.BY_NAME["end_date"].label, "không được trước thời gian bắt đầu.", key="end_date"
        )
    for key, label in (("continues_id", "Tiếp nối mô hình"), ("replicates_id", "Nhân rộng từ mô hình")):
        linked = getattr(data, key)
        if linked:
            if linked == model_id:
                raise ValidationError(label, "không thể liên kết mô hình với chính nó.", key=key)
            if MoHinh.get_or_none(MoHinh.id == linked) is None:
                raise ValidationError(label, "mô hình liên kết không còn tồn tại.", key=key)
        values[key.removesuffix("_id")] = linked or None
    values["search_fold"] = registration.search_text(name, values)
    return values


def category_unit_problem(name: str, unit_of_measure: str, category: CatalogueItem) -> str | None:
    """Why an indicator in ``unit_of_measure`` cannot be added into ``category``'s total, or None when it can:
    the same unit, a multiple of it ("triệu đồng" into đồng), or no unit yet (it takes the category's)."""
    unit = clean(unit_of_measure)
    if not unit or unit_factor(unit, category.unit_of_measure) is not None:
        return None
    units = accepted_units(category.unit_of_measure)
    accepted = ", ".join(f"«{u}»" for u in units[:4]) + (", …" if len(units) > 4 else "")
    return (
        f"chỉ tiêu «{clean(name)}» tính bằng «{unit}», còn loại «{category.name}» cộng bằng "
        f"«{category.unit_of_measure}»: hãy ghi đơn vị tính ({accepted}) hoặc chọn loại khác "
        "(để trống loại: chỉ tiêu không cộng vào báo cáo)."
    )


def _categorised_unit(position: int, name: str, unit: str, category: CatalogueItem | None) -> str:
    """The unit to store for an indicator of ``category``: its own when the category's total can be counted
    from it, the category's when none was written; anything else is refused."""
    if category is None:
        raise IndicatorError(position, "category", "loại chỉ tiêu đã chọn không còn trong danh mục; hãy chọn lại.")
    problem = category_unit_problem(name, unit, category)
    if problem:
        raise IndicatorError(position, "category", problem)
    return unit or category.unit_of_measure


def _validated_indicators(items: list[IndicatorData]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    categories: dict[int, CatalogueItem] | None = None
    for position, item in enumerate(items):
        name = clean(item.name)
        if not name and item.achieved is None and item.target is None:
            continue
        if not name:
            raise IndicatorError(position, "name", "chưa nhập tên chỉ tiêu.")
        unit = clean(item.unit_of_measure)
        if item.category_id:
            if categories is None:  # read once per save, and only when some indicator has a category
                categories = _indicator_categories()
            category = categories.get(item.category_id)
            if category is None and _bulk() is not None:  # added during the bulk write: read again
                categories = _indicator_categories(fresh=True)
                category = categories.get(item.category_id)
            unit = _categorised_unit(position, name, unit, category)
        numbers: dict[str, float | None] = {}
        for attr, word in INDICATOR_COLUMNS.items():
            try:
                numbers[attr] = indicator_amount(getattr(item, attr), unit, column=attr)
            except ValidationError as err:
                raise IndicatorError(position, attr, f"cột «{word}»: {err.message}") from None
        rows.append(
            {
                "name": name,
                "unit_of_measure": unit,
                "note": clean(item.note),
                "sort_order": position + 1,
                "category": item.category_id or None,
                "loaded_id": item.id,  # taken out again by the writers: update_model keeps its uuid
                **numbers,
            }
        )
    return rows


# ----------------------------------------------------------------- bulk writes


class _BulkState:
    """What a bulk write (an import of thousands of rows, in one transaction) reads once instead of per row:
    the ids of the catalogue rows and units known to exist, and the indicator categories."""

    def __init__(self) -> None:
        self.ids: dict[type[pw.Model], set[int]] = {}
        self.categories: dict[int, CatalogueItem] | None = None


_bulk_local = threading.local()


def _bulk() -> _BulkState | None:
    return getattr(_bulk_local, "state", None)


@contextmanager
def bulk_writes() -> Iterator[None]:
    """Within: :func:`create_model` checks fields, levels, units and indicator categories against what it read
    the first time rather than with queries per row.  Only existence is remembered, never absence: a unit or
    category created inside the block is found by a query on first use.  For writes in one transaction (an
    import), where nothing else can delete a catalogue row meanwhile."""
    outer = _bulk()
    if outer is None:
        _bulk_local.state = _BulkState()
    try:
        yield
    finally:
        if outer is None:
            _bulk_local.state = None


def _exists(table: type[pw.Model], row_id: int) -> bool:
    state = _bulk()
    if state is None:
        return bool(table.select(table._meta.primary_key).where(table._meta.primary_key == row_id).exists())
    known = state.ids.get(table)
    if known is None:
        known = state.ids[table] = set(table.select(table._meta.primary_key).scalars())
    if row_id not in known and table.select(table._meta.primary_key).where(table._meta.primary_key == row_id).exists():
        known.add(row_id)
    return row_id in known


def _indicator_categories(*, fresh: bool = False) -> dict[int, CatalogueItem]:
    state = _bulk()
    if state is not None and state.categories is not None and not fresh:
        return state.categories
    categories = {c.id: c for c in catalogues.list_items("indicator_category", include_inactive=True)}
    if state is not None:
        state.categories = categories
    return categories


_insert_sql: dict[tuple[str, tuple[str, ...]], str] = {}


def _insert(row: pw.Model) -> None:
    """Write a new ``row`` (defaults filled by its constructor) with one INSERT whose text is built once per
    table and set of columns: peewee's own ``create`` rebuilds the statement every time, which was most of
    an import's time.  The values go through each field's ``db_value`` as peewee's would."""
    meta = row._meta
    names = tuple(name for name in row.__data__ if name in meta.fields)
    key = (meta.table_name, names)
    sql = _insert_sql.get(key)
    if sql is None:
        columns = ", ".join(f'"{meta.fields[name].column_name}"' for name in names)
        sql = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({", ".join("?" * len(names))})'
        _insert_sql[key] = sql
    params = [meta.fields[name].db_value(row.__data__[name]) for name in names]
    cursor = meta.database.execute_sql(sql, params)
    row.__data__["id"] = cursor.lastrowid  # every table of ours has the AutoField ``id``
    row._dirty.clear()  # type: ignore[attr-defined]  # as after peewee's save: nothing left unsaved


# ----------------------------------------------------------------- writes


def create_model(
    data: ModelInput,
    *,
    status: str = domain.REGISTERED,
    uuid: str | None = None,
    registered_on: date | None = None,
) -> int:
    """Register a model; returns its id.  Status history starts with the initial status.

    ``registered_on`` is the day of the registration (today when not given): the history's first
    date, printed in the dossier.
    """
    new = check_new_model(data, status=status, registered_on=registered_on)
    with transaction():
        extra = {"uuid": uuid} if uuid else {}
        row = MoHinh(status=status, **new.values, **extra)
        _insert(row)
        for item in new.indicators:
            _insert(Indicator(model=row.id, **item))
        _insert(StatusChange(model=row.id, from_status="", to_status=status, event_date=new.registered))
        record.created(row)
    return row.id


@dataclass
class NewModel:
    """A registration checked by :func:`check_new_model`: the columns :func:`create_model` would write."""

    values: dict[str, Any]
    indicators: list[dict[str, Any]]
    status: str
    registered: date


def check_new_model(
    data: ModelInput, *, status: str = domain.REGISTERED, registered_on: date | None = None
) -> NewModel:
    """Check ``data`` as :func:`create_model` does (same :class:`ValidationError`), writing nothing."""
    values = _validated(data)
    indicators = _validated_indicators(data.indicators or [])
    if status not in domain.STATUSES:
        raise ValidationError("Trạng thái", f"«{status}» không hợp lệ.", key="status")
    registered = event_day(registered_on, "Ngày đăng ký")
    for item in indicators:
        item.pop("loaded_id")
    return NewModel(values, indicators, status, registered)


def create_models(items: list[NewModel]) -> list[int]:
    """Write checked registrations as :func:`create_model` would one after the other (the same rows, ids and
    history entries), with one prepared statement per table for them all: an import writes thousands.
    Returns their ids, in order."""
    if not items:
        return []
    with transaction():
        model_id, indicator_id, change_id = _next_id(MoHinh), _next_id(Indicator), _next_id(StatusChange)
        rows: list[MoHinh] = []
        indicators: list[dict[str, Any]] = []
        changes: list[dict[str, Any]] = []
        for item in items:
            # Each row as its constructor would make it (defaults, then values), without peewee's per-field
            # setattr, and with the id SQLite would give it, so that the children can point at it.
            row = MoHinh(__no_default__=True)
            row.__data__ = {**MoHinh._meta.get_default_dict(), "status": item.status, **item.values, "id": model_id}
            rows.append(row)
            for values in item.indicators:
                indicators.append(
                    {**Indicator._meta.get_default_dict(), "model": model_id, **values, "id": indicator_id}
                )
                indicator_id += 1
            changes.append(
                {
                    **StatusChange._meta.get_default_dict(),
                    "model": model_id,
                    "from_status": "",
                    "to_status": item.status,
                    "event_date": item.registered,
                    "id": change_id,
                }
            )
            model_id, change_id = model_id + 1, change_id + 1
        _insert_many(MoHinh, [row.__data__ for row in rows])
        _insert_many(Indicator, indicators)
        _insert_many(StatusChange, changes)
        record.created_many(rows)
    return [row.id for row in rows]


def _next_id(table: type[pw.Model]) -> int:
    """The id SQLite would give the next row (our tables have no AUTOINCREMENT)."""
    highest = table._meta.database.execute_sql(f'SELECT MAX("id") FROM "{table._meta.table_name}"').fetchone()[0]
    return int(highest or 0) + 1


def _insert_many(table: type[pw.Model], rows: list[dict[str, Any]]) -> None:
    """:func:`_insert` of many new rows (field name → value, defaults and id included), by one prepared
    statement per set of columns, the values through each field's ``db_value`` as peewee's would."""
    meta = table._meta
    groups: dict[tuple[str, ...], list[list[Any]]] = {}
    for data in rows:
        groups.setdefault(tuple(data), []).append(list(data.values()))
    for given, values in groups.items():
        kept = [(i, meta.fields[name]) for i, name in enumerate(given) if name in meta.fields]
        columns = ", ".join(f'"{field.column_name}"' for _, field in kept)
        sql = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({", ".join("?" * len(kept))})'
        params = [[None if row[i] is None else field.db_value(row[i]) for i, field in kept] for row in values]
        meta.database.cursor().executemany(sql, params)


class StaleEdit(AppError):
    """The row was saved by someone else after the editor loaded it."""


def update_model(model_id: int, data: ModelInput) -> None:
    """Save the editor's values; refused with :class:`StaleEdit` when ``data.version`` is no longer the row's."""
    _get_row(model_id)  # a deleted model is said before its fields are checked
    values = _validated(data, model_id)
    indicators = None if data.indicators is None else _validated_indicators(data.indicators)
    with transaction():
        # Read again inside the write transaction (BEGIN IMMEDIATE): no other save can come in between,
        # and the columns this save does not set (the status) are written back as they are now.
        row = _get_row(model_id)
        if data.version is not None and row.version != data.version:
            raise StaleEdit(
                f"Mô hình «{row.name}» vừa được sửa ở nơi khác (lần sửa lúc "
                f"{row.updated_at:%H:%M} ngày {row.updated_at:%d/%m/%Y}); "
                "hãy mở lại để xem bản mới rồi sửa tiếp."
            )
        before = kinds.snapshot(row)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now()
        row.version += 1
        row.save()
        if indicators is not None:
            # Rows are rewritten in the editor's order, but an indicator the editor loaded keeps its uuid:
            # follow-up reports and exchange packages refer to indicators by it.
            kept: dict[int, str] = {
                i.id: i.uuid for i in Indicator.select(Indicator.id, Indicator.uuid).where(Indicator.model == row)
            }
            Indicator.delete().where(Indicator.model == row).execute()
            for item in indicators:
                loaded = item.pop("loaded_id")
                Indicator.create(model=row, **item, **({"uuid": kept[loaded]} if loaded in kept else {}))
        record.updated(row, before)


def delete_models(model_ids: list[int]) -> int:
    """Move models to the trash with everything that hangs on them (one undoable action); returns how many.

    A model recognised by a locked decision is refused (:class:`trash.DeleteRefused`), and then none is deleted.
    Their evidence files stay on disk until the trash is emptied.
    """
    if not model_ids:
        return 0
    names = [r.name for r in MoHinh.select(MoHinh.name).where(MoHinh.id.in_(model_ids)).limit(2)]
    label = f"Xóa mô hình, điển hình «{names[0]}»" if len(names) == 1 else f"Xóa {len(model_ids)} mô hình, điển hình"
    with record.batch(label, action="delete", undoable=True):
        rows = list(MoHinh.select().where(MoHinh.id.in_(model_ids)).order_by(MoHinh.id))
        trash.ensure_deletable(rows)
        for row in rows:
            trash.put(row)
    return len(rows)


def _get_row(model_id: int) -> MoHinh:
    row = MoHinh.get_or_none(MoHinh.id == model_id)
    if row is None:
        raise NotFoundError("Không tìm thấy mô hình, điển hình (có thể đã bị xóa).")
    return row


# ----------------------------------------------------------------- reads

SORT_COLUMNS = ("name", "kind", "field", "unit", "level", "status", "year", "updated_at")


def _base_query() -> pw.ModelSelect[MoHinh]:
    return (
        MoHinh.select(MoHinh, Field, Level, Unit, UnitKind)
        .join(Field, pw.JOIN.LEFT_OUTER, on=(MoHinh.field == Field.id))
        .switch(MoHinh)
        .join(Level, pw.JOIN.LEFT_OUTER, on=(MoHinh.level == Level.id))
        .switch(MoHinh)
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .join(UnitKind, pw.JOIN.LEFT_OUTER, on=(Unit.kind == UnitKind.id))
    )


def _apply_filter(query: pw.ModelSelect[MoHinh], flt: ModelFilter) -> pw.ModelSelect[MoHinh]:
    if flt.year:
        query = query.where(MoHinh.year == flt.year)
    if flt.field_id:
        query = query.where(MoHinh.field == flt.field_id)
    if flt.field_name:
        query = query.where(Field.name_fold.contains(fold(flt.field_name)))
    if flt.level_id:
        query = query.where(MoHinh.level == flt.level_id)
    if flt.unit_id:
        ids = {flt.unit_id}
        if flt.include_subunits:
            ids |= _descendant_ids(flt.unit_id)
        query = query.where(MoHinh.unit.in_(sorted(ids)))
    if flt.kind:
        query = query.where(MoHinh.kind == flt.kind)
    if flt.status:
        query = query.where(MoHinh.status == flt.status)
    if flt.statuses:
        query = query.where(MoHinh.status.in_(list(flt.statuses)))
    if flt.offices is not None:
        query = query.where(offices_condition(flt.offices))
    words = fold(flt.text).split()
    if words:
        # Whole words, except the last one which may still be being typed (a prefix).
        # instr() instead of LIKE: nothing in what the user typed acts as a wildcard.
        haystack = (
            pw.Value(" ").concat(MoHinh.search_fold).concat(" ").concat(pw.fn.coalesce(Unit.name_fold, "")).concat(" ")
        )
        for position, word in enumerate(words):
            needle = f" {word} " if position < len(words) - 1 else f" {word}"
            query = query.where(pw.fn.instr(haystack, needle) > 0)
    return query


def offices_condition(offices: tuple[int, ...]) -> pw.ColumnBase:
    """Models of these sending offices (0 = this office's own, which have none)."""
    ids = sorted({office for office in offices if office})
    condition: pw.ColumnBase = MoHinh.source_office.in_(ids) if ids else pw.SQL("0")
    if 0 in offices:
        condition = MoHinh.source_office.is_null() | condition if ids else MoHinh.source_office.is_null()
    return condition


def _order(sort: str, descending: bool) -> list[pw.Ordering]:
    columns: dict[str, pw.ColumnBase] = {
        "name": MoHinh.name_sort,
        "kind": MoHinh.kind,
        "field": Field.sort_order,
        "unit": pw.fn.coalesce(Unit.name_sort, ""),
        "level": Level.sort_order,
        "status": MoHinh.status,
        "year": MoHinh.year,
        "updated_at": MoHinh.updated_at,
    }
    column = columns.get(sort, MoHinh.name_sort)
    primary = column.desc() if descending else column.asc()
    return [primary, MoHinh.name_sort.asc(), MoHinh.id.asc()]


def query_ids(flt: ModelFilter | None = None, sort: str = "name", descending: bool = False) -> list[int]:
    """Ids of matching models, sorted (Vietnamese order for names).  Cheap: the list view
    holds only these and fetches rows for what it shows."""
    flt = flt or ModelFilter()
    # Only the joins the filter and the order use: then a year's list is read from the covering index
    # mo_hinh_year_list (schema 9) alone, in name order, without a lookup per row.
    query = MoHinh.select(MoHinh.id)
    if flt.field_name or sort == "field":
        query = query.join(Field, pw.JOIN.LEFT_OUTER, on=(MoHinh.field == Field.id)).switch(MoHinh)
    if sort == "level":
        query = query.join(Level, pw.JOIN.LEFT_OUTER, on=(MoHinh.level == Level.id)).switch(MoHinh)
    if sort == "unit" or fold(flt.text):
        query = query.join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id)).switch(MoHinh)
    query = _apply_filter(query, flt)
    return [int(model_id) for model_id in query.order_by(*_order(sort, descending)).scalars()]


# What a list line needs, read as plain values: building whole joined model objects (every long text column of
# the registration too) cost half a millisecond a row, most of the time of a scroll or a filter of the list.
_ROW_COLUMNS = (
    MoHinh.id,
    MoHinh.uuid,
    MoHinh.year,
    MoHinh.name,
    MoHinh.kind,
    MoHinh.field,
    Field.name,
    MoHinh.level,
    Level.name,
    MoHinh.unit,
    Unit.name,
    UnitKind.name,
    MoHinh.status,
    MoHinh.address,
    MoHinh.person_name,
    MoHinh.updated_at,
    MoHinh.person_honorific,
)


def _rows(query: pw.ModelSelect[MoHinh]) -> Iterator[ModelRow]:
    """List lines of ``query`` (built on :func:`_base_query`), its columns narrowed to :data:`_ROW_COLUMNS`."""
    narrowed = cast("Iterable[tuple[Any, ...]]", query.select(*_ROW_COLUMNS).tuples())
    for (
        model_id,
        uuid,
        year,
        name,
        kind,
        field_id,
        field,
        level_id,
        level,
        unit_id,
        unit,
        unit_kind,
        status,
        address,
        person_name,
        updated_at,
        honorific,
    ) in narrowed:
        yield ModelRow(
            id=model_id,
            uuid=uuid,
            year=year,
            name=name,
            kind=kind,
            field_id=field_id,
            field=field or "",
            level_id=level_id,
            level=level or "",
            unit_id=unit_id,
            unit=unit or "",
            unit_kind=unit_kind or "",
            status=status,
            address=address,
            person_name=person_name,
            updated_at=updated_at,
            person_honorific=honorific,
        )


def rows_for_ids(ids: list[int]) -> list[ModelRow]:
    """Rows for the given ids, in the same order (missing ids are skipped)."""
    if not ids:
        return []
    found: dict[int, ModelRow] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in _rows(_base_query().where(MoHinh.id.in_(chunk))):
            found[row.id] = row
    return [found[i] for i in ids if i in found]


def registration_values(ids: list[int]) -> dict[int, dict[str, Any]]:
    """Id → {registration field → stored value} for these models, without loading whole details."""
    columns = [MoHinh.id, *(getattr(MoHinh, name) for name in registration.NAMES)]
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        query = MoHinh.select(*columns).where(MoHinh.id.in_(ids[start : start + 500])).tuples()
        # peewee's stubs type .tuples() as the query itself, whose rows would be MoHinh instances.
        for model_id, *values in cast("Iterable[tuple[Any, ...]]", query):
            found[model_id] = dict(zip(registration.NAMES, values, strict=True))
    return found


def indicators_of(ids: list[int]) -> dict[int, list[IndicatorData]]:
    """Id → the model's indicators in their order, category names filled, for many models at once: one
    query per 500 models (the category joined in), not one per model as :func:`get_model` would make."""
    found: dict[int, list[IndicatorData]] = {model_id: [] for model_id in ids}
    category = IndicatorCategory.alias()
    columns = [Indicator.model, Indicator.name, Indicator.unit_of_measure, Indicator.target, Indicator.achieved]
    columns += [Indicator.note, Indicator.id, Indicator.category, category.name]
    for start in range(0, len(ids), 500):
        query = (
            Indicator.select(*columns)
            .join(category, pw.JOIN.LEFT_OUTER, on=Indicator.category == category.id)
            .where(Indicator.model.in_(ids[start : start + 500]))
            .order_by(Indicator.model, Indicator.sort_order, Indicator.id)
            .tuples()
        )
        for model_id, name, unit, target, achieved, note, ind_id, cat_id, cat_name in cast(
            "Iterable[tuple[Any, ...]]", query
        ):
            found[model_id].append(
                IndicatorData(name, unit, target, achieved, note, ind_id, category_id=cat_id, category=cat_name or "")
            )
    return found


def list_models(flt: ModelFilter | None = None, sort: str = "name", descending: bool = False) -> list[ModelRow]:
    query = _apply_filter(_base_query(), flt or ModelFilter())
    return list(_rows(query.order_by(*_order(sort, descending))))


def count_models(flt: ModelFilter | None = None) -> int:
    return _apply_filter(_base_query(), flt or ModelFilter()).count()


def _link(row: MoHinh) -> LinkInfo:
    return LinkInfo(row.id, row.name, row.year, row.unit.name if row.unit_id and row.unit else "")


def get_model(model_id: int) -> ModelDetail:
    r = _get_row(model_id)
    row = rows_for_ids([model_id])[0]
    data = ModelInput(
        name=r.name,
        year=r.year,
        field_id=r.field_id,
        kind=r.kind,
        level_id=r.level_id,
        unit_id=r.unit_id,
        continues_id=r.continues_id,
        replicates_id=r.replicates_id,
        version=r.version,
        **{key: getattr(r, key) for key in registration.NAMES},
    )
    category_names = {c.id: c.name for c in catalogues.list_items("indicator_category", include_inactive=True)}
    indicators = [
        IndicatorData(
            i.name,
            i.unit_of_measure,
            i.target,
            i.achieved,
            i.note,
            i.id,
            category_id=i.category_id,
            category=category_names.get(i.category_id, "") if i.category_id else "",
        )
        for i in r.indicators.order_by(Indicator.sort_order, Indicator.id)
    ]
    data.indicators = indicators
    attachments = [
        AttachmentInfo(a.id, a.uuid, a.original_name, a.stored_name, a.sha256, a.size, a.caption, a.added_at)
        for a in r.attachments.order_by(Attachment.added_at, Attachment.id)
    ]
    history = [
        StatusEntry(h.from_status, h.to_status, h.reason, h.changed_at, h.event_date or h.changed_at.date())
        for h in r.status_history.order_by(StatusChange.changed_at, StatusChange.id)
    ]
    return ModelDetail(
        row=row,
        data=data,
        indicators=indicators,
        attachments=attachments,
        history=history,
        continues=_link(r.continues) if r.continues_id else None,
        replicates=_link(r.replicates) if r.replicates_id else None,
        continued_by=[_link(m) for m in MoHinh.select().where(MoHinh.continues == model_id)],
        replicated_by=[_link(m) for m in MoHinh.select().where(MoHinh.replicates == model_id)],
    )


def similar_names(year: int, name: str, *, exclude_id: int | None = None, limit: int = 5) -> list[ModelRow]:
    """Models of the same year whose names look like ``name`` (duplicate warning while typing).

    A name matches when it is the same, when one contains the other (names of 8 letters or more), or when
    difflib's ratio is at least 0.8.  Found exactly as by comparing with every name of the year, only faster:
    a ratio of 0.8 needs lengths within 2/3 of each other (SQL keeps those and the containing ones), and
    difflib's quick ratio, an upper bound, rules most of the rest out before the full comparison.
    """
    key = fold(name)
    if len(key) < 4:
        return []
    length = pw.fn.length(MoHinh.name_fold)
    near: pw.ColumnBase = length.between((2 * len(key) + 2) // 3, (3 * len(key)) // 2)
    if len(key) >= 8:
        near = near | (pw.fn.instr(key, MoHinh.name_fold) > 0) | (pw.fn.instr(MoHinh.name_fold, key) > 0)
    query = MoHinh.select(MoHinh.id, MoHinh.name_fold).where((MoHinh.year == year) & near)
    if exclude_id:
        query = query.where(MoHinh.id != exclude_id)
    bound = difflib.SequenceMatcher(None, "", key)  # the key's letters counted once for every candidate
    scored = []
    for candidate_id, other in cast("Iterable[tuple[int, str]]", query.order_by(MoHinh.id).tuples()):
        if key == other or (len(key) >= 8 and (key in other or other in key)):
            ratio = 1.0
        else:
            bound.set_seq1(other)
            if bound.real_quick_ratio() < 0.8 or bound.quick_ratio() < 0.8:
                continue
            ratio = difflib.SequenceMatcher(None, key, other).ratio()
        if ratio >= 0.8:
            scored.append((ratio, candidate_id))
    scored.sort(key=lambda item: -item[0])
    return rows_for_ids([model_id for _, model_id in scored[:limit]])


def names_of_year(year: int) -> list[tuple[int, str]]:
    """(id, name) of the year's models in Vietnamese name order: what a choice of one model lists, without
    loading and sorting whole rows."""
    query = MoHinh.select(MoHinh.id, MoHinh.name).where(MoHinh.year == year).order_by(MoHinh.name_sort, MoHinh.id)
    return list(cast("Iterable[tuple[int, str]]", query.tuples()))


def existing_keys(years: Iterable[int]) -> set[tuple[str, str, int]]:
    """(folded name, folded unit name or "", year) of every model of these years: what an import calls a
    duplicate.  Three columns in one query, not whole models (an archive of 100.000 took seconds and MBs)."""
    wanted = sorted(set(years))
    if not wanted:
        return set()
    query = (
        MoHinh.select(MoHinh.name_fold, pw.fn.coalesce(Unit.name_fold, ""), MoHinh.year)
        .join(Unit, pw.JOIN.LEFT_OUTER, on=(MoHinh.unit == Unit.id))
        .where(MoHinh.year.in_(wanted))
        .tuples()
    )
    return {(name, unit, year) for name, unit, year in cast("Iterable[tuple[str, str, int]]", query)}


def years() -> list[int]:
    """Years that have models, newest first."""
    query = MoHinh.select(MoHinh.year).distinct().order_by(MoHinh.year.desc())
    return [row.year for row in query]


def models_fingerprint() -> tuple[int, int, str, int]:
    """What every model looks like, in four numbers that change with any create, edit, status change or delete.

    An import preview records it; applying refuses a preview computed against other data (its
    duplicate checks would be wrong).  Count and highest id see creations and deletions, the versions'
    sum every edit and status change, the latest ``updated_at`` a write that kept the sum.
    """
    row = MoHinh.select(
        pw.fn.COUNT(MoHinh.id), pw.fn.MAX(MoHinh.id), pw.fn.MAX(MoHinh.updated_at), pw.fn.SUM(MoHinh.version)
    ).tuples()[0]
    count, highest, latest, versions = row
    return int(count or 0), int(highest or 0), str(latest or ""), int(versions or 0)


def input_field_names() -> list[str]:
    return [f.name for f in dc_fields(ModelInput)]


def id_for_uuid(uuid: str) -> int:
    """The local id of the model with this stable UUID (the command line and exchanges name models by UUID)."""
    row = MoHinh.get_or_none(MoHinh.uuid == clean(uuid).lower())
    if row is None:
        raise NotFoundError(f"Không tìm thấy mô hình có mã «{uuid}».")
    return row.id
