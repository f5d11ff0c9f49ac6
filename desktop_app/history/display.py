"""The history in words: an entry's before and after as Vietnamese lines a clerk can read.

A snapshot keeps references as uuids and codes as codes; here they become names, labels, dd/mm/yyyy
dates and 1.234,5 numbers.  :func:`describe` takes a whole page of entries and resolves every
reference in it with one query per table, so the history view never queries per row.  A record
deleted since is named by the last label the history gave it, followed by «(đã xóa)».
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import peewee as pw

from .. import domain
from ..appraisal.tables import CouncilMember, Criterion, Decision
from ..storage.models import BaseModel, Field, Indicator, MoHinh
from ..text import format_date, format_number
from . import kinds, record
from .kinds import Child, Kind, Snapshot
from .queries import HistoryEntry
from .tables import Change

EMPTY = "(trống)"
GONE = "(đã xóa)"
ARROW = "→"
SHORT_VALUE = 60  # characters of a value in the table's one-line summary
SHORT_SUMMARY = 240
_CHUNK = 500  # uuids per IN (…): well under SQLite's variable limit on any build

# Fields never shown: the record's identity, and bookkeeping a clerk never typed.
_HIDDEN = frozenset({"uuid", "stored_name", "sha256", "size", "sort_order", "order", "is_default", "source_hash"})
_STATUS_FIELDS = frozenset({"status", "from_status", "to_status"})
# The name column of each referenced table (a criterion is named by its text).
_NAME_COLUMN = {Criterion: "text", Decision: "number"}
# How a score sheet (a record of its own service, no table) refers to others.
_SCORE_REFERENCES: dict[str, type[BaseModel]] = {"member": CouncilMember, "model": MoHinh}
TOTAL = "Tổng điểm"
_KEYING = {1: "Lần nhập 1", 2: "Lần nhập 2 (đối chiếu)"}


@dataclass(frozen=True)
class ChangeLine:
    """One field of a change: its label and its value before and after, as shown ("" = no side)."""

    label: str
    before: str
    after: str

    def text(self) -> str:
        if self.before and self.after:
            return f"{self.label}: {self.before} {ARROW} {self.after}"
        return f"{self.label}: {self.after or self.before}"

    def short(self) -> str:
        before, after = _shorten(self.before), _shorten(self.after)
        if before and after:
            return f"{self.label}: {before} {ARROW} {after}"
        return f"{self.label}: {after or before}"


@dataclass(frozen=True)
class Described:
    entry: HistoryEntry
    lines: tuple[ChangeLine, ...]
    summary: str  # the table's «Nội dung thay đổi»

    def text(self) -> str:
        return "\n".join(line.text() for line in self.lines)


def _shorten(text: str, limit: int = SHORT_VALUE) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def describe(entries: Sequence[HistoryEntry]) -> list[Described]:
    """The lines and summary of each entry, every reference resolved with one query per table."""
    names = _Names()
    for entry in entries:
        for snap in (entry.before, entry.after):
            if snap:
                names.want_all(_references(kinds.KINDS[entry.kind], snap))
    names.load()
    out = []
    for entry in entries:
        found = tuple(_Formatter(names).lines(entry))
        out.append(Described(entry, found, _summary(entry, found)))
    return out


def lines(entry: HistoryEntry) -> list[ChangeLine]:
    return list(describe([entry])[0].lines)


def summary(entry: HistoryEntry) -> str:
    return describe([entry])[0].summary


def _summary(entry: HistoryEntry, found: Sequence[ChangeLine]) -> str:
    undone = "(đã hoàn tác) " if entry.undone else ""
    if entry.kind == "score_sheet" and entry.action in ("create", "delete"):
        total = next((line for line in found if line.label == TOTAL), None)
        verb = "Nhập phiếu" if entry.action == "create" else "Xóa phiếu"
        text = f"{verb}: tổng {total.after or total.before} điểm" if total else record.ACTIONS[entry.action]
    elif entry.action in ("update", "status") or entry.kind == "score_sheet":
        text = "; ".join(line.short() for line in found) or record.ACTIONS[entry.action]
    elif entry.action == "create":
        text = "Thêm mới"
    elif entry.action == "delete":
        text = "Xóa"
    else:
        text = record.ACTIONS.get(entry.action, entry.action)
    return _shorten(undone + text, SHORT_SUMMARY)


# ----------------------------------------------------------------- references


def _reference(table: type[BaseModel] | None, name: str) -> type[BaseModel] | None:
    """The table a snapshot field points into, or None when the field holds a plain value."""
    if table is None:
        return _SCORE_REFERENCES.get(name)
    column = table._meta.fields.get(name)
    if isinstance(column, pw.ForeignKeyField):
        return column.rel_model  # type: ignore[no-any-return]
    return None


def _references(kind: Kind, snap: Snapshot) -> Iterator[tuple[type[BaseModel], Any]]:
    for name, value in snap.items():
        child = next((c for c in kind.children if c.key == name), None)
        if child is not None:
            for item in value or ():
                for key, sub in item.items():
                    target = _reference(child.table, key)
                    if target is not None and sub is not None:
                        yield target, sub
            continue
        target = _reference(kind.table, name)
        if target is not None and value is not None:
            yield target, value
        elif name == "field_ids":
            yield from ((Field, ("id", i)) for i in _json_list(value))
        elif name == "points":
            yield from ((Criterion, key) for key in _points(value))


class _Names:
    """Names of referenced records, read in one query per table (and one for those deleted since)."""

    def __init__(self) -> None:
        self._wanted: dict[type[BaseModel], set[Any]] = defaultdict(set)
        self._names: dict[tuple[type[BaseModel], Any], str] = {}
        self._gone: dict[str, str] = {}
        self._orders: dict[str, int] = {}

    def want_all(self, pairs: Iterable[tuple[type[BaseModel], Any]]) -> None:
        for table, key in pairs:
            if (table, key) not in self._names:
                self._wanted[table].add(key)

    def load(self) -> None:
        missing: set[str] = set()
        for table, keys in self._wanted.items():
            name_column = getattr(table, _NAME_COLUMN.get(table, "name"))
            by_id = [k[1] for k in keys if isinstance(k, tuple)]
            by_uuid = [k for k in keys if not isinstance(k, tuple)]
            for chunk in _chunks(by_id):
                query = table.select(table.id, name_column).where(table.id.in_(chunk)).tuples()
                for row_id, name in cast("Iterable[tuple[int, str]]", query):
                    self._names[(table, ("id", row_id))] = str(name)
            if by_uuid and "uuid" in table._meta.fields:
                uuid_column = table.uuid  # type: ignore[attr-defined]
                # A sheet lists its criteria in the set's order: read with their names.
                order_column = Criterion.order if table is Criterion else pw.SQL("0")
                for chunk in _chunks(by_uuid):
                    query = table.select(uuid_column, name_column, order_column).where(uuid_column.in_(chunk))
                    for uuid, name, order in cast("Iterable[tuple[str, str, int]]", query.tuples()):
                        self._names[(table, uuid)] = str(name)
                        self._orders[uuid] = order
            missing.update(str(k) for k in by_uuid if (table, k) not in self._names)
        self._wanted.clear()
        # A record deleted since keeps the name its last history entry gave it.
        for chunk in _chunks(sorted(missing)):
            gone = (
                Change.select(Change.record_uuid, Change.label)
                .where(Change.record_uuid.in_(chunk))
                .order_by(Change.id.desc())
                .tuples()
            )
            for uuid, label in cast("Iterable[tuple[str, str]]", gone):
                self._gone.setdefault(uuid, label)

    def order(self, table: type[BaseModel], key: Any) -> tuple[int, str]:
        """Where a record comes in its list (a criterion in its set), then its name."""
        return self._orders.get(str(key), 1 << 30), self.name(table, key)

    def name(self, table: type[BaseModel], key: Any) -> str:
        found = self._names.get((table, key))
        if found is not None:
            return found
        label = self._gone.get(str(key))
        return f"{label} {GONE}" if label else GONE


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    items = list(items)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _json_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    try:
        loaded = json.loads(value or "[]")
    except (TypeError, ValueError):
        return []
    return loaded if isinstance(loaded, list) else []


def _points(value: Any) -> dict[str, Any]:
    """A score sheet's points by criterion uuid, whether kept as a mapping or as a list of rows."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, list):
        out: dict[str, Any] = {}
        for item in value:
            if isinstance(item, Mapping) and "criterion" in item:
                out[str(item["criterion"])] = item.get("points")
        return out
    return {}


