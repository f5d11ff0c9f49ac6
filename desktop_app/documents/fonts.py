"""The serif font of official documents: Liberation Serif (metric-compatible with Times New Roman).

Registered once and embedded in every PDF; registration fails loudly if a Vietnamese
letter has no glyph, so nothing silently falls back to a font without diacritics.
"""

from __future__ import annotations

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ..resources import resource_path

FAMILY = "DVKSerif"
FILES = {
    "": "LiberationSerif-Regular.ttf",
    "-Bold": "LiberationSerif-Bold.ttf",
    "-Italic": "LiberationSerif-Italic.ttf",
    "-BoldItalic": "LiberationSerif-BoldItalic.ttf",
}
VIETNAMESE = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ“”–…«»№"
_registered = False


def register_fonts() -> str:
    """Register the family (idempotent) and return its regular font name."""
    global _registered
    if _registered:
        return FAMILY
    for suffix, filename in FILES.items():
        font = TTFont(FAMILY + suffix, str(resource_path("fonts", filename)))
        missing = [ch for ch in VIETNAMESE + VIETNAMESE.upper() if ord(ch) not in font.face.charToGlyph]
        if missing:
            raise RuntimeError(f"font {filename} lacks glyphs: {''.join(missing)}")
        pdfmetrics.registerFont(font)
    addMapping(FAMILY, 0, 0, FAMILY)
    addMapping(FAMILY, 1, 0, FAMILY + "-Bold")
    addMapping(FAMILY, 0, 1, FAMILY + "-Italic")
    addMapping(FAMILY, 1, 1, FAMILY + "-BoldItalic")
    _registered = True
    return FAMILY
