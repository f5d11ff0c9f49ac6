"""Mô hình - điển hình: the filtered, searchable list with bulk actions."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop_app import domain
from desktop_app.history import undo
from desktop_app.services import catalogues, units, yearly
from desktop_app.services import status as status_service
from desktop_app.services.models import ModelFilter, delete_models
from desktop_app.text import format_number

from .. import messages, status_change
from ..autobackups import tell
from ..errors import attempt
from ..menu_buttons import menu_button
from ..models.model_table import ModelTableModel


def _on_click(button: QPushButton, action: Callable[[], None]) -> None:
    """Connect a button to an action taking no arguments.

    ``clicked`` carries a ``checked`` flag that PySide passes to any slot able to take it,
    so ``clicked.connect(self.method)`` hands ``False`` to a method whose first parameter is
    optional.  Every button here goes through this lambda, which drops the flag.
    """
    button.clicked.connect(lambda _checked=False: action())


def _combo(placeholder: str) -> QComboBox:
    combo = QComboBox()
    combo.addItem(placeholder, None)
    combo.setMinimumContentsLength(10)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    return combo


class ModelListPage(QWidget):
    changed = Signal()  # models were added, edited, deleted or changed status

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year: int | None = None
        self.table_model = ModelTableModel(self)
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self.filter_changed)

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Tìm theo tên, đơn vị, địa chỉ… (gõ không dấu cũng được)")
        self.search.setToolTip(
            "Gõ vài chữ của tên mô hình, đơn vị, địa chỉ hoặc họ tên; không cần dấu, không phân biệt chữ hoa"
        )
        self.search.setClearButtonEnabled(True)
        # Wide enough for its whole hint, clear button included, so the hint is never cut.
        hint_width = self.search.fontMetrics().horizontalAdvance(self.search.placeholderText())
        self.search.setMinimumWidth(hint_width + 48)
        self.search.textChanged.connect(lambda: self._debounce.start())
        self.field_combo = _combo("Mọi lĩnh vực")
        self.level_combo = _combo("Mọi cấp")
        self.unit_combo = _combo("Mọi đơn vị")
        self.kind_combo = _combo("Mọi loại")
        for code, label in domain.KIND_SHORT.items():
            self.kind_combo.addItem(label, code)
        self.status_combo = _combo("Mọi trạng thái")
        for code, label in domain.STATUSES.items():
            self.status_combo.addItem(label, code)
        for combo in (self.field_combo, self.level_combo, self.unit_combo, self.kind_combo, self.status_combo):
            combo.currentIndexChanged.connect(self.filter_changed)
        clear = QPushButton("Bỏ lọc", self)
        _on_click(clear, self.clear_filters)

        # The search on its own row with the reset; the five filters share the next row, so
        # that neither the search hint nor a level such as "Cơ sở (xã, phường)" is cut off.
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(clear)
        filters = QHBoxLayout()
        for combo in (self.field_combo, self.level_combo, self.unit_combo, self.kind_combo, self.status_combo):
            filters.addWidget(combo, 1)

        self.table = QTableView(self)
        self.table.setModel(self.table_model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 70), (2, 170), (3, 220), (4, 90), (5, 140), (6, 50)):
            self.table.setColumnWidth(column, width)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.doubleClicked.connect(lambda _: self.edit_current())
        self.table.selectionModel().selectionChanged.connect(self._update_actions)

        self.new_button = QPushButton("Thêm mới", self)
        self.new_button.setShortcut(QKeySequence.StandardKey.New)
        _on_click(self.new_button, self.add_model)
        self.edit_button = QPushButton("Sửa", self)
        _on_click(self.edit_button, self.edit_current)
        self.status_button = QToolButton(self)
        self.status_button.setText("Đổi trạng thái")
        menu_button(self.status_button, QToolButton.ToolButtonPopupMode.InstantPopup)
        self.status_menu = QMenu(self.status_button)
        # Only what a clerk may set by hand (the core decides which); recognition comes from the
        # decision, so the menu says where to find it instead of offering it.
        for code in status_service.manual_statuses():
            action = self.status_menu.addAction(domain.status_label(code))
            action.setData(code)
            action.triggered.connect(lambda _checked=False, c=code: self.change_status(c))
        self.status_menu.addSeparator()
        outcomes = " / ".join(f"«{domain.status_label(c)}»" for c in domain.STATUSES if c in domain.DECISION_ONLY)
        hint = self.status_menu.addAction(f"{outcomes}: theo quyết định ở mục «{domain.DECISION_PAGE}»")
        hint.setEnabled(False)
        self.status_button.setMenu(self.status_menu)
        self.delete_button = QPushButton("Xóa", self)
        _on_click(self.delete_button, self.delete_selected)
        self.new_year_button = QPushButton("Chuyển sang năm sau…", self)
        self.new_year_button.setToolTip("Chép các mô hình duy trì sang năm sau, liên kết với bản ghi năm nay")
        _on_click(self.new_year_button, self.copy_to_next_year)
        self.count_label = QLabel(self)
        self._build_undo_actions()

        actions = QHBoxLayout()
        for widget in (self.new_button, self.edit_button, self.status_button, self.delete_button, self.new_year_button):
            actions.addWidget(widget)
        actions.addSpacing(12)
        actions.addWidget(self.undo_button)
        actions.addWidget(self.redo_button)
        actions.addStretch(1)
        self._actions = actions
        # The count beside the search it answers; on the buttons' row it made the page too wide for a 1280-pixel screen.
        search_row.insertWidget(1, self.count_label)

        layout = QVBoxLayout(self)
        layout.addLayout(search_row)
        layout.addLayout(filters)
        layout.addLayout(actions)
        layout.addWidget(self.table, 1)

        delete_action = QAction(self)
        delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete_action.triggered.connect(lambda _checked=False: self.delete_selected())
        self.table.addAction(delete_action)
        self.reload_catalogues()
        self._update_actions()

    # --- data
    def reload_catalogues(self) -> None:
        for combo, items in (
            (self.field_combo, catalogues.list_items("field")),
            (self.level_combo, catalogues.list_items("level")),
        ):
            self._fill(combo, [(i.name, i.id) for i in items])
        self._fit_catalogue_columns()
        # A province's 2,000 units: read and measured when the page is first seen, not at every start behind
        # the dashboard.  Until then the box offers only "Mọi đơn vị", which is what the filter uses.
        self._units_stale = True
        if self.isVisible():
            self._load_units()

    def _load_units(self) -> None:
        self._units_stale = False
        chosen = self.unit_combo.currentData()
        self._fill(self.unit_combo, [(u.name, u.id) for u in units.list_units(include_inactive=False)])
        metrics = self.table.fontMetrics()
        longest = max(metrics.horizontalAdvance(self.unit_combo.itemText(i)) for i in range(self.unit_combo.count()))
        self.unit_combo.view().setMinimumWidth(min(longest + 40, 560))
        if self.unit_combo.currentData() != chosen:  # the unit chosen was deleted or merged meanwhile
            self.apply_filter()

    def showEvent(self, event: QShowEvent) -> None:
        if self._units_stale:
            self._load_units()
        super().showEvent(event)

    def _fit_catalogue_columns(self) -> None:
        """The level and status columns as wide as their longest name ("Cơ sở (xã, phường)")."""
        metrics = self.table.fontMetrics()
        padding = 18  # cell margins and the grid line
        for column, names in (
            (4, [self.level_combo.itemText(i) for i in range(1, self.level_combo.count())]),
            (5, list(domain.STATUSES.values())),
        ):
            header = str(self.table_model.headerData(column, Qt.Orientation.Horizontal))
            widest = max([metrics.horizontalAdvance(n) for n in names] + [metrics.horizontalAdvance(header)])
            self.table.setColumnWidth(column, min(widest + padding, 220))
        for combo in (self.field_combo, self.level_combo):
            # The closed combo may elide a long name; its list shows every name whole (units: _load_units).
            longest = max((metrics.horizontalAdvance(combo.itemText(i)) for i in range(combo.count())), default=0)
            combo.view().setMinimumWidth(min(longest + 40, 560))

    @staticmethod
    def _fill(combo: QComboBox, items: list[tuple[str, int]]) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        for name, item_id in items:
            combo.addItem(name, item_id)
        index = combo.findData(current)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)

    def set_year(self, year: int) -> None:
        self.year = year
        self.apply_filter()

    def current_filter(self) -> ModelFilter:
        return ModelFilter(
            year=self.year,
            text=self.search.text(),
            field_id=self.field_combo.currentData(),
            level_id=self.level_combo.currentData(),
            unit_id=self.unit_combo.currentData(),
            kind=self.kind_combo.currentData(),
            status=self.status_combo.currentData(),
        )

    def add_action_button(self, button: QWidget) -> None:
        """Another screen's button (Excel import, printing) at the end of the list's buttons, before the stretch."""
        self._actions.insertWidget(self._actions.count() - 1, button)

    def filter_changed(self) -> None:
        """The user changed a filter or the search: the list and its count, and nothing a filter cannot change."""
        self._debounce.stop()
        self.table_model.set_filter(self.current_filter())
        # Lay the rows out now: left to the first paint after the reset, the layout changes the scroll range and
        # Qt paints the whole table a second time (about a third of a filter on a year of 2,000 models).
        self.table.doItemsLayout()
        self.count_label.setText(f"{format_number(self.table_model.rowCount())} mô hình, điển hình")
        self._update_actions()

    def apply_filter(self) -> None:
        """The list read again after a write or a year change: also which steps can be undone."""
        self.filter_changed()
        self.update_undo()

    def refresh(self) -> None:
        """Shown: another screen (import, trash, a decision) may have made or spent an undo step since."""
        self.update_undo()

    def clear_filters(self) -> None:
        for combo in (self.field_combo, self.level_combo, self.unit_combo, self.kind_combo, self.status_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filter()

    def show_filtered(self, *, field_id: int | None = None, kind: str | None = None, status: str | None = None) -> None:
        """Open the list with only these filters (used by the dashboard)."""
        self.clear_filters()
        for combo, value in ((self.field_combo, field_id), (self.kind_combo, kind), (self.status_combo, status)):
            if value is not None:
                combo.blockSignals(True)
                combo.setCurrentIndex(max(combo.findData(value), 0))
                combo.blockSignals(False)
        self.apply_filter()

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.table_model.model_id(r) for r in rows]

    def _update_actions(self) -> None:
        count = len(self.selected_ids())
        self.edit_button.setEnabled(count == 1)
        self.status_button.setEnabled(count >= 1)
        self.delete_button.setEnabled(count >= 1)

    # --- actions
    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.table.hasFocus():
            self.edit_current()
            return
        super().keyPressEvent(event)

    def _open_editor(self, model_id: int | None) -> None:
        from ..editor import ModelEditorDialog

        dialog = ModelEditorDialog(self, model_id, self.year or 0)
        dialog.saved.connect(lambda _id: self._after_save(_id))
        dialog.exec()

    def _after_save(self, model_id: int) -> None:
        self.table_model.reload()
        position = self.table_model.position_of(model_id)
        if position >= 0:
            self.table.selectRow(position)
        self.count_label.setText(f"{format_number(self.table_model.rowCount())} mô hình, điển hình")
        self.changed.emit()

    def add_model(self) -> None:
        self._open_editor(None)

    def edit_current(self) -> None:
        ids = self.selected_ids()
        if not ids and self.table.currentIndex().isValid():
            ids = [self.table_model.model_id(self.table.currentIndex().row())]
        if ids:
            self._open_editor(ids[0])

    def change_status(self, new_status: str) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        label = domain.status_label(new_status)
        with attempt(self, f"Chuyển sang trạng thái «{label}»") as checked:
            status_service.check_manual(new_status)  # before asking: a refused move needs no confirmation
        if not checked.ok:
            return
        answer = status_change.ask_status_change(
            self,
            f"Chuyển {len(ids)} mô hình, điển hình đã chọn sang trạng thái «{label}»?",
            needs_reason=new_status in domain.NEEDS_REASON,
        )
        if answer is None:
            return
        with attempt(self, f"Chuyển sang trạng thái «{label}»") as outcome:
            changed = status_service.change_status(ids, new_status, answer.reason, event_date=answer.day)
        if not outcome.ok:
            return
        self.table_model.refresh_rows(ids)
        self.update_undo()
        self.window().statusBar().showMessage(f"Đã chuyển {changed} mô hình sang «{label}».", 5000)
        self.changed.emit()

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        if not messages.confirm(
            self,
            f"Xóa {len(ids)} mô hình, điển hình đã chọn? Chúng được chuyển vào «Thùng rác» cùng chỉ tiêu, "
            "minh chứng và điểm chấm; có thể khôi phục nguyên vẹn từ mục «Thùng rác» hoặc bấm «Hoàn tác».",
            title="Xóa mô hình",
            danger=True,
            yes="Xóa",
            no="Không xóa",
        ):
            return
        with attempt(self, "Xóa mô hình, điển hình") as outcome:
            deleted = delete_models(ids)
        if not outcome.ok:
            return
        self.apply_filter()
        self.window().statusBar().showMessage(
            f"Đã chuyển {deleted} mô hình, điển hình vào «Thùng rác» (bấm «Hoàn tác» để lấy lại).", 5000
        )
        self.changed.emit()

    def copy_to_next_year(self) -> None:
        if not self.year:
            return
        candidates = yearly.continuing_candidates(self.year)
        target = self.year + 1
        if not candidates:
            messages.info(self, f"Không còn mô hình nào của năm {self.year} cần chuyển sang năm {target}.")
            return
        if not messages.confirm(
            self,
            f"Chép {len(candidates)} mô hình, điển hình đang duy trì của năm {self.year} "
            f"sang năm {target}? Bản ghi mới ở trạng thái «Đăng ký», kết quả để trống và "
            "liên kết với bản ghi năm nay.",
        ):
            return
        with attempt(self, f"Chép mô hình, điển hình sang năm {target}") as outcome:
            created = yearly.copy_to_year([c.id for c in candidates], target)
        if not outcome.ok:
            return
        self.update_undo()
        messages.info(self, f"Đã chép {len(created)} mô hình, điển hình sang năm {target}.")
        self.changed.emit()

    # --- undo and redo of the list's bulk actions (the history keeps them: see desktop_app.history.undo)
    def _build_undo_actions(self) -> None:
        self.undo_action = QAction("Hoàn tác", self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Z"))
        self.undo_action.triggered.connect(lambda _checked=False: self.undo_last())
        self.redo_action = QAction("Làm lại", self)
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        self.redo_action.triggered.connect(lambda _checked=False: self.redo_last())
        for action in (self.undo_action, self.redo_action):
            # On the page only: the search box keeps its own Ctrl+Z for the text typed in it.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.setEnabled(False)  # until the list is filled and the history asked
            self.addAction(action)
        self.undo_button = QToolButton(self)
        self.undo_button.setDefaultAction(self.undo_action)
        self.redo_button = QToolButton(self)
        self.redo_button.setDefaultAction(self.redo_action)
        for button in (self.undo_button, self.redo_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

    def update_undo(self) -> None:
        """Enable «Hoàn tác» / «Làm lại» when the history has a step for them; the tooltip says which."""
        for action, step, verb, keys, none in (
            (self.undo_action, undo.undo_step(), "Hoàn tác", "Ctrl+Z", "Chưa có thao tác nào để hoàn tác"),
            (self.redo_action, undo.redo_step(), "Làm lại", "Ctrl+Y", "Không có thao tác nào để làm lại"),
        ):
            action.setEnabled(step is not None)
            action.setToolTip(f"{verb}: {step.describe()} ({keys})" if step is not None else none)

    def undo_last(self) -> None:
        self._step(undo.undo, "Hoàn tác", "Đã hoàn tác")

    def redo_last(self) -> None:
        self._step(undo.redo, "Làm lại", "Đã làm lại")

    def _step(self, run: Callable[[], undo.UndoStep], action: str, done: str) -> None:
        step = None
        with attempt(self, action) as outcome:  # refused when a later change touched the same records
            step = run()
        self.apply_filter()  # also rereads which steps are left
        if not outcome.ok or step is None:
            return
        tell(self, f"{done}: {step.describe()}.", 8000)
        self.changed.emit()
