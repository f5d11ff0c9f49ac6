import json
import shutil
import sqlite3
import stat
import zipfile
from pathlib import Path

import pytest

from desktop_app.errors import AppError, Cancelled
from desktop_app.services import attachments, backup_manifest
from desktop_app.services.backup import (
    check_backup,
    create_backup,
    expected_tables,
    read_manifest,
    restore_backup,
)
from desktop_app.services.backup_manifest import DB_ENTRY, MANIFEST_ENTRY
from desktop_app.services.models import ModelFilter, count_models, delete_models
from desktop_app.storage import restore_journal
from desktop_app.storage.database import migrate_to, open_database
from desktop_app.storage.errors import StorageError
from desktop_app.storage.migrations import latest_version
from desktop_app.storage.models import Attachment, MoHinh
from desktop_app.tasks import TaskState


def _attach(tmp_path: Path, model_id: int, name: str, content: bytes) -> int:
    source = tmp_path / name
    source.write_bytes(content)
    return attachments.add_attachment(model_id, source)


def _state(db_path: Path) -> tuple[int, set[str]]:
    """Models and attachment files at ``db_path`` (a closed file), read without changing it."""
    conn = sqlite3.connect(f"{db_path.as_uri()}?mode=ro", uri=True)
    try:
        models = conn.execute("SELECT COUNT(*) FROM mo_hinh").fetchone()[0]
    finally:
        conn.close()
    files_dir = db_path.with_name(db_path.name + ".files")
    return models, {p.name for p in files_dir.iterdir()} if files_dir.exists() else set()


def _rezip(source: Path, target: Path, *, drop=(), replace=None, add=None) -> Path:
    """A copy of a backup with members dropped, replaced or added (the manifest left as it was)."""
    replace, add = replace or {}, add or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in add.items():
            new.writestr(name, data)
    return target


@pytest.fixture
def backup_with_files(demo_db, tmp_path):
    """A backup of the demo with two attachments, and the database closed (as a restore needs)."""
    _attach(tmp_path, 1, "ảnh.png", b"\x89PNG fake")
    _attach(tmp_path, 2, "biên bản.pdf", b"%PDF-1.4 fake")
    path = create_backup(tmp_path / "sao lưu" / "bản 1.zip")
    state = _state_open(demo_db)
    demo_db.close()
    return path, demo_db.path, state


def _state_open(database) -> tuple[int, set[str]]:
    files = {p.name for p in database.files_dir.iterdir()} if database.files_dir.exists() else set()
    return MoHinh.select().count(), files


def test_backup_and_restore_round_trip(demo_db, tmp_path):
    first = count_models(ModelFilter())
    attachment = _attach(tmp_path, 1, "ảnh.png", b"\x89PNG fake")
    backup = create_backup(tmp_path / "sao lưu" / "bản 1.zip")
    assert check_backup(backup) == demo_db.version()
    names = zipfile.ZipFile(backup).namelist()
    assert any(n.startswith("files/") for n in names) and MANIFEST_ENTRY in names

    path = demo_db.path
    delete_models(list(range(1, 10)))
    after_delete = _state_open(demo_db)
    demo_db.close()
    result = restore_backup(backup, path)
    # The replaced state is kept whole, in a dated folder beside the database.
    assert result.safety_copy is not None and result.safety_copy.parent == path.parent
    assert ".truoc-phuc-hoi-" in result.safety_copy.name
    assert _state(result.safety_copy / path.name) == after_delete
    assert not restore_journal.journal_path(path).exists()
    assert list(path.parent.glob("*" + restore_journal.TEMP_SUFFIX)) == []
    reopened = open_database(path)
    try:
        assert count_models(ModelFilter()) == first
        assert attachments.verify(attachment)
    finally:
        reopened.close()


def test_backup_carries_only_referenced_files_and_a_manifest(demo_db, tmp_path):
    kept = _attach(tmp_path, 1, "ảnh.png", b"\x89PNG fake")
    (demo_db.files_dir / "rác-không-thuộc-dữ-liệu.bin").write_bytes(b"x" * 1000)
    backup = create_backup(tmp_path / "b.zip")
    with zipfile.ZipFile(backup) as archive:
        files = [n for n in archive.namelist() if n.startswith("files/")]
        manifest = json.loads(archive.read(MANIFEST_ENTRY))
    assert files == ["files/" + Attachment.get_by_id(kept).stored_name]
    assert {m["name"] for m in manifest["members"]} == {DB_ENTRY, *files}
    info = read_manifest(backup)
    assert info.has_manifest and info.schema_version == latest_version() and info.attachments == 1
    assert info.size == backup.stat().st_size and info.created_at is not None
    assert sum(info.models_by_year.values()) == MoHinh.select().count()


def test_cancelled_backup_leaves_no_file(demo_db, tmp_path):
    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        create_backup(tmp_path / "x.zip", task)
    assert list(tmp_path.glob("x.zip*")) == []


