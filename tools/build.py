"""Builds the program for the current platform and checks it: ``python -m tools.build``.

1. the user guide PDF into build/guide (``python -m ui.user_guide``, headless), unless ``--skip-guide``;
2. the one-folder bundle dist/SoDanVanKheo with PyInstaller (build_installer.spec), and its size;
3. a headless smoke run of the frozen program in a temporary folder: ``init``, ``demo``, a PDF list, its Excel
   twin, ``check``, then the window opened offscreen until it logs that it started;
4. the NSIS installer dist/SoDanVanKheo-<version>-setup.exe with ``makensis`` (on Linux too: the script is
   compiled against the bundle on every run), unless ``--skip-installer`` or makensis is missing.

``--smoke-only FOLDER`` runs step 3 alone on an existing bundle or installed copy (CI: the installed program).
Exit code 0 when every step passed; otherwise 1 and a line saying which step failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app import __version__
from tools import bundle

ROOT = bundle.ROOT
SPEC = ROOT / "build_installer.spec"
NSIS_SCRIPT = ROOT / "installer" / "SoDanVanKheo.nsi"
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
GUIDE_MODULE = "ui.user_guide"
SMOKE_YEAR = 2023  # the demo's year
STEP_TIMEOUT = 600  # seconds: a frozen start on a slow office PC or CI runner is a few seconds, never minutes
GUI_START_TIMEOUT = 180
GUI_STARTED_MARK = "started with"  # ui.app.run logs this once the main window is shown


class BuildError(Exception):
    """A step failed; the message says which and why, in one line."""


@dataclass
class Summary:
    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)
        print(f"  {line}", flush=True)


def setup_exe_name(version: str = __version__) -> str:
    return f"{bundle.EXE_NAME}-{version}-setup.exe"


def executable_in(folder: Path, name: str = bundle.EXE_NAME) -> Path:
    """The program in a bundle or an installed copy (SoDanVanKheo.exe on Windows, SoDanVanKheo elsewhere)."""
    for candidate in (folder / f"{name}.exe", folder / name):
        if candidate.is_file():
            return candidate
    raise BuildError(f"Không thấy chương trình {name} trong «{folder}».")


def folder_size(folder: Path) -> tuple[int, int]:
    """Bytes and number of files (links not followed, as an installer copies them)."""
    total = count = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            total += path.stat().st_size
            count += 1
    return total, count


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def _run(
    command: Sequence[str | Path],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = STEP_TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# 1. The user guide -------------------------------------------------------------------------------------------


def build_guide(summary: Summary) -> None:
    target = bundle.BUILT_GUIDE
    if importlib.util.find_spec(GUIDE_MODULE) is None:
        print(f"Cảnh báo: chưa có mô-đun {GUIDE_MODULE}; gói sẽ không kèm hướng dẫn sử dụng PDF.", flush=True)
        summary.add("Hướng dẫn sử dụng: bỏ qua (chưa có mô-đun tạo).")
        return
    target.unlink(missing_ok=True)  # never ship last run's guide by mistake
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="dvk-guide-", ignore_cleanup_errors=True) as temp:
        env = isolated_env(Path(temp))
        result = _run([sys.executable, "-m", GUIDE_MODULE, target], env=env, cwd=ROOT)
    if result.returncode != 0 or not _is_pdf(target):
        raise BuildError(
            f"Không tạo được hướng dẫn sử dụng (mã {result.returncode}):\n{_tail(result.stdout + result.stderr)}"
        )
    summary.add(f"Hướng dẫn sử dụng: {target} ({megabytes(target.stat().st_size)}, {time.monotonic() - started:.0f} s)")


# 2. The bundle -----------------------------------------------------------------------------------------------


def build_bundle(summary: Summary) -> Path:
    started = time.monotonic()
    result = _run(
        [
            sys.executable,
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            DIST,
            "--workpath",
            WORK,
            SPEC,
        ],
        cwd=ROOT,
        timeout=3600,
    )
    if result.returncode != 0:
        raise BuildError(f"PyInstaller thất bại (mã {result.returncode}):\n{_tail(result.stderr, 30)}")
    folder = DIST / bundle.EXE_NAME
    executable_in(folder)
    size, count = folder_size(folder)
    summary.add(
        f"Gói chương trình: {folder} — {megabytes(size)}, {count} tệp, dựng trong {time.monotonic() - started:.0f} s"
    )
    missing = missing_qt_libraries(folder)
    if missing:
        raise BuildError("Gói thiếu thư viện Qt: " + "; ".join(missing))
    return folder


def missing_qt_libraries(folder: Path) -> list[str]:
    """Qt libraries a bundled library or plugin links to that the bundle lacks (tools.bundle.keep_qt_file dropped
    one still needed).  The smoke run starts the GUI on the offscreen plugin only; this covers the others (xcb,
    wayland, windows).  Linux reads the links with readelf, Windows with pefile (PyInstaller's own dependency)."""
    if sys.platform == "linux" and shutil.which("readelf"):
        files, links_of = [p for p in folder.rglob("*.so*") if p.is_file() and not p.is_symlink()], _elf_needed
    elif sys.platform == "win32":
        files, links_of = [p for p in folder.rglob("*") if p.suffix.lower() in (".dll", ".pyd")], _pe_imports
    else:
        return []
    present = {p.name.lower() for p in folder.rglob("*") if p.name.lower().startswith(("libqt6", "qt6"))}
    problems = []
    for path in files:
        for needed in links_of(path):
            if needed.lower().startswith(("libqt6", "qt6")) and needed.lower() not in present:
                problems.append(f"{path.relative_to(folder)} cần {needed}")
    return sorted(problems)


def _elf_needed(path: Path) -> list[str]:
    readelf = shutil.which("readelf") or "readelf"
    lines = _run([readelf, "-d", path]).stdout.splitlines()
    return [line.rsplit("[", 1)[1].rstrip("]") for line in lines if "(NEEDED)" in line and "[" in line]


def _pe_imports(path: Path) -> list[str]:
    pefile = importlib.import_module("pefile")  # installed with PyInstaller on Windows only
    pe = pefile.PE(str(path), fast_load=True)
    try:
        pe.parse_data_directories(directories=[pefile.DIRECTORY_ENTRY["IMAGE_DIRECTORY_ENTRY_IMPORT"]])
        return [entry.dll.decode("ascii", "replace") for entry in getattr(pe, "DIRECTORY_ENTRY_IMPORT", [])]
    finally:
        pe.close()


# 3. The smoke run --------------------------------------------------------------------------------------------


def isolated_env(temp: Path) -> dict[str, str]:
    """The environment of a headless run whose data, settings and logs all stay inside ``temp``."""
    env = dict(os.environ)
    env.pop("DVK_PORTABLE", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["DVK_DB"] = str(temp / "so-dan-van-kheo.db")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[name] = str(temp / name.lower())
    # Windows: platformdirs asks the shell for these folders unless overridden by name.
    env["APPDATA"] = env["WIN_PD_OVERRIDE_APPDATA"] = str(temp / "AppData" / "Roaming")
    env["LOCALAPPDATA"] = env["WIN_PD_OVERRIDE_LOCAL_APPDATA"] = str(temp / "AppData" / "Local")
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def _starts_with(path: Path, magic: bytes) -> bool:
    if not path.is_file():
        return False
    with path.open("rb") as fh:
        return fh.read(len(magic)) == magic


def _is_pdf(path: Path) -> bool:
    return _starts_with(path, b"%PDF-")


def _is_xlsx(path: Path) -> bool:
    if not _starts_with(path, b"PK\x03\x04"):
        return False
    with zipfile.ZipFile(path) as archive:
        return "xl/workbook.xml" in archive.namelist()


def smoke_run(folder: Path, summary: Summary) -> None:
    """Runs the frozen program headless; raises BuildError at the first step that fails."""
    program = executable_in(folder)
    with tempfile.TemporaryDirectory(prefix="dvk-smoke-", ignore_cleanup_errors=True) as name:
        temp = Path(name)
        env = isolated_env(temp)
        pdf, xlsx = temp / "danh-sach.pdf", temp / "danh-sach.xlsx"
        steps: list[tuple[str, list[str], Callable[[], bool]]] = [
            ("init", ["init"], lambda: Path(env["DVK_DB"]).is_file()),
            ("demo", ["demo"], lambda: True),
            (
                "report (PDF)",
                ["report", "registrations", "--year", str(SMOKE_YEAR), "--out", str(pdf)],
                lambda: _is_pdf(pdf),
            ),
            (
                "export (Excel)",
                ["export", "registrations", "--year", str(SMOKE_YEAR), "--out", str(xlsx)],
                lambda: _is_xlsx(xlsx),
            ),
            ("check", ["check"], lambda: True),
        ]
        for label, args, produced in steps:
            started = time.monotonic()
            result = _run([program, *args], env=env, cwd=temp)
            if result.returncode != 0:
                raise BuildError(
                    f"Chạy thử «{label}» thất bại (mã {result.returncode}):\n{_tail(result.stdout + result.stderr)}"
                )
            if not produced():
                raise BuildError(f"Chạy thử «{label}» kết thúc nhưng không tạo ra tệp đúng dạng.")
            summary.add(f"Chạy thử {label}: đạt ({time.monotonic() - started:.1f} s)")
        started = time.monotonic()
        # The console twin: same program, and its output reaches the caller (the windowed one's may not).
        result = _run([executable_in(folder, bundle.CLI_EXE_NAME), "check", "--quick"], env=env, cwd=temp)
        if result.returncode != 0 or Path(env["DVK_DB"]).name not in result.stdout:
            raise BuildError(
                f"Chạy thử «{bundle.CLI_EXE_NAME} check» thất bại (mã {result.returncode}):\n"
                f"{_tail(result.stdout + result.stderr)}"
            )
        summary.add(f"Chạy thử {bundle.CLI_EXE_NAME} check: đạt, có in kết quả ({time.monotonic() - started:.1f} s)")
        started = time.monotonic()
        gui_smoke(program, env, temp)
        summary.add(f"Chạy thử giao diện (offscreen): cửa sổ chính đã mở ({time.monotonic() - started:.1f} s)")


def gui_smoke(program: Path, env: dict[str, str], temp: Path) -> None:
    """Opens the window offscreen on the demo database and waits until the program logs that it is shown: the
    Qt libraries and plugins the bundle kept are enough to start the GUI.  Then stops it."""
    log = temp / "gui-output.txt"
    with log.open("w", encoding="utf-8") as output:
        process = subprocess.Popen([str(program)], env=env, cwd=temp, stdout=output, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + GUI_START_TIMEOUT
            while time.monotonic() < deadline:
                if process.poll() is not None:
                    raise BuildError(
                        f"Giao diện thoát ngay (mã {process.returncode}):\n{_tail(_read(log) + _app_logs(temp))}"
                    )
                if GUI_STARTED_MARK in _app_logs(temp):
                    return
                # Polling a child process's log file: the only signal a separate, windowed program gives.
                time.sleep(0.5)
            raise BuildError(f"Giao diện không mở được trong {GUI_START_TIMEOUT} s:\n{_tail(_app_logs(temp))}")
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=60)


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""


def _app_logs(temp: Path) -> str:
    return "".join(_read(p) for p in sorted(temp.rglob("so-dan-van-kheo.log")))


# 4. The installer --------------------------------------------------------------------------------------------


def find_makensis() -> Path | None:
    found = shutil.which("makensis")
    if found:
        return Path(found)
    # Windows environment names are case-insensitive.
    for base in (os.environ.get("PROGRAMFILES(X86)"), os.environ.get("PROGRAMFILES")):
        if base and (Path(base) / "NSIS" / "makensis.exe").is_file():
            return Path(base) / "NSIS" / "makensis.exe"
    return None


def makensis_command(makensis: Path, bundle_dir: Path, out_file: Path, version: str = __version__) -> list[str]:
    """The makensis call: the script gets the version, the bundle and the output through defines."""
    size_kb = folder_size(bundle_dir)[0] // 1024
    major, minor, patch, build = bundle.version_tuple(version)
    defines = {
        "VERSION": version,
        "VERSION4": f"{major}.{minor}.{patch}.{build}",
        "SRCDIR": str(bundle_dir.resolve()),
        "OUTFILE": str(out_file.resolve()),
        "ICON": str(bundle.ICON_ICO),
        "SIZE_KB": str(size_kb),
    }
    if sys.platform != "win32":
        # Elsewhere the installer only proves the script compiles against a real bundle (its Linux files are of
        # no use on Windows): zlib does that in seconds where solid lzma takes minutes.
        defines["COMPRESSOR"] = "zlib"
    # -WX: a warning is an error, so a slip in the script fails the build here rather than on a clerk's PC.
    return [
        str(makensis),
        "-V3",  # the summary (pages, compression, size) without the list of files
        "-WX",
        "-INPUTCHARSET",
        "UTF8",
        *(f"-D{k}={v}" for k, v in defines.items()),
        str(NSIS_SCRIPT),
    ]


def build_installer(bundle_dir: Path, summary: Summary) -> Path | None:
    makensis = find_makensis()
    if makensis is None:
        print("Cảnh báo: không thấy makensis (NSIS); bỏ qua bộ cài đặt.", flush=True)
        summary.add("Bộ cài đặt: bỏ qua (không có makensis).")
        return None
    out_file = DIST / setup_exe_name()
    out_file.unlink(missing_ok=True)
    started = time.monotonic()
    result = _run(makensis_command(makensis, bundle_dir, out_file), cwd=ROOT, timeout=1800)
    if result.returncode != 0 or not out_file.is_file():
        raise BuildError(f"makensis thất bại (mã {result.returncode}):\n{_tail(result.stdout + result.stderr, 30)}")
    if not _starts_with(out_file, b"MZ"):
        raise BuildError(f"«{out_file}» không phải tệp chương trình Windows.")
    for line in result.stdout.splitlines():  # makensis's own summary
        if line.startswith(("Install:", "Uninstall:", "Using ", "Total size:")):
            print(f"    makensis: {line.strip()}", flush=True)
    summary.add(
        f"Bộ cài đặt: {out_file} — {megabytes(out_file.stat().st_size)}, {time.monotonic() - started:.0f} s "
        f"({makensis})"
    )
    return out_file


# -------------------------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tools.build", description="Dựng gói chương trình, chạy thử và tạo bộ cài đặt Windows."
    )
    parser.add_argument("--skip-installer", action="store_true", help="không tạo bộ cài đặt NSIS")
    parser.add_argument("--skip-guide", action="store_true", help="không tạo lại hướng dẫn sử dụng PDF")
    parser.add_argument(
        "--smoke-only", type=Path, metavar="THƯ_MỤC", help="chỉ chạy thử chương trình đã dựng hoặc đã cài ở đây"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):  # a Windows console in cp1252 cannot print Vietnamese otherwise
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = parse_args(argv)
    summary = Summary()
    started = time.monotonic()
    try:
        if args.smoke_only:
            smoke_run(args.smoke_only.resolve(), summary)
        else:
            if not args.skip_guide:
                build_guide(summary)
            folder = build_bundle(summary)
            smoke_run(folder, summary)
            if not args.skip_installer:
                build_installer(folder, summary)
    except BuildError as exc:
        print(f"\nLỖI: {exc}", file=sys.stderr, flush=True)
        return 1
    except subprocess.TimeoutExpired as exc:
        print(f"\nLỖI: quá thời gian khi chạy {exc.cmd}", file=sys.stderr, flush=True)
        return 1
    print(f"\nXong sau {time.monotonic() - started:.0f} s:")
    for line in summary.lines:
        print(f"  ✓ {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
