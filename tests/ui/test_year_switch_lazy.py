"""A year switch computes each thing once, and only for what is in front: the results (the heaviest part of a
province's year) wait until the results tab or the Công nhận screen is shown; starting the window loads the
remembered page once."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

import desktop_app.appraisal.results as results_service
from desktop_app.services import statistics


@pytest.fixture
def computed(monkeypatch) -> list[int]:
    """The years whose results were computed, one entry per computation."""
    years: list[int] = []
    original = results_service.results

    def counting(year: int):
        years.append(year)
        return original(year)

    monkeypatch.setattr(results_service, "results", counting)
    return years


def test_pages_behind_wait_for_the_year_until_shown(window, computed):
    window.show_page("dashboard")
    computed.clear()
    window.set_year(2024)
    window.set_year(2023)
    assert computed == []  # neither the results tab nor the Công nhận screen is in front
    recognition = window.pages["recognition"]
    window.show_page("recognition")
    assert computed == [2023]
    assert recognition.summary.text().startswith("Năm 2023: 34 mô hình")
    computed.clear()
    window.set_year(2024)  # in front: computed at once, once
    assert computed == [2024] and recognition.summary.text().startswith("Năm 2024")
    window.set_year(2023)
    computed.clear()

    appraisal = window.pages["appraisal"]
    window.show_page("appraisal")
    appraisal.setCurrentWidget(appraisal.scoring)
    computed.clear()
    window.set_year(2024)
    assert computed == []  # the results tab is behind the score entry tab
    assert appraisal.scoring.year == 2024 and appraisal.scoring.member_combo.count() == 0  # no council in 2024
    window.set_year(2023)
    assert appraisal.scoring.member_combo.count() > 0 and appraisal.scoring.table_model.rowCount() > 0
    assert computed == []
    appraisal.setCurrentWidget(appraisal.results)
    assert computed == [2023]
    assert "Mô hình tập thể: đã có điểm 32/32" in appraisal.results.summary.text()
    computed.clear()
    window.set_year(2024)
    assert computed == [2024] and appraisal.results.table_model.rowCount() == 0


def test_a_page_shown_after_the_switch_shows_the_new_year(window, computed):
    window.show_page("dashboard")
    window.set_year(2024)
    window.show_page("recognition")
    assert window.pages["recognition"].summary.text().startswith("Năm 2024: 0 mô hình")
    window.show_page("dashboard")
    window.set_year(2023)
    window.show_page("appraisal")
    appraisal = window.pages["appraisal"]
    appraisal.setCurrentWidget(appraisal.council)
    assert appraisal.council.table_model.rowCount() > 0  # the demo council of 2023
    appraisal.setCurrentWidget(appraisal.results)
    assert appraisal.results.table_model.rowCount() == 36  # two section headings and 34 models
    assert computed[-1] == 2023


@pytest.mark.parametrize("remembered", ["dashboard", "recognition"])
def test_starting_loads_the_remembered_page_once(demo_db, qtbot, qapp_font, monkeypatch, computed, remembered):
    from ui.main_window import MainWindow

    QSettings("SoDanVanKheo", "SoDanVanKheo").setValue("window/page", remembered)
    dashboards: list[int] = []
    original = statistics.year_stats
    monkeypatch.setattr(statistics, "year_stats", lambda year, **k: dashboards.append(year) or original(year, **k))
    window = MainWindow()
    qtbot.addWidget(window)
    assert window.current_page_key() == remembered
    assert window.stack.currentWidget() is window.pages[remembered]
    # The dashboard is loaded when the window starts (it is the first page); the results only if remembered.
    assert dashboards == [2023]
    assert computed == ([2023] if remembered == "recognition" else [])
    assert window.pages["dashboard"].cards["registered"].value.text() == "34"
