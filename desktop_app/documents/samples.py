"""Regenerate the sample documents of the demo year in both styles: ``python -m desktop_app.documents.samples OUT``.

Writes a fresh demo database in OUT, issues the demo decision, attaches a sample photo to one
model, builds every PDF in the Party and the State style and every Excel twin, and, when
poppler's ``pdftoppm`` is installed, renders each page to PNG for looking at.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from ..office import STYLE_PARTY, STYLE_STATE
from . import DOCUMENTS, Options, build_excel, build_pdf

YEAR = 2023
STYLES = (STYLE_PARTY, STYLE_STATE)


def _sample_photo(folder: Path) -> Path | None:
    """A drawn picture standing in for a field photo (the seeds ship none)."""
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        return None
    image = Image.new("RGB", (1200, 800), (200, 225, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, 1200, 800), fill=(95, 150, 80))
    draw.polygon([(300, 520), (500, 330), (700, 520)], fill=(160, 70, 50))
    draw.rectangle((350, 520, 650, 700), fill=(235, 220, 190))
    draw.rectangle((470, 600, 530, 700), fill=(120, 80, 40))
    draw.ellipse((950, 80, 1070, 200), fill=(250, 210, 60))
    path = folder / "anh-hien-truong.jpg"
    image.save(path, quality=85)
    return path


def prepare(folder: Path, style: str = STYLE_PARTY) -> int:
    """A fresh demo database in ``folder`` with the decision issued in ``style``; returns the dossier model's id.

    The demo office issues in both styles, so each style's documents cite a decision of their own system.
    """
    from ..appraisal.decision import issue_decision
    from ..demo import load_demo
    from ..services import catalogues
    from ..services.attachments import add_attachment
    from ..services.models import ModelFilter, list_models
    from ..storage.database import open_database

    name = "mau.db" if style == STYLE_PARTY else f"mau_{style}.db"
    db_path = folder / name
    for old in folder.glob(f"{name}*"):
        if old.is_file():
            old.unlink()
    shutil.rmtree(folder / f"{name}.files", ignore_errors=True)
    open_database(db_path)
    catalogues.ensure_defaults()
    load_demo()
    issue_decision(YEAR, "125", date(2023, 12, 15), style=style)
    model = next(m for m in list_models(ModelFilter(year=YEAR)) if "phụ nữ nghèo" in m.name.lower())
    photo = _sample_photo(folder)
    if photo is not None:
        add_attachment(model.id, photo, "Nhà tình thương trao cho hộ nghèo")
    return model.id


def generate(folder: Path, *, render: bool = True) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for style in STYLES:
        model_id = prepare(folder, style)
        for code, kind in DOCUMENTS.items():
            options = Options(YEAR, style=style, model_id=model_id if kind.needs_model else None)
            written.append(build_pdf(code, options, folder / f"{code}_{style}.pdf"))
            if code == "recognition":
                written.append(build_pdf(code, replace(options, proposal=True), folder / f"proposal_{style}.pdf"))
            if code == "registrations":
                written.append(
                    build_pdf(code, replace(options, group_by="unit"), folder / f"registrations_by_unit_{style}.pdf")
                )
            if code == "scoresheets":
                written.append(
                    build_pdf(code, replace(options, filled=False), folder / f"scoresheets_blank_{style}.pdf")
                )
        for code, kind in DOCUMENTS.items():
            if kind.excel is not None:
                written.append(build_excel(code, Options(YEAR, style=style), folder / f"{code}_{style}.xlsx"))
    if render and shutil.which("pdftoppm"):
        for pdf in [p for p in written if p.suffix == ".pdf"]:
            subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(pdf.with_suffix(""))], check=True)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m desktop_app.documents.samples", description="Tạo lại các tài liệu mẫu của năm minh họa."
    )
    parser.add_argument("out", help="thư mục ghi tài liệu mẫu")
    parser.add_argument("--no-png", action="store_true", help="không chuyển trang PDF thành ảnh PNG")
    args = parser.parse_args(argv)
    written = generate(Path(args.out), render=not args.no_png)
    print(f"Đã tạo {len(written)} tệp trong {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
