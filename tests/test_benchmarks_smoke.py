"""The benchmark harness runs end to end on a tiny archive, so that it cannot rot.  No timing is asserted."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.registry import MEASURES, selected

ROOT = Path(__file__).resolve().parent.parent
CHEAP = [m.name for m in MEASURES if m.cheap]


def test_the_cheap_measures_report_every_key_with_a_number(tmp_path):
    env = dict(os.environ, DVK_BENCH_CACHE=str(tmp_path / "cache"), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--models", "120", "--json", "--only", *CHEAP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=240,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout)
    assert report["errors"] == {}, done.stderr[-3000:]
    assert report["meta"]["models"] == 120
    for measure in selected(CHEAP):
        for key in [*measure.targets, *(ratio.key for ratio in measure.ratios), f"{measure.name}_peak_mb"]:
            value = report[key]
            assert isinstance(value, float | int) and math.isfinite(value) and value >= 0, (key, value)
    # Keys of measures that were not asked for are not made up.
    assert "pdf_20k_s" not in report and "startup_s" not in report


def test_only_refuses_an_unknown_key():
    try:
        selected(["khong_co"])
    except SystemExit as exc:
        assert "khong_co" in str(exc)
    else:
        raise AssertionError("an unknown key was accepted")
