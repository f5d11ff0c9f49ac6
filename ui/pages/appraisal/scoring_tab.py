"""Score entry: one member at a time, typed like a spreadsheet; a second keying checks paper ballots.

Clerks type from paper at full speed ("13⏎12⏎17⏎..."), so a keystroke must never wait for, or be redirected by,
anything slow.  Enter commits the cell and moves the cursor in the same event (Qt's own Enter commits from a queued
call, and keys typed before it ran went to the old cell) while the save waits its turn on the database thread;
progress is updated from what the grid took, not recounted.  Leaving the tab waits for the queued saves, so the
results and every other page read what was typed.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFocusEvent, QGuiApplication, QHideEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app import domain
from desktop_app.appraisal import scoring
from desktop_app.appraisal.council import council_members

from ... import messages
from ...errors import attempt
from ...models.score_grid import PasteReport, ScoreGridModel, parse_block
from ..showing import in_front

_COMMIT_KEYS = {Qt.Key.Key_Return: 1, Qt.Key.Key_Enter: 1, Qt.Key.Key_Tab: 1, Qt.Key.Key_Backtab: -1}


class ScoreDelegate(QStyledItemDelegate):
    """A plain line editor whose Enter/Tab commit, close and move synchronously."""

    def __init__(self, view: ScoreTable) -> None:
        super().__init__(view)
        self._view = view
        self._accepted = False

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAlignment(Qt.AlignmentFlag.AlignCenter)
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QLineEdit):
            editor.setText(index.data(Qt.ItemDataRole.EditRole) or "")

    def setModelData(
        self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        if isinstance(editor, QLineEdit):
            # The model validates and saves; whether it accepted decides whether the cursor moves on.
            self._accepted = model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QLineEdit) and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.matches(QKeySequence.StandardKey.Paste) and _is_block(QGuiApplication.clipboard().text()):
                # A block copied from Excel belongs to several cells, not inside this one.
                self.closeEditor.emit(watched, QAbstractItemDelegate.EndEditHint.NoHint)
                self._view.paste_clipboard()
                return True
            step = _COMMIT_KEYS.get(event.key())
            is_tab = event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            # Every Enter (Qt's own would commit later, from a queued call); Ctrl+Tab stays the window's.
            if step is not None and not (is_tab and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
                if is_tab and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                    step = -1
                self.commit_and_move(watched, step)
                return True
        return super().eventFilter(watched, event)

    def commit_and_move(self, editor: QLineEdit, step: int) -> None:
        """Save the cell, close the editor and, if the value was accepted, put the cursor on the next cell —
        all before the next key is read.  A refused value keeps the cursor where it is."""
        self._accepted = False
        self.commitData.emit(editor)
        accepted = self._accepted
        self._view.returning_from_editor = True
        try:
            self.closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        finally:
            self._view.returning_from_editor = False
        if accepted:
            self._view.advance(step)


def _is_block(text: str) -> bool:
    return "\t" in text or "\n" in text.strip("\r\n")


class ScoreTable(QTableView):
    """After a value is accepted, the cursor moves to the next criterion (then the next model's first)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)
        self.setItemDelegate(ScoreDelegate(self))
        self.returning_from_editor = False  # set by the delegate while it hands focus back after Enter

    # Qt repaints the whole viewport whenever the view gains or loses focus.  Typing a score moves focus into the
    # cell editor and back, so every cell cost two full repaints (tens of ms on an old PC); only the current cell
    # looks different with or without focus, so for these two moves only that cell is repainted.
    def focusOutEvent(self, event: QFocusEvent) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and self.viewport().isAncestorOf(focus):  # into this view's own cell editor
            self.viewport().update(self.visualRect(self.currentIndex()))
            return
        super().focusOutEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        current = self.currentIndex()
        if self.returning_from_editor and current.isValid():
            # What QAbstractItemView.focusInEvent does when the current index is valid, less the full repaint.
            self.setAttribute(
                Qt.WidgetAttribute.WA_InputMethodEnabled, bool(current.flags() & Qt.ItemFlag.ItemIsEditable)
            )
            self.viewport().update(self.visualRect(current))
            return
        super().focusInEvent(event)

    def grid(self) -> ScoreGridModel:
        model = self.model()
        assert isinstance(model, ScoreGridModel)
        return model

    def advance(self, step: int = 1) -> None:
        """Move to the next (step 1) or previous (step -1) cell that takes a score, in reading order; rows the
        member abstains on are skipped, so a burst of typed scores never falls into a cell that swallows it."""
        grid = self.grid()
        current = self.currentIndex()
        if not current.isValid() or not grid.criteria:
            return
        width = len(grid.criteria)
        position = current.row() * width + min(max(current.column(), 1), width) - 1
        last = grid.rowCount() * width
        position += step
        while 0 <= position < last:
            row, column = divmod(position, width)
            if grid.is_score_cell(row, column + 1):
                self.setCurrentIndex(grid.index(row, column + 1))
                return
            position += step

    def keyPressEvent(self, event: QKeyEvent) -> None:
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and event.matches(QKeySequence.StandardKey.Paste):
            self.paste_clipboard()
            event.accept()
            return
        no_modifier = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if not editing and no_modifier and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            index = self.currentIndex()
            if index.isValid() and self.grid().is_score_cell(index.row(), index.column()):
                self.grid().setData(index, "")
            event.accept()
            return
        if not editing and no_modifier and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.advance(1)  # Enter on a cell left as it is: on to the next one, as in a spreadsheet
            event.accept()
            return
        super().keyPressEvent(event)

    def paste_clipboard(self) -> PasteReport | None:
        """Fill from the current cell rightward and downward with a block copied from Excel."""
        block = parse_block(QGuiApplication.clipboard().text())
        index = self.currentIndex()
        if not block or not index.isValid():
            return None
        return self.grid().paste(index.row(), max(index.column(), 1), block)


class ScoringTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.figures: scoring.Progress | None = None
        self.member_combo = QComboBox(self)
        self.member_combo.setMinimumContentsLength(28)
        self.member_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.kind_combo = QComboBox(self)
        for code, label in domain.KINDS.items():
            self.kind_combo.addItem(label, code)
        self.keying_combo = QComboBox(self)
        self.keying_combo.addItem("Nhập lần 1", 1)
        self.keying_combo.addItem("Nhập lần 2 (đối chiếu phiếu giấy)", 2)
        for combo in (self.member_combo, self.kind_combo, self.keying_combo):
            combo.currentIndexChanged.connect(self.reload)
        self.accept_button = QPushButton("Lấy lần 2 làm kết quả", self)
        self.accept_button.setToolTip("Sau khi xem lại phiếu giấy: dùng số liệu nhập lần 2 cho dòng đang chọn")
        self.accept_button.clicked.connect(self.accept_second)
        self.accept_button.hide()  # second keying only; hidden, it takes no room in the layouts before the first load
        self.progress = QLabel(self)
        self.message = QLabel(self)
        self.message.setStyleSheet("color: #b00020;")
        self.message.setWordWrap(True)
        # Room for two lines kept even when empty: a message appearing must not re-lay out (and repaint) the grid.
        self.message.setMinimumHeight(2 * self.message.fontMetrics().lineSpacing() + 4)
        self.table_model = ScoreGridModel(self)
        self.table_model.refused.connect(self._refused)
        self.table_model.saved.connect(self._accepted)
        self.table_model.completion_changed.connect(self._completion_changed)
        self.table = ScoreTable(self)
        self.table.setModel(self.table_model)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setMinimumHeight(44)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table_model.modelReset.connect(self._resize_columns)
        top = QHBoxLayout()
        for label, widget in (
            ("Thành viên:", self.member_combo),
            ("Loại:", self.kind_combo),
            ("Cách nhập:", self.keying_combo),
        ):
            top.addWidget(QLabel(label, self))
            top.addWidget(widget)
        top.addStretch(1)
        # Beside the progress line, not the choices above: there it made the page too wide for a 1280-pixel screen.
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.accept_button)
        hint = QLabel(
            "Gõ điểm rồi bấm Enter để sang tiêu chí tiếp theo. Điểm nguyên hoặc nửa điểm (7,5); ô sai bị "
            "từ chối ngay. Dán (Ctrl+V) được cả khối ô chép từ Excel; phím Delete xóa điểm ô đang chọn. "
            "Ở chế độ nhập lần 2, ô khác lần 1 được tô đỏ.",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(progress_row)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)

    def set_year(self, year: int) -> None:
        self.year = year
        if not in_front(self):  # the appraisal screen calls this again when the tab is shown
            return
        current = self.member_combo.currentData()
        self.member_combo.blockSignals(True)
        self.member_combo.clear()
        for member in council_members(year):
            self.member_combo.addItem(f"{member.name} — {member.role}", member.id)
        index = self.member_combo.findData(current)
        self.member_combo.setCurrentIndex(max(index, 0))
        self.member_combo.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        """The member's grid and the progress figures, each from a few grouped queries (not per model)."""
        self.message.clear()
        member_id = self.member_combo.currentData()
        self.table_model.load(self.year, member_id, self.kind_combo.currentData(), self.keying_combo.currentData() or 1)
        self.accept_button.setVisible(self.table_model.keying == 2)
        self.figures = scoring.progress_summary(self.year, member_id) if self.year and member_id is not None else None
        self._show_progress()
        if self.table_model.locked_reason:
            self.message.setText(self.table_model.locked_reason)
        if self.table_model.rowCount():
            self.table.setCurrentIndex(self.table_model.index(0, 1))

    def _resize_columns(self) -> None:
        for column in range(1, self.table_model.columnCount()):
            self.table.setColumnWidth(column, 92)

    def _show_progress(self) -> None:
        if self.member_combo.currentData() is None or self.figures is None:
            self.progress.setText("Chưa có thành viên hội đồng: hãy thêm ở thẻ «Hội đồng».")
            return
        f = self.figures
        text = (
            f"Phiếu của thành viên: {f.member_done}/{f.member_expected} — "
            f"cả hội đồng: {f.council_done}/{f.council_expected}"
        )
        if self.table_model.keying == 2:
            text += f" — {self.table_model.differences()} ô khác lần 1"
        self.progress.setText(text)

    def _completion_changed(self, delta: int) -> None:
        """A sheet of this member became complete (or incomplete again): both counts move by the same step."""
        if self.figures is not None:
            self.figures = replace(
                self.figures,
                member_done=self.figures.member_done + delta,
                council_done=self.figures.council_done + delta,
            )
            self._show_progress()

    def _refused(self, text: str) -> None:
        self.message.setText(text)

    def _accepted(self) -> None:
        self.message.clear()
        if self.table_model.keying == 2:
            self._show_progress()  # the count of cells differing from the first keying

    def accept_second(self) -> None:
        row = self.table.currentIndex().row()
        if row < 0 or self.table_model.keying != 2:
            return
        model_row = self.table_model.rows[row]
        self.table_model.flush()  # the second keying as typed, not as it was before the queued saves
        if not messages.confirm(self, f"Dùng điểm nhập lần 2 làm kết quả cho «{model_row.name}»?"):
            return
        with attempt(self, "Dùng điểm nhập lần 2"):
            scoring.accept_second_keying(self.year, self.table_model.member_id, model_row.id)
        self.reload()

    def hideEvent(self, event: QHideEvent) -> None:
        self.table_model.flush()  # whatever is shown next (results, another page) reads the scores as typed
        super().hideEvent(event)

    def focus_cell(self, row: int, column: int) -> QModelIndex:
        index = self.table_model.index(row, column)
        self.table.setCurrentIndex(index)
        self.table.setFocus()
        return index
