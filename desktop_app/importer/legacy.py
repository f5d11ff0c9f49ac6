"""Text typed in the old Vietnamese encodings, TCVN3 (ABC, fonts .VnTime) and VNI-Windows.

In an .xlsx such text is stored as the Latin-1 characters of its bytes ("B¶o Th¾ng",
"Xin chaøo"), so detection and conversion work on those characters.  Detection is
conservative: text holding any character beyond Latin-1 is already Unicode and is never
touched, and plain Latin text without the encodings' tell-tale marks stays as it is.
"""

from __future__ import annotations

import re
import unicodedata

# TCVN 5712 VN3 (ABC): lowercase letters and the capitals with hats; the other capitals
# were typed with a separate "H" font using the lowercase codes.
_TCVN3 = dict(
    zip(
        "¡¢£¤¥¦§¨©ª«¬\xad®µ¶·¸¹»¼½¾ÆÇÈÉÊËÌÎÏÐÑÒÓÔÕÖ×ØÜÝÞßáâãäåæçèéêëìíîïñòóôõö÷øùúûüýþ",
        "ĂÂÊÔƠƯĐăâêôơưđàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ",
    )
)
# Characters that practically never occur in Latin-1 text but are everywhere in TCVN3.
_TCVN3_SIGNS = set("¸µ¶·¹¨©ª«¬®»¼½¾Æ×Þ")

_TONES_VNI = {
    "ù": "\u0301",
    "ø": "\u0300",
    "û": "\u0309",
    "õ": "\u0303",
    "ï": "\u0323",
    "Ù": "\u0301",
    "Ø": "\u0300",
    "Û": "\u0309",
    "Õ": "\u0303",
    "Ï": "\u0323",
}
# VNI: a base letter followed by a mark character.  Hats and tones may be combined in one mark.
_VNI_PAIRS = {
    "â": ("\u0302", ""),
    "á": ("\u0302", "\u0301"),
    "à": ("\u0302", "\u0300"),
    "å": ("\u0302", "\u0309"),
    "ã": ("\u0302", "\u0303"),
    "ä": ("\u0302", "\u0323"),
    "ê": ("\u0306", ""),
    "é": ("\u0306", "\u0301"),
    "è": ("\u0306", "\u0300"),
    "ú": ("\u0306", "\u0309"),
    "ü": ("\u0306", "\u0303"),
    "ë": ("\u0306", "\u0323"),
}
_VNI_PAIRS.update({k.upper(): v for k, v in list(_VNI_PAIRS.items())})
_VNI_SINGLE = {
    "ô": "ơ",
    "ö": "ư",
    "Ô": "Ơ",
    "Ö": "Ư",
    "ñ": "đ",
    "Ñ": "Đ",
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
    "Í": "Í",
    "Ì": "Ì",
    "Æ": "Ỉ",
    "Ó": "Ĩ",
    "Ò": "Ị",
    "Î": "Ỵ",
}
_VNI_SIGN = re.compile(r"[aeouyAEOUY][øûõïåäëüØÛÕÏÅÄËÜ]|[ôöÔÖ][ùøûõïÙØÛÕÏ]|[aeoAEO][âáàåãäêéèúüëÂÁÀÅÃÄÊÉÈÚÜË]")


def _latin1_only(text: str) -> bool:
    return all(ord(ch) < 0x100 for ch in text)


def detect(text: str) -> str:
    """ "tcvn3", "vni" or "" (Unicode, or nothing to convert)."""
    if not text or _latin1_only(text) is False:
        return ""
    if any(ch in _TCVN3_SIGNS for ch in text):
        return "tcvn3"
    if _VNI_SIGN.search(text):
        return "vni"
    return ""


def from_tcvn3(text: str) -> str:
    return "".join(_TCVN3.get(ch, ch) for ch in text)


def from_vni(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if ch in "aeoAEO" and nxt in _VNI_PAIRS:
            hat, tone = _VNI_PAIRS[nxt]
            if hat == "\u0306" and ch not in "aA":  # the breve belongs to a only; "eê" is ê
                hat = "\u0302"
            out.append(unicodedata.normalize("NFC", ch + hat + tone))
            i += 2
        elif ch in "aeiouyAEIOUY" and nxt in _TONES_VNI:
            out.append(unicodedata.normalize("NFC", ch + _TONES_VNI[nxt]))
            i += 2
        elif ch in _VNI_SINGLE:
            base = _VNI_SINGLE[ch]
            if base in "ơưƠƯ" and nxt in _TONES_VNI:
                out.append(unicodedata.normalize("NFC", base + _TONES_VNI[nxt]))
                i += 2
                continue
            out.append(base)
            i += 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def to_unicode(text: str) -> tuple[str, str]:
    """The text in Unicode NFC, and the legacy encoding found ("" if none)."""
    encoding = detect(text)
    if encoding == "tcvn3":
        text = from_tcvn3(text)
    elif encoding == "vni":
        text = from_vni(text)
    return unicodedata.normalize("NFC", text), encoding
