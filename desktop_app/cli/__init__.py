"""Command line: ``python -m desktop_app [--db PATH] COMMAND``.  Other tools call it, so it is stable.

Each command group lives in its own module exposing ``register(subparsers)``; a command's
handler takes the parsed arguments and returns the exit code.  Known errors print one
Vietnamese line on stderr; bugs are logged with their traceback and reported in one line.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from pathlib import Path

from .. import APP_NAME, __version__
from ..errors import AppError
from ..logs import setup_logging

log = logging.getLogger("dvk.cli")

# One line per command group; a module missing from this checkout is skipped.
COMMAND_MODULES = (
    "desktop_app.cli.core_cmds",
)


class _Parser(argparse.ArgumentParser):
    """argparse that speaks Vietnamese when the user typed something wrong."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: lệnh không hợp lệ ({message}). Xem: python -m desktop_app --help\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m desktop_app", description=f"{APP_NAME} {__version__}",
                     add_help=True)
    parser.add_argument("--db", metavar="PATH", help="tệp dữ liệu (mặc định: thư mục dữ liệu của người dùng, "
                                                     "hoặc biến môi trường DVK_DB)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return _open_gui(args)
    try:
        return int(args.handler(args) or 0)
    except AppError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: never a traceback on the console
        log.exception("command %s failed", args.command)
        from ..logs import log_path
        print(f"Lỗi ngoài dự kiến khi chạy lệnh «{args.command}» ({type(exc).__name__}). "
              f"Chi tiết đã ghi vào {log_path()}.", file=sys.stderr)
        return 1


def _open_gui(args: argparse.Namespace) -> int:
    try:
        gui = importlib.import_module("ui.app")
    except ModuleNotFoundError as exc:
        if exc.name in ("ui", "ui.app"):
            print("Giao diện đồ họa chưa có trong bản này; hãy dùng các lệnh (xem --help).", file=sys.stderr)
            return 2
        if exc.name and exc.name.startswith("PySide6"):
            print("Thiếu thư viện PySide6 để mở giao diện; hãy cài đặt theo hướng dẫn trong README.md.",
                  file=sys.stderr)
            return 2
        raise
    return int(gui.run(Path(args.db) if args.db else None) or 0)
