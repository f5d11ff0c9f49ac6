"""The «Trợ giúp» menu, the About box, the UI font, the window icon and the texts Qt draws itself."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator, QUrl
from PySide6.QtGui import QDesktopServices, QFont, QFontDatabase, QFontMetrics, QImage, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from desktop_app import __version__, places
from desktop_app.resources import resources_dir
from ui import about, help_menu


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """What QDesktopServices was asked to open (a folder in the file manager, a PDF in the reader)."""
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(QUrl(url).toLocalFile()) or True)
    return urls


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "bộ nhớ đệm"
    monkeypatch.setattr(places, "cache_dir", lambda: folder)
    return folder


# ----------------------------------------------------------------- the About box


def test_the_about_box_says_version_mode_and_folders(db, qtbot, qapp_font, opened):
    dialog = about.AboutDialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == "Giới thiệu Sổ Dân vận khéo"
    assert dialog.mode_label.text() == f"Phiên bản {__version__} — Chạy từ mã nguồn"
    assert set(dialog.open_buttons) == {"Thư mục dữ liệu", "Tệp dữ liệu", "Thư mục nhật ký", "Thư mục sao lưu"}
    texts = [label.text() for label in dialog.findChildren(about.QLabel)]
    assert str(db.path) in texts
    assert str(places.log_dir()) in texts
    assert str(db.path.parent / "sao-luu") in texts

    dialog.open_buttons["Thư mục sao lưu"].click()
    dialog.open_buttons["Tệp dữ liệu"].click()
    assert opened == [str(db.path.parent / "sao-luu"), str(db.path.parent)]
    assert (db.path.parent / "sao-luu").is_dir()  # made so that there is something to open


def test_the_about_box_lists_components_with_versions_and_licences(db, qtbot, qapp_font):
    dialog = about.AboutDialog()
    qtbot.addWidget(dialog)
    table = dialog.table
    rows = {
        table.item(r, 0).text(): (table.item(r, 1).text(), table.item(r, 2).text()) for r in range(table.rowCount())
    }
    for name in (
        "Python",
        "Qt",
        "PySide6 (Qt for Python)",
        "peewee",
        "openpyxl",
        "python-calamine",
        "ReportLab",
        "pypdfium2",
        "PDFium",
        "Pillow",
        "platformdirs",
        "filelock",
        "Phông chữ Liberation (Serif, Sans)",
    ):
        version, licence = rows[name]
        assert re.match(r"\d+\.\d+", version), (name, version)
        assert licence, name
    assert rows["PySide6 (Qt for Python)"][1] == "LGPLv3"
    assert rows["Phông chữ Liberation (Serif, Sans)"][1] == "SIL OFL 1.1"


def test_nothing_in_the_about_box_is_cut(db, qtbot, qapp_font):
    from ui.screenshots import clipped_texts

    dialog = about.AboutDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert clipped_texts(dialog) == []
    table = dialog.table
    assert table.horizontalScrollBar().maximum() == 0
    assert table.verticalScrollBar().maximum() == 0


def test_the_licence_button_shows_the_font_licence(db, qtbot, qapp_font):
    dialog = about.AboutDialog()
    qtbot.addWidget(dialog)
    dialog.licence_button.click()
    licence = dialog.findChild(about.LicenceDialog)
    assert licence is not None and licence.isVisible()
    assert "SIL OPEN FONT LICENSE" in licence.text.toPlainText()


def test_the_about_box_of_a_portable_copy(qtbot, qapp_font, tmp_path, monkeypatch):
    monkeypatch.setattr(places, "program_dir", lambda: tmp_path)
    monkeypatch.delenv(places.ENV_PORTABLE)  # the marker alone decides, as on an office PC
    (tmp_path / "portable.txt").write_text("", encoding="utf-8")
    dialog = about.AboutDialog()  # no database open: no backup folder to show
    qtbot.addWidget(dialog)
    assert dialog.mode_label.text().endswith("Bản chạy từ USB (portable)")
    assert set(dialog.open_buttons) == {"Thư mục dữ liệu", "Tệp dữ liệu", "Thư mục nhật ký"}
    assert str(tmp_path / "du-lieu") in [label.text() for label in dialog.findChildren(about.QLabel)]


def test_versions_without_dist_info_come_from_the_modules(monkeypatch):
    """A bundle may lack the dist-info folders: the modules' own versions are shown, «—» when there is none."""

    def missing(name):
        raise about.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(about.importlib.metadata, "version", missing)
    assert about._dist_version(("peewee",), "peewee") == __import__("peewee").__version__
    assert re.fullmatch(r"\d+\.\d+\.\d+", about._dist_version(("pypdfium2",), "pypdfium2"))
    assert about._dist_version(("python-calamine",), "python_calamine") == "—"
    assert about._dist_version(("không-có",), "khong_co_mo_dun") == "—"


