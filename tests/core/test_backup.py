import zipfile

import pytest

from desktop_app.errors import AppError, Cancelled
from desktop_app.services import attachments
from desktop_app.services.backup import check_backup, create_backup, restore_backup
from desktop_app.services.models import ModelFilter, count_models
from desktop_app.storage.database import open_database
from desktop_app.tasks import TaskState


def test_backup_and_restore_round_trip(demo_db, tmp_path):
    first = count_models(ModelFilter())
    photo = tmp_path / "ảnh.png"
    photo.write_bytes(b"\x89PNG fake")
    attachments.add_attachment(1, photo)
    backup = create_backup(tmp_path / "sao lưu" / "bản 1.zip")
    assert check_backup(backup) == demo_db.version()
    names = zipfile.ZipFile(backup).namelist()
    assert any(n.startswith("files/") for n in names)

    path = demo_db.path
    from desktop_app.services.models import delete_models

    delete_models(list(range(1, 10)))
    demo_db.close()
    restore_backup(backup, path)
    reopened = open_database(path)
    try:
        assert count_models(ModelFilter()) == first
        assert attachments.verify(1)
    finally:
        reopened.close()


def test_cancelled_backup_leaves_no_file(demo_db, tmp_path):
    task = TaskState()
    task.cancel()
    with pytest.raises(Cancelled):
        create_backup(tmp_path / "x.zip", task)
    assert list(tmp_path.glob("x.zip*")) == []


def test_bad_backup_is_refused_and_nothing_changes(db, tmp_path):
    bad = tmp_path / "không phải.zip"
    bad.write_bytes(b"PK\x03\x04 rubbish")
    before = db.path.read_bytes()
    with pytest.raises(AppError, match=r"không phải bản sao lưu|bị hỏng"):
        restore_backup(bad, db.path)
    assert db.path.read_bytes() == before
