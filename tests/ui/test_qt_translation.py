"""Qt's own dialogs (print, file, message box buttons, edit menus) speak Vietnamese.

Qt ships no qtbase_vi, so resources/translations/qtbase_vi.ts is ours, compiled to the .qm beside it
(``pyside6-lrelease resources/translations/qtbase_vi.ts -qm resources/translations/qtbase_vi.qm``)
and installed by ``ui.app.make_application``.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialogButtonBox,
    QFileDialog,
    QFileSystemModel,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTabWidget,
)

from desktop_app.resources import resources_dir

TS = resources_dir() / "translations" / "qtbase_vi.ts"
QM = resources_dir() / "translations" / "qtbase_vi.qm"

# What Qt would show untranslated in the dialogs we check (accelerators removed).
ENGLISH = {
    "Print",
    "Cancel",
    "OK",
    "Printer",
    "Name:",
    "Properties",
    "Location:",
    "Type:",
    "Output file:",
    "Options >>",
    "Options <<",
    "Copies",
    "Copies:",
    "Print range",
    "Print all",
    "Pages from",
    "to",
    "Current Page",
    "Selection",
    "Collate",
    "Reverse",
    "Options",
    "Color Mode",
    "Color",
    "Grayscale",
    "Double Sided Printing",
    "Off",
    "Long side binding",
    "Short side binding",
    "Output Settings",
    "Page Set:",
    "Look in:",
    "File name:",
    "Files of type:",
    "Open",
    "Save",
    "Back",
    "Forward",
    "Parent Directory",
    "Create New Folder",
    "List View",
    "Detail View",
    "Name",
    "Size",
    "Type",
    "Date Modified",
    "Yes",
    "No",
    "Show Details...",
    "Hide Details...",
}


def ts_messages():
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name")
        for message in context.iter("message"):
            yield name, message.findtext("source"), message.findtext("comment") or "", message.findtext("translation")


@pytest.fixture
def app(qapp):
    from ui.app import make_application

    return make_application()


def texts_of(widget):
    """Every caption a user can read in the widget: labels, buttons, group boxes, tabs, title."""
    found = [widget.windowTitle()]
    found += [w.text() for w in widget.findChildren(QLabel)]
    found += [w.text() for w in widget.findChildren(QAbstractButton)]
    found += [w.title() for w in widget.findChildren(QGroupBox)]
    for tabs in widget.findChildren(QTabWidget):
        found += [tabs.tabText(i) for i in range(tabs.count())]
    return [t.replace("&", "") for t in found if t]


def test_ts_is_consistent_and_the_qm_is_compiled_from_it():
    messages = list(ts_messages())
    assert len(messages) > 200
    for context, source, _comment, translation in messages:
        assert translation, (context, source)
        assert sorted(re.findall(r"%\d", source)) == sorted(re.findall(r"%\d", translation)), source
        assert source.count("&") == translation.count("&"), (source, translation)
        assert source.count("\n") == translation.count("\n"), source
    translator = QTranslator()
    assert translator.load(str(QM))
    stale = [(c, s) for c, s, k, t in messages if translator.translate(c, s, k or None) != t]
    assert not stale, f"qtbase_vi.qm is older than qtbase_vi.ts, run pyside6-lrelease: {stale[:5]}"


def test_make_application_installs_the_translation_once(app):
    from ui import app as app_module

    installed = list(app_module._translators)
    assert installed
    app_module.make_application()
    assert app_module._translators == installed
    assert QCoreApplication.translate("QPrintDialog", "&Print") == "&In"
    assert QCoreApplication.translate("QPrintDialog", "Print") == "In"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Hủy"
    assert QCoreApplication.translate("QFileDialog", "File &name:") == "&Tên tệp:"
    assert QCoreApplication.translate("QFileSystemModel", "Type", "All other platforms") == "Loại"


def test_standard_buttons_are_vietnamese_without_relabelling(app, qtbot):
    box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "Đồng ý"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "Hủy"

    message = QMessageBox(
        QMessageBox.Icon.Question,
        "Hỏi",
        "Lưu không?",
        QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No
        | QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard,
    )
    qtbot.addWidget(message)
    message.setDetailedText("chi tiết")
    shown = {b.text().replace("&", "") for b in message.buttons()}
    assert {"Có", "Không", "Lưu", "Bỏ thay đổi", "Hiện chi tiết..."} <= shown


def test_print_dialog_is_vietnamese(app, qtbot):
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    texts = texts_of(dialog)
    assert dialog.windowTitle() == "In"
    for expected in (
        "In",
        "Hủy",
        "Tùy chọn >>",
        "Máy in",
        "Tên:",
        "Thuộc tính",
        "Vị trí:",
        "Loại:",
        "Tệp kết quả:",
        "Số bản",
        "Phạm vi in",
        "Tất cả",
        "Trang từ",
        "đến",
        "Trang hiện tại",
        "In theo bộ",
        "In ngược thứ tự",
        "Tùy chọn",
        "Màu",
        "Thang độ xám",
        "In hai mặt",
    ):
        assert expected in texts, (expected, texts)
    assert not ENGLISH & set(texts), ENGLISH & set(texts)


def test_file_dialog_is_vietnamese(app, qtbot):
    dialog = QFileDialog(None, "Chọn tệp")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setNameFilter("Bảng tính Excel (*.xlsx)")
    qtbot.addWidget(dialog)
    texts = texts_of(dialog)
    for expected in ("Tìm trong:", "Tên tệp:", "Kiểu tệp:", "Mở", "Hủy"):
        assert expected in texts, (expected, texts)
    assert not ENGLISH & set(texts), ENGLISH & set(texts)
    tips = {w.toolTip() for w in dialog.findChildren(QAbstractButton)}
    assert {"Quay lại", "Đi tới", "Thư mục cha", "Tạo thư mục mới", "Dạng danh sách", "Dạng chi tiết"} <= tips
    fs_model = dialog.findChild(QFileSystemModel)
    headers = [fs_model.headerData(i, Qt.Orientation.Horizontal) for i in range(4)]
    assert headers == ["Tên", "Cỡ", "Loại", "Ngày sửa"]

    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    assert "Lưu" in texts_of(dialog)


@pytest.mark.parametrize("kind", [QLineEdit, QPlainTextEdit])
def test_edit_context_menus_are_vietnamese(app, qtbot, kind):
    editor = kind()
    qtbot.addWidget(editor)
    menu = editor.createStandardContextMenu()
    items = [a.text().split("\t")[0].replace("&", "") for a in menu.actions() if not a.isSeparator()]
    menu.deleteLater()
    for expected in ("Hoàn tác", "Làm lại", "Cắt", "Sao chép", "Dán", "Xóa", "Chọn tất cả"):
        assert expected in items, (expected, items)
