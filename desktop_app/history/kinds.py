"""The records whose history is kept, defined once: their table, Vietnamese name, field labels and children.

A record is turned into a *snapshot*, a JSON-able dict of its fields, and back.  A reference to another
record is kept as that record's uuid, not its id: a model restored from the trash, or one that travelled
in a package, gets a new id but keeps its uuid, so the history still finds what it pointed at.  Children
(a model's indicators, evidence and status history) are part of their parent's snapshot: one change of a
model is one history entry, whatever it touched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

import peewee as pw

from .. import registration
from ..appraisal.tables import Conflict, CouncilMember, CriteriaSet, Criterion, Decision, Override
from ..storage.models import (
    Attachment,
    BaseModel,
    Field,
    Indicator,
    IndicatorCategory,
    Level,
    MoHinh,
    ProgressEntry,
    SourceOffice,
    StatusChange,
    Unit,
    UnitKind,
    now,
)
from ..text import fold, sort_key_text

# Derived columns (folded and sort keys, the optimistic version, the last-write time): recomputed on
# every write, never history.
SKIPPED = frozenset({"id", "name_fold", "name_sort", "search_fold", "version", "updated_at"})

Snapshot = dict[str, Any]
_T = TypeVar("_T")


@dataclass(frozen=True)
class Child:
    """Rows that hang on a record and are kept in its snapshot under ``key``."""

    key: str
    table: type[BaseModel]
    parent: str  # the child's foreign key to the record
    label: str
    order: tuple[str, ...] = ("id",)
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Kind:
    code: str
    label: str  # Vietnamese, as the history view's «Loại bản ghi» filter names it
    table: type[BaseModel] | None  # None: a record built by its own service (a score sheet)
    labels: Mapping[str, str] = field(default_factory=dict)  # field → Vietnamese label
    title: str = "name"  # the field that names the record in the history
    key: str = "uuid"  # the field that finds the record again (an override: its model)
    children: tuple[Child, ...] = ()
    skipped: frozenset[str] = frozenset()  # more fields not kept (a decision's frozen results)

    def label_of(self, name: str) -> str:
        if name in self.labels:
            return self.labels[name]
        for child in self.children:
            if child.key == name:
                return child.label
        return name


_CATALOGUE_LABELS = {"name": "Tên", "sort_order": "Thứ tự", "active": "Đang dùng", "unit_of_measure": "Đơn vị tính"}

MODEL_LABELS: dict[str, str] = {
    "uuid": "Mã",
    "year": "Năm",
    "name": "Tên mô hình, điển hình",
    "kind": "Loại",
    "field": "Lĩnh vực",
    "level": "Cấp",
    "unit": "Đơn vị thực hiện",
    "status": "Trạng thái",
    "note": "Ghi chú",
    "continues": "Tiếp nối mô hình",
    "replicates": "Nhân rộng từ mô hình",
    "created_at": "Ngày nhập",
    "source_office": "Cơ quan gửi báo cáo",  # schema 7: the office whose package brought it
    **{spec.name: spec.label for spec in registration.FIELDS},
}

INDICATOR_LABELS = {
    "name": "Tên chỉ tiêu",
    "unit_of_measure": "Đơn vị tính",
    "target": "Chỉ tiêu",
    "achieved": "Đạt được",
    "category": "Loại chỉ tiêu",
    "note": "Ghi chú",
}

PROGRESS_LABELS = {
    "report_date": "Ngày báo cáo",
    "done": "Nội dung đã thực hiện",
    "values": "Chỉ tiêu đạt được đến nay",
    "status": "Tình hình",
    "note": "Ghi chú",
    "created_at": "Ngày nhập",
}

KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind(
            "model",
            "Mô hình, điển hình",
            MoHinh,
            MODEL_LABELS,
            children=(
                Child("indicators", Indicator, "model", "Chỉ tiêu kết quả", ("sort_order", "id"), INDICATOR_LABELS),
                Child("attachments", Attachment, "model", "Tệp minh chứng"),
                Child("status_history", StatusChange, "model", "Lịch sử trạng thái"),
                # Follow-up reports (schema 8) travel with their model: trash, undo and packages carry them.
                Child("progress", ProgressEntry, "model", "Báo cáo tiến độ", ("report_date", "id"), PROGRESS_LABELS),
            ),
        ),
        Kind(
            "unit",
            "Đơn vị",
            Unit,
            {
                "name": "Tên đơn vị",
                "kind": "Loại đơn vị",
                "level": "Cấp",
                "parent": "Trực thuộc",
                "address": "Địa chỉ",
                "note": "Ghi chú",
                "active": "Đang dùng",
            },
        ),
        Kind("field", "Lĩnh vực", Field, _CATALOGUE_LABELS),
        Kind("level", "Cấp", Level, _CATALOGUE_LABELS),
        Kind("unit_kind", "Loại đơn vị", UnitKind, _CATALOGUE_LABELS),
        Kind("indicator_category", "Loại chỉ tiêu", IndicatorCategory, _CATALOGUE_LABELS),
        # An office below that sends packages: a merge may create it, and undoing the merge takes it back.
        Kind(
            "source_office",
            "Cơ quan gửi báo cáo",
            SourceOffice,
            {**_CATALOGUE_LABELS, "name": "Tên cơ quan", "area_name": "Địa bàn", "level": "Cấp", "note": "Ghi chú"},
        ),
        Kind(
            "criteria_set",
            "Bộ tiêu chí",
            CriteriaSet,
            {
                "name": "Tên bộ tiêu chí",
                "year": "Năm",
                "kind": "Loại",
                "level": "Cấp",
                "requires_grade": "Xếp loại tối thiểu",
                "thresholds": "Ngưỡng xếp loại",
                "trim_extremes": "Bỏ điểm cao nhất, thấp nhất",
            },
            children=(
                Child(
                    "criteria",
                    Criterion,
                    "criteria_set",
                    "Tiêu chí",
                    ("order", "id"),
                    {"text": "Tiêu chí", "group": "Nhóm", "max_points": "Điểm tối đa", "guidance": "Hướng dẫn"},
                ),
            ),
        ),
        Kind(
            "council_member",
            "Thành viên hội đồng",
            CouncilMember,
            {"name": "Họ và tên", "title": "Chức vụ", "role": "Nhiệm vụ", "field_ids": "Lĩnh vực chấm", "year": "Năm"},
            children=(Child("conflicts", Conflict, "member", "Xung đột lợi ích", labels={"model": "Mô hình"}),),
        ),
        Kind(
            "score_sheet",
            "Phiếu chấm điểm",
            None,
            {"points": "Điểm", "member": "Thành viên", "model": "Mô hình", "keying": "Lần nhập"},
        ),
        Kind(
            "override",
            "Điều chỉnh kết quả",
            Override,
            {"grade": "Xếp loại", "recognised": "Công nhận", "outstanding": "Tiêu biểu", "reason": "Lý do"},
            title="model",
            key="model",
        ),
        Kind(
            "decision",
            "Quyết định công nhận",
            Decision,
            {
                "number": "Số quyết định",
                "date": "Ngày quyết định",
                "year": "Năm",
                "issuing_body": "Cơ quan ban hành",
                "signer_name": "Người ký",
                "signer_title": "Chức vụ người ký",
                "authority": "Thẩm quyền ký",
                "locked": "Đã khóa",
            },
            title="number",
            skipped=frozenset({"snapshot"}),
        ),
    )
}


def kind_of(row: BaseModel) -> Kind:
    for kind in KINDS.values():
        if kind.table is type(row):
            return kind
    raise KeyError(f"no history kind for {type(row).__name__}")


# ----------------------------------------------------------------- to a snapshot


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


# Snapshots are taken on every write (an import of 10,000 rows takes 10,000), so they read with plain SQL
# built once per table: peewee's query building costs more than SQLite's answer.  Names come from the
# table declarations, never from data.


def _ref_uuid(table: type[BaseModel], ref_id: int | None) -> Any:
    """A reference as the referenced record's uuid (its id when the table has none)."""
    if ref_id is None or "uuid" not in table._meta.fields:
        return ref_id
    sql = f'SELECT "uuid" FROM "{table._meta.table_name}" WHERE "id" = ?'
    found = table._meta.database.execute_sql(sql, (ref_id,)).fetchone()
    return found[0] if found else None


