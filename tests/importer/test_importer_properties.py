"""Random cells and layouts: the importer answers with a plan or a Vietnamese refusal, never a crash,
and an import is all or nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from desktop_app.errors import AppError
from desktop_app.importer import apply_plan, build_plan
from desktop_app.storage.models import MoHinh, Unit

HEADERS = [
    "STT",
    "Tên mô hình, điển hình",
    "Đơn vị thực hiện",
    "Lĩnh vực",
    "Loại",
    "Cấp",
    "Năm",
    "Kết quả",
    "Ghi chú",
    "Địa bàn",
]
cells = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=40).map(lambda t: "".join(ch for ch in t if ch.isprintable())),
    st.sampled_from(
        [
            "Kinh tế",
            "VĂN HOÁ - XÃ HỘI",
            "Tổng cộng",
            "I. KINH TẾ",
            "Cá nhân",
            "V¨n hãa",
            "Vaên hoùa",
            "2024",
            "Cơ sở",
            "",
            "Hội Nông dân xã Tân Hà",
        ]
    ),
)


@st.composite
def layouts(draw):
    title_rows = draw(st.integers(0, 6))
    headers = draw(st.permutations(HEADERS))[: draw(st.integers(1, len(HEADERS)))]
    rows = draw(st.lists(st.lists(cells, min_size=len(headers), max_size=len(headers)), max_size=12))
    return title_rows, headers, rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(layout=layouts())
def test_random_layouts_never_crash_and_never_half_import(demo_db, layout):
    title_rows, headers, rows = layout
    wb = Workbook()
    ws = wb.active
    for i in range(title_rows):
        ws.append([f"Tiêu đề {i}"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ngẫu nhiên.xlsx"
        wb.save(path)
        before_models, before_units = MoHinh.select().count(), Unit.select().count()
        try:
            plan = build_plan(path, year=2031)
        except AppError:
            assert MoHinh.select().count() == before_models
            return
        result = apply_plan(plan)
        assert MoHinh.select().count() == before_models + result.imported
        assert result.imported == len(plan.importable)
        assert Unit.select().count() == before_units + len(result.created_units)
        MoHinh.delete().where(MoHinh.year == 2031).execute()
