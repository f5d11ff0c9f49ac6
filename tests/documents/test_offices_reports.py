"""The upper office's year: lists, score tables and statistics narrowed to chosen sending offices, grouped by them.

The merge (exchange.merge) is another module's; here the models of the demo year are attributed to offices below
directly (``MoHinh.source_office``), as a merge leaves them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop_app import domain
from desktop_app.documents import DOCUMENTS, OFFICES, Options, build_excel, build_pdf, data
from desktop_app.errors import AppError
from desktop_app.services import statistics
from desktop_app.services.models import ModelFilter, count_models, list_models
from desktop_app.storage.models import MoHinh, SourceOffice

from .pdfcheck import overflow, text

YEAR = 2023
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Upper:
    phu_son: int
    tan_ha: int
    silent: int  # in the catalogue, sent nothing this year
    names: dict[int, list[str]]  # office id (0 = own) → names of its models of the year, withdrawn ones left out
    path: Path


@pytest.fixture
def upper(demo_db) -> Upper:
    """The demo district as an upper office: a third of its 2023 models came from Phú Sơn, a third from Tân Hà."""
    phu_son = SourceOffice.create(name="Xã Phú Sơn", area_name="xã Phú Sơn", level="Xã").id
    tan_ha = SourceOffice.create(name="Xã Tân Hà", area_name="xã Tân Hà", level="Xã").id
    silent = SourceOffice.create(name="Xã Đạ Đờn", level="Xã").id
    names: dict[int, list[str]] = {0: [], phu_son: [], tan_ha: []}
    rows = list(MoHinh.select().where(MoHinh.year == YEAR).order_by(MoHinh.id))
    for position, row in enumerate(rows):
        office = (phu_son, tan_ha, 0)[position % 3]
        MoHinh.update(source_office=office or None).where(MoHinh.id == row.id).execute()
        if row.status != domain.WITHDRAWN:
            names[office].append(row.name)
    return Upper(phu_son, tan_ha, silent, names, demo_db.path)


def test_the_filter_takes_the_models_of_the_chosen_offices(upper):
    every = count_models(ModelFilter(year=YEAR))
    own = count_models(ModelFilter(year=YEAR, offices=(0,)))
    phu_son = count_models(ModelFilter(year=YEAR, offices=(upper.phu_son,)))
    tan_ha = count_models(ModelFilter(year=YEAR, offices=(upper.tan_ha,)))
    assert own and phu_son and tan_ha and own + phu_son + tan_ha == every
    assert count_models(ModelFilter(year=YEAR, offices=(0, upper.tan_ha))) == own + tan_ha
    assert count_models(ModelFilter(year=YEAR, offices=(upper.silent,))) == 0
    assert count_models(ModelFilter(year=YEAR, offices=())) == 0  # none chosen: nothing, not everything
    assert count_models(ModelFilter(year=YEAR, offices=None)) == every
    chosen = {r.name for r in list_models(ModelFilter(year=YEAR, offices=(upper.phu_son,)))}
    assert set(upper.names[upper.phu_son]) <= chosen


def test_registrations_of_chosen_offices_grouped_by_office(upper, tmp_path):
    options = Options(YEAR, group_by="office", offices=(0, upper.phu_son))
    path = build_pdf("registrations", options, tmp_path / "đăng ký.pdf")
    assert overflow(path) == []
    pdf = text(path)
    own, phu_son = len(upper.names[0]), len(upper.names[upper.phu_son])
    assert f"I. CƠ QUAN MÌNH (NHẬP TRỰC TIẾP) ({own})" in pdf
    assert f"II. XÃ PHÚ SƠN ({phu_son})" in pdf
    assert "XÃ TÂN HÀ" not in pdf and "Tổng cộng: " + str(own + phu_son) + " mô hình, điển hình" in pdf
    assert "(Gồm mô hình, điển hình của: Cơ quan mình (nhập trực tiếp); Xã Phú Sơn)" in pdf
    for name in upper.names[upper.phu_son][:5]:
        assert name in pdf
    for name in upper.names[upper.tan_ha][:5]:
        assert name not in pdf
    # Every office, grouped: own first, then the offices below in Vietnamese order; the silent one has no group.
    groups = data.registrations(YEAR, "office")
    assert [g.title for g in groups] == [data.OWN_OFFICE, "Xã Phú Sơn", "Xã Tân Hà"]
    assert [len(g.rows) for g in groups] == [len(upper.names[o]) for o in (0, upper.phu_son, upper.tan_ha)]


def test_the_excel_twin_takes_the_same_offices(upper, tmp_path):
    options = Options(YEAR, group_by="office", offices=(upper.tan_ha,))
    sheet = load_workbook(build_excel("registrations", options, tmp_path / "đăng ký.xlsx")).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert f"I. XÃ TÂN HÀ ({len(upper.names[upper.tan_ha])})" in cells
    listed = {c for c in cells if c in set(upper.names[upper.tan_ha]) | set(upper.names[0])}
    assert listed == set(upper.names[upper.tan_ha])


def test_proposal_and_score_table_of_one_office(upper, tmp_path):
    chosen = (upper.tan_ha,)
    results = data.results(YEAR, chosen)
    everyone = {r.model_id: r for r in data.results(YEAR)}
    assert results and {r.name for r in results} <= set(upper.names[upper.tan_ha])
    # The council's ranks over the whole year are kept, not counted anew among the chosen.
    assert all(r.rank == everyone[r.model_id].rank for r in results)
    scores = text(build_pdf("scores", Options(YEAR, offices=chosen), tmp_path / "điểm.pdf"))
    assert "(Gồm mô hình, điển hình của: Xã Tân Hà)" in scores
    assert all(r.name in scores for r in results[:5])
    assert not any(name in scores for name in upper.names[upper.phu_son][:5])
    proposed = [r for r in results if r.recognised and r.members]
    proposal = text(
        build_pdf("recognition", Options(YEAR, proposal=True, group_by="office", offices=chosen), tmp_path / "đn.pdf")
    )
    assert f"I. XÃ TÂN HÀ ({len(proposed)})" in proposal and "LĨNH VỰC" not in proposal
    groups = data.recognition(YEAR, proposal=True, group_by="office")
    assert sum(len(g.rows) for g in groups) == len([r for r in data.results(YEAR) if r.recognised and r.members])


def test_statistics_by_office(upper):
    stats = statistics.year_stats(YEAR)
    by_office = {o.name: o for o in stats.by_office}
    # This office's own first, then the offices below in order, the silent one with zeros.
    assert list(by_office) == [statistics.OWN_OFFICE, "Xã Đạ Đờn", "Xã Phú Sơn", "Xã Tân Hà"]
    assert sum(o.total for o in stats.by_office) == stats.total
    assert sum(o.recognised for o in stats.by_office) == stats.recognised
    assert by_office["Xã Đạ Đờn"].total == 0 and by_office["Xã Đạ Đờn"].indicators == []
    assert by_office["Xã Phú Sơn"].registered == len(upper.names[upper.phu_son])
    for line in stats.indicators:  # each category's total is the sum of the offices' totals
        parts = [i.total for o in stats.by_office for i in o.indicators if i.category == line.category]
        assert sum(parts) == pytest.approx(line.total)
    narrowed = statistics.year_stats(YEAR, (upper.phu_son,))
    assert narrowed.total == by_office["Xã Phú Sơn"].total
    assert [o.name for o in narrowed.by_office] == ["Xã Phú Sơn"]
    assert narrowed.indicator_totals == {i.category: i.total for i in by_office["Xã Phú Sơn"].indicators} | {
        k: 0.0 for k, v in narrowed.indicator_totals.items() if not v
    }
    as_json = narrowed.to_json()["by_office"][0]
    assert as_json["office"] == "Xã Phú Sơn" and as_json["total"] == narrowed.total


def test_statistics_report_has_a_table_by_office(upper, tmp_path):
    path = build_pdf("statistics", Options(YEAR), tmp_path / "thống kê.pdf")
    assert overflow(path) == []
    pdf = text(path)
    assert "Theo cơ quan gửi báo cáo" in pdf
    for name in ("Cơ quan mình (nhập trực tiếp)", "Xã Phú Sơn", "Xã Tân Hà", "Xã Đạ Đờn"):
        assert name in pdf
    narrowed = text(build_pdf("statistics", Options(YEAR, offices=(upper.phu_son,)), tmp_path / "phú sơn.pdf"))
    registered = len(upper.names[upper.phu_son])
    assert "(Gồm mô hình, điển hình của: Xã Phú Sơn)" in narrowed
    assert f"có {registered} mô hình, điển hình đăng ký" in narrowed and "Xã Tân Hà" not in narrowed
    workbook = load_workbook(build_excel("statistics", Options(YEAR), tmp_path / "thống kê.xlsx"))
    assert "Theo cơ quan gửi" in workbook.sheetnames
    first_column = [row[0] for row in workbook["Theo cơ quan gửi"].iter_rows(values_only=True)]
    assert "Xã Phú Sơn" in first_column and "Xã Đạ Đờn" in first_column


def test_an_office_that_receives_no_package_sees_nothing_of_offices(demo_db, tmp_path):
    assert data.report_offices() == [] and statistics.year_stats(YEAR).by_office == []
    pdf = text(build_pdf("statistics", Options(YEAR), tmp_path / "thống kê.pdf"))
    assert "cơ quan gửi" not in pdf.lower()
    assert (
        "Theo cơ quan gửi"
        not in load_workbook(build_excel("statistics", Options(YEAR), tmp_path / "a.xlsx")).sheetnames
    )


def test_offices_are_one_declared_option():
    for code in ("registrations", "recognition", "scores", "statistics"):
        assert OFFICES in DOCUMENTS[code].options and OFFICES in DOCUMENTS[code].takes("excel"), code
    assert OFFICES not in DOCUMENTS["certificates"].options


def test_offices_named_on_the_command_line(upper):
    assert data.resolve_office("here") == data.resolve_office("Cơ quan mình") == 0
    assert data.resolve_office("xa phu son") == upper.phu_son  # diacritics and case ignored
    assert data.resolve_office("Tân Hà") == upper.tan_ha  # part of the name, when only one office has it
    uuid = SourceOffice.get_by_id(upper.silent).uuid
    assert data.resolve_office(uuid.upper()) == upper.silent
    with pytest.raises(AppError, match="khớp với nhiều cơ quan"):
        data.resolve_office("Xã")
    with pytest.raises(AppError, match="Không có cơ quan gửi báo cáo «Xã Lộc Bắc»"):
        data.resolve_office("Xã Lộc Bắc")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "desktop_app", *args]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", env=env, cwd=ROOT, timeout=180)


def test_command_line_offices(upper, tmp_path):
    db = str(upper.path)
    pdf = tmp_path / "đăng ký.pdf"
    argv = ["--db", db, "report", "registrations", "--year", str(YEAR), "--out", str(pdf), "--group-by", "office"]
    result = run(*argv, "--office", "phu son", "--office", "here")
    assert result.returncode == 0, result.stderr
    listed = text(pdf)
    assert "II. XÃ PHÚ SƠN" in listed and "XÃ TÂN HÀ" not in listed
    xlsx = tmp_path / "thống kê.xlsx"
    result = run("--db", db, "export", "statistics", "--year", str(YEAR), "--out", str(xlsx), "--office", "Tân Hà")
    assert result.returncode == 0, result.stderr
    wrong = run(*argv, "--office", "Xã Lộc Bắc")
    assert wrong.returncode == 1 and "Không có cơ quan gửi báo cáo «Xã Lộc Bắc»" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    stats = run("--db", db, "stats", "--year", str(YEAR), "--by-office")
    assert stats.returncode == 0, stats.stderr
    assert "Theo cơ quan gửi báo cáo (đăng ký / công nhận):" in stats.stdout
    assert f"  Xã Phú Sơn: {len(upper.names[upper.phu_son])} / " in stats.stdout
    narrowed = json.loads(run("--db", db, "stats", "--year", str(YEAR), "--office", "here", "--json").stdout)
    assert [o["office"] for o in narrowed["by_office"]] == [data.OWN_OFFICE]
    assert narrowed["total"] == narrowed["by_office"][0]["total"]
