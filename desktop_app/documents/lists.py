"""Lists: registrations, proposal and recognition (with the decision line), the score table."""

from __future__ import annotations

from pathlib import Path

import desktop_app.appraisal.results as appraisal_results

from ..appraisal.council import council_members
from ..appraisal.decision import decision_for
from ..appraisal.info import MemberInfo
from ..services.settings import get_office
from ..tasks import TaskState
from ..text import format_number
from . import data
from .layout import Document

RECIPIENTS = ("Ban Dân vận cấp trên (để báo cáo)", "Các đơn vị có tên trong danh sách")
COUNCIL = "HỘI ĐỒNG THẨM ĐỊNH"
# A list's columns after STT: the same in the PDF and its Excel twin.  "Ghi chú" is printed only when some
# row has a note; the short catalogue columns break only at their separators ("Văn hóa - / xã hội").
REGISTRATION_HEADERS = [
    "STT",
    "Tên mô hình, điển hình",
    "Đơn vị / cá nhân thực hiện (địa chỉ)",
    "Lĩnh vực",
    "Loại",
    "Cấp",
    "Ghi chú",
]
RECOGNITION_HEADERS = [
    "STT",
    "Tên mô hình, điển hình",
    "Đơn vị / cá nhân thực hiện (địa chỉ)",
    "Lĩnh vực",
    "Loại (tập thể / cá nhân)",
    "Điểm – xếp loại",
    "Ghi chú",
]
NOTE_COLUMN = 6


def chairman(members: list[MemberInfo]) -> MemberInfo | None:
    """The council's chairman (who signs for it): the member whose role says so, else the first."""
    for member in members:
        role = member.role.lower()
        if role.startswith("chủ tịch"):
            return member
    return members[0] if members else None


def build_registrations(
    year: int,
    target: Path | str,
    *,
    style: str | None = None,
    group_by: str = "field",
    offices: tuple[int, ...] | None = None,
    task: TaskState | None = None,
) -> Path:
    doc = Document(get_office(), style_code=style, wide=True, title=f"Danh sách đăng ký năm {year}")
    doc.header(year=year)
    doc.doc_title(
        "Danh sách",
        f"mô hình, điển hình đăng ký thực hiện phong trào thi đua “Dân vận khéo” năm {year}",
        data.scope_line(offices),
    )
    groups = data.registrations(year, group_by, offices)
    rows: list[list[str]] = []
    group_rows: list[int] = []
    total_rows: list[int] = []
    count = 0
    for number, group in enumerate(groups, start=1):
        label = data.group_label(group_by, group.title)
        group_rows.append(len(rows))
        rows.append([f"{data.roman(number)}. {label} ({len(group.rows)})"])
        for row in group.rows:
            count += 1
            rows.append([str(count), *data.registration_cells(row)])
        if task:
            task.progress(number, len(groups), group.title)
    total_rows.append(len(rows))
    rows.append(["", f"Tổng cộng: {format_number(count)} mô hình, điển hình", "", "", "", "", ""])
    doc.table(
        REGISTRATION_HEADERS,
        rows,
        [6, 36, 27, 13, 8, 9, 10],
        group_rows=group_rows,
        total_rows=total_rows,
        aligns=["center", "left", "left", "left", "center", "center", "left"],
        phrases=(3, 4, 5),
        optional=(NOTE_COLUMN,),
    )
    doc.signature(RECIPIENTS)
    return doc.build(target)


