"""Writing output files whole or not at all."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import AppError


@contextmanager
def replacing(target: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target``, on failure it is removed.

    A failed or cancelled export therefore never leaves half a PDF or workbook where the user looks.
    """
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AppError(f"Không tạo được thư mục «{target.parent}»: {exc.strerror or exc}.") from exc
    partial = target.with_name(target.name + ".tmp")
    try:
        yield partial
        try:
            partial.replace(target)
        except PermissionError as exc:
            raise AppError(
                f"Không ghi được «{target.name}»: tệp đang mở trong chương trình khác (Excel, trình "
                "xem PDF…). Hãy đóng tệp đó rồi làm lại."
            ) from exc
    finally:
        partial.unlink(missing_ok=True)
