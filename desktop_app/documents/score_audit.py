"""Phụ lục «Nhật ký nhập, sửa điểm chấm»: the annex to the score table that says who keyed each sheet.

For a year, per council member and model: who entered the first keying and when, the second keying (who,
when, and whether it matched the first), and every later correction (when, who, criterion, before → after).
It is read from the history (kind ``score_sheet``), so it shows what was recorded, not what anyone remembers;
a sheet keyed before the office's file kept a history says so instead of naming nobody.

The score grid saves a sheet after every cell, so one keying is many history entries.  The rule that tells
them apart: writing a cell that never had points in that keying is keying; changing or clearing points
that were there (and writing a cell again after it was cleared) is a correction.

:func:`score_audit` returns plain dataclasses (what the tests read); :func:`build_score_audit` prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import peewee as pw
from reportlab.lib.enums import TA_CENTER
from reportlab.platypus import Flowable, Paragraph, Spacer

from ..appraisal.council import council_members
from ..appraisal.scoring import ACCEPT_SECOND_LABEL
from ..appraisal.tables import CouncilMember, Criterion, Score
from ..appraisal.workbook import IMPORT_LABEL
from ..history.queries import HistoryEntry, HistoryFilter, entries
from ..services.settings import get_office
from ..storage.models import Field, MoHinh, database_proxy
from ..tasks import TaskState
from ..text import format_date, format_number, sort_key
from .layout import Document
from .layout import style as paragraph_style
from .lists import COUNCIL, chairman

PAGE = 2000  # history entries read at a time
CHUNK = 500  # uuids per IN (…) query, below SQLite's limit on parameters

TITLE = "Phụ lục"
SUBJECT = "Nhật ký nhập, sửa điểm chấm mô hình, điển hình “Dân vận khéo” năm {year}"


# ----------------------------------------------------------------- what the annex says


@dataclass(frozen=True)
class Keying:
    """One keying of a sheet: who typed it and when (``note``: how, when not typed in the grid)."""

    time: datetime  # its first cell
    user: str  # who typed it (several names when the keying was shared)
    note: str = ""
    finished: datetime | None = None  # its last cell, when later than the first


@dataclass(frozen=True)
class SecondKeying(Keying):
    matched: bool = True  # the same points as the first keying had when the second was typed
    differences: tuple[str, ...] = ()  # the criteria that differed ("TC3")


@dataclass(frozen=True)
class PointChange:
    criterion: str  # "TC3"
    before: float | None  # None: the cell was empty
    after: float | None


@dataclass(frozen=True)
class Correction:
    time: datetime
    user: str
    keying: int
    changes: tuple[PointChange, ...]
    note: str = ""


@dataclass(frozen=True)
class SheetAudit:
    model_uuid: str
    model_name: str
    first: Keying | None
    second: SecondKeying | None
    corrections: tuple[Correction, ...]
    unlogged: bool = False  # its first keying was stored before the file kept a history


@dataclass(frozen=True)
class MemberAudit:
    uuid: str
    name: str
    role: str
    sheets: tuple[SheetAudit, ...]


@dataclass
class _Keyed:
    """One keying of a sheet as the history is replayed."""

    points: dict[str, float] = field(default_factory=dict)
    filled: set[str] = field(default_factory=set)  # criteria that ever had points in this keying
    start: HistoryEntry | None = None
    last: HistoryEntry | None = None
    users: list[str] = field(default_factory=list)
    prelog: bool = False  # it had points before the history began: every logged change is a correction
    differences: tuple[str, ...] = ()  # second keying: criteria that differ from the first keying

    def keying(self) -> Keying | None:
        if self.start is None or self.last is None:
            return None
        finished = self.last.time if self.last.time > self.start.time else None
        return Keying(self.start.time, ", ".join(self.users), _note(self.start), finished)


@dataclass
class _Sheet:
    member: str
    model: str
    label: str  # the latest entry's label, for names of records deleted since
    keyings: dict[int, _Keyed] = field(default_factory=lambda: {1: _Keyed(), 2: _Keyed()})
    corrections: list[Correction] = field(default_factory=list)
    unlogged: bool = False

    @property
    def first(self) -> Keying | None:
        return self.keyings[1].keying()

    @property
    def second(self) -> SecondKeying | None:
        second = self.keyings[2]
        found = second.keying()
        if found is None:
            return None
        return SecondKeying(
            found.time, found.user, found.note, found.finished, not second.differences, second.differences
        )


def _all_entries(year: int) -> list[HistoryEntry]:
    """Every score sheet entry of the year, oldest first (read a page at a time, newest first)."""
    flt = HistoryFilter(kinds=("score_sheet",), year=year)
    found: list[HistoryEntry] = []
    before: int | None = None
    while True:
        page = entries(flt, limit=PAGE, before_id=before)
        found += page
        if len(page) < PAGE:
            break
        before = page[-1].id
    found.reverse()
    return found


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _criterion_labels(uuids: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Criterion uuid → (order, "TC3")."""
    found: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(sorted(set(uuids))):
        query = Criterion.select(Criterion.uuid, Criterion.order).where(Criterion.uuid.in_(chunk))
        for uuid, order in database_proxy.execute(query):
            found[uuid] = (order, f"TC{order}")
    return found


