"""The registration fields of a mô hình / điển hình, defined once.

A registration field is a value the registering unit writes on the form (địa chỉ, thực trạng,
nội dung, người phụ trách, thời gian…), stored in its own column of ``mo_hinh`` and carried
unchanged by the software.  Everything that handles them generically is derived from
:data:`FIELDS`: the service's cleaning and checking (:meth:`RegistrationField.clean`) and
``ModelInput``'s attributes, the demo loader, the copy into the next year, the dossier's
sections, the editor's inputs, the importer's column headers and ``models --json``.

Adding a field is one :class:`RegistrationField` below plus a migration adding its column
(and the column in ``storage/models.py``; a test checks that the two agree).

Not registration fields, because code gives them meaning: the name, year, kind, field, level,
unit, status and links of a model (see ``services/models.py``).  Rules that join two fields
(the end date not before the start date) stay in the service.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Literal

from . import domain
from .errors import ValidationError
from .text import ImpossibleDate, clean, clean_multiline, fold, format_date, parse_date, parse_number

FieldKind = Literal["line", "text", "date", "year", "choice"]
LINE: FieldKind = "line"  # one line of text (a name, a phone number)
TEXT: FieldKind = "text"  # several lines (thực trạng, nội dung…)
DATE: FieldKind = "date"  # a day, typed dd/mm/yyyy
YEAR: FieldKind = "year"  # a year not after the registration's year (năm sinh)
CHOICE: FieldKind = "choice"  # one of ``choices`` or nothing

# The editor's tabs that hold registration fields (the others are built by hand).
Tab = Literal["general", "content", "results"]
GENERAL: Tab = "general"  # «Thông tin chung», after the unit
CONTENT: Tab = "content"  # «Nội dung đăng ký»
RESULTS: Tab = "results"  # «Kết quả», above the indicators

_PYTHON_TYPES = {LINE: "str", TEXT: "str", CHOICE: "str", DATE: "date | None", YEAR: "int | None"}


@dataclass(frozen=True)
class RegistrationField:
    name: str
    """The ``mo_hinh`` column, the ``ModelInput`` attribute and the key in the demo file."""
    label: str
    """Vietnamese, as the form, the dossier and the messages name the field."""
    kind: FieldKind = TEXT
    tab: Tab = CONTENT
    short_label: str = ""
    """Shorter name used in the editor: inside the person box, or beside the input in a shared row."""
    row: str = ""
    """Fields with the same ``row`` share one editor row, labelled with it (Từ ngày … đến ngày …)."""
    hint: str = ""
    """Placeholder of a typed input, tooltip of a choice."""
    individual_only: bool = False
    """Only an điển hình (cá nhân) has it: shown in the editor's person box; for a tập thể it is
    still checked (garbage is refused wherever it hides) but stored empty."""
    next_year: bool = False
    """Copied when the model continues (duy trì) into the next year; results are not."""
    dossier: int | None = None
    """Position among the numbered sections of the dossier (hồ sơ); None: not a section."""
    searched: bool = False
    """Its words are found by the model list's search box."""
    synonyms: tuple[str, ...] = ()
    """Column headers the importer reads as this field, folded (:func:`desktop_app.text.fold`: no
    marks, no case, no punctuation); the longest that starts a header wins."""
    import_key: str = ""
    """The importer's name of the field (defaults to ``name``); column mappings are remembered under it."""
    max_length: int | None = None
    choices: tuple[str, ...] = ()

    @property
    def empty(self) -> str | None:
        """The value of an unfilled field."""
        return None if self.kind in (DATE, YEAR) else ""

    @property
    def python_type(self) -> str:
        """The annotation of the ``ModelInput`` attribute."""
        return _PYTHON_TYPES[self.kind]

    @property
    def target(self) -> str:
        """The importer's key of the field."""
        return self.import_key or self.name

    def clean(self, value: object, *, model_kind: str, year: int) -> object:
        """The value to store, from what a user, a file or the demo gave; raises :class:`ValidationError`.

        Text arrives as typed, dates and years also as text (the editor and the importer
        hand them over unparsed, so that the messages are these ones).
        """
        checked = self._checked(value, year)
        if self.individual_only and model_kind != domain.KIND_INDIVIDUAL:
            return self.empty  # a tập thể has nobody to describe; a hidden leftover is dropped
        return checked

    def _checked(self, value: object, year: int) -> object:
        if self.kind == DATE:
            return self._date(value)
        if self.kind == YEAR:
            number = whole_number(value, self.label, self.name)
            if number is not None and not 1900 <= number <= year:
                raise ValidationError(self.label, f"«{number}» không hợp lệ.", key=self.name)
            return number
        text = clean_multiline(value) if self.kind == TEXT else clean(value)
        if self.kind == CHOICE and text:
            found = next((choice for choice in self.choices if fold(choice) == fold(text)), None)
            if found is None:
                listed = " hoặc ".join(f"«{choice}»" for choice in self.choices)
                raise ValidationError(self.label, f"chỉ chọn {listed}, hoặc để trống.", key=self.name)
            text = found
        if self.max_length is not None and len(text) > self.max_length:
            raise ValidationError(self.label, f"quá dài (tối đa {self.max_length} ký tự).", key=self.name)
        return text

    def _date(self, value: object) -> date | None:
        try:
            return parse_date(value)
        except ImpossibleDate as exc:  # written right, but no such day: say why, not how to write
            raise ValidationError(self.label, f"{exc}.", key=self.name) from None
        except ValueError as exc:
            raise ValidationError(
                self.label, f"{exc}; hãy ghi theo dạng dd/mm/yyyy, ví dụ 15/10/2024.", key=self.name
            ) from None

    def to_text(self, value: object) -> str:
        """The stored value as a person reads it ("15/10/2024"; "" when empty)."""
        if value is None:
            return ""
        return format_date(value) if isinstance(value, date) else str(value)

    def to_json(self, value: object) -> object:
        return value.isoformat() if isinstance(value, date) else value


