"""The «Trợ giúp» menu: the user guide (F1), the data and log folders, the About box.

The guide is the PDF shipped in ``resources/guide``.  Running from source before it was built, it is made once
into the user's cache folder by ``python -m ui.user_guide`` in a separate, headless process (it takes the
screenshots from a window of its own), on the worker with a progress dialog.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QWidget

from desktop_app import APP_NAME, places
from desktop_app.errors import AppError
from desktop_app.resources import guide_pdf, resources_dir
from desktop_app.tasks import TaskState

from . import about, messages

log = logging.getLogger("dvk.ui.help")

MENU_TITLE = "&Trợ giúp"
GUIDE_NAME = "huong-dan-su-dung.pdf"
GUIDE_MODULE = "ui.user_guide"
POLL_SECONDS = 0.2


def cached_guide() -> Path:
    return places.cache_dir() / GUIDE_NAME


def guide_sources() -> list[Path]:
    """What the guide is made from: the script, the PDF layout and the text."""
    root = places.program_dir()
    return [
        root / "ui" / "user_guide.py",
        root / "desktop_app" / "documents" / "guide.py",
        resources_dir() / "guide" / "huong-dan-su-dung.md",
    ]


def guide_is_current(path: Path) -> bool:
    """A guide built earlier from source is reused until what it is made from changes."""
    if not path.is_file():
        return False
    built = path.stat().st_mtime
    return all(built >= source.stat().st_mtime for source in guide_sources() if source.is_file())


def build_guide(task: TaskState, target: Path) -> Path:
    """Write the user guide to ``target`` in a headless child process; cancellable; one Vietnamese line on failure."""
    if places.is_frozen():  # the bundle ships the guide; there is no Python here to build it with
        raise AppError("Bộ cài thiếu tệp hướng dẫn sử dụng; hãy cài lại chương trình.")
    task.progress(0, 0, "Đang chụp các màn hình và soạn tệp PDF…")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.stem + ".dang-soan.pdf")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with subprocess.Popen(
        [sys.executable, "-m", GUIDE_MODULE, str(partial)],
        cwd=places.program_dir(),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as process:
        while True:
            try:
                _out, err = process.communicate(timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if task.cancelled:
                    process.kill()
                    process.communicate()
                    partial.unlink(missing_ok=True)
                    task.check()
    if process.returncode != 0 or not partial.is_file():
        log.error("user guide build failed (exit %s): %s", process.returncode, err.decode("utf-8", "replace")[-4000:])
        partial.unlink(missing_ok=True)
        raise AppError("Không soạn được hướng dẫn sử dụng; chi tiết đã ghi vào tệp nhật ký.")
    partial.replace(target)
    return target


def open_guide(parent: QWidget | None) -> None:
    """Open the guide with the system's PDF reader; build it first when running from source without one."""
    shipped = guide_pdf()
    if shipped is not None:
        messages.open_local(parent, shipped)
        return
    target = cached_guide()
    if guide_is_current(target):
        messages.open_local(parent, target)
        return
    from .worker import run_job

    run_job(
        parent,
        build_guide,
        target,
        title="Hướng dẫn sử dụng",
        label="Đang soạn hướng dẫn sử dụng…",
        on_done=lambda path: messages.open_local(parent, path),
    )


def add_help_menu(window: QMainWindow) -> QMenu:
    """The «Trợ giúp» menu on the window's menu bar."""
    menu = window.menuBar().addMenu(MENU_TITLE)
    menu.setObjectName("help_menu")
    guide = QAction("Hướng dẫn sử dụng", window)
    guide.setObjectName("help_guide")
    guide.setShortcut(QKeySequence(Qt.Key.Key_F1))
    guide.triggered.connect(lambda: open_guide(window))
    data = QAction("Mở thư mục dữ liệu", window)
    data.setObjectName("help_data_folder")
    data.triggered.connect(lambda: about.open_folder(window, places.data_dir()))
    logs = QAction("Mở thư mục nhật ký", window)
    logs.setObjectName("help_log_folder")
    logs.triggered.connect(lambda: about.open_folder(window, places.log_dir()))
    about_action = QAction(f"Giới thiệu {APP_NAME}", window)
    about_action.setObjectName("help_about")
    about_action.setMenuRole(QAction.MenuRole.AboutRole)
    about_action.triggered.connect(lambda: about.show_about(window))
    menu.addAction(guide)
    menu.addSeparator()
    menu.addAction(data)
    menu.addAction(logs)
    menu.addSeparator()
    menu.addAction(about_action)
    return menu