def test_a_damaged_database_is_not_backed_up(db, tmp_path):
    path = db.path
    page = db.db.execute_sql("PRAGMA page_size").fetchone()[0]
    root = db.db.execute_sql("SELECT rootpage FROM sqlite_master WHERE name = 'unit'").fetchone()[0]
    db.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page : (root - 1) * page + 8] = b"\xff" * 8  # the table's root page, not the file header
    path.write_bytes(bytes(data))
    damaged = open_database(path)
    try:
        with pytest.raises(AppError, match="dữ liệu hiện tại có lỗi"):
            create_backup(tmp_path / "hỏng.zip")
    finally:
        damaged.close()
    assert list(tmp_path.glob("hỏng.zip*")) == []


def test_bad_backup_is_refused_and_nothing_changes(db, tmp_path):
    bad = tmp_path / "không phải.zip"
    bad.write_bytes(b"PK\x03\x04 rubbish")
    path = db.path
    db.close()
    before = path.read_bytes()
    with pytest.raises(AppError, match=r"không phải bản sao lưu|bị hỏng"):
        restore_backup(bad, path)
    assert path.read_bytes() == before


def test_restore_refuses_the_open_database(db, tmp_path):
    backup = create_backup(tmp_path / "b.zip")
    with pytest.raises(AppError, match="Cần đóng"):
        restore_backup(backup, db.path)


def _refused(source: Path, db_path: Path, state, match: str | None = None) -> None:
    with pytest.raises(AppError, match=match):
        restore_backup(source, db_path)
    assert _state(db_path) == state
    assert restore_journal.safety_dirs(db_path) == []
    assert not restore_journal.journal_path(db_path).exists()


