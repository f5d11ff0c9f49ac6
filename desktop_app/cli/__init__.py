"""Command line: ``python -m desktop_app [--db PATH] COMMAND``.  Other tools call it, so it is stable.

Each command group lives in its own module exposing ``register(subparsers)``; a command's
handler takes the parsed arguments and returns the exit code.  Known errors print one
Vietnamese line on stderr; bugs are logged with their traceback and reported in one line.
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

from .. import APP_NAME, __version__, places
from ..errors import AppError
from ..logs import log_path, setup_logging

log = logging.getLogger("dvk.cli")


def command_modules() -> tuple[Any, ...]:
    """The command groups, in the order ``--help`` lists them.

    Imported here, not at the top: opening the window (no command) needs none of them, and they bring the
    readers and writers of Excel and PDF (half a second at every start).  Plain imports still: a missing module is
    an error at the first command, and PyInstaller sees every one of them without being told.
    """
    from . import (
        appraisal_cmds,
        backup_cmds,
        core_cmds,
        document_cmds,
        history_cmds,
        import_cmds,
        office_cmds,
        package_cmds,
        review_cmds,
        unit_cmds,
    )

    return (
        core_cmds,
        office_cmds,
        unit_cmds,
        backup_cmds,
        appraisal_cmds,
        document_cmds,
        import_cmds,
        package_cmds,
        history_cmds,
        review_cmds,
    )


class _Formatter(argparse.HelpFormatter):
    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        # argparse passes "" when it builds a subcommand's prog; only the real usage line gets the prefix.
        super().add_usage(usage, actions, groups, "Cách dùng: " if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse that speaks Vietnamese: usage, headings, help and errors."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "tham số"
        self._optionals.title = "tùy chọn"
        self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"Lỗi: lệnh không hợp lệ ({_vietnamese(message)}). Xem: python -m desktop_app --help\n")


# argparse's own error messages, as the user should read them.
_MESSAGES: tuple[tuple[str, Callable[[re.Match[str]], str]], ...] = (
    (
        r"argument (\S+): invalid choice: '?([^' ]*)'? \(choose from (.*)\)",
        lambda m: f"«{m[2]}» không hợp lệ cho {m[1]}; chọn một trong: {m[3].replace(chr(39), '')}",
    ),
    (r"argument (\S+): invalid int value: '?([^']*)'?", lambda m: f"{m[1]} phải là số nguyên, không phải «{m[2]}»"),
    (r"argument (\S+): expected one argument", lambda m: f"{m[1]} cần một giá trị"),
    (r"the following arguments are required: (.*)", lambda m: f"thiếu {m[1]}"),
    (r"unrecognized arguments: (.*)", lambda m: f"không hiểu tham số {m[1]}"),
)


def _vietnamese(message: str) -> str:
    for pattern, render in _MESSAGES:
        match = re.search(pattern, message)
        if match:
            return render(match)
    return message


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without ``commands`` only the options of opening the window (``--db``)."""
    parser = _Parser(prog="python -m desktop_app", description=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--db",
        metavar="PATH",
        help="tệp dữ liệu (mặc định: thư mục dữ liệu của người dùng, hoặc biến môi trường DVK_DB)",
    )
    if not commands:
        parser.set_defaults(command=None)
        return parser
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser, title="lệnh")
    for module in command_modules():
        module.register(subparsers)
    return parser


def _opens_window(argv: list[str]) -> bool:
    """No command, no help: only ``--db PATH`` (or nothing), as a shortcut or a double-click starts the program."""
    return not argv or (len(argv) == 2 and argv[0] == "--db") or (len(argv) == 1 and argv[0].startswith("--db="))


def main(argv: list[str] | None = None) -> int:
    setup_logging()
    given = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(commands=not _opens_window(given))
    args = parser.parse_args(given)
    if args.command is None:
        return _open_gui(args)
    try:
        if places.is_portable():  # a copy on a write-protected stick is told so before a command tries to write
            places.ensure_data_dir()
        return int(args.handler(args) or 0)
    except AppError as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Đã dừng theo yêu cầu.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: never a traceback on the console
        log.exception("command %s failed", args.command)
        print(
            f"Lỗi ngoài dự kiến khi chạy lệnh «{args.command}» ({type(exc).__name__}). "
            f"Chi tiết đã ghi vào {log_path()}.",
            file=sys.stderr,
        )
        return 1


def _open_gui(args: argparse.Namespace) -> int:
    from .. import workspace

    workspace.check_early(Path(args.db) if args.db else None)  # reads the file while Qt and the window load
    try:
        # Here, not at the top: the core and every command run without Qt, which only the GUI loads.
        from ui import app as gui
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("PySide6"):
            print(
                "Thiếu thư viện PySide6 để mở giao diện; hãy cài đặt theo hướng dẫn trong README.md.", file=sys.stderr
            )
            return 2
        raise
    return int(gui.run(Path(args.db) if args.db else None) or 0)
