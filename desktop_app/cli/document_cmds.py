"""``report KIND --year Y --out FILE.pdf`` and ``export KIND --year Y --out FILE.xlsx``.

The option flags are built from the documents' ``OptionSpec``s; a flag the chosen document does not take is
refused rather than silently ignored.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any, Literal

from ..documents import DOCUMENTS, DocumentKind, Options, OptionSpec, build_excel, build_pdf, option_specs
from ..documents.data import resolve_office
from ..errors import AppError
from ..services.models import id_for_uuid
from ..text import parse_date
from .common import opened

Format = Literal["pdf", "excel"]


def _kinds(fmt: Format) -> list[DocumentKind]:
    return [kind for kind in DOCUMENTS.values() if fmt == "pdf" or kind.excel is not None]


def cli_options(fmt: Format) -> tuple[OptionSpec, ...]:
    """The option flags of ``report`` (pdf) or ``export`` (excel): every option a document takes in that format."""
    taken = {spec for kind in _kinds(fmt) for spec in kind.takes(fmt)}
    return tuple(spec for spec in option_specs() if spec in taken)


def _add_option(parser: argparse.ArgumentParser, spec: OptionSpec, fmt: Format) -> None:
    # SUPPRESS: an option not given is absent from the namespace, so a given one can be checked against the kind.
    common: dict[str, Any] = {"dest": spec.key, "default": argparse.SUPPRESS}
    if spec.kind == "choice":
        parser.add_argument(spec.cli_flag, choices=spec.cli_choices, help=spec.cli_help, **common)
    elif spec.kind == "flag":
        parser.add_argument(spec.cli_flag, action="store_const", const=not spec.default, help=spec.cli_help, **common)
    elif spec.kind == "offices":  # repeatable: each names one office, resolved once the database is open
        parser.add_argument(spec.cli_flag, action="append", metavar="TÊN_HOẶC_UUID", help=spec.cli_help, **common)
    elif spec.kind == "year":
        parser.add_argument(spec.cli_flag, type=int, metavar="NĂM", help=spec.cli_help, **common)
    elif spec.kind == "date":
        parser.add_argument(spec.cli_flag, type=_day, metavar="dd/mm/yyyy", help=spec.cli_help, **common)
    else:
        needed = [kind.code for kind in _kinds(fmt) if kind.needs_model and spec in kind.takes(fmt)]
        text = spec.cli_help + (f"; bắt buộc với {', '.join(needed)}" if needed else "")
        parser.add_argument(spec.cli_flag, metavar="UUID", help=text, **common)


def _add_arguments(parser: argparse.ArgumentParser, fmt: Format) -> None:
    # Every kind, even for export: a PDF-only one is told so in words rather than by argparse.
    parser.add_argument("kind", choices=list(DOCUMENTS), metavar="KIND", help="một trong: " + ", ".join(DOCUMENTS))
    # Not required: a period review may be given by --from/--to alone (see _year).
    parser.add_argument("--year", type=int, help="năm (tổng kết giai đoạn: năm cuối, khi không có --to)")
    parser.add_argument("--out", required=True, help="tệp kết quả")
    for spec in cli_options(fmt):
        _add_option(parser, spec, fmt)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("report", help="in tài liệu ra PDF")
    _add_arguments(p, "pdf")
    p.set_defaults(handler=cmd_report)
    p = subparsers.add_parser("export", help="xuất danh sách ra Excel")
    _add_arguments(p, "excel")
    p.set_defaults(handler=cmd_export)


def _given(args: argparse.Namespace, fmt: Format) -> dict[str, object]:
    """The options given on the command line, checked against what the chosen document takes."""
    kind = DOCUMENTS[args.kind]
    given = {spec: getattr(args, spec.key) for spec in cli_options(fmt) if hasattr(args, spec.key)}
    stray = [spec.cli_flag for spec in given if spec not in kind.takes(fmt)]
    if stray:
        takes = ", ".join(spec.cli_flag for spec in kind.takes(fmt)) or "không có"
        raise AppError(f"«{kind.label}» ({kind.code}) không dùng {', '.join(stray)}; tùy chọn dùng được: {takes}.")
    return {spec.key: value for spec, value in given.items()}


def _day(text: str) -> date:
    try:
        day = parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if day is None:
        raise argparse.ArgumentTypeError("cần một ngày dd/mm/yyyy")
    return day


def _year(args: argparse.Namespace, values: dict[str, object]) -> int:
    """``--year``, or for a review given by its span alone, its last (else first) year."""
    if args.year is not None:
        return int(args.year)
    for key in ("last_year", "first_year"):
        value = values.get(key)
        if isinstance(value, int):
            return value
    kind = DOCUMENTS[args.kind]
    spans = [spec.cli_flag for spec in kind.options if spec.kind == "year"]
    raise AppError(f"«{kind.label}» cần --year" + (f" (hoặc {' / '.join(spans)})." if spans else "."))


def _options(args: argparse.Namespace, values: dict[str, object]) -> Options:
    """Needs the database open: a model is named by its UUID and built by its id, an office by its name or UUID."""
    values = {key: id_for_uuid(str(value)) if key == "model_id" else value for key, value in values.items()}
    if "offices" in values:
        named = values["offices"]
        assert isinstance(named, list)  # argparse's "append"
        values["offices"] = tuple(dict.fromkeys(resolve_office(str(text)) for text in named))
    return DOCUMENTS[args.kind].make_options(_year(args, values), values)


def cmd_report(args: argparse.Namespace) -> int:
    values = _given(args, "pdf")
    _year(args, values)  # a missing year is told before the database is touched
    with opened(args):
        path = build_pdf(args.kind, _options(args, values), args.out)
    print(f"Đã tạo {DOCUMENTS[args.kind].label}: {path}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    values = _given(args, "excel")
    _year(args, values)
    with opened(args):
        path = build_excel(args.kind, _options(args, values), args.out)
    print(f"Đã xuất {DOCUMENTS[args.kind].label} ra Excel: {path}")
    return 0
