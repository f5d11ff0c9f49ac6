"""Phiếu chấm điểm: one sheet per model and council member, blank for paper or filled from the scores."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.platypus import Flowable, Paragraph

from ..appraisal.aggregate import describe_thresholds, grade_for
from ..appraisal.council import assigned_model_ids, conflicts, council_members
from ..appraisal.criteria import criteria_set_for
from ..appraisal.info import MemberInfo
from ..appraisal.scoring import models_to_score, sheet
from ..errors import AppError
from ..services.models import ModelRow
from ..services.settings import get_office
from ..tasks import TaskState
from ..text import format_number
from . import data
from .layout import Document, esc, style
from .lists import COUNCIL

GUIDANCE = style("guidance", 10, italic=True, leading=11.5)


def build_scoresheets(
    year: int,
    target: Path | str,
    *,
    style: str | None = None,
    filled: bool = True,
    model_ids: list[int] | None = None,
    member_ids: list[int] | None = None,
    task: TaskState | None = None,
) -> Path:
    """Every (model, member) sheet of the year, one per page; members with a conflict get none."""
    office = get_office()
    members = [m for m in council_members(year) if member_ids is None or m.id in member_ids]
    models = [m for m in models_to_score(year) if model_ids is None or m.id in model_ids]
    if not models:
        raise AppError(f"Năm {year} chưa có mô hình, điển hình nào để chấm điểm.")
    if not members and filled:
        raise AppError(f"Năm {year} chưa có thành viên hội đồng; hãy nhập hội đồng thẩm định trước.")
    excluded = conflicts(year)
    pairs = []
    # Without a council the blank sheets name no member.
    sheet_members: list[MemberInfo | None] = [*members] if members else [None]
    for model in models:
        for member in sheet_members:
            if member is not None:
                if (member.id, model.id) in excluded or not assigned_model_ids(member, [model.id]):
                    continue
            pairs.append((model, member))
    # 11.5 pt cells so that one sheet, long names included, stays on one page.
    doc = Document(office, style_code=style, numbered=False, title=f"Phiếu chấm điểm năm {year}", cell_size=11.5)
    for index, (model, member) in enumerate(pairs):
        if index:
            doc.page_break()
        _one_sheet(doc, year, model, member, filled)
        if task:
            task.progress(index + 1, len(pairs), model.name)
    return doc.build(target)


def _one_sheet(doc: Document, year: int, model: ModelRow, member: MemberInfo | None, filled: bool) -> None:
    criteria_set = criteria_set_for(year, model.kind, model.level_id)
    values = sheet(year, member.id, model.id) if (filled and member is not None) else {}
    # The member scores for the council, which heads the sheet under the committee that formed it.
    doc.header(year=year, space_after_mm=4, issuing_body=COUNCIL, superior_body=doc.issuer.issuing_body)
    doc.doc_title("Phiếu chấm điểm", f"{data.kind_label(model.kind)} “Dân vận khéo” năm {year}", space_after_mm=3)
    doc.info_lines(
        [
            ("Tên mô hình, điển hình", model.name),
            ("Đơn vị / cá nhân thực hiện", data.unit_with_address(model)),
            ("Lĩnh vực", model.field),
            (
                "Thành viên chấm",
                f"{member.name}" + (f" – {member.role}" if member.role else "") if member is not None else "." * 60,
            ),
        ],
        size=13,
    )
    rows: list[list[Any]] = [["STT", "Tiêu chí", "Điểm tối đa", "Điểm chấm"]]
    group = None
    commands = []
    for number, criterion in enumerate(criteria_set.criteria, start=1):
        if criterion.group and criterion.group != group:
            group = criterion.group
            commands.append(("SPAN", (0, len(rows)), (-1, len(rows))))
            rows.append([doc.bold(group), "", "", ""])
        text = [Paragraph(esc(criterion.text), doc.cell)]
        if criterion.guidance:
            text.append(Paragraph(esc(criterion.guidance), GUIDANCE))
        value = values.get(criterion.id)
        rows.append(
            [str(number), text, format_number(criterion.max_points), format_number(value) if value is not None else ""]
        )
    maximum = sum(c.max_points for c in criteria_set.criteria)
    scored = [values.get(c.id) for c in criteria_set.criteria]
    total = sum(v for v in scored if v is not None) if scored and all(v is not None for v in scored) else None
    rows.append(
        [
            "",
            doc.bold("Tổng cộng", "center"),
            doc.bold(format_number(maximum), "center"),
            doc.bold(format_number(total) if total is not None else "", "center"),
        ]
    )
    doc.grid(rows, [8, 62, 15, 15], commands=commands, aligns=["center", "left", "center", "center"])
    grade = grade_for(total, criteria_set.thresholds) if total is not None else ""
    scale = describe_thresholds(criteria_set.thresholds)
    grading: list[Flowable] = [
        Paragraph(f"<b>Xếp loại:</b> {esc(grade or '.' * 30)}", style("grade", 13, leading=17)),
        Paragraph(esc(f"({scale}.)"), GUIDANCE),
    ]
    doc.signature(
        (),
        authority="",
        signer_title="Người chấm",
        signer_name=member.name if member is not None else "",
        gap_mm=14,
        left=grading,
        space_before_mm=1,
    )
