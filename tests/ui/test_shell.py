"""The application shell: the demo file, the year selector, the first screen, an orderly exit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from desktop_app import domain, workspace
from desktop_app.office import OfficeInfo
from desktop_app.services import settings
from desktop_app.services.backup import create_backup
from desktop_app.storage import database as storage
from desktop_app.storage.models import MoHinh, Unit

ROOT = Path(__file__).resolve().parents[2]
OFFICE = OfficeInfo.single(
    issuing_body="ĐẢNG ỦY XÃ ĐẠ ĐỜN", superior_body="ĐẢNG BỘ TỈNH LÂM ĐỒNG", place_name="Đạ Đờn", current_year=2026
)


def _model(year: int, name: str) -> MoHinh:
    return MoHinh.create(name=name, name_fold=name.lower(), year=year, status=domain.REGISTERED)


@pytest.fixture
def office_window(db, qtbot, qapp_font):
    """The window over a new office: details entered, one unit, no model yet."""
    from ui.main_window import MainWindow

    settings.save_office(OFFICE)
    Unit.create(name="Chi bộ thôn Đạ Ty")
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1280, 800)
    yield w
    if workspace.is_demo_open():
        workspace.switch_to_office()


def test_demo_opens_from_settings_and_back_without_touching_the_office(office_window, qtbot):
    window = office_window
    office_path = storage.current().path
    page = window.pages["settings"]
    window.show_page("settings")
    assert page.demo_button.text() == "Mở dữ liệu mẫu" and not page.delete_demo_button.isEnabled()
    assert window.demo_banner.isHidden()

    with qtbot.waitSignal(window.database_switched, timeout=30000):
        page.demo_button.click()
    assert workspace.is_demo_open() and storage.current().path == office_path.with_name(workspace.DEMO_FILENAME)
    assert not window.demo_banner.isHidden()
    assert window.demo_banner.label.text() == "Đang xem DỮ LIỆU MẪU — không phải dữ liệu của cơ quan"
    assert "DỮ LIỆU MẪU" in window.windowTitle()
    # The demo opens on its seed year; the years derived from it are there for the period review.
    assert window.year == 2023 and window.year_choices() == [2025, 2024, 2023, 2022, 2021]
    assert window.pages["models"].table_model.rowCount() == 34
    assert window.pages["dashboard"].cards["registered"].value.text() == "34"
    assert page.demo_button.text() == "Quay về dữ liệu của cơ quan"
    assert not page.backup_button.isEnabled()  # a backup of the demo would pass for the office's

    window.demo_banner.back_button.click()
    assert not workspace.is_demo_open() and storage.current().path == office_path
    assert window.demo_banner.isHidden() and "DỮ LIỆU MẪU" not in window.windowTitle()
    assert Unit.select().count() == 1 and MoHinh.select().count() == 0
    assert settings.get_office().name == OFFICE.name
    assert window.year == 2026 and window.year_choices() == [2026]
    assert window.pages["models"].table_model.rowCount() == 0

    assert page.delete_demo_button.isEnabled()
    page.delete_demo()
    assert not workspace.demo_exists() and not page.delete_demo_button.isEnabled()
    assert Unit.select().count() == 1


def test_second_opening_of_the_demo_does_not_load_it_again(office_window, qtbot):
    window = office_window
    job = window.open_demo()
    with qtbot.waitSignal(window.database_switched, timeout=30000):
        pass
    assert job is not None
    window.switch_to_office()
    assert window.open_demo() is None  # already filled: switched at once, nothing to run
    assert workspace.is_demo_open() and window.pages["models"].table_model.rowCount() == 34
    window.switch_to_office()


def test_first_run_offers_the_demo_without_saving_the_office(db, qtbot, qapp_font, monkeypatch):
    from ui.main_window import MainWindow
    from ui.setup_dialog import SetupDialog

    dialog = SetupDialog()
    qtbot.addWidget(dialog)
    assert dialog.demo_button.text() == "Xem thử với dữ liệu mẫu"
    dialog.demo_button.click()
    assert dialog.result() == SetupDialog.TRY_DEMO and dialog.load_demo
    assert not settings.is_configured()
    window = MainWindow()
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.database_switched, timeout=30000):
        window.open_demo()
    assert MoHinh.select().where(MoHinh.year == 2023).count() == 34
    # Back to the office, whose details were never entered: the setup comes now, without the demo offer.
    asked = []
    monkeypatch.setattr(SetupDialog, "exec", lambda self: asked.append(self.demo_button.isHidden()) or 0)
    window.switch_to_office()
    assert asked == [True]
    assert window.current_page_key() == "settings"
    assert Unit.select().count() == 0 and MoHinh.select().count() == 0


def test_year_list_after_a_restore(window, tmp_path, no_modal_messages):
    _model(2022, "Dân vận khéo trong xây dựng nông thôn mới")
    window.reload_years(keep=2023)
    assert window.year_choices() == [2023, 2022]
    backup = create_backup(tmp_path / "sao lưu.zip")
    MoHinh.delete().where(MoHinh.year == 2022).execute()
    _model(2025, "Mô hình chỉ có sau khi sao lưu")
    window._models_changed()
    assert window.year_choices() == [2025, 2023]
    window.set_year(2025)
    window.restore_backup(backup)
    assert ("info", "Đã phục hồi dữ liệu từ bản sao lưu.") in no_modal_messages
    # 2025 is not in the backup: gone, and the selection falls back to the office's current year.
    assert window.year_choices() == [2023, 2022] and window.year == 2023
    window.set_year(2022)
    window.restore_backup(backup)
    assert window.year == 2022  # a year the backup has stays selected


def test_year_list_after_copy_to_the_next_year(window):
    window.pages["models"].copy_to_next_year()
    assert window.year_choices() == [2024, 2023] and window.year == 2023


def test_new_office_first_screen_says_where_to_start(office_window, monkeypatch):
    window = office_window
    dashboard = window.pages["dashboard"]
    assert dashboard.showing_guide and dashboard.overview.isHidden()
    rows = dashboard.guide.rows
    assert [row.badge.text() for row in rows.values()] == ["✓", "2", "3", "4", "5"]  # one unit already
    assert rows["units"].state.text() == "Đã có 1 đơn vị."
    assert rows["models"].state.text() == "Năm 2026 chưa có mô hình, điển hình nào."

    dashboard.guide.button("units").click()
    catalogues = window.pages["catalogues"]
    assert window.current_page_key() == "catalogues" and catalogues.currentWidget() is catalogues.units_tab
    added, imported = [], []
    monkeypatch.setattr(window.pages["models"], "add_model", lambda: added.append(True))
    monkeypatch.setattr(window, "open_import", lambda path=None: imported.append(True))
    dashboard.guide.button("add_model").click()
    assert window.current_page_key() == "models" and added == [True]
    window.show_page("dashboard")
    dashboard.guide.button("import").click()
    assert window.current_page_key() == "models" and imported == [True]
    for action in ("appraisal", "recognition", "reports"):
        window.show_page("dashboard")
        dashboard.guide.button(action).click()
        assert window.current_page_key() == action

    _model(2026, "Dân vận khéo trong cải cách hành chính")
    window._models_changed()
    assert not dashboard.showing_guide and not dashboard.overview.isHidden()
    assert dashboard.strip.buttons["models"].text() == "✓ 2. Đăng ký"
    assert dashboard.strip.buttons["appraisal"].text() == "○ 3. Chấm điểm"
    dashboard.strip.buttons["recognition"].click()
    assert window.current_page_key() == "recognition"


def test_an_office_without_units_is_welcomed(db, qtbot, qapp_font):
    from ui.main_window import MainWindow

    settings.save_office(OFFICE)
    window = MainWindow()
    qtbot.addWidget(window)
    dashboard = window.pages["dashboard"]
    assert dashboard.showing_guide
    assert dashboard.guide.heading.text().startswith("Chào mừng!")
    assert dashboard.guide.rows["units"].badge.text() == "1"
    # The guide also offers the demo, through the same switch as Cài đặt.
    assert not dashboard.guide.demo_row.isHidden()
    with qtbot.waitSignal(window.database_switched, timeout=30000):
        dashboard.guide.demo_button.click()
    assert workspace.is_demo_open() and not dashboard.showing_guide
    window.switch_to_office()
    assert dashboard.showing_guide and Unit.select().count() == 0


def test_demo_year_shows_the_charts_and_the_ticked_steps(window):
    dashboard = window.pages["dashboard"]
    assert not dashboard.showing_guide
    assert dashboard.strip.buttons["units"].text().startswith("✓")
    assert dashboard.strip.buttons["appraisal"].text() == "✓ 3. Chấm điểm"  # every demo model has scores


EXIT_SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from desktop_app.office import OfficeInfo
    from desktop_app.services import catalogues, settings
    from desktop_app.services.backup import create_backup
    from desktop_app.storage.database import open_database

    path, with_demo = Path(sys.argv[1]), sys.argv[2] == "demo"
    database = open_database(path)
    catalogues.ensure_defaults()
    settings.save_office(OfficeInfo.single(issuing_body="ĐẢNG ỦY XÃ ĐẠ ĐỜN", place_name="Đạ Đờn", current_year=2026))
    database.close()

    from ui import app as gui
    from ui.main_window import MainWindow
    from ui.worker import run_job

    gui.make_application()

    def close() -> None:
        window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))
        if with_demo:
            window.open_demo()  # closing while the demo is being loaded on the worker
        # ... and while a backup is still running there.
        run_job(window, lambda task: create_backup(path.with_name("sao lưu.zip"), task), progress=False)
        window.close()

    QTimer.singleShot(0, close)
    sys.exit(gui.run(path))
""")


@pytest.mark.parametrize("run", range(5))
def test_the_program_exits_cleanly(tmp_path, run):
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONPATH=str(ROOT),
        PYTHONFAULTHANDLER="1",
    )
    env.pop("DVK_DB", None)
    database = tmp_path / "Nguyễn Văn A" / "dữ liệu.db"
    database.parent.mkdir()
    result = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT, str(database), "demo" if run == 0 else "plain"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Fatal" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert (database.parent / "sao lưu.zip").exists()  # the job running at exit was allowed to finish
