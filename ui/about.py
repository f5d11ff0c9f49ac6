"""«Giới thiệu Sổ Dân vận khéo»: the version, which kind of copy this is, where its files are, what it is built from.

The folders are what someone helping on the telephone asks for first («tệp dữ liệu nằm ở đâu?»), each with a
button that opens it.  The table of components and their licences is what the bundled libraries and font
ask of a program that ships them.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import struct
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, __version__, places
from desktop_app.resources import resources_dir
from desktop_app.storage import database as storage
from desktop_app.storage.errors import StorageError

from . import messages

TITLE = f"Giới thiệu {APP_NAME}"
OPEN_FOLDER = "Mở thư mục"
NO_VERSION = "—"
FONT_LICENCE = "LICENSE-Liberation-OFL.txt"


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


@dataclass(frozen=True)
class Place:
    label: str
    path: Path
    folder: Path  # what «Mở thư mục» opens: the path itself, or the folder holding a file


def _dist_version(dists: tuple[str, ...], module: str) -> str:
    """From the installed distribution (kept in the bundle as dist-info), else the module's own ``__version__``."""
    for dist in dists:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            continue
    try:
        imported = importlib.import_module(module)
    except ImportError:
        return NO_VERSION
    # pypdfium2 names its own version PYPDFIUM_INFO; a bundle without dist-info still knows it.
    version = getattr(imported, "__version__", None) or getattr(imported, "PYPDFIUM_INFO", None)
    return str(version).split("@")[0] if version else NO_VERSION


def _pdfium_version() -> str:
    try:
        import pypdfium2
    except ImportError:
        return NO_VERSION
    info = getattr(pypdfium2, "PDFIUM_INFO", None)
    return str(info).split("@")[0] if info else NO_VERSION


def font_version(path: Path) -> str:
    """The version a TrueType font gives itself (its ``name`` table, entry 5: "Version 2.1.5"), or «—»."""
    try:
        data = path.read_bytes()
        tables = struct.unpack(">H", data[4:6])[0]
        for i in range(tables):
            tag, _sum, offset, _length = struct.unpack(">4sIII", data[12 + 16 * i : 28 + 16 * i])
            if tag != b"name":
                continue
            _format, count, strings = struct.unpack(">HHH", data[offset : offset + 6])
            for j in range(count):
                record = offset + 6 + 12 * j
                platform_id, _enc, _lang, name_id, length, start = struct.unpack(">HHHHHH", data[record : record + 12])
                if name_id != 5:
                    continue
                raw = data[offset + strings + start : offset + strings + start + length]
                text = raw.decode("utf-16-be" if platform_id in (0, 3) else "latin-1", errors="replace")
                return text.replace("Version", "").strip().split(";")[0].strip() or NO_VERSION
    except (OSError, struct.error):
        pass
    return NO_VERSION


def components() -> list[Component]:
    """What the program is built from, with versions as installed (or bundled) and the licence of each."""
    fonts = resources_dir() / "fonts"
    return [
        Component("Python", platform.python_version(), "PSF License"),
        Component("Qt", qVersion(), "LGPLv3"),
        Component("PySide6 (Qt for Python)", _dist_version(("PySide6-Essentials", "PySide6"), "PySide6"), "LGPLv3"),
        Component("peewee", _dist_version(("peewee",), "peewee"), "MIT"),
        Component("openpyxl", _dist_version(("openpyxl",), "openpyxl"), "MIT"),
        Component("python-calamine", _dist_version(("python-calamine",), "python_calamine"), "MIT"),
        Component("ReportLab", _dist_version(("reportlab",), "reportlab"), "BSD"),
        Component("pypdfium2", _dist_version(("pypdfium2",), "pypdfium2"), "Apache-2.0 hoặc BSD-3-Clause"),
        Component("PDFium", _pdfium_version(), "BSD-3-Clause, Apache-2.0"),
        Component("Pillow", _dist_version(("pillow", "Pillow"), "PIL"), "MIT-CMU (HPND)"),
        Component("platformdirs", _dist_version(("platformdirs",), "platformdirs"), "MIT"),
        Component("filelock", _dist_version(("filelock",), "filelock"), "MIT"),
        Component(
            "Phông chữ Liberation (Serif, Sans)", font_version(fonts / "LiberationSerif-Regular.ttf"), "SIL OFL 1.1"
        ),
    ]


