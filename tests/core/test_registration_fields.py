"""The registration fields are defined once (desktop_app.registration); everything else follows the registry.

Each test walks the whole registry, so a field added there is checked here without touching this file.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import fields as dc_fields
from datetime import date
from pathlib import Path

import peewee as pw
import pytest
from openpyxl import Workbook

from desktop_app import domain, registration
from desktop_app.documents.dossier import build_dossier
from desktop_app.errors import ValidationError
from desktop_app.importer import build_plan
from desktop_app.importer.layout import LABELS, TARGETS, target_for
from desktop_app.registration import CHOICE, DATE, FIELDS, LINE, TEXT, YEAR, RegistrationField
from desktop_app.services import catalogues, units, yearly
from desktop_app.services.models import ModelInput, create_model, get_model, update_model
from desktop_app.storage.models import MoHinh
from desktop_app.text import fold

from ..documents.pdfcheck import text as pdf_text

ROOT = Path(__file__).resolve().parents[2]

# Columns of mo_hinh that code gives meaning to.  A new column is either one of these (say so here)
# or a registration field (say so in the registry): the first test fails until one is chosen.
NOT_REGISTRATION = {
    "id",
    "uuid",
    "year",
    "name",
    "name_fold",
    "name_sort",
    "kind",
    "field",
    "level",
    "unit",
    "status",
    "continues",
    "replicates",
    "search_fold",
    "created_at",
    "updated_at",
    "version",  # the optimistic version a stale save is refused by (schema 5)
    "source_office",  # the office whose exchange package brought the model (schema 7)
    "source_hash",  # the model as that package carried it, to tell a change made here from one made there
}
COLUMN_TYPES = {
    LINE: (pw.CharField, pw.TextField),
    TEXT: (pw.TextField, pw.CharField),
    CHOICE: (pw.CharField,),
    DATE: (pw.DateField,),
    YEAR: (pw.IntegerField,),
}


def _value(spec: RegistrationField, variant: int) -> object:
    """A stored value for ``spec``; variants differ from each other and from the empty value."""
    position = FIELDS.index(spec)
    if spec.kind == DATE:  # later fields later in the year, so the end never comes before the start
        return date(2020 + variant, 1 + position % 12, 1 + position)
    if spec.kind == YEAR:
        return 1960 + variant
    if spec.kind == CHOICE:
        return spec.choices[variant % len(spec.choices)]
    if spec.kind == TEXT:
        return f"{spec.label} {variant}: dòng một\ndòng hai"
    return f"{spec.label} {variant}"[: spec.max_length]


def _typed(spec: RegistrationField, value: object) -> str:
    """``value`` as a clerk types it."""
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def _filled(variant: int, *, kind: str = domain.KIND_INDIVIDUAL, name: str = "Mẹ đỡ đầu") -> ModelInput:
    unit = units.find_unit("Hội Phụ nữ xã Mê Linh") or units.create_unit("Hội Phụ nữ xã Mê Linh")
    return ModelInput(
        name=name,
        year=2023,
        field_id=catalogues.find("field", "Kinh tế").id,
        kind=kind,
        unit_id=unit.id,
        **{spec.name: _value(spec, variant) for spec in FIELDS},
    )


# ----------------------------------------------------------------- the registry and the table


def test_every_registry_field_has_a_column_and_every_other_column_is_known():
    columns = MoHinh._meta.fields
    for spec in FIELDS:
        assert spec.name in columns, f"mo_hinh has no column {spec.name}: add it and a migration"
        assert isinstance(columns[spec.name], COLUMN_TYPES[spec.kind]), spec.name
    assert set(columns) - NOT_REGISTRATION == set(registration.NAMES)


def test_the_registry_is_consistent():
    names = [spec.name for spec in FIELDS]
    assert len(names) == len(set(names))
    assert set(names) <= {f.name for f in dc_fields(ModelInput)}  # the service's input has them all
    targets = [spec.target for spec in FIELDS]
    assert len(targets) == len(set(targets))
    positions = [spec.dossier for spec in FIELDS if spec.dossier is not None]
    assert len(positions) == len(set(positions))
    for spec in FIELDS:
        assert spec.label and spec.label == spec.label.strip()
        assert (spec.kind == CHOICE) == bool(spec.choices), spec.name
        assert not spec.searched or spec.kind in (LINE, TEXT), spec.name
        assert all(synonym == fold(synonym) for synonym in spec.synonyms), spec.name


# ----------------------------------------------------------------- the service


def test_every_field_round_trips_through_create_update_get(db):
    model_id = create_model(_filled(0))
    stored = get_model(model_id).data
    assert {n: getattr(stored, n) for n in registration.NAMES} == {s.name: _value(s, 0) for s in FIELDS}
    update_model(model_id, _filled(1))
    stored = get_model(model_id).data
    assert {n: getattr(stored, n) for n in registration.NAMES} == {s.name: _value(s, 1) for s in FIELDS}


def test_what_the_editor_and_the_importer_type_is_read_by_the_service(db):
    typed = ModelInput(
        name="Mẹ đỡ đầu",
        year=2023,
        field_id=catalogues.find("field", "Kinh tế").id,
        kind=domain.KIND_INDIVIDUAL,
        **{spec.name: "  " + _typed(spec, _value(spec, 2)) + " " for spec in FIELDS},
    )
    stored = get_model(create_model(typed)).data
    assert {n: getattr(stored, n) for n in registration.NAMES} == {s.name: _value(s, 2) for s in FIELDS}


def test_a_collective_model_keeps_none_of_an_individuals_fields(db):
    stored = get_model(create_model(_filled(0, kind=domain.KIND_COLLECTIVE))).data
    for spec in FIELDS:
        expected = spec.empty if spec.individual_only else _value(spec, 0)
        assert getattr(stored, spec.name) == expected, spec.name


@pytest.mark.parametrize(
    "spec", [s for s in FIELDS if s.max_length or s.kind in (DATE, YEAR, CHOICE)], ids=lambda s: s.name
)
def test_a_bad_value_is_refused_naming_the_field(db, spec):
    bad = {DATE: "32/13/2023", YEAR: "năm ngoái", CHOICE: "Ngài"}.get(spec.kind, "x" * ((spec.max_length or 0) + 1))
    data = _filled(0)
    setattr(data, spec.name, bad)
    with pytest.raises(ValidationError) as info:
        create_model(data)
    assert (info.value.key, info.value.field) == (spec.name, spec.label)
    assert MoHinh.select().count() == 0


def test_searched_fields_are_found_by_the_list_search(db):
    from desktop_app.services.models import ModelFilter, query_ids

    model_id = create_model(_filled(0))
    for name in registration.SEARCHED:
        words = str(_value(registration.BY_NAME[name], 0)).split()
        assert query_ids(ModelFilter(text=" ".join(words[:2]))) == [model_id], name


# ----------------------------------------------------------------- yearly copy, dossier


def test_the_yearly_copy_copies_exactly_the_flagged_fields(db):
    old = create_model(_filled(0))
    [new] = yearly.copy_to_year([old], 2024)
    copied = get_model(new).data
    for spec in FIELDS:
        expected = _value(spec, 0) if spec.next_year else spec.empty
        assert getattr(copied, spec.name) == expected, spec.name


def test_the_dossier_prints_the_flagged_fields_in_order(db, tmp_path):
    from desktop_app.demo import DEMO_OFFICE
    from desktop_app.services import settings

    settings.save_office(DEMO_OFFICE)  # a dossier is printed in the office's name
    model_id = create_model(_filled(0))
    content = pdf_text(build_dossier(model_id, tmp_path / "hồ sơ.pdf"))
    where = []
    for number, spec in enumerate(registration.DOSSIER_SECTIONS, start=1):
        heading = f"{number}. {spec.label}"
        assert heading in content, heading
        where.append(content.index(heading))
        assert spec.to_text(_value(spec, 0)).split("\n")[0] in content, spec.name
    assert where == sorted(where)
    for spec in FIELDS:
        if spec.dossier is None:
            assert not re.search(rf"\d+\. {re.escape(spec.label)}\b", content), spec.name


# ----------------------------------------------------------------- importer


@pytest.mark.parametrize("spec", [s for s in FIELDS if s.synonyms], ids=lambda s: s.name)
def test_the_importer_maps_each_synonym(spec):
    assert LABELS[spec.target] == spec.label
    for synonym in spec.synonyms:
        assert target_for(synonym) == spec.target, synonym
        assert target_for(synonym.upper() + " (ghi rõ) *") == spec.target, synonym


def test_every_field_can_be_chosen_for_a_column_and_no_target_is_taken_twice():
    assert all(spec.target in LABELS for spec in FIELDS)
    own = set(TARGETS) - {spec.target for spec in FIELDS}
    assert own.isdisjoint(spec.target for spec in FIELDS)


def test_an_imported_row_carries_every_field_with_a_header(db, tmp_path):
    headed = [spec for spec in FIELDS if spec.synonyms]
    book = Workbook()
    sheet = book.active
    sheet.append(["Tên mô hình", "Lĩnh vực", "Loại", *(spec.synonyms[0] for spec in headed)])
    sheet.append(["Mẹ đỡ đầu", "Kinh tế", "Cá nhân", *(_typed(spec, _value(spec, 0)) for spec in headed)])
    sheet.append(["Ngày sai", "Kinh tế", "Cá nhân", *("31/02/2023" if spec.kind == DATE else "" for spec in headed)])
    path = tmp_path / "đăng ký.xlsx"
    book.save(path)
    plan = build_plan(path, year=2023)
    good, bad = plan.rows
    assert good.status == "ok" and good.values == {spec.name: _value(spec, 0) for spec in headed}
    assert bad.status == "rejected" and "không có thật" in bad.problems[0].message
    stored = get_model(create_model(good.model_input(None))).data
    assert all(getattr(stored, spec.name) == _value(spec, 0) for spec in headed)


# ----------------------------------------------------------------- command line, editor


def test_models_json_carries_every_field(db):
    create_model(_filled(0))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app", "--db", str(db.path), "models", "--json"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert {spec.name: row[spec.name] for spec in FIELDS} == {s.name: s.to_json(_value(s, 0)) for s in FIELDS}


def test_the_editor_has_an_input_for_every_field_and_saves_it(db, qtbot, monkeypatch):
    from ui.editor import ModelEditorDialog
    from ui.editor import dialog as dialog_module

    monkeypatch.setattr(dialog_module, "ask_unsaved_changes", lambda parent: dialog_module.DISCARD)

    dialog = ModelEditorDialog(None, None, 2023)
    qtbot.addWidget(dialog)
    dialog.name.setText("Mẹ đỡ đầu")
    dialog.field.setCurrentIndex(1)
    dialog.kind.setCurrentIndex(dialog.kind.findData(domain.KIND_INDIVIDUAL))
    assert set(dialog.inputs) == set(registration.NAMES)
    for spec in FIELDS:
        widget, value = dialog.inputs[spec.name], _value(spec, 0)
        if isinstance(widget, dialog_module.QComboBox):
            widget.setCurrentIndex(widget.findData(value))
        elif isinstance(widget, dialog_module.QPlainTextEdit):
            widget.setPlainText(_typed(spec, value))
        else:
            widget.setText(_typed(spec, value))
    assert dialog.save(), [label.text() for label in dialog.errors.values() if label.text()]
    stored = get_model(dialog.model_id).data
    assert {n: getattr(stored, n) for n in registration.NAMES} == {s.name: _value(s, 0) for s in FIELDS}
    reopened = ModelEditorDialog(None, dialog.model_id, 2023)
    qtbot.addWidget(reopened)
    assert reopened.collect() == dialog.collect()
