"""The rows official lists are made of, gathered from the services (shared by PDF and Excel)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import peewee as pw

import desktop_app.appraisal.results as appraisal_results

from .. import domain
from ..appraisal.decision import decision_for
from ..appraisal.info import ModelResult
from ..errors import AppError
from ..office import Issuer, decision_reference
from ..services.catalogues import list_items
from ..services.models import ModelFilter, ModelRow, list_models, offices_condition
from ..services.statistics import OWN_OFFICE as OWN_OFFICE  # the lists name it as the statistics do
from ..storage.models import MoHinh, SourceOffice
from ..text import clean, fold, format_number, sort_key

_ROMAN_DIGITS: tuple[tuple[int, str], ...] = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
)
_ROMAN_DIGITS += ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


@dataclass
class Group:
    title: str
    rows: list[Any]  # the lists' own row types: ModelRow, ModelResult


def roman(n: int) -> str:
    """Group numbers of a list: I, II, … XII, XIII, … XLIX (a district lists dozens of units)."""
    if not 0 < n < 4000:
        raise ValueError(f"no Roman numeral for {n}")
    letters = []
    for value, symbol in _ROMAN_DIGITS:
        count, n = divmod(n, value)
        letters.append(symbol * count)
    return "".join(letters)


def used_columns(rows: Sequence[Sequence[object]], width: int, optional: Iterable[int]) -> list[int]:
    """The columns a list prints: an optional one (a "Ghi chú") is left out when no full row fills it.

    ``rows`` may hold group and total rows (shorter than ``width``); only rows of the full width count.
    """
    skip = {c for c in optional if not any(len(r) == width and str(r[c] or "").strip() for r in rows)}
    return [c for c in range(width) if c not in skip]


PARTS = ("A", "B", "C")  # parts of a list, above its Roman-numbered field groups


def kind_part_title(position: int, kind: str, count: int) -> str:
    """ "A. MÔ HÌNH TẬP THỂ (27) – xếp hạng riêng": the heading of a kind's part of a ranked list."""
    letter = PARTS[position] if position < len(PARTS) else str(position + 1)
    return f"{letter}. {appraisal_results.kind_title(kind).upper()} ({count}) – xếp hạng riêng"


def field_order() -> dict[str, int]:
    return {f.name: i for i, f in enumerate(list_items("field", include_inactive=True))}


# ----------------------------------------------------------------- sending offices
# The upper office's lists may take the models its offices below sent (MoHinh.source_office) and group by them.
# What the command line takes for "this office's own models" (folded): ``--office here`` or ``--office "cơ quan mình"``.
OWN_OFFICE_WORDS = ("here", "co quan minh", "own")
NO_UNIT = "Chưa có đơn vị"
NO_FIELD = "Chưa có lĩnh vực"


@dataclass(frozen=True)
class OfficeChoice:
    """One choice of the «Cơ quan gửi» option: a sending office of the catalogue, or (id 0) this office."""

    id: int
    name: str
    uuid: str = ""
    active: bool = True


def report_offices() -> list[OfficeChoice]:
    """The sending offices a report can take models from, in Vietnamese order, after this office's own;
    empty when the catalogue has none (then nothing about offices is offered).  A deactivated office stays a
    choice: the models it sent before are still here."""
    offices = sorted(SourceOffice.select(), key=lambda o: sort_key(o.name))
    if not offices:
        return []
    return [OfficeChoice(0, OWN_OFFICE), *(OfficeChoice(o.id, o.name, o.uuid, bool(o.active)) for o in offices)]


def resolve_office(text: str) -> int:
    """The id of the office a command line names (0 for this office's own models): its UUID, its name (case and
    diacritics ignored), or the one office whose name contains what was typed."""
    wanted = fold(text)
    if wanted in OWN_OFFICE_WORDS or wanted == fold(OWN_OFFICE):
        return 0
    choices = [c for c in report_offices() if c.id]
    for matches in (
        [c for c in choices if c.uuid.lower() == clean(text).lower()],
        [c for c in choices if fold(c.name) == wanted],
        [c for c in choices if wanted and wanted in fold(c.name)],
    ):
        if len(matches) == 1:
            return matches[0].id
        if len(matches) > 1:
            names = ", ".join(f"«{c.name}»" for c in matches[:5])
            raise AppError(f"«{clean(text)}» khớp với nhiều cơ quan ({names}); hãy ghi đủ tên hoặc dùng UUID.")
    if not choices:
        raise AppError(f"Chưa có cơ quan cấp dưới nào gửi báo cáo nên không chọn được «{clean(text)}».")
    raise AppError(
        f"Không có cơ quan gửi báo cáo «{clean(text)}»; xem danh sách bằng lệnh package offices "
        "(dùng «here» cho mô hình của chính cơ quan)."
    )