def places_of_files() -> list[Place]:
    """The data, database, log and backup folders of this copy; the backup folder only with a database open."""
    try:
        database: Path | None = storage.current().path
    except StorageError:
        database = None
    db_file = database or storage.default_db_path()
    found = [
        Place("Thư mục dữ liệu", places.data_dir(), places.data_dir()),
        Place("Tệp dữ liệu", db_file, db_file.parent),
        Place("Thư mục nhật ký", places.log_dir(), places.log_dir()),
    ]
    if database is not None:
        from desktop_app.services.autobackup import backup_folder

        backups = backup_folder().path
        found.append(Place("Thư mục sao lưu", backups, backups))
    return found


def open_folder(parent: QWidget | None, folder: Path) -> bool:
    """Open a folder in the file manager, creating it first (a new copy has no log or backup yet)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # the warning below says it cannot be opened
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))):
        return True
    messages.warning(parent, f"Không mở được thư mục «{folder}».")
    return False


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        layout = QVBoxLayout(self)

        name = QLabel(APP_NAME, self)
        big = QFont(name.font())
        big.setPointSizeF(big.pointSizeF() * 1.6)
        big.setBold(True)
        name.setFont(big)
        layout.addWidget(name)
        self.mode_label = QLabel(f"Phiên bản {__version__} — {places.MODE_LABELS[places.mode()]}", self)
        layout.addWidget(self.mode_label)
        layout.addWidget(
            QLabel("Quản lý phong trào thi đua «Dân vận khéo»: đăng ký, chấm điểm, công nhận, báo cáo.", self)
        )

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        self.open_buttons: dict[str, QPushButton] = {}
        for row, place in enumerate(places_of_files()):
            grid.addWidget(QLabel(f"{place.label}:", self), row, 0, Qt.AlignmentFlag.AlignTop)
            path = QLabel(str(place.path), self)
            path.setWordWrap(True)
            path.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(path, row, 1, Qt.AlignmentFlag.AlignTop)
            button = QPushButton(OPEN_FOLDER, self)
            button.setToolTip(str(place.folder))
            button.clicked.connect(lambda _=False, folder=place.folder: open_folder(self, folder))
            grid.addWidget(button, row, 2, Qt.AlignmentFlag.AlignTop)
            self.open_buttons[place.label] = button
        layout.addLayout(grid)

        layout.addWidget(QLabel("Chương trình được xây dựng từ các thành phần mã nguồn mở:", self))
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Thành phần", "Phiên bản", "Giấy phép"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for component in components():
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate((component.name, component.version, component.licence)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.setWordWrap(False)  # one line a component: the columns widen to their texts instead
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        # Every row without scrolling: the table is short and a scroll bar here would hide the licences.
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        rows = self.table.rowCount() * self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(rows + header.sizeHint().height() + 2 * self.table.frameWidth() + 2)
        layout.addWidget(self.table)

        buttons = QDialogButtonBox(self)
        self.licence_button = buttons.addButton("Giấy phép…", QDialogButtonBox.ButtonRole.ActionRole)
        self.licence_button.clicked.connect(self.show_licence)
        close = buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        close.setDefault(True)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(max(self.sizeHint().width(), 760), self.sizeHint().height())

    def show_licence(self) -> QDialog:
        """The font's licence text (the other components name theirs in the table)."""
        dialog = LicenceDialog(self)
        dialog.show()
        return dialog


class LicenceDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Giấy phép phông chữ Liberation (SIL OFL 1.1)")
        layout = QVBoxLayout(self)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        path = resources_dir() / "fonts" / FONT_LICENCE
        try:
            self.text.setPlainText(path.read_text(encoding="utf-8"))
        except OSError:
            self.text.setPlainText(f"Không đọc được tệp giấy phép «{path}».")
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(self)
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 520)


def show_about(parent: QWidget | None) -> AboutDialog:
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