def _note(entry: HistoryEntry) -> str:
    """How the sheet came in, when it was not typed in the score grid."""
    label = entry.batch_label
    if label.startswith(IMPORT_LABEL):
        return "nhập từ tệp Excel " + label[len(IMPORT_LABEL) :].strip()
    if label.startswith(ACCEPT_SECOND_LABEL):
        return "lấy theo lần nhập 2"
    return "đã hoàn tác" if entry.undone else ""


def _points(snapshot: Mapping[str, Any] | None) -> dict[str, float]:
    return dict(snapshot.get("points") or {}) if snapshot else {}


def _changes(
    before: Mapping[str, float], after: Mapping[str, float], labels: Mapping[str, tuple[int, str]]
) -> list[tuple[str, PointChange]]:
    """(criterion uuid, its change) for every criterion whose points differ, in the set's order."""
    keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
    keys.sort(key=lambda k: labels.get(k, (10**6, ""))[0])
    return [(k, PointChange(labels.get(k, (0, "tiêu chí đã xóa"))[1], before.get(k), after.get(k))) for k in keys]


def _apply(sheet: _Sheet, entry: HistoryEntry, keying: int, labels: Mapping[str, tuple[int, str]]) -> None:
    state = sheet.keyings.setdefault(keying, _Keyed())
    old = _points(entry.before) if entry.before is not None else state.points
    if state.start is None and not state.filled and old:
        state.prelog = True  # the first entry we see changes points stored before the history began
        state.filled |= set(old)
    new = _points(entry.after)
    fixes: list[PointChange] = []
    typed = False
    for uuid, change in _changes(old, new, labels):
        if change.before is None and uuid not in state.filled and not state.prelog:
            typed = True
        else:
            fixes.append(change)
    if typed:
        state.start = state.start or entry
        state.last = entry
        if entry.user not in state.users:
            state.users.append(entry.user)
    if fixes:
        sheet.corrections.append(Correction(entry.time, entry.user, keying, tuple(fixes), _note(entry)))
    state.filled |= set(new)
    state.points = new
    if keying == 2:
        # Compared with the first keying as it stood when the second was typed (or corrected); a first keying
        # changed later to match (lấy theo lần nhập 2) shows as its own correction.
        state.differences = tuple(c.criterion for _, c in _changes(sheet.keyings[1].points, new, labels))


def _replay(year: int) -> tuple[dict[tuple[str, str], _Sheet], dict[str, tuple[int, str]]]:
    history = _all_entries(year)
    labels = _criterion_labels(
        uuid for e in history for side in (e.before, e.after) for uuid in _points(side) if side is not None
    )
    sheets: dict[tuple[str, str], _Sheet] = {}
    for entry in history:
        member, model, keying_text = (entry.record_uuid.split(":") + ["", "", "1"])[:3]
        sheet = sheets.setdefault((member, model), _Sheet(member, model, entry.label))
        sheet.label = entry.label
        _apply(sheet, entry, int(keying_text) if keying_text.isdigit() else 1, labels)
    for sheet in sheets.values():
        sheet.unlogged = sheet.keyings[1].prelog
    return sheets, labels


