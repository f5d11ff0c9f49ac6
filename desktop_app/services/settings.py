"""Settings stored in the database file (they travel with it): the office details first."""

from __future__ import annotations

import json
from typing import Any

from ..errors import ValidationError
from ..office import STYLE_LABELS, STYLE_SECTIONS, OfficeInfo
from ..storage.database import transaction
from ..storage.models import Setting
from ..text import clean

OFFICE_KEY = "office"


def get_value(key: str, default: Any = None) -> Any:
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return default
    return json.loads(row.value)


@transaction()
def set_value(key: str, value: Any) -> None:
    payload = json.dumps(value, ensure_ascii=False)
    Setting.insert(key=key, value=payload).on_conflict_replace().execute()


def is_configured() -> bool:
    """False on a new database: the GUI then shows the first-run setup."""
    return get_value(OFFICE_KEY) is not None


def get_office() -> OfficeInfo:
    return OfficeInfo.from_dict(get_value(OFFICE_KEY, {}))


def save_office(office: OfficeInfo) -> OfficeInfo:
    """Check and store the office details.  Each style the office issues in needs its issuing body; the
    default style must be one of them."""
    data = office.to_dict()
    data = {k: clean(v) if isinstance(v, str) else v for k, v in data.items()}
    data["identities"] = {
        code: {k: clean(v) for k, v in values.items()} for code, values in (data.get("identities") or {}).items()
    }
    cleaned = OfficeInfo.from_dict(data)
    if not cleaned.identities:
        raise ValidationError(
            "Cơ quan ban hành",
            "chưa nhập tên cơ quan ban hành văn bản (theo thể thức của Đảng, của Nhà nước, hoặc cả hai).",
            key="issuing_body",
        )
    if not cleaned.place_name:
        raise ValidationError(
            "Địa danh", "chưa nhập địa danh (dùng ở dòng «…, ngày … tháng … năm …»).", key="place_name"
        )
    if cleaned.document_style not in STYLE_LABELS:
        raise ValidationError(
            "Thể thức văn bản", "chỉ chọn văn bản của Đảng hoặc văn bản hành chính.", key="document_style"
        )
    if not cleaned.has_style(cleaned.document_style):
        raise ValidationError(
            "Thể thức văn bản",
            f"thể thức mặc định phải là thể thức cơ quan đã điền thông tin: điền phần "
            f"«{STYLE_SECTIONS[cleaned.document_style]}» hoặc chọn thể thức khác.",
            key="document_style",
        )
    try:
        cleaned.current_year = int(cleaned.current_year)
    except (TypeError, ValueError):
        raise ValidationError("Năm hiện hành", "phải là một năm, ví dụ 2026.", key="current_year") from None
    if not 1990 <= cleaned.current_year <= 2100:
        raise ValidationError("Năm hiện hành", "phải nằm trong khoảng 1990–2100.", key="current_year")
    set_value(OFFICE_KEY, cleaned.to_dict())
    return cleaned
