"""Status, kind and document-style codes are written only in ``domain`` and ``office``; everyone else names them.

A code typed as a literal elsewhere ("tap_the", "dang") is a second definition: renaming the code in one place
would leave it silently behind.  The scan reads the sources with ``ast``, so only real string literals count
(not comments, and not identifiers that merely contain a code).
"""

from __future__ import annotations

import ast
from pathlib import Path

from desktop_app import domain, office

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("desktop_app", "ui")
# Where the codes are defined.
HOMES = {Path("desktop_app/domain.py"), Path("desktop_app/office.py")}
CODES = frozenset(domain.KINDS) | frozenset(domain.STATUSES) | frozenset(office.STYLE_LABELS)


def literal_codes(source: str) -> list[tuple[int, str]]:
    """(line, code) of every string literal in ``source`` that is exactly one of the codes, in source order.

    A piece of an f-string counts too: ``f"{x}tap_the"`` spells the code as surely as ``"tap_the"``.
    """
    hits = [
        (node.lineno, node.col_offset, node.value)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CODES
    ]
    return [(line, code) for line, _, code in sorted(hits)]


def test_codes_are_used_only_through_their_names():
    found = []
    for folder in SCANNED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if relative in HOMES:
                continue
            found += [f"{relative}:{line}: {code!r}" for line, code in literal_codes(path.read_text(encoding="utf-8"))]
    assert found == [], "dùng hằng số trong desktop_app/domain.py hoặc office.py thay cho:\n" + "\n".join(found)


def test_the_scan_sees_a_literal_code():
    source = (
        "from desktop_app import domain\n"
        'KIND = domain.KIND_COLLECTIVE  # "tap_the" in a comment is fine\n'
        "def f(row):\n"
        '    return row.kind == "ca_nhan" or row.style in {"dang", "nha_nuoc"} or f"{row}dang_ky"\n'
        'dang_ky_label = "Đăng ký"\n'
    )
    assert literal_codes(source) == [(4, "ca_nhan"), (4, "dang"), (4, "nha_nuoc"), (4, "dang_ky")]
    assert {domain.KIND_COLLECTIVE, domain.REGISTERED, office.STYLE_PARTY} <= CODES
