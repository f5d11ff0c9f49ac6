"""One rotating log file in the user's data folder; the error dialog tells the user where it is."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from . import places

_configured: Path | None = None
_handler: logging.Handler | None = None


def log_path() -> Path:
    return places.log_dir() / "so-dan-van-kheo.log"


def setup_logging(level: int = logging.INFO) -> Path:
    """Idempotent for one data folder; returns the log file path.

    When the data folder has changed since the last call (tests give each test its own home
    folder) the handler moves to the new file, so ``log_path()`` always names the file written.
    """
    global _configured, _handler
    path = log_path()
    if _configured == path:
        return path
    root = logging.getLogger("dvk")
    root.setLevel(level)
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    _configured, _handler = path, handler
    return path
