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
from pathlib import Path
from typing import Literal

from ..errors import AppError
from ..office import STYLE_PARTY, STYLE_STATE
from ..tasks import TaskState


@dataclass(frozen=True)
class Options:
    year: int
    style: str | None = None  # STYLE_PARTY | STYLE_STATE; None = the office's setting
    group_by: str = "field"  # registrations: "field" | "unit"
    proposal: bool = False  # recognition: the proposal list instead of the decision's list
    filled: bool = True  # score sheets: with the scores, or blank for paper
    paper: str = "A4"  # certificates: "A4" | "A3"
    certificate_title: str = "giay_khen"
    model_id: int | None = None  # dossier


OptionKind = Literal["choice", "flag", "model"]
_OPTION_DEFAULTS = {f.name: f.default for f in fields(Options) if f.default is not MISSING}


@dataclass(frozen=True)
class OptionSpec:
    """One option of a document, declared once; the Reports page and the command line are built from it.

    ``key`` is the ``Options`` field it sets, so its default is that field's (never a second copy).  A choice
    offers ``items`` as (code, Vietnamese label); a ``None`` code means "not chosen here" (the office's
    setting) and has no value on the command line.  A flag switches its field away from the default when
    ticked or given.  A model option names one model, by UUID on the command line.
    """

    key: str
    label: str  # the form row's label; a flag's check box text
    kind: OptionKind
    cli_flag: str
    cli_help: str
    items: tuple[tuple[str | None, str], ...] = ()
    excel: bool = False  # also applies to the Excel twin (else PDF only)

    def __post_init__(self) -> None:
        if self.key not in _OPTION_DEFAULTS:
            raise ValueError(f"OptionSpec {self.key!r}: Options has no such field with a default")
        if self.kind == "choice" and self.default not in {code for code, _ in self.items}:
            raise ValueError(f"OptionSpec {self.key!r}: the default {self.default!r} is not one of its items")
        if self.kind == "flag" and not isinstance(self.default, bool):
            raise ValueError(f"OptionSpec {self.key!r}: a flag needs a bool field")

    @property
    def default(self) -> object:
        return _OPTION_DEFAULTS[self.key]

    @property
    def cli_choices(self) -> list[str]:
        return [code for code, _ in self.items if code is not None]


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
GROUP_BY = OptionSpec(
    "group_by",
    "Nhóm",
    "choice",
    "--group-by",
    "danh sách đăng ký: nhóm theo lĩnh vực (field) hay đơn vị (unit)",
    items=(("field", "Theo lĩnh vực"), ("unit", "Theo đơn vị")),
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

    return build_registrations(o.year, target, style=o.style, group_by=o.group_by, task=task)


def _registrations_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_registrations

    return export_registrations(o.year, target, group_by=o.group_by, style=o.style, task=task)


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

    return build_scores(o.year, target, style=o.style, task=task)


def _scores_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_scores

    return export_scores(o.year, target, style=o.style, task=task)


def _score_audit(o: Options, target: Path, task: TaskState | None) -> Path:
    from .score_audit import build_score_audit

    return build_score_audit(o.year, target, style=o.style, task=task)


def _recognition(o: Options, target: Path, task: TaskState | None) -> Path:
    from .lists import build_recognition

    return build_recognition(o.year, target, style=o.style, proposal=o.proposal, task=task)


def _recognition_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_recognition

    return export_recognition(o.year, target, proposal=o.proposal, style=o.style, task=task)


def _statistics(o: Options, target: Path, task: TaskState | None) -> Path:
    from .statistics import build_statistics

    return build_statistics(o.year, target, style=o.style, task=task)


def _statistics_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_statistics

    return export_statistics(o.year, target, style=o.style, task=task)


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
            options=(STYLE, GROUP_BY),
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
            "Hoặc danh sách đề nghị công nhận; theo lĩnh vực, có số lượng từng nhóm.",
            _recognition,
            _recognition_xlsx,
            options=(STYLE, PROPOSAL),
        ),
        DocumentKind(
            "statistics",
            "Báo cáo thống kê",
            "Bảng và biểu đồ theo lĩnh vực, loại đơn vị, tập thể / cá nhân; chỉ tiêu chính; qua các năm.",
            _statistics,
            _statistics_xlsx,
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
