"""The one place the window's own settings (sizes, last folders, column widths) are kept.

Installed: the platform's store (the registry on Windows, ``~/.config`` on Linux).  Portable: an INI
file in the data folder beside the program, so the settings travel on the USB stick with the data.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from desktop_app import APP_ID, places


def store() -> QSettings:
    """A fresh handle; Qt shares one cache per file within the process, so handles never disagree."""
    path = places.settings_file()
    if path is None:
        return QSettings(APP_ID, APP_ID)
    return QSettings(str(path), QSettings.Format.IniFormat)
