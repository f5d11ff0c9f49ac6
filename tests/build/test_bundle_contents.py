"""What the bundle takes in (tools/bundle.py), checked without building it; the build itself is in
test_frozen_build.py (slow)."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest
from PIL import Image

import desktop_app
from tools import build, bundle, icon

ROOT = Path(__file__).resolve().parents[2]


def test_every_resources_folder_goes_into_the_bundle_and_no_translation_source():
    entries = bundle.data_entries(ROOT, built_guide=ROOT / "no-such-guide.pdf")
    destinations = {dest for _, dest in entries}
    folders = {p.relative_to(ROOT).as_posix() for p in (ROOT / "resources").iterdir() if p.is_dir()}
    assert {"resources/fonts", "resources/icons", "resources/catalogues", "resources/demo"} <= folders
    assert folders <= destinations
    sources = {Path(src).name for src, _ in entries}
    assert "qtbase_vi.qm" in sources and "qtbase_vi.ts" not in sources
    assert "app.png" in sources and "LiberationSerif-Regular.ttf" in sources


def test_a_freshly_built_guide_replaces_the_one_in_resources(tmp_path):
    root = tmp_path / "repo"
    (root / "resources" / "guide").mkdir(parents=True)
    (root / "resources" / "guide" / "huong-dan-su-dung.pdf").write_bytes(b"%PDF-old")
    (root / "resources" / "guide" / "huong-dan-su-dung.md").write_text("# Hướng dẫn", encoding="utf-8")
    (root / "resources" / "fonts").mkdir()
    (root / "resources" / "fonts" / "a.ttf").write_bytes(b"font")
    built = tmp_path / "build" / "guide" / "huong-dan-su-dung.pdf"

    assert bundle.data_entries(root, built) == [
        (str(root / "resources" / "fonts" / "a.ttf"), "resources/fonts"),
        (str(root / "resources" / "guide" / "huong-dan-su-dung.md"), "resources/guide"),
        (str(root / "resources" / "guide" / "huong-dan-su-dung.pdf"), "resources/guide"),
    ]
    built.parent.mkdir(parents=True)
    built.write_bytes(b"%PDF-new")
    assert bundle.data_entries(root, built) == [
        (str(root / "resources" / "fonts" / "a.ttf"), "resources/fonts"),
        (str(root / "resources" / "guide" / "huong-dan-su-dung.md"), "resources/guide"),
        (str(built), "resources/guide"),
    ]


def test_the_qt_modules_kept_are_those_the_program_imports():
    used = bundle.used_qt_modules(ROOT)
    assert {"QtCore", "QtGui", "QtWidgets", "QtCharts", "QtPrintSupport"} <= used
    excludes = bundle.qt_excludes({"QtCore", "QtCharts", "QtOpenGLWidgets", "QtWebEngineCore", "QtQml"}, used)
    assert excludes == ["PySide6.QtQml", "PySide6.QtWebEngineCore"]  # QtCharts needs QtOpenGLWidgets: kept


def test_used_qt_modules_follows_the_source(tmp_path):
    for package in ("ui", "desktop_app"):
        (tmp_path / package).mkdir()
    (tmp_path / "ui" / "x.py").write_text("from PySide6.QtSvg import QSvgRenderer\n", encoding="utf-8")
    assert bundle.used_qt_modules(tmp_path) == {"QtCore", "QtGui", "QtWidgets", "QtSvg"}


@pytest.mark.parametrize(
    ("dest", "kept"),
    [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
        ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
        ("PySide6/plugins/platforms/qwindows.dll", True),
        ("PySide6\\plugins\\platforms\\qoffscreen.dll", True),
        ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
        ("PySide6/plugins/platforms/qdirect2d.dll", False),
        ("PySide6/plugins/styles/qmodernwindowsstyle.dll", True),
        ("PySide6/Qt/plugins/imageformats/libqjpeg.so", True),
        ("PySide6/plugins/imageformats/qico.dll", True),
        ("PySide6/Qt/plugins/imageformats/libqpdf.so", False),
        ("PySide6/Qt/plugins/imageformats/libqsvg.so", False),
        ("PySide6/Qt/plugins/platforminputcontexts/libibusplatforminputcontextplugin.so", True),
        ("PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so", False),
        ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", True),
        ("PySide6/Qt/translations/qt_de.qm", False),
        ("PySide6/translations/qtbase_vi.qm", True),
        ("PySide6/Qt/lib/libQt6Pdf.so.6", False),
        ("libQt6Quick.so.6", False),  # PyInstaller's link in the top folder, Linux
        ("PySide6/Qt6Qml.dll", False),
        ("PySide6/Qt6Widgets.dll", True),
        ("PySide6/Qt/lib/libQt6Charts.so.6", True),
        ("PySide6/Qt/lib/libQt6NetworkAuth.so.6", True),  # not matched by the Network rule's prefix
        ("PySide6/opengl32sw.dll", False),
        ("resources/translations/qtbase_vi.qm", True),
        ("PIL/_imaging.cpython-311-x86_64-linux-gnu.so", True),
    ],
)
def test_keep_qt_file(dest, kept):
    assert bundle.keep_qt_file(dest) is kept


def test_no_test_tooling_in_the_bundle():
    assert {"pytest", "hypothesis", "mypy", "ruff", "pypdf", "IPython", "tkinter"} <= set(bundle.TOOLING_EXCLUDES)


def test_version_resource_comes_from_the_package_version(monkeypatch):
    assert bundle.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert bundle.version_tuple("2.10.3rc1") == (2, 10, 3, 1)
    assert bundle.version_tuple("1.2") == (1, 2, 0, 0)
    strings = bundle.version_strings()
    assert strings["FileVersion"] == strings["ProductVersion"] == desktop_app.__version__
    assert strings["ProductName"] == "Sổ Dân vận khéo"
    assert strings["CompanyName"] == "Sổ Dân vận khéo"
    assert strings["OriginalFilename"] == "SoDanVanKheo.exe"
    assert "Dân vận khéo" in strings["FileDescription"]


def test_version_file_is_what_pyinstaller_evaluates(monkeypatch, tmp_path):
    """PyInstaller's own classes read the file and serialise it to the binary resource, as on Windows."""
    import PyInstaller.compat

    # Imported at the top of versioninfo, used only to write into an .exe on Windows.
    monkeypatch.setitem(sys.modules, "pefile", types.ModuleType("pefile"))
    monkeypatch.setattr(PyInstaller.compat, "win32api", None, raising=False)
    from PyInstaller.utils.win32 import versioninfo

    path = bundle.write_version_file(tmp_path, "3.4.5")
    info = versioninfo.load_version_info_from_text_file(str(path))
    assert info.ffi.fileVersionMS == (3 << 16) | 4 and info.ffi.fileVersionLS == 5 << 16
    raw = info.toRaw()
    assert "Sổ Dân vận khéo".encode("utf-16-le") in raw
    assert "3.4.5".encode("utf-16-le") in raw
    assert "042a04b0".encode("utf-16-le") in raw


