"""The editor's «Lịch sử» tab: every recorded change of this model (its scores and overrides too), newest first."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from desktop_app.history import display, queries
from desktop_app.history.queries import HistoryFilter

from ..pages.history_page import detail_html

NEW_MODEL = "Mô hình, điển hình chưa lưu nên chưa có lịch sử. Sau mỗi lần lưu, các thay đổi được ghi lại ở đây."
NO_CHANGES = "Chưa có thay đổi nào được ghi lại cho mô hình, điển hình này."
LIMIT = 500  # a model's own history is short; the whole office's history page reads the rest


class HistoryTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_uuid: str | None = None
        self._stale = False
        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.view = QTextBrowser(self)
        self.view.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.view, 1)
        self.load(None)

    def load(self, model_uuid: str | None) -> None:
        """Show ``model_uuid``'s history (None: a model not saved yet); read now if visible, else when shown."""
        self.model_uuid = model_uuid
        self._stale = True
        if self.isVisible() or model_uuid is None:
            self.refresh()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        self._stale = False
        if self.model_uuid is None:
            self.heading.setText(NEW_MODEL)
            self.view.clear()
            return
        found = queries.entries(HistoryFilter(model_uuid=self.model_uuid), limit=LIMIT)
        if not found:
            self.heading.setText(NO_CHANGES)
            self.view.clear()
            return
        more = " (các thay đổi cũ hơn xem ở mục «Lịch sử thay đổi»)" if len(found) == LIMIT else ""
        self.heading.setText(f"{len(found)} thay đổi gần nhất, mới nhất ở trên{more}:")
        self.view.setHtml("<hr>".join(detail_html(item, table=False) for item in display.describe(found)))

    def text(self) -> str:
        """What the tab shows, as plain text (tests read it)."""
        return self.heading.text() + "\n" + self.view.toPlainText()
