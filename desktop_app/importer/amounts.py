"""Reading a result amount from a cell the way offices write it: 40000000, "9.000.000 đồng", "12,5 triệu",
"1,2 tỷ", or a bare "45" in a column headed "(triệu đồng)"."""

from __future__ import annotations

import re

from ..text import clean, fold, parse_number

SCALE_WORDS: dict[str, float] = {"nghin": 1e3, "ngan": 1e3, "trieu": 1e6, "tr": 1e6, "ty": 1e9, "ti": 1e9}
MONEY_WORDS = frozenset({"dong", "d", "vnd", "vnđ"})
MONEY = "đồng"
# A bare number this big in a column headed "(triệu đồng)" was written in đồng: 1.000.000 triệu (a thousand
# billion đồng) is no commune's result, 1.000.000 đồng is a common one.
_ALREADY_IN_DONG = 1e6
_AMOUNT = re.compile(r"^([-+\u2212\u2013]?\s*\d[\d.,\s]*)(.*)$")
_MINUS = ("-", "\u2212", "\u2013")


class AmountError(ValueError):
    """The cell holds something that is not an amount; the message says what in Vietnamese."""


def split_unit(unit: str) -> tuple[str, float]:
    """A header's unit as (unit stored, what a bare number is multiplied by): "triệu đồng" → ("đồng", 1e6),
    "VNĐ" → ("đồng", 1), "km" → ("km", 1)."""
    words = fold(unit).split()
    if not words:
        return "", 1.0
    if len(words) >= 2 and words[0] in SCALE_WORDS and " ".join(words[1:]) in MONEY_WORDS:
        return MONEY, SCALE_WORDS[words[0]]
    if " ".join(words) in MONEY_WORDS:
        return MONEY, 1.0
    return clean(unit), 1.0


def read_amount(value: object, *, scale: float = 1.0, unit: str = "") -> float | None:
    """The amount in ``unit`` (the stored one); None for an empty cell.  A multiplier or "đồng" written in the
    cell wins over the header's scale.  Raises :class:`AmountError` for anything else, such as
    "khoảng 5 triệu?" (an estimate is not a result)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError(f"«{value}» không phải là số")
    if isinstance(value, (int, float)):
        if unit == "%" and 0 < value < 1:
            return float(value) * 100  # "85%" typed into Excel is kept as 0.85 in a cell formatted as percent
        return _scaled(float(value), scale, explicit=False)
    text = clean(str(value))
    if not text:
        return None
    match = _AMOUNT.match(text)
    number = parse_number(match.group(1)) if match else None
    if match is None or number is None:
        raise AmountError(f"«{text}» không phải là số")
    if text.startswith(_MINUS):
        number = -abs(number)
    rest = fold(match.group(2)).split()
    explicit = False
    if rest and rest[0] in SCALE_WORDS:
        number *= SCALE_WORDS[rest[0]]
        rest = rest[1:]
        explicit = True
    tail = " ".join(rest)
    if tail in MONEY_WORDS:
        explicit = True
    elif tail and tail != fold(unit) and tail != "%":
        raise AmountError(f"«{text}» không phải là số")
    return _scaled(number, scale, explicit=explicit)


def _scaled(number: float, scale: float, *, explicit: bool) -> float:
    if explicit or scale == 1 or abs(number) >= _ALREADY_IN_DONG:
        return number
    return number * scale
