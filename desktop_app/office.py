"""The office's own details: who issues documents and how they are styled."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, fields
from typing import Any

STYLE_PARTY = "dang"  # Hướng dẫn 36-HD/VPTW
STYLE_STATE = "nha_nuoc"  # Nghị định 30/2020/NĐ-CP
STYLE_LABELS = {STYLE_PARTY: "Văn bản của Đảng (HD 36-HD/VPTW)", STYLE_STATE: "Văn bản hành chính (NĐ 30/2020/NĐ-CP)"}


@dataclass
class OfficeInfo:
    """Configured once at first run; editable in Cài đặt.  Stored in the database file."""

    issuing_body: str = ""  # e.g. "BAN THƯỜNG VỤ HUYỆN ỦY" / "ỦY BAN NHÂN DÂN"
    superior_body: str = ""  # e.g. "ĐẢNG BỘ TỈNH LÂM ĐỒNG" / "UBND TỈNH LÂM ĐỒNG"
    place_name: str = ""  # địa danh for the place-date line, e.g. "Lâm Hà"
    signer_name: str = ""  # e.g. "Nguyễn Văn A"
    signer_title: str = ""  # e.g. "PHÓ BÍ THƯ" / "CHỦ TỊCH"
    signing_authority: str = ""  # e.g. "T/M BAN THƯỜNG VỤ" / "TM. ỦY BAN NHÂN DÂN"
    document_style: str = STYLE_PARTY
    number_suffix: str = ""  # e.g. "QĐ/HU" (Party) or "QĐ-UBND" (State)
    current_year: int = 0
    own_level: str = ""  # the office's level name, default for imported rows

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OfficeInfo:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    @property
    def is_party(self) -> bool:
        return self.document_style == STYLE_PARTY

    def decision_reference(self, number: str | int) -> str:
        """The full reference of a document: ``125-QĐ/HU`` (Party) or ``125/QĐ-UBND`` (State).

        A number the clerk typed with its symbol already (``125-QĐ/HU``, ``Số: 125/QĐ-UBND``) is kept as typed,
        without the "Số" prefix, so the symbol is never doubled.
        """
        bare = _bare_number(number)
        if not _ONLY_DIGITS.fullmatch(bare):
            return bare
        suffix = (self.number_suffix or ("QĐ/HU" if self.is_party else "QĐ-UBND")).strip().lstrip("-/").strip()
        return f"{bare}-{suffix}" if self.is_party else f"{bare}/{suffix}"

    def document_number(self, number: str | int) -> str:
        """``Số 125-QĐ/HU`` (Party) or ``Số: 125/QĐ-UBND`` (State)."""
        reference = self.decision_reference(number)
        return f"Số {reference}" if self.is_party else f"Số: {reference}"


_ONLY_DIGITS = re.compile(r"\d+")
# "Số 125", "số: 125", "SỐ 125-QĐ/HU": the prefix belongs to the printed line, not to the number.
_NUMBER_PREFIX = re.compile(r"^s[oốỐ]\s*:?\s*", re.IGNORECASE)


def _bare_number(number: str | int) -> str:
    text = " ".join(unicodedata.normalize("NFC", str(number if number is not None else "")).split())
    stripped = _NUMBER_PREFIX.sub("", text, count=1).strip()
    return stripped if any(ch.isdigit() for ch in stripped) else text


def decision_reference(number: str | int, office: OfficeInfo | None = None) -> str:
    """The one way a decision is cited: number and symbol, e.g. ``125-QĐ/HU``.

    Without ``office`` the office configured in the open database is used.
    """
    if office is None:
        from .services.settings import get_office  # settings imports this module

        office = get_office()
    return office.decision_reference(number)
