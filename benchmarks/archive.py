"""A province archive for the benchmarks: deterministic (seeded), built once and cached.

``archive_path(spec)`` returns the path of a closed database file (attachments folder beside it) holding
``spec.models`` models over ``spec.years`` years ending at ``spec.end_year``: a unit tree (tỉnh → huyện → xã →
organisations of the xã), Vietnamese model names, fields, levels, 1–3 indicators each with categories,
evidence rows with tiny files, a council of 7 per year scoring ``spec.scored`` models on the default criteria,
and a few history batches made through the services.

Catalogues, office, units, council and criteria go through the services (they are few); models, indicators,
attachments, status rows and scores are bulk-inserted in one transaction with the columns the services compute
(``text.fold``, ``text.sort_key_text``, ``registration.search_text``) — the services take about 5 ms a model,
eight minutes for 100,000.  The file lands in the cache folder under a name made of the parameters, the
generator's version and the schema version, so every run after the first reuses it.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sys
import time
import uuid as _uuid
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GENERATOR_VERSION = 1


@dataclass(frozen=True)
class ArchiveSpec:
    models: int = 100_000
    years: int = 15
    end_year: int = 2025
    units: int = 2_000
    scored: int = 20_000
    last_year_models: int = 2_000  # the working year: the "2,000-model year" the measures use
    members: int = 7
    attachments_every: int = 10  # one model in this many has evidence files
    seed: int = 17

    @property
    def first_year(self) -> int:
        return self.end_year - self.years + 1

    def key(self) -> str:
        from desktop_app.storage.migrations import latest_version

        parts = "-".join(f"{k}{v}" for k, v in asdict(self).items())
        return f"tinh-{parts}-g{GENERATOR_VERSION}-s{latest_version()}"


FULL = ArchiveSpec()
QUICK = ArchiveSpec(models=3_000, units=300, scored=600, last_year_models=600)
SCORING = ArchiveSpec(models=300, years=1, units=60, scored=300, last_year_models=300, attachments_every=50)


def tiny(models: int = 300) -> ArchiveSpec:
    """An archive small enough for the smoke test."""
    return ArchiveSpec(
        models=models, years=3, units=20, scored=models // 5, last_year_models=models // 3, attachments_every=20
    )


def cache_dir() -> Path:
    env = os.environ.get("DVK_BENCH_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("SoDanVanKheo")) / "benchmarks"


def archive_path(spec: ArchiveSpec, *, verbose: bool = False) -> Path:
    """The cached archive of ``spec``, built first when missing."""
    folder = cache_dir() / spec.key()
    path = folder / "luu-tru.db"
    if path.is_file() and (folder / "ok").is_file():
        return path
    if folder.exists():
        shutil.rmtree(folder)
    work = cache_dir() / f"{spec.key()}.dang-dung-{os.getpid()}"
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    start = time.perf_counter()
    build(spec, work / "luu-tru.db")
    from desktop_app.storage.integrity import check_file

    report = check_file(work / "luu-tru.db")
    if not report.ok:
        raise RuntimeError(f"the generated archive fails the check: {report.problems}")
    (work / "ok").write_text(f"{time.perf_counter() - start:.1f} s\n", encoding="utf-8")
    try:
        work.rename(folder)
    except OSError:  # another run built the same archive meanwhile: keep theirs
        shutil.rmtree(work, ignore_errors=True)
        if not path.is_file():
            raise
    if verbose:
        print(f"archive {spec.key()} built in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return path


def copy_archive(spec: ArchiveSpec, target: Path) -> Path:
    """A private copy of the archive (database and attachments) for a measure that writes."""
    source = archive_path(spec)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    files = source.with_name(source.name + ".files")
    if files.is_dir():
        shutil.copytree(files, target.with_name(target.name + ".files"), dirs_exist_ok=True)
    return target


# ----------------------------------------------------------------- Vietnamese material

SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô")
MIDDLE = ("Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Quốc", "Kim", "Xuân", "Công", "Thu")
GIVEN: tuple[str, ...] = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hòa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
)
GIVEN += ("Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Yến")
PLACE_A: tuple[str, ...] = (
    "Tân",
    "Phú",
    "Đạ",
    "Liên",
    "Hòa",
    "Lộc",
    "Đức",
    "Gia",
    "Xuân",
    "Bảo",
    "Đinh",
    "Phước",
    "Ninh",
    "Tiên",
)
PLACE_A += ("Quảng", "Đông", "Nam", "Mê", "Đam", "Di", "Lạc", "Hiệp", "Thạnh", "Long")
PLACE_B: tuple[str, ...] = (
    "Hà",
    "Lâm",
    "Đờn",
    "Thanh",
    "Hiệp",
    "Văn",
    "Sơn",
    "An",
    "Lộc",
    "Thành",
    "Bình",
    "Phát",
    "Linh",
    "Mỹ",
)
PLACE_B += ("Trung", "Lợi", "Thuận", "Hưng", "Rông", "Nghĩa", "Tiến", "Phong", "Hòa", "Khánh")
ORGANISATIONS = (
    "Hội Liên hiệp Phụ nữ",
    "Hội Nông dân",
    "Hội Cựu chiến binh",
    "Đoàn Thanh niên",
    "Ủy ban Mặt trận Tổ quốc",
    "Công an",
    "Ủy ban nhân dân",
    "Trường Tiểu học",
    "Trạm Y tế",
    "Chi hội Người cao tuổi",
    "Ban Chỉ huy Quân sự",
)
ACTIVITIES = (
    "Nuôi bò sinh sản giúp hộ nghèo",
    "Thắp sáng đường quê",
    "Tủ sách cộng đồng",
    "Vay vốn xoay vòng phát triển kinh tế",
    "Con đường hoa",
    "Thu gom rác thải nhựa",
    "Hũ gạo tình thương",
    "Camera an ninh khu dân cư",
    "Chuyển đổi số trong cải cách hành chính",
    "Hiến đất làm đường giao thông nông thôn",
    "Dân vận khéo trong xây dựng nông thôn mới",
    "Ve chai gây quỹ giúp học sinh nghèo",
    "Phụ nữ đồng bào dân tộc thiểu số khởi nghiệp",
    "Tổ tự quản an ninh trật tự",
    "Trồng cà phê xen cây ăn quả",
    "Xây nhà tình nghĩa cho gia đình chính sách",
    "Sạch nhà, đẹp ngõ",
    "Bữa cơm có thịt cho trẻ em vùng cao",
    "Chợ phiên không tiền mặt",
    "Dòng họ tự quản, học tập suốt đời",
)
PLACES_IN = ("tại thôn", "ở tổ dân phố", "tại buôn", "ở khu phố")
INDIVIDUAL_DEEDS = (
    "tích cực hiến đất làm đường",
    "giúp đồng bào phát triển kinh tế",
    "vận động con em đến trường",
    "gương mẫu trong công tác dân vận",
    "giúp nhiều hộ thoát nghèo",
)
# (name, unit of measure, category index in the default catalogue or None, lowest, highest)
INDICATORS = (
    ("Số tiền vận động được", "đồng", 0, 5_000_000, 900_000_000),
    ("Giá trị công trình", "đồng", 1, 20_000_000, 3_000_000_000),
    ("Số hộ được hỗ trợ", "hộ", 2, 3, 400),
    ("Số người được giúp đỡ", "người", 3, 5, 900),
    ("Số hộ thoát nghèo", "hộ", 4, 1, 60),
    ("Lượt người tham gia", "lượt người", 5, 20, 5_000),
    ("Ngày công đóng góp", "ngày công", 6, 10, 3_000),
    ("Diện tích đất hiến", "m²", 7, 50, 20_000),
    ("Số tuyến đường được thắp sáng", "tuyến", None, 1, 30),
)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _place_names(rng: random.Random, count: int) -> list[str]:
    from desktop_app.text import fold

    seen: set[str] = set()
    names = []
    for a in PLACE_A:
        for b in PLACE_B:
            # Unit names are unique ignoring diacritics: «Gia Thanh» and «Gia Thành» cannot both be.
            if a != b and fold(f"{a} {b}") not in seen:
                seen.add(fold(f"{a} {b}"))
                names.append(f"{a} {b}")
    rng.shuffle(names)
    if count > len(names):
        names += [f"{name} {i}" for i in range(2, 2 + count // len(names)) for name in list(names)]
    return names[:count]


# ----------------------------------------------------------------- the build


def _units(rng: random.Random, spec: ArchiveSpec) -> list[int]:
    """The unit tree through the services: the province, its districts, communes, organisations of communes."""
    from desktop_app.services import catalogues, units

    kinds = {k.name: k.id for k in catalogues.list_items("unit_kind")}
    levels = [lv.id for lv in catalogues.list_items("level")]
    base, district_level, province_level = levels[0], levels[1], levels[-1]
    government = kinds.get("Chính quyền")
    front = kinds.get("Mặt trận và đoàn thể")
    province = units.create_unit("Tỉnh Lâm Đồng", kind_id=government, level_id=province_level).id
    made = [province]
    districts = max(1, spec.units // 160)
    communes = max(2, spec.units // 14)
    names = _place_names(rng, districts + communes)
    district_ids = []
    for name in names[:districts]:
        district_ids.append(
            units.create_unit(f"Huyện {name}", kind_id=government, level_id=district_level, parent_id=province).id
        )
    made += district_ids
    commune_names = names[districts:]
    commune_ids = []
    for i, name in enumerate(commune_names):
        word = "Phường" if i % 5 == 0 else "Xã"
        unit = units.create_unit(
            f"{word} {name}", kind_id=government, level_id=base, parent_id=district_ids[i % len(district_ids)]
        )
        commune_ids.append((unit.id, f"{word.lower()} {name}"))
    made += [c for c, _ in commune_ids]
    position = 0
    while len(made) < spec.units:
        commune, label = commune_ids[position % len(commune_ids)]
        organisation = ORGANISATIONS[(position // len(commune_ids)) % len(ORGANISATIONS)]
        round_ = position // (len(commune_ids) * len(ORGANISATIONS))
        name = f"{organisation} {label}" + (f" (chi hội {round_ + 1})" if round_ else "")
        made.append(units.create_unit(name, kind_id=front, level_id=base, parent_id=commune).id)
        position += 1
    return made


def _year_sizes(spec: ArchiveSpec) -> dict[int, int]:
    last = min(spec.last_year_models, spec.models)
    earlier = list(range(spec.first_year, spec.end_year))
    sizes = {spec.end_year: last}
    rest = spec.models - last
    for i, year in enumerate(earlier):
        sizes[year] = rest // len(earlier) + (1 if i < rest % len(earlier) else 0)
    if not earlier:
        sizes[spec.end_year] = spec.models
    return dict(sorted(sizes.items()))


def _office(year: int) -> None:
    from desktop_app.office import STYLE_PARTY, STYLE_STATE, Identity, OfficeInfo
    from desktop_app.services import settings

    settings.save_office(
        OfficeInfo(
            place_name="Lâm Đồng",
            area_name="tỉnh Lâm Đồng",
            document_style=STYLE_PARTY,
            current_year=year,
            own_level="Tỉnh",
            identities={
                STYLE_PARTY: Identity(
                    issuing_body="TỈNH ỦY LÂM ĐỒNG",
                    superior_body="ĐẢNG BỘ TỈNH LÂM ĐỒNG",
                    signing_authority="T/M BAN THƯỜNG VỤ",
                    signer_title="PHÓ BÍ THƯ",
                    signer_name="Nguyễn Văn Bình",
                    symbol="TU",
                ),
                STYLE_STATE: Identity(
                    issuing_body="ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG",
                    signing_authority="TM. ỦY BAN NHÂN DÂN",
                    signer_title="CHỦ TỊCH",
                    signer_name="Trần Văn Hòa",
                    symbol="UBND",
                ),
            },
        )
    )


def _executemany(table: str, columns: list[str], rows: list[tuple[object, ...]]) -> None:
    from desktop_app.storage.models import database_proxy

    names = ", ".join(f'"{c}"' for c in columns)
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
    cursor = database_proxy.connection().cursor()
    cursor.executemany(sql, rows)


def _model_columns() -> list[str]:
    from desktop_app.storage.models import MoHinh

    return [f.column_name for f in MoHinh._meta.sorted_fields]


def build(spec: ArchiveSpec, path: Path) -> None:
    from desktop_app import domain, registration
    from desktop_app.appraisal import council
    from desktop_app.appraisal.criteria import criteria_set_for
    from desktop_app.services import catalogues
    from desktop_app.services.models import ModelInput, create_model, update_model
    from desktop_app.storage.database import open_database
    from desktop_app.storage.models import Year, database_proxy
    from desktop_app.text import fold, sort_key_text

    rng = random.Random(spec.seed)
    database = open_database(path)
    try:
        # Building, not measuring: no waiting for the disk at each of the services' commits.
        database.db.execute_sql("PRAGMA synchronous = OFF")
        catalogues.ensure_defaults()
        _office(spec.end_year)
        with database_proxy.atomic():
            unit_ids = _units(rng, spec)
        fields = [f.id for f in catalogues.list_items("field")]
        levels = [lv.id for lv in catalogues.list_items("level")]
        categories = [c.id for c in catalogues.list_items("indicator_category")]
        sizes = _year_sizes(spec)
        scored_years = [y for y in sorted(sizes, reverse=True) if y != spec.end_year or spec.years == 1]
        # The council and criteria of every scored year, through the services.
        wanted = spec.scored
        scored_counts: dict[int, int] = {}
        for year in scored_years:
            if wanted <= 0:
                break
            take = min(wanted, sizes[year], 2_000)
            scored_counts[year] = take
            wanted -= take
        members: dict[int, list[int]] = {}
        criteria: dict[tuple[int, str], list[tuple[int, float]]] = {}
        for year in scored_counts:
            members[year] = [
                council.add_member(year, _person(rng), title=title, role=role)
                for title, role in [("Phó Trưởng ban Dân vận", "Chủ tịch Hội đồng")]
                + [("Chuyên viên", "Ủy viên")] * (spec.members - 1)
            ]
            for kind in domain.KINDS:
                found = criteria_set_for(year, kind)
                criteria[(year, kind)] = [(c.id, float(c.max_points)) for c in found.criteria]

        columns = _model_columns()
        stamp = f"{spec.end_year}-01-15 08:00:00"
        model_rows: list[tuple[object, ...]] = []
        status_rows: list[tuple[object, ...]] = []
        indicator_rows: list[tuple[object, ...]] = []
        attachment_rows: list[tuple[object, ...]] = []
        score_rows: list[tuple[object, ...]] = []
        files: list[tuple[str, bytes]] = []
        model_id = 0
        by_year: dict[int, list[int]] = {}
        for year, count in sizes.items():
            Year.get_or_create(year=year)
            scored_left = scored_counts.get(year, 0)
            for _ in range(count):
                model_id += 1
                by_year.setdefault(year, []).append(model_id)
                individual = rng.random() < 0.2
                kind = domain.KIND_INDIVIDUAL if individual else domain.KIND_COLLECTIVE
                place = f"{rng.choice(PLACES_IN)} {rng.randint(1, 12)}, {rng.choice(PLACE_A)} {rng.choice(PLACE_B)}"
                person = _person(rng) if individual else ""
                if individual:
                    name = f"{'Ông' if ' Thị ' not in person else 'Bà'} {person} {rng.choice(INDIVIDUAL_DEEDS)}"
                else:
                    name = f"{rng.choice(ACTIVITIES)} {place}"
                values: dict[str, object] = {
                    "address": place,
                    "person_name": person,
                    "area": f"Các hộ dân {place}",
                }
                scored = scored_left > 0
                if scored:
                    scored_left -= 1
                    status = domain.RECOGNISED if rng.random() < 0.75 else domain.NOT_RECOGNISED
                elif year == spec.end_year:
                    status = rng.choice((domain.REGISTERED, domain.IN_PROGRESS, domain.IN_PROGRESS, domain.PROPOSED))
                else:
                    status = rng.choice(
                        (
                            domain.RECOGNISED,
                            domain.NOT_RECOGNISED,
                            domain.IN_PROGRESS,
                            domain.WITHDRAWN,
                            domain.RETURNED,
                            domain.RECOGNISED,
                        )
                    )
                registered = date(year, 1, 1) + timedelta(days=rng.randint(10, 120))
                continues = None
                if year > spec.first_year and rng.random() < 0.1:
                    continues = rng.choice(by_year[year - 1][:200]) if by_year.get(year - 1) else None
                row = {
                    "id": model_id,
                    "uuid": str(_uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "year": year,
                    "name": name,
                    "name_fold": fold(name),
                    "name_sort": sort_key_text(name),
                    "kind": kind,
                    "field_id": rng.choice(fields),
                    "level_id": rng.choice(levels),
                    "unit_id": rng.choice(unit_ids),
                    "status": status,
                    "address": place,
                    "situation": "",
                    "objectives": "",
                    "content": "Tuyên truyền, vận động nhân dân cùng tham gia; huy động nguồn lực xã hội hóa.",
                    "area": values["area"],
                    "forces": "",
                    "resources": "",
                    "start_date": registered.isoformat(),
                    "end_date": date(year, 12, 31).isoformat(),
                    "milestones": "",
                    "outputs": "",
                    "sustainability": "",
                    "result_text": "Được nhân dân đồng tình hưởng ứng.",
                    "lead_name": "" if individual else _person(rng),
                    "lead_position": "",
                    "lead_phone": "",
                    "person_name": person,
                    "person_honorific": ("Bà" if " Thị " in person else "Ông") if individual else "",
                    "person_birth_year": rng.randint(1950, 2000) if individual else None,
                    "person_position": "",
                    "person_address": place if individual else "",
                    "note": "",
                    "continues_id": continues,
                    "replicates_id": None,
                    "search_fold": registration.search_text(name, values),
                    "created_at": f"{registered.isoformat()} 08:00:00",
                    "updated_at": f"{registered.isoformat()} 08:00:00",
                    "version": 1,
                    "source_office_id": None,
                    "source_hash": "",
                }
                model_rows.append(tuple(row[c] for c in columns))
                status_rows.append(
                    (model_id, "", status, "", f"{registered.isoformat()} 08:00:00", registered.isoformat())
                )
                for order, item in enumerate(rng.sample(INDICATORS, rng.randint(1, 3)), start=1):
                    label, unit, category, low, high = item
                    achieved = float(rng.randint(low, high))
                    indicator_rows.append(
                        (
                            str(_uuid.UUID(int=rng.getrandbits(128), version=4)),
                            model_id,
                            label,
                            unit,
                            round(achieved * 0.9),
                            achieved,
                            order,
                            "",
                            categories[category] if category is not None and category < len(categories) else None,
                        )
                    )
                if model_id % spec.attachments_every == 0:
                    for n in range(rng.randint(1, 2)):
                        file_uuid = str(_uuid.UUID(int=rng.getrandbits(128), version=4))
                        suffix = ".pdf" if n == 0 else ".jpg"
                        content = f"minh chứng {file_uuid}\n".encode()
                        files.append((file_uuid + suffix, content))
                        attachment_rows.append(
                            (
                                file_uuid,
                                model_id,
                                f"{'Báo cáo kết quả' if n == 0 else 'Ảnh hoạt động'} {model_id}{suffix}",
                                file_uuid + suffix,
                                hashlib.sha256(content).hexdigest(),
                                len(content),
                                "",
                                f"{registered.isoformat()} 09:00:00",
                            )
                        )
                if scored:
                    for member in members[year]:
                        for criterion, top in criteria[(year, kind)]:
                            points = float(min(top, max(0, round(rng.gauss(top * 0.8, top * 0.15)))))
                            score_rows.append((member, model_id, criterion, 1, points, stamp))
        with database_proxy.atomic():
            _executemany("mo_hinh", columns, model_rows)
            _executemany(
                "status_change",
                ["model_id", "from_status", "to_status", "reason", "changed_at", "event_date"],
                status_rows,
            )
            _executemany(
                "indicator",
                [
                    "uuid",
                    "model_id",
                    "name",
                    "unit_of_measure",
                    "target",
                    "achieved",
                    "sort_order",
                    "note",
                    "category_id",
                ],
                indicator_rows,
            )
            _executemany(
                "attachment",
                ["uuid", "model_id", "original_name", "stored_name", "sha256", "size", "caption", "added_at"],
                attachment_rows,
            )
            _executemany(
                "score",
                ["member_id", "model_id", "criterion_id", "keying", "points", "updated_at"],
                score_rows,
            )
        files_dir = database.files_dir
        files_dir.mkdir(parents=True, exist_ok=True)
        for stored, content in files:
            (files_dir / stored).write_bytes(content)
        # A few history batches the way the user makes them: new registrations and edits of the working year.
        year = spec.end_year
        for i in range(min(20, max(2, spec.models // 1000))):
            create_model(
                ModelInput(
                    name=f"Mô hình đăng ký bổ sung số {i + 1}",
                    year=year,
                    field_id=fields[i % len(fields)],
                    unit_id=unit_ids[i % len(unit_ids)],
                )
            )
        from desktop_app.services.models import get_model

        for model in by_year[year][: min(40, len(by_year[year]))]:
            data = get_model(model).data
            data.address = data.address + " (đã cập nhật)"
            update_model(model, data)
    finally:
        database.close()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Build (or find) the cached benchmark archive.")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--models", type=int)
    args = parser.parse_args()
    chosen = QUICK if args.quick else FULL
    if args.models:
        chosen = tiny(args.models)
    print(archive_path(chosen, verbose=True))
