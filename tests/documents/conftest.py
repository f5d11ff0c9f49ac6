"""One demo office, built once for the module: the decision issued, a photo on one model."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.documents import DOCUMENTS, Options, build_excel, build_pdf
from desktop_app.documents.samples import YEAR, prepare
from desktop_app.storage import database as storage


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> dict[str, Path]:
    """Every document of the demo year, both styles (score sheets in one style: they are many pages)."""
    folder = tmp_path_factory.mktemp("tài liệu")
    out: dict[str, Path] = {}
    try:
        # Each style from a database whose decision was issued in that style (the demo office issues in both);
        # the Party one last, as the rest below is built from it.
        for style in ("nha_nuoc", "dang"):
            model_id = prepare(folder, style)
            for code, kind in DOCUMENTS.items():
                if code == "scoresheets" and style == "nha_nuoc":
                    continue
                options = Options(YEAR, style=style, model_id=model_id if kind.needs_model else None)
                out[f"{code}_{style}"] = build_pdf(code, options, folder / f"{code}_{style}.pdf")
        out["proposal_dang"] = build_pdf("recognition", Options(YEAR, proposal=True), folder / "proposal.pdf")
        out["by_unit_dang"] = build_pdf("registrations", Options(YEAR, group_by="unit"), folder / "by_unit.pdf")
        out["blank_sheets"] = build_pdf(
            "scoresheets", Options(YEAR, filled=False, model_id=model_id), folder / "blank.pdf"
        )
        out["certificates_a3"] = build_pdf(
            "certificates", Options(YEAR, paper="A3", model_id=model_id), folder / "a3.pdf"
        )
        for code, kind in DOCUMENTS.items():
            if kind.excel is not None:
                out[f"{code}_xlsx"] = build_excel(code, Options(YEAR), folder / f"{code}.xlsx")
        from desktop_app import domain
        from desktop_app.services.models import ModelFilter, list_models

        rows = list_models(ModelFilter(year=YEAR))
        out["names"] = [r.name for r in rows]  # type: ignore[assignment]
        out["recognised"] = [r.name for r in rows if r.status == domain.RECOGNISED]  # type: ignore[assignment]
        out["db"] = folder / "mau.db"
        out["model_id"] = model_id  # type: ignore[assignment]
    finally:
        storage.current().close()
    return out
