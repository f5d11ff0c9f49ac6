"""A completer for an editable combo that finds names the way the core's search does.

Qt's own completer matches case-insensitively but compares letters with their marks, so
"doan" never finds "Đoàn Thanh niên".  Here the popup lists the combo's items whose
folded name (:func:`desktop_app.text.fold`: no diacritics, no case, đ→d) contains the
folded text typed, every word of it, in any order.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from desktop_app.text import fold


class FoldFilterProxy(QSortFilterProxyModel):
    """Rows of the source whose folded display text holds every folded word of the needle."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self._folded: dict[str, str] = {}  # display text → fold(), so a keystroke folds nothing twice

    def set_text(self, text: str) -> None:
        words = fold(text).split()
        if words != self._words:
            self.beginFilterChange()
            self._words = words
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _fold(self, text: str) -> str:
        folded = self._folded.get(text)
        if folded is None:
            folded = self._folded[text] = fold(text)
        return folded

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        text = self.sourceModel().index(source_row, 0, source_parent).data(Qt.ItemDataRole.DisplayRole) or ""
        if not text:
            return False  # the combo's empty "no unit" entry is never a completion
        folded = self._fold(text)
        return all(word in folded for word in self._words)


def install_fold_completer(combo: QComboBox) -> QCompleter:
    """Give an editable combo a diacritics-insensitive completer over its own items."""
    proxy = FoldFilterProxy(combo)
    proxy.setSourceModel(combo.model())
    completer = QCompleter(proxy, combo)
    # The proxy does the filtering; the completer must show what it is given, unfiltered.
    completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    combo.setCompleter(completer)
    line_edit = combo.lineEdit()

    def typed(text: str) -> None:
        proxy.set_text(text)
        if text.strip() and proxy.rowCount() > 0:
            completer.complete()
        else:
            completer.popup().hide()

    line_edit.textEdited.connect(typed)
    return completer
