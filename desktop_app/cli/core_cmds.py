"""``init``, ``demo``, ``models`` and ``stats``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import domain, registration, workspace
from ..demo import load_demo
from ..documents.data import resolve_office
from ..services import statistics
from ..services.models import ModelFilter, indicators_of, list_models, registration_values
from ..storage.database import default_db_path
from ..storage.integrity import check_file
from ..text import format_number
from .common import opened, print_json, writing


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("init", help="tạo hoặc nâng cấp tệp dữ liệu, in đường dẫn")
    p.set_defaults(handler=cmd_init)

    p = subparsers.add_parser("check", help="kiểm tra tệp dữ liệu có bị hỏng không (không ghi gì vào tệp)")
    p.add_argument("--quick", action="store_true", help="kiểm tra nhanh (quick_check) thay cho kiểm tra đầy đủ")
    p.set_defaults(handler=cmd_check)

    p = subparsers.add_parser("demo", help="nạp dữ liệu mẫu (huyện Lâm Hà năm 2023) vào tệp --db")
    p.add_argument(
        "--demo-db",
        action="store_true",
        help=f"nạp vào tệp dữ liệu mẫu riêng ({workspace.DEMO_FILENAME}) bên cạnh tệp dữ liệu, "
        "như nút «Mở dữ liệu mẫu» của giao diện; tệp dữ liệu của cơ quan không bị đụng đến",
    )
    p.set_defaults(handler=cmd_demo)

    p = subparsers.add_parser("models", help="liệt kê mô hình, điển hình")
    p.add_argument("--year", type=int)
    p.add_argument("--search", default="", help="tìm theo tên, đơn vị, địa chỉ (không phân biệt dấu)")
    p.add_argument("--field", default="", help="lọc theo lĩnh vực (một phần tên)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_models)

    p = subparsers.add_parser("stats", help="thống kê một năm")
    p.add_argument("--year", type=int, required=True)
    p.add_argument(
        "--by-office", action="store_true", help="thêm bảng theo cơ quan cấp dưới gửi báo cáo (số mô hình, chỉ tiêu)"
    )
    p.add_argument(
        "--office",
        action="append",
        dest="offices",
        metavar="TÊN_HOẶC_UUID",
        help="chỉ tính mô hình do cơ quan này gửi lên («here»: của chính cơ quan); lặp lại để chọn nhiều cơ quan",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)


def cmd_init(args: argparse.Namespace) -> int:
    with opened(args, writes="init") as database:
        print(database.path)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Exit 0 on a sound file, 2 on damage or a file that is not ours; never opens it for writing."""
    path = Path(args.db) if args.db else default_db_path()
    report = check_file(path, full=not args.quick)
    if report.ok:
        print(f"Tệp dữ liệu «{path}» không có lỗi (lược đồ {report.version}).")
        return 0
    print(f"Tệp dữ liệu «{path}» có vấn đề:", file=sys.stderr)
    for problem in report.problems:
        print(f"  - {problem}", file=sys.stderr)
    print("Hãy phục hồi từ bản sao lưu gần nhất (Cài đặt › Phục hồi) và giữ lại tệp hỏng để kiểm tra.", file=sys.stderr)
    return 2


def cmd_demo(args: argparse.Namespace) -> int:
    if getattr(args, "demo_db", False):
        return _demo_file(args)
    with opened(args, writes="demo"):
        result = load_demo()
    print(
        f"Đã nạp dữ liệu mẫu năm {result.year}: thêm {result.models_added} mô hình, "
        f"{result.units_added} đơn vị (năm {result.year} có {result.models_total} mô hình)."
    )
    return 0


def _demo_file(args: argparse.Namespace) -> int:
    office = Path(args.db) if args.db else None
    # Taken first, so the demo file's lock names this command rather than a window.
    with writing(workspace.demo_path(office), "demo --demo-db"):
        database = workspace.switch_to_demo(office)
        try:
            result = workspace.fill_demo()
        finally:
            workspace.close()
    if result is None:
        print(f"Tệp dữ liệu mẫu đã có sẵn: {database.path}")
    else:
        print(
            f"Đã tạo tệp dữ liệu mẫu {database.path}: {result.models_added} mô hình, "
            f"{result.units_added} đơn vị (năm {result.year})."
        )
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    with opened(args):
        rows = list_models(ModelFilter(year=args.year, text=args.search, field_name=args.field))
        registered = registration_values([r.id for r in rows]) if args.json else {}
        indicators = indicators_of([r.id for r in rows]) if args.json else {}
    if args.json:
        # Every registration field of the registry, by its name, after what identifies the model.
        print_json(
            [
                {
                    "uuid": r.uuid,
                    "name": r.name,
                    "kind": r.kind,
                    "field": r.field,
                    "unit": r.unit,
                    "level": r.level,
                    "year": r.year,
                    "status": r.status,
                    "status_label": r.status_label,
                    **{spec.name: spec.to_json(registered[r.id][spec.name]) for spec in registration.FIELDS},
                    # What a script checks after an import: the results as stored, category by name.
                    "indicators": [
                        {
                            "name": i.name,
                            "category": i.category,
                            "unit": i.unit_of_measure,
                            "target": i.target,
                            "achieved": i.achieved,
                        }
                        for i in indicators[r.id]
                    ],
                }
                for r in rows
            ]
        )
        return 0
    for r in rows:
        print(f"{r.year}  {r.kind_label:<8} {r.status_label:<18} {r.name} — {r.unit or 'chưa có đơn vị'}")
    print(f"Tổng cộng: {format_number(len(rows))} mô hình, điển hình.")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with opened(args):
        offices = None if args.offices is None else tuple(dict.fromkeys(map(resolve_office, args.offices)))
        stats = statistics.year_stats(args.year, offices)
    if args.json:
        print_json(stats.to_json())
        return 0
    print(f"Năm {stats.year}: {format_number(stats.total)} mô hình, điển hình")
    print("Theo lĩnh vực:")
    for name, count in stats.by_field.items():
        print(f"  {name}: {count}")
    print("Theo loại:")
    for code, count in stats.by_kind.items():
        print(f"  {domain.kind_label(code)}: {count}")
    print("Theo trạng thái:")
    for code, count in stats.by_status.items():
        print(f"  {domain.status_label(code)}: {count}")
    print("Theo loại đơn vị:")
    for name, count in stats.by_unit_kind.items():
        print(f"  {name}: {count}")
    print("Kết quả vận động (theo loại chỉ tiêu):")
    for line in stats.indicators:
        amount = f"{format_number(line.total)} {line.unit_of_measure}"
        print(f"  {line.category}: {amount} ({format_number(line.models)} mô hình, điển hình)")
    if args.by_office:
        _print_by_office(stats)
    return 0


def _print_by_office(stats: statistics.YearStats) -> None:
    if not stats.by_office:
        print("Theo cơ quan gửi báo cáo: chưa có cơ quan cấp dưới nào trong danh mục.")
        return
    print("Theo cơ quan gửi báo cáo (đăng ký / công nhận):")
    for office in stats.by_office:
        print(f"  {office.name}: {format_number(office.registered)} / {format_number(office.recognised)}")
        for line in office.indicators:
            print(f"    {line.category}: {format_number(line.total)} {line.unit_of_measure}")
