"""``history``, ``delete``, ``trash``, ``undo`` and ``redo``: what changed, the trash, taking an action back."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from .. import domain
from ..errors import NotFoundError, ValidationError
from ..history import kinds, queries, record, trash, undo
from ..history.queries import HistoryEntry, HistoryFilter
from ..services.models import delete_models
from ..storage.models import MoHinh
from ..text import format_date, format_number, parse_date
from .common import opened, print_json

_FIELDS_SHOWN = 4  # changed fields named on an entry's line; more are counted


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "history",
        help="lịch sử thay đổi (ai, lúc nào, sửa gì), mới nhất trước",
        description="Lịch sử thay đổi của mọi bản ghi, mới nhất trước. Ngày ghi dạng dd/mm/yyyy.",
    )
    p.add_argument("--model", metavar="UUID", help="chỉ lịch sử của một mô hình, điển hình (cả phiếu chấm, điều chỉnh)")
    p.add_argument("--since", metavar="dd/mm/yyyy", help="từ ngày (tính cả ngày này)")
    p.add_argument("--until", metavar="dd/mm/yyyy", help="đến ngày (tính cả ngày này)")
    p.add_argument("--kind", choices=sorted(kinds.KINDS), help="loại bản ghi, ví dụ model, unit, council_member")
    p.add_argument("--action", choices=sorted(record.ACTIONS), help="thao tác: create, update, status, delete, restore")
    p.add_argument("--text", default="", help="tìm theo tên bản ghi, người sửa, thao tác (không phân biệt dấu)")
    p.add_argument("--limit", type=int, default=200, help="số dòng tối đa (mặc định 200)")
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=cmd_history)

    p = subparsers.add_parser(
        "delete",
        help="xóa mô hình, điển hình (chuyển vào thùng rác, khôi phục được)",
        description="Chuyển các mô hình, điển hình vào thùng rác cùng chỉ tiêu, minh chứng, điểm chấm của chúng.",
    )
    p.add_argument("uuids", metavar="UUID", nargs="+", help="mã UUID của mô hình, điển hình (xem lệnh models --json)")
    p.set_defaults(handler=cmd_delete)

    p = subparsers.add_parser(
        "trash",
        help="thùng rác: liệt kê, khôi phục, xóa hẳn",
        description="Không có thao tác: liệt kê những gì đang trong thùng rác, mới xóa nhất trước.",
    )
    p.add_argument("--json", action="store_true", help="in dạng JSON")
    p.set_defaults(handler=cmd_trash_list)
    actions = p.add_subparsers(dest="trash_action", metavar="[THAO_TÁC]", parser_class=type(p), title="thao tác")
    listing = actions.add_parser("list", help="liệt kê thùng rác")
    listing.add_argument("--json", dest="json_out", action="store_true", help="in dạng JSON")
    listing.set_defaults(handler=cmd_trash_list)
    restore = actions.add_parser("restore", help="khôi phục một bản ghi từ thùng rác")
    restore.add_argument("uuid", metavar="UUID", help="mã UUID của bản ghi đã xóa (xem trash list)")
    restore.set_defaults(handler=cmd_trash_restore)
    emptying = actions.add_parser("empty", help="xóa hẳn mọi thứ trong thùng rác (không khôi phục được nữa)")
    emptying.add_argument("--yes", action="store_true", help="xác nhận xóa hẳn")
    emptying.add_argument(
        "--expired", action="store_true", help="chỉ xóa những mục đã quá số ngày giữ trong thùng rác (Cài đặt)"
    )
    emptying.set_defaults(handler=cmd_trash_empty)

    for name, helptext in (
        ("undo", "hoàn tác thao tác hàng loạt gần nhất (đổi trạng thái, xóa, nhập Excel, chuyển năm…)"),
        ("redo", "làm lại thao tác vừa hoàn tác"),
    ):
        p = subparsers.add_parser(name, help=helptext, description=helptext[:1].upper() + helptext[1:] + ".")
        p.add_argument("--dry-run", action="store_true", help="chỉ cho biết sẽ làm gì, không thay đổi dữ liệu")
        p.add_argument("--json", action="store_true", help="in dạng JSON")
        p.set_defaults(handler=cmd_undo if name == "undo" else cmd_redo)


# ----------------------------------------------------------------- history


def _day(text: str | None, label: str) -> date | None:
    try:
        return parse_date(text)
    except ValueError as exc:
        raise ValidationError(label, f"{exc}; ghi theo dạng dd/mm/yyyy.") from None


def _value(kind: str, name: str, value: Any) -> str:
    if value is None or value == "":
        return "(trống)"
    if name == "status" and isinstance(value, str):
        return domain.status_label(value)
    if isinstance(value, list):
        return f"{format_number(len(value))} mục"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, (int, float)):
        return format_number(value)
    text = str(value)
    return f"«{text[:40]}…»" if len(text) > 40 else f"«{text}»"


def _summary(entry: HistoryEntry) -> str:
    if entry.action not in ("update", "status") or not entry.after:
        return ""
    kind = kinds.KINDS[entry.kind]
    before = entry.before or {}
    names = list(entry.after)
    parts = [
        f"{kind.label_of(n)}: {_value(entry.kind, n, before.get(n))} → {_value(entry.kind, n, entry.after.get(n))}"
        for n in names[:_FIELDS_SHOWN]
    ]
    if len(names) > _FIELDS_SHOWN:
        parts.append(f"và {format_number(len(names) - _FIELDS_SHOWN)} mục khác")
    return " — " + "; ".join(parts)


def _line(entry: HistoryEntry) -> str:
    when = f"{format_date(entry.time.date())} {entry.time:%H:%M}"
    undone = " (đã hoàn tác)" if entry.undone else ""
    who = entry.user or "không rõ người sửa"
    return f"{when}  {who}  {entry.action_label} {entry.kind_label.lower()} «{entry.label}»{_summary(entry)}{undone}"


def cmd_history(args: argparse.Namespace) -> int:
    if args.limit < 1:
        raise ValidationError("--limit", "phải là số dương.")
    flt = HistoryFilter(
        since=_day(args.since, "--since"),
        until=_day(args.until, "--until"),
        kinds=(args.kind,) if args.kind else (),
        actions=(args.action,) if args.action else (),
        text=args.text,
        model_uuid=args.model.strip() if args.model else None,
    )
    with opened(args):
        found = queries.entries(flt, limit=args.limit)
        total = queries.count(flt) if not args.json else len(found)
    if args.json:
        print_json([e.to_json() for e in found])
        return 0
    for entry in found:
        print(_line(entry))
    if not found:
        print("Không có thay đổi nào khớp điều kiện.")
    elif total > len(found):
        print(
            f"Hiện {format_number(len(found))} trong {format_number(total)} thay đổi (thêm --limit để xem nhiều hơn)."
        )
    return 0


# ----------------------------------------------------------------- delete, trash


def cmd_delete(args: argparse.Namespace) -> int:
    uuids = list(dict.fromkeys(u.strip() for u in args.uuids))
    with opened(args, writes="delete"):
        rows = {r.uuid: r for r in MoHinh.select(MoHinh.id, MoHinh.uuid, MoHinh.name).where(MoHinh.uuid.in_(uuids))}
        missing = [u for u in uuids if u not in rows]
        if missing:
            raise NotFoundError(f"Không tìm thấy mô hình, điển hình mã {', '.join(missing)}; chưa xóa gì.")
        count = delete_models([rows[u].id for u in uuids])
    names = ", ".join(f"«{rows[u].name}»" for u in uuids)
    print(f"Đã chuyển {format_number(count)} mô hình, điển hình vào thùng rác: {names}.")
    print("Khôi phục: trash restore UUID; hoàn tác cả lần xóa: undo.")
    return 0


def _trash_line(entry: trash.TrashEntry) -> str:
    when = f"{format_date(entry.deleted_at.date())} {entry.deleted_at:%H:%M}"
    year = f" ({entry.year})" if entry.year else ""
    details = f" — {entry.details}" if entry.details else ""
    who = f", người xóa: {entry.user}" if entry.user else ""
    return f"{when}  {entry.kind_label} «{entry.label}»{year}{details}{who}  [{entry.record_uuid}]"


def cmd_trash_list(args: argparse.Namespace) -> int:
    with opened(args):
        entries = trash.list_trash()
        days = trash.trash_days()
    if getattr(args, "json", False) or getattr(args, "json_out", False):
        print_json([e.to_json() for e in entries])
        return 0
    for entry in entries:
        print(_trash_line(entry))
    if not entries:
        print("Thùng rác trống.")
    else:
        print(f"Tổng cộng: {format_number(len(entries))} mục.")
    rule = f"tự động xóa hẳn sau {format_number(days)} ngày" if days else "không tự động xóa hẳn"
    print(f"Thùng rác {rule} (Cài đặt).")
    return 0


def cmd_trash_restore(args: argparse.Namespace) -> int:
    with opened(args, writes="trash restore"):
        label = trash.restore_uuid(args.uuid)
    print(f"Đã khôi phục từ thùng rác: {label}.")
    return 0


def cmd_trash_empty(args: argparse.Namespace) -> int:
    with opened(args, writes="trash empty"):
        if args.expired:
            count = trash.purge_expired()
            print(f"Đã xóa hẳn {format_number(count)} mục quá hạn khỏi thùng rác.")
            return 0
        waiting = len(trash.list_trash())
        if not waiting:
            print("Thùng rác trống.")
            return 0
        if not args.yes:
            raise ValidationError(
                "Xóa hẳn thùng rác",
                f"{format_number(waiting)} mục sẽ bị xóa hẳn, không khôi phục được nữa; "
                "chạy lại kèm --yes để xác nhận.",
            )
        count = trash.empty()
    print(f"Đã xóa hẳn {format_number(count)} mục khỏi thùng rác.")
    return 0


# ----------------------------------------------------------------- undo, redo


def _step_json(step: undo.UndoStep, *, dry_run: bool) -> dict[str, Any]:
    return {
        "batch": step.batch_id,
        "label": step.label,
        "action": step.action,
        "at": step.at.isoformat(sep=" "),
        "user": step.user,
        "records": step.records,
        "dry_run": dry_run,
    }


def _take_back(args: argparse.Namespace, *, redo: bool) -> int:
    name = "redo" if redo else "undo"
    with opened(args, writes=None if args.dry_run else name):
        act = undo.redo if redo else undo.undo
        step = act(dry_run=args.dry_run)
    if args.json:
        print_json(_step_json(step, dry_run=args.dry_run))
        return 0
    verb = "làm lại" if redo else "hoàn tác"
    records = f" ({format_number(step.records)} bản ghi)"
    if args.dry_run:
        print(f"Sẽ {verb}: {step.describe()}{records}. Chưa thay đổi gì (--dry-run).")
    else:
        print(f"Đã {verb}: {step.describe()}{records}.")
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    return _take_back(args, redo=False)


def cmd_redo(args: argparse.Namespace) -> int:
    return _take_back(args, redo=True)
