"""``backup`` and ``restore``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import AppError
from ..services import autobackup
from ..services.backup import create_backup, restore_backup
from ..storage.database import default_db_path, open_database
from ..text import format_number
from .common import opened, print_json, writing


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("backup", help="sao lưu toàn bộ dữ liệu vào một tệp .zip; «backup list»: các bản sao lưu")
    p.add_argument("action", nargs="?", choices=["list"], help="list: liệt kê các bản sao lưu trong thư mục sao lưu")
    p.add_argument("--out", help="tệp sao lưu cần tạo")
    p.add_argument("--json", action="store_true", help="với list: in dạng JSON")
    p.set_defaults(handler=cmd_backup)
    p = subparsers.add_parser("restore", help="phục hồi dữ liệu từ một bản sao lưu")
    p.add_argument("file", help="tệp sao lưu .zip")
    p.set_defaults(handler=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    if args.action == "list":
        return cmd_backup_list(args)
    if not args.out:
        raise AppError("Thiếu --out TỆP (tệp sao lưu cần tạo); hoặc dùng «backup list» để xem các bản sao lưu.")
    with opened(args):
        path = create_backup(Path(args.out))
    print(f"Đã sao lưu vào {path}")
    return 0


def cmd_backup_list(args: argparse.Namespace) -> int:
    """Read-only: the folders come from the file without opening it for writing (it may be the damaged one)."""
    db_path = Path(args.db) if args.db else default_db_path()
    folders = autobackup.folders_for(db_path.expanduser().resolve())
    entries = autobackup.list_backups(folders)
    if args.json:
        print_json([entry.to_json() for entry in entries])
        return 0
    for entry in entries:
        models = f"{format_number(entry.models)} mô hình" if not entry.problem else f"LỖI: {entry.problem}"
        print(f"{entry.when_text}  {entry.size_text:>10}  {entry.reason_label:<30} {models}  {entry.path}")
    print(f"Tổng cộng: {format_number(len(entries))} bản sao lưu trong {'; '.join(str(f) for f in folders)}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else default_db_path()
    # Refused while a window (or another command) has the file: it would go on writing into the file
    # moved aside, and every later save would be lost.
    with writing(db_path, "restore"):
        _warn(autobackup.backup_closed_file(db_path, "phuc-hoi"))
        result = restore_backup(Path(args.file), db_path)
        open_database(db_path).close()  # migrates an older backup, checks it opens
    print(f"Đã phục hồi dữ liệu vào {result.path}")
    if result.safety_copy is not None:
        print(f"Dữ liệu trước khi phục hồi được giữ trong thư mục {result.safety_copy}")
    return 0


def _warn(outcome: autobackup.Outcome) -> None:
    """An automatic backup that was not made is said, on stderr, and the command goes on."""
    if outcome.warning:
        print(f"Lưu ý: {outcome.warning}", file=sys.stderr)
