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
from ..office import STYLE_PARTY, OfficeInfo
from ..services.models import get_model
from ..services.settings import get_office
from ..tasks import TaskState
from ..text import format_date, place_date_line
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
    office = get_office()
    party = (style_code or office.document_style or STYLE_PARTY) == STYLE_PARTY
    items = [r for group in data.recognition(year) for r in group.rows if model_ids is None or r.model_id in model_ids]
    if not items:
        raise AppError(f"Năm {year} chưa có mô hình, điển hình nào được công nhận để in giấy khen.")
    pagesize = landscape(A3 if paper.upper() == "A3" else A4)
    decision = decision_for(year)
    with replacing(target) as partial:
        # reportlab's stubs type initialFontName as a number; it is the font's name, as reportlab documents.
        canvas = Canvas(str(partial), pagesize=pagesize, pageCompression=1, initialFontName=FAMILY)  # type: ignore[arg-type]
        canvas.setTitle(f"{TITLES.get(title, TITLES['giay_khen']).capitalize()} năm {year}")
        canvas.setAuthor(office.issuing_body)
        canvas.setCreator("Sổ Dân vận khéo")
        for index, result in enumerate(items):
            _page(canvas, pagesize, office, party, year, result, decision, TITLES.get(title, TITLES["giay_khen"]))
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
) -> float:
    """Draw wrapped, centred text whose top is at ``y``; return the y below it."""
    st = style(f"cert{size}{bold}{italic}", size, bold=bold, italic=italic, align=TA_CENTER, leading=size * leading)
    st.textColor = color
    paragraph = Paragraph(esc(text), st)
    _, height = paragraph.wrap(width, 10_000)
    paragraph.drawOn(canvas, x, y - height)
    return y - height


def _page(
    canvas: Canvas,
    pagesize: tuple[float, float],
    office: OfficeInfo,
    party: bool,
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
    # Issuing body on the left, national or Party line on the right, as on any official paper.
    y = top
    if office.superior_body:
        y = _centered(canvas, office.superior_body.upper(), left, y, column, 12 * k)
    y = _centered(canvas, office.issuing_body.upper(), left, y, column, 12 * k, bold=True)
    _centered(canvas, "*" if party else "", left, y, column, 12 * k)
    right_x = left + inner - column
    if party:
        y = _centered(canvas, "ĐẢNG CỘNG SẢN VIỆT NAM", right_x, top, column, 13 * k, bold=True)
    else:
        y = _centered(canvas, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", right_x, top, column, 12 * k, bold=True)
        y = _centered(canvas, "Độc lập - Tự do - Hạnh phúc", right_x, y, column, 13 * k, bold=True)
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.6 * k)
    canvas.line(right_x + column * 0.25, y - 2 * k, right_x + column * 0.75, y - 2 * k)

    y = height - 62 * mm * k
    y = _centered(canvas, title, left, y, inner, 40 * k, bold=True, color=DARK_RED)
    y -= 4 * mm * k
    individual = result.kind == domain.KIND_INDIVIDUAL
    detail = get_model(result.model_id).data
    y = _centered(canvas, "Tặng", left, y, inner, 15 * k, italic=True)
    if individual and detail.person_name:
        person = domain.addressed(detail.person_name, detail.person_honorific)  # "Tặng Ông Nguyễn Văn Tám"
        y = _centered(canvas, person, left, y - 1 * mm * k, inner, 22 * k, bold=True, color=NAVY)
        who = ", ".join(p for p in (detail.person_position, result.unit) if p)
        if who:
            y = _centered(canvas, who, left, y - 1 * mm * k, inner, 15 * k)
    else:
        y = _centered(canvas, result.unit or result.name, left, y - 1 * mm * k, inner, 20 * k, bold=True, color=NAVY)
    what = "điển hình" if individual else "mô hình"
    y = _centered(
        canvas,
        f"Đã có thành tích xuất sắc trong phong trào thi đua “Dân vận khéo” năm {year} với {what}:",
        left + inner * 0.08,
        y - 4 * mm * k,
        inner * 0.84,
        15 * k,
        italic=True,
    )
    _centered(canvas, f"“{result.name}”", left + inner * 0.05, y - 2 * mm * k, inner * 0.9, 17 * k, bold=True)

    bottom = 62 * mm * k
    if decision is not None:
        line = f"Quyết định số {office.decision_reference(decision.number)}, ngày {format_date(decision.date)}"
        day = decision.date
        authority, signer_title, signer = decision.authority, decision.signer_title, decision.signer_name
    else:
        line = "Quyết định số ........., ngày ..../..../........"
        day = None
        authority, signer_title, signer = office.signing_authority, office.signer_title, office.signer_name
    _centered(canvas, line, left, bottom - 20 * mm * k, column * 0.9, 12 * k)
    _centered(canvas, "Vào sổ khen thưởng số: ..........", left, bottom - 26 * mm * k, column * 0.9, 12 * k)
    place = place_date_line(office.place_name or "…", day)
    if day is None:
        place = place.replace("    ", "      ")
    y = _centered(canvas, place, right_x, bottom, column, 13 * k, italic=True)
    for text in (authority, signer_title):
        if text:
            y = _centered(canvas, text.upper(), right_x, y - 1 * k, column, 13 * k, bold=True)
    if signer:
        _centered(canvas, signer, right_x, 24 * mm * k + 13 * k * 1.2, column, 14 * k, bold=True)