def test_version_file_text_is_plain_python():
    tree = ast.parse(bundle.version_file_text())
    call = tree.body[0].value
    assert isinstance(call, ast.Call) and call.func.id == "VSVersionInfo"


def test_the_spec_takes_its_choices_from_tools_bundle():
    spec = (ROOT / "build_installer.spec").read_text(encoding="utf-8")
    for name in ("data_entries", "TOOLING_EXCLUDES", "qt_excludes", "keep_qt_file", "write_version_file", "ICON_ICO"):
        assert f"bundle.{name}" in spec
    # The windowed program and its console twin, sharing one _internal folder.
    assert re.search(r"name=bundle\.EXE_NAME,\s*#[^\n]*\n(\s*#[^\n]*\n)*\s*console=False", spec)
    assert re.search(r"name=bundle\.CLI_EXE_NAME,\s*console=True", spec)
    assert "COLLECT(exe, cli," in spec


def test_the_committed_icon_is_the_drawn_one():
    png = Image.open(ROOT / "resources" / "icons" / "app.png")
    assert png.size == (256, 256) and png.mode == "RGBA"
    ico = Image.open(ROOT / "resources" / "icons" / "app.ico")
    assert set(ico.info["sizes"]) == {(n, n) for n in icon.ICO_SIZES}
    # Drawn from tools.icon: a rerun gives the same pixels (a changed drawing must be committed).
    assert png.tobytes() == icon.draw_icon(256).tobytes()


