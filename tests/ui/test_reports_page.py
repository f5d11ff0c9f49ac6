"""Báo cáo: the preview follows the choice, save PDF / Excel, print, and the print buttons of other screens."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QPushButton

from desktop_app.documents.preview import page_sizes, render_pages
from desktop_app.errors import Cancelled
from desktop_app.tasks import TaskState
from ui import messages, worker
from ui.pages.reports import print_pdf
from ui.worker import wait_all


@pytest.fixture(autouse=True)
def jobs_finish_before_the_window_goes(window, qtbot):
    """No job of one test may answer in the next one (its page and database are gone by then)."""
    yield
    qtbot.waitUntil(lambda: wait_all(100) and not worker._running, timeout=60000)


def reports_page(window, code, **options):
    window.show_page("reports")
    page = window.pages["reports"]
    page.select(code, **options)
    return page


def shown_labels(page) -> list[QLabel]:
    return [page.pages_layout.itemAt(i).widget() for i in range(page.pages_layout.count())]


def printer_to(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setResolution(150)  # enough to read, quick to paint
    printer.setOutputFileName(str(path))
    return printer


def printed_pages(path: Path) -> list:
    pages = PdfReader(str(path)).pages
    for page in pages:  # each sheet carries the painted page: an image and the drawing of it
        assert page.get_contents() is not None and len(page.get_contents().get_data()) > 0
        assert page["/Resources"]["/XObject"]
    return pages


def test_preview_follows_the_chosen_document(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.pages["reports"].preview_ready, timeout=60000) as blocker:
        page = reports_page(window, "registrations")
    total = blocker.args[0]
    assert total >= 3 and page.preview_options == ("registrations", page.options())
    labels = shown_labels(page)
    assert len(labels) == total and all(isinstance(w, QLabel) and not w.pixmap().isNull() for w in labels)
    assert page.preview_note.text().startswith(f"Danh sách đăng ký mô hình, điển hình: {total} trang")
    # A landscape page is shrunk to the pane, not cut.
    assert labels[0].pixmap().width() <= page.scroll.viewport().width()
    # An option changed: the pages of the old document go at once, the new ones come without a click.
    with qtbot.waitSignal(page.preview_ready, timeout=60000):
        page.group_box.setCurrentIndex(1)  # by unit
        assert page.pages_layout.count() == 0 and "Đang tạo" in page.preview_note.text()
    assert page.preview_options[1].group_by == "unit" and page.pages_layout.count() > 0
    # Another document chosen in the list.
    row = next(r for r in range(page.documents.count()) if page.documents.item(r).text() == "Báo cáo thống kê")
    with qtbot.waitSignal(page.preview_ready, timeout=60000):
        page.documents.setCurrentRow(row)
    assert page.preview_options[0] == "statistics" and page.preview_note.text().startswith("Báo cáo thống kê:")


def test_a_newer_request_supersedes_an_older_one(window, qtbot):
    page = reports_page(window, "scores")
    ready: list[int] = []
    page.preview_ready.connect(ready.append)
    wait_all()  # the "scores" preview is built, its answer waits in the event queue...
    page.select("recognition", proposal=True)  # ...when the clerk has already chosen another document
    qtbot.waitUntil(lambda: len(ready) > 0, timeout=60000)
    qtbot.waitUntil(lambda: wait_all(100) and not worker._running, timeout=60000)
    assert len(ready) == 1 and page.preview_options == ("recognition", page.options())
    assert page.options().proposal and page.preview_note.text().startswith("Danh sách công nhận")
    # Rapid changes: only the last is ever shown, the others are cancelled or ignored.
    ready.clear()
    for index in (1, 2, 0, 1):
        page.style_box.setCurrentIndex(index)
        page.preview()
    qtbot.waitUntil(lambda: wait_all(100) and not worker._running, timeout=60000)
    assert len(ready) == 1 and page.preview_options[1].style == "dang"


def test_jump_from_another_screen_shows_the_preview(window, qtbot):
    page = window.pages["reports"]
    with qtbot.waitSignal(page.preview_ready, timeout=60000) as blocker:
        window.open_report("recognition", proposal=True)
    assert window.current_page_key() == "reports" and page.proposal_box.isChecked()
    assert blocker.args[0] == len(shown_labels(page)) > 0
    assert page.preview_note.text().startswith("Danh sách công nhận (kèm theo Quyết định):")


def test_a_document_with_nothing_to_print_says_why(window, qtbot):
    window.set_year(2024)  # a year without any model
    with qtbot.waitSignal(window.pages["reports"].preview_failed, timeout=60000) as blocker:
        page = reports_page(window, "certificates")
    assert "chưa có mô hình, điển hình nào được công nhận" in blocker.args[0]
    assert page.pages_layout.count() == 0 and blocker.args[0] == page.preview_note.text()


def test_save_pdf_and_excel(window, qtbot, tmp_path, no_modal_messages):
    page = reports_page(window, "recognition")
    pdf, xlsx = tmp_path / "công nhận.pdf", tmp_path / "công nhận.xlsx"
    page.save_pdf(pdf)
    page.save_excel(xlsx)
    qtbot.waitUntil(lambda: ("saved", xlsx) in no_modal_messages, timeout=60000)
    assert ("saved", pdf) in no_modal_messages and not [m for m in no_modal_messages if m[0] == "error"]
    assert "DANH SÁCH" in PdfReader(str(pdf)).pages[0].extract_text()
    assert "DANH SÁCH" in [row[0] for row in load_workbook(xlsx).active.iter_rows(max_row=12, values_only=True)]


def test_save_buttons_ask_for_the_file(window, qtbot, tmp_path, monkeypatch, no_modal_messages):
    """The buttons' clicked(bool) must not be taken for the path."""
    page = reports_page(window, "statistics")
    answers = iter([str(tmp_path / "thống kê"), str(tmp_path / "thống kê.xlsx")])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (next(answers), ""))
    page.pdf_button.click()
    page.excel_button.click()
    qtbot.waitUntil(lambda: len([m for m in no_modal_messages if m[0] == "saved"]) == 2, timeout=60000)
    assert [m for m in no_modal_messages if m[0] == "saved"] == [
        ("saved", tmp_path / "thống kê.pdf"),
        ("saved", tmp_path / "thống kê.xlsx"),
    ]
    assert (tmp_path / "thống kê.pdf").is_file() and (tmp_path / "thống kê.xlsx").is_file()


