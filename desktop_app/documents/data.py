"""The rows official lists are made of, gathered from the services (shared by PDF and Excel)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import desktop_app.appraisal.results as appraisal_results

from .. import domain
from ..appraisal.decision import decision_for
from ..appraisal.info import ModelResult
from ..office import Issuer, decision_reference
from ..services.catalogues import list_items
from ..services.models import ModelFilter, ModelRow, list_models
from ..text import format_number

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


def registrations(year: int, group_by: str = "field") -> list[Group]:
    """Registered models of the year (withdrawn ones left out), grouped by field or by unit."""
    rows = [r for r in list_models(ModelFilter(year=year)) if r.status != domain.WITHDRAWN]

    def key(r: ModelRow) -> str:
        return (r.unit or "Chưa có đơn vị") if group_by == "unit" else (r.field or "Chưa có lĩnh vực")

    if group_by == "unit":
        from ..text import sort_key

        names = sorted({key(r) for r in rows}, key=sort_key)
    else:
        order = field_order()
        names = sorted({key(r) for r in rows}, key=lambda n: order.get(n, 99))
    return [Group(name, [r for r in rows if key(r) == name]) for name in names]


def unit_with_address(row: ModelRow | ModelResult) -> str:
    address = getattr(row, "address", "")
    unit = row.unit or ""
    if address and address.lower() not in unit.lower():
        return f"{unit} ({address})" if unit else address
    return unit


def recognition(year: int, *, proposal: bool = False) -> list[Group]:
    """Models recognised (or, for the proposal, proposed for recognition), grouped by field."""
    items = [r for r in appraisal_results.results(year) if r.recognised and r.members]
    order = field_order()
    names = sorted({r.field for r in items}, key=lambda n: order.get(n, 99))
    return [Group(name, [r for r in items if r.field == name]) for name in names]


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
