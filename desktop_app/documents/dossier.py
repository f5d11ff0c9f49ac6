"""Hồ sơ mô hình: one model's full record (registration, indicators, history, appraisal) with its photos."""

from __future__ import annotations

import logging
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph

import desktop_app.appraisal.results as appraisal_results

from .. import domain, registration
from ..appraisal.decision import decision_for
from ..office import decision_reference
from ..services.attachments import attachment_path
from ..services.models import AttachmentInfo, StatusEntry, get_model
from ..services.settings import get_office
from ..tasks import TaskState
from ..text import format_date, format_number
from . import data
from .layout import Document, esc, style

log = logging.getLogger("dvk.documents")

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png"}


def build_dossier(
    model_id: int, target: Path | str, *, style_code: str | None = None, task: TaskState | None = None
) -> Path:
    detail = get_model(model_id)
    row, info = detail.row, detail.data
    doc = Document(get_office(), style_code=style_code, title=f"Hồ sơ: {row.name}")
    doc.header(year=row.year)
    doc.doc_title(f"Hồ sơ {data.kind_label(row.kind)} “Dân vận khéo” năm {row.year}", row.name)
    pairs = [
        ("Loại", domain.KINDS.get(row.kind, row.kind)),
        ("Lĩnh vực", row.field),
        ("Cấp", row.level),
        ("Đơn vị thực hiện", row.unit),
        ("Địa chỉ cụ thể", info.address),
    ]
    if row.kind == domain.KIND_INDIVIDUAL:
        person = domain.addressed(info.person_name, info.person_honorific) + (
            f" (sinh năm {info.person_birth_year})" if info.person_birth_year else ""
        )
        pairs += [("Họ và tên", person), ("Chức vụ", info.person_position), ("Địa chỉ", info.person_address)]
    lead = ", ".join(p for p in (info.lead_name, info.lead_position, info.lead_phone) if p)
    pairs += [("Người phụ trách", lead)]
    if info.start_date or info.end_date:
        pairs.append(
            ("Thời gian thực hiện", f"từ {format_date(info.start_date) or '…'} đến {format_date(info.end_date) or '…'}")
        )
    cite = _decision_citations(row.year)
    status_line = row.status_label
    last = detail.history[-1] if detail.history else None
    if last is not None and last.to_status == row.status and last.reason in cite:
        status_line += f" ({cite[last.reason]})"
    pairs.append(("Trạng thái", status_line))
    doc.info_lines([(label, value) for label, value in pairs if value])
    number = 0
    for spec in registration.DOSSIER_SECTIONS:
        value = spec.to_text(getattr(info, spec.name))
        if not value:
            continue
        number += 1
        doc.heading(f"{number}. {spec.label}")
        for line in value.splitlines():
            if line.strip():
                doc.paragraph(line.strip())
    if detail.indicators:
        number += 1
        doc.heading(f"{number}. Chỉ tiêu và kết quả")
        # Most registrations state only what was achieved: two empty columns would read as missing data.
        with_target = any(ind.target is not None for ind in detail.indicators)
        if with_target:
            rows = [["STT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "Đạt được", "Tỷ lệ"]]
            widths = [9, 35, 14, 15, 15, 12]
            aligns = ["center", "left", "left", "right", "right", "right"]
        else:
            rows = [["STT", "Chỉ tiêu", "Đơn vị tính", "Đạt được"]]
            widths = [9, 51, 20, 20]
            aligns = ["center", "left", "left", "right"]
        for index, ind in enumerate(detail.indicators, start=1):
            cells = [str(index), ind.name, ind.unit_of_measure]
            if with_target:
                ratio = (
                    format_number(100.0 * ind.achieved / ind.target, 1) + "%"
                    if ind.target and ind.achieved is not None
                    else ""
                )
                cells += [format_number(ind.target), format_number(ind.achieved), ratio]
            else:
                cells.append(format_number(ind.achieved))
            rows.append(cells)
        doc.grid(rows, widths, aligns=aligns)
    if task:
        task.progress(1, 3, "Kết quả thẩm định")
    result = next((r for r in appraisal_results.results(row.year) if r.model_id == model_id), None)
    if result is not None and result.mean is not None:
        number += 1
        doc.heading(f"{number}. Kết quả thẩm định")
        # Ranks are counted within a kind, so the rank says among which ones.
        among = f"{appraisal_results.kind_title(result.kind).lower()} năm {row.year}"
        doc.paragraph(
            f"Điểm trung bình {format_number(result.mean, 2)} ({result.members} thành viên chấm), "
            f"xếp loại {result.grade}" + (f", hạng {result.rank} trong các {among}" if result.rank else "") + "."
        )
    if detail.history:
        number += 1
        doc.heading(f"{number}. Quá trình")
        rows = [["Ngày", "Trạng thái", "Lý do, căn cứ"]]
        rows += [_history_cells(h, cite) for h in detail.history]
        doc.grid(rows, [18, 27, 55], aligns=["center", "left", "left"])
    links = [("Tiếp nối mô hình", detail.continues), ("Nhân rộng từ mô hình", detail.replicates)]
    links += [("Được tiếp nối bởi", link) for link in detail.continued_by]
    links += [("Được nhân rộng tại", link) for link in detail.replicated_by]
    if any(link for _, link in links):
        doc.info_lines([(label, f"{link.name} ({link.unit}, năm {link.year})") for label, link in links if link])
    if task:
        task.progress(2, 3, "Hình ảnh")
    if detail.attachments:
        number += 1
        _photos(doc, detail.attachments, f"{number}. Hình ảnh, tài liệu minh chứng")
    if task:
        task.progress(3, 3, "Ghi tệp PDF")
    return doc.build(target)


def _decision_citations(year: int) -> dict[str, str]:
    """The reason a decision wrote on the statuses it set → the decision cited with its date.

    The status change keeps "Quyết định số 125-QĐ/HU" as typed at the time; the record cites a decision
    by number and date, and the date lives with the decision.
    """
    decision = decision_for(year)
    if decision is None:
        return {}
    cited = f"Quyết định số {decision_reference(decision.number)} ngày {format_date(decision.date)}"
    return {f"Quyết định số {decision.number}": cited, f"Quyết định số {decision_reference(decision.number)}": cited}


def _history_cells(entry: StatusEntry, cite: dict[str, str]) -> list[str]:
    # The day it happened, not the day it was typed: a 2023 file typed in 2026 must read 2023.
    return [
        format_date(entry.event_date),
        domain.STATUSES.get(entry.to_status, entry.to_status),
        cite.get(entry.reason, entry.reason),
    ]


def _photos(doc: Document, attachments: list[AttachmentInfo], title: str) -> None:
    photos = [a for a in attachments if Path(a.stored_name).suffix.lower() in PHOTO_SUFFIXES]
    others = [a for a in attachments if a not in photos]
    doc.heading(title)  # kept with what follows it
    caption_style = style("caption", 11, italic=True, align=1)
    for index, photo in enumerate(photos, start=1):
        path = attachment_path(photo.stored_name)
        if not path.is_file():
            doc.paragraph(f"Ảnh {index}: «{photo.original_name}» không còn trong thư mục dữ liệu.", italic=True)
            continue
        try:
            image = Image(str(path))
        except Exception:
            log.warning("photo %s unreadable; the dossier says so instead", path, exc_info=True)
            doc.paragraph(f"Ảnh {index}: không đọc được tệp «{photo.original_name}».", italic=True)
            continue
        max_w, max_h = doc.width * 0.85, 110 * mm
        scale = min(max_w / image.imageWidth, max_h / image.imageHeight, 1.0)
        image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
        caption = f"Ảnh {index}. {photo.caption or photo.original_name}"
        # Not a KeepTogether: reportlab keeps a heading only with a plain flowable, so the section heading
        # would stay behind at the foot of a page.  Chained instead: heading → photo → its caption.
        image.keepWithNext = True
        doc.story += [image, Paragraph(esc(caption), caption_style)]
        doc.space(4)
    for other in others:
        doc.paragraph(f"- Tài liệu: {other.caption or other.original_name}")
