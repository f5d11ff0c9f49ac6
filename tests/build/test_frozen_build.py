"""The whole build from a fresh virtual environment: the bundle, its headless smoke run and the installer.

Slow (several minutes: pip, PyInstaller, the user guide, makensis), so excluded from the default run:
    .venv/bin/python -m pytest -m slow tests/build -p no:cacheprovider
It needs the network for pip (PyPI) and writes build/ and dist/ in the checkout, as ``python -m tools.build`` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from desktop_app import __version__
from tools import build

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


def _python_in(env_dir: Path) -> Path:
    return env_dir / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def test_the_frozen_program_builds_runs_and_installs_from_a_fresh_environment(tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = _python_in(env_dir)
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "-c", "constraints.txt", "-e", ".[build]"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr[-3000:]

    environment = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run(
        [str(python), "-m", "tools.build"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=3000,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-5000:]

    bundle_dir = ROOT / "dist" / "SoDanVanKheo"
    program = build.executable_in(bundle_dir)
    build.executable_in(bundle_dir, "SoDanVanKheo-cli")
    assert program.stat().st_size > 0
    assert (bundle_dir / "_internal" / "resources" / "icons" / "app.png").is_file()
    # Each smoke step says it passed; the window step is the last of them.
    for step in ("init", "demo", "report (PDF)", "export (Excel)", "check", "SoDanVanKheo-cli check", "giao diện"):
        assert f"Chạy thử {step}" in output, output[-5000:]
    assert "Chạy thử giao diện (offscreen): cửa sổ chính đã mở" in output

    assert build.find_makensis() is not None, (
        "makensis is needed (Debian: apt install nsis): the installer was not made"
    )
    installer = ROOT / "dist" / f"SoDanVanKheo-{__version__}-setup.exe"
    with installer.open("rb") as fh:
        assert fh.read(2) == b"MZ"
    assert installer.stat().st_mtime >= program.stat().st_mtime  # made from this bundle, not left from before