def test_the_font_version_comes_from_the_font_file():
    assert re.fullmatch(
        r"\d+\.\d+(\.\d+)?", about.font_version(resources_dir() / "fonts" / "LiberationSans-Regular.ttf")
    )
    assert about.font_version(resources_dir() / "fonts" / "LICENSE-Liberation-OFL.txt") == "—"


# ----------------------------------------------------------------- the Help menu


def help_actions(window) -> dict[str, object]:
    menu = window.help_menu
    return {a.text(): a for a in menu.actions() if not a.isSeparator()}


def test_the_window_has_a_help_menu(window, opened):
    assert window.help_menu.title().replace("&", "") == "Trợ giúp"
    actions = help_actions(window)
    assert list(actions) == [
        "Hướng dẫn sử dụng",
        "Mở thư mục dữ liệu",
        "Mở thư mục nhật ký",
        "Giới thiệu Sổ Dân vận khéo",
    ]
    assert actions["Hướng dẫn sử dụng"].shortcut() == QKeySequence("F1")
    actions["Mở thư mục dữ liệu"].trigger()
    actions["Mở thư mục nhật ký"].trigger()
    assert opened == [str(places.data_dir()), str(places.log_dir())]


def test_the_about_action_opens_the_about_box(window, qtbot):
    help_actions(window)["Giới thiệu Sổ Dân vận khéo"].trigger()
    dialog = window.findChild(about.AboutDialog)
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    dialog.close()


def test_the_shipped_guide_is_opened(window, tmp_path, monkeypatch, opened):
    guide = tmp_path / "huong-dan-su-dung.pdf"
    guide.write_bytes(b"%PDF-1.4\n")
    monkeypatch.setattr(help_menu, "guide_pdf", lambda: guide)
    help_actions(window)["Hướng dẫn sử dụng"].trigger()
    assert opened == [str(guide)]


def fake_guide_module(tmp_path, monkeypatch, body: str) -> None:
    """``python -m`` of a stand-in for ui.user_guide, found through PYTHONPATH by the child process."""
    folder = tmp_path / "mô-đun"
    folder.mkdir()
    (folder / "fake_guide.py").write_text(f"import sys\nfrom pathlib import Path\n{body}\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(folder))
    monkeypatch.setattr(help_menu, "GUIDE_MODULE", "fake_guide")
    monkeypatch.setattr(help_menu, "guide_pdf", lambda: None)


def test_without_a_shipped_guide_it_is_built_then_opened(window, qtbot, tmp_path, monkeypatch, opened, cache):
    fake_guide_module(tmp_path, monkeypatch, "Path(sys.argv[1]).write_bytes('%PDF-1.4 hướng dẫn'.encode('utf-8'))")
    help_menu.open_guide(window)
    qtbot.waitUntil(lambda: opened != [], timeout=30000)
    target = cache / "huong-dan-su-dung.pdf"
    assert opened == [str(target)]
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in cache.iterdir()] == [target.name]  # no half-written file left

    help_menu.open_guide(window)  # built once: the second time it opens at once
    assert opened == [str(target), str(target)]


def test_a_failed_guide_build_is_one_vietnamese_line(
    window, qtbot, tmp_path, monkeypatch, opened, cache, no_modal_messages
):
    fake_guide_module(tmp_path, monkeypatch, "sys.stderr.write('Traceback: boom')\nsys.exit(3)")
    help_menu.open_guide(window)
    qtbot.waitUntil(lambda: any(kind == "error" for kind, _ in no_modal_messages), timeout=30000)
    message = next(text for kind, text in no_modal_messages if kind == "error")
    assert message == "Không soạn được hướng dẫn sử dụng; chi tiết đã ghi vào tệp nhật ký."
    assert opened == []
    assert not (cache / "huong-dan-su-dung.pdf").exists()


def test_a_guide_older_than_what_it_is_made_from_is_built_again(cache, tmp_path, monkeypatch):
    import os

    assert all(path.is_file() for path in help_menu.guide_sources())  # the real ones are where it looks
    script, text = tmp_path / "user_guide.py", tmp_path / "huong-dan-su-dung.md"
    script.write_text("", encoding="utf-8")
    text.write_text("", encoding="utf-8")
    monkeypatch.setattr(help_menu, "guide_sources", lambda: [script, text, tmp_path / "không có.py"])
    cache.mkdir(parents=True)
    built = cache / "huong-dan-su-dung.pdf"
    built.write_bytes(b"%PDF")
    now = script.stat().st_mtime
    os.utime(built, (now + 60, now + 60))
    assert help_menu.guide_is_current(built)
    os.utime(text, (now + 120, now + 120))  # the text was edited after the guide was built
    assert not help_menu.guide_is_current(built)
    assert not help_menu.guide_is_current(cache / "absent.pdf")


# ----------------------------------------------------------------- font and icon


SAMPLE = "Đăng ký ưu tiên"


