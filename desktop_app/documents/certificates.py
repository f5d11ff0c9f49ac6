"""Giấy khen / giấy chứng nhận: one landscape page per recognised model or exemplar, A4 or A3."""

from __future__ import annotations

from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A3, A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from .. import domain
from ..appraisal.decision import decision_for
from ..appraisal.info import DecisionInfo, ModelResult
from ..errors import AppError
from ..fileio import replacing
from ..office import Issuer, decision_reference
from ..services.models import get_model
from ..services.settings import get_office
from ..tasks import TaskState
from ..text import date_in_words, fold, format_date, place_date_line
from . import data
from .fonts import FAMILY, register_fonts
from .layout import esc, style

TITLES = {"giay_khen": "GIẤY KHEN", "chung_nhan": "GIẤY CHỨNG NHẬN"}
DARK_RED = colors.HexColor("#9C1C1C")
GOLD = colors.HexColor("#B8860B")
NAVY = colors.HexColor("#1F3864")


def build_certificates(
    year: int,
    target: Path | str,
    *,
    style_code: str | None = None,
    paper: str = "A4",
    title: str = "giay_khen",
    model_ids: list[int] | None = None,
    task: TaskState | None = None,
) -> Path:
    register_fonts()
    issuer = get_office().issuer(style_code)
    items = [r for group in data.recognition(year) for r in group.rows if model_ids is None or r.model_id in model_ids]
    if not items:
        raise AppError(f"Năm {year} chưa có mô hình, điển hình nào được công nhận để in giấy khen.")
    pagesize = landscape(A3 if paper.upper() == "A3" else A4)
    decision = decision_for(year)
    with replacing(target) as partial:
        # reportlab's stubs type initialFontName as a number; it is the font's name, as reportlab documents.
        canvas = Canvas(str(partial), pagesize=pagesize, pageCompression=1, initialFontName=FAMILY)  # type: ignore[arg-type]
        canvas.setTitle(f"{TITLES.get(title, TITLES['giay_khen']).capitalize()} năm {year}")
        canvas.setAuthor(issuer.issuing_body)
        canvas.setCreator("Sổ Dân vận khéo")
        for index, result in enumerate(items):
            _page(canvas, pagesize, issuer, year, result, decision, TITLES.get(title, TITLES["giay_khen"]))
            canvas.showPage()
            if task:
                task.progress(index + 1, len(items), result.name)
        canvas.save()
    return Path(target)


def _centered(
    canvas: Canvas,
    text: str,
    x: float,
    y: float,
    width: float,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    color: colors.Color = colors.black,
    leading: float = 1.2,
) -> tuple[float, float]:
    """Draw wrapped, centred text whose top is at ``y``; return the y below it and its longest line's width."""
    st = style(f"cert{size}{bold}{italic}", size, bold=bold, italic=italic, align=TA_CENTER, leading=size * leading)
    st.textColor = color
    paragraph = Paragraph(esc(text), st)
    _, height = paragraph.wrap(width, 10_000)
    paragraph.drawOn(canvas, x, y - height)
    return y - height, max(paragraph.getActualLineWidths0() or [0.0])


def _rule(canvas: Canvas, centre: float, y: float, length: float, k: float) -> None:
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.6 * k)
    canvas.line(centre - length / 2, y, centre + length / 2, y)


def achievement(result: ModelResult, year: int) -> str:
    """What the certificate says the model achieved: the words follow its grade ("xuất sắc" only for the
    best grade or a model the decision names outstanding; a model that only passed is "được công nhận")."""
    what = "điển hình" if result.kind == domain.KIND_INDIVIDUAL else "mô hình"
    grade = fold(result.grade)
    if result.outstanding or grade == "xuat sac":
        return f"Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm {year} với {what}:"
    if grade == "tot":
        return f"Đã có thành tích tốt trong phong trào thi đua “Dân vận khéo” năm {year} với {what}:"
    return f"Đã được công nhận {what} “Dân vận khéo” năm {year}:"


