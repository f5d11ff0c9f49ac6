"""``report KIND --year Y --out FILE.pdf`` and ``export KIND --year Y --out FILE.xlsx``."""
from __future__ import annotations

import argparse

from ..documents import DOCUMENTS, Options, build_excel, build_pdf
from ..services.models import id_for_uuid
from .common import opened


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=list(DOCUMENTS), metavar="KIND",
                        help="một trong: " + ", ".join(DOCUMENTS))
    parser.add_argument("--year", type=int, required=True, help="năm")
    parser.add_argument("--out", required=True, help="tệp kết quả")
    parser.add_argument("--model", metavar="UUID", help="mô hình (bắt buộc với dossier)")
    parser.add_argument("--group-by", choices=["field", "unit"], default="field",
                        help="danh sách đăng ký: nhóm theo lĩnh vực (field) hay đơn vị (unit)")
    parser.add_argument("--proposal", action="store_true", help="danh sách đề nghị công nhận (trước quyết định)")


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help="in tài liệu ra PDF")
    _common(p)
    p.add_argument("--style", choices=["dang", "nha_nuoc"], help="thể thức: Đảng (dang) hay Nhà nước (nha_nuoc)")
    p.add_argument("--blank", action="store_true", help="phiếu chấm điểm để trống (in ra giấy)")
    p.add_argument("--paper", choices=["A4", "A3"], default="A4", help="khổ giấy khen")
    p.set_defaults(handler=cmd_report)
    p = subparsers.add_parser("export", help="xuất danh sách ra Excel")
    _common(p)
    p.set_defaults(handler=cmd_export)


def _options(args: argparse.Namespace) -> Options:
    return Options(year=args.year, style=getattr(args, "style", None), group_by=args.group_by,
                   proposal=args.proposal, filled=not getattr(args, "blank", False),
                   paper=getattr(args, "paper", "A4"), model_id=id_for_uuid(args.model) if args.model else None)


def cmd_report(args: argparse.Namespace) -> int:
    with opened(args):
        path = build_pdf(args.kind, _options(args), args.out)
    print(f"Đã tạo {DOCUMENTS[args.kind].label}: {path}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    with opened(args):
        path = build_excel(args.kind, _options(args), args.out)
    print(f"Đã xuất {DOCUMENTS[args.kind].label} ra Excel: {path}")
    return 0
