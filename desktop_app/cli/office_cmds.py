"""``office``: the office's details, and its identity in each document style (Đảng, Nhà nước).

An office issues under its own system, and some under both: each style has its own issuing body,
signing authority, signer and number symbol.  Everything is saved through ``settings.save_office``,
so the command line refuses what the Cài đặt page refuses.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date
from typing import Any

from ..errors import AppError, ValidationError
from ..office import DECISION, STYLE_LABELS, STYLE_SECTIONS, Identity, OfficeInfo
from ..services import settings
from .common import opened, print_json

STYLES = tuple(STYLE_LABELS)  # "dang", "nha_nuoc"
# The identity's fields as the command line names them: option, field, label.
IDENTITY_OPTIONS = (
    ("--body", "issuing_body", "Cơ quan ban hành"),
    ("--superior", "superior_body", "Cơ quan cấp trên"),
    ("--authority", "signing_authority", "Thẩm quyền ký"),
    ("--signer-title", "signer_title", "Chức vụ người ký"),
    ("--signer", "signer_name", "Người ký"),
    ("--symbol", "symbol", "Ký hiệu cơ quan"),
)
IDENTITY_HELP = {
    "issuing_body": "tên cơ quan ban hành, ví dụ «HUYỆN ỦY LÂM HÀ» hoặc «ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ»",
    "superior_body": 'cơ quan cấp trên, ví dụ «ĐẢNG BỘ TỈNH LÂM ĐỒNG» ("" để bỏ)',
    "signing_authority": "thẩm quyền ký, ví dụ «T/M BAN THƯỜNG VỤ» hoặc «TM. ỦY BAN NHÂN DÂN»",
    "signer_title": "chức vụ người ký, ví dụ «PHÓ BÍ THƯ THƯỜNG TRỰC», «CHỦ TỊCH»",
    "signer_name": "họ tên người ký",
    "symbol": "ký hiệu cơ quan trong số văn bản: HU (125-QĐ/HU), UBND (125/QĐ-UBND)",
}
SHARED_LABELS = (
    ("place_name", "Địa danh"),
    ("area_name", "Địa bàn"),
    ("own_level", "Cấp của cơ quan"),
    ("current_year", "Năm hiện hành"),
)


def in_sentence(style: str) -> str:
    """ "thể thức văn bản của Đảng": only the first letter lowered, "Đảng" and "NĐ 30" keep their capitals."""
    section = STYLE_SECTIONS[style]
    return section[:1].lower() + section[1:]


FIRST_SETUP = 'office set-identity dang|nha_nuoc --body "…" --place "…"'


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "office",
        help="xem, sửa thông tin cơ quan và thông tin ban hành theo từng thể thức (Đảng, Nhà nước)",
        description="Không có thao tác: in thông tin cơ quan, kèm thông tin ban hành theo từng thể thức.",
    )
    p.add_argument("--json", action="store_true", help="in thông tin dạng JSON")
    p.set_defaults(handler=cmd_show)
    actions = p.add_subparsers(dest="office_action", metavar="[THAO_TÁC]", parser_class=type(p), title="thao tác")

    edit = actions.add_parser(
        "set",
        help="sửa thông tin chung của cơ quan (chỉ các mục được ghi)",
        description="Sửa thông tin chung; thông tin ban hành của từng thể thức sửa bằng «office set-identity».",
    )
    _add_shared(edit)
    edit.set_defaults(handler=cmd_set)

    identity = actions.add_parser(
        "set-identity",
        help="thêm hoặc sửa thông tin ban hành theo một thể thức (chỉ các mục được ghi)",
        description="Thêm hoặc sửa thông tin ban hành văn bản theo một thể thức. Lần đầu thiết lập tệp dữ liệu "
        "mới, ghi luôn --place (và các mục chung khác) trong cùng lệnh.",
    )
    identity.add_argument("style", metavar="THỂ_THỨC", choices=STYLES, help="dang (Đảng) hoặc nha_nuoc (Nhà nước)")
    for flag, key, _label in IDENTITY_OPTIONS:
        identity.add_argument(flag, dest=key, metavar="TEXT", help=IDENTITY_HELP[key])
    _add_shared(identity)
    identity.set_defaults(handler=cmd_set_identity)

    remove = actions.add_parser(
        "remove-identity",
        help="bỏ thông tin ban hành theo một thể thức (cơ quan không ban hành theo thể thức đó nữa)",
    )
    remove.add_argument("style", metavar="THỂ_THỨC", choices=STYLES, help="dang (Đảng) hoặc nha_nuoc (Nhà nước)")
    # Its own name: argparse lets a sub-command's defaults overwrite the parent's ``--json``.
    remove.add_argument("--json", dest="json_out", action="store_true", help="in thông tin sau khi sửa dạng JSON")
    remove.set_defaults(handler=cmd_remove_identity)


def _add_shared(p: argparse.ArgumentParser) -> None:
    p.add_argument("--place", metavar="TEXT", help="địa danh ở dòng «…, ngày … tháng … năm …», ví dụ «Lâm Hà»")
    p.add_argument("--area", metavar="TEXT", help="địa bàn trong câu «trên địa bàn …», ví dụ «huyện Lâm Hà»")
    p.add_argument(
        "--default-style", choices=STYLES, help="thể thức mặc định khi in: dang (Đảng) hoặc nha_nuoc (Nhà nước)"
    )
    p.add_argument("--year", type=int, metavar="NĂM", help="năm hiện hành (mặc định năm nay khi thiết lập lần đầu)")
    p.add_argument("--level", metavar="TEXT", help="cấp của cơ quan, ví dụ «Huyện»")
    p.add_argument("--json", dest="json_out", action="store_true", help="in thông tin sau khi sửa dạng JSON")


def _apply_shared(args: argparse.Namespace, office: OfficeInfo) -> OfficeInfo:
    """``office`` with the shared options given on the command line; the others stay as they are."""
    changes: dict[str, Any] = {}
    for option, key in (("place", "place_name"), ("area", "area_name"), ("level", "own_level")):
        if getattr(args, option) is not None:
            changes[key] = getattr(args, option)
    if args.default_style is not None:
        changes["document_style"] = args.default_style
    if args.year is not None:
        changes["current_year"] = args.year
    elif not office.current_year:  # a new file: the same default as the first-run form
        changes["current_year"] = date.today().year
    return replace(office, **changes)


def _save(office: OfficeInfo) -> OfficeInfo:
    try:
        return settings.save_office(office)
    except ValidationError as err:
        if err.key in ("issuing_body", "place_name") and not settings.is_configured():
            # A new file needs a place and an identity before anything else: say how, in one command.
            raise AppError(f"{err} Thiết lập lần đầu: {FIRST_SETUP}.") from None
        raise


def as_json(office: OfficeInfo) -> dict[str, Any]:
    return {**office.to_dict(), "styles": office.styles, "configured": settings.is_configured()}


def _print(office: OfficeInfo) -> None:
    for key, label in SHARED_LABELS:
        print(f"{label}: {getattr(office, key) or '(chưa nhập)'}")
    styles = office.styles
    if styles:
        print(f"Thể thức mặc định: {STYLE_LABELS[office.document_style]} [{office.document_style}]")
    else:
        print("Thể thức mặc định: (chưa có thể thức nào)")
    for code in STYLES:
        heading = f"{STYLE_SECTIONS[code]} [{code}]"
        if code not in styles:
            print(f"{heading}: chưa có — cơ quan không ban hành theo thể thức này (thêm: office set-identity {code} …)")
            continue
        issuer = office.issuer(code)
        print(f"{heading}:")
        for _flag, key, label in IDENTITY_OPTIONS:
            value = getattr(issuer.identity, key)
            if key == "symbol":
                value = f"{value or '(mặc định)'} — {issuer.number_line(DECISION, 125)}"
            print(f"  {label}: {value or '(để trống)'}")


def _report(args: argparse.Namespace, office: OfficeInfo, done: str) -> int:
    if args.json_out:
        print_json(as_json(office))
    else:
        print(done)
        _print(office)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    with opened(args):
        office = settings.get_office()
        configured = settings.is_configured()
        if args.json:
            print_json(as_json(office))
            return 0
    if not configured:
        print(f"Chưa nhập thông tin cơ quan. Thiết lập lần đầu: {FIRST_SETUP}")
        return 0
    _print(office)
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    with opened(args, writes="office set"):
        office = _save(_apply_shared(args, settings.get_office()))
        return _report(args, office, "Đã lưu thông tin cơ quan.")


def cmd_set_identity(args: argparse.Namespace) -> int:
    with opened(args, writes="office set-identity"):
        office = _apply_shared(args, settings.get_office())
        existing = office.identities.get(args.style)
        identity = replace(existing) if existing else Identity()
        for _flag, key, _label in IDENTITY_OPTIONS:
            if getattr(args, key) is not None:
                setattr(identity, key, getattr(args, key))
        if not identity.issuing_body.strip():
            # Saved without a body the identity would vanish silently: refuse, naming the option.
            raise ValidationError(
                "Cơ quan ban hành",
                f"chưa nhập tên cơ quan ban hành theo {in_sentence(args.style)} (--body «…»).",
                key="issuing_body",
            )
        if not office.styles and args.default_style is None:
            office.document_style = args.style  # the office's first identity is its default style
        office.identities = {**office.identities, args.style: identity}
        saved = _save(office)
        verb = "sửa" if existing else "thêm"
        return _report(args, saved, f"Đã {verb} thông tin ban hành theo {in_sentence(args.style)}.")


def cmd_remove_identity(args: argparse.Namespace) -> int:
    with opened(args, writes="office remove-identity"):
        office = settings.get_office()
        label = in_sentence(args.style)
        if args.style not in office.styles:
            raise AppError(f"Cơ quan chưa có thông tin ban hành theo {label}; không có gì để bỏ.")
        others = [code for code in office.styles if code != args.style]
        if not others:
            other = next(code for code in STYLES if code != args.style)
            raise AppError(
                "Không bỏ được: đây là thể thức duy nhất cơ quan dùng để ban hành văn bản. Thêm thể thức "
                f"còn lại trước (office set-identity {other} --body «…»)."
            )
        office.identities = {code: ident for code, ident in office.identities.items() if code != args.style}
        moved = office.document_style == args.style
        if moved:  # the default must be a style the office issues in: the one left
            office.document_style = others[0]
        saved = _save(office)
        done = f"Đã bỏ thông tin ban hành theo {label}."
        if moved:
            done += f" Thể thức mặc định chuyển sang {in_sentence(saved.document_style)}."
        return _report(args, saved, done)
