"""``python -m benchmarks [--json] [--quick] [--only KEY ...] [--repeat N] [--models N]``.

Builds (once, then cached) the province archive, runs every measure of ``registry.MEASURES`` in a child process
of its own, several repetitions each, and prints the medians, the ratios to their floors and the targets as a
table, or as one JSON object whose keys are the figures (plus ``meta``, ``targets`` and ``errors``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

from .archive import FULL, QUICK, ArchiveSpec, archive_path, cache_dir, tiny
from .context import Context
from .registry import MEASURES, Measure, selected, targets

ROOT = Path(__file__).resolve().parent.parent


def _child(name: str, context_json: str) -> int:
    """Run one measure in this process; its figures as JSON on the last line of stdout."""
    ctx = Context.from_json(context_json)
    measure = next(m for m in MEASURES if m.name == name)
    module_name, function_name = measure.function.split(":")
    try:
        module = importlib.import_module(f"benchmarks.{module_name}")
        samples = getattr(module, function_name)(ctx)
        out: dict[str, Any] = {"samples": samples}
    except Exception as exc:  # noqa: BLE001 - a failing measure is reported, the others still run
        traceback.print_exc()
        out = {"error": f"{type(exc).__name__}: {exc}"}
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    sys.stdout.flush()
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0


def _run_measure(measure: Measure, ctx: Context, verbose: bool) -> dict[str, Any]:
    env = dict(os.environ)
    env["DVK_BENCH_CACHE"] = str(cache_dir())
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    # The program's per-user folders (data, settings, logs, automatic backups) go to the scratch folder.
    for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_STATE_HOME", "state")):
        env[var] = str(ctx.scratch / "home" / sub)
    if measure.gui:
        env["QT_QPA_PLATFORM"] = "offscreen"
    command = [sys.executable, "-m", "benchmarks", "--child", measure.name, ctx.to_json()]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8")
    lines = done.stdout.strip().splitlines()
    try:
        result: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, ValueError):
        result = {"error": f"the child process ended with code {done.returncode}"}
    if "error" in result or verbose:
        sys.stderr.write(done.stderr[-4000:])
    return result


def _summary(measure: Measure, result: dict[str, Any]) -> dict[str, float]:
    samples: list[dict[str, float]] = result.get("samples") or []
    figures: dict[str, float] = {}
    found = [k for sample in samples for k in sample]
    # The registry's order first, then anything else the measure reported.
    for key in sorted(set(found), key=lambda k: (measure.reported() + found).index(k)):
        values = [sample[key] for sample in samples if key in sample]
        figures[key] = statistics.median(values)
    for ratio in measure.ratios:
        floor = figures.get(ratio.floor)
        if floor and ratio.figure in figures:
            figures[ratio.key] = figures[ratio.figure] / floor
    if "peak_mb" in result:
        figures[f"{measure.name}_peak_mb"] = float(result["peak_mb"])
        if measure.peak_key:
            figures[measure.peak_key] = float(result["peak_mb"])
    return figures


def _machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "processor": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
    }


def _table(figures: dict[str, float], errors: dict[str, str]) -> str:
    wanted = targets()
    lines = [f"{'key':<24} {'value':>12} {'target':>10}"]
    for key, value in figures.items():
        target = wanted.get(key)
        mark = "" if target is None else ("  ok" if value <= target else "  MISSED")
        shown = f"{value:,.3f}" if abs(value) < 100 else f"{value:,.0f}"
        lines.append(f"{key:<24} {shown:>12} {'' if target is None else f'≤ {target:g}':>10}{mark}")
    lines += [f"{name}: ERROR {message}" for name, message in errors.items()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--quick", action="store_true", help="a 3,000-model archive, one repetition")
    parser.add_argument("--only", nargs="+", metavar="KEY", help="only the measures named or reporting these keys")
    parser.add_argument("--repeat", type=int, help="repetitions of each measure (3; 1 with --quick)")
    parser.add_argument("--models", type=int, help="a tiny archive of this many models (the smoke test)")
    parser.add_argument("--verbose", action="store_true", help="show the children's stderr")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return _child(*args.child)
    spec: ArchiveSpec = tiny(args.models) if args.models else QUICK if args.quick else FULL
    repeat = args.repeat or (1 if args.quick or args.models else 3)
    measures = selected(args.only)
    start = time.perf_counter()
    archive_path(spec, verbose=True)
    built = time.perf_counter() - start
    figures: dict[str, float] = {}
    errors: dict[str, str] = {}
    durations: dict[str, float] = {}  # wall seconds of each measure's child, setup included
    with tempfile.TemporaryDirectory(prefix="dvk-bench-") as tmp:
        for measure in measures:
            scratch = Path(tmp) / measure.name
            scratch.mkdir()
            ctx = Context(spec=spec, scratch=scratch, repeat=repeat, quick=bool(args.quick or args.models))
            if not args.json:
                print(f"… {measure.name}", file=sys.stderr, flush=True)
            began = time.perf_counter()
            result = _run_measure(measure, ctx, args.verbose)
            durations[measure.name] = round(time.perf_counter() - began, 1)
            if "error" in result:
                errors[measure.name] = str(result["error"])
            figures.update(_summary(measure, result))
            shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        meta = {
            "archive": spec.key(),
            "models": spec.models,
            "repeat": repeat,
            "archive_ready_s": round(built, 2),
            "measure_s": durations,
            "machine": _machine(),
        }
        out = {**figures, "meta": meta, "targets": targets(), "errors": errors}
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print(f"archive {spec.models:,} models, {repeat} repetition(s), medians")
        print(_table(figures, errors))
    return 0


if __name__ == "__main__":
    sys.exit(main())
