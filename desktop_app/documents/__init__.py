"""Official documents (PDF) and their Excel twins, by kind.

``DOCUMENTS`` is what the GUI lists and the command line accepts; each entry knows how to
build its PDF and, for the lists, its workbook.  Builders write to a temporary file and
rename it, so a failed or cancelled build never leaves half a file behind.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..errors import AppError
from ..tasks import TaskState


@dataclass(frozen=True)
class Options:
    year: int
    style: str | None = None          # "dang" | "nha_nuoc"; None = the office's setting
    group_by: str = "field"           # registrations: "field" | "unit"
    proposal: bool = False            # recognition: the proposal list instead of the decision's list
    filled: bool = True               # score sheets: with the scores, or blank for paper
    paper: str = "A4"                 # certificates: "A4" | "A3"
    certificate_title: str = "giay_khen"
    model_id: int | None = None       # dossier


@dataclass(frozen=True)
class DocumentKind:
    code: str
    label: str
    description: str
    pdf: Callable[[Options, Path, TaskState | None], Path]
    excel: Callable[[Options, Path, TaskState | None], Path] | None = None
    needs_model: bool = False


def _registrations(o: Options, target: Path, task: TaskState | None) -> Path:
    from .lists import build_registrations
    return build_registrations(o.year, target, style=o.style, group_by=o.group_by, task=task)


def _registrations_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_registrations
    return export_registrations(o.year, target, group_by=o.group_by, task=task)


def _scoresheets(o: Options, target: Path, task: TaskState | None) -> Path:
    from .scoresheets import build_scoresheets
    return build_scoresheets(o.year, target, style=o.style, filled=o.filled,
                             model_ids=[o.model_id] if o.model_id else None, task=task)


def _scoresheets_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from ..appraisal.workbook import export_workbook
    return export_workbook(o.year, target, task=task)


def _scores(o: Options, target: Path, task: TaskState | None) -> Path:
    from .lists import build_scores
    return build_scores(o.year, target, style=o.style, task=task)


def _scores_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_scores
    return export_scores(o.year, target, task=task)


def _recognition(o: Options, target: Path, task: TaskState | None) -> Path:
    from .lists import build_recognition
    return build_recognition(o.year, target, style=o.style, proposal=o.proposal, task=task)


def _recognition_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_recognition
    return export_recognition(o.year, target, proposal=o.proposal, task=task)


def _statistics(o: Options, target: Path, task: TaskState | None) -> Path:
    from .statistics import build_statistics
    return build_statistics(o.year, target, style=o.style, task=task)


def _statistics_xlsx(o: Options, target: Path, task: TaskState | None) -> Path:
    from .exports import export_statistics
    return export_statistics(o.year, target, task=task)


def _certificates(o: Options, target: Path, task: TaskState | None) -> Path:
    from .certificates import build_certificates
    return build_certificates(o.year, target, style_code=o.style, paper=o.paper, title=o.certificate_title,
                              model_ids=[o.model_id] if o.model_id else None, task=task)


def _dossier(o: Options, target: Path, task: TaskState | None) -> Path:
    from .dossier import build_dossier
    if not o.model_id:
        raise AppError("Hồ sơ mô hình cần chọn một mô hình, điển hình (tùy chọn --model UUID).")
    return build_dossier(o.model_id, target, style_code=o.style, task=task)


DOCUMENTS: dict[str, DocumentKind] = {k.code: k for k in (
    DocumentKind("registrations", "Danh sách đăng ký mô hình, điển hình",
                 "Theo lĩnh vực hoặc theo đơn vị, có số lượng từng nhóm.", _registrations, _registrations_xlsx),
    DocumentKind("scoresheets", "Phiếu chấm điểm",
                 "Mỗi mô hình, mỗi thành viên hội đồng một phiếu; để trống hoặc đã điền điểm.",
                 _scoresheets, _scoresheets_xlsx),
    DocumentKind("scores", "Bảng tổng hợp kết quả chấm điểm",
                 "Điểm của từng thành viên, điểm trung bình, xếp loại, thứ hạng.", _scores, _scores_xlsx),
    DocumentKind("recognition", "Danh sách công nhận (kèm theo Quyết định)",
                 "Hoặc danh sách đề nghị công nhận; theo lĩnh vực, có số lượng từng nhóm.",
                 _recognition, _recognition_xlsx),
    DocumentKind("statistics", "Báo cáo thống kê",
                 "Bảng và biểu đồ theo lĩnh vực, loại đơn vị, tập thể / cá nhân; chỉ tiêu chính; qua các năm.",
                 _statistics, _statistics_xlsx),
    DocumentKind("certificates", "Giấy khen, giấy chứng nhận",
                 "Khổ A4 hoặc A3 ngang, mỗi mô hình, điển hình được công nhận một trang.", _certificates),
    DocumentKind("dossier", "Hồ sơ mô hình",
                 "Toàn bộ thông tin một mô hình, điển hình kèm hình ảnh minh chứng.", _dossier, needs_model=True),
)}


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
