"""``backup`` and ``restore``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..services.backup import create_backup, restore_backup
from ..storage.database import default_db_path, open_database
from .common import opened


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("backup", help="sao lưu toàn bộ dữ liệu vào một tệp .zip")
    p.add_argument("--out", required=True, help="tệp sao lưu cần tạo")
    p.set_defaults(handler=cmd_backup)
    p = subparsers.add_parser("restore", help="phục hồi dữ liệu từ một bản sao lưu")
    p.add_argument("file", help="tệp sao lưu .zip")
    p.set_defaults(handler=cmd_restore)


def cmd_backup(args: argparse.Namespace) -> int:
    with opened(args):
        path = create_backup(Path(args.out))
    print(f"Đã sao lưu vào {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    db_path = Path(args.db) if args.db else default_db_path()
    restore_backup(Path(args.file), db_path)
    open_database(db_path).close()  # migrates an older backup, checks it opens
    print(f"Đã phục hồi dữ liệu vào {db_path}")
    return 0