def office_names(model_ids: Iterable[int]) -> dict[int, str]:
    """Model id → the name of the office that sent it (``OWN_OFFICE`` for this office's own)."""
    ids = list(model_ids)
    names: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        query = (
            MoHinh.select(MoHinh.id, SourceOffice.name)
            .join(SourceOffice, pw.JOIN.LEFT_OUTER, on=(MoHinh.source_office == SourceOffice.id))
            .where(MoHinh.id.in_(ids[start : start + 500]))
            .tuples()
        )
        for model_id, name in cast("Iterable[tuple[int, str | None]]", query):
            names[model_id] = name or OWN_OFFICE
    return names


def model_ids_of(year: int, offices: tuple[int, ...] | None) -> set[int] | None:
    """The ids of the year's models from these offices; None when every office is taken."""
    if offices is None:
        return None
    query = MoHinh.select(MoHinh.id).where((MoHinh.year == year) & offices_condition(offices))
    return {int(model_id) for model_id in query.scalars()}


def scope_line(offices: tuple[int, ...] | None) -> str:
    """ "(Gồm mô hình, điển hình của: …)" under a title narrowed to some offices; empty for all of them."""
    if offices is None:
        return ""
    names = {c.id: c.name for c in report_offices()}
    chosen = [names.get(office, OWN_OFFICE if office == 0 else f"#{office}") for office in offices]
    return f"(Gồm mô hình, điển hình của: {'; '.join(chosen) or 'không cơ quan nào'})"


def group_rows(rows: Sequence[Any], group_by: str) -> list[Group]:
    """Rows (``ModelRow`` or ``ModelResult``, their order kept) grouped by field (catalogue order), unit or
    sending office (Vietnamese order, this office's own first)."""
    if group_by == "office":
        offices = office_names(r.model_id if isinstance(r, ModelResult) else r.id for r in rows)

        def key(r: Any) -> str:
            return offices.get(r.model_id if isinstance(r, ModelResult) else r.id, OWN_OFFICE)

        names = sorted({key(r) for r in rows}, key=lambda n: (n != OWN_OFFICE, sort_key(n)))
    elif group_by == "unit":

        def key(r: Any) -> str:
            return r.unit or NO_UNIT

        names = sorted({key(r) for r in rows}, key=sort_key)
    else:

        def key(r: Any) -> str:
            return r.field or NO_FIELD

        order = field_order()
        names = sorted({key(r) for r in rows}, key=lambda n: order.get(n, 99))
    return [Group(name, [r for r in rows if key(r) == name]) for name in names]


def group_label(group_by: str, title: str) -> str:
    """A group's heading in a list, in capitals: "LĨNH VỰC KINH TẾ", "XÃ PHÚ SƠN"."""
    return ("LĨNH VỰC " + title if group_by == "field" else title).upper()


def registrations(year: int, group_by: str = "field", offices: tuple[int, ...] | None = None) -> list[Group]:
    """Registered models of the year (withdrawn ones left out), grouped by field, unit or sending office."""
    rows = [r for r in list_models(ModelFilter(year=year, offices=offices)) if r.status != domain.WITHDRAWN]
    return group_rows(rows, group_by)


def unit_with_address(row: ModelRow | ModelResult) -> str:
    address = getattr(row, "address", "")
    unit = row.unit or ""
    if address and address.lower() not in unit.lower():
        return f"{unit} ({address})" if unit else address
    return unit


def results(year: int, offices: tuple[int, ...] | None = None) -> list[ModelResult]:
    """The year's results (``appraisal.results``) of the models from these offices.

    Ranks stay those the council gave over the whole year: narrowing a table to some offices does not rank
    their models anew.
    """
    items = appraisal_results.results(year)
    chosen = model_ids_of(year, offices)
    return items if chosen is None else [r for r in items if r.model_id in chosen]


