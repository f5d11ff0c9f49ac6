"""Báo cáo: preview, save PDF / Excel, print, and the print buttons of other screens."""
from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QPushButton
from pypdf import PdfReader

from ui.worker import wait_all


def reports_page(window, code):
    window.show_page("reports")
    page = window.pages["reports"]
    page.select(code)
    return page


def test_preview_shows_the_pages_of_the_chosen_document(window, qtbot):
    window.show()
    qtbot.waitExposed(window)
    page = reports_page(window, "registrations")
    with qtbot.waitSignal(page.preview_ready, timeout=60000) as blocker:
        page.preview()
    total = blocker.args[0]
    assert total >= 3
    labels = [page.pages_layout.itemAt(i).widget() for i in range(page.pages_layout.count())]
    assert len(labels) == total and all(isinstance(w, QLabel) and not w.pixmap().isNull() for w in labels)
    assert f"{total} trang" in page.preview_note.text()
    # A landscape page is shrunk to the pane, not cut.
    assert labels[0].pixmap().width() <= page.scroll.viewport().width()
    page.group_box.setCurrentIndex(1)  # by unit: the preview is now of another document
    assert page.pages_layout.count() == 0 and "Xem trước" in page.preview_note.text()


def test_save_pdf_and_excel(window, qtbot, tmp_path, no_modal_messages):
    page = reports_page(window, "recognition")
    pdf, xlsx = tmp_path / "công nhận.pdf", tmp_path / "công nhận.xlsx"
    page.save_pdf(pdf)
    page.save_excel(xlsx)
    qtbot.waitUntil(lambda: wait_all(100) and pdf.is_file() and xlsx.is_file(), timeout=60000)
    qtbot.waitUntil(lambda: len([m for m in no_modal_messages if m[0] == "info"]) == 2, timeout=5000)
    assert "DANH SÁCH" in PdfReader(str(pdf)).pages[0].extract_text()
    assert load_workbook(xlsx).active["A4"].value == "DANH SÁCH"


def test_options_follow_the_document(window):
    page = reports_page(window, "certificates")
    assert not page.excel_button.isEnabled()
    assert page.paper_box.isVisibleTo(page) and not page.group_box.isVisibleTo(page)
    page.select("registrations")
    assert page.excel_button.isEnabled() and page.group_box.isVisibleTo(page)
    assert not page.paper_box.isVisibleTo(page)


def test_print_paints_every_page(window, qtbot, tmp_path):
    page = reports_page(window, "statistics")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setResolution(150)
    target = tmp_path / "bản in.pdf"
    printer.setOutputFileName(str(target))
    page.print_document(printer)
    qtbot.waitUntil(lambda: "Đã gửi" in page.preview_note.text(), timeout=60000)
    assert len(PdfReader(str(target)).pages) == int(page.preview_note.text().split()[2])


def test_print_buttons_on_the_list_and_decision_screens(window):
    models = window.pages["models"]
    menu = window.print_menu_button.menu()
    assert window.print_menu_button.text() == "In…"
    menu.actions()[0].trigger()
    assert window.current_page_key() == "reports" and window.pages["reports"].code() == "registrations"
    recognition = window.pages["recognition"]
    button = next(b for b in recognition.findChildren(QPushButton) if b.text() == "In giấy khen…")
    button.click()
    assert window.current_page_key() == "reports" and window.pages["reports"].code() == "certificates"
    models.table.selectRow(0)
    menu.actions()[1].trigger()
    reports = window.pages["reports"]
    assert reports.code() == "dossier" and reports.model_box.currentData() == models.selected_ids()[0]
