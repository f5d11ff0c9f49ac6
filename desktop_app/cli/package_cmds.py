"""``package export|import|offices``: a year sent upward as one ``.dvk`` file, merged at the office above."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from ..exchange import merge, offices
from ..exchange.export import export_package
from ..text import format_date, format_number
from .common import opened, print_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "package",
        help="gói báo cáo gửi lên cấp trên (.dvk): tạo, nhận, danh sách cơ quan gửi",
        description="Trao đổi dữ liệu giữa các cấp không cần Internet: một tệp .dvk chép qua USB, thư điện tử, Zalo.",
    )
    actions = p.add_subparsers(dest="package_action", metavar="THAO_TÁC", parser_class=type(p), title="thao tác")
    actions.required = True

    e = actions.add_parser("export", help="tạo gói báo cáo một năm để gửi lên cấp trên")
    e.add_argument("--year", type=int, required=True, help="năm đăng ký")
    e.add_argument("--out", required=True, metavar="FILE.dvk", help="tệp gói sẽ ghi")
    e.add_argument(
        "--model", action="append", metavar="UUID", help="chỉ gửi mô hình này (lặp lại để chọn nhiều; mặc định: cả năm)"
    )
    e.add_argument("--json", action="store_true", help="in dạng JSON")
    e.set_defaults(handler=cmd_export)

    i = actions.add_parser("import", help="nhận gói báo cáo của cơ quan cấp dưới (xem trước với --dry-run)")
    i.add_argument("file", metavar="FILE.dvk", help="tệp gói nhận được")
    i.add_argument("--dry-run", action="store_true", help="chỉ xem trước, không ghi gì")
    i.add_argument("--json", action="store_true", help="in dạng JSON")
    i.add_argument(
        "--accept",
        action="append",
        default=[],
        metavar="UUID",
        help="nhận bản trong gói cho mô hình xung đột này (lặp lại được; mặc định giữ bản ở đây)",
    )
    i.add_argument("--accept-all", action="store_true", help="nhận bản trong gói cho mọi mô hình xung đột")
    i.set_defaults(handler=cmd_import)

    o = actions.add_parser("offices", help="các cơ quan gửi báo cáo và gói mỗi nơi đã gửi trong năm")
    o.add_argument("--year", type=int, help="năm (mặc định: năm hiện tại)")
    o.add_argument("--all", action="store_true", help="cả cơ quan đã ngừng theo dõi")
    o.add_argument("--json", action="store_true", help="in dạng JSON")
    o.set_defaults(handler=cmd_offices)


def cmd_export(args: argparse.Namespace) -> int:
    # A writer: the first package of a database gives it its sender uuid (a setting).
    with opened(args, writes="package export"):
        result = export_package(Path(args.out), year=args.year, model_uuids=args.model)
    if args.json:
        print_json(
            {
                "path": str(result.path),
                "models": result.models,
                "attachments": result.attachments,
                "files": result.files,
                "size": result.size,
                "missing": list(result.missing),
            }
        )
        return 0
    print(
        f"Đã tạo gói «{result.path}»: {format_number(result.models)} mô hình, điển hình, "
        f"{format_number(result.attachments)} tệp minh chứng ({format_number(result.size / 1024**2, 1)} MB)."
    )
    if result.missing:
        print(f"Lưu ý: {format_number(len(result.missing))} tệp minh chứng không còn trong thư mục dữ liệu, không gửi.")
    print("Gửi tệp này lên cấp trên qua USB, thư điện tử hoặc Zalo; cấp trên nhận bằng lệnh «package import».")
    return 0


_WORDS = {
    "added": "mới",
    "updated": "cập nhật",
    "unchanged": "không đổi",
    "conflicts": "xung đột",
    "rejected": "bị từ chối",
    "removed": "chuyển vào thùng rác",
}


def _print_counts(prefix: str, counts: dict[str, int]) -> None:
    print(prefix + "; ".join(f"{format_number(counts[key])} {word}" for key, word in _WORDS.items()) + ".")


def cmd_import(args: argparse.Namespace) -> int:
    with opened(args, writes=None if args.dry_run else "package import"):
        plan = merge.plan_merge(Path(args.file))
        accept = [i.uuid for i in plan.conflicts()] if args.accept_all else list(args.accept)
        if args.dry_run:
            if accept:  # the same check the real run makes, so a wrong uuid is said before it is run
                unknown = sorted(set(accept) - {i.uuid for i in plan.conflicts()})
                if unknown:
                    print(f"Lưu ý: mã «{unknown[0]}» không phải một mô hình xung đột của gói.", file=sys.stderr)
            if args.json:
                print_json(plan.to_json())
                return 0
            _describe(plan)
            return 0
        result = merge.apply_merge(plan, accept=accept)
    if args.json:
        print_json(result.to_json())
        return 0
    _describe(plan, done=True)
    _print_counts("Không ghi gì thêm: " if result.batch is None else "Đã nhận: ", result.counts)
    if result.backup is not None:
        print(f"Đã sao lưu trước khi nhận: {result.backup}")
    return 0


def _describe(plan: merge.MergePlan, *, done: bool = False) -> None:
    sender = plan.package.manifest.office
    added = "đã thêm" if done else "sẽ thêm"
    known = f"«{plan.office.name}»" if plan.office else f"«{sender.name}» (cơ quan mới, {added} vào danh mục)"
    print(f"Gói «{plan.file_name}» của {known}, năm {plan.year}.")
    if not done:
        _print_counts("Sẽ nhận: ", plan.counts())
    for item in plan.items:
        if item.status == "conflict":
            print(f"Xung đột — {item.name} [{item.uuid}]:")
            for diff in item.differences:
                print(f"  {diff.label}: ở đây «{diff.local}» — trong gói «{diff.incoming}»")
        elif item.status == "rejected":
            print(f"Từ chối — {item.name}: {item.reason}")
    for warning in plan.warnings:
        print(f"Lưu ý: {warning}")


def cmd_offices(args: argparse.Namespace) -> int:
    year = args.year or date.today().year
    with opened(args):
        status = offices.office_status(year, include_inactive=args.all)
    if args.json:
        print_json({"year": year, "offices": [s.to_json() for s in status]})
        return 0
    if not status:
        print("Chưa có cơ quan nào gửi báo cáo (danh mục «Cơ quan gửi báo cáo» trống).")
        return 0
    for entry in status:
        office = entry.office
        where = f" ({office.area_name})" if office.area_name else ""
        if entry.package is None:
            sent = f"chưa gửi gói năm {year}"
        else:
            sent = (
                f"đã gửi: {format_number(entry.package.models)} mô hình, nhận ngày "
                f"{format_date(entry.package.received_at.date())} (tệp «{entry.package.file_name}»)"
            )
        print(f"{office.name}{where}: {sent}" + ("" if office.active else " [ngừng theo dõi]"))
    sent_count = sum(1 for s in status if s.sent)
    print(f"Năm {year}: {format_number(sent_count)}/{format_number(len(status))} cơ quan đã gửi.")
    return 0
