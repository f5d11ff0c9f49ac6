"""The user guide PDF with fresh screenshots: ``python -m ui.user_guide OUT.pdf [--shots DIR]``.

The screenshots are taken from the current screens on the demo data (:func:`ui.screenshots.save_screenshots`), so
the guide shows the program as it is; the text is ``resources/guide/huong-dan-su-dung.md``.  Everything runs in a
temporary home folder: the user's database, settings, logs and backups are never opened.  The PDF is written
through a temporary file, so a failed run leaves the previous guide in place.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

USER_FOLDER = "Nguyễn Văn A"  # the screenshots show a Vietnamese user's folder and name, as in an office
DEBUG_ENV = "DVK_DEBUG"  # set: a failure also prints its traceback


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]  # argparse's own words are English
        raise SystemExit(_fail(f"Cách dùng: python -m ui.user_guide TỆP.pdf [--shots THƯ_MỤC] ({message})", 2))


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def isolate(home: Path) -> None:
    """Point every per-user folder of this process at ``home``: the run never touches the user's own data.

    Set before Qt and the data-folder lookups start, which read these variables when first asked.
    """
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    for name, path in (
        ("HOME", home),
        ("USERPROFILE", home),
        ("XDG_DATA_HOME", home / ".local" / "share"),
        ("XDG_CONFIG_HOME", home / ".config"),
        ("XDG_CACHE_HOME", home / ".cache"),
        ("LOCALAPPDATA", home / "AppData" / "Local"),
        ("APPDATA", home / "AppData" / "Roaming"),
    ):
        os.environ[name] = str(path)
    for name in ("USER", "USERNAME", "LOGNAME"):
        os.environ[name] = USER_FOLDER
    os.environ.pop("DVK_DB", None)
    os.environ["DVK_PORTABLE"] = "0"  # not the program folder's data either, even with a portable.txt beside it


def make_guide(target: Path, shots: Path | None = None) -> Path:
    """Take the screenshots (into ``shots``, else a temporary folder) and write the guide PDF to ``target``."""
    from desktop_app import __version__
    from desktop_app.documents.guide import build_guide

    from .screenshots import save_screenshots
    from .worker import wait_all

    with tempfile.TemporaryDirectory(prefix="dvk-huong-dan-") as tmp:
        folder = shots if shots is not None else Path(tmp) / "hinh"
        save_screenshots(folder)
        wait_all()
        return build_guide(target, folder, version=__version__)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m ui.user_guide", description="Tạo tệp PDF hướng dẫn sử dụng.")
    parser.add_argument("out", type=Path, help="tệp PDF cần tạo")
    parser.add_argument("--shots", type=Path, help="giữ lại ảnh chụp màn hình trong thư mục này")
    args = parser.parse_args(argv)
    target = args.out.expanduser().resolve()
    shots = args.shots.expanduser().resolve() if args.shots else None
    from desktop_app.logs import setup_logging

    # The user's own log, opened before the folders are pointed away: a bug here is logged where bugs are looked for.
    setup_logging()
    with tempfile.TemporaryDirectory(prefix="dvk-nguoi-dung-") as home:
        isolate(Path(home) / USER_FOLDER)
        from desktop_app.errors import AppError

        try:
            path = make_guide(target, shots)
        except AppError as exc:
            return _fail(f"Không tạo được hướng dẫn sử dụng: {exc}")
        except Exception as exc:  # noqa: BLE001 - a bug: logged with its traceback, one line for the user
            from .errors import log_failure

            log_failure(exc, "Tạo hướng dẫn sử dụng")
            if os.environ.get(DEBUG_ENV):
                traceback.print_exc()
            return _fail(f"Không tạo được hướng dẫn sử dụng (lỗi ngoài dự kiến: {type(exc).__name__}: {exc}).")
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
