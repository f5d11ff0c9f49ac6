"""Exchange packages for the tests: one exported from the demo year (with evidence files), and a zip builder for
the hand-made bad ones.

Fixtures only (the tests import nothing from here): ``sent`` is a verified package of the demo office, its
database still open; ``package_parts`` is that package taken apart (member name → bytes, and the manifest as a
dict) so a test can change one thing and ``make_package`` can put it back together, with the manifest's sizes
and hashes recomputed or left as they were.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop_app.exchange.export import ExportResult, export_package
from desktop_app.exchange.format import MANIFEST_ENTRY
from desktop_app.services.attachments import add_attachment
from desktop_app.storage import database as storage
from desktop_app.storage.database import Database, open_database
from desktop_app.storage.errors import StorageError
from desktop_app.storage.models import MoHinh

YEAR = 2023  # the demo year


@dataclass
class Sent:
    path: Path
    result: ExportResult
    files: dict[str, bytes]  # stored name → the evidence file's bytes as the sender has it


def _photo() -> bytes:
    """A small real JPEG (Pillow), so a photo travels as photos do."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 40, 40)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def sent(demo_db, tmp_path) -> Sent:
    """The demo year exported with a photo on one model and a document on another."""
    models = list(MoHinh.select().where(MoHinh.year == YEAR).order_by(MoHinh.id).limit(2))
    sources = {"ảnh trao nhà.jpg": _photo(), "báo cáo kết quả.docx": b"PK\x03\x04 not really a docx " * 300}
    folder = tmp_path / "minh chứng"
    folder.mkdir()
    for model, (name, raw) in zip(models, sources.items(), strict=True):
        (folder / name).write_bytes(raw)
        add_attachment(model.id, folder / name, caption=f"Minh chứng {name}")
    result = export_package(tmp_path / "gửi" / f"Huyện Lâm Hà-{YEAR}.dvk", year=YEAR)
    files = {
        a.stored_name: (demo_db.files_dir / a.stored_name).read_bytes() for model in models for a in model.attachments
    }
    return Sent(result.path, result, files)


@dataclass
class Parts:
    members: dict[str, bytes]  # every member but the manifest, in the package's order
    manifest: dict[str, Any]


@pytest.fixture
def package_parts(sent) -> Parts:
    with zipfile.ZipFile(sent.path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist() if i.filename != MANIFEST_ENTRY}
        manifest = json.loads(archive.read(MANIFEST_ENTRY))
    return Parts(members, manifest)


MakePackage = Callable[..., Path]


@pytest.fixture
def make_package(tmp_path) -> MakePackage:
    """``make(name, members, manifest, *, rehash=True, infos=None)``: a zip in ``tmp_path/hand-made/``.

    ``members`` maps names to bytes (a :class:`zipfile.ZipInfo` in ``infos`` gives a member its own header);
    ``rehash`` recomputes the manifest's member list from them, else the manifest goes in as given
    (``manifest=None``: no manifest member at all).
    """
    folder = tmp_path / "hand-made"
    folder.mkdir(exist_ok=True)

    def make(
        name: str,
        members: dict[str, bytes],
        manifest: dict[str, Any] | None,
        *,
        rehash: bool = True,
        infos: dict[str, zipfile.ZipInfo] | None = None,
        compress: int = zipfile.ZIP_DEFLATED,
    ) -> Path:
        path = folder / name
        if manifest is not None and rehash:
            manifest = dict(manifest)
            manifest["members"] = {
                member: {"size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()} for member, raw in members.items()
            }
        with zipfile.ZipFile(path, "w", compression=compress) as archive:
            for member, raw in members.items():
                info = (infos or {}).get(member)
                archive.writestr(info if info is not None else member, raw)
            if manifest is not None:
                archive.writestr(MANIFEST_ENTRY, json.dumps(manifest, ensure_ascii=False))
        return path

    return make


@dataclass
class TwoOffices:
    """Two databases in one test (only one open at a time): the demo office below, a blank office above."""

    sender: Path
    upper: Path

    def open_sender(self) -> Database:
        return _switch(self.sender)

    def open_upper(self) -> Database:
        return _switch(self.upper)


def _switch(path: Path) -> Database:
    try:
        storage.current().close()
    except StorageError:
        pass  # none was open
    return open_database(path)


@pytest.fixture
def two_offices(sent, demo_db, _blank_template, tmp_path) -> TwoOffices:
    """``sent`` made by the demo office; the upper office's own (blank) database is open when the test starts.

    Each database has its own sender uuid (a setting): the upper office's is made when it first exports.
    """
    upper = tmp_path / "cấp trên" / _blank_template.name
    upper.parent.mkdir()
    shutil.copyfile(_blank_template, upper)
    offices = TwoOffices(Path(demo_db.path), upper)
    offices.open_upper()
    return offices
