"""Undo and redo of the model editor's field edits: one history for the whole editor, in the order the edits
were made (Ctrl+Z, Ctrl+Y or Ctrl+Shift+Z), whichever field has the focus.

Each field is watched through the signal its input sends when the clerk edits it; an edit becomes a step holding
the field's value before and after.  What is done in one field without leaving it is one step (typing a name,
browsing a combo with the arrow keys), except that a new paragraph in a long text starts a new step: a Ctrl+Z
takes back a field edit, not a character.  A step changes nothing in the database: saving is what does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, cast

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, Signal, SignalInstance
from PySide6.QtGui import QIcon, QKeyEvent, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QWidget,
)

from desktop_app import registration

from .indicators import COLUMN_OF, IndicatorTableModel

if TYPE_CHECKING:
    from .dialog import ModelEditorDialog

UNDO, REDO = "undo", "redo"
_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.ShiftModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
_CTRL = Qt.KeyboardModifier.ControlModifier
_CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def key_action(event: QKeyEvent) -> str | None:
    """UNDO for Ctrl+Z, REDO for Ctrl+Y and Ctrl+Shift+Z (and the platform's own keys for them), else None."""
    key, modifiers = event.key(), event.modifiers() & _MODIFIERS
    if key == Qt.Key.Key_Z and modifiers == _CTRL:
        return UNDO
    if (key == Qt.Key.Key_Z and modifiers == _CTRL_SHIFT) or (key == Qt.Key.Key_Y and modifiers == _CTRL):
        return REDO
    if event.matches(QKeySequence.StandardKey.Undo):
        return UNDO
    if event.matches(QKeySequence.StandardKey.Redo):
        return REDO
    return None


def _difference_end(now: str, was: str) -> int:
    """Where, in ``now``, the part that differs from ``was`` ends: the cursor goes there after an undo."""
    limit = min(len(now), len(was))
    prefix = 0
    while prefix < limit and now[prefix] == was[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and now[-1 - suffix] == was[-1 - suffix]:
        suffix += 1
    return len(now) - suffix


class Field:
    """One field of the editor as the undo history sees it: how to read, write and show its value."""

    merges = True  # edits made without leaving the field are one step

    def __init__(self, key: str, label: str, widget: QWidget) -> None:
        self.key = key  # the dialog's error key: an undone field loses its error, as an edited one does
        self.label = label
        self.widget = widget  # shown, with its tab, when its edit is undone or redone

    def watch(self, changed: Callable[[], None]) -> None:
        raise NotImplementedError

    def read(self) -> object:
        raise NotImplementedError

    def write(self, value: object) -> None:
        raise NotImplementedError

    def describe(self, before: object, after: object) -> str:
        return f"sửa «{self.label}»"

    def starts_step(self, merged: object, after: object) -> bool:
        """True when an edit must not join the step before it, though made in the same visit to the field."""
        return False

    def focus(self, value: object, other: object) -> None:
        """Give the field the focus, its cursor where ``value`` differs from ``other``."""
        self.widget.setFocus()

    def discard_pending(self) -> bool:
        """Drop an edit typed but not yet committed; True if there was one (a Ctrl+Z then takes back only it)."""
        return False


class LineField(Field):
    def __init__(self, key: str, label: str, line: QLineEdit) -> None:
        super().__init__(key, label, line)
        self.line = line

    def watch(self, changed: Callable[[], None]) -> None:
        self.line.textEdited.connect(lambda _text: changed())

    def read(self) -> object:
        return self.line.text()

    def write(self, value: object) -> None:
        self.line.setText(str(value))

    def focus(self, value: object, other: object) -> None:
        self.line.setFocus()
        self.line.setCursorPosition(_difference_end(str(value), str(other)))


class TextField(Field):
    def __init__(self, key: str, label: str, text: QPlainTextEdit) -> None:
        super().__init__(key, label, text)
        self.text = text
        # The editor's history is the one history: the box's own would answer its context menu differently.
        text.setUndoRedoEnabled(False)

    def watch(self, changed: Callable[[], None]) -> None:
        self.text.textChanged.connect(changed)

    def read(self) -> object:
        return self.text.toPlainText()

    def write(self, value: object) -> None:
        self.text.setPlainText(str(value))

    def starts_step(self, merged: object, after: object) -> bool:
        return str(after).count("\n") > str(merged).count("\n")  # a new paragraph

    def focus(self, value: object, other: object) -> None:
        self.text.setFocus()
        cursor = self.text.textCursor()
        cursor.setPosition(min(_difference_end(str(value), str(other)), len(str(value))))
        self.text.setTextCursor(cursor)
        self.text.ensureCursorVisible()


class ComboField(Field):
    def __init__(self, key: str, label: str, combo: QComboBox) -> None:
        super().__init__(key, label, combo)
        self.combo = combo

    def watch(self, changed: Callable[[], None]) -> None:
        self.combo.currentIndexChanged.connect(lambda _index: changed())

    def read(self) -> object:
        return self.combo.currentIndex()

    def write(self, value: object) -> None:
        self.combo.setCurrentIndex(cast(int, value))


class TypedComboField(ComboField):
    """An editable combo: the item picked and the text typed, which may name no item yet."""

    def watch(self, changed: Callable[[], None]) -> None:
        super().watch(changed)
        line = self.combo.lineEdit()
        if line is not None:
            line.textEdited.connect(lambda _text: changed())

    def read(self) -> object:
        return (self.combo.currentIndex(), self.combo.currentText())

    def write(self, value: object) -> None:
        index, text = cast(tuple[int, str], value)
        self.combo.setCurrentIndex(index)
        if self.combo.currentText() != text:
            self.combo.setEditText(text)

    def focus(self, value: object, other: object) -> None:
        self.combo.setFocus()
        line = self.combo.lineEdit()
        if line is not None:
            line.setCursorPosition(len(line.text()))


class IndicatorsField(Field):
    """The indicator table: a cell committed, a row added or removed is one step each."""

    merges = False

    def __init__(self, model: IndicatorTableModel, view: QTableView) -> None:
        super().__init__("indicators", "Chỉ tiêu", view)
        self.model, self.view = model, view

    def watch(self, changed: Callable[[], None]) -> None:
        self.model.edited.connect(changed)

    def read(self) -> object:
        return self.model.rows()

    def write(self, value: object) -> None:
        self.model.set_rows(cast(list, value))

    def describe(self, before: object, after: object) -> str:
        grown = len(cast(list, after)) - len(cast(list, before))
        return "thêm chỉ tiêu" if grown > 0 else "xóa chỉ tiêu" if grown < 0 else "sửa chỉ tiêu"

    def focus(self, value: object, other: object) -> None:
        rows, others = cast(list, value), cast(list, other)
        self.view.setFocus()
        if not rows:
            return
        row = next((i for i, (a, b) in enumerate(zip(rows, others)) if a != b), min(len(rows), len(others)))
        row = min(row, len(rows) - 1)
        column = 0
        if row < len(others):
            was, now = others[row], rows[row]
            column = next((c for attr, c in COLUMN_OF.items() if getattr(now, attr) != getattr(was, attr)), 0)
        index = self.model.index(row, column)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def discard_pending(self) -> bool:
        index = self.view.currentIndex()
        editor = self.view.indexWidget(index) if index.isValid() else None
        if editor is None:
            return False
        if isinstance(editor, QLineEdit):
            typed = editor.isModified()
        elif isinstance(editor, QComboBox):
            typed = editor.currentData() != index.data(Qt.ItemDataRole.EditRole)
        else:
            typed = True
        # Closed without committing: what was typed in the cell goes, the cell keeps its value.
        self.view.itemDelegateForIndex(index).closeEditor.emit(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        return typed


class LinkField(Field):
    """A link on the «Liên kết» tab: the model linked to and the text naming it."""

    merges = False

    def __init__(
        self, key: str, label: str, links: dict[str, int | None], shown: QLabel, edited: SignalInstance
    ) -> None:
        super().__init__(key, label, shown)
        self.links, self.shown, self.edited = links, shown, edited

    def watch(self, changed: Callable[[], None]) -> None:
        self.edited.connect(changed)

    def read(self) -> object:
        return (self.links[self.key], self.shown.text())

    def write(self, value: object) -> None:
        self.links[self.key], text = cast(tuple[int | None, str], value)
        self.shown.setText(text)


class FieldEdit(QUndoCommand):
    """One step: a field's value before and after.  Pushed after the edit is made, so its first redo does nothing."""

    ID = 1401

    def __init__(self, undo: FieldUndo, field: Field, before: object, after: object, visit: int) -> None:
        super().__init__(field.describe(before, after))
        self.owner, self.field, self.before, self.after, self.visit = undo, field, before, after, visit
        self._made = False

    def id(self) -> int:
        return self.ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (
            isinstance(other, FieldEdit)
            and other.field is self.field
            and other.visit == self.visit
            and self.field.merges
            and not self.field.starts_step(self.after, other.after)
        ):
            return False
        self.after = other.after
        # Typed and then erased: the step changed nothing and leaves the history (and the stack may be clean again).
        self.setObsolete(self.after == self.before)
        return True

    def redo(self) -> None:
        if self._made:
            self.owner.apply(self.field, self.after, self.before)
        self._made = True

    def undo(self) -> None:
        self.owner.apply(self.field, self.before, self.after)


class FieldUndo(QObject):
    """The editor's undo history and the keys that drive it."""

    applied = Signal(str)  # the key of a field an undo or redo just changed

    def __init__(self, window: QWidget, tabs: QTabWidget) -> None:
        super().__init__(window)
        self.window, self.tabs = window, tabs
        self.stack = QUndoStack(self)
        self._fields: list[Field] = []
        self._owner: dict[QWidget, Field] = {}  # a field's input → the field, to tell which field has the focus
        self._last: dict[Field, object] = {}  # each field's value as last seen: the "before" of its next edit
        self._paused = False
        self._visit = 0  # counts the moves to another field: edits merge only within one visit
        self._focused: Field | None = None
        window.installEventFilter(self)
        app = cast(QApplication, QApplication.instance())
        app.focusChanged.connect(self._focus_changed)

    # ------------------------------------------------------------------ fields
    def add(self, field: Field) -> None:
        self._fields.append(field)
        self._owner.setdefault(field.widget, field)
        self._last[field] = field.read()
        field.watch(lambda: self._changed(field))
        # Keys typed into an input that has no focus (as tests do) still reach this history.
        field.widget.installEventFilter(self)
        if isinstance(field.widget, QComboBox) and field.widget.lineEdit() is not None:
            cast(QLineEdit, field.widget.lineEdit()).installEventFilter(self)

    def _changed(self, field: Field) -> None:
        # Inputs destroyed with the window may still say they changed after the history is gone.
        if self._paused or not shiboken6.isValid(self.stack):
            return
        after = field.read()
        before = self._last[field]
        if after == before:
            return
        self._last[field] = after
        self.stack.push(FieldEdit(self, field, before, after, self._visit))

    def apply(self, field: Field, value: object, other: object) -> None:
        """Put ``value`` back into ``field`` (an undo or redo) and show it; nothing of this becomes a new step."""
        self._paused = True
        try:
            field.write(value)
        finally:
            self._paused = False
        self._last[field] = field.read()
        self._visit += 1  # an edit after an undo is a new step, never merged into an older one
        self._show(field, value, other)
        self.applied.emit(field.key)

    def _show(self, field: Field, value: object, other: object) -> None:
        page: QWidget | None = field.widget
        while page is not None and self.tabs.indexOf(page) < 0:
            page = page.parentWidget()
        if page is not None:
            self.tabs.setCurrentWidget(page)
        field.focus(value, other)
        if isinstance(page, QScrollArea):
            page.ensureWidgetVisible(field.widget)

    # ------------------------------------------------------------------ loading and saving
    @contextmanager
    def loading(self) -> Iterator[None]:
        """Filling the fields from the database: no step is made, and afterwards there is nothing to undo."""
        self._paused = True
        try:
            yield
        finally:
            self._paused = False
            self._remember()
            self.stack.clear()

    def saved(self) -> None:
        """What is on screen is what is saved: the history stays, and coming back to here means nothing unsaved."""
        self._remember()
        self.stack.setClean()

    def _remember(self) -> None:
        for field in self._fields:
            self._last[field] = field.read()

    # ------------------------------------------------------------------ undo and redo
    def undo(self) -> None:
        pending = self._pending()
        if pending is not None and pending.discard_pending():
            return
        self.stack.undo()

    def redo(self) -> None:
        pending = self._pending()
        if pending is not None:
            pending.discard_pending()
        self.stack.redo()

    def _pending(self) -> Field | None:
        focus = QApplication.focusWidget()
        return self._field_of(focus) if focus is not None else None

    def _field_of(self, widget: QWidget) -> Field | None:
        current: QWidget | None = widget
        while current is not None and current is not self.window:
            field = self._owner.get(current)
            if field is not None:
                return field
            current = current.parentWidget()
        return None

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # Popups (a combo's list, a completer) are other windows: opening one is no move to another field.
        if new is None or new.window() is not self.window:
            return
        new.installEventFilter(self)  # once only, however often it is installed: Qt moves it to the front
        field = self._field_of(new)
        if field is not self._focused:
            self._focused = field
            self._visit += 1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            action = key_action(cast(QKeyEvent, event))
            if action is not None:
                if kind == QEvent.Type.ShortcutOverride:
                    # Claimed, so that neither the input's own undo nor another window's shortcut takes the key:
                    # it comes back here as a key press.
                    event.accept()
                elif action == UNDO:
                    self.undo()
                else:
                    self.redo()
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------------ buttons
    def buttons(self, parent: QWidget) -> tuple[QPushButton, QPushButton]:
        """«Hoàn tác» and «Làm lại», enabled when there is something to take back or do again."""
        back = QPushButton(QIcon.fromTheme("edit-undo"), "Hoàn tác", parent)
        again = QPushButton(QIcon.fromTheme("edit-redo"), "Làm lại", parent)
        back.clicked.connect(lambda _checked=False: self.undo())
        again.clicked.connect(lambda _checked=False: self.redo())
        for button in (back, again):
            button.setAutoDefault(False)  # Enter in a field saves; it must never undo
            # Clicking leaves the focus in the field being edited, where the keys are.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        def refresh(*_args: object) -> None:
            if not all(shiboken6.isValid(each) for each in (self.stack, back, again)):
                return  # the window is being destroyed (the stack says it is cleared as it goes)
            back.setEnabled(self.stack.canUndo())
            again.setEnabled(self.stack.canRedo())
            back.setToolTip(
                f"Hoàn tác: {self.stack.undoText()} (Ctrl+Z)"
                if self.stack.canUndo()
                else "Hoàn tác (Ctrl+Z): chưa có thay đổi nào để hoàn tác"
            )
            again.setToolTip(
                f"Làm lại: {self.stack.redoText()} (Ctrl+Y)"
                if self.stack.canRedo()
                else "Làm lại (Ctrl+Y): không có thay đổi nào để làm lại"
            )

        self.stack.indexChanged.connect(refresh)
        refresh()
        return back, again


def watch_editor(dialog: ModelEditorDialog) -> FieldUndo:
    """The undo history of every field the editor saves, in the order the clerk meets them."""
    undo = FieldUndo(dialog, dialog.tabs)
    undo.add(LineField("name", "Tên mô hình, điển hình", dialog.name))
    undo.add(ComboField("kind", "Loại", dialog.kind))
    undo.add(LineField("year", "Năm", dialog.year_edit))
    undo.add(ComboField("field", "Lĩnh vực", dialog.field))
    undo.add(ComboField("level", "Cấp", dialog.level))
    undo.add(TypedComboField("unit", "Đơn vị thực hiện", dialog.unit))
    for spec in registration.FIELDS:
        widget = dialog.inputs[spec.name]
        if isinstance(widget, QPlainTextEdit):
            undo.add(TextField(spec.name, spec.label, widget))
        elif isinstance(widget, QComboBox):
            undo.add(ComboField(spec.name, spec.label, widget))
        elif isinstance(widget, QLineEdit):
            undo.add(LineField(spec.name, spec.label, widget))
    undo.add(IndicatorsField(dialog.indicators, dialog.indicator_view))
    links = dialog.links
    for key, label in (("continues_id", "Tiếp nối (duy trì) mô hình"), ("replicates_id", "Nhân rộng từ mô hình")):
        undo.add(LinkField(key, label, links.links, links.labels[key], links.edited))
    return undo
