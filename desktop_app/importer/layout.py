"""Finding the header below any title block (one to three rows, merged cells read as one heading, a row of
column numbers under it), and which column holds what, by Vietnamese names."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field

from .. import registration
from ..services import catalogues, settings
from ..services.catalogues import CatalogueItem
from ..text import clean, clean_multiline, fold
from . import indicators

# Target → names seen in real files (folded).  Targets the importer itself gives meaning to come
# first; then every registration field with its registry synonyms (desktop_app.registration).
# "lead" is the person in charge of a tập thể, or the person of an điển hình.
_OWN_TARGETS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "tt", "so tt", "so thu tu"),
    "name": (
        "ten mo hinh",
        "ten dien hinh",
        "mo hinh, dien hinh",
        "mo hinh/dien hinh",
        "ten mo hinh/dien hinh",
        "ten",
        "mo hinh",
    ),
    "unit": (
        "don vi thuc hien",
        "don vi dang ky",
        "don vi / ca nhan",
        "don vi, ca nhan",
        "co quan, don vi",
        "don vi chu tri",
        "don vi",
    ),
    "field": ("linh vuc",),
    "kind": ("loai", "phan loai", "tap the/ca nhan", "tap the / ca nhan"),
    "level": ("cap",),
    "lead": ("nguoi phu trach", "nguoi chiu trach nhiem", "chu nhiem", "nguoi thuc hien", "ho va ten", "ho ten"),
    "year": ("nam",),
}
TARGETS: dict[str, tuple[str, ...]] = {
    **_OWN_TARGETS,
    **{spec.target: spec.synonyms for spec in registration.FIELDS if spec.synonyms},
}
# What the preview offers for a column: every target, and every registration field even without synonyms.
LABELS = {
    "stt": "Số thứ tự",
    "name": "Tên mô hình, điển hình",
    "unit": "Đơn vị thực hiện",
    "field": "Lĩnh vực",
    "kind": "Loại (tập thể / cá nhân)",
    "level": "Cấp",
    "year": "Năm",
    "lead": "Người phụ trách (điển hình: họ tên)",
    **{spec.target: spec.label for spec in registration.FIELDS},
    "": "(bỏ qua)",
}
_SHORT = ("stt", "year", "level", "kind", "name")  # short words found inside other headers mean nothing
HEADER_SCAN = 30


INDICATOR = "indicator:"  # "indicator:<category id>", or bare: a number kept on the model, added to no total
OTHER_INDICATOR_LABEL = "Chỉ tiêu khác (không cộng vào báo cáo)"


def is_indicator(target: str) -> bool:
    return target.startswith(INDICATOR)


def indicator_category_id(target: str) -> int | None:
    """The category of an indicator target; None for «indicator:» (no category) or any other target."""
    rest = target[len(INDICATOR) :] if is_indicator(target) else ""
    return int(rest) if rest.isdigit() else None


def target_choices() -> list[tuple[str, str]]:
    """What a column may be mapped to, with its label: the fixed targets (LABELS, «bỏ qua» included), then
    one per active indicator category, then an indicator of no category.  Indicator targets may repeat
    across columns (a target and an achieved column of the same category)."""
    choices = list(LABELS.items())
    for item in catalogues.list_items("indicator_category"):
        choices.append((f"{INDICATOR}{item.id}", f"Chỉ tiêu: {item.name} ({item.unit_of_measure})"))
    choices.append((INDICATOR, OTHER_INDICATOR_LABEL))
    return choices


def target_label(target: str) -> str:
    if target in LABELS:
        return LABELS[target]
    if target == INDICATOR:
        return OTHER_INDICATOR_LABEL
    category_id = indicator_category_id(target)
    if category_id is not None:
        for item in catalogues.list_items("indicator_category", include_inactive=True):
            if item.id == category_id:
                return f"Chỉ tiêu: {item.name} ({item.unit_of_measure})"
        return "Chỉ tiêu: loại không còn trong danh mục"
    return target


def _known_target(target: str) -> bool:
    return target in LABELS or target == INDICATOR or indicator_category_id(target) is not None


def header_key(value: object) -> str:
    return re.sub(r"\s+", " ", fold(value)).strip(" :*")


def target_for(header: object) -> str:
    key = header_key(header)
    if not key or len(key) > 80:
        return ""
    # The longest name that starts the header wins ("ket qua dau ra" over "ket qua", "don vi phoi hop"
    # over "don vi"), then the longest found inside it.
    starting = [
        (len(n), target)
        for target, names in TARGETS.items()
        for n in names
        if key == n or key.startswith((n + " ", n + ",", n + "(", n + "/"))
    ]
    inside = [(len(n), target) for target, names in TARGETS.items() if target not in _SHORT for n in names if n in key]
    for found in (starting, inside):
        if found:
            return max(found, key=lambda item: item[0])[1]  # max keeps the first of equal lengths
    return ""


def detect_mapping(values: list[object]) -> dict[int, str]:
    """Column index → target for one candidate header row (each target once, leftmost wins)."""
    mapping: dict[int, str] = {}
    for index, value in enumerate(values):
        target = target_for(value) if isinstance(value, str) else ""
        if target and target not in mapping.values():
            mapping[index] = target
    return mapping


Merged = tuple[int, int, int, int]  # (first row, first col, last row, last col): Excel rows, 0-based columns
HEADER_DEPTH = 3
_COLUMN_NUMBER = re.compile(r"\(?(\d{1,3})\)?")


@dataclass
class HeaderBlock:
    """The header of a list: one to three rows (and a row numbering the columns, if any)."""

    first: int  # positions in the rows handed to :func:`find_header`, inclusive
    last: int
    names: list[str]  # per column: "Kết quả đạt được / Kinh phí (triệu đồng)"; "" for an unnamed column
    mapping: dict[int, str]
    parts: list[list[str]] = dc_field(default_factory=list)  # per column, the header texts top-down
    depth: int = 1  # header rows, not counting a column-number row


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _numbers_row(values: list[object]) -> bool:
    """ "1 2 3 4 …" or "(1) (2) (3)": the columns numbered under the header, part of it rather than data."""
    numbers: list[int] = []
    for value in values:
        text = cell_text(value)
        if not text:
            continue
        match = _COLUMN_NUMBER.fullmatch(text)
        if match is None:
            return False
        numbers.append(int(match.group(1)))
    return len(numbers) >= 3 and numbers[0] in (0, 1) and all(b > a for a, b in itertools.pairwise(numbers))


def _grid(block: list[tuple[int, list[object]]], merged: Sequence[Merged]) -> tuple[list[list[str]], list[list[int]]]:
    """Header texts as the eye reads them (a merged cell's text over all its cells) and how many columns
    each cell spans.  Without merged ranges (a format that does not keep them) a group heading is taken to
    span the blank cells to its right that have sub-headings below them."""
    width = max(len(values) for _, values in block)
    texts = [[cell_text(values[c]) if c < len(values) else "" for c in range(width)] for _, values in block]
    spans = [[1] * width for _ in block]
    numbers = [number for number, _ in block]
    if merged:
        for top, left, bottom, right in merged:
            if top not in numbers or left >= width:
                continue  # a merge starting above the block is a title, not a heading
            first = numbers.index(top)
            value = texts[first][left]
            for i, number in enumerate(numbers):
                if top <= number <= bottom:
                    for c in range(left, min(right, width - 1) + 1):
                        texts[i][c] = value
                        spans[i][c] = right - left + 1
        return texts, spans
    for i in range(len(block) - 1):
        row, below = texts[i], [cell_text(v) for v in block[i + 1][1]] + [""] * width
        group: int | None = None
        for c in range(width):
            if row[c]:
                group = c
            elif group is not None and below[c] and below[group]:
                row[c] = row[group]
                for g in range(group, c + 1):
                    spans[i][g] = c - group + 1
            else:
                group = None
    return texts, spans


def _continues(block: list[tuple[int, list[object]]], merged: Sequence[Merged], name_column: int) -> bool:
    """Whether the block's last row is one more header row: under a heading spanning several columns,
    with no number in it and nothing under the name column (a name there makes it a data row)."""
    (previous, _), (number, values) = block[-2], block[-1]
    if number != previous + 1 or any(_is_number(v) for v in values):
        return False
    if name_column < len(values) and cell_text(values[name_column]):
        return False
    filled = [c for c, v in enumerate(values) if cell_text(v)]
    if not filled or _numbers_row(values):
        return False
    texts, spans = _grid(block, merged)
    for c in filled:
        above = [i for i in range(len(block) - 1) if texts[i][c]]
        if above and spans[above[-1]][c] < 2:
            return False  # under a heading of its own column: not a sub-heading
    return True


def _parts(texts: list[list[str]], column: int) -> list[str]:
    parts: list[str] = []
    for row in texts:
        text = row[column] if column < len(row) else ""
        if text and (not parts or parts[-1] != text):
            parts.append(text)
    return parts


def column_target(parts: list[str], categories: Sequence[CatalogueItem]) -> str:
    """What a column headed by ``parts`` (top to bottom) holds: the target of its own (lowest) heading, or
    an indicator when it holds numbers with a unit or sits under «Kết quả», «Kế hoạch»…"""
    if not parts:
        return ""
    known = target_for(parts[-1])
    header = indicators.analyse(parts, known_target=bool(known))
    if header is None:
        return known
    category = indicators.guess_category(header, categories)
    return f"{INDICATOR}{category.id if category else ''}"


def block_mapping(parts: list[list[str]], categories: Sequence[CatalogueItem]) -> dict[int, str]:
    """Column index → target (each field once, leftmost wins; indicators may repeat)."""
    mapping: dict[int, str] = {}
    for index, column in enumerate(parts):
        target = column_target(column, categories)
        if target and (is_indicator(target) or target not in mapping.values()):
            mapping[index] = target
    return mapping


def find_header(
    rows: list[tuple[int, list[object]]],
    merged: Sequence[Merged] = (),
    categories: Sequence[CatalogueItem] | None = None,
) -> HeaderBlock | None:
    """The header block naming most columns, with a name column; None when no row names one."""
    if categories is None:
        categories = catalogues.list_items("indicator_category")
    best: HeaderBlock | None = None
    for position, (_, values) in enumerate(rows[:HEADER_SCAN]):
        top = detect_mapping(values)
        if "name" not in top.values() or len(top) < 2:
            continue
        name_column = next(i for i, t in top.items() if t == "name")
        end = position + 1
        while (
            end - position < HEADER_DEPTH
            and end < len(rows)
            and _continues(rows[position : end + 1], merged, name_column)
        ):
            end += 1
        block = rows[position:end]
        texts, _ = _grid(block, merged)
        parts = [_parts(texts, c) for c in range(len(texts[0]))]
        mapping = block_mapping(parts, categories)
        if "name" not in mapping.values():
            continue
        last = end - 1
        if end < len(rows) and rows[end][0] == rows[last][0] + 1 and _numbers_row(rows[end][1]):
            last = end
        found = HeaderBlock(position, last, [" / ".join(p) for p in parts], mapping, parts, end - position)
        if best is None or len(mapping) > len(best.mapping):
            best = found
    return best


def signature(headers: Sequence[object]) -> str:
    """Same layout, same signature: the folded header texts in order."""
    text = "|".join(header_key(h) for h in headers)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def remembered(sig: str) -> dict[int, str] | None:
    stored = settings.get_value(f"import_mapping:{sig}")
    if not isinstance(stored, dict):
        return None
    return {int(k): v for k, v in stored.items() if isinstance(v, str) and _known_target(v)}


def remember(sig: str, mapping: dict[int, str]) -> None:
    settings.set_value(f"import_mapping:{sig}", {str(k): v for k, v in mapping.items() if v})


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def cell_text(value: object, *, lines: bool = False) -> str:
    """A cell as clean text; ``lines`` keeps the line breaks typed in it (Alt+Enter) for long text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_multiline(value) if lines else clean(value)