def recognition(
    year: int, *, proposal: bool = False, group_by: str = "field", offices: tuple[int, ...] | None = None
) -> list[Group]:
    """Models recognised (or, for the proposal, proposed for recognition), grouped by field, unit or office."""
    items = [r for r in results(year, offices) if r.recognised and r.members]
    return group_rows(items, group_by)


def score_text(result: ModelResult) -> str:
    if result.mean is None:
        return ""
    return f"{format_number(result.mean, 2)} – {result.grade}"


# Organ names written in capitals on headers, as they are written inside a sentence.
_ORGANS = (
    "Ban Thường vụ",
    "Ban Chấp hành",
    "Ban Dân vận",
    "Huyện ủy",
    "Tỉnh ủy",
    "Thành ủy",
    "Thị ủy",
    "Đảng ủy",
    "Ủy ban nhân dân",
    "Hội đồng nhân dân",
    "Mặt trận Tổ quốc",
    "Đảng bộ",
    "Chi bộ",
)


def in_sentence(name: str, place: str = "") -> str:
    """ "BAN THƯỜNG VỤ HUYỆN ỦY LÂM HÀ" → "Ban Thường vụ Huyện ủy Lâm Hà" (mixed-case names are kept)."""
    if not name.isupper():
        return name
    text = name.lower()
    for organ in _ORGANS + ((place,) if place else ()):
        text = text.replace(organ.lower(), organ)
    return text[:1].upper() + text[1:]


def acting_body(issuing_body: str, authority: str) -> str:
    """Who decided: "T/M BAN THƯỜNG VỤ" of "HUYỆN ỦY LÂM HÀ" is "BAN THƯỜNG VỤ HUYỆN ỦY LÂM HÀ";
    "TM. ỦY BAN NHÂN DÂN" of "ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ" is that committee itself."""
    collective = re.sub(r"^(T/M|TM\.?)\s+", "", authority.strip(), flags=re.IGNORECASE).strip()
    if not collective or collective == authority.strip() or issuing_body.upper().startswith(collective.upper()):
        return issuing_body
    return f"{collective} {issuing_body}"


def decision_line(year: int, issuer: Issuer) -> str:
    """ "(Kèm theo Quyết định số …)" as the printing style cites a decision; blanks before the decision."""
    decision = decision_for(year)
    if decision is None:
        blank = "…" * 3
        reference = f"{blank}-QĐ/{blank}" if issuer.party else f"{blank}/QĐ-{blank}"
        return f"(Kèm theo {issuer.cite('Quyết định', reference, None, '…' * 8)})"
    body = in_sentence(acting_body(decision.issuing_body, decision.authority), issuer.place_name)
    return f"(Kèm theo {issuer.cite('Quyết định', decision_reference(decision.number), decision.date, body)})"


def kind_short(kind: str) -> str:
    return domain.KIND_SHORT.get(kind, kind)


def registration_cells(row: ModelRow) -> list[str]:
    """A registration list's columns after STT, the same in the PDF and its Excel twin."""
    return [
        row.name,
        unit_with_address(row),
        row.field,
        kind_short(row.kind),
        short_level(row.level),
        registration_note(row),
    ]


def registration_note(row: ModelRow) -> str:
    """What a registration list notes beside a model: a person's name, or a status out of the normal flow."""
    notes = []
    if row.kind == domain.KIND_INDIVIDUAL and row.person_name and row.person_name not in row.name:
        notes.append(row.person_addressed)
    if row.status in (domain.RETURNED, domain.NOT_RECOGNISED):
        notes.append(domain.STATUSES.get(row.status, row.status))
    return "; ".join(notes)


def kind_label(kind: str) -> str:
    """ "mô hình" or "điển hình", as in a title."""
    return "điển hình" if kind == domain.KIND_INDIVIDUAL else "mô hình"


def result_note(result: ModelResult) -> str:
    """ "Tiêu biểu" and whether the council decided instead of the score."""
    notes = ["Tiêu biểu"] if result.outstanding else []
    if result.override_reason:
        notes.append("Hội đồng quyết định")
    return "; ".join(notes)


def short_level(level: str) -> str:
    """ "Cơ sở (xã, phường)" → "Cơ sở": the explanation does not fit a list column."""
    return level.split(" (")[0]
