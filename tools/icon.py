"""Draws the application icon: ``python -m tools.icon`` writes resources/icons/app.png and app.ico.

A red rounded square (the movement's banner colour) with a yellow five-pointed star above an open book: the
register the clerk keeps.  Large sizes are drawn at 4x and scaled down for smooth edges; 16-32 px get a bolder
drawing of their own (bigger star, thicker book, no gutter) so the icon stays legible in a taskbar or a file list.
The outputs are committed; rerun this after changing the drawing.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from PIL import Image, ImageDraw

ICON_DIR = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZE = 256
SMALL_LIMIT = 32  # at or below this many pixels the bold drawing is used

RED = (200, 16, 46, 255)
DARK_RED = (150, 10, 32, 255)
YELLOW = (255, 209, 0, 255)
PAGE = (255, 248, 225, 255)
PAGE_EDGE = (235, 200, 120, 255)
_SUPERSAMPLE = 4


def _star(cx: float, cy: float, outer: float, inner_ratio: float = 0.382) -> list[tuple[float, float]]:
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else outer * inner_ratio
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    return points


def _book(draw: ImageDraw.ImageDraw, s: float, bold: bool) -> None:
    """An open book seen from the front: two pages whose top edges rise from the spine, on a red gutter."""
    left, right, mid = 0.17 * s, 0.83 * s, 0.5 * s
    top_outer, top_spine = (0.62 if bold else 0.64) * s, (0.68 if bold else 0.69) * s
    bottom_outer, bottom_spine = (0.86 if bold else 0.83) * s, 0.89 * s if bold else 0.87 * s
    gap = 0.0 if bold else 0.012 * s
    for side in (-1, 1):
        outer_x = left if side < 0 else right
        spine_x = mid + side * gap
        # The top edge bows upward a little between spine and outer corner, as a page lying open does.
        bow_x = mid + side * 0.18 * s
        page = [
            (spine_x, top_spine),
            (bow_x, top_outer - 0.025 * s),
            (outer_x, top_outer),
            (outer_x, bottom_outer),
            (bow_x, bottom_outer - 0.01 * s),
            (spine_x, bottom_spine),
        ]
        draw.polygon(page, fill=PAGE)
        if not bold:
            # Three text lines on each page, in the page-edge colour.
            for k in range(3):
                y = top_outer + (0.05 + 0.045 * k) * s
                x0, x1 = (outer_x + side * -0.05 * s, spine_x + side * 0.05 * s)
                draw.line([(x0, y + 0.01 * s), (x1, y + 0.035 * s)], fill=PAGE_EDGE, width=max(1, round(0.018 * s)))


def draw_icon(size: int) -> Image.Image:
    """The icon at ``size`` x ``size`` pixels, RGBA."""
    bold = size <= SMALL_LIMIT
    s = size * _SUPERSAMPLE
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    margin = 0 if bold else round(0.03 * s)
    radius = round((0.18 if bold else 0.2) * s)
    draw.rounded_rectangle([margin, margin, s - 1 - margin, s - 1 - margin], radius=radius, fill=DARK_RED)
    inset = margin + max(_SUPERSAMPLE, round(0.02 * s))
    draw.rounded_rectangle([inset, inset, s - 1 - inset, s - 1 - inset], radius=radius - (inset - margin), fill=RED)
    star_cy, star_r = (0.33 * s, 0.27 * s) if bold else (0.35 * s, 0.25 * s)
    draw.polygon(_star(0.5 * s, star_cy, star_r), fill=YELLOW)
    _book(draw, s, bold)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def write_icons(folder: Path = ICON_DIR) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    png, ico = folder / "app.png", folder / "app.ico"
    draw_icon(PNG_SIZE).save(png, optimize=True)
    images = [draw_icon(size) for size in ICO_SIZES]
    # Each size is its own drawing (append_images), not the 256 px one scaled down by Pillow.
    images[-1].save(ico, format="ICO", sizes=[(n, n) for n in ICO_SIZES], append_images=images[:-1])
    return png, ico


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.icon", description="Vẽ biểu tượng của chương trình.")
    parser.add_argument("--out", type=Path, default=ICON_DIR, help="thư mục ghi app.png và app.ico")
    args = parser.parse_args(argv)
    for path in write_icons(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
