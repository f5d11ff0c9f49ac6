"""Finding the header row below any title block, and which column holds what, by Vietnamese names."""

from __future__ import annotations

import hashlib
import re

from .. import registration
from ..services import settings
from ..text import clean, clean_multiline, fold

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


def find_header(rows: list[tuple[int, list[object]]]) -> tuple[int, dict[int, str]] | None:
    """(position in ``rows`` of the header row, mapping); the row naming most columns, with a name column."""
    best: tuple[int, int, dict[int, str]] | None = None
    for position, (_, values) in enumerate(rows[:HEADER_SCAN]):
        mapping = detect_mapping(values)
        if "name" not in mapping.values() or len(mapping) < 2:
            continue
        if best is None or len(mapping) > best[0]:
            best = (len(mapping), position, mapping)
    return (best[1], best[2]) if best else None


def signature(headers: list[object]) -> str:
    """Same layout, same signature: the folded header texts in order."""
    text = "|".join(header_key(h) for h in headers)
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def remembered(sig: str) -> dict[int, str] | None:
    stored = settings.get_value(f"import_mapping:{sig}")
    if not isinstance(stored, dict):
        return None
    return {int(k): v for k, v in stored.items() if v in LABELS}


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
