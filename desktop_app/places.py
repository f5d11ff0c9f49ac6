"""Where the program keeps its data, logs and settings: the user's own folders, or beside the program.

An office that runs the program from a USB stick puts an empty ``portable.txt`` beside it (or sets
``DVK_PORTABLE=1``): everything then lives in ``du-lieu`` in the program's folder and moves with the
stick.  Otherwise the per-user folders (``%LOCALAPPDATA%\\SoDanVanKheo`` on Windows, XDG on Linux).
``DVK_DB`` still names the database itself either way (see :func:`desktop_app.storage.database.default_db_path`).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from platformdirs import user_cache_dir, user_data_dir

from . import APP_ID
from .errors import AppError

PORTABLE_MARKER = "portable.txt"
ENV_PORTABLE = "DVK_PORTABLE"
PORTABLE_DATA_FOLDER = "du-lieu"
SETTINGS_FILENAME = "cai-dat.ini"

MODE_LABELS = {
    "installed": "Bản cài đặt",
    "portable": "Bản chạy từ USB (portable)",
    "source": "Chạy từ mã nguồn",
}


def is_frozen() -> bool:
    """Running from the PyInstaller bundle rather than from the source tree."""
    return bool(getattr(sys, "frozen", False))


def program_dir() -> Path:
    """The folder the user sees as «the program»: the executable's when frozen, the checkout's root otherwise."""
    if is_frozen():
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def is_portable() -> bool:
    """``DVK_PORTABLE`` decides when set (1: portable, 0: not, whatever the marker says); else the marker file."""
    flag = os.environ.get(ENV_PORTABLE, "").strip().lower()
    if flag in ("1", "true", "yes"):
        return True
    if flag in ("0", "false", "no"):
        return False
    return (program_dir() / PORTABLE_MARKER).is_file()


def mode() -> str:
    """``portable``, ``installed`` (the frozen bundle) or ``source``; :data:`MODE_LABELS` says it in Vietnamese."""
    if is_portable():
        return "portable"
    return "installed" if is_frozen() else "source"


def data_dir() -> Path:
    """The folder of the database (unless ``DVK_DB`` says otherwise), the logs and, when portable, the settings."""
    if is_portable():
        return program_dir() / PORTABLE_DATA_FOLDER
    return Path(user_data_dir(APP_ID, appauthor=False, roaming=False))


def log_dir() -> Path:
    return data_dir() / "logs"


def cache_dir() -> Path:
    """Things the program can make again (the user guide built from source): never inside a portable stick."""
    return Path(user_cache_dir(APP_ID, appauthor=False))


def settings_file() -> Path | None:
    """The INI file of the window's settings when portable; None: the platform's own store (registry, ~/.config)."""
    return data_dir() / SETTINGS_FILENAME if is_portable() else None


def ensure_data_dir() -> Path:
    """Create the data folder and make sure it takes files; a portable copy on a read-only place is refused plainly."""
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # A folder can exist and still refuse new files (a write-protected stick, Program Files): try one.
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        if is_portable():
            raise AppError(
                f"Thư mục chương trình «{program_dir()}» không ghi được; chép chương trình sang ổ USB/ thư mục "
                f"ghi được hoặc xóa tệp {PORTABLE_MARKER}."
            ) from exc
        raise AppError(f"Không ghi được vào thư mục dữ liệu «{folder}» ({exc.strerror or exc}).") from exc
    return folder
