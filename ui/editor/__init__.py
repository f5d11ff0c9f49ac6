"""The model editor dialog."""

from .dialog import ModelEditorDialog

__all__ = ["ModelEditorDialog"]
