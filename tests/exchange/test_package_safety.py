"""A package that is not exactly what a sender wrote is refused whole, with one Vietnamese line, writing nothing.

Each bad package is made by hand with zipfile from the parts of a good one, so every test changes one thing.
"""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest

from desktop_app.errors import AppError
from desktop_app.exchange import reader
from desktop_app.exchange.format import DATA_ENTRY, FILES_PREFIX
from desktop_app.exchange.reader import PackageRefused, read_package

AGAIN = "hãy đề nghị cơ quan gửi xuất lại gói và gửi lại"


def _tree(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*")}


def _refused(path: Path, match: str) -> str:
    """Read ``path``, expecting a refusal that names the file; nothing may be written anywhere around it."""
    folder = path.parent.parent
    before = _tree(folder)
    with pytest.raises(AppError, match=match) as caught:
        read_package(path)
    message = str(caught.value)
    assert path.name in message and "\n" not in message
    assert _tree(folder) == before
    return message


def _data(parts) -> dict:
    return json.loads(parts.members[DATA_ENTRY])


def _with_data(parts, data: dict) -> dict[str, bytes]:
    return {**parts.members, DATA_ENTRY: json.dumps(data, ensure_ascii=False).encode("utf-8")}


def test_the_good_package_rebuilt_by_hand_is_read(package_parts, make_package):
    # The builder itself makes packages the reader takes: every refusal below is for the one thing changed.
    package = read_package(make_package("tốt.dvk", package_parts.members, package_parts.manifest))
    assert len(package.data.models) > 10 and len(package.files) == 2


def test_not_a_zip(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / "báo cáo.dvk"
    path.write_bytes(b"%PDF-1.7 this is a PDF the clerk picked by mistake" * 50)
    assert AGAIN in _refused(path, "bị hỏng, bị cắt cụt hoặc không phải tệp .dvk")


def test_a_zip_that_is_not_a_package(package_parts, make_package):
    backup_like = make_package("sao-luu.dvk", {"so-dan-van-kheo.db": b"SQLite format 3\x00"}, None)
    _refused(backup_like, "có tệp lạ")
    no_manifest = make_package("thiếu bảng kê.dvk", package_parts.members, None)
    _refused(no_manifest, "không phải gói báo cáo của Sổ Dân vận khéo")
    other_format = make_package("khác.dvk", package_parts.members, {**package_parts.manifest, "format": "khác"})
    _refused(other_format, "không phải gói báo cáo")


@pytest.mark.parametrize("member", [DATA_ENTRY, "file"])
def test_one_byte_changed_is_refused(package_parts, make_package, member):
    name = DATA_ENTRY if member == DATA_ENTRY else next(n for n in package_parts.members if n.startswith(FILES_PREFIX))
    raw = bytearray(package_parts.members[name])
    raw[len(raw) // 2] ^= 0x01  # same size: only the hash can tell
    members = {**package_parts.members, name: bytes(raw)}
    path = make_package("sửa.dvk", members, package_parts.manifest, rehash=False)
    _refused(path, "không khớp với bảng kê")


def test_a_truncated_package_is_refused(sent, tmp_path):
    raw = sent.path.read_bytes()
    folder = tmp_path / "cắt"
    folder.mkdir()
    for keep in (len(raw) // 2, len(raw) - 10):
        path = folder / f"cụt-{keep}.dvk"
        path.write_bytes(raw[:keep])
        _refused(path, "bị hỏng, bị cắt cụt")


def test_a_member_missing_or_unlisted_is_refused(package_parts, make_package):
    stored = next(n for n in package_parts.members if n.startswith(FILES_PREFIX))
    missing = {n: b for n, b in package_parts.members.items() if n != stored}
    _refused(make_package("thiếu.dvk", missing, package_parts.manifest, rehash=False), "thiếu tệp")
    extra = {**package_parts.members, FILES_PREFIX + "thêm.jpg": b"\xff\xd8 added later"}
    _refused(make_package("thêm.dvk", extra, package_parts.manifest, rehash=False), "không có trong bảng kê")
    no_data = {n: b for n, b in package_parts.members.items() if n != DATA_ENTRY}
    _refused(make_package("không dữ liệu.dvk", no_data, package_parts.manifest), "không có phần dữ liệu")


@pytest.mark.parametrize("key", ["schema_version", "format_version"])
def test_a_package_from_a_newer_program_asks_for_an_update(package_parts, make_package, key):
    manifest = {**package_parts.manifest, key: package_parts.manifest[key] + 1}
    message = _refused(make_package("mới hơn.dvk", package_parts.members, manifest), "phiên bản mới hơn")
    assert "hãy cập nhật phần mềm" in message


@pytest.mark.parametrize(
    "name",
    [
        "../ngoài.jpg",
        "files/../../ngoài.jpg",
        "/etc/ngoài.jpg",
        "C:/Windows/ngoài.jpg",
        "files\\..\\ngoài.jpg",
        "files/con/ảnh.jpg",
        "files/CON.jpg",
        "khác/ảnh.jpg",
    ],
)
def test_a_member_name_escaping_the_attachment_folder_is_refused(package_parts, make_package, name):
    members = {**package_parts.members, name: b"\xff\xd8 payload"}
    path = make_package("thoát.dvk", members, package_parts.manifest)
    _refused(path, "không hợp lệ|thoát ra ngoài|tuyệt đối|tệp lạ|dành riêng")
    assert not (path.parent.parent / "ngoài.jpg").exists()


def test_a_symbolic_link_is_refused(package_parts, make_package):
    link = zipfile.ZipInfo(FILES_PREFIX + "liên kết.jpg")
    link.create_system = 3  # unix: the high bits of external_attr are the file mode
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    members = {**package_parts.members, link.filename: b"/etc/passwd"}
    path = make_package("liên kết.dvk", members, package_parts.manifest, infos={link.filename: link})
    _refused(path, "liên kết tượng trưng")


def test_an_attachment_whose_stored_name_escapes_is_refused(package_parts, make_package):
    data = _data(package_parts)
    model = next(m for m in data["models"] if m["attachments"])
    model["attachments"][0]["stored_name"] = "../../ngoài.jpg"
    path = make_package("tên xấu.dvk", _with_data(package_parts, data), package_parts.manifest)
    _refused(path, "tên không hợp lệ")


@pytest.mark.parametrize(
    "change",
    ["not json", "no models", "model without uuid", "model of another year", "refs not a dict", "indicators not list"],
)
def test_data_that_is_not_package_data_is_refused(package_parts, make_package, change):
    data = _data(package_parts)
    members = _with_data(package_parts, data)
    if change == "not json":
        members[DATA_ENTRY] = members[DATA_ENTRY][:-5]
    elif change == "no models":
        del data["models"]
    elif change == "model without uuid":
        del data["models"][0]["uuid"]
    elif change == "model of another year":
        data["models"][0]["year"] = 2999
    elif change == "refs not a dict":
        data["refs"] = []
    else:
        data["models"][0]["indicators"] = "26 phương tiện"
    if change != "not json":
        members = _with_data(package_parts, data)
    _refused(make_package("dữ liệu hỏng.dvk", members, package_parts.manifest), "data.json|khác năm")


def test_a_broken_manifest_is_refused(package_parts, make_package):
    manifest = {**package_parts.manifest, "year": "năm nay"}
    _refused(make_package("bảng kê hỏng.dvk", package_parts.members, manifest), "bảng kê")


def test_too_many_members_are_refused(package_parts, make_package, monkeypatch):
    monkeypatch.setattr(reader, "MAX_MEMBERS", 3)
    _refused(make_package("nhiều.dvk", package_parts.members, package_parts.manifest), "quá nhiều tệp")


def test_an_oversized_member_or_whole_is_refused(package_parts, make_package, monkeypatch):
    path = make_package("lớn.dvk", package_parts.members, package_parts.manifest)
    biggest = max(len(raw) for name, raw in package_parts.members.items() if name.startswith(FILES_PREFIX))
    monkeypatch.setattr(reader, "MAX_FILE_BYTES", biggest - 1)
    _refused(path, "quá lớn")
    monkeypatch.undo()
    monkeypatch.setattr(reader, "MAX_PACKAGE_BYTES", os.path.getsize(path) - 1)
    _refused(path, "quá lớn")


def test_a_zip_bomb_is_refused_by_its_packing_ratio(package_parts, make_package):
    bomb = {**package_parts.members, FILES_PREFIX + "bom.bmp": bytes(8 * 1024**2)}  # zeros: ~1000 to 1
    _refused(make_package("bom.dvk", bomb, package_parts.manifest), "nén bất thường")


@pytest.mark.parametrize("manifest_lies_too", [False, True])
def test_a_member_claiming_less_than_it_unpacks_is_refused(package_parts, make_package, manifest_lies_too):
    # The central directory says smaller than the stream holds: never read past the declared size.
    manifest = json.loads(json.dumps(package_parts.manifest))
    declared = len(package_parts.members[DATA_ENTRY])
    if manifest_lies_too:
        manifest["members"][DATA_ENTRY]["size"] = declared - 100
    path = make_package("nói dối.dvk", package_parts.members, manifest, rehash=False)
    raw = path.read_bytes()
    liar = raw.replace(declared.to_bytes(4, "little"), (declared - 100).to_bytes(4, "little"))
    assert liar.count((declared - 100).to_bytes(4, "little")) >= 2  # the local header and the central directory
    path.write_bytes(liar)
    _refused(path, "không khớp với bảng kê|bị hỏng")


def test_extract_refuses_a_package_changed_since_it_was_read(sent, tmp_path):
    package = read_package(sent.path)
    stored = package.files[0]
    with zipfile.ZipFile(sent.path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    members[FILES_PREFIX + stored] = bytes(len(members[FILES_PREFIX + stored]))  # same size, other bytes
    with zipfile.ZipFile(sent.path, "w") as archive:
        for name, raw in members.items():
            archive.writestr(name, raw)
    dest = tmp_path / "nhận" / stored
    with pytest.raises(PackageRefused, match="đã bị thay đổi"):
        package.extract(stored, dest)
    assert not dest.exists() and not list(dest.parent.glob("*"))
    with pytest.raises(PackageRefused, match="không có tệp"):
        package.extract("../ngoài.jpg", tmp_path / "ngoài.jpg")
    assert not (tmp_path / "ngoài.jpg").exists()


def test_a_manifest_without_the_senders_uuid_is_refused(package_parts, make_package):
    manifest = json.loads(json.dumps(package_parts.manifest))
    manifest["office"]["uuid"] = " "
    _refused(make_package("không mã.dvk", package_parts.members, manifest), "bảng kê")


def test_two_members_one_file_on_windows_are_refused(package_parts, make_package):
    stored = next(n for n in package_parts.members if n.startswith(FILES_PREFIX))
    members = {**package_parts.members, stored.upper().replace("FILES/", FILES_PREFIX): b"\xff\xd8 other"}
    _refused(make_package("hoa thường.dvk", members, package_parts.manifest), "trùng tên")