def _kept(value: Any, column: pw.Field) -> Any:
    if isinstance(column, pw.ForeignKeyField):
        return _ref_uuid(column.rel_model, value)
    return _plain(value)


def _values(row: BaseModel, skipped: frozenset[str] | set[str]) -> Snapshot:
    return {
        name: _kept(row.__data__.get(name), column)
        for name, column in row._meta.fields.items()
        if name not in SKIPPED and name not in skipped
    }


def _quoted(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _child_values(child: Child, parent_id: int) -> list[Snapshot]:
    meta = child.table._meta
    columns = [f for f in meta.sorted_fields if f.name not in SKIPPED and f.name != child.parent]
    parent = meta.fields[child.parent].column_name
    order = _quoted([meta.fields[name].column_name for name in child.order])
    selected = _quoted([f.column_name for f in columns])
    sql = f'SELECT {selected} FROM "{meta.table_name}" WHERE "{parent}" = ? ORDER BY {order}'
    return [
        {f.name: _kept(f.python_value(value), f) for f, value in zip(columns, found, strict=True)}
        for found in meta.database.execute_sql(sql, (parent_id,))
    ]


def snapshot(row: BaseModel) -> Snapshot:
    """Every kept field of ``row`` and its children, as the history stores them."""
    kind = kind_of(row)
    data = _values(row, kind.skipped)
    for child in kind.children:
        data[child.key] = _child_values(child, row.id)
    return data


_CHUNK = 500  # ids in one ``IN (…)``: far below SQLite's limit on bound values (999 in old builds)


def _chunks(items: Sequence[_T]) -> list[Sequence[_T]]:
    return [items[start : start + _CHUNK] for start in range(0, len(items), _CHUNK)]


class _Refs:
    """The uuids of referenced records, read with one query per table and 500 ids rather than one per value."""

    def __init__(self) -> None:
        self._known: dict[type[BaseModel], dict[int, Any]] = {}

    def load(self, table: type[BaseModel], ids: set[Any]) -> None:
        if "uuid" not in table._meta.fields:
            return
        known = self._known.setdefault(table, {})
        missing = sorted(i for i in ids if i is not None and i not in known)
        for part in _chunks(missing):
            sql = f'SELECT "id", "uuid" FROM "{table._meta.table_name}" WHERE "id" IN ({", ".join("?" * len(part))})'
            known.update(table._meta.database.execute_sql(sql, part).fetchall())
            for ref_id in part:
                known.setdefault(ref_id, None)  # gone: None, as _ref_uuid says

    def keeper(self, column: pw.Field) -> Callable[[Any], Any]:
        """What :func:`_kept` does to a value of ``column`` (its uuids loaded), chosen once for every value."""
        if not isinstance(column, pw.ForeignKeyField):
            return _plain
        if "uuid" not in column.rel_model._meta.fields:
            return _same
        known = self._known.setdefault(column.rel_model, {})
        return lambda value: None if value is None else known[value]


def _same(value: Any) -> Any:
    return value


def _foreign_keys(columns: list[pw.Field]) -> list[tuple[int, pw.ForeignKeyField]]:
    return [(i, c) for i, c in enumerate(columns) if isinstance(c, pw.ForeignKeyField)]


def _children_of(child: Child, parent_ids: list[int], refs: _Refs) -> dict[int, list[Snapshot]]:
    """:func:`_child_values` of many parents: one query for them all, the same dicts in the same order."""
    meta = child.table._meta
    columns = [f for f in meta.sorted_fields if f.name not in SKIPPED and f.name != child.parent]
    parent = meta.fields[child.parent].column_name
    order = _quoted([parent] + [meta.fields[name].column_name for name in child.order])
    selected = _quoted([parent] + [f.column_name for f in columns])
    sql = f'SELECT {selected} FROM "{meta.table_name}" WHERE "{parent}" IN ({", ".join("?" * len(parent_ids))})'
    readers = [f.python_value for f in columns]
    found = [
        (owner, [read(value) for read, value in zip(readers, values, strict=True)])
        for owner, *values in meta.database.execute_sql(f"{sql} ORDER BY {order}", parent_ids)
    ]
    for i, column in _foreign_keys(columns):
        refs.load(column.rel_model, {values[i] for _, values in found})
    keepers = [(f.name, refs.keeper(f)) for f in columns]
    by_parent: dict[int, list[Snapshot]] = {parent_id: [] for parent_id in parent_ids}
    for owner, values in found:
        by_parent[owner].append({name: keep(v) for (name, keep), v in zip(keepers, values, strict=True)})
    return by_parent


def snapshots(rows: Sequence[BaseModel]) -> list[Snapshot]:
    """:func:`snapshot` of each of ``rows`` (all of one table): the same dicts, read with one query per child
    table and per referenced table for every 500 rows instead of several per row (an import of 20.000)."""
    if not rows:
        return []
    kind = kind_of(rows[0])
    meta = rows[0]._meta
    kept = [column for name, column in meta.fields.items() if name not in SKIPPED and name not in kind.skipped]
    refs = _Refs()
    result: list[Snapshot] = []
    for part in _chunks(rows):
        for column in kept:
            if isinstance(column, pw.ForeignKeyField):
                refs.load(column.rel_model, {row.__data__.get(column.name) for row in part})
        children = [(child.key, _children_of(child, [row.id for row in part], refs)) for child in kind.children]
        keepers = [(column.name, refs.keeper(column)) for column in kept]
        for row in part:
            values = row.__data__
            data = {name: keep(values.get(name)) for name, keep in keepers}
            for key, by_parent in children:
                data[key] = by_parent[row.id]
            result.append(data)
    return result


def identity(row: BaseModel) -> str:
    kind = kind_of(row)
    if kind.key == "uuid":
        return str(row.uuid)  # type: ignore[attr-defined]
    column = row._meta.fields[kind.key]
    return str(_ref_uuid(column.rel_model, row.__data__.get(kind.key)))


def title(row: BaseModel) -> str:
    """The record's name as the history shows it (an override is named by its model)."""
    kind = kind_of(row)
    column = row._meta.fields[kind.title]
    value = row.__data__.get(kind.title)
    if isinstance(column, pw.ForeignKeyField):
        table = column.rel_model
        found = table.select(table.name).where(table.id == value).scalar() if value is not None else None
        return str(found or "")
    return str(value or "")


def model_uuid(row: BaseModel) -> str | None:
    """The model a record concerns, for a model's own history tab."""
    if isinstance(row, MoHinh):
        return str(row.uuid)
    if "model" in row._meta.fields:
        return str(_ref_uuid(MoHinh, row.__data__.get("model")))
    return None


def changed(before: Snapshot, after: Snapshot) -> tuple[Snapshot, Snapshot]:
    """Only the fields that differ, on each side (an update's history entry)."""
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


# ----------------------------------------------------------------- back from a snapshot


class MissingReference(LookupError):
    """A snapshot points at a record that is no longer there."""


def find(kind: Kind, uuid: str) -> BaseModel | None:
    """The live record a history entry is about, or None when it is gone."""
    assert kind.table is not None
    table = kind.table
    if kind.key == "uuid":
        return table.get_or_none(table.uuid == uuid)  # type: ignore[attr-defined]
    column = table._meta.fields[kind.key]
    ref = column.rel_model.get_or_none(column.rel_model.uuid == uuid)
    return None if ref is None else table.get_or_none(column == ref.id)


def _ref_id(table: type[BaseModel], value: Any, *, required: bool) -> int | None:
    if value is None or "uuid" not in table._meta.fields:
        return value  # type: ignore[no-any-return]
    found = table.select(table.id).where(table.uuid == value).scalar()  # type: ignore[attr-defined]
    if found is None and required:
        raise MissingReference(f"{table.__name__} {value}")
    return int(found) if found is not None else None


def _assign(row: BaseModel, values: Mapping[str, Any], skipped: frozenset[str] | set[str]) -> None:
    for name, value in values.items():
        column = row._meta.fields.get(name)
        if column is None or name in SKIPPED or name in skipped:
            continue
        if isinstance(column, pw.ForeignKeyField):
            value = _ref_id(column.rel_model, value, required=not column.null)
        elif isinstance(column, pw.DateTimeField) and isinstance(value, str):
            value = datetime.fromisoformat(value)
        elif isinstance(column, pw.DateField) and isinstance(value, str):
            value = date.fromisoformat(value)
        setattr(row, name, value)


def write(kind: Kind, values: Mapping[str, Any], row: BaseModel | None = None) -> BaseModel:
    """Give ``row`` (a new one when None) the fields of a snapshot, whole or partial; children given are replaced.

    A reference to a record that is gone is refused (:class:`MissingReference`) when the column needs
    one, and cleared otherwise (a unit's parent deleted since).
    """
    assert kind.table is not None
    if row is None:
        row = kind.table()
    _assign(row, values, kind.skipped)
    if isinstance(row, MoHinh):
        row.search_fold = registration.search_text(row.name, row.__data__)
        row.name_fold = fold(row.name)
        row.name_sort = sort_key_text(row.name)
        row.updated_at = now()
        row.version = (row.version or 0) + 1
    row.save()
    for child in kind.children:
        if child.key not in values:
            continue
        parent = getattr(child.table, child.parent)
        child.table.delete().where(parent == row.id).execute()
        for item in values[child.key]:
            new = child.table()
            _assign(new, item, set())
            new.__data__[child.parent] = row.id
            new.save(force_insert=True)
    return row