def _page(
    canvas: Canvas,
    pagesize: tuple[float, float],
    issuer: Issuer,
    year: int,
    result: ModelResult,
    decision: DecisionInfo | None,
    title: str,
) -> None:
    width, height = pagesize
    k = width / landscape(A4)[0]  # A3 scales every size
    canvas.setStrokeColor(DARK_RED)
    canvas.setLineWidth(3 * k)
    canvas.rect(10 * mm * k, 10 * mm * k, width - 20 * mm * k, height - 20 * mm * k)
    canvas.setStrokeColor(GOLD)
    canvas.setLineWidth(1 * k)
    canvas.rect(13 * mm * k, 13 * mm * k, width - 26 * mm * k, height - 26 * mm * k)
    left, inner = 25 * mm * k, width - 50 * mm * k
    column = inner * 0.46
    top = height - 22 * mm * k
    # Issuing body on the left, national or Party line on the right, as on any official paper, with the
    # rules each style draws: NĐ 30 a rule 1/3–1/2 of the agency line under it and one as long as the motto;
    # HD 36 a star under the committee and a rule as long as "ĐẢNG CỘNG SẢN VIỆT NAM".
    party = issuer.party
    y = top
    if issuer.superior_body:
        y, _ = _centered(canvas, issuer.superior_body.upper(), left, y, column, 12 * k)
    y, body_width = _centered(canvas, issuer.issuing_body.upper(), left, y, column, 12 * k, bold=True)
    if party:
        _centered(canvas, "*", left, y, column, 12 * k)
    else:
        _rule(canvas, left + column / 2, y - 2 * k, body_width * 0.4, k)
    right_x = left + inner - column
    if party:
        y, motto_width = _centered(canvas, "ĐẢNG CỘNG SẢN VIỆT NAM", right_x, top, column, 13 * k, bold=True)
    else:
        y, _ = _centered(canvas, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right_x, top, column, 12 * k, bold=True)
        y, motto_width = _centered(canvas, "Độc lập - Tự do - Hạnh phúc", right_x, y, column, 13 * k, bold=True)
    _rule(canvas, right_x + column / 2, y - 2 * k, motto_width, k)

    y = height - 62 * mm * k
    y, _ = _centered(canvas, title, left, y, inner, 40 * k, bold=True, color=DARK_RED)
    y -= 4 * mm * k
    individual = result.kind == domain.KIND_INDIVIDUAL
    detail = get_model(result.model_id).data
    y, _ = _centered(canvas, "Tặng", left, y, inner, 15 * k, italic=True)
    if individual and detail.person_name:
        person = domain.addressed(detail.person_name, detail.person_honorific)  # "Tặng Ông Nguyễn Văn Tám"
        y, _ = _centered(canvas, person, left, y - 1 * mm * k, inner, 22 * k, bold=True, color=NAVY)
        who = ", ".join(p for p in (detail.person_position, result.unit) if p)
        if who:
            y, _ = _centered(canvas, who, left, y - 1 * mm * k, inner, 15 * k)
    else:
        y, _ = _centered(canvas, result.unit or result.name, left, y - 1 * mm * k, inner, 20 * k, bold=True, color=NAVY)
    y, _ = _centered(
        canvas,
        achievement(result, year),
        left + inner * 0.08,
        y - 4 * mm * k,
        inner * 0.84,
        15 * k,
        italic=True,
    )
    _centered(canvas, f"“{result.name}”", left + inner * 0.05, y - 2 * mm * k, inner * 0.9, 17 * k, bold=True)

    # The signature block stands high enough to leave about 30 mm for the signature and seal.
    bottom = 74 * mm * k
    if decision is not None:
        when = f", ngày {format_date(decision.date)}" if issuer.party else f" {date_in_words(decision.date)}"
        line = f"Quyết định số {decision_reference(decision.number)}{when}"
        day = decision.date
        authority, signer_title, signer = decision.authority, decision.signer_title, decision.signer_name
    else:
        line = "Quyết định số ........., ngày ..../..../........"
        day = None
        authority, signer_title, signer = issuer.signing_authority, issuer.signer_title, issuer.signer_name
    _centered(canvas, line, left, bottom - 20 * mm * k, column * 0.9, 12 * k)
    _centered(canvas, "Vào sổ khen thưởng số: ..........", left, bottom - 26 * mm * k, column * 0.9, 12 * k)
    place = place_date_line(issuer.place_name or "…", day)
    if day is None:
        place = place.replace("    ", "      ")
    y, _ = _centered(canvas, place, right_x, bottom, column, 13 * k, italic=True)
    for text in (authority, signer_title):
        if text:
            y, _ = _centered(canvas, text.upper(), right_x, y - 1 * k, column, 13 * k, bold=True)
    if signer:
        _centered(canvas, signer, right_x, 22 * mm * k + 14 * k * 1.2, column, 14 * k, bold=True)
