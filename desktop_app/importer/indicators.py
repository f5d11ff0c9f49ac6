"""Which header columns hold results in numbers (indicators), with their name, unit, scale and category."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..services.catalogues import CatalogueItem, unit_factor
from ..text import clean, fold
from .amounts import MONEY, MONEY_WORDS, SCALE_WORDS, split_unit

# Parts of a compound header that say whether the numbers below are planned or reached, not what they count.
_TARGET_WORDS = ("ke hoach", "muc tieu", "dang ky", "chi tieu dang ky", "chi tieu", "du kien")
_ACHIEVED_WORDS = ("ket qua", "dat duoc", "thuc hien", "thuc te", "da dat")
_UNIT = re.compile(r"\(([^()]{1,30})\)\s*$")
_UNITS = frozenset(
    {
        "%",
        "km",
        "m",
        "m2",
        "m²",
        "m3",
        "ha",
        "ho",
        "nguoi",
        "luot",
        "luot nguoi",
        "ngay cong",
        "tan",
        "kg",
        "cai",
        "con",
        "chiec",
        "buoi",
        "lop",
        "cuon",
        "suat",
        "phan qua",
        "cong trinh",
        "mo hinh",
        "hoi vien",
        "doan vien",
        "thanh vien",
    }
)
# What a "Số …" header counts, spelled as stored.
_COUNTED = {
    "ho": "hộ",
    "nguoi": "người",
    "luot": "lượt",
    "hoi vien": "hội viên",
    "doan vien": "đoàn viên",
    "thanh vien": "thành viên",
    "hoc sinh": "học sinh",
    "ngay cong": "ngày công",
    "lao dong": "lao động",
}
_MONEY_NAMES = ("kinh phi", "so tien", "tien", "gia tri", "tong gia tri", "von", "tri gia")
_COMMON = frozenset({"so", "duoc", "va", "cac", "cua", "tong", "cho", "da"})


@dataclass(frozen=True)
class IndicatorHeader:
    name: str  # "Kinh phí": the header without its unit or its kế hoạch / kết quả part
    unit_of_measure: str  # stored unit ("đồng" for a "triệu đồng" header)
    scale: float
    column: str  # "target" or "achieved"


def _role(part: str) -> str:
    """ "target" / "achieved" when the header part only says planned or reached; "" otherwise."""
    key = fold(_UNIT.sub("", part))
    if any(key == w or key.startswith(w + " ") for w in _TARGET_WORDS):
        return "target"
    if any(key == w or key.startswith(w + " ") for w in _ACHIEVED_WORDS):
        return "achieved"
    return ""


def _unit_in(part: str) -> str:
    match = _UNIT.search(part)
    if not match:
        return ""
    unit = clean(match.group(1))
    key = fold(unit)
    words = key.split()
    if key in _UNITS or key in MONEY_WORDS or unit == "%":
        return unit
    if len(words) >= 2 and words[0] in SCALE_WORDS and " ".join(words[1:]) in MONEY_WORDS:
        return unit
    return ""


def analyse(parts: Sequence[str], *, known_target: bool) -> IndicatorHeader | None:
    """The indicator a column headed by ``parts`` (top to bottom) holds, or None when it is not one.
    ``known_target``: the header already names a field of the form (then only a unit makes it a number column)."""
    parts = [clean(p) for p in parts if clean(p)]
    if not parts:
        return None
    roles = [_role(p) for p in parts]
    column = next((r for r in reversed(roles) if r), "achieved")  # the nearest heading says it
    named = [p for p, r in zip(parts, roles, strict=True) if not r]
    name_part = named[-1] if named else parts[-1]
    unit = next((u for u in (_unit_in(p) for p in reversed(parts)) if u), "")
    name = clean(_UNIT.sub("", name_part)) or name_part
    key = fold(name)
    if not unit:
        if key.startswith("ty le"):
            unit = "%"
        elif key.startswith("so "):
            rest = key[3:]
            counted = (spelled for word, spelled in _COUNTED.items() if rest == word or rest.startswith(word + " "))
            unit = next(counted, "")
        if any(key == w or key.startswith(w + " ") for w in _MONEY_NAMES):
            unit = MONEY
    under_role = any(roles)
    if known_target and not _unit_in(name_part):
        return None
    if not (unit or key.startswith(("so ", "ty le")) or under_role):
        return None
    stored, scale = split_unit(unit)
    return IndicatorHeader(name, stored, scale, column)


def guess_category(header: IndicatorHeader, categories: Sequence[CatalogueItem]) -> CatalogueItem | None:
    """The category whose total the column adds to: one counted in a unit the column's converts to, the one
    sharing most words with the column's name (the first in catalogue order on a tie); None when no unit fits."""
    words = set(fold(header.name).split()) - _COMMON
    best: tuple[int, int, CatalogueItem] | None = None
    for order, item in enumerate(categories):
        if header.unit_of_measure:
            if unit_factor(header.unit_of_measure, item.unit_of_measure) is None:
                continue
        shared = len(words & (set(fold(item.name).split()) - _COMMON))
        if not header.unit_of_measure and not shared:
            continue
        if best is None or shared > best[0]:
            best = (shared, order, item)
    if best is None or (not header.unit_of_measure and best[0] == 0):
        return None
    return best[2]
