"""Units with their kind and level: the service's checks, the statistics that group by kind, and ``units`` CLI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import domain
from desktop_app.documents import statistics as statistics_report
from desktop_app.errors import AppError, NotFoundError, ValidationError
from desktop_app.services import catalogues, statistics, units
from desktop_app.services.models import ModelInput, create_model
from desktop_app.services.units import UnitInput
from desktop_app.storage.models import Unit

ROOT = Path(__file__).resolve().parents[2]


def _kind(name: str) -> int:
    return catalogues.find("unit_kind", name).id


def _level(name: str) -> int:
    return catalogues.find("level", name).id


def _model(name: str, unit_id: int | None, *, kind: str = domain.KIND_COLLECTIVE, year: int = 2024) -> int:
    return create_model(
        ModelInput(name=name, year=year, field_id=catalogues.find("field", "Kinh tế").id, kind=kind, unit_id=unit_id)
    )


def test_create_and_update_carry_kind_level_and_the_other_fields(db):
    commune = units.create_unit("Xã Đạ Đờn", kind_id=_kind("Chính quyền"), level_id=_level("Cơ sở (xã, phường)"))
    assert (commune.kind, commune.level) == ("Chính quyền", "Cơ sở (xã, phường)")
    data = UnitInput(
        name="  Hội Nông dân   xã Đạ Đờn ",
        kind_id=_kind("Hội cấp xã"),
        level_id=commune.level_id,
        parent_id=commune.id,
        address="thôn Đạ Ty",
        note="thành lập 1990",
    )
    farmers = units.save_unit(data)
    assert (farmers.name, farmers.kind, farmers.level, farmers.parent_id, farmers.address, farmers.note) == (
        "Hội Nông dân xã Đạ Đờn",
        "Hội cấp xã",
        "Cơ sở (xã, phường)",
        commune.id,
        "thôn Đạ Ty",
        "thành lập 1990",
    )

    edited = farmers.to_input()
    edited.kind_id, edited.level_id, edited.parent_id = _kind("Mặt trận và đoàn thể"), _level("Huyện"), None
    after = units.save_unit(edited, farmers.id)
    assert (after.kind, after.level, after.parent_id, after.address) == (
        "Mặt trận và đoàn thể",
        "Huyện",
        None,
        "thôn Đạ Ty",
    )
    # The keyword form changes only what it is given; 0 clears the kind.
    partial = units.update_unit(farmers.id, kind_id=0, note="")
    assert (partial.kind, partial.kind_id, partial.level, partial.note) == ("", None, "Huyện", "")


def test_kind_and_level_must_exist_and_be_shown(db):
    with pytest.raises(ValidationError) as missing:
        units.create_unit("Chi bộ thôn 1", kind_id=987654)
    assert missing.value.key == "kind" and "không còn trong danh mục" in str(missing.value)
    with pytest.raises(ValidationError) as missing_level:
        units.create_unit("Chi bộ thôn 1", level_id=987654)
    assert missing_level.value.key == "level"
    assert units.find_unit("Chi bộ thôn 1") is None  # nothing half-created

    hamlet = units.create_unit("Thôn Đạ Ty", kind_id=_kind("Khu dân cư"))
    catalogues.update("unit_kind", _kind("Khu dân cư"), active=False)
    with pytest.raises(ValidationError, match="đã bị ẩn") as hidden:
        units.create_unit("Thôn Đa Cát", kind_id=_kind("Khu dân cư"))
    assert hidden.value.key == "kind"
    # A unit that already has the now hidden kind can still be edited without losing it.
    assert units.update_unit(hamlet.id, address="xã Đạ Đờn").kind == "Khu dân cư"
    catalogues.update("level", _level("Huyện"), active=False)
    with pytest.raises(ValidationError, match="đã bị ẩn"):
        units.update_unit(hamlet.id, level_id=_level("Huyện"))


def test_duplicate_names_refused_ignoring_diacritics_and_case(db):
    district = units.create_unit("Huyện Lâm Hà")
    commune = units.create_unit("Xã Tân Hà", parent_id=district.id)
    with pytest.raises(ValidationError) as same:
        units.create_unit("XÃ TÂN HÀ")
    assert same.value.key == "name"
    assert "«XÃ TÂN HÀ» đã có trong danh sách đơn vị" in str(same.value) and "«Xã Tân Hà»" in str(same.value)
    # Under another parent is still the same name: units are picked by name in the editor and imports.
    with pytest.raises(ValidationError, match="đã có"):
        units.create_unit("xa tan ha", parent_id=commune.id)
    other = units.create_unit("Xã Tân Văn", parent_id=district.id)
    with pytest.raises(ValidationError, match="đã có"):
        units.update_unit(other.id, name="Xa Tan Ha")
    # Respelling a unit's own name is not a clash with itself.
    assert units.update_unit(commune.id, name="XÃ TÂN HÀ").name == "XÃ TÂN HÀ"
    with pytest.raises(ValidationError, match="không được để trống"):
        units.update_unit(commune.id, name="   ")


def test_parent_checks_and_lookup(db):
    district = units.create_unit("Huyện Lâm Hà")
    commune = units.create_unit("Xã Mê Linh", parent_id=district.id)
    hamlet = units.create_unit("Thôn Đại Ninh", parent_id=commune.id)
    data = district.to_input()
    data.parent_id = hamlet.id
    with pytest.raises(ValidationError, match="đơn vị con") as loop:
        units.save_unit(data, district.id)
    assert loop.value.key == "parent"
    assert {u.id for u in units.parent_choices(district.id)} == set()
    assert {u.id for u in units.parent_choices(commune.id)} == {district.id}
    assert {u.id for u in units.parent_choices()} == {district.id, commune.id, hamlet.id}
    assert units.lookup_unit("THON DAI NINH").id == hamlet.id
    assert units.lookup_unit(commune.uuid).id == commune.id
    with pytest.raises(NotFoundError, match="«Thôn Không Có»"):
        units.lookup_unit("Thôn Không Có")
    with pytest.raises(NotFoundError):
        units.save_unit(UnitInput(name="Gì đó"), 987654)


def test_same_named_units_of_an_older_database_stay_editable(db):
    # Before names were unique across the tree, two communes could each have a «Thôn 1».
    first = Unit.create(name="Thôn 1", parent=units.create_unit("Xã Gia Lâm").id)
    Unit.create(name="Thôn 1", parent=units.create_unit("Xã Tân Văn").id)
    assert units.update_unit(first.id, kind_id=_kind("Khu dân cư")).kind == "Khu dân cư"
    with pytest.raises(AppError, match="Có nhiều đơn vị tên «thon 1»; hãy chỉ rõ bằng mã UUID"):
        units.lookup_unit("thon 1")
    assert units.lookup_unit(first.uuid).kind == "Khu dân cư"


def test_catalogue_match_for_typed_names(db):
    assert catalogues.match("unit_kind", "HOI CAP XA").name == "Hội cấp xã"
    assert catalogues.match("unit_kind", "đoàn thể").name == "Mặt trận và đoàn thể"  # the only one containing it
    assert catalogues.match("level", "co so").name == "Cơ sở (xã, phường)"
    with pytest.raises(ValidationError) as unknown:
        catalogues.match("unit_kind", "Câu lạc bộ")
    assert "không có trong danh mục" in str(unknown.value) and "Hội cấp xã; Lực lượng vũ trang" in str(unknown.value)
    with pytest.raises(ValidationError, match="khớp với nhiều mục") as many:
        catalogues.match("unit_kind", "c")
    assert "Chính quyền" in str(many.value)


def test_statistics_group_models_by_the_kind_of_their_unit(db):
    party = units.create_unit("Đảng ủy xã Phúc Thọ", kind_id=_kind("Tổ chức đảng"))
    women = units.create_unit("Hội Liên hiệp Phụ nữ xã Phúc Thọ", kind_id=_kind("Hội cấp xã"))
    unsorted = units.create_unit("Tổ hợp tác cà phê Phúc Thọ")
    _model("Dân vận khéo trong xây dựng nông thôn mới", party.id)
    _model("Nuôi heo đất giúp hội viên nghèo", women.id)
    _model("Chị Nguyễn Thị Lan vận động hiến đất", women.id, kind=domain.KIND_INDIVIDUAL)
    _model("Cà phê sạch", unsorted.id)
    _model("Không rõ đơn vị", None)
    stats = statistics.year_stats(2024)
    assert stats.by_unit_kind == {"Tổ chức đảng": 1, "Hội cấp xã": 2, statistics.NO_UNIT_KIND: 2}
    report = statistics_report.gather(2024)
    assert {name: tally.total_registered for name, tally in report.by_unit_kind.items()} == stats.by_unit_kind
    assert report.by_unit_kind["Hội cấp xã"].registered[domain.KIND_INDIVIDUAL] == 1
    # Giving the unknown unit its kind moves its model out of «Chưa phân loại».
    units.update_unit(unsorted.id, kind_id=_kind("Hội cấp xã"))
    assert statistics.year_stats(2024).by_unit_kind == {"Tổ chức đảng": 1, "Hội cấp xã": 3, statistics.NO_UNIT_KIND: 1}


# ---------------------------------------------------------------------------------------- command line
def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "desktop_app", "--db", str(db), *args]
    return subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _ok(db: Path, *args: str) -> str:
    result = run(db, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_cli_units_add_edit_list(tmp_path):
    db = tmp_path / "Nguyễn Văn A" / "đơn vị.db"
    added = json.loads(
        _ok(
            db,
            "units",
            "add",
            "Xã Đạ Đờn",
            "--kind",
            "CHINH QUYEN",
            "--level",
            "co so",
            "--address",
            "huyện Lâm Hà",
            "--json",
        )
    )
    assert (added["name"], added["kind"], added["level"], added["address"]) == (
        "Xã Đạ Đờn",
        "Chính quyền",
        "Cơ sở (xã, phường)",
        "huyện Lâm Hà",
    )
    text = _ok(db, "units", "add", "Hội Nông dân xã Đạ Đờn", "--parent", "xa da don", "--kind", "hoi cap xa")
    assert "Đã thêm đơn vị: Hội Nông dân xã Đạ Đờn — Hội cấp xã, chưa có cấp." in text

    edited = json.loads(
        _ok(
            db,
            "units",
            "edit",
            "HOI NONG DAN XA DA DON",
            "--name",
            "Hội Nông dân xã Đạ Đờn (mới)",
            "--level",
            "Cơ sở (xã, phường)",
            "--json",
        )
    )
    assert (edited["name"], edited["kind"], edited["level"], edited["parent"], edited["parent_uuid"]) == (
        "Hội Nông dân xã Đạ Đờn (mới)",
        "Hội cấp xã",
        "Cơ sở (xã, phường)",
        "Xã Đạ Đờn",
        added["uuid"],
    )
    cleared = json.loads(_ok(db, "units", "edit", added["uuid"], "--kind", "", "--json"))
    assert (cleared["kind"], cleared["level"]) == ("", "Cơ sở (xã, phường)")

    listed = json.loads(_ok(db, "units", "--json"))
    assert [(u["name"], u["kind"], u["level"], u["parent"]) for u in listed] == [
        ("Hội Nông dân xã Đạ Đờn (mới)", "Hội cấp xã", "Cơ sở (xã, phường)", "Xã Đạ Đờn"),
        ("Xã Đạ Đờn", "", "Cơ sở (xã, phường)", ""),
    ]
    tree = _ok(db, "units").splitlines()
    assert tree == [
        "Xã Đạ Đờn — chưa phân loại, Cơ sở (xã, phường)",
        "  Hội Nông dân xã Đạ Đờn (mới) — Hội cấp xã, Cơ sở (xã, phường)",
        "Tổng cộng: 2 đơn vị.",
    ]


def test_cli_units_refusals_are_one_vietnamese_line(tmp_path):
    db = tmp_path / "đơn vị.db"
    _ok(db, "units", "add", "Xã Phi Tô")
    unknown = run(db, "units", "add", "Chi hội thôn 2", "--kind", "câu lạc bộ")
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr.startswith("Lỗi: Loại đơn vị: «câu lạc bộ» không có trong danh mục. Chọn một trong: ")
    assert "Mặt trận và đoàn thể" in unknown.stderr and len(unknown.stderr.strip().splitlines()) == 1
    bad_level = run(db, "units", "edit", "xa phi to", "--level", "Trung ương")
    assert bad_level.returncode == 1 and "Cấp: «Trung ương» không có trong danh mục" in bad_level.stderr
    duplicate = run(db, "units", "add", "XÃ PHI TÔ")
    assert duplicate.returncode == 1 and "đã có trong danh sách đơn vị" in duplicate.stderr
    missing = run(db, "units", "edit", "Xã Không Có", "--kind", "Chính quyền")
    assert missing.returncode == 1 and "Không tìm thấy đơn vị «Xã Không Có»" in missing.stderr
    assert json.loads(_ok(db, "units", "--json"))[0]["kind"] == ""  # nothing changed by the refusals
