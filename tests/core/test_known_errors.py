"""Known file-system and database failures: one Vietnamese sentence, one log line, the previous data intact."""

from __future__ import annotations

import errno
import logging
import os
import re
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from desktop_app import fileio
from desktop_app.errors import AppError
from desktop_app.fileio import FileWriteError, replacing, sweep_leftovers, translate_os_error
from desktop_app.services.models import ModelFilter, list_models
from desktop_app.storage import errors as storage_errors


@pytest.mark.parametrize(
    "number,words",
    [
        (errno.ENOSPC, "Ổ đĩa đã đầy"),
        (errno.EROFS, "chỉ cho phép đọc"),
        (errno.EACCES, "đang mở trong chương trình khác"),
        (errno.EPERM, "không có quyền ghi"),
        (errno.EISDIR, "là một thư mục"),
        (errno.ENOTDIR, "là tệp chứ không phải thư mục"),
        (errno.ENAMETOOLONG, "quá dài"),
        (errno.ENOENT, "không còn"),
    ],
)
def test_each_known_failure_has_its_sentence_and_is_logged(tmp_path, caplog, number, words):
    target = tmp_path / "báo cáo.xlsx"
    with caplog.at_level(logging.WARNING, logger="dvk.fileio"):
        known = translate_os_error(OSError(number, os.strerror(number)), target, "ghi")
    assert isinstance(known, FileWriteError) and words in str(known) and "báo cáo.xlsx" in str(known)
    assert known.cause.errno == number
    assert [r.getMessage() for r in caplog.records if r.name == "dvk.fileio"] == [
        f"ghi {target} failed: [Errno {number}] {os.strerror(number)}"
    ]


def test_an_unknown_failure_is_left_to_the_bug_path():
    assert translate_os_error(OSError(errno.EBADF, "bad fd"), "x") is None


def _count(caplog) -> int:
    return sum(1 for r in caplog.records if r.name == "dvk.fileio" and "failed" in r.getMessage())


def test_disk_full_while_writing_keeps_the_previous_file_and_no_partial(tmp_path, caplog):
    target = tmp_path / "bảng chấm.xlsx"
    target.write_bytes(b"the council's scores")
    said = re.escape("Ổ đĩa đã đầy, không ghi được «bảng chấm.xlsx»")
    with pytest.raises(FileWriteError, match=said), replacing(target) as partial:
        partial.write_bytes(b"half a work")
        raise OSError(errno.ENOSPC, "No space left on device", str(partial))
    assert target.read_bytes() == b"the council's scores"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bảng chấm.xlsx"]
    assert _count(caplog) == 1