def _unlogged(year: int) -> set[tuple[str, str]]:
    """(member uuid, model uuid) of every first-keying sheet stored for the year, logged or not."""
    query = (
        Score.select(CouncilMember.uuid, MoHinh.uuid)
        .join(CouncilMember, on=(Score.member == CouncilMember.id))
        .switch(Score)
        .join(MoHinh, on=(Score.model == MoHinh.id))
        .where((MoHinh.year == year) & (Score.keying == 1))
        .distinct()
    )
    return {(member, model) for member, model in database_proxy.execute(query)}


def _label_part(label: str, index: int) -> str:
    """The member's (0) or the model's (1) name in an entry's label, for a record deleted since."""
    text = label.removeprefix("Phiếu chấm của ").rsplit(" (lần nhập", 1)[0]
    parts = text.split(" — ", 1)
    return parts[index] if index < len(parts) else ""


def score_audit(year: int) -> list[MemberAudit]:
    """Each council member's sheets of ``year``, members in council order, models in the score grid's order."""
    sheets, _labels = _replay(year)
    for pair in _unlogged(year):
        sheet = sheets.get(pair)
        if sheet is None:
            sheets[pair] = _Sheet(pair[0], pair[1], "", unlogged=True)
    member_uuids = sorted({m for m, _ in sheets})
    model_uuids = sorted({m for _, m in sheets})
    members: dict[str, tuple[int, str, str]] = {}
    for chunk in _chunks(member_uuids):
        member_query = CouncilMember.select(
            CouncilMember.uuid, CouncilMember.sort_order, CouncilMember.name, CouncilMember.role
        ).where(CouncilMember.uuid.in_(chunk))
        for uuid, order, name, role in database_proxy.execute(member_query):
            members[uuid] = (order, name, role)
    models: dict[str, tuple[int, str, str]] = {}
    for chunk in _chunks(model_uuids):
        model_query = (
            MoHinh.select(MoHinh.uuid, Field.sort_order, MoHinh.name)
            .join(Field, pw.JOIN.LEFT_OUTER, on=(MoHinh.field == Field.id))
            .where(MoHinh.uuid.in_(chunk))
        )
        for uuid, order, name in database_proxy.execute(model_query):
            models[uuid] = (order if order is not None else 10**6, name, uuid)
    out: list[MemberAudit] = []
    for member_uuid in member_uuids:
        mine = [s for s in sheets.values() if s.member == member_uuid]
        known = members.get(member_uuid)
        name = known[1] if known else _label_part(mine[0].label, 0) or "Thành viên đã xóa"
        rows = []
        for sheet in mine:
            model = models.get(sheet.model)
            rows.append(
                (
                    (0, model[0], sort_key(model[1])) if model else (1, 10**6, sort_key(_label_part(sheet.label, 1))),
                    SheetAudit(
                        sheet.model,
                        model[1] if model else _label_part(sheet.label, 1) or "Mô hình đã xóa",
                        sheet.first,
                        sheet.second,
                        tuple(sheet.corrections),
                        sheet.unlogged,
                    ),
                )
            )
        rows.sort(key=lambda item: item[0])
        out.append(MemberAudit(member_uuid, name, known[2] if known else "", tuple(r for _, r in rows)))
    out.sort(key=lambda m: (0, members[m.uuid][0]) if m.uuid in members else (1, 0))
    return out


# ----------------------------------------------------------------- the printed annex


def moment(value: datetime) -> str:
    """ "14:05 ngày 12/10/2023", as a record of when something was done reads."""
    return f"{value:%H:%M} ngày {format_date(value.date())}"


def _points_text(value: float | None) -> str:
    return "trống" if value is None else format_number(value)


def _keying_cell(keying: Keying | None, unlogged: bool = False) -> str:
    if keying is None:
        return "Nhập trước khi có nhật ký" if unlogged else "—"
    lines = [keying.user or "(không rõ người nhập)", moment(keying.time)]
    if keying.finished is not None and moment(keying.finished) != lines[-1]:
        lines.append(f"đến {moment(keying.finished)}")
    if keying.note:
        lines.append(f"({keying.note})")
    return "\n".join(lines)


def _second_cell(second: SecondKeying | None) -> str:
    if second is None:
        return "—"
    verdict = "Khớp lần nhập 1" if second.matched else "Lệch lần nhập 1: " + ", ".join(second.differences)
    return _keying_cell(second) + "\n" + verdict


