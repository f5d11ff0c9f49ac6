"""``review --from Y1 --to Y2 [--json]``: the figures of a period review (tổng kết giai đoạn)."""

from __future__ import annotations

import argparse

from .. import domain
from ..appraisal.results import kind_title
from ..review.period import PeriodReview, YearRow, review
from ..text import format_number
from .common import opened, print_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "review", help="tổng kết một giai đoạn: số lượng, tỷ lệ công nhận, chỉ tiêu, mô hình duy trì, nhân rộng"
    )
    p.add_argument("--from", dest="first_year", type=int, required=True, metavar="NĂM", help="năm đầu giai đoạn")
    p.add_argument("--to", dest="last_year", type=int, required=True, metavar="NĂM", help="năm cuối giai đoạn")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_review)


def cmd_review(args: argparse.Namespace) -> int:
    with opened(args):
        result = review(args.first_year, args.last_year)
    if args.json:
        print_json(result.to_json())
    else:
        print("\n".join(review_lines(result)))
    return 0


def percent(value: float | None) -> str:
    return "-" if value is None else f"{format_number(value * 100, 1)}%"


def _table(title: str, rows: dict[str, YearRow], width: int = 44) -> list[str]:
    lines = ["", title, f"  {'':<{width}} {'Đăng ký':>8} {'Công nhận':>10} {'Tỷ lệ':>7}"]
    for name, row in rows.items():
        lines.append(
            f"  {name[:width]:<{width}} {format_number(row.registered):>8} {format_number(row.recognised):>10} "
            f"{percent(row.rate):>7}"
        )
    return lines


def review_lines(r: PeriodReview) -> list[str]:
    """The review as plain text lines, section by section."""
    lines = [f"TỔNG KẾT GIAI ĐOẠN {r.title_span}"]
    by_year = {str(row.year): row for row in r.by_year}
    by_year["Cả giai đoạn"] = YearRow(0, r.registered, r.recognised)
    lines += _table("Số mô hình, điển hình theo năm", by_year, 14)
    lines += _table("Theo lĩnh vực (cả giai đoạn)", r.counts_by("field"))
    kinds = {domain.KIND_SHORT.get(k, k): row for k, row in r.counts_by("kind").items()}
    lines += _table("Theo loại (cả giai đoạn)", kinds)
    lines += _table("Theo loại đơn vị (cả giai đoạn)", r.counts_by("unit_kind"))
    lines += ["", "Chỉ tiêu đạt được theo loại chỉ tiêu"]
    for item in r.indicator_totals:
        years = "; ".join(f"{year}: {format_number(value)}" for year, value in item.by_year.items())
        lines.append(f"  {item.category} ({item.unit_of_measure}): {years}; cả giai đoạn: {format_number(item.total)}")
    lines += ["", f"Mô hình được công nhận nhiều năm liền ({len(r.repeated)})"]
    for repeated in r.repeated:
        years = ", ".join(str(y) for y in repeated.years)
        lines.append(f"  {repeated.name} — {repeated.unit or 'chưa ghi đơn vị'}: các năm {years}")
    for title, linked in (("Mô hình được duy trì", r.continued), ("Mô hình được nhân rộng", r.replicated)):
        lines += ["", f"{title} ({len(linked)})"]
        for source in linked:
            later = ", ".join(f"{f.year} ({f.unit or 'chưa ghi đơn vị'})" for f in source.followers)
            lines.append(f"  {source.name} — năm {source.year}, {source.unit or 'chưa ghi đơn vị'} → {later}")
    lines += ["", f"Đơn vị chưa có mô hình trong giai đoạn ({len(r.units_without_model)})"]
    lines += [f"  {name}" for name in r.units_without_model]
    lines += ["", f"Mô hình tiêu biểu theo điểm thẩm định (mỗi loại {r.top} mô hình cao điểm nhất)"]
    for kind in dict.fromkeys(m.kind for m in r.outstanding):
        lines.append(f"  {kind_title(kind)}")
        for position, m in enumerate((m for m in r.outstanding if m.kind == kind), start=1):
            lines.append(f"  {position:>3}. {format_number(m.mean, 2):>6}  {m.year}  {m.name} — {m.unit}")
    if not r.outstanding:
        lines.append("  (chưa có mô hình được công nhận nào có điểm thẩm định)")
    return lines