def build_recognition(
    year: int,
    target: Path | str,
    *,
    style: str | None = None,
    proposal: bool = False,
    group_by: str = "field",
    offices: tuple[int, ...] | None = None,
    task: TaskState | None = None,
) -> Path:
    """Danh sách công nhận kèm theo Quyết định (or the proposal list before the decision)."""
    office = get_office()
    kind = "đề nghị công nhận" if proposal else "công nhận"
    doc = Document(office, style_code=style, wide=True, title=f"Danh sách {kind} năm {year}")
    decision = None if proposal else decision_for(year)
    # The list attached to a decision bears the decision's date.
    doc.header(year=year, day=decision.date if decision is not None else None)
    subject = f"mô hình, điển hình “Dân vận khéo” được {kind} năm {year}"
    note = " ".join(filter(None, ["" if proposal else data.decision_line(year, doc.issuer), data.scope_line(offices)]))
    doc.doc_title("Danh sách", subject, note)
    groups = data.recognition(year, proposal=proposal, group_by=group_by, offices=offices)
    rows: list[list[str]] = []
    group_rows: list[int] = []
    total_rows: list[int] = []
    count = 0
    for number, group in enumerate(groups, start=1):
        group_rows.append(len(rows))
        rows.append([f"{data.roman(number)}. {data.group_label(group_by, group.title)} ({len(group.rows)})"])
        for result in group.rows:
            count += 1
            rows.append(
                [
                    str(count),
                    result.name,
                    data.unit_with_address(result),
                    result.field,
                    data.kind_short(result.kind),
                    data.score_text(result),
                    data.result_note(result),
                ]
            )
        if task:
            task.progress(number, len(groups), group.title)
    total_rows.append(len(rows))
    rows.append(["", f"Tổng cộng: {format_number(count)} mô hình, điển hình", "", "", "", "", ""])
    doc.table(
        RECOGNITION_HEADERS,
        rows,
        [6, 32, 25, 12, 9, 10, 9],
        group_rows=group_rows,
        total_rows=total_rows,
        aligns=["center", "left", "left", "left", "center", "center", "left"],
        phrases=(3, 4, 5),
        optional=(NOTE_COLUMN,),
    )
    if proposal:
        doc.signature(RECIPIENTS)
    return doc.build(target)


def build_scores(
    year: int,
    target: Path | str,
    *,
    style: str | None = None,
    offices: tuple[int, ...] | None = None,
    task: TaskState | None = None,
) -> Path:
    """Bảng tổng hợp kết quả chấm điểm: every member's total, mean, grade, rank.

    One part per kind (A. tập thể, B. cá nhân), because ranks are counted within a kind; fields inside a part.
    """
    members = council_members(year)
    doc = Document(get_office(), style_code=style, wide=True, title=f"Bảng tổng hợp kết quả chấm điểm năm {year}")
    # The council signs this table, so it heads it, under the committee that formed it.
    doc.header(year=year, issuing_body=COUNCIL, superior_body=doc.issuer.issuing_body)
    doc.doc_title(
        "Bảng tổng hợp",
        f"kết quả chấm điểm mô hình, điển hình “Dân vận khéo” năm {year}",
        data.scope_line(offices),
    )
    sections = appraisal_results.by_kind(data.results(year, offices))
    headers = (
        ["STT", "Tên mô hình, điển hình"]
        + [f"TV{i}" for i in range(1, len(members) + 1)]
        + ["Điểm TB", "Xếp loại", "Hạng"]
    )
    rows: list[list[str]] = []
    group_rows: list[int] = []
    order = data.field_order()
    count = 0
    for part, (kind, items) in enumerate(sections):
        group_rows.append(len(rows))
        rows.append([data.kind_part_title(part, kind, len(items))])
        if task:
            task.progress(part + 1, len(sections), appraisal_results.kind_title(kind))
        fields = sorted({r.field for r in items}, key=lambda n: order.get(n, 99))
        for number, field in enumerate(fields, start=1):
            group_rows.append(len(rows))
            rows.append([f"{data.roman(number)}. LĨNH VỰC {field.upper()}"])
            for result in (r for r in items if r.field == field):
                count += 1
                by_member = {s.member_id: s for s in result.scores}
                cells = []
                for member in members:
                    score = by_member.get(member.id)
                    cells.append(
                        "—"
                        if score is None
                        else "XĐ"
                        if score.excluded
                        else format_number(score.total)
                        if score.complete
                        else ""
                    )
                rows.append(
                    [str(count), result.name]
                    + cells
                    + [
                        format_number(result.mean, 2) if result.mean is not None else "",
                        result.grade,
                        str(result.rank or ""),
                    ]
                )
    widths = [6, 40] + [8] * len(members) + [9, 10, 7]
    doc.table(headers, rows, widths, group_rows=group_rows, aligns=["center", "left"] + ["center"] * (len(members) + 3))
    doc.space(2)
    legend = "; ".join(f"TV{i}: {m.name} ({m.role})" for i, m in enumerate(members, start=1))
    doc.paragraph(
        f"Thành viên hội đồng — {legend}. XĐ: không chấm do xung đột lợi ích. Hạng: xếp riêng trong "
        "các mô hình tập thể và trong các điển hình cá nhân.",
        italic=True,
    )
    head = chairman(members)
    doc.signature(
        (), authority=doc.issuer.on_behalf(COUNCIL), signer_title="CHỦ TỊCH", signer_name=head.name if head else ""
    )
    return doc.build(target)