def renders(family: str, text: str) -> bool:
    metrics = QFontMetrics(QFont(family))
    return all(metrics.inFontUcs4(ord(char)) for char in text if not char.isspace())


def test_the_ui_font_has_every_vietnamese_letter(qapp_font):
    from ui.app import ui_font

    family = ui_font().family()
    assert QFontDatabase.WritingSystem.Vietnamese in QFontDatabase.writingSystems(family)
    assert renders(family, SAMPLE)
    assert qapp_font.font().family() == family


def test_without_a_system_font_the_bundled_one_is_used(qapp_font, monkeypatch):
    from ui import app as app_module

    for name in app_module.BUNDLED_FONTS:
        assert (resources_dir() / "fonts" / name).is_file()
    monkeypatch.setattr(app_module, "_system_families", list)
    family = app_module.ui_font_family()
    assert family == "Liberation Sans"
    assert renders(family, SAMPLE + " " + app_module.VIETNAMESE_SAMPLE)


def test_a_family_without_vietnamese_is_passed_over(qapp_font):
    from ui.app import has_vietnamese

    assert not has_vietnamese("Không có phông này")  # not installed: Qt would substitute another
    symbols = [f for f in QFontDatabase.families() if f.startswith("Standard Symbols")]
    if symbols:
        assert not has_vietnamese(symbols[0])


def test_the_window_icon_is_set_when_the_file_exists(qapp_font, tmp_path, monkeypatch):
    from ui import app as app_module

    icon = tmp_path / "app.png"
    image = QImage(32, 32, QImage.Format.Format_ARGB32)
    image.fill(0xFF2E7D32)
    assert image.save(str(icon))
    before = qapp_font.windowIcon()
    monkeypatch.setattr(app_module, "app_icon_path", lambda: icon)
    try:
        app_module.make_application()
        assert not qapp_font.windowIcon().isNull()
    finally:
        qapp_font.setWindowIcon(before)


# ----------------------------------------------------------------- Qt's own dialogs


def test_no_code_asks_for_qt_drawn_file_dialogs():
    """Windows shows its own file dialogs (Vietnamese from the system) unless told not to."""
    root = Path(about.__file__).resolve().parent.parent
    offenders = [
        str(path.relative_to(root))
        for folder in ("ui", "desktop_app")
        for path in (root / folder).rglob("*.py")
        if "DontUseNativeDialog" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


class AskedTexts(QTranslator):
    """Records every text Qt looks up while a dialog is built and shown; translates nothing itself."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[tuple[str, str, str | None]] = set()

    def translate(self, context, source, disambiguation=None, n=-1):
        self.asked.add((context, source, disambiguation))
        return None  # a null string: Qt asks the next translator (an empty one would blank the text)


def test_every_text_of_the_file_dialog_and_message_box_has_a_translation(qapp_font, qtbot, tmp_path):
    (tmp_path / "Danh sách.xlsx").write_bytes(b"x")
    (tmp_path / "thư mục").mkdir()
    spy = AskedTexts()
    assert QCoreApplication.installTranslator(spy)  # the last installed is asked first
    try:
        dialog = QFileDialog(None, "Chọn tệp", str(tmp_path))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        dialog.setNameFilter("Bảng tính Excel (*.xlsx)")
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        dialog.setViewMode(QFileDialog.ViewMode.Detail)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Hỏi",
            "Ghi đè?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No | QMessageBox.StandardButton.Cancel,
        )
        box.setDetailedText("chi tiết")
        qtbot.addWidget(box)
        box.show()
        qtbot.waitExposed(box)
    finally:
        QCoreApplication.removeTranslator(spy)
    shortcut = re.compile(r"^(Alt|Ctrl|Shift|Meta)\+\w+$")
    untranslated = sorted(
        (context, source)
        for context, source, comment in spy.asked
        if re.search(r"[A-Za-z]", source)
        and context != "QShortcut"  # key names (Alt, Ctrl, End): Windows writes them in English too
        and not shortcut.match(source)
        and QCoreApplication.translate(context, source, comment) == source
    )
    assert len(spy.asked) > 20  # the spy saw the dialogs being built
    assert untranslated == []


def test_a_portable_copy_on_a_read_only_place_stops_with_one_line(qapp_font, tmp_path, monkeypatch, no_modal_messages):
    from ui import app as app_module

    blocked = tmp_path / "ổ chỉ đọc"
    blocked.write_text("", encoding="utf-8")  # a file where the program folder should be: nothing can be made in it
    monkeypatch.setattr(places, "program_dir", lambda: blocked / "SoDanVanKheo")
    monkeypatch.setenv("DVK_PORTABLE", "1")
    monkeypatch.setattr(app_module, "setup_logging", lambda: pytest.fail("nothing may be written"))
    assert app_module.run() == 1
    [(kind, text)] = no_modal_messages
    assert kind == "error"
    assert text.startswith(f"Thư mục chương trình «{blocked / 'SoDanVanKheo'}» không ghi được")
