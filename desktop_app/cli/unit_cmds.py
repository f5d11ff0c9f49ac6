"""``units``: list the registering units, add one, edit one, with their kind and level.

Kinds and levels are typed as names, matched ignoring diacritics and case (``--kind "doan the"``);
an empty value (``--kind ""``) clears it.  A unit is named by its name or its UUID.
"""

from __future__ import annotations

import argparse
from typing import Any

from ..services import catalogues, units
from ..services.units import UnitInfo, UnitInput
from ..text import format_number
from .common import opened, print_json

NO_KIND = "chưa phân loại"
NO_LEVEL = "chưa có cấp"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "units",
        help="liệt kê, thêm, sửa đơn vị (loại đơn vị, cấp)",
        description="Không có thao tác: liệt kê các đơn vị theo cây, kèm loại đơn vị và cấp.",
    )
    p.add_argument("--json", action="store_true", help="in danh sách dạng JSON")
    p.set_defaults(handler=cmd_list)
    # The same parser class as the top level, so errors inside «units add» are Vietnamese too.
    actions = p.add_subparsers(dest="units_action", metavar="[THAO_TÁC]", parser_class=type(p), title="thao tác")

    add = actions.add_parser("add", help="thêm đơn vị")
    add.add_argument("name", metavar="TÊN", help="tên đơn vị")
    _add_fields(add)
    add.set_defaults(handler=cmd_add)

    edit = actions.add_parser("edit", help="sửa đơn vị (chỉ các mục được ghi)")
    edit.add_argument("unit", metavar="TÊN_HOẶC_UUID", help="tên hiện tại (không phân biệt dấu) hoặc mã UUID")
    edit.add_argument("--name", metavar="TÊN", help="tên mới")
    _add_fields(edit)
    edit.set_defaults(handler=cmd_edit)


def _add_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--kind", metavar="LOẠI", help='loại đơn vị, ví dụ «Hội cấp xã» ("" để bỏ)')
    p.add_argument("--level", metavar="CẤP", help='cấp, ví dụ «Cơ sở» ("" để bỏ)')
    p.add_argument("--parent", metavar="TÊN_HOẶC_UUID", help='đơn vị cấp trên ("" để không thuộc đơn vị nào)')
    p.add_argument("--address", metavar="ĐỊA_CHỈ", help="địa chỉ")
    p.add_argument("--note", metavar="GHI_CHÚ", help="ghi chú")
    # Its own name: argparse lets a sub-command's defaults overwrite the parent's ``--json``.
    p.add_argument("--json", dest="json_out", action="store_true", help="in đơn vị dạng JSON")


def _catalogue_id(catalogue: str, text: str) -> int | None:
    return catalogues.match(catalogue, text).id if text.strip() else None


def _parent_id(text: str) -> int | None:
    return units.lookup_unit(text).id if text.strip() else None


def _apply(args: argparse.Namespace, data: UnitInput) -> UnitInput:
    """Overwrite ``data`` with the options given on the command line; the others stay as they are."""
    if args.kind is not None:
        data.kind_id = _catalogue_id("unit_kind", args.kind)
    if args.level is not None:
        data.level_id = _catalogue_id("level", args.level)
    if args.parent is not None:
        data.parent_id = _parent_id(args.parent)
    if args.address is not None:
        data.address = args.address
    if args.note is not None:
        data.note = args.note
    return data


def _as_json(unit: UnitInfo, by_id: dict[int, UnitInfo]) -> dict[str, Any]:
    parent = by_id.get(unit.parent_id) if unit.parent_id else None
    return {
        "uuid": unit.uuid,
        "name": unit.name,
        "kind": unit.kind,
        "level": unit.level,
        "parent": parent.name if parent else "",
        "parent_uuid": parent.uuid if parent else "",
        "address": unit.address,
        "note": unit.note,
        "active": unit.active,
        "model_count": unit.model_count,
    }


def _describe(unit: UnitInfo) -> str:
    return f"{unit.name} — {unit.kind or NO_KIND}, {unit.level or NO_LEVEL}"


def cmd_list(args: argparse.Namespace) -> int:
    with opened(args):
        flat = units.list_units()
        roots = units.unit_tree()
    if args.json:
        by_id = {u.id: u for u in flat}
        print_json([_as_json(u, by_id) for u in flat])
        return 0

    def show(items: list[UnitInfo], depth: int) -> None:
        for unit in items:
            hidden = " (ngừng hoạt động)" if not unit.active else ""
            print("  " * depth + _describe(unit) + hidden)
            show(unit.children, depth + 1)

    show(roots, 0)
    print(f"Tổng cộng: {format_number(len(flat))} đơn vị.")
    return 0


def _report(args: argparse.Namespace, unit: UnitInfo, verb: str) -> int:
    if args.json_out:
        print_json(_as_json(unit, {u.id: u for u in units.list_units()}))
    else:
        print(f"Đã {verb} đơn vị: {_describe(unit)}.")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    with opened(args, writes="units add"):
        unit = units.save_unit(_apply(args, UnitInput(name=args.name)))
        return _report(args, unit, "thêm")


def cmd_edit(args: argparse.Namespace) -> int:
    with opened(args, writes="units edit"):
        current = units.lookup_unit(args.unit)
        data = _apply(args, current.to_input())
        if args.name is not None:
            data.name = args.name
        unit = units.save_unit(data, current.id)
        return _report(args, unit, "sửa")
