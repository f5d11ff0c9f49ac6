"""``python -m ui.user_guide``: fresh screenshots of the current screens, then the guide PDF built from them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PIL import Image
from pypdf import PdfReader

from desktop_app.documents import guide
from desktop_app.errors import AppError
from ui import user_guide

ROOT = Path(__file__).resolve().parents[2]


def test_command_takes_the_screenshots_and_writes_the_guide(tmp_path):
    out = tmp_path / "Tài liệu" / "hướng dẫn sử dụng.pdf"
    shots = tmp_path / "ảnh chụp"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}  # the command sets it itself
    done = subprocess.run(
        [sys.executable, "-m", "ui.user_guide", str(out), "--shots", str(shots)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(out)
    assert not list(out.parent.glob("*.partial*"))  # written through a temporary file, nothing left beside it

    blocks = guide.parse_guide(guide.guide_text_path().read_text(encoding="utf-8"))
    names = guide.figure_names(blocks)
    taken = {path.stem for path in shots.glob("*.png")}
    assert set(names) <= taken, set(names) - taken
    sizes = set()
    for name in ("02-tong-quan", "07-danh-gia", "18-cong-nhan", "23-cai-dat-sao-luu"):
        with Image.open(shots / f"{name}.png") as image:
            sizes.add(image.size)
    # The main window at one size, 1280 × 800: every page fits that width (tests/ui/test_window_geometry.py).
    assert sizes == {(1280, 800)}, sizes

    reader = PdfReader(out)
    assert 12 <= len(reader.pages) <= 30  # a practical guide, not a manual nobody reads
    text = "\n".join(page.extract_text() for page in reader.pages)
    chapters = [b.text for b in blocks if isinstance(b, guide.Heading) and b.level == 1]
    for number, chapter in enumerate(chapters, start=1):
        assert f"{number}. {chapter}" in text
    for number in range(1, len(names) + 1):
        assert f"Hình {number}. " in text
    assert len([image for page in reader.pages for image in page.images]) == len(names)
    assert f"Phiên bản {user_guide_version()}" in reader.pages[0].extract_text()


def user_guide_version() -> str:
    from desktop_app import __version__

    return __version__


def test_known_failure_is_one_vietnamese_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(user_guide, "isolate", lambda home: None)

    def refuse(target, shots=None):
        raise AppError("Không ghi được tệp «x.pdf»: ổ đĩa đầy.")

    monkeypatch.setattr(user_guide, "make_guide", refuse)
    assert user_guide.main([str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert err == "Không tạo được hướng dẫn sử dụng: Không ghi được tệp «x.pdf»: ổ đĩa đầy.\n"


def test_unexpected_failure_is_one_line_too(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(user_guide, "isolate", lambda home: None)
    monkeypatch.delenv(user_guide.DEBUG_ENV, raising=False)
    monkeypatch.setattr(user_guide, "make_guide", lambda target, shots=None: 1 / 0)
    assert user_guide.main([str(tmp_path / "x.pdf")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("Không tạo được hướng dẫn sử dụng (lỗi ngoài dự kiến")


def test_missing_output_argument_is_refused_in_vietnamese(capsys):
    try:
        user_guide.main([])
    except SystemExit as exit_:
        assert exit_.code == 2
    else:
        raise AssertionError("no error without an output file")
    err = capsys.readouterr().err
    assert err.startswith("Cách dùng: python -m ui.user_guide TỆP.pdf") and err.count("\n") == 1


def test_isolate_points_every_user_folder_at_the_temporary_home(monkeypatch, tmp_path):
    names = ["HOME", "USERPROFILE", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "LOCALAPPDATA", "APPDATA"]
    for name in [*names, "USER", "USERNAME", "LOGNAME", "DVK_DB", "DVK_PORTABLE"]:
        monkeypatch.setenv(name, "trước")  # restored after the test
    home = tmp_path / user_guide.USER_FOLDER
    user_guide.isolate(home)
    for name in names:
        assert Path(os.environ[name]).is_relative_to(home), name
    assert "DVK_DB" not in os.environ and os.environ["DVK_PORTABLE"] == "0"
    from desktop_app import places
    from desktop_app.storage.database import default_data_dir

    assert not places.is_portable()
    assert default_data_dir().is_relative_to(home) and places.log_dir().is_relative_to(home)
