"""Each document declares its options once: the Reports page and the command line are built from the declaration.

The checks walk the declarations, so an option added to a document is checked on both sides without a new test.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel

from desktop_app.cli import build_parser, main
from desktop_app.cli.document_cmds import Format, _given, cli_options
from desktop_app.documents import DOCUMENTS, MODEL, PAPER, STYLE, DocumentKind, Options, OptionSpec, option_specs
from desktop_app.errors import AppError
from desktop_app.storage.models import SourceOffice
from ui.pages.reports import ALL_MODELS, OfficesChoice, ReportsPage

YEAR = 2023
A_UUID = "0f6c2a5e-3b1d-4c8e-9a7f-2d4e6b8c0a1f"


def open_page(qtbot, monkeypatch) -> ReportsPage:
    page = ReportsPage()
    qtbot.addWidget(page)
    # Only the options are looked at here: select() would otherwise build a preview on the worker each time.
    monkeypatch.setattr(page, "_request_preview", lambda force=False: None)
    # An upper office (offices below send packages), so the options about offices are offered too.
    SourceOffice.create(name="Xã Phú Sơn")
    page.set_year(YEAR)  # fills the model chooser from the demo year
    return page


def shown_options(page: ReportsPage) -> set[str]:
    return {key for key, widget in page.option_widgets.items() if widget.isVisibleTo(page)}


def other_value(page: ReportsPage, spec: OptionSpec) -> object:
    """Set the option's widget to something other than its default; returns the value ``Options`` should get."""
    widget = page.option_widgets[spec.key]
    if isinstance(widget, QCheckBox):
        widget.setChecked(True)
        return not spec.default
    if isinstance(widget, OfficesChoice):
        widget.set_value((0,))  # this office's own models only
        return (0,)
    assert isinstance(widget, QComboBox)
    widget.setCurrentIndex(widget.count() - 1)  # the last item: never the default, which comes first
    return widget.currentData()


def reset(page: ReportsPage, spec: OptionSpec) -> None:
    widget = page.option_widgets[spec.key]
    if isinstance(widget, QCheckBox):
        widget.setChecked(False)
    elif isinstance(widget, OfficesChoice):
        widget.set_value(None)
    else:
        widget.setCurrentIndex(0)


def test_the_reports_page_shows_exactly_each_documents_options(demo_db, qtbot, monkeypatch):
    page = open_page(qtbot, monkeypatch)
    assert list(page.option_widgets) == [spec.key for spec in option_specs()]
    for code, kind in DOCUMENTS.items():
        page.select(code)
        assert shown_options(page) == {spec.key for spec in kind.options}, code
        for spec in kind.options:
            widget = page.option_widgets[spec.key]
            if spec.kind == "flag":
                assert isinstance(widget, QCheckBox) and widget.text() == spec.label
                continue
            label = page.options_form.labelForField(widget)
            assert isinstance(label, QLabel) and label.text() == spec.label, (code, spec.key)
            if spec.kind == "offices":
                assert isinstance(widget, OfficesChoice) and widget.value() is None, (code, spec.key)
                continue
            items = [(widget.itemData(i), widget.itemText(i)) for i in range(widget.count())]
            if spec.kind == "choice":
                assert items == list(spec.items), (code, spec.key)
            elif spec.kind in ("year", "date"):  # unset first, then the years or days around the working year
                assert items == spec.choices(YEAR) and widget.currentIndex() == 0, (code, spec.key)
            elif kind.needs_model:  # a dossier is of one model: no «all», one chosen from the start
                assert items[0][0] is not None and ALL_MODELS not in [text for _, text in items]
            else:  # one model or all of them, all to start with
                assert items[0] == (None, ALL_MODELS) and widget.currentIndex() == 0
        # Untouched, the page asks for the defaults (and the dossier's first model).
        chosen_model = page.model_box.currentData() if kind.needs_model else None
        assert page.options() == Options(YEAR, model_id=chosen_model), code
        # Each of the document's widgets sets its own field; the hidden rows of other documents set nothing.
        for spec in option_specs():
            value = other_value(page, spec)
            expected = Options(YEAR, model_id=chosen_model)
            if spec in kind.options:
                expected = replace(expected, **{spec.key: value})
                assert value != spec.default, (code, spec.key)
            assert page.options() == expected, (code, spec.key)
            reset(page, spec)
            if kind.needs_model:  # back to the first model, as the dossier started
                page.model_box.setCurrentIndex(0)


def test_a_model_chosen_for_a_dossier_does_not_narrow_the_certificates(demo_db, qtbot, monkeypatch):
    page = open_page(qtbot, monkeypatch)
    page.select("dossier")
    page.model_box.setCurrentIndex(page.model_box.count() - 1)
    page.select("certificates")
    assert page.model_box.currentText() == ALL_MODELS and page.options().model_id is None
    model_id = page.model_box.itemData(3)
    page.select("certificates", model_id=model_id)  # one model's certificate, as another screen may ask
    assert page.options().model_id == model_id
    page.select("dossier")  # the model chosen stays chosen
    assert page.options().model_id == model_id and page.model_box.findText(ALL_MODELS) == -1


