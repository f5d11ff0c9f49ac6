"""Official documents (PDF) and their Excel twins, by kind.

``DOCUMENTS`` is what the GUI lists and the command line accepts; each entry knows how to
build its PDF and, for the lists, its workbook, and declares the options it takes (``OptionSpec``):
the Reports page builds its option widgets from them and the command line its flags, so an
option added here appears in both.  Builders write to a temporary file and rename it, so a
failed or cancelled build never leaves half a file behind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields
from datetime import date
from pathlib import Path
from typing import Literal

from ..errors import AppError
from ..office import STYLE_PARTY, STYLE_STATE
from ..tasks import TaskState


@dataclass(frozen=True)
class Options:
    year: int
    style: str | None = None  # STYLE_PARTY | STYLE_STATE; None = the office's setting
    group_by: str = "field"  # registrations, recognition: "field" | "unit" | "office"
    proposal: bool = False  # recognition: the proposal list instead of the decision's list
    filled: bool = True  # score sheets: with the scores, or blank for paper
    paper: str = "A4"  # certificates: "A4" | "A3"
    certificate_title: str = "giay_khen"
    model_id: int | None = None  # dossier
    # The upper office: the sending offices whose merged models to take (SourceOffice ids, 0 = this office's
    # own models); None = every model of the year, wherever it came from.
    offices: tuple[int, ...] | None = None
    # The period review: its first and last year (None: the working year last, REVIEW_YEARS years in all).
    first_year: int | None = None
    last_year: int | None = None
    since: date | None = None  # follow-up list: only the models with no progress report from this day on


OptionKind = Literal["choice", "flag", "model", "offices", "year", "date"]
REVIEW_YEARS = 5  # a tổng kết covers a five-year period (giai đoạn 2021 – 2025)
_OPTION_DEFAULTS = {f.name: f.default for f in fields(Options) if f.default is not MISSING}


@dataclass(frozen=True)
class OptionSpec:
    """One option of a document, declared once; the Reports page and the command line are built from it.

    ``key`` is the ``Options`` field it sets, so its default is that field's (never a second copy).  A choice
    offers ``items`` as (code, Vietnamese label); a ``None`` code means "not chosen here" (the office's
    setting) and has no value on the command line.  A flag switches its field away from the default when
    ticked or given.  A model option names one model, by UUID on the command line.  An offices option is a
    multiple choice among the sending offices of the catalogue (``documents.data.report_offices``), its flag
    repeatable (a name or UUID each, ``here`` for this office's own models).  A year or date option is a
    year or a day (``--from 2021``, ``--since 01/07/2025`` on the command line); its one item is its unset
    value's label, and the page offers the years or the first days of the months around the working year
    (:meth:`choices`).

    Options about other offices' packages mean nothing to an office that receives none: an ``offices`` option,
    and the choice items whose codes are in ``office_items``, are offered only while the catalogue of sending
    offices has some.
    """

    key: str
    label: str  # the form row's label; a flag's check box text
    kind: OptionKind
    cli_flag: str
    cli_help: str
    items: tuple[tuple[str | None, str], ...] = ()
    excel: bool = False  # also applies to the Excel twin (else PDF only)
    office_items: tuple[str, ...] = ()  # choice codes offered only where offices send packages

    def __post_init__(self) -> None:
        if self.key not in _OPTION_DEFAULTS:
            raise ValueError(f"OptionSpec {self.key!r}: Options has no such field with a default")
        if self.kind == "choice" and self.default not in {code for code, _ in self.items}:
            raise ValueError(f"OptionSpec {self.key!r}: the default {self.default!r} is not one of its items")
        if self.kind == "flag" and not isinstance(self.default, bool):
            raise ValueError(f"OptionSpec {self.key!r}: a flag needs a bool field")
        if not set(self.office_items) <= {code for code, _ in self.items} - {self.default}:
            raise ValueError(f"OptionSpec {self.key!r}: office_items must be items other than the default")
        if self.kind in ("year", "date") and (self.default is not None or [c for c, _ in self.items] != [None]):
            raise ValueError(f"OptionSpec {self.key!r}: a year or date defaults to None, its one item's label")

    @property
    def needs_offices(self) -> bool:
        """Offered only where the catalogue has sending offices."""
        return self.kind == "offices"

    @property
    def default(self) -> object:
        return _OPTION_DEFAULTS[self.key]

    @property
    def cli_choices(self) -> list[str]:
        return [code for code, _ in self.items if code is not None]

    def choices(self, year: int) -> list[tuple[object, str]]:
        """What the page offers for a year or date option around the working ``year``: the unset value first,
        then the years up to it (newest first), or the first day of each month of it and of the next January."""
        if self.kind == "year":
            return [*self.items, *((y, str(y)) for y in range(year, year - 10, -1))]
        if self.kind == "date":
            days = [date(year, month, 1) for month in range(1, 13)] + [date(year + 1, 1, 1)]
            return [*self.items, *((day, day.strftime("%d/%m/%Y")) for day in days)]
        return list(self.items)


STYLE = OptionSpec(
    "style",
    "Thể thức",
    "choice",
    "--style",
    "thể thức: Đảng (dang) hay Nhà nước (nha_nuoc)",
    items=(
        (None, "Theo cài đặt của cơ quan"),
        (STYLE_PARTY, "Thể thức văn bản của Đảng"),
        (STYLE_STATE, "Thể thức văn bản hành chính (Nhà nước)"),
    ),
    excel=True,  # the twin carries the same header and signature as the PDF
)
GROUP_OFFICE = "office"
GROUP_BY = OptionSpec(
    "group_by",
    "Nhóm",
    "choice",
    "--group-by",
    "danh sách: nhóm theo lĩnh vực (field), đơn vị (unit) hay cơ quan cấp dưới gửi báo cáo (office)",
    items=(("field", "Theo lĩnh vực"), ("unit", "Theo đơn vị"), (GROUP_OFFICE, "Theo cơ quan gửi")),
    excel=True,
    office_items=(GROUP_OFFICE,),
)
OFFICES = OptionSpec(
    "offices",
    "Cơ quan gửi",
    "offices",
    "--office",
    "chỉ lấy mô hình do cơ quan cấp dưới này gửi lên (tên hoặc UUID, xem lệnh package offices); "
    "«here» hoặc «cơ quan mình»: mô hình của chính cơ quan; lặp lại để chọn nhiều cơ quan",
    excel=True,
)
PROPOSAL = OptionSpec(
    "proposal",
    "Danh sách đề nghị (trước khi có quyết định)",
    "flag",
    "--proposal",
    "danh sách đề nghị công nhận (trước quyết định)",
    excel=True,
)
BLANK = OptionSpec(
    "filled", "Phiếu để trống (chấm trên giấy)", "flag", "--blank", "phiếu chấm điểm để trống (in ra giấy)"
)
PAPER = OptionSpec(
    "paper", "Khổ giấy", "choice", "--paper", "khổ giấy khen", items=(("A4", "A4 ngang"), ("A3", "A3 ngang"))
)
CERTIFICATE_TITLE = OptionSpec(
    "certificate_title",
    "Tên giấy",
    "choice",
    "--title",
    "giấy khen (giay_khen) hay giấy chứng nhận (chung_nhan)",
    items=(("giay_khen", "Giấy khen"), ("chung_nhan", "Giấy chứng nhận")),
)
FIRST_YEAR = OptionSpec(
    "first_year",
    "Từ năm",
    "year",
    "--from",
    f"tổng kết: năm đầu của giai đoạn (mặc định: {REVIEW_YEARS} năm đến năm cuối)",
    items=((None, f"{REVIEW_YEARS} năm đến năm cuối"),),
    excel=True,
)
LAST_YEAR = OptionSpec(
    "last_year",
    "Đến năm",
    "year",
    "--to",
    "tổng kết: năm cuối của giai đoạn (mặc định: --year)",
    items=((None, "Năm làm việc"),),
    excel=True,
)
SINCE = OptionSpec(
    "since",
    "Chưa báo cáo từ ngày",
    "date",
    "--since",
    "theo dõi tiến độ: chỉ các mô hình, điển hình chưa báo cáo tiến độ từ ngày này (dd/mm/yyyy)",
    items=((None, "Tất cả mô hình, điển hình"),),
    excel=True,
)
MODEL = OptionSpec(
    "model_id", "Mô hình", "model", "--model", "chỉ một mô hình, điển hình (UUID, xem lệnh models --json)"
)


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    description: str
    pdf: Callable[[Options, Path, TaskState | None], Path]
    excel: Callable[[Options, Path, TaskState | None], Path] | None = None
    needs_model: bool = False  # its MODEL option must be given; else "all models" is allowed
    options: tuple[OptionSpec, ...] = (STYLE,)

    def __post_init__(self) -> None:
        if self.needs_model and MODEL not in self.options:
            raise ValueError(f"DocumentKind {self.code!r} needs a model but does not declare the MODEL option")

    def takes(self, fmt: Literal["pdf", "excel"]) -> tuple[OptionSpec, ...]:
        """The options that shape this document in ``fmt`` (the Excel twin ignores the PDF's layout options)."""
        if fmt == "pdf":
            return self.options
        return tuple(o for o in self.options if o.excel) if self.excel is not None else ()

    def make_options(self, year: int, values: Mapping[str, object]) -> Options:
        """``Options`` for this document from ``values`` keyed by ``OptionSpec.key``; undeclared keys are refused."""
        declared = {spec.key for spec in self.options}
        stray = sorted(set(values) - declared)
        if stray:
            raise AppError(f"«{self.label}» không có tùy chọn {', '.join(stray)}.")
        return Options(year=year, **values)  # type: ignore[arg-type]  # keys checked against Options above


def _registrations(o: Options, target: Path, task: TaskState | None) -> Path:
    from .lists import build_registrations

    return build_registrations(o.year, target, style=o.style, group_by=o.group_by, offices=o.offices, task=task)


def _registrations_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_registrations

    return export_registrations(o.year, target, group_by=o.group_by, style=o.style, offices=o.offices, task=task)


def _scoresheets(o: Options, target: Path, task: TaskState | None) -> Path:
    from .scoresheets import build_scoresheets

    return build_scoresheets(
        o.year, target, style=o.style, filled=o.filled, model_ids=[o.model_id] if o.model_id else None, task=task
    )


def _scoresheets_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from ..appraisal.workbook import export_workbook

    return export_workbook(o.year, target, style=o.style, task=task)


def _scores(o: Options, target: Path, task: TaskState | None) -> Path:
    from .lists import build_scores

    return build_scores(o.year, target, style=o.style, offices=o.offices, task=task)


def _scores_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_scores

    return export_scores(o.year, target, style=o.style, offices=o.offices, task=task)


def _score_audit(o: Options, target: Path, task: TaskState | None) -> Path:
    from .score_audit import build_score_audit

    return build_score_audit(o.year, target, style=o.style, task=task)


def _recognition(o: Options, target: Path, task: TaskState | None) -> Path:
    from .lists import build_recognition

    return build_recognition(
        o.year, target, style=o.style, proposal=o.proposal, group_by=o.group_by, offices=o.offices, task=task
    )


def _recognition_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_recognition

    return export_recognition(
        o.year, target, proposal=o.proposal, style=o.style, group_by=o.group_by, offices=o.offices, task=task
    )


def _statistics(o: Options, target: Path, task: TaskState | None) -> Path:
    from .statistics import build_statistics

    return build_statistics(o.year, target, style=o.style, offices=o.offices, task=task)


def _statistics_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_statistics

    return export_statistics(o.year, target, style=o.style, offices=o.offices, task=task)


def _followup(o: Options, target: Path, task: TaskState | None) -> Path:
    from .followup import build_followup

    return build_followup(o.year, target, style=o.style, group_by=o.group_by, since=o.since, task=task)


def _followup_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .followup import export_followup

    return export_followup(o.year, target, style=o.style, group_by=o.group_by, since=o.since, task=task)


def review_span(o: Options) -> tuple[int, int]:
    """The span a review covers: its years as given, the working year last and REVIEW_YEARS years when not."""
    last = o.last_year if o.last_year is not None else o.year
    first = o.first_year if o.first_year is not None else last - REVIEW_YEARS + 1
    return first, last


def _review(o: Options, target: Path, task: TaskState | None) -> Path:
    from .review import build_review

    return build_review(*review_span(o), target, style=o.style, task=task)


def _review_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .review import export_review

    return export_review(*review_span(o), target, style=o.style, task=task)


def _certificates(o: Options, target: Path, task: TaskState | None) -> Path:
    from .certificates import build_certificates

    return build_certificates(
        o.year,
        target,
        style_code=o.style,
        paper=o.paper,
        title=o.certificate_title,
        model_ids=[o.model_id] if o.model_id else None,
        task=task,
    )


def _dossier(o: Options, target: Path, task: TaskState | None) -> Path:
    from .dossier import build_dossier

    if not o.model_id:
        raise AppError("Hồ sơ mô hình cần chọn một mô hình, điển hình (tùy chọn --model UUID).")
    return build_dossier(o.model_id, target, style_code=o.style, task=task)


DOCUMENTS: dict[str, DocumentKind] = {
    k.code: k
    for k in (
        DocumentKind(
            "registrations",
            "Danh sách đăng ký mô hình, điển hình",
            "Theo lĩnh vực hoặc theo đơn vị, có số lượng từng nhóm.",
            _registrations,
            _registrations_xlsx,
            options=(STYLE, GROUP_BY, OFFICES),
        ),
        DocumentKind(
            "scoresheets",
            "Phiếu chấm điểm",
            "Mỗi mô hình, mỗi thành viên hội đồng một phiếu; để trống hoặc đã điền điểm.",
            _scoresheets,
            _scoresheets_xlsx,
            options=(STYLE, BLANK, MODEL),
        ),
        DocumentKind(
            "scores",
            "Bảng tổng hợp kết quả chấm điểm",
            "Điểm của từng thành viên, điểm trung bình, xếp loại, thứ hạng.",
            _scores,
            _scores_xlsx,
            options=(STYLE, OFFICES),
        ),
        DocumentKind(
            "score_audit",
            "Phụ lục: Nhật ký nhập, sửa điểm chấm",
            "Kèm theo Bảng tổng hợp: ai nhập từng phiếu chấm và khi nào, lần nhập 2 có khớp không, mọi lần sửa điểm.",
            _score_audit,
        ),
        DocumentKind(
            "recognition",
            "Danh sách công nhận (kèm theo Quyết định)",
            "Hoặc danh sách đề nghị công nhận; theo lĩnh vực hoặc đơn vị, có số lượng từng nhóm.",
            _recognition,
            _recognition_xlsx,
            options=(STYLE, PROPOSAL, GROUP_BY, OFFICES),
        ),
        DocumentKind(
            "statistics",
            "Báo cáo thống kê",
            "Bảng và biểu đồ theo lĩnh vực, loại đơn vị, tập thể / cá nhân; chỉ tiêu chính; qua các năm.",
            _statistics,
            _statistics_xlsx,
            options=(STYLE, OFFICES),
        ),
        DocumentKind(
            "followup",
            "Danh sách theo dõi tiến độ thực hiện",
            "Mô hình, điển hình của năm với báo cáo tiến độ gần nhất; hoặc chỉ những mô hình chưa báo cáo từ một ngày.",
            _followup,
            _followup_xlsx,
            options=(STYLE, GROUP_BY, SINCE),
        ),
        DocumentKind(
            "review",
            "Báo cáo tổng kết giai đoạn",
            "Tổng kết phong trào qua nhiều năm: số liệu từng năm, biểu đồ, chỉ tiêu, mô hình duy trì, nhân rộng; "
            "kèm phụ lục.",
            _review,
            _review_xlsx,
            options=(STYLE, FIRST_YEAR, LAST_YEAR),
        ),
        DocumentKind(
            "certificates",
            "Giấy khen, giấy chứng nhận",
            "Khổ A4 hoặc A3 ngang, mỗi mô hình, điển hình được công nhận một trang.",
            _certificates,
            options=(STYLE, PAPER, CERTIFICATE_TITLE, MODEL),
        ),
        DocumentKind(
            "dossier",
            "Hồ sơ mô hình",
            "Toàn bộ thông tin một mô hình, điển hình kèm hình ảnh minh chứng.",
            _dossier,
            needs_model=True,
            options=(STYLE, MODEL),
        ),
    )
}


def option_specs() -> tuple[OptionSpec, ...]:
    """Every option some document takes, once each, so that each document's options keep its declared order.

    One form holds them all and shows a document's own rows, so a new option goes before the first of its
    document's later options already placed (the model chooser stays under a certificate's paper and title).
    """
    ordered: list[OptionSpec] = []
    for kind in DOCUMENTS.values():
        for position, spec in enumerate(kind.options):
            if spec in ordered:
                continue
            later = [ordered.index(s) for s in kind.options[position + 1 :] if s in ordered]
            ordered.insert(min(later) if later else len(ordered), spec)
    return tuple(ordered)


def document(code: str) -> DocumentKind:
    try:
        return DOCUMENTS[code]
    except KeyError:
        raise AppError(f"Không có loại tài liệu «{code}»; chọn một trong: {', '.join(DOCUMENTS)}.") from None


def build_pdf(code: str, options: Options, target: Path | str, task: TaskState | None = None) -> Path:
    return document(code).pdf(options, Path(target), task)


def build_excel(code: str, options: Options, target: Path | str, task: TaskState | None = None) -> Path:
    kind = document(code)
    if kind.excel is None:
        raise AppError(f"«{kind.label}» chỉ in ra PDF, không có bản Excel.")
    return kind.excel(options, Path(target), task)
