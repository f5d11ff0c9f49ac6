"""The one table of the benchmarks: each measure, the keys it reports, their targets and the ratios to floors.

A measure is a function ``(Context) -> list[dict[str, float]]`` (one dict per repetition) named here by
``module:function``; it runs in a child process of its own.  The harness reports the median of every figure
over the repetitions, each ratio as the median of its figure over the median of its floor measured in the same
run, and the child's peak resident memory as ``<measure>_peak_mb``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Ratio:
    key: str
    figure: str
    floor: str
    target: float


@dataclass(frozen=True)
class Measure:
    name: str
    function: str  # "module:function" under benchmarks
    targets: dict[str, float | None]  # the figures it reports (None: no target, shown for context)
    ratios: tuple[Ratio, ...] = ()
    gui: bool = False  # runs with QT_QPA_PLATFORM=offscreen
    cheap: bool = False  # runs in the smoke test
    peak_key: str = ""  # report the child's peak memory under this key too
    peak_target: float | None = None

    def reported(self) -> list[str]:
        keys = list(self.targets) + [r.key for r in self.ratios] + [f"{self.name}_peak_mb"]
        return keys + ([self.peak_key] if self.peak_key else [])


MEASURES: tuple[Measure, ...] = (
    Measure(
        "stats",
        "measures_core:stats",
        {"stats_ms": 200, "stats_all_years_ms": None, "review_all_ms": None},
        cheap=True,
    ),
    Measure("name_check", "measures_core:name_check", {"name_check_ms": 50, "name_check_max_ms": None}, cheap=True),
    Measure(
        "pdf",
        "measures_core:pdf",
        {"pdf_s": 3, "pdf_floor_s": None, "pdf_rows": None},
        (Ratio("pdf_ratio", "pdf_s", "pdf_floor_s", 1.3),),
        cheap=True,
    ),
    Measure("pdf_20k", "measures_core:pdf_20k", {"pdf_20k_s": 30, "pdf_20k_rows": None}, peak_key="pdf_20k_peak_mb"),
    Measure(
        "import",
        "measures_core:import_",
        {
            "import_s": None,
            "import_plan_s": None,
            "import_floor_s": None,
            "import_openpyxl_s": None,
            "import_rows": None,
        },
        (Ratio("import_ratio", "import_s", "import_floor_s", 2),),
        peak_key="import_peak_mb",
        peak_target=300,
    ),
    Measure(
        "export",
        "measures_core:export",
        {"export_s": None, "export_floor_s": None, "export_rows": None},
        (Ratio("export_ratio", "export_s", "export_floor_s", 2),),
    ),
    Measure(
        "backup",
        "measures_core:backup",
        {"backup_s": None, "restore_s": None, "backup_floor_s": None, "backup_mb": None},
        (Ratio("backup_ratio", "backup_s", "backup_floor_s", 1.5),),
    ),
    Measure(
        "startup",
        "measures_gui:startup",
        {"startup_s": 2, "startup_floor_s": None, "startup_rss_mb": None},
        (Ratio("startup_ratio", "startup_s", "startup_floor_s", 1.5),),
        gui=True,
    ),
    Measure(
        "window",
        "measures_gui:window",
        {
            "year_switch_s": 0.5,
            "filter_ms_median": 50,
            "filter_ms_p95": 100,
            "sort_ms": None,
            "page_ms": 10,
            "page_ms_max": None,
        },
        gui=True,
        cheap=True,
        peak_key="rss_mb",
        peak_target=300,
    ),
    Measure(
        "score",
        "measures_gui:score",
        {"score_commit_ms": 16, "score_commit_p95_ms": None, "score_refresh_ms": 50, "score_open_s": None},
        gui=True,
    ),
)


def targets() -> dict[str, float]:
    """Every key with a target, and the target."""
    found: dict[str, float] = {}
    for measure in MEASURES:
        found.update({key: value for key, value in measure.targets.items() if value is not None})
        found.update({ratio.key: ratio.target for ratio in measure.ratios})
        if measure.peak_key and measure.peak_target is not None:
            found[measure.peak_key] = measure.peak_target
    return found


def selected(only: list[str] | None) -> list[Measure]:
    """The measures named, or reporting one of the keys named, in ``only`` (all when None)."""
    if not only:
        return list(MEASURES)
    chosen = [m for m in MEASURES if m.name in only or any(key in only for key in m.reported())]
    unknown = [name for name in only if not any(name == m.name or name in m.reported() for m in MEASURES)]
    if unknown:
        raise SystemExit(f"unknown measure or key: {', '.join(unknown)}")
    return chosen
