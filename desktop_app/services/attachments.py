"""Evidence files (photos, documents) copied beside the database with their SHA-256."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from collections.abc import Iterable
from pathlib import Path

from ..errors import AppError, NotFoundError
from ..history import kinds, record
from ..history.tables import TrashItem
from ..storage import database as storage
from ..storage.database import transaction
from ..storage.models import Attachment, MoHinh, new_uuid
from ..text import clean

log = logging.getLogger("dvk.attachments")

MAX_SIZE = 200 * 1024 * 1024


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def files_dir() -> Path:
    return storage.current().files_dir


def attachment_path(stored_name: str) -> Path:
    return files_dir() / stored_name


def add_attachment(model_id: int, source: Path | str, caption: str = "") -> int:
    """Copy ``source`` beside the database and record it.  The same file twice is recorded once."""
    source = Path(source)
    if MoHinh.get_or_none(MoHinh.id == model_id) is None:
        raise NotFoundError("Không tìm thấy mô hình để đính kèm tệp.")
    if not source.is_file():
        raise AppError(f"Không tìm thấy tệp «{source}».")
    size = source.stat().st_size
    if size > MAX_SIZE:
        raise AppError(f"Tệp «{source.name}» quá lớn ({size // (1024 * 1024)} MB); tối đa 200 MB.")
    digest = _sha256(source)
    existing = Attachment.get_or_none((Attachment.model == model_id) & (Attachment.sha256 == digest))
    if existing:
        return existing.id
    uuid = new_uuid()
    stored_name = f"{uuid}{source.suffix.lower()}"
    target = files_dir() / stored_name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copy2(source, target)
        with transaction():  # the copy stays outside: no write lock held while a large file is read
            model = MoHinh.get_by_id(model_id)
            before = kinds.snapshot(model)
            row = Attachment.create(
                uuid=uuid,
                model=model_id,
                original_name=source.name,
                stored_name=stored_name,
                sha256=digest,
                size=size,
                caption=clean(caption),
            )
            record.updated(model, before)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise AppError(f"Không chép được tệp «{source.name}» vào thư mục dữ liệu: {exc.strerror or exc}.") from exc
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return row.id


def remove_attachment(attachment_id: int) -> None:
    row = Attachment.get_or_none(Attachment.id == attachment_id)
    if row is None:
        return
    stored = row.stored_name
    with transaction():
        model = MoHinh.get_by_id(row.model_id)
        before = kinds.snapshot(model)
        row.delete_instance()
        record.updated(model, before)
    discard_files([stored])


def discard_files(stored_names: Iterable[str]) -> list[str]:
    """Remove the stored files that no attachment and no trash item refers to any more; returns the names removed.

    Call it after the transaction that deleted the rows has committed: a rolled-back deletion must find
    its files.  Inside a still-open outer transaction nothing is removed (the files stay, unused, which
    loses nothing).  A file that cannot be removed (open in a viewer on Windows) is logged, not raised:
    the deletion the user asked for has happened.
    """
    names = {name for name in stored_names if name and Path(name).name == name}  # never a path outside
    if not names:
        return []
    if storage.current().db.in_transaction():
        log.warning("attachment files %s kept: their deletion is not committed yet", sorted(names))
        return []
    used = {a.stored_name for a in Attachment.select(Attachment.stored_name).where(Attachment.stored_name.in_(names))}
    used |= _files_in_trash()  # a model in the trash gets its evidence back when restored
    removed: list[str] = []
    folder = files_dir()
    for name in sorted(names - used):
        try:
            (folder / name).unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not remove the attachment file %s: %s", folder / name, exc)
            continue
        removed.append(name)
    return removed


def _files_in_trash() -> set[str]:
    names: set[str] = set()
    for item in TrashItem.select(TrashItem.files).where(TrashItem.files != "[]"):
        names.update(json.loads(item.files))
    return names


def verify(attachment_id: int) -> bool:
    """True when the stored file still has the hash recorded when it was added."""
    row = Attachment.get_or_none(Attachment.id == attachment_id)
    if row is None:
        return False
    path = files_dir() / row.stored_name
    return path.is_file() and _sha256(path) == row.sha256
