"""``package export|import|offices`` on the command line: the dry run's JSON is the preview's, the real run agrees."""

from __future__ import annotations

import json

import pytest

from desktop_app.cli import main
from desktop_app.exchange.merge import plan_merge
from desktop_app.exchange.reader import read_package
from desktop_app.storage import database as storage
from desktop_app.storage.models import MoHinh

YEAR = 2023


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def _close() -> None:
    storage.current().close()  # the command opens the file itself, as it would from another process


def test_export_then_dry_run_json_is_the_preview_and_the_real_run_agrees(two_offices, capsys, tmp_path):
    two_offices.open_sender()
    _close()
    target = tmp_path / "gói từ lệnh.dvk"
    code, out, err = _run(
        capsys,
        "--db",
        str(two_offices.sender),
        "package",
        "export",
        "--year",
        str(YEAR),
        "--out",
        str(target),
        "--json",
    )
    assert code == 0, err
    exported = json.loads(out)
    assert exported["path"] == str(target) and exported["models"] == len(read_package(target).data.models)

    code, out, err = _run(
        capsys, "--db", str(two_offices.upper), "package", "import", str(target), "--dry-run", "--json"
    )
    assert code == 0, err
    dry = json.loads(out)
    for key in ("added", "updated", "unchanged", "conflicts", "rejected", "removed", "office", "year", "file"):
        assert key in dry
    two_offices.open_upper()
    assert MoHinh.select().count() == 0  # the dry run wrote nothing
    assert dry == json.loads(json.dumps(plan_merge(target).to_json(), ensure_ascii=False, default=str))
    _close()

    code, out, err = _run(capsys, "--db", str(two_offices.upper), "package", "import", str(target), "--json")
    assert code == 0, err
    done = json.loads(out)
    assert done["counts"] == dry["counts"]
    assert done["office"]["uuid"] == dry["office"]["uuid"] and done["office"]["new"] and dry["office"]["new"]
    assert done["office"]["id"] is not None and dry["office"]["id"] is None
    for key in ("added", "updated", "unchanged", "conflicts", "rejected", "removed"):
        assert [i["uuid"] for i in done[key]] == [i["uuid"] for i in dry[key]]
    assert done["backup"] and done["batch"]

    two_offices.open_upper()
    assert MoHinh.select().count() == len(dry["added"])
    _close()
    code, out, err = _run(capsys, "--db", str(two_offices.upper), "package", "import", str(target), "--json")
    again = json.loads(out)
    assert code == 0 and again["batch"] is None
    assert again["counts"]["unchanged"] == len(dry["added"]) == sum(again["counts"].values())

    code, out, err = _run(capsys, "--db", str(two_offices.upper), "package", "offices", "--year", str(YEAR), "--json")
    listed = json.loads(out)
    assert code == 0 and len(listed["offices"]) == 1
    assert listed["offices"][0]["sent"] and listed["offices"][0]["package"]["file_name"] == target.name
    code, out, err = _run(capsys, "--db", str(two_offices.upper), "package", "offices", "--year", str(YEAR + 1))
    assert code == 0 and f"chưa gửi gói năm {YEAR + 1}" in out and "0/1 cơ quan đã gửi" in out


def test_text_output_names_the_office_and_counts(two_offices, sent, capsys):
    _close()
    code, out, err = _run(capsys, "--db", str(two_offices.upper), "package", "import", str(sent.path), "--dry-run")
    assert code == 0, err
    models = len(read_package(sent.path).data.models)
    assert "cơ quan mới" in out and f"Sẽ nhận: {models} mới; 0 cập nhật" in out
    code, out, err = _run(capsys, "--db", str(two_offices.upper), "package", "import", str(sent.path))
    assert code == 0, err
    assert f"Đã nhận: {models} mới" in out and "Đã sao lưu trước khi nhận" in out


@pytest.mark.parametrize("argv", [["--accept", "khong-phai-ma"], []])
def test_a_refused_import_is_one_vietnamese_line(two_offices, sent, capsys, tmp_path, argv):
    _close()
    target = sent.path if argv else tmp_path / "không phải gói.dvk"
    if not argv:
        target.write_bytes(b"not a zip at all")
    code, _out, err = _run(capsys, "--db", str(two_offices.upper), "package", "import", str(target), *argv)
    assert code == 1
    assert err.startswith("Lỗi: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err
