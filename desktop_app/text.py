"""Vietnamese text: normalisation, folded search keys, collation, numbers and dates.

Every string that enters the database passes through :func:`clean` (NFC, trimmed,
inner whitespace collapsed).  Searchable text is stored a second time as
:func:`fold` so that a search is a plain SQL comparison on an indexed column.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cmp_to_key, lru_cache
from typing import TypeVar

_T = TypeVar("_T")

_SPACES = re.compile(r"\s+")

# Combining marks used by Vietnamese: letter modifiers and the five tones.
_BREVE, _CIRCUMFLEX, _HORN = "\u0306", "\u0302", "\u031b"
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
_RANK = {ch: i for i, ch in enumerate(_ALPHABET)}


def clean(value: object) -> str:
    """NFC, no control characters, trimmed, runs of whitespace folded to one space."""
    if value is None or (isinstance(value, str) and not value):  # most fields of a row are empty: skip the work
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text)
    return _SPACES.sub(" ", text).strip()


def clean_multiline(value: object) -> str:
    """Like :func:`clean` but keeps line breaks (for long free-text fields)."""
    if value is None or (isinstance(value, str) and not value):
        return ""
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def fold(value: object) -> str:
    """Search key: no diacritics, no case, đ→d, tone placement ignored, spaces collapsed."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFD", str(value))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("đ", "d").replace("Đ", "D").replace("ð", "d").replace("Ð", "D")
    text = text.casefold()
    # Punctuation such as quotes and dashes varies between typists; compare words only.
    text = re.sub(r"[^\w%]+", " ", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)  # called per character of every name given a sort key: few distinct, very many calls
def _letter_parts(ch: str) -> tuple[str, int]:
    """Base letter (with its Vietnamese modifier) and tone number for one character."""
    decomposed = unicodedata.normalize("NFD", ch.casefold())
    base = decomposed[0] if decomposed else ch
    tone = 0
    modifiers = ""
    for mark in decomposed[1:]:
        if mark in _TONES:
            tone = _TONES[mark]
        elif mark in (_BREVE, _CIRCUMFLEX, _HORN):
            modifiers += mark
    letter = unicodedata.normalize("NFC", base + modifiers) if modifiers else base
    return letter, tone


def sort_key(value: object) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """Key that orders strings the way a Vietnamese dictionary does.

    Letters first (a < ă < â, d < đ, o < ô < ơ, u < ư), then tones word by word
    (ngang < huyền < hỏi < ngã < sắc < nặng), then case.
    """
    text = clean(value)
    letters: list[int] = []
    tones: list[int] = []
    word_tone = 0
    for ch in text:
        if ch.isspace():
            tones.append(word_tone)
            word_tone = 0
            letters.append(1)
            continue
        letter, tone = _letter_parts(ch)
        word_tone = max(word_tone, tone)
        if letter in _RANK:
            letters.append(1000 + _RANK[letter])
        elif letter.isdecimal():  # "²" passes isdigit() but int() cannot read it
            letters.append(100 + int(letter))
        else:
            letters.append(2000 + min(ord(letter), 0xC000))  # stays clear of surrogates
    tones.append(word_tone)
    case = tuple(0 if ch.islower() else 1 for ch in text)
    return (tuple(letters), tuple(tones), case)


