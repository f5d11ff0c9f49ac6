"""Tổng kết giai đoạn: the page computes the span's figures on the worker, follows a new span, and saves the
«Báo cáo tổng kết» as PDF and Excel."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog

from desktop_app import domain
from desktop_app.demo import load_demo
from desktop_app.review.period import YearRow
from desktop_app.storage.models import MoHinh
from ui import worker
from ui.pages.review_chart import nice_top, rate_text
from ui.worker import wait_all


@pytest.fixture
def window(demo_db, qtbot, qapp_font):
    """The main window on the demo with its derived years: 2021, 2022, 2024 and 2025 around the seed's 2023."""
    from ui.main_window import MainWindow

    assert load_demo().other_years.models_added[2021] > 0
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    w.set_year(2023)
    return w


@pytest.fixture(autouse=True)
def jobs_finish_before_the_window_goes(window, qtbot):
    yield
    qtbot.waitUntil(lambda: wait_all(100) and not worker._running, timeout=60000)


def counted(first: int, last: int) -> dict[int, tuple[int, int]]:
    """Registered (not withdrawn) and recognised models per year, counted here from the rows themselves."""
    registered: Counter[int] = Counter()
    recognised: Counter[int] = Counter()
    for model in MoHinh.select(MoHinh.year, MoHinh.status):
        if first <= model.year <= last and model.status != domain.WITHDRAWN:
            registered[model.year] += 1
            recognised[model.year] += model.status == domain.RECOGNISED
    return {year: (registered[year], recognised[year]) for year in range(first, last + 1)}


def open_page(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    page = window.pages["review"]
    with qtbot.waitSignal(page.review_ready, timeout=60000):
        window.show_page("review")
    return page


def test_review_page_follows_the_span_and_saves_the_report(window, qtbot, monkeypatch, tmp_path, no_modal_messages):
    page = open_page(window, qtbot)
    # The default span: the five years up to the working year (2023).
    assert page.span() == (2019, 2023)
    expected = counted(2019, 2023)
    assert [(r.year, r.registered, r.recognised) for r in page.year_rows()] == [
        (year, *expected[year]) for year in range(2019, 2023 + 1)
    ]

    # Another span: the page recomputes by itself.
    with qtbot.waitSignal(page.review_ready, timeout=60000):
        page.last_box.setValue(2025)
        page.first_box.setValue(2021)
    assert page.span() == (2021, 2025)
    expected = counted(2021, 2025)
    assert all(expected[year][0] > 0 for year in expected), "the demo has every year of 2021–2025"
    registered = sum(reg for reg, _ in expected.values())
    recognised = sum(rec for _, rec in expected.values())
    assert page.figure_labels["registered"].text() == str(registered)
    assert page.figure_labels["recognised"].text() == str(recognised)
    assert page.figure_labels["rate"].text() == rate_text(recognised / registered)
    assert "," in page.figure_labels["rate"].text() and page.figure_labels["rate"].text().endswith("%")
    assert page.note.text().startswith(f"Giai đoạn 2021 - 2025: {registered} mô hình")

    # The chart: one pair of bars a year, their heights in proportion to the counts, the rate on the line.
    chart = page.chart
    assert [(r.year, r.registered, r.recognised) for r in chart.rows] == [(y, *expected[y]) for y in range(2021, 2026)]
    layout = chart.chart_layout()
    assert [b.year for b in layout.bars] == list(range(2021, 2026))
    for bars in layout.bars:
        reg, rec = expected[bars.year]
        assert bars.registered.height() == pytest.approx(layout.plot.height() * reg / layout.top)
        assert bars.recognised.height() == pytest.approx(layout.plot.height() * rec / layout.top)
        assert bars.rate is not None
        assert bars.rate.y() == pytest.approx(layout.plot.bottom() - layout.plot.height() * rec / reg)
    assert layout.top >= max(reg for reg, _ in expected.values())
    assert not chart.grab().isNull()

    # The cross table: its last line is the span's total, each year «đăng ký / công nhận».
    table = page.cross_table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[1:6] == ["2021", "2022", "2023", "2024", "2025"]
    total = [table.item(table.rowCount() - 1, c).text() for c in range(table.columnCount())]
    assert total[0] == "Cộng"
    assert total[1:6] == [f"{expected[y][0]} / {expected[y][1]}" for y in range(2021, 2026)]
    assert total[6] == f"{registered} / {recognised}"
    page.breakdown.setCurrentIndex(page.breakdown.findData("kind"))
    kinds = [table.item(r, 0).text() for r in range(table.rowCount() - 1)]
    assert set(kinds) <= {"Tập thể", "Cá nhân"} and kinds[0] == "Tập thể"
    assert page.repeated_table.rowCount() == len(page.figures.repeated)
    assert page.continued_table.rowCount() == len(page.figures.continued) > 0

    # «Lưu PDF…»: the file the dialog gives, built on the worker.
    target = tmp_path / "tổng kết.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target.with_suffix("")), ""))
    page.pdf_button.click()
    qtbot.waitUntil(lambda: ("saved", target) in no_modal_messages, timeout=60000)
    text = " ".join(p.extract_text() for p in PdfReader(str(target)).pages)
    assert "2021" in text and "2025" in text and "tổng kết" in text.lower()

    # «Xuất Excel…» of the same span.
    workbook_path = tmp_path / "tổng kết.xlsx"
    job = page.save_excel(workbook_path)
    assert job is not None
    qtbot.waitUntil(lambda: ("saved", workbook_path) in no_modal_messages, timeout=60000)
    assert len(load_workbook(workbook_path).sheetnames) > 1


def test_a_reversed_span_is_refused_in_place(window, qtbot, no_modal_messages):
    page = open_page(window, qtbot)
    with qtbot.waitSignal(page.review_failed, timeout=10000) as blocker:
        page.first_box.setValue(2025)
        page.last_box.setValue(2022)
    assert "năm đầu (2025) phải trước hoặc bằng năm cuối (2022)" in blocker.args[0]
    assert not page.pdf_button.isEnabled()
    assert page.save_pdf(Path("x.pdf")) is None and no_modal_messages[-1][0] == "warning"


def test_chart_axis_and_empty_years():
    assert nice_top(0) == (4, 1)
    assert nice_top(7) == (8, 2)
    assert nice_top(34) == (40, 10)
    assert nice_top(131) == (150, 50)
    assert rate_text(None) == "–" and rate_text(0.625) == "62,5%"
    assert YearRow(2020, 0, 0).rate is None
