"""Sổ Dân vận khéo: the core (domain, storage, services, documents, command line).

This package never imports PySide6, so everything it does runs without a screen.
"""

# The only place the version is written: pyproject.toml reads it (setuptools dynamic version).
__version__ = "0.1.0"
APP_NAME = "Sổ Dân vận khéo"
APP_ID = "SoDanVanKheo"
