"""Writing output files whole or not at all; the file-system failures a user can fix, said once; leftovers.

Every writer of the core that meets an ``OSError`` passes it through :func:`translate_os_error` (or the
:func:`os_errors` block): a full disk, a read-only drive, a file open in Excel, a folder where a file
is expected, a name too long become one Vietnamese sentence, logged once with its cause.  Anything
else is a bug and goes through unchanged.
"""

from __future__ import annotations

import errno
import logging
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import AppError

log = logging.getLogger("dvk.fileio")

PARTIAL_SUFFIX = ".tmp"  # replacing() writes X.xlsx as X.xlsx.tmp first

# What a killed job leaves beside the database, removed by sweep_leftovers() at the next start.  Only names
# our own writers make: the data folder may be the user's Documents, whose other *.tmp are not ours to touch.
# A writer with a new kind of temporary name adds its pattern here (files and folders alike).
LEFTOVER_PATTERNS: list[str] = [
    f"*.{ext}{PARTIAL_SUFFIX}" for ext in ("xlsx", "pdf", "zip", "db", "docx", "csv", "json", "txt")
] + [
    "*.dvk-tam",  # backup and restore work (storage.restore_journal.TEMP_SUFFIX): snapshot and staging folders
]
# While one of these is beside the database a restore may still need its staging folder: sweep nothing then
# (storage.restore_journal.recover finishes or rolls it back and removes the journal first).
JOURNAL_PATTERNS: list[str] = ["*.phuc-hoi.json"]


class FileWriteError(AppError):
    """A file or folder could not be written for a reason the user can fix; ``cause`` is the OS error."""

    def __init__(self, message: str, cause: OSError) -> None:
        super().__init__(message)
        self.cause = cause


_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NO_RIGHTS = {errno.EACCES, errno.EPERM}


def translate_os_error(exc: OSError, path: Path | str, action: str = "ghi") -> FileWriteError | None:
    """The user's sentence for a known file-system failure while ``action`` (a verb: "ghi", "sao lưu",
    "phục hồi"…) on ``path``; None when the failure is not one the user can fix (a bug: let it through).

    The sentence names the file the user chose, never our temporary ``X.tmp`` beside it.  Each known
    failure is logged here, with its cause, so that callers do not log it again.
    """
    path = Path(path)
    shown = path.name or str(path)
    number = exc.errno
    if isinstance(exc, PermissionError) and number is None:
        number = errno.EACCES
    if number in _DISK_FULL:
        message = f"Ổ đĩa đã đầy, không {action} được «{shown}». Hãy giải phóng dung lượng rồi thử lại."
    elif number == errno.EROFS:
        message = (
            f"Không {action} được «{shown}»: ổ đĩa hoặc thư mục «{path.parent}» chỉ cho phép đọc. "
            "Hãy chọn thư mục khác."
        )
    elif number in _NO_RIGHTS:
        message = (
            f"Không {action} được «{shown}»: không có quyền ghi vào «{path.parent}», hoặc tệp đang mở trong "
            "chương trình khác (Excel, trình xem PDF…). Hãy đóng tệp đó hoặc chọn thư mục khác."
        )
    elif number == errno.EISDIR:
        message = f"Không {action} được: «{path}» là một thư mục, không phải tệp. Hãy chọn tên tệp khác."
    elif number == errno.ENOTDIR:
        message = (
            f"Không {action} được «{shown}»: một phần của đường dẫn «{path.parent}» là tệp chứ không phải "
            "thư mục. Hãy chọn thư mục khác."
        )
    elif number == errno.ENAMETOOLONG:
        message = (
            f"Không {action} được «{shown}»: tên tệp hoặc đường dẫn quá dài. Hãy đặt tên ngắn hơn hoặc "
            "chọn thư mục gần gốc ổ đĩa hơn."
        )
    elif number == errno.ENOENT:
        message = (
            f"Không {action} được «{shown}»: thư mục «{path.parent}» không còn (ổ USB đã rút, thư mục bị "
            "xóa hoặc đổi tên?). Hãy chọn lại thư mục."
        )
    elif number == errno.EIO:
        message = f"Không {action} được «{shown}»: lỗi đọc ghi ổ đĩa. Hãy kiểm tra ổ đĩa hoặc chọn ổ khác."
    else:
        return None
    log.warning("%s %s failed: %s", action, path, exc)
    return FileWriteError(message, exc)


@contextmanager
def os_errors(path: Path | str, action: str = "ghi") -> Iterator[None]:
    """Translate a known ``OSError`` raised inside the block (see :func:`translate_os_error`)."""
    try:
        yield
    except OSError as exc:
        known = translate_os_error(exc, path, action)
        if known is None:
            raise
        raise known from exc


def discard(path: Path) -> None:
    """Remove a partial file or folder after a failure, never raising: an error here would hide the first one."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except OSError as exc:
        log.warning("could not remove the partial %s: %s", path, exc)


@contextmanager
def replacing(target: Path | str, action: str = "ghi") -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``, on failure it is removed.

    A failed, cancelled or killed export therefore never leaves half a PDF or workbook where the user
    looks, and never destroys the previous ``target``: until the rename it is untouched.  A partial left
    by a kill is removed at the next start when it lies in the data folder (:func:`sweep_leftovers`).
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:  # a file stands where a folder of the path should be
        known = translate_os_error(NotADirectoryError(errno.ENOTDIR, "Not a directory", exc.filename), target, action)
        assert known is not None
        raise known from exc
    except OSError as exc:
        known = translate_os_error(exc, target, action)
        if known is None:
            raise
        raise known from exc
    if target.is_dir():  # refused before the work, not after it
        known = translate_os_error(IsADirectoryError(errno.EISDIR, "Is a directory", str(target)), target, action)
        assert known is not None  # EISDIR is one of the known failures
        raise known
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    try:
        with os_errors(target, action):
            yield partial
            partial.replace(target)
    except BaseException:
        discard(partial)
        raise


def sweep_leftovers(folder: Path | str) -> list[Path]:
    """Remove what killed jobs left in ``folder`` (names in :data:`LEFTOVER_PATTERNS`); returns what went.

    Run when a database is opened, for its folder, before any job can have started in it.  A failure to
    remove is logged and skipped: a leftover never stops the program from opening.
    """
    folder = Path(folder)
    removed: list[Path] = []
    try:
        if any(next(folder.glob(pattern), None) for pattern in JOURNAL_PATTERNS):
            log.info("restore journal in %s: leftovers kept for its recovery", folder)
            return removed
        found = {path for pattern in LEFTOVER_PATTERNS for path in folder.glob(pattern)}
    except OSError as exc:
        log.warning("could not look for leftovers in %s: %s", folder, exc)
        return removed
    for path in sorted(found):
        discard(path)
        if not path.exists():
            removed.append(path)
            log.info("removed the leftover %s of an interrupted job", path)
    return removed