def test_small_icons_stay_legible():
    small = icon.draw_icon(16).convert("RGB")
    colours = {small.getpixel((x, y)) for x in range(16) for y in range(16)}
    assert any(r > 200 and g > 150 and b < 80 for r, g, b in colours)  # the yellow star survives at 16 px
    assert any(r > 220 and g > 220 and b > 180 for r, g, b in colours)  # and the book's pages


def test_makensis_gets_version_bundle_and_output(tmp_path):
    (tmp_path / "SoDanVanKheo").mkdir()
    (tmp_path / "SoDanVanKheo" / "SoDanVanKheo").write_bytes(b"x" * 4096)
    command = build.makensis_command(Path("makensis"), tmp_path / "SoDanVanKheo", tmp_path / "setup.exe", "1.2.3")
    assert command[0] == "makensis" and command[-1] == str(ROOT / "installer" / "SoDanVanKheo.nsi")
    assert "-DVERSION=1.2.3" in command and "-DVERSION4=1.2.3.0" in command and "-DSIZE_KB=4" in command
    assert f"-DSRCDIR={tmp_path / 'SoDanVanKheo'}" in command and "-WX" in command
    assert build.setup_exe_name("1.2.3") == "SoDanVanKheo-1.2.3-setup.exe"


def test_the_installer_script_is_per_user_vietnamese_and_keeps_data():
    script = (ROOT / "installer" / "SoDanVanKheo.nsi").read_text(encoding="utf-8")
    assert "Unicode true" in script and "RequestExecutionLevel user" in script
    assert '!insertmacro MUI_LANGUAGE "Vietnamese"' in script
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_ID}"' in script
    # The uninstaller removes both programs (else the folder stays behind).
    assert f'!define CLI_EXE "{bundle.CLI_EXE_NAME}.exe"' in script and 'Delete "$INSTDIR\\${CLI_EXE}"' in script
    assert "HKLM" not in script  # nothing that needs an administrator
    assert "Mở ${APP_NAME}" in script and '!define APP_NAME "Sổ Dân vận khéo"' in script
    # Deleting the data asks, defaults to No and a silent uninstall answers No.
    ask = next(line for line in script.splitlines() if "MessageBox" in line and "dữ liệu" in line)
    assert "MB_DEFBUTTON2" in ask and "/SD IDNO" in ask


def test_makensis_compiles_the_script(tmp_path):
    makensis = build.find_makensis()
    assert makensis is not None, "makensis is needed (Debian: apt install nsis; Windows: choco install nsis)"
    source = tmp_path / "SoDanVanKheo"
    (source / "_internal").mkdir(parents=True)
    (source / "SoDanVanKheo.exe").write_bytes(b"MZ")
    out = tmp_path / "SoDanVanKheo-0.0.0-setup.exe"  # a bare "setup.exe" is itself a makensis warning
    done = subprocess.run(
        build.makensis_command(makensis, source, out), capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert out.read_bytes()[:2] == b"MZ"


def test_a_qt_library_missing_from_the_bundle_is_found(tmp_path):
    if sys.platform != "linux":
        pytest.skip("the link check of a Linux bundle; a Windows bundle is checked with pefile by tools.build")
    assert shutil.which("readelf"), "the link check reads ELF files with readelf (Debian: apt install binutils)"
    import PySide6

    plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqoffscreen.so"
    (tmp_path / "platforms").mkdir()
    shutil.copy(plugin, tmp_path / "platforms" / plugin.name)
    problems = build.missing_qt_libraries(tmp_path)
    assert "platforms/libqoffscreen.so cần libQt6Core.so.6" in problems

    for _ in range(5):  # bring in what is missing, and what that needs in turn
        for needed in {p.rsplit(" ", 1)[1] for p in build.missing_qt_libraries(tmp_path)}:
            shutil.copy(plugin.parents[2] / "lib" / needed, tmp_path / needed)
    assert build.missing_qt_libraries(tmp_path) == []
