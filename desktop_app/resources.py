"""One way to find files under ``resources/``, from a checkout or a PyInstaller bundle."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def resources_dir() -> Path:
    """The ``resources`` folder: beside the packages in a checkout, inside ``_MEIPASS`` when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    path = resources_dir().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"Thiếu tệp tài nguyên của chương trình: {path}")
    return path


def load_json(*parts: str) -> Any:  # the shape is the caller's: each file has its own
    with resource_path(*parts).open(encoding="utf-8") as fh:
        return json.load(fh)


def guide_pdf() -> Path | None:
    """The user guide shipped with the bundle; None when running from source before it was built."""
    path = resources_dir() / "guide" / "huong-dan-su-dung.pdf"
    return path if path.is_file() else None