def test_tampered_truncated_and_stray_backups_are_refused_whole(backup_with_files, tmp_path):
    source, db_path, state = backup_with_files
    with zipfile.ZipFile(source) as archive:
        attachment = next(n for n in archive.namelist() if n.startswith("files/"))
        original = archive.read(attachment)
    tampered = _rezip(source, tmp_path / "sửa.zip", replace={attachment: original[:-1] + b"?"})
    _refused(tampered, db_path, state, "bị sửa")
    dropped = _rezip(source, tmp_path / "thiếu.zip", drop={attachment})
    _refused(dropped, db_path, state, "không khớp")
    stray = _rezip(source, tmp_path / "thừa.zip", add={"files/lạ.bin": b"x"})
    _refused(stray, db_path, state, "không khớp")
    no_db = _rezip(source, tmp_path / "không có dữ liệu.zip", drop={DB_ENTRY})
    _refused(no_db, db_path, state, "không phải bản sao lưu")
    truncated = tmp_path / "cụt.zip"
    truncated.write_bytes(source.read_bytes()[: source.stat().st_size // 2])
    _refused(truncated, db_path, state, "bị hỏng")
    manifest = json.loads(zipfile.ZipFile(source).read(MANIFEST_ENTRY))
    manifest["schema_version"] = 1
    wrong_version = _rezip(source, tmp_path / "lược đồ.zip", replace={MANIFEST_ENTRY: json.dumps(manifest)})
    _refused(wrong_version, db_path, state, "không khớp")
    garbage = _rezip(source, tmp_path / "bảng kê hỏng.zip", replace={MANIFEST_ENTRY: b"{"})
    _refused(garbage, db_path, state, "bảng kê")


def test_oversized_members_are_refused(backup_with_files, tmp_path, monkeypatch):
    source, db_path, state = backup_with_files
    monkeypatch.setattr(backup_manifest, "MAX_ATTACHMENT_SIZE", 5)
    _refused(source, db_path, state, "quá lớn")
    monkeypatch.setattr(backup_manifest, "MAX_DB_SIZE", 1000)
    _refused(source, db_path, state, "quá lớn")


@pytest.mark.parametrize(
    "name",
    [
        "../ngoài.txt",
        "files/../../ngoài.txt",
        "/etc/passwd",
        "C:/Windows/x.dll",
        "C:x.dll",
        "files\\..\\..\\x.dll",
        "files/a:luồng",
        "files/CON",
        "files/nul.txt",
        "files/dấu chấm cuối.",
        "files/./x",
        "files//x",
        "khác.txt",
    ],
)
def test_path_escaping_and_stray_names_are_refused(backup_with_files, tmp_path, name):
    source, db_path, state = backup_with_files
    _refused(_rezip(source, tmp_path / "lạ.zip", add={name: b"x"}), db_path, state)
    legacy = _rezip(source, tmp_path / "cũ lạ.zip", drop={MANIFEST_ENTRY}, add={name: b"x"})
    _refused(legacy, db_path, state)
    assert not (tmp_path / "ngoài.txt").exists()


def test_links_are_refused(backup_with_files, tmp_path):
    source, db_path, state = backup_with_files
    target = _rezip(source, tmp_path / "liên kết.zip", drop={MANIFEST_ENTRY})
    with zipfile.ZipFile(target, "a") as archive:
        info = zipfile.ZipInfo("files/liên-kết")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(info, "/etc/passwd")
    _refused(target, db_path, state, "liên kết")


def _legacy_zip(database_file: Path, target: Path, files: dict[str, bytes] | None = None) -> Path:
    """A backup as versions before the manifest wrote it: the database and every file of the folder."""
    with zipfile.ZipFile(target, "w") as archive:
        archive.write(database_file, DB_ENTRY)
        for name, data in (files or {}).items():
            archive.writestr("files/" + name, data)
    return target


def test_foreign_empty_and_incomplete_databases_are_refused(backup_with_files, tmp_path):
    _source, db_path, state = backup_with_files
    foreign = tmp_path / "khác.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE khach_hang (id INTEGER PRIMARY KEY, ten TEXT)")
    conn.commit()
    conn.close()
    _refused(_legacy_zip(foreign, tmp_path / "ngoại.zip"), db_path, state, "không phải của Sổ Dân vận khéo")
    empty = tmp_path / "rỗng.db"
    sqlite3.connect(empty).close()
    _refused(_legacy_zip(empty, tmp_path / "rỗng.zip"), db_path, state)
    zero = tmp_path / "0.db"
    zero.write_bytes(b"")
    _refused(_legacy_zip(zero, tmp_path / "0.zip"), db_path, state)
    not_sqlite = tmp_path / "chữ.db"
    not_sqlite.write_bytes(b"day khong phai SQLite" * 100)
    _refused(_legacy_zip(not_sqlite, tmp_path / "chữ.zip"), db_path, state, "bị hỏng")
    incomplete = tmp_path / "thiếu.db"
    shutil.copy(db_path, incomplete)
    conn = sqlite3.connect(incomplete)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DROP TABLE score")
    conn.commit()
    conn.close()
    _refused(_legacy_zip(incomplete, tmp_path / "thiếu.zip"), db_path, state, "thiếu bảng score")
    newer = tmp_path / "mới.db"
    shutil.copy(db_path, newer)
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {latest_version() + 1}")
    conn.close()
    _refused(_legacy_zip(newer, tmp_path / "mới.zip"), db_path, state, "phiên bản mới hơn")


def test_old_backup_without_manifest_is_restored_with_referenced_files_only(backup_with_files, tmp_path):
    source, db_path, state = backup_with_files
    with zipfile.ZipFile(source) as archive:
        members = {n[len("files/") :]: archive.read(n) for n in archive.namelist() if n.startswith("files/")}
        (tmp_path / "db").write_bytes(archive.read(DB_ENTRY))
    legacy = _legacy_zip(tmp_path / "db", tmp_path / "cũ.zip", {**members, "mồ-côi.bin": b"leftover"})
    assert not read_manifest(legacy).has_manifest and read_manifest(legacy).attachments == 3
    result = restore_backup(legacy, db_path)
    assert result.schema_version == latest_version()
    assert _state(db_path) == (state[0], set(members))


def test_a_second_restore_keeps_the_first_safety_copy(backup_with_files):
    source, db_path, state = backup_with_files
    first = restore_backup(source, db_path).safety_copy
    second = restore_backup(source, db_path).safety_copy
    assert first is not None and second is not None and first != second
    assert restore_journal.safety_dirs(db_path) == sorted([first, second])
    assert _state(first / db_path.name) == state == _state(second / db_path.name)


@pytest.mark.parametrize("version", range(1, latest_version() + 1))
def test_backups_of_every_schema_version_are_accepted(data_dir, tmp_path, version):
    database = open_database(data_dir / f"v{version}.db", migrate=False)
    migrate_to(database, version)
    database.close()
    legacy = _legacy_zip(database.path, tmp_path / "cũ.zip")
    assert check_backup(legacy) == version


def test_expected_tables_match_a_new_file(db):
    tables = {r[0] for r in db.db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert expected_tables(latest_version()) == tables - {"sqlite_sequence"}


def test_opening_refuses_empty_and_foreign_files_but_creates_new_ones(data_dir):
    zero = data_dir / "rỗng.db"
    zero.write_bytes(b"")
    with pytest.raises(StorageError, match="0 byte"):
        open_database(zero)
    assert zero.read_bytes() == b""
    foreign = data_dir / "khác.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE khach_hang (id INTEGER PRIMARY KEY)")
    conn.commit()
    conn.close()
    before = foreign.read_bytes()
    with pytest.raises(StorageError, match="chương trình khác"):
        open_database(foreign)
    assert foreign.read_bytes() == before
    fresh = open_database(data_dir / "mới" / "tệp mới.db")
    assert fresh.version() == latest_version()
    fresh.close()