def test_saved_message_opens_the_file_or_its_folder(window, monkeypatch, tmp_path, no_modal_messages):
    target = tmp_path / "Danh sách.pdf"
    target.write_bytes(b"%PDF-1.4\n")
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)

    def click(text: str) -> None:
        box = messages.saved_box(window, target)
        assert box.text() == "Đã lưu «Danh sách.pdf»" and str(tmp_path) in box.informativeText()
        assert sorted(b.text() for b in box.buttons()) == ["Mở thư mục", "Mở tệp", "Đóng"]
        assert box.defaultButton().text() == box.escapeButton().text() == "Đóng"
        next(b for b in box.buttons() if b.text() == text).click()

    click("Mở tệp")
    click("Mở thư mục")
    click("Đóng")
    assert opened == [QUrl.fromLocalFile(str(target)), QUrl.fromLocalFile(str(tmp_path))]
    # Nothing on the machine opens it: the clerk is told, not left wondering.
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    click("Mở tệp")
    assert no_modal_messages == [("warning", "Không mở được «Danh sách.pdf».")]


def test_print_paints_every_page_in_its_orientation(window, qtbot, tmp_path, no_modal_messages):
    page = window.pages["reports"]
    with qtbot.waitSignal(page.preview_ready, timeout=60000) as preview:
        reports_page(window, "registrations")
    target = tmp_path / "bản in.pdf"
    with qtbot.waitSignal(page.printed, timeout=60000) as blocker:
        page.print_document(printer_to(target))
    printed = printed_pages(target)
    source = page_sizes(page.preview_path)
    assert blocker.args[0] == len(printed) == len(source) == preview.args[0]
    for sheet, size in zip(printed, source):
        box = sheet.mediabox
        assert (box.width > box.height) == size.landscape
        assert abs(box.width - size.width) < 3 and abs(box.height - size.height) < 3  # the paper of the page
    assert page.status.text() == f"Đã gửi {len(printed)} trang «Danh sách đăng ký mô hình, điển hình» tới máy in."
    assert no_modal_messages == [("saved", target)]  # printed to a file: offered to open like any saved file


def test_print_honours_the_page_range_and_copies(window, qtbot, tmp_path):
    page = reports_page(window, "registrations")  # at least three pages in the demo year
    target = tmp_path / "trang 2-3.pdf"
    printer = printer_to(target)
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    printer.setCopyCount(2)  # a PDF file cannot make copies itself, so they are painted
    with qtbot.waitSignal(page.printed, timeout=60000) as blocker:
        page.print_document(printer)
    assert blocker.args[0] == 4 and len(printed_pages(target)) == 4


def test_in_button_opens_the_print_dialog(window, qtbot, tmp_path, monkeypatch, no_modal_messages):
    """The button once passed its clicked(bool) as the printer; the dialog must come up, in Vietnamese."""
    page = reports_page(window, "statistics")
    seen: list[tuple[str, int, int]] = []
    monkeypatch.setattr(
        QPrintDialog,
        "exec",
        lambda self: seen.append((self.windowTitle(), self.minPage(), self.maxPage())) or QDialog.DialogCode.Rejected,
    )
    page.print_button.click()
    qtbot.waitUntil(lambda: len(seen) > 0, timeout=60000)
    title, first, last = seen[0]
    assert title == "In «Báo cáo thống kê»" and first == 1 and last >= 2
    qtbot.waitUntil(lambda: wait_all(100) and not worker._running, timeout=60000)
    assert no_modal_messages == [] and page.status.text() == ""  # cancelled: nothing printed, no error

    # The clerk picks page 2 only, printing to a file from the dialog.
    target = tmp_path / "từ hộp thoại.pdf"

    def accept(dialog: QPrintDialog) -> QDialog.DialogCode:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(target))
        printer.setResolution(150)
        printer.setPrintRange(QPrinter.PrintRange.PageRange)
        printer.setFromTo(2, 2)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    with qtbot.waitSignal(page.printed, timeout=60000) as blocker:
        page.print_button.click()
    assert blocker.args[0] == 1 and len(printed_pages(target)) == 1
    assert no_modal_messages == [("saved", target)]