def _corrections_cell(corrections: tuple[Correction, ...]) -> str:
    lines = []
    for correction in corrections:
        changes = "; ".join(
            f"{c.criterion}: {_points_text(c.before)} → {_points_text(c.after)}" for c in correction.changes
        )
        where = " (lần nhập 2)" if correction.keying == 2 else ""
        note = f" ({correction.note})" if correction.note else ""
        lines.append(f"{moment(correction.time)}, {correction.user}{where}{note}: {changes}")
    return "\n".join(lines)


def _maker() -> list[Flowable]:
    """ "Người lập" on the left of the signature, level with the chairman's title: the clerk who kept the log
    signs for it (by hand: the name the program knows may be a login name)."""
    return [
        Spacer(1, 14 * 1.2),
        Paragraph("NGƯỜI LẬP", paragraph_style("maker", 14, bold=True, align=TA_CENTER)),
        Paragraph("(Ký, ghi rõ họ tên)", paragraph_style("maker_note", 13, italic=True, align=TA_CENTER)),
    ]


HEADERS = ["STT", "Mô hình, điển hình", "Nhập lần 1", "Nhập lần 2 (đối chiếu phiếu giấy)", "Sửa điểm sau khi nhập"]
WIDTHS = [5, 23, 20, 21, 31]


def build_score_audit(
    year: int, target: Path | str, *, style: str | None = None, task: TaskState | None = None
) -> Path:
    """The annex, printed like the score table it goes with: the council heads it and its chairman signs."""
    members = score_audit(year)
    doc = Document(get_office(), style_code=style, wide=True, title=f"Nhật ký nhập, sửa điểm chấm năm {year}")
    doc.header(year=year, issuing_body=COUNCIL, superior_body=doc.issuer.issuing_body)
    doc.doc_title(TITLE, SUBJECT.format(year=year), f"(Kèm theo Bảng tổng hợp kết quả chấm điểm năm {year})")
    rows: list[list[str]] = []
    group_rows: list[int] = []
    count = seconds = mismatched = corrections = unlogged = 0
    for position, member in enumerate(members, start=1):
        group_rows.append(len(rows))
        role = f" – {member.role}" if member.role else ""
        rows.append([f"{position}. {member.name}{role} ({len(member.sheets)} phiếu)"])
        for sheet in member.sheets:
            count += 1
            seconds += sheet.second is not None
            mismatched += sheet.second is not None and not sheet.second.matched
            corrections += len(sheet.corrections)
            unlogged += sheet.unlogged
            rows.append(
                [
                    str(count),
                    sheet.model_name,
                    _keying_cell(sheet.first, sheet.unlogged),
                    _second_cell(sheet.second),
                    _corrections_cell(sheet.corrections),
                ]
            )
        if task:
            task.progress(position, len(members), member.name)
    if rows:
        total = (
            f"Tổng cộng: {format_number(count)} phiếu chấm; {format_number(seconds)} phiếu nhập lần 2"
            f" ({format_number(mismatched)} phiếu lệch); {format_number(corrections)} lần sửa điểm"
        )
        rows.append(["", total, "", "", ""])
        doc.table(
            HEADERS,
            rows,
            WIDTHS,
            group_rows=group_rows,
            total_rows=[len(rows) - 1],
            aligns=["center", "left", "left", "left", "left"],
        )
        doc.space(2)
    else:
        doc.paragraph(f"Năm {year} chưa có phiếu chấm nào được nhập.", italic=True)
    legend = (
        "Nhập lần 1: phiếu chấm được nhập vào chương trình; nhập lần 2: phiếu giấy được nhập lại để đối chiếu. "
        "Người nhập là tên người sử dụng chương trình tại thời điểm nhập. TC: tiêu chí, theo số thứ tự trong bộ "
        "tiêu chí; «trống»: ô chưa có điểm."
    )
    if unlogged:
        legend += " «Nhập trước khi có nhật ký»: phiếu đã có điểm từ trước khi tệp dữ liệu ghi nhật ký thay đổi."
    doc.paragraph(legend, italic=True)
    head = chairman(council_members(year))
    doc.signature(
        (),
        authority=doc.issuer.on_behalf(COUNCIL),
        signer_title="CHỦ TỊCH",
        signer_name=head.name if head else "",
        left=_maker(),
    )
    return doc.build(target)
