"""Where to save a document: the system's save dialog in the folder documents were last saved to."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from . import settings_store

FOLDER_KEY = "reports/folder"  # shared by every screen that saves a document: the clerk's one «Tài liệu» folder
FILTERS = {".pdf": "Tệp PDF (*.pdf)", ".xlsx": "Sổ tính Excel (*.xlsx)"}


def ask_document_path(parent: QWidget, title: str, name: str, suffix: str) -> Path | None:
    """The file the user chose for ``name`` + ``suffix`` (the suffix added when typed without it), or None."""
    store = settings_store.store()
    folder = str(store.value(FOLDER_KEY, str(Path.home())))
    path, _ = QFileDialog.getSaveFileName(parent, title, str(Path(folder) / f"{name}{suffix}"), FILTERS[suffix])
    if not path:
        return None
    chosen = Path(path)
    if chosen.suffix.lower() != suffix:
        chosen = chosen.with_name(chosen.name + suffix)
    store.setValue(FOLDER_KEY, str(chosen.parent))
    return chosen
