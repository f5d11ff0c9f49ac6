"""``scores export``, ``scores import`` and ``results``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..appraisal.results import by_kind, kind_title, results
from ..appraisal.workbook import export_workbook, import_workbook
from ..text import format_number
from .common import opened, print_json


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    scores = subparsers.add_parser("scores", help="bảng chấm điểm Excel của hội đồng")
    actions = scores.add_subparsers(dest="scores_command", metavar="export|import", title="thao tác")
    actions.required = True
    p = actions.add_parser("export", help="xuất bảng chấm điểm (mỗi thành viên một trang)")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(handler=cmd_export)
    p = actions.add_parser("import", help="nhập lại bảng chấm điểm đã điền")
    p.add_argument("file")
    p.add_argument("--keep-valid-sheets", action="store_true", help="lưu các trang không có ô sai")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import)
    p = subparsers.add_parser("results", help="kết quả chấm điểm của một năm")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_results)


def cmd_export(args: argparse.Namespace) -> int:
    with opened(args):
        path = export_workbook(args.year, Path(args.out))
    print(f"Đã xuất bảng chấm điểm năm {args.year}: {path}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    with opened(args, writes="scores import"):
        report = import_workbook(Path(args.file), keep_valid_sheets=args.keep_valid_sheets)
    if args.json:
        print_json(report.to_json())
    else:
        for refusal in report.refused:
            print(f"Trang «{refusal.sheet}», dòng {refusal.row}, cột {refusal.column}: {refusal.message}")
        print(f"Đã lưu {report.sheets_saved_count}/{report.sheets} trang.")
    return 0 if report.ok else 1


def cmd_results(args: argparse.Namespace) -> int:
    """Results one kind after the other: ranks are counted within a kind, so each kind has its own "1"."""
    with opened(args):
        sections = by_kind(results(args.year))
    if args.json:
        print_json([r.to_json() for _, items in sections for r in items])
        return 0
    for position, (kind, items) in enumerate(sections):
        if position:
            print()
        print(f"{kind_title(kind).upper()} ({len(items)}) – xếp hạng riêng")
        for r in items:
            mean = format_number(r.mean, 2) if r.mean is not None else "chưa đủ điểm"
            mark = "công nhận" if r.recognised else "không công nhận"
            print(f"{r.rank or '-':>3}. {mean:>12}  {r.grade:<10} {mark:<16} {r.name}")
    return 0
