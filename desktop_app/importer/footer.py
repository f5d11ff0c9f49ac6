"""What lies under a list rather than in it: the signature block, the place and date, notes."""

from __future__ import annotations

import re

from ..text import clean, fold

# Folded starts of the lines of a signature block: who signs ("NGƯỜI LẬP BIỂU", "TM. BAN THƯỜNG VỤ",
# "KT. CHỦ TỊCH"), the reminder to sign ("(Ký, ghi rõ họ tên)"), who receives copies ("Nơi nhận:").
_SIGNATURE = re.compile(
    r"^(nguoi lap( bieu)?|nguoi tong hop|nguoi ky|thu truong|(tm|kt|tl|tuq|q|t m) \w|(pho )?chu tich|(pho )?bi thu"
    r"|(pho )?truong ban|(pho )?truong phong|(pho )?giam doc|xac nhan|noi nhan|ky ghi ro|ky ten|ky va ghi"
    r"|ky dong dau|ky ho ten)"
)
# "Lâm Hà, ngày 15 tháng 3 năm 2024" and the blank form "…, ngày … tháng … năm …".
_PLACE_DATE = re.compile(r"\bngay( \d{1,2})? thang( \d{1,2})? nam( \d{4})?\b")
_NOTE = re.compile(r"^(ghi chu|chu thich|luu y)\b")


def is_footer(values: list[object]) -> bool:
    """A line of the block under the table: once met, the rest of the sheet is no longer the list.

    A row holding a number (its STT, an amount) is a data row whatever its words."""
    texts: list[str] = []
    for value in values:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return False
        text = clean(value) if value is not None else ""
        if text:
            texts.append(text)
    if not texts or len(texts) > 4:
        return False
    folded = [fold(t) for t in texts]
    # Short lines only: "Chủ tịch xã đối thoại với dân" is a model's name, "PHÓ CHỦ TỊCH UBND XÃ" a signer.
    if any((_SIGNATURE.match(f) and len(f.split()) <= 6) or _PLACE_DATE.search(f) for f in folded):
        return True
    # "Ghi chú: số liệu tính đến…" but not a lone "Ghi chú" heading inside a row of headings
    return bool(_NOTE.match(folded[0])) and (":" in texts[0][:14] or len(texts) == 1)