def test_a_failing_cleanup_never_hides_the_first_error(tmp_path, monkeypatch, caplog):
    target = tmp_path / "x.pdf"
    real_unlink = Path.unlink

    def stuck(self: Path, missing_ok: bool = False) -> None:
        if self.name.endswith(".tmp"):
            raise PermissionError(errno.EACCES, "in use", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", stuck)
    caplog.set_level(logging.WARNING, logger="dvk.fileio")
    with pytest.raises(FileWriteError, match="Ổ đĩa đã đầy"), replacing(target) as partial:
        partial.write_bytes(b"x")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert any("could not remove the partial" in r.getMessage() for r in caplog.records)


def test_a_read_only_folder_at_the_rename_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "danh sách.xlsx"
    target.write_bytes(b"old")

    def refused(self: Path, other: Path) -> Path:
        raise OSError(errno.EROFS, "Read-only file system", str(self))

    monkeypatch.setattr(Path, "replace", refused)
    with pytest.raises(FileWriteError, match="chỉ cho phép đọc"), replacing(target) as partial:
        partial.write_bytes(b"new")
    assert target.read_bytes() == b"old" and not (tmp_path / "danh sách.xlsx.tmp").exists()


def test_an_output_path_that_is_a_folder_is_refused_before_the_work(tmp_path):
    (tmp_path / "kết quả.pdf").mkdir()
    with pytest.raises(FileWriteError, match="là một thư mục"), replacing(tmp_path / "kết quả.pdf"):
        pytest.fail("the work must not start")


def test_an_output_folder_under_a_file_is_refused(tmp_path):
    (tmp_path / "tệp").write_text("x")
    with pytest.raises(FileWriteError, match="không phải thư mục"), replacing(tmp_path / "tệp" / "a.xlsx"):
        pass


def test_scores_export_never_destroys_the_existing_workbook(demo_db, tmp_path, monkeypatch, caplog):
    from openpyxl import Workbook

    from desktop_app.appraisal.workbook import export_workbook

    out = tmp_path / "xuất"
    target = out / "chấm điểm.xlsx"
    export_workbook(2023, target)
    before = target.read_bytes()

    def full_disk(self, filename) -> None:
        Path(filename).write_bytes(b"PK half")
        raise OSError(errno.ENOSPC, "No space left on device", str(filename))

    monkeypatch.setattr(Workbook, "save", full_disk)
    with pytest.raises(FileWriteError, match="Ổ đĩa đã đầy"):
        export_workbook(2023, target)
    assert target.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == ["chấm điểm.xlsx"]
    assert _count(caplog) == 1


@pytest.mark.parametrize(
    "sqlite_text,kind,words",
    [
        ("database or disk is full", storage_errors.DiskFull, "Ổ đĩa đã đầy"),
        ("attempt to write a readonly database", storage_errors.DatabaseReadOnly, "chỉ cho phép đọc"),
        ("database is locked", storage_errors.DatabaseLocked, "đang được chương trình khác sử dụng"),
    ],
)
def test_import_failing_in_the_database_says_why_logs_and_writes_nothing(
    demo_db, tmp_path, monkeypatch, caplog, sqlite_text, kind, words
):
    from desktop_app.importer import apply as apply_module
    from desktop_app.importer import build_plan
    from tests.importer.conftest import messy_workbook

    messy = messy_workbook(tmp_path / "đăng ký.xlsx")

    before = len(list_models(ModelFilter()))
    plan = build_plan(messy, year=2024)
    real = apply_module.create_models

    def failing(items):
        real(items)  # the rows are written, then the database fails: none of them may stay
        raise sqlite3.OperationalError(sqlite_text)

    monkeypatch.setattr(apply_module, "create_models", failing)
    with caplog.at_level(logging.WARNING, logger="dvk.storage"), pytest.raises(kind, match=words):
        apply_module.apply_plan(plan)
    assert len(list_models(ModelFilter())) == before
    assert sum(1 for r in caplog.records if r.name == "dvk.storage" and kind.__name__ in r.getMessage()) == 1


# ----------------------------------------------------------------- a real small file system (root only)


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB tmpfs: the real ENOSPC and EROFS, where the machine lets us mount (root on Linux)."""
    mount = tmp_path / "đĩa nhỏ"
    mount.mkdir()
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk(small_disk, caplog):
    target = small_disk / "xuất.xlsx"
    target.write_bytes(b"previous")
    with pytest.raises(FileWriteError, match="Ổ đĩa đã đầy"), replacing(target) as partial, partial.open("wb") as fh:
        for _ in range(64):
            fh.write(os.urandom(16 * 1024))
    assert target.read_bytes() == b"previous"
    assert [p.name for p in small_disk.iterdir()] == ["xuất.xlsx"]
    assert _count(caplog) == 1


def test_a_really_read_only_disk(small_disk):
    target = small_disk / "xuất.pdf"
    target.write_bytes(b"previous")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(FileWriteError, match="chỉ cho phép đọc"), replacing(target) as partial:
        partial.write_bytes(b"new")
    assert target.read_bytes() == b"previous"


# ----------------------------------------------------------------- leftovers and evidence files


def test_leftovers_of_killed_jobs_go_and_nothing_else(tmp_path):
    ours = [tmp_path / "bảng.xlsx.tmp", tmp_path / "sao-luu.zip.tmp", tmp_path / "so.db.phuc-hoi.dvk-tam"]
    ours[0].write_bytes(b"x")
    ours[1].write_bytes(b"x")
    (ours[2] / "files").mkdir(parents=True)
    (ours[2] / "files" / "a.jpg").write_bytes(b"x")
    theirs = [tmp_path / "~WRL0001.tmp", tmp_path / "notes.tmp", tmp_path / "bảng.xlsx", tmp_path / "so.db"]
    for path in theirs:
        path.write_bytes(b"keep")
    assert sorted(sweep_leftovers(tmp_path)) == sorted(ours)
    assert sorted(tmp_path.iterdir()) == sorted(theirs)


def test_a_restore_journal_keeps_the_staging_folder(tmp_path):
    staging = tmp_path / "so.db.phuc-hoi.dvk-tam"
    staging.mkdir()
    (tmp_path / "so.db.phuc-hoi.json").write_text("{}")
    assert sweep_leftovers(tmp_path) == [] and staging.is_dir()


def test_opening_the_office_sweeps_its_folder(tmp_path):
    from desktop_app import workspace

    db_path = tmp_path / "dữ liệu.db"
    workspace.open_office(db_path).close()
    (tmp_path / "xuất.pdf.tmp").write_bytes(b"x")
    database = workspace.open_office(db_path)
    try:
        assert not (tmp_path / "xuất.pdf.tmp").exists()
    finally:
        database.close()


def test_a_writing_command_sweeps_the_folder_and_a_reading_one_does_not(tmp_path):
    import argparse

    from desktop_app.cli.common import opened

    db_path = tmp_path / "dữ liệu.db"
    args = argparse.Namespace(db=str(db_path))
    with opened(args, writes="init"):
        pass
    (tmp_path / "xuất.xlsx.tmp").write_bytes(b"x")
    with opened(args):  # a reader holds no lock: a window may be writing that partial right now
        pass
    assert (tmp_path / "xuất.xlsx.tmp").exists()
    with opened(args, writes="units add"):
        pass
    assert not (tmp_path / "xuất.xlsx.tmp").exists()


def test_emptying_the_trash_deletes_the_evidence_after_the_commit(db, tmp_path):
    from desktop_app.history import trash
    from desktop_app.services import attachments, catalogues
    from desktop_app.services.models import ModelInput, create_model, delete_models
    from desktop_app.storage.database import transaction

    field = catalogues.find("field", "Kinh tế").id
    first = create_model(ModelInput(name="Mô hình A", year=2024, field_id=field))
    second = create_model(ModelInput(name="Mô hình B", year=2024, field_id=field))
    photo = tmp_path / "ảnh.jpg"
    photo.write_bytes(uuid.uuid4().bytes)
    attachments.add_attachment(first, photo)
    attachments.add_attachment(second, photo)  # the same bytes for another model: its own stored file
    stored = sorted(p.name for p in attachments.files_dir().iterdir())
    assert len(stored) == 2

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction():  # a deletion rolled back keeps every file
        delete_models([first])
        raise Boom
    assert sorted(p.name for p in attachments.files_dir().iterdir()) == stored
    assert delete_models([first]) == 1
    # In the trash, the model keeps its file (a restore gives it back); emptying the trash removes it.
    assert sorted(p.name for p in attachments.files_dir().iterdir()) == stored
    with pytest.raises(Boom), transaction():  # emptying rolled back keeps every file too
        trash.empty()
        raise Boom
    assert sorted(p.name for p in attachments.files_dir().iterdir()) == stored
    assert trash.empty() == 1
    remaining = [p.name for p in attachments.files_dir().iterdir()]
    assert len(remaining) == 1 and remaining[0] in stored


def test_a_file_that_cannot_be_removed_is_logged_not_raised(db, tmp_path, monkeypatch, caplog):
    from desktop_app.history import trash
    from desktop_app.services import attachments, catalogues
    from desktop_app.services.models import ModelInput, create_model, delete_models

    field = catalogues.find("field", "Kinh tế").id
    model = create_model(ModelInput(name="Mô hình C", year=2024, field_id=field))
    photo = tmp_path / "ảnh.png"
    photo.write_bytes(b"png")
    attachments.add_attachment(model, photo)
    real_unlink = Path.unlink

    def in_use(self: Path, missing_ok: bool = False) -> None:
        if self.parent == attachments.files_dir():
            raise PermissionError(errno.EACCES, "used by another process", str(self))
        real_unlink(self, missing_ok=missing_ok)

    assert delete_models([model]) == 1  # to the trash: the file stays until the trash is emptied
    monkeypatch.setattr(Path, "unlink", in_use)
    with caplog.at_level(logging.WARNING, logger="dvk.attachments"):
        assert trash.empty() == 1
    assert any("could not remove the attachment file" in r.getMessage() for r in caplog.records)


def test_fileio_patterns_are_a_list_others_extend():
    assert "*.dvk-tam" in fileio.LEFTOVER_PATTERNS and "*.xlsx.tmp" in fileio.LEFTOVER_PATTERNS
    assert not issubclass(AppError, FileWriteError) and issubclass(FileWriteError, AppError)
