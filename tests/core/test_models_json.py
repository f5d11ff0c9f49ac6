"""``models --json`` gives each model's indicators, so that a script can check what an import stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop_app.services import catalogues, units
from desktop_app.services.models import IndicatorData, ModelInput, create_model, get_model, indicators_of
from desktop_app.storage.models import database_proxy

ROOT = Path(__file__).resolve().parents[2]


def _models() -> dict[str, int]:
    field = catalogues.list_items("field")[0].id
    unit = units.create_unit("Hội Nông dân xã Phi Tô").id
    money, households = (
        catalogues.find("indicator_category", n) for n in ("Tiền, hiện vật vận động được", "Hộ thoát nghèo, cận nghèo")
    )
    assert money is not None and households is not None
    shapes = {
        "Nuôi bò sinh sản": [
            IndicatorData("Kinh phí", "đồng", None, 12_500_000, category_id=money.id),
            IndicatorData("Số hộ", "hộ", 10, 15, category_id=households.id),
            IndicatorData("Chiều dài đường", "km", None, 2.5),  # no category: shown, added to no total
        ],
        "Thắp sáng đường quê": [],
        "Tủ sách cộng đồng": [IndicatorData("Số hộ", "hộ", 40, None, category_id=households.id)],
    }
    return {
        name: create_model(ModelInput(name=name, year=2024, field_id=field, unit_id=unit, indicators=items))
        for name, items in shapes.items()
    }


def test_the_indicators_of_listed_models_are_read_in_one_query(db):
    ids = _models()
    statements: list[str] = []
    real = database_proxy.obj.execute_sql

    def counting(sql, *args, **kwargs):
        statements.append(sql)
        return real(sql, *args, **kwargs)

    database_proxy.obj.execute_sql = counting
    try:
        found = indicators_of(list(ids.values()))
    finally:
        database_proxy.obj.execute_sql = real
    assert len(statements) == 1
    assert found == {model_id: get_model(model_id).indicators for model_id in ids.values()}
    assert [i.category for i in found[ids["Nuôi bò sinh sản"]]] == [
        "Tiền, hiện vật vận động được",
        "Hộ thoát nghèo, cận nghèo",
        "",
    ]
    assert indicators_of([]) == {}


def test_models_json_includes_each_models_indicators(db):
    _models()
    db.close()
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
    listed = {row["name"]: row["indicators"] for row in json.loads(result.stdout)}
    assert listed == {
        "Nuôi bò sinh sản": [
            {
                "name": "Kinh phí",
                "category": "Tiền, hiện vật vận động được",
                "unit": "đồng",
                "target": None,
                "achieved": 12_500_000,
            },
            {"name": "Số hộ", "category": "Hộ thoát nghèo, cận nghèo", "unit": "hộ", "target": 10, "achieved": 15},
            {"name": "Chiều dài đường", "category": "", "unit": "km", "target": None, "achieved": 2.5},
        ],
        "Thắp sáng đường quê": [],
        "Tủ sách cộng đồng": [
            {"name": "Số hộ", "category": "Hộ thoát nghèo, cận nghèo", "unit": "hộ", "target": 40, "achieved": None}
        ],
    }
