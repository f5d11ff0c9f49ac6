"""The Excel twins: the same rows as the PDFs, from the same data functions."""

from __future__ import annotations

from pathlib import Path

import desktop_app.appraisal.results as appraisal_results

from .. import domain
from ..appraisal.council import council_members
from ..services.settings import get_office
from ..tasks import TaskState
from . import data
from .excel import Sheet, write_workbook
from .statistics import gather

SCORE = "0.00"
INTEGER = "#,##0"


def export_registrations(
    year: int, target: Path | str, *, group_by: str = "field", task: TaskState | None = None
) -> Path:
    sheet = Sheet(
        "Đăng ký",
        "Danh sách",
        f"mô hình, điển hình đăng ký thực hiện phong trào thi đua “Dân vận khéo” năm {year}",
        ["STT", "Tên mô hình, điển hình", "Đơn vị / cá nhân thực hiện (địa chỉ)", "Lĩnh vực", "Loại", "Cấp", "Ghi chú"],
        [6, 50, 38, 18, 10, 12, 16],
    )
    count = 0
    for number, group in enumerate(data.registrations(year, group_by), start=1):
        label = "LĨNH VỰC " + group.title.upper() if group_by == "field" else group.title.upper()
        sheet.group_rows.add(len(sheet.rows))
        sheet.rows.append([f"{data.roman(number)}. {label} ({len(group.rows)})"])
        for row in group.rows:
            count += 1
            sheet.rows.append([count, *data.registration_cells(row)])
    sheet.total_rows.add(len(sheet.rows))
    sheet.rows.append(["", f"Tổng cộng: {count} mô hình, điển hình"])
    return write_workbook(get_office(), [sheet], target)


def export_recognition(year: int, target: Path | str, *, proposal: bool = False, task: TaskState | None = None) -> Path:
    office = get_office()
    kind = "đề nghị công nhận" if proposal else "công nhận"
    sheet = Sheet(
        "Công nhận" if not proposal else "Đề nghị công nhận",
        "Danh sách",
        f"mô hình, điển hình “Dân vận khéo” được {kind} năm {year}",
        [
            "STT",
            "Tên mô hình, điển hình",
            "Đơn vị / cá nhân thực hiện (địa chỉ)",
            "Lĩnh vực",
            "Loại (tập thể / cá nhân)",
            "Điểm",
            "Xếp loại",
            "Ghi chú",
        ],
        [6, 46, 36, 18, 12, 9, 11, 16],
        number_formats={5: SCORE},
        note="" if proposal else data.decision_line(year, office.place_name),
    )
    count = 0
    for number, group in enumerate(data.recognition(year, proposal=proposal), start=1):
        sheet.group_rows.add(len(sheet.rows))
        sheet.rows.append([f"{data.roman(number)}. LĨNH VỰC {group.title.upper()} ({len(group.rows)})"])
        for result in group.rows:
            count += 1
            sheet.rows.append(
                [
                    count,
                    result.name,
                    data.unit_with_address(result),
                    result.field,
                    data.kind_short(result.kind),
                    result.mean,
                    result.grade,
                    data.result_note(result),
                ]
            )
    sheet.total_rows.add(len(sheet.rows))
    sheet.rows.append(["", f"Tổng cộng: {count} mô hình, điển hình"])
    return write_workbook(office, [sheet], target)


def export_scores(year: int, target: Path | str, *, task: TaskState | None = None) -> Path:
    """The score table's twin: one section per kind (ranks are counted within a kind), best rank first."""
    members = council_members(year)
    headers = (
        ["STT", "Tên mô hình, điển hình", "Lĩnh vực"]
        + [m.name for m in members]
        + ["Điểm trung bình", "Xếp loại", "Hạng", "Công nhận"]
    )
    sheet = Sheet(
        "Tổng hợp điểm",
        "Bảng tổng hợp",
        f"kết quả chấm điểm mô hình, điển hình “Dân vận khéo” năm {year}",
        headers,
        [6, 46, 18] + [13] * len(members) + [11, 11, 7, 11],
        number_formats={3 + len(members): SCORE},
    )
    index = 0
    for part, (kind, items) in enumerate(appraisal_results.by_kind(appraisal_results.results(year))):
        sheet.group_rows.add(len(sheet.rows))
        sheet.rows.append([data.kind_part_title(part, kind, len(items))])
        for result in items:
            index += 1
            by_member = {s.member_id: s for s in result.scores}
            cells = []
            for member in members:
                score = by_member.get(member.id)
                cells.append(
                    None if score is None else "XĐ" if score.excluded else score.total if score.complete else None
                )
            sheet.rows.append(
                [index, result.name, result.field]
                + cells
                + [result.mean, result.grade, result.rank, "Có" if result.recognised else "Không"]
            )
    return write_workbook(get_office(), [sheet], target)


def export_statistics(year: int, target: Path | str, *, task: TaskState | None = None) -> Path:
    report = gather(year)
    headers = [
        "",
        "Đăng ký: tập thể",
        "Đăng ký: cá nhân",
        "Đăng ký: cộng",
        "Công nhận: tập thể",
        "Công nhận: cá nhân",
        "Công nhận: cộng",
    ]
    sheets = []
    for name, first, items in (
        ("Theo lĩnh vực", "Lĩnh vực", report.by_field),
        ("Theo loại đơn vị", "Loại đơn vị", report.by_unit_kind),
    ):
        sheet = Sheet(
            name,
            "Báo cáo thống kê",
            f"phong trào thi đua “Dân vận khéo” năm {year} – {name.lower()}",
            [first] + headers[1:],
            [34, 12, 12, 12, 12, 12, 12],
            number_formats=dict.fromkeys(range(1, 7), INTEGER),
        )
        for label, tally in list(items.items()) + [("Tổng cộng", report.total)]:
            c, i = domain.KIND_COLLECTIVE, domain.KIND_INDIVIDUAL
            sheet.rows.append(
                [
                    label,
                    tally.registered[c],
                    tally.registered[i],
                    tally.total_registered,
                    tally.recognised[c],
                    tally.recognised[i],
                    tally.total_recognised,
                ]
            )
        sheet.total_rows.add(len(sheet.rows) - 1)
        sheets.append(sheet)
    sheet = Sheet(
        "Chỉ tiêu",
        "Báo cáo thống kê",
        f"kết quả vận động năm {year}",
        ["Chỉ tiêu", "Tất cả mô hình, điển hình", "Được công nhận"],
        [34, 24, 24],
        number_formats={1: INTEGER, 2: INTEGER},
        landscape=False,
    )
    for label, value in report.indicators_all.items():
        sheet.rows.append([label, value, report.indicators_recognised.get(label, 0)])
    sheets.append(sheet)
    if report.history:
        sheet = Sheet(
            "Qua các năm",
            "Báo cáo thống kê",
            "số mô hình, điển hình qua các năm",
            ["Năm", "Đăng ký", "Được công nhận"],
            [10, 16, 18],
            landscape=False,
        )
        sheet.rows += [[y, reg, rec] for y, reg, rec in report.history]
        sheets.append(sheet)
    return write_workbook(get_office(), sheets, target)