def whole_number(value: object, label: str, key: str) -> int | None:
    """An integer typed the Vietnamese way ("1.990" too); None when empty."""
    if value is None or value == "":
        return None
    number = parse_number(value)
    # A run of digits too long for a float parses to infinity; int() of it would raise in English.
    if number is None or not math.isfinite(number) or number != int(number):
        raise ValidationError(label, f"«{value}» không phải là số nguyên.", key=key)
    return int(number)


FIELDS: tuple[RegistrationField, ...] = (
    # «Thông tin chung»
    RegistrationField(
        "address",
        "Địa chỉ cụ thể",
        LINE,
        GENERAL,
        hint="Địa chỉ cụ thể: thôn, xã…",
        next_year=True,
        searched=True,
        synonyms=("dia ban", "dia chi", "noi thuc hien"),
    ),
    RegistrationField(
        "person_honorific",
        "Danh xưng",
        CHOICE,
        GENERAL,
        row="Họ và tên",
        hint="Danh xưng in trên giấy khen: «Tặng Ông …» / «Tặng Bà …»",
        individual_only=True,
        next_year=True,
        choices=domain.HONORIFICS,
    ),
    RegistrationField(
        "person_name",
        "Họ và tên",
        LINE,
        GENERAL,
        row="Họ và tên",
        individual_only=True,
        next_year=True,
        searched=True,
        max_length=255,
    ),
    RegistrationField("person_birth_year", "Năm sinh", YEAR, GENERAL, individual_only=True, next_year=True),
    RegistrationField(
        "person_position", "Chức vụ", LINE, GENERAL, individual_only=True, next_year=True, max_length=255
    ),
    RegistrationField(
        "person_address",
        "Địa chỉ cá nhân",
        LINE,
        GENERAL,
        short_label="Địa chỉ",
        individual_only=True,
        next_year=True,
        max_length=255,
    ),
    RegistrationField("lead_name", "Người phụ trách", LINE, GENERAL, next_year=True, max_length=255),
    RegistrationField("lead_position", "Chức vụ người phụ trách", LINE, GENERAL, next_year=True, max_length=255),
    RegistrationField(
        "lead_phone",
        "Điện thoại",
        LINE,
        GENERAL,
        next_year=True,
        max_length=50,
        synonyms=("dien thoai", "so dien thoai"),
    ),
    RegistrationField("note", "Ghi chú", TEXT, GENERAL, dossier=11, synonyms=("ghi chu",)),
    # «Nội dung đăng ký», in the order of the 2026 ward registration form
    RegistrationField("situation", "Thực trạng, lý do xây dựng", next_year=True, dossier=1, synonyms=("thuc trang",)),
    RegistrationField("objectives", "Mục tiêu, tiêu chí đánh giá", next_year=True, dossier=2, synonyms=("muc tieu",)),
    RegistrationField(
        "content",
        "Nội dung, cách thức thực hiện",
        next_year=True,
        dossier=3,
        synonyms=("noi dung", "cach lam", "giai phap"),
    ),
    RegistrationField(
        "area",
        "Địa bàn, đối tượng",
        next_year=True,
        dossier=4,
        searched=True,
        synonyms=("dia ban doi tuong", "doi tuong"),
    ),
    RegistrationField("forces", "Lực lượng thực hiện", next_year=True, dossier=5, synonyms=("luc luong thuc hien",)),
    RegistrationField("resources", "Nguồn lực", next_year=True, dossier=6, synonyms=("nguon luc", "kinh phi")),
    RegistrationField(
        "start_date",
        "Thời gian bắt đầu",
        DATE,
        short_label="Từ ngày",
        row="Thời gian thực hiện",
        synonyms=("thoi gian bat dau", "ngay bat dau"),
    ),
    RegistrationField(
        "end_date",
        "Thời gian kết thúc",
        DATE,
        short_label="đến ngày",
        row="Thời gian thực hiện",
        synonyms=("thoi gian ket thuc", "ngay ket thuc"),
    ),
    RegistrationField(
        "milestones",
        "Các mốc thời gian",
        next_year=True,
        dossier=7,
        synonyms=("cac moc thoi gian", "moc thoi gian", "tien do"),
    ),
    RegistrationField(
        "outputs", "Sản phẩm, kết quả đầu ra", next_year=True, dossier=8, synonyms=("san pham", "ket qua dau ra")
    ),
    RegistrationField(
        "sustainability",
        "Khả năng duy trì, nhân rộng",
        next_year=True,
        dossier=9,
        synonyms=("kha nang duy tri", "duy tri nhan rong"),
    ),
    # «Kết quả»
    RegistrationField(
        "result_text",
        "Kết quả đạt được",
        TEXT,
        RESULTS,
        dossier=10,
        synonyms=("ket qua", "hieu qua"),
        import_key="result",
    ),
)
BY_NAME: dict[str, RegistrationField] = {spec.name: spec for spec in FIELDS}
NAMES: tuple[str, ...] = tuple(BY_NAME)
COPIED_NEXT_YEAR: tuple[str, ...] = tuple(spec.name for spec in FIELDS if spec.next_year)
SEARCHED: tuple[str, ...] = tuple(spec.name for spec in FIELDS if spec.searched)


def search_text(name: str, values: Mapping[str, object]) -> str:
    """The folded words the model list's search box finds a model by: its name and the searched fields."""
    return fold(" ".join([name, *(str(values.get(key) or "") for key in SEARCHED)]))


DOSSIER_SECTIONS: tuple[RegistrationField, ...] = tuple(
    sorted((spec for spec in FIELDS if spec.dossier is not None), key=lambda spec: spec.dossier or 0)
)


def on_tab(tab: Tab) -> tuple[RegistrationField, ...]:
    """The fields the editor shows on ``tab``, in order."""
    return tuple(spec for spec in FIELDS if spec.tab == tab)


def by_target(target: str) -> RegistrationField | None:
    """The field the importer knows as ``target``."""
    return next((spec for spec in FIELDS if spec.target == target), None)