# ----------------------------------------------------------------- values


def _parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _parse_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _number(value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, int | float):
        return format_number(value)
    return str(value)


class _Formatter:
    def __init__(self, names: _Names) -> None:
        self.names = names

    # --- one value
    def value(self, table: type[BaseModel] | None, name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return EMPTY if name != "recognised" else "Theo xếp loại"
        target = _reference(table, name)
        if target is not None:
            return self.names.name(target, value)
        column = table._meta.fields.get(name) if table is not None else None
        if name in _STATUS_FIELDS:
            return domain.status_label(str(value))
        if name == "kind" and value in domain.KINDS:
            return domain.kind_label(str(value))
        if name == "keying" and value in _KEYING:
            return _KEYING[value]
        if name == "field_ids":
            ids = _json_list(value)
            return ", ".join(self.names.name(Field, ("id", i)) for i in ids) if ids else "Mọi lĩnh vực"
        if name == "thresholds":
            return self._thresholds(value)
        if isinstance(value, bool) or isinstance(column, pw.BooleanField):
            return "Có" if value else "Không"
        if isinstance(column, pw.DateTimeField):
            moment = _parse_datetime(value)
            return moment.strftime("%d/%m/%Y %H:%M") if moment else str(value)
        if isinstance(column, pw.DateField):
            day = _parse_date(value)
            return format_date(day) if day else str(value)
        if isinstance(column, pw.FloatField) or isinstance(value, float):
            return format_number(value)
        return str(value)

    @staticmethod
    def _thresholds(value: Any) -> str:
        parts = []
        for item in _json_list(value):
            if isinstance(item, list) and len(item) == 2:
                parts.append(f"{item[0]} từ {_number(item[1])} điểm")
        return "; ".join(parts) or str(value)

    # --- one entry
    def lines(self, entry: HistoryEntry) -> Iterator[ChangeLine]:
        kind = kinds.KINDS[entry.kind]
        before, after = entry.before or {}, entry.after or {}
        whole = entry.before is None or entry.after is None  # a creation or a deletion: the whole record
        for name in _ordered(kind, {**before, **after}):
            if name in _HIDDEN or (whole and name in ("created_at",)):
                continue
            child = next((c for c in kind.children if c.key == name), None)
            if child is not None:
                yield from self._children(child, before.get(name), after.get(name), whole)
            elif name == "points":
                yield from self._points(before.get(name), after.get(name))
            elif whole:
                shown = self.value(kind.table, name, (after or before).get(name))
                if shown != EMPTY:
                    old, new = ("", shown) if entry.before is None else (shown, "")
                    yield ChangeLine(kind.label_of(name), old, new)
            elif before.get(name) != after.get(name):  # a service may keep whole snapshots on both sides
                yield ChangeLine(
                    kind.label_of(name),
                    self.value(kind.table, name, before.get(name)),
                    self.value(kind.table, name, after.get(name)),
                )

    def _points(self, before: Any, after: Any) -> Iterator[ChangeLine]:
        """A score sheet: each criterion (in the set's order) whose points changed, then the total."""
        old, new = _points(before), _points(after)
        both = before is not None and after is not None
        for key in sorted(dict.fromkeys([*new, *old]), key=lambda k: self.names.order(Criterion, k)):
            if both and old.get(key) == new.get(key):
                continue
            shown_old = _number(old[key]) if old.get(key) is not None else ""
            shown_new = _number(new[key]) if new.get(key) is not None else ""
            if both:
                shown_old, shown_new = shown_old or EMPTY, shown_new or EMPTY
            yield ChangeLine(self.names.name(Criterion, key), shown_old, shown_new)
        totals = [
            format_number(sum(float(v) for v in side.values() if isinstance(v, int | float))) for side in (old, new)
        ]
        if both and totals[0] != totals[1]:
            yield ChangeLine(TOTAL, totals[0], totals[1])
        elif not both:
            yield ChangeLine(TOTAL, "", totals[1]) if after is not None else ChangeLine(TOTAL, totals[0], "")

    # --- children (indicators, evidence, status history, criteria, conflicts)
    def _children(self, child: Child, before: Any, after: Any, whole: bool) -> Iterator[ChangeLine]:
        old, new = list(before or []), list(after or [])
        if whole:
            items = new or old
            if items:
                text = "; ".join(self._item(child, item) for item in items)
                yield ChangeLine(child.label, "", text) if after is not None else ChangeLine(child.label, text, "")
            return
        pairs, added, removed = _match(child, old, new)
        noun = _NOUNS.get(child.key, "")
        for item in added:
            yield ChangeLine(child.label, "", f"Thêm {noun}{self._item(child, item)}")
        for item in removed:
            yield ChangeLine(child.label, "", f"{_REMOVE_VERB.get(child.key, 'Bỏ')} {noun}{self._item(child, item)}")
        for was, now in pairs:
            title = f"{noun.capitalize() or child.label + ' '}{self._title(child, now)}"
            for name in _ordered_child(child, {**was, **now}):
                if name in _HIDDEN or was.get(name) == now.get(name) or name in ("added_at", "changed_at"):
                    continue
                yield ChangeLine(
                    f"{title} – {child.labels.get(name, _CHILD_LABELS.get(name, name))}",
                    self._amount(child, name, was),
                    self._amount(child, name, now),
                )

    def _amount(self, child: Child, name: str, item: Mapping[str, Any]) -> str:
        """A child's value; an indicator's amount with its unit (2,5 km)."""
        shown = self.value(child.table, name, item.get(name))
        unit = item.get("unit_of_measure")
        if child.key == "indicators" and name in ("target", "achieved") and unit and item.get(name) is not None:
            return f"{shown} {unit}"
        if child.key == "progress" and name == "values":
            return _progress_figures(item.get("values"))
        if child.key == "progress" and name == "status":
            return domain.PROGRESS_STATUSES.get(str(item.get("status") or ""), "")
        return shown

    def _title(self, child: Child, item: Mapping[str, Any]) -> str:
        if child.key == "conflicts":
            return f"«{self.value(child.table, 'model', item.get('model'))}»"
        if child.key == "progress":
            day = _parse_date(item.get("report_date"))
            return f"ngày {format_date(day)}" if day else ""
        key = _TITLE_FIELD.get(child.key)
        return f"«{item.get(key, '')}»" if key else ""

    def _item(self, child: Child, item: Mapping[str, Any]) -> str:
        """One child in a few words: «Đường bê tông»: chỉ tiêu 2 km, đạt 2,5 km."""
        table = child.table
        if child.key == "indicators":
            unit = str(item.get("unit_of_measure") or "")
            parts = []
            for name, word in (("target", "chỉ tiêu"), ("achieved", "đạt")):
                if item.get(name) is not None:
                    parts.append(f"{word} {format_number(item[name])}{' ' + unit if unit else ''}")
            if item.get("category"):
                parts.append(f"loại {self.value(table, 'category', item['category'])}")
            return self._title(child, item) + (f": {', '.join(parts)}" if parts else "")
        if child.key == "attachments":
            caption = str(item.get("caption") or "")
            return self._title(child, item) + (f" ({caption})" if caption else "")
        if child.key == "status_history":
            day = _parse_date(item.get("event_date")) or _parse_date(item.get("changed_at"))
            moves = [domain.status_label(str(item[k])) for k in ("from_status", "to_status") if item.get(k)]
            reason = str(item.get("reason") or "")
            return (
                (f"{format_date(day)}: " if day else "")
                + f" {ARROW} ".join(moves)
                + (f" (lý do: {reason})" if reason else "")
            )
        if child.key == "progress":
            parts = [
                domain.PROGRESS_STATUSES.get(str(item.get("status") or ""), ""),
                _shorten(str(item.get("done") or "")),
                _progress_figures(item.get("values")),
            ]
            return self._title(child, item) + ": " + "; ".join(p for p in parts if p)
        if child.key == "criteria":
            points = item.get("max_points")
            return self._title(child, item) + (f" ({format_number(points)} điểm)" if points is not None else "")
        if child.key == "conflicts":
            reason = str(item.get("reason") or "")
            return self._title(child, item) + (f" ({reason})" if reason else "")
        return ", ".join(
            f"{child.labels.get(k, k)}: {self.value(table, k, v)}" for k, v in item.items() if k not in _HIDDEN
        )


def _progress_figures(value: Any) -> str:
    """A report's figures, kept by indicator uuid, by the indicators' names: «Hộ hiến đất: 12 hộ»."""
    try:
        figures = json.loads(value) if isinstance(value, str) else dict(value or {})
    except (ValueError, TypeError):
        return str(value or "")
    if not isinstance(figures, dict) or not figures:
        return ""
    names = {
        i.uuid: (i.name, i.unit_of_measure or "")
        for i in Indicator.select(Indicator.uuid, Indicator.name, Indicator.unit_of_measure).where(
            Indicator.uuid.in_(list(figures))
        )
    }
    shown = []
    for key, amount in figures.items():
        name, unit = names.get(key, ("(chỉ tiêu đã xóa)", ""))
        number = format_number(amount) if isinstance(amount, int | float) else str(amount)
        shown.append(f"{name}: {number}{' ' + unit if unit else ''}")
    return "; ".join(shown)


_NOUNS = {
    "indicators": "chỉ tiêu ",
    "attachments": "tệp ",
    "criteria": "tiêu chí ",
    "conflicts": "mô hình ",
    "progress": "báo cáo tiến độ ",
}
_REMOVE_VERB = {"attachments": "Xóa", "status_history": "Bỏ"}
_TITLE_FIELD = {"indicators": "name", "attachments": "original_name", "criteria": "text"}
_CHILD_LABELS = {"caption": "Chú thích", "original_name": "Tên tệp", "reason": "Lý do", "event_date": "Ngày"}
# How children that lost their uuid (indicators are written anew on every save) are matched again.
_MATCH_FIELD = {"indicators": "name", "attachments": "original_name", "criteria": "text", "conflicts": "model"}


def _match(
    child: Child, old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Pairs (same child before and after), added and removed: by uuid first, then by name, in order."""
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    rest_old = list(old)
    rest_new: list[dict[str, Any]] = []
    for item in new:
        found = next((o for o in rest_old if o.get("uuid") is not None and o.get("uuid") == item.get("uuid")), None)
        if found is None:
            rest_new.append(item)
        else:
            rest_old.remove(found)
            pairs.append((found, item))
    key = _MATCH_FIELD.get(child.key)
    added: list[dict[str, Any]] = []
    for item in rest_new:
        found = None
        if key is not None:
            found = next((o for o in rest_old if o.get(key) == item.get(key)), None)
        elif item in rest_old:
            found = item
        if found is None:
            added.append(item)
        else:
            rest_old.remove(found)
            pairs.append((found, item))
    changed = [(a, b) for a, b in pairs if _visible(a) != _visible(b)]
    return changed, added, rest_old


def _visible(item: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in _HIDDEN and k not in ("added_at", "changed_at")}


def _ordered(kind: Kind, snap: Mapping[str, Any]) -> list[str]:
    """Fields in the order the kind labels them (the form's order), then any others, children last."""
    known = [name for name in kind.labels if name in snap and name != "points"]
    children = [c.key for c in kind.children if c.key in snap] + (["points"] if "points" in snap else [])
    others = sorted(name for name in snap if name not in kind.labels and name not in children)
    return known + others + children


def _ordered_child(child: Child, item: Mapping[str, Any]) -> list[str]:
    known = [name for name in child.labels if name in item]
    return known + sorted(name for name in item if name not in child.labels)


def when(entry: HistoryEntry) -> str:
    """The entry's time as the history shows it: dd/mm/yyyy HH:MM."""
    return entry.time.strftime("%d/%m/%Y %H:%M")
