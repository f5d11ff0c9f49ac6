"""Hồ sơ mô hình: event dates, the decision with its date, the indicator columns, the numbered photo section."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from desktop_app import domain
from desktop_app.documents import Options, build_pdf
from desktop_app.documents.samples import YEAR, prepare
from desktop_app.services import catalogues, status, units
from desktop_app.services.models import IndicatorData, ModelInput, create_model
from desktop_app.storage import database as storage
from desktop_app.text import format_date

from .pdfcheck import page_texts, text


@pytest.fixture(scope="module")
def dossiers(tmp_path_factory) -> dict[str, Path]:
    """The demo's photo model (decision issued 15/12/2023) and a model with targets, typed today, dated 2023."""
    folder = tmp_path_factory.mktemp("hồ sơ")
    photo_model = prepare(folder)
    try:
        unit = units.find_unit("Hội Nông dân xã Tân Hà") or units.create_unit("Hội Nông dân xã Tân Hà")
        targeted = create_model(
            ModelInput(
                name="Trồng cà phê xen sầu riêng",
                year=YEAR,
                field_id=catalogues.find("field", "Kinh tế").id,
                kind=domain.KIND_COLLECTIVE,
                unit_id=unit.id,
                indicators=[IndicatorData(name="Hộ tham gia", unit_of_measure="hộ", target=40, achieved=30)],
            ),
            registered_on=date(2023, 2, 10),
        )
        status.change_status([targeted], domain.IN_PROGRESS, event_date=date(2023, 4, 1))
        out = {
            style: build_pdf("dossier", Options(YEAR, style=style, model_id=photo_model), folder / f"{style}.pdf")
            for style in ("dang", "nha_nuoc")
        }
        out["targeted"] = build_pdf("dossier", Options(YEAR, model_id=targeted), folder / "chỉ tiêu.pdf")
    finally:
        storage.current().close()
    return out


@pytest.mark.parametrize("style", ["dang", "nha_nuoc"])
def test_history_shows_the_days_events_happened(dossiers, style):
    content = text(dossiers[style])
    assert "15/03/2023 Đề nghị công nhận" in content  # the demo's registration
    assert re.search(r"15/12/2023 (Không công nhận|Công nhận) Quyết định số 125-QĐ/HU ngày 15/12/2023", content)
    assert format_date(date.today()) not in content  # typed today, but nothing happened today


@pytest.mark.parametrize("style", ["dang", "nha_nuoc"])
def test_status_line_names_the_decision_and_its_date(dossiers, style):
    assert re.search(
        r"Trạng thái: (Không công nhận|Công nhận) \(Quyết định số 125-QĐ/HU ngày 15/12/2023\)", text(dossiers[style])
    )


def test_target_columns_only_when_some_indicator_has_a_target(dossiers):
    without = text(dossiers["dang"])
    assert "STT Chỉ tiêu Đơn vị tính Đạt được" in without
    assert "Mục tiêu" not in without and "Tỷ lệ" not in without
    targeted = text(dossiers["targeted"])
    assert "STT Chỉ tiêu Đơn vị tính Mục tiêu Đạt được Tỷ lệ" in targeted
    assert "Hộ tham gia hộ 40 30 75,0%" in targeted
    assert "10/02/2023 Đăng ký" in targeted and "01/04/2023 Đang thực hiện" in targeted


@pytest.mark.parametrize("style", ["dang", "nha_nuoc"])
def test_photo_section_is_numbered_after_the_others(dossiers, style):
    content = text(dossiers[style])
    history = int(re.search(r"(\d+)\. Quá trình", content).group(1))
    assert f"{history + 1}. Hình ảnh, tài liệu minh chứng" in content
    # The heading travels with the first photo: never alone at the foot of a page.
    page = next(p for p in page_texts(dossiers[style]) if "Hình ảnh, tài liệu minh chứng" in p)
    assert "Ảnh 1. Nhà tình thương trao cho hộ nghèo" in page