def flag_value(spec: OptionSpec) -> tuple[list[str], object]:
    """What to type after the flag, and the value it gives."""
    if spec.kind == "flag":
        return [], not spec.default
    if spec.kind == "model":
        return [A_UUID], A_UUID  # turned into the model's id only once the database is open
    if spec.kind == "offices":
        return ["here"], ["here"]  # repeatable; turned into office ids once the database is open
    if spec.kind == "year":
        return ["2021"], 2021
    if spec.kind == "date":
        return ["01/07/2023"], date(2023, 7, 1)
    return [spec.cli_choices[-1]], spec.cli_choices[-1]


def option_flags(parser: argparse.ArgumentParser, command: str) -> set[str]:
    subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    flags = set(subparsers.choices[command]._option_string_actions)
    return flags - {"-h", "--help", "--year", "--out"}


@pytest.mark.parametrize(("command", "fmt"), [("report", "pdf"), ("export", "excel")])
def test_the_command_line_takes_exactly_each_documents_flags(command: str, fmt: Format, capsys):
    parser = build_parser()
    flags = {spec.cli_flag for spec in cli_options(fmt)}
    assert option_flags(parser, command) == flags
    assert flags == {spec.cli_flag for kind in DOCUMENTS.values() for spec in kind.takes(fmt)}
    for code, kind in DOCUMENTS.items():
        bare = parser.parse_args([command, code, "--year", str(YEAR), "--out", "x"])
        assert _given(bare, fmt) == {}, code  # nothing given: every option at its default
        for spec in option_specs():
            typed, value = flag_value(spec)
            argv = [command, code, "--year", str(YEAR), "--out", "x", spec.cli_flag, *typed]
            if spec.cli_flag not in flags:  # no document takes it in this format: argparse does not know it
                with pytest.raises(SystemExit):
                    parser.parse_args(argv)
                assert "không hiểu tham số" in capsys.readouterr().err
                continue
            args = parser.parse_args(argv)
            if spec in kind.takes(fmt):
                assert _given(args, fmt) == {spec.key: value}, (code, spec.key)
            else:
                with pytest.raises(AppError, match=f"không dùng {spec.cli_flag}"):
                    _given(args, fmt)


def test_a_flag_the_document_does_not_take_is_refused_before_the_database_is_touched(tmp_path: Path, capsys):
    db = tmp_path / "chưa có.db"
    code = main(
        ["--db", str(db), "report", "statistics", "--year", str(YEAR), "--out", str(tmp_path / "a.pdf"), "--blank"]
    )
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Lỗi: «Báo cáo thống kê» (statistics) không dùng --blank")
    assert "tùy chọn dùng được: --style" in err and not db.exists()


def test_an_option_declared_for_a_document_appears_on_the_page_and_the_command_line(demo_db, qtbot, monkeypatch):
    statistics = DOCUMENTS["statistics"]
    assert PAPER not in statistics.options
    monkeypatch.setitem(DOCUMENTS, "statistics", replace(statistics, options=(STYLE, PAPER)))
    page = open_page(qtbot, monkeypatch)
    page.select("statistics")
    assert shown_options(page) == {"style", "paper"}
    page.paper_box.setCurrentIndex(page.paper_box.findData("A3"))
    assert page.options() == Options(YEAR, paper="A3")
    args = build_parser().parse_args(["report", "statistics", "--year", str(YEAR), "--out", "x", "--paper", "A3"])
    assert _given(args, "pdf") == {"paper": "A3"}


def test_declarations_are_checked_when_made():
    with pytest.raises(ValueError, match="no such field"):
        OptionSpec("paper_size", "Khổ", "choice", "--paper-size", "khổ", items=(("A4", "A4"),))
    with pytest.raises(ValueError, match="default"):
        OptionSpec("paper", "Khổ giấy", "choice", "--paper", "khổ", items=(("A3", "A3 ngang"),))  # A4 missing
    with pytest.raises(ValueError, match="bool"):
        OptionSpec("paper", "Khổ giấy", "flag", "--paper", "khổ")
    with pytest.raises(ValueError, match="MODEL"):
        DocumentKind("x", "X", "", DOCUMENTS["dossier"].pdf, needs_model=True, options=(STYLE,))
    kind = DOCUMENTS["registrations"]
    with pytest.raises(AppError, match="không có tùy chọn proposal"):
        kind.make_options(YEAR, {"proposal": True})
    assert kind.make_options(YEAR, {"group_by": "unit"}) == Options(YEAR, group_by="unit")
    assert MODEL in DOCUMENTS["dossier"].options and DOCUMENTS["dossier"].takes("excel") == ()
