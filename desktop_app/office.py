"""The office's own details: who issues documents and how they are styled."""
from __future__ import annotations

from dataclasses import dataclass, asdict, fields

STYLE_PARTY = "dang"   # Hướng dẫn 36-HD/VPTW
STYLE_STATE = "nha_nuoc"  # Nghị định 30/2020/NĐ-CP
STYLE_LABELS = {STYLE_PARTY: "Văn bản của Đảng (HD 36-HD/VPTW)",
                STYLE_STATE: "Văn bản hành chính (NĐ 30/2020/NĐ-CP)"}


@dataclass
class OfficeInfo:
    """Configured once at first run; editable in Cài đặt.  Stored in the database file."""
    issuing_body: str = ""        # e.g. "BAN THƯỜNG VỤ HUYỆN ỦY" / "ỦY BAN NHÂN DÂN"
    superior_body: str = ""       # e.g. "ĐẢNG BỘ TỈNH LÂM ĐỒNG" / "UBND TỈNH LÂM ĐỒNG"
    place_name: str = ""          # địa danh for the place-date line, e.g. "Lâm Hà"
    signer_name: str = ""         # e.g. "Nguyễn Văn A"
    signer_title: str = ""        # e.g. "PHÓ BÍ THƯ" / "CHỦ TỊCH"
    signing_authority: str = ""   # e.g. "T/M BAN THƯỜNG VỤ" / "TM. ỦY BAN NHÂN DÂN"
    document_style: str = STYLE_PARTY
    number_suffix: str = ""       # e.g. "QĐ/HU" (Party) or "QĐ-UBND" (State)
    current_year: int = 0
    own_level: str = ""           # the office's level name, default for imported rows

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "OfficeInfo":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    @property
    def is_party(self) -> bool:
        return self.document_style == STYLE_PARTY

    def document_number(self, number: str | int) -> str:
        """``Số 125-QĐ/HU`` (Party) or ``Số: 125/QĐ-UBND`` (State)."""
        suffix = self.number_suffix or ("QĐ/HU" if self.is_party else "QĐ-UBND")
        if self.is_party:
            return f"Số {number}-{suffix}"
        return f"Số: {number}/{suffix}"