def test_printing_can_be_cancelled(window, qtbot, tmp_path):
    page = window.pages["reports"]
    with qtbot.waitSignal(page.preview_ready, timeout=60000):
        reports_page(window, "statistics")
    wait_all()
    path = page.preview_path
    sizes = page_sizes(path)
    task = TaskState(on_progress=lambda done, total, text: task.cancel())  # «Hủy» during the first page
    printer = printer_to(tmp_path / "hủy.pdf")
    with pytest.raises(Cancelled):
        print_pdf(task, printer, path, list(range(len(sizes))), sizes)
    assert printer.printerState() != QPrinter.PrinterState.Active  # the painter let go of the printer


def test_pages_rendered_in_the_order_asked(window, qtbot):
    page = window.pages["reports"]
    with qtbot.waitSignal(page.preview_ready, timeout=60000):
        reports_page(window, "statistics")
    wait_all()
    sizes = page_sizes(page.preview_path)
    images = list(render_pages(page.preview_path, dpi=36, pages=[1, 0, 1]))
    assert [(i.width, i.height) for i in images] == [
        (round(sizes[i].width / 2), round(sizes[i].height / 2)) for i in (1, 0, 1)
    ]
    with pytest.raises(IndexError):
        list(render_pages(page.preview_path, pages=[len(sizes)]))


def test_options_follow_the_document(window):
    page = reports_page(window, "certificates")
    assert not page.excel_button.isEnabled()
    assert page.paper_box.isVisibleTo(page) and not page.group_box.isVisibleTo(page)
    page.select("registrations")
    assert page.excel_button.isEnabled() and page.group_box.isVisibleTo(page)
    assert not page.paper_box.isVisibleTo(page)


def test_print_buttons_on_the_list_and_decision_screens(window, qtbot):
    models = window.pages["models"]
    reports = window.pages["reports"]
    menu = window.print_menu_button.menu()
    assert window.print_menu_button.text() == "In…"
    menu.actions()[0].trigger()
    assert window.current_page_key() == "reports" and reports.code() == "registrations"
    recognition = window.pages["recognition"]
    button = next(b for b in recognition.findChildren(QPushButton) if b.text() == "In giấy khen…")
    button.click()
    assert window.current_page_key() == "reports" and reports.code() == "certificates"
    models.table.selectRow(0)
    with qtbot.waitSignal(reports.preview_ready, timeout=60000):
        menu.actions()[1].trigger()
    assert reports.code() == "dossier" and reports.model_box.currentData() == models.selected_ids()[0]
    assert reports.preview_options == ("dossier", reports.options()) and len(shown_labels(reports)) > 0


def cut_texts(widget, qtbot) -> list[str]:
    """Texts cut in ``widget`` once its layouts have settled (a new text's wrapping is laid out by the event loop)."""
    from ui.screenshots import clipped_texts

    try:
        qtbot.waitUntil(lambda: not clipped_texts(widget), timeout=5000)
    except qtbot.TimeoutError:
        pass
    return clipped_texts(widget)


def test_no_text_is_cut_at_1280x800(window, qtbot):
    from ui.screenshots import clipped_texts

    window.show()
    qtbot.waitExposed(window)
    page = window.pages["reports"]
    for code in ("registrations", "scoresheets", "recognition", "certificates", "dossier"):
        with qtbot.waitSignal(page.preview_ready, timeout=60000):
            reports_page(window, code)
        assert cut_texts(page, qtbot) == [], code
    # The check itself sees a cut text.
    tight = QPushButton("Lưu danh sách đề nghị công nhận…", page)
    tight.setFixedWidth(40)
    tight.show()
    assert clipped_texts(page) == [f"QPushButton «{tight.text()}»: rộng 40 < {tight.sizeHint().width()}"]


def test_no_text_is_cut_with_a_larger_system_font(demo_db, qtbot, qapp_font):
    """«Make text bigger» in Windows: the options pane widens rather than cutting its texts."""
    from PySide6.QtGui import QFont

    from ui.pages.reports import ReportsPage

    normal = QFont(qapp_font.font())
    larger = QFont(normal)
    larger.setPointSizeF(normal.pointSizeF() * 1.5)
    qapp_font.setFont(larger)
    try:
        page = ReportsPage()
        qtbot.addWidget(page)
        page.resize(1090, 760)  # the main window's 1280×800 less its navigation
        page.set_year(2023)
        page.show()
        qtbot.waitExposed(page)
        for code in ("recognition", "scoresheets", "dossier"):
            with qtbot.waitSignal(page.preview_ready, timeout=60000):
                page.select(code)
            assert cut_texts(page, qtbot) == [], code
    finally:
        qapp_font.setFont(normal)