def sort_key_text(value: object) -> str:
    """:func:`sort_key` flattened into a string whose plain (binary) order is Vietnamese order.

    Stored beside names so that SQLite sorts with an index instead of calling Python.
    """
    letters, tones, case = sort_key(value)
    # U+0001 separates the three parts; every letter code is above it, so a prefix sorts first.
    return (
        "".join(chr(0x20 + code) for code in letters)
        + "\u0001"
        + "".join(chr(0x30 + t) for t in tones)
        + "\u0001"
        + "".join("1" if c else "0" for c in case)
    )


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 in Vietnamese order; also registered as the SQLite collation ``VI``."""
    ka, kb = sort_key(a), sort_key(b)
    return (ka > kb) - (ka < kb)


vi_cmp_key = cmp_to_key(compare)


def sorted_vi(items: Iterable[_T], key: Callable[[_T], object] = lambda x: x) -> list[_T]:
    """Sort any iterable by the Vietnamese order of ``key(item)``."""
    return sorted(items, key=lambda item: sort_key(key(item)))


# ---------------------------------------------------------------- numbers

_MULTIPLIERS = {
    "nghin": 1_000,
    "ngan": 1_000,
    "trieu": 1_000_000,
    "ty": 1_000_000_000,
    "ti": 1_000_000_000,
}
_NUMBER = re.compile(r"[-+]?\d[\d.,\s]*")


def _plain_number(token: str) -> Decimal:
    token = token.replace(" ", "").replace("\u00a0", "")
    if "," in token and "." in token:
        # Vietnamese: dots group thousands, the comma is the decimal mark.
        token = token.replace(".", "").replace(",", ".")
    elif "," in token:
        head, _, tail = token.rpartition(",")
        if token.count(",") > 1:
            token = token.replace(",", "")
        else:
            token = head + "." + tail
    elif "." in token:
        parts = token.split(".")
        if len(parts) > 2 or (len(parts[-1]) == 3 and parts[0] not in ("", "0", "-0")):
            token = token.replace(".", "")
    return Decimal(token)


def parse_number(value: object) -> float | None:
    """Read a number written the Vietnamese way.

    ``"1.234.567"`` → 1234567, ``"6,5"`` → 6.5, ``"88 triệu"`` → 88000000,
    ``"1,4 tỷ"`` → 1400000000, ``"99,16%"`` → 99.16.  Returns None when the text
    holds no number.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float, Decimal)):
        return float(value)
    text = clean(value)
    match = _NUMBER.search(text)
    if not match:
        return None
    raw = match.group(0).strip().rstrip(".,")
    try:
        number = _plain_number(raw)
    except (InvalidOperation, ValueError):
        return None
    rest = fold(text[match.end() :]).split()
    if rest and rest[0] in _MULTIPLIERS:
        number *= _MULTIPLIERS[rest[0]]
    return float(number)


def format_number(value: float | int | Decimal | None, decimals: int | None = None) -> str:
    """``1234.5`` → ``"1.234,5"``; integers keep no decimal part."""
    if value is None:
        return ""
    number = Decimal(str(value))
    if not number.is_finite():
        return ""  # NaN or infinity is no amount; Decimal would fail below on its exponent "n" / "F"
    if decimals is None:
        decimals = (
            0 if number == number.to_integral_value() else min(max(-int(number.normalize().as_tuple().exponent), 0), 2)
        )
    text = f"{number:,.{decimals}f}"
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def format_money(value: float | int | None) -> str:
    """Whole đồng with thousands dots: ``88000000`` → ``"88.000.000"``."""
    return "" if value is None else format_number(round(value), 0)


# ---------------------------------------------------------------- dates

_DATE = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2,4})")


class ImpossibleDate(ValueError):
    """Written correctly (dd/mm/yyyy) but no such day, like 31/02/2023.

    Its text is Vietnamese and says what is wrong, without a final full stop, so that a
    caller may append a hint; it starts lower case and reads well after "Label: ".
    """


def _real_date(year: int, month: int, day: int) -> date:
    """``date(year, month, day)`` with a Vietnamese explanation instead of Python's English one."""
    shown = f"{day:02d}/{month:02d}/{year:04d}"
    if not 1 <= year <= 9999:
        raise ImpossibleDate(f"ngày {shown} không có thật: năm phải từ 1 đến 9999")
    if not 1 <= month <= 12:
        raise ImpossibleDate(f"ngày {shown} không có thật: tháng chỉ từ 1 đến 12")
    if day < 1:
        raise ImpossibleDate(f"ngày {shown} không có thật: ngày trong tháng bắt đầu từ 01")
    last = calendar.monthrange(year, month)[1]
    if day > last:
        raise ImpossibleDate(f"ngày {shown} không có thật: tháng {month} năm {year} chỉ có {last} ngày")
    return date(year, month, day)


def parse_date(value: object) -> date | None:
    """``"15/10/2024"``, ``"5-2-24"``, a ``date`` or ``datetime`` → ``date``; None if empty.

    Raises :class:`ImpossibleDate` (a ValueError) for a well-written day that does not exist
    and ValueError for text that is not a date; both messages are Vietnamese.
    """
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = clean(value)
    if not text:
        return None
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?", text)
    if iso:
        return _real_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    match = _DATE.search(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if year < 100:
            year += 2000
        return _real_date(year, month, day)
    raise ValueError(f"không đọc được ngày «{text}»")


def format_date(value: date | None) -> str:
    """``dd/mm/yyyy``."""
    return value.strftime("%d/%m/%Y") if value else ""


def place_date_line(place: str, day: date | None) -> str:
    """``"Lâm Hà, ngày 05 tháng 02 năm 2024"``: days 1–9 and months 1–2 zero-padded.

    Without a day the blanks are left for a hand-written date, as offices do.
    """
    if day is None:
        return f"{place}, ngày    tháng    năm"
    return f"{place}, {date_in_words(day)}"


def date_in_words(day: date) -> str:
    """``"ngày 05 tháng 02 năm 2024"``, as an official document writes a date (days 1–9, months 1–2 padded)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
