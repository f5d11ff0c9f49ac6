"""What goes into the PyInstaller bundle: data folders, the Qt pieces kept, the Windows version resource.

Plain functions with no PyInstaller import, so ``build_installer.spec`` stays short and the choices are tested
quickly (tests/build/test_bundle_contents.py) without building anything.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from desktop_app import APP_ID, APP_NAME, __version__

ROOT = Path(__file__).resolve().parent.parent
EXE_NAME = APP_ID  # SoDanVanKheo.exe, and the bundle folder dist/SoDanVanKheo
CLI_EXE_NAME = f"{APP_ID}-cli"  # the console twin: the command line with its output on Windows
GUIDE_NAME = "huong-dan-su-dung.pdf"
BUILT_GUIDE = ROOT / "build" / "guide" / GUIDE_NAME  # where tools.build puts a freshly made guide
ICON_ICO = ROOT / "resources" / "icons" / "app.ico"
COMPANY = APP_NAME
DESCRIPTION = f"{APP_NAME}: quản lý mô hình, điển hình “Dân vận khéo”"

# Resource files that are sources for something shipped, not shipped themselves.
_SOURCE_SUFFIXES = {".ts"}

# Qt modules a used one needs at import time although the app never names them.
_QT_MODULE_NEEDS = {"QtCharts": {"QtOpenGL", "QtOpenGLWidgets"}, "QtPrintSupport": set()}
# Always there: every Qt application loads these.
_QT_BASE = {"QtCore", "QtGui", "QtWidgets"}

# Qt plugin folders dropped whole: input from raw devices, networking, embedded GL, SVG icons.
_DROPPED_PLUGIN_DIRS = {
    "egldeviceintegrations",
    "generic",
    "networkinformation",
    "tls",
    "iconengines",
    "sqldrivers",
    "multimedia",
    "position",
    "qmltooling",
    "virtualkeyboard",
    "designer",
}
# In the folders kept, the plugins kept (file name without lib prefix and suffix).  Other folders keep all.
_KEPT_PLUGINS = {
    # xcb/wayland: Linux desktops; windows: Windows; offscreen and minimal: headless runs (the smoke test).
    "platforms": {"qxcb", "qwayland", "qwindows", "qcocoa", "qoffscreen", "qminimal"},
    # png and bmp are built into QtGui; these are the evidence photos' other formats and .ico.
    "imageformats": {"qjpeg", "qgif", "qico", "qwebp"},
    # Typing Vietnamese on Linux goes through ibus (Unikey, Bamboo) or the compose key; no on-screen keyboard.
    "platforminputcontexts": {"composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"},
    # Wayland: the standard shell and the plain decoration; adwaita's needs QtSvg, wl-shell is obsolete.
    "wayland-shell-integration": {"xdg-shell"},
    "wayland-decoration-client": {"bradient"},
}
# Qt libraries only the dropped plugins or modules load (Linux: libQt6Pdf.so.6, Windows: Qt6Pdf.dll).
_DROPPED_QT_LIBS = re.compile(
    r"^(lib)?qt6(pdf|qml\w*|quick\w*|virtualkeyboard\w*|svg\w*|eglfs\w*|network|wlshellintegration)\b",
    re.IGNORECASE,
)
# Windows: Mesa's software OpenGL (20 MB) for machines without a GL driver; the app draws nothing with OpenGL.
_DROPPED_FILES = {"opengl32sw.dll"}

# Test and developer tooling: never in the program even if something imports it by chance.
TOOLING_EXCLUDES = [
    "tkinter",
    "_tkinter",
    "pytest",
    "_pytest",
    "pytestqt",
    "pytest_timeout",
    "hypothesis",
    "mypy",
    "mypyc",
    "ruff",
    "pypdf",
    "IPython",
    "jedi",
    "pluggy",
    "iniconfig",
    "tests",
    "benchmarks",
    "tools",
    "PyInstaller",
]


# The distributions whose versions the About box shows (ui/about.py::components): their metadata is bundled.
ABOUT_DISTRIBUTIONS = (
    "PySide6-Essentials",
    "peewee",
    "openpyxl",
    "python-calamine",
    "reportlab",
    "pypdfium2",
    "pillow",
    "platformdirs",
    "filelock",
)


def used_qt_modules(root: Path = ROOT) -> set[str]:
    """The PySide6 modules the program imports (``ui/`` and ``desktop_app/``), with what they need."""
    found = set(_QT_BASE)
    pattern = re.compile(r"\bPySide6\.(Qt\w+)")
    for package in ("ui", "desktop_app"):
        for source in (root / package).rglob("*.py"):
            found.update(pattern.findall(source.read_text(encoding="utf-8")))
    for module in list(found):
        found |= _QT_MODULE_NEEDS.get(module, set())
    return found


def qt_excludes(available: Iterable[str], used: set[str]) -> list[str]:
    """``PySide6.X`` for every installed binding module the program does not use, for Analysis(excludes=)."""
    return sorted(f"PySide6.{name}" for name in set(available) - used)


def installed_qt_modules(pyside_dir: Path) -> set[str]:
    """The binding modules in an installed PySide6 (QtCore.abi3.so, QtCore.pyd...)."""
    return {
        p.name.split(".")[0] for p in pyside_dir.iterdir() if p.name.startswith("Qt") and p.suffix in (".so", ".pyd")
    }


def _stem(name: str) -> str:
    """``libqxcb.so`` -> ``qxcb``; ``qwindows.dll`` -> ``qwindows``."""
    stem = name.split(".")[0]
    return stem[3:] if stem.startswith("lib") else stem


def keep_qt_file(dest: str) -> bool:
    """Whether a collected file (its path inside the bundle) stays: the Qt plugins, libraries and translations
    the program does not need are dropped; everything that is not Qt stays."""
    path = PurePosixPath(dest.replace("\\", "/"))
    parts = [p.lower() for p in path.parts]
    name = parts[-1]
    # By name wherever it is: on Linux PyInstaller also links each Qt library into the bundle's top folder.
    if name in _DROPPED_FILES or _DROPPED_QT_LIBS.match(name):
        return False
    if "pyside6" not in parts:
        return True
    if "translations" in parts[:-1]:
        # Qt ships no Vietnamese for its dialogs (ours is resources/translations/qtbase_vi.qm): none of its
        # 7 MB of other languages is wanted, but a future qt*_vi.qm would be.
        return bool(re.search(r"_vi\.qm$", name))
    if "plugins" in parts[:-1]:
        folder = parts[parts.index("plugins") + 1] if parts.index("plugins") + 2 < len(parts) else ""
        if folder in _DROPPED_PLUGIN_DIRS:
            return False
        kept = _KEPT_PLUGINS.get(folder)
        return kept is None or _stem(name) in kept
    return True


def data_entries(root: Path = ROOT, built_guide: Path = BUILT_GUIDE) -> list[tuple[str, str]]:
    """``(source, destination folder)`` pairs for Analysis(datas=): every file under resources/ but sources,
    with the user guide PDF taken from build/guide when tools.build has just made it (else resources/guide's)."""
    resources = root / "resources"
    entries: list[tuple[str, str]] = []
    for path in sorted(resources.rglob("*")):
        if not path.is_file() or path.suffix in _SOURCE_SUFFIXES or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(root)
        if built_guide.is_file() and relative.as_posix() == f"resources/guide/{built_guide.name}":
            continue
        entries.append((str(path), relative.parent.as_posix()))
    if built_guide.is_file():
        entries.append((str(built_guide), "resources/guide"))
    return entries


def version_tuple(version: str = __version__) -> tuple[int, int, int, int]:
    """``"0.1.0"`` -> ``(0, 1, 0, 0)``: Windows wants four numbers; a suffix such as ``rc1`` is dropped."""
    numbers = [int(m) for m in re.findall(r"\d+", version.split("+")[0])[:4]]
    padded = (numbers + [0, 0, 0, 0])[:4]
    return padded[0], padded[1], padded[2], padded[3]


def version_strings(version: str = __version__) -> dict[str, str]:
    """The strings of the Windows version resource (file Properties › Details)."""
    return {
        "CompanyName": COMPANY,
        "FileDescription": DESCRIPTION,
        "FileVersion": version,
        "InternalName": EXE_NAME,
        "LegalCopyright": f"© {COMPANY}",
        "OriginalFilename": f"{EXE_NAME}.exe",
        "ProductName": APP_NAME,
        "ProductVersion": version,
    }


# Vietnamese (0x042A) in Unicode (1200): the language the resource's strings are in.
_LANG, _CODEPAGE = 0x042A, 1200


def version_file_text(version: str = __version__) -> str:
    """The version resource in the text form PyInstaller's ``EXE(version=FILE)`` evaluates (see
    ``pyi-grab_version``), built from ``desktop_app.__version__``."""
    numbers = version_tuple(version)
    strings = ",\n".join(f"          StringStruct({k!r}, {v!r})" for k, v in version_strings(version).items())
    return f"""# -*- coding: utf-8 -*-
# Made by tools.bundle.version_file_text from desktop_app.__version__; do not edit.
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers},
    prodvers={numbers},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '{_LANG:04x}{_CODEPAGE:04x}',
        [
{strings}
        ])
    ]),
    VarFileInfo([VarStruct('Translation', [{_LANG}, {_CODEPAGE}])])
  ]
)
"""


def write_version_file(folder: Path, version: str = __version__) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "version_info.txt"
    path.write_text(version_file_text(version), encoding="utf-8")
    return path
