"""The office's own details: who issues documents, in which style, and how they are numbered and signed.

An office issues under its own system: a Party committee under Hướng dẫn 36-HD/VPTW, a People's Committee
or Phòng Nội vụ under Nghị định 30/2020/NĐ-CP, and some offices under both.  So the issuing body, its
superior, the signing authority, the signer and the number symbol are held once per style (an
:class:`Identity`); a document is printed by an :class:`Issuer`, the office seen through one style, and a
style without an identity is refused with a message that says where to fill it in.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from .errors import AppError
from .text import date_in_words, format_date

STYLE_PARTY = "dang"  # Hướng dẫn 36-HD/VPTW
STYLE_STATE = "nha_nuoc"  # Nghị định 30/2020/NĐ-CP
STYLE_LABELS = {STYLE_PARTY: "Văn bản của Đảng (HD 36-HD/VPTW)", STYLE_STATE: "Văn bản hành chính (NĐ 30/2020/NĐ-CP)"}
# Where the clerk fills an identity in, named in every refusal.
STYLE_SECTIONS = {STYLE_PARTY: "Thể thức văn bản của Đảng", STYLE_STATE: "Thể thức văn bản hành chính (Nhà nước)"}
SETTINGS_PLACE = "Cài đặt › Thông tin cơ quan"
_STYLE_NAMES = {STYLE_PARTY: "văn bản của Đảng (HD 36-HD/VPTW)", STYLE_STATE: "văn bản hành chính (NĐ 30/2020/NĐ-CP)"}

# Document type codes in a number symbol ("125-QĐ/HU", "12/BC-UBND").
DECISION, REPORT = "QĐ", "BC"


@dataclass
class Identity:
    """Who issues a document in one style."""

    issuing_body: str = ""  # "BAN THƯỜNG VỤ HUYỆN ỦY LÂM HÀ" / "ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ"
    superior_body: str = ""  # "ĐẢNG BỘ TỈNH LÂM ĐỒNG" / "" (a People's Committee names none)
    signing_authority: str = ""  # "T/M BAN THƯỜNG VỤ" / "TM. ỦY BAN NHÂN DÂN"
    signer_title: str = ""  # "PHÓ BÍ THƯ THƯỜNG TRỰC" / "CHỦ TỊCH"
    signer_name: str = ""
    symbol: str = ""  # the body's abbreviation in a number symbol: "HU" ("125-QĐ/HU"), "UBND" ("125/QĐ-UBND")

    @property
    def filled(self) -> bool:
        return bool(self.issuing_body.strip())

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Identity:
        names = {f.name for f in fields(cls)}
        return cls(**{k: str(v or "") for k, v in (data or {}).items() if k in names})


IDENTITY_FIELDS = tuple(f.name for f in fields(Identity))


@dataclass
class OfficeInfo:
    """Configured once at first run; editable in Cài đặt.  Stored in the database file."""

    place_name: str = ""  # địa danh of the place-date line: "Lâm Hà"
    area_name: str = ""  # the area a report speaks of: "huyện Lâm Hà" ("trên địa bàn huyện Lâm Hà")
    document_style: str = STYLE_PARTY  # the style a document takes unless another is chosen
    current_year: int = 0
    own_level: str = ""  # the office's level name, default for imported rows
    identities: dict[str, Identity] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["identities"] = {code: asdict(ident) for code, ident in self.identities.items() if ident.filled}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> OfficeInfo:
        data = dict(data or {})
        identities = {
            code: Identity.from_dict(value)
            for code, value in (data.get("identities") or {}).items()
            if code in STYLE_LABELS
        }
        if not identities and data.get("issuing_body"):
            # Files written before identities were per style held one flat set, meant for their style.
            style = data.get("document_style") or STYLE_PARTY
            legacy = Identity.from_dict(data)
            legacy.symbol = _symbol_from_suffix(str(data.get("number_suffix") or ""))
            identities = {style: legacy}
        names = {f.name for f in fields(cls)} - {"identities"}
        office = cls(**{k: v for k, v in data.items() if k in names})
        office.identities = {code: ident for code, ident in identities.items() if ident.filled}
        return office

    @classmethod
    def single(cls, style: str = STYLE_PARTY, /, **values: Any) -> OfficeInfo:
        """An office issuing in one style: identity fields and office fields given together (tests, demo)."""
        identity = Identity(**{k: v for k, v in values.items() if k in IDENTITY_FIELDS})
        rest = {k: v for k, v in values.items() if k not in IDENTITY_FIELDS}
        return cls(document_style=style, identities={style: identity}, **rest)

    @property
    def styles(self) -> list[str]:
        """The styles this office can print in, its own default first."""
        own = [code for code in STYLE_LABELS if code in self.identities and self.identities[code].filled]
        return sorted(own, key=lambda code: code != self.document_style)

    def has_style(self, style: str) -> bool:
        return style in self.styles

    @property
    def name(self) -> str:
        """The office's name as the window shows it: its default style's issuing body."""
        styles = self.styles
        return self.identities[styles[0]].issuing_body if styles else ""

    def issuer(self, style: str | None = None) -> Issuer:
        """The office as it signs documents in ``style`` (its default style when not given).

        Raises :class:`MissingIdentity` when the office has not filled that style in.
        """
        code = style or self.document_style or STYLE_PARTY
        if code not in STYLE_LABELS:
            raise AppError(f"Không có thể thức văn bản «{code}»; chọn dang (Đảng) hoặc nha_nuoc (Nhà nước).")
        identity = self.identities.get(code)
        if identity is None or not identity.filled:
            raise MissingIdentity(code)
        return Issuer(code, identity, self.place_name, self.area_name)

    def default_issuer(self) -> Issuer | None:
        styles = self.styles
        return self.issuer(styles[0]) if styles else None


class MissingIdentity(AppError):
    """A document asked for in a style the office does not issue in."""

    def __init__(self, style: str) -> None:
        self.style = style
        super().__init__(
            f"Cơ quan chưa có thông tin ban hành văn bản theo thể thức {_STYLE_NAMES[style]}. Hãy điền phần "
            f"«{STYLE_SECTIONS[style]}» trong {SETTINGS_PLACE} (hoặc lệnh «office»), hoặc in theo thể thức khác."
        )


@dataclass(frozen=True)
class Issuer:
    """The office seen through one style: what a document's header, number line and signature print."""

    style: str
    identity: Identity
    place_name: str = ""
    area_name: str = ""

    @property
    def party(self) -> bool:
        return self.style == STYLE_PARTY

    @property
    def issuing_body(self) -> str:
        return self.identity.issuing_body

    @property
    def superior_body(self) -> str:
        return self.identity.superior_body

    @property
    def signing_authority(self) -> str:
        return self.identity.signing_authority

    @property
    def signer_title(self) -> str:
        return self.identity.signer_title

    @property
    def signer_name(self) -> str:
        return self.identity.signer_name

    @property
    def area(self) -> str:
        """ "huyện Lâm Hà": the area named in a report's text (the place name when none is set)."""
        return self.area_name or self.place_name

    def on_behalf(self, body: str) -> str:
        """The collective signing mark: "T/M HỘI ĐỒNG" (Party) or "TM. HỘI ĐỒNG" (State)."""
        return f"{'T/M' if self.party else 'TM.'} {body}"

    def reference(self, number: str | int, type_code: str = DECISION) -> str:
        """``125-QĐ/HU`` (Party) or ``125/QĐ-UBND`` (State); a number typed with its symbol is kept as typed."""
        return format_reference(number, self.party, self.identity.symbol, type_code)

    def number_line(self, type_code: str, number: str | int | None = None) -> str:
        """ "Số 12-BC/HU" / "Số: 12/BC-UBND"; without a number, blanks are left for the registry to fill."""
        if number is None or not str(number).strip():
            symbol = self.identity.symbol or "…"
            blank = "\u00a0" * 6
            return f"Số{blank}-{type_code}/{symbol}" if self.party else f"Số:{blank}/{type_code}-{symbol}"
        reference = self.reference(number, type_code)
        return f"Số {reference}" if self.party else f"Số: {reference}"

    def cite(self, kind: str, reference: str, day: date | None, body: str) -> str:
        """How a document of this style cites another: HD 36 "số 125-QĐ/HU, ngày 15/12/2023 của …",
        NĐ 30 "số 125/QĐ-UBND ngày 15 tháng 12 năm 2023 của …"."""
        if day is None:
            when = "ngày ..../..../........" if self.party else "ngày ... tháng ... năm ......"
        else:
            when = f"ngày {format_date(day)}" if self.party else date_in_words(day)
        separator = ", " if self.party else " "
        return f"{kind} số {reference}{separator}{when} của {body}".strip()


