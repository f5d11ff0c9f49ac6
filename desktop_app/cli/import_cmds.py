"""``import FILE.xlsx [--year Y] [--dry-run] [--json]`` and ``template --out FILE.xlsx``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..importer import apply_plan, build_plan, write_template
from ..services import autobackup
from .common import opened, print_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("import", help="nhập danh sách đăng ký từ tệp Excel của đơn vị")
    p.add_argument("file", help="tệp .xlsx, .xls hoặc .ods")
    p.add_argument("--year", type=int, help="năm đăng ký (mặc định: cột «Năm» của tệp, rồi năm hiện hành)")
    p.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import)
    p = subparsers.add_parser("template", help="tạo mẫu Excel đăng ký để gửi các đơn vị")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_template)


def cmd_import(args: argparse.Namespace) -> int:
    with opened(args, writes=None if args.dry_run else "import"):
        plan = build_plan(Path(args.file), year=args.year)
        if not args.dry_run:
            warning = autobackup.try_automatic("nhap").warning
            if warning:  # the import goes on; the user is told there is no copy of the data before it
                print(f"Lưu ý: {warning}", file=sys.stderr)
        result = apply_plan(plan, dry_run=args.dry_run)
    rejected = [p.to_json() for row in plan.rejected for p in row.problems] + [p.to_json() for p in result.left_out]
    if args.json:
        print_json(
            {
                "imported": result.imported,
                "rejected": rejected,
                "mapping": plan.mapping_json(),
                "created_units": result.created_units,
                "duplicates": [{"sheet": r.sheet, "row": r.row, "name": r.name} for r in plan.duplicates],
                "legacy_encoding": plan.legacy_encoding,
                "warnings": plan.warnings,
                "dry_run": args.dry_run,
            }
        )
        return 0
    for item in rejected:
        print(
            f"Trang «{item['sheet']}», dòng {item['row']}"
            + (f", cột {item['column']}" if item["column"] else "")
            + f": {item['message']}"
        )
    for row in plan.duplicates:
        print(f"Trang «{row.sheet}», dòng {row.row}: trùng, bỏ qua — {row.name}")
    for warning in plan.warnings:
        print(f"Lưu ý: {warning}")
    verb = "Sẽ nhập" if args.dry_run else "Đã nhập"
    print(f"{verb} {result.imported} mô hình, điển hình; loại {len(rejected)} dòng; trùng {len(plan.duplicates)}.")
    if result.created_units:
        print(("Sẽ tạo" if args.dry_run else "Đã tạo") + " đơn vị mới: " + "; ".join(result.created_units))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    with opened(args):
        path = write_template(Path(args.out))
    print(f"Đã tạo mẫu đăng ký: {path}")
    return 0