_ONLY_DIGITS = re.compile(r"\d+")
# "Số 125", "số: 125", "SỐ 125-QĐ/HU": the prefix belongs to the printed line, not to the number.
_NUMBER_PREFIX = re.compile(r"^s[oốỐ]\s*:?\s*", re.IGNORECASE)


def _bare_number(number: str | int) -> str:
    text = " ".join(unicodedata.normalize("NFC", str(number if number is not None else "")).split())
    stripped = _NUMBER_PREFIX.sub("", text, count=1).strip()
    return stripped if any(ch.isdigit() for ch in stripped) else text


def _symbol_from_suffix(suffix: str) -> str:
    """The old setting "QĐ/HU" or "QĐ-UBND" held the type too; the symbol is the body's part."""
    text = suffix.strip().lstrip("-/").strip()
    for separator in ("/", "-"):
        head, sep, tail = text.partition(separator)
        if sep and head.upper() in {DECISION, REPORT, "QD"}:
            return tail.strip()
    return text


def format_reference(number: str | int, party: bool, symbol: str, type_code: str = DECISION) -> str:
    """``125-QĐ/HU`` or ``125/QĐ-UBND``; a number already written with a symbol is kept, without "Số"."""
    bare = _bare_number(number)
    if not _ONLY_DIGITS.fullmatch(bare):
        return bare
    symbol = symbol.strip().strip("-/").strip() or ("HU" if party else "UBND")
    return f"{bare}-{type_code}/{symbol}" if party else f"{bare}/{type_code}-{symbol}"


def decision_reference(number: str | int, office: OfficeInfo | None = None) -> str:
    """The one way a stored decision is cited: number and symbol, e.g. ``125-QĐ/HU``.

    Decisions are stored with their symbol, so this only completes a bare number from an old file,
    with the office's default style.  Without ``office`` the office of the open database is used.
    """
    if office is None:
        from .services.settings import get_office  # settings imports this module

        office = get_office()
    issuer = office.default_issuer()
    if issuer is None:
        return _bare_number(number)
    return issuer.reference(number)
