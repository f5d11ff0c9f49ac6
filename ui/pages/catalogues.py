"""Danh mục: units as a tree (add, edit with kind and level, move, merge), and the fields, levels, unit kinds and
indicator categories (each with the unit its totals are given in)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import ValidationError
from desktop_app.services import catalogues, units
from desktop_app.services.units import UnitInfo, UnitInput

from .. import messages
from ..errors import attempt
from ..models.catalogue_models import CatalogueListModel, CatalogueTableModel, UnitTreeModel

NO_PARENT = "(Không thuộc đơn vị nào)"
ERROR_STYLE = "color: #b00020;"


def _attempt(parent: QWidget, label: str, action: Callable[[], object]) -> bool:
    """``action()`` as the user action ``label``; false (and the user told why) when it failed."""
    with attempt(parent, label) as outcome:
        action()
    return outcome.ok


def _button(parent: QWidget, text: str, action: Callable[[], object]) -> QPushButton:
    """A push button running ``action()``.  ``clicked`` carries a ``checked`` bool that PySide passes to a
    slot taking an optional argument (``edit(unit=None)`` would get ``False``); the wrapper swallows it."""
    button = QPushButton(text, parent)
    button.clicked.connect(lambda _checked=False: action())
    return button


class UnitDialog(QDialog):
    """One unit's name, kind, level, parent, address and note; the same dialog adds and edits.

    Everything is read from the widgets when «Lưu» is pressed (or Enter), so fast typing then Enter
    saves exactly what was typed.  A refused field shows its message beside it and the dialog stays open.
    """

    saved = Signal(int)

    def __init__(
        self, parent: QWidget | None, unit: UnitInfo | None = None, *, parent_id: int | None = None, title: str = ""
    ) -> None:
        super().__init__(parent)
        self.unit_id = unit.id if unit else None
        data = unit.to_input() if unit else UnitInput(name="", parent_id=parent_id)
        self.setWindowTitle(title or (f"Sửa đơn vị «{unit.name}»" if unit else "Thêm đơn vị"))
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.name = QLineEdit(data.name, self)
        self.name.setPlaceholderText("Ví dụ: Hội Nông dân xã Mê Linh")
        self._row(form, "Tên đơn vị *", self.name, "name")
        self.kind = self._catalogue_combo("unit_kind", data.kind_id, "(Chưa phân loại)")
        self._row(form, "Loại đơn vị", self.kind, "kind")
        self.level = self._catalogue_combo("level", data.level_id, "(Chưa xác định)")
        self._row(form, "Cấp", self.level, "level")
        self.parent_unit = self._parent_combo(data.parent_id)
        self._row(form, "Trực thuộc", self.parent_unit, "parent")
        self.address = QLineEdit(data.address, self)
        self.address.setPlaceholderText("Thôn, xã, huyện…")
        self._row(form, "Địa chỉ", self.address, "address")
        self.note = QLineEdit(data.note, self)
        self._row(form, "Ghi chú", self.note, "note")
        buttons = messages.translate_buttons(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(600, self.sizeHint().height())
        self.name.setFocus()

    def _row(self, form: QFormLayout, label: str, widget: QWidget, key: str) -> None:
        form.addRow(label, widget)
        error = QLabel(self)
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        self.errors[key] = error
        form.addRow("", error)

    def _catalogue_combo(self, catalogue: str, current: int | None, empty: str) -> QComboBox:
        combo = QComboBox(self)
        combo.addItem(empty, None)
        for item in catalogues.list_items(catalogue, include_inactive=True):
            # A hidden item is offered only to the unit that already has it, so editing keeps it.
            if item.active or item.id == current:
                combo.addItem(item.name if item.active else f"{item.name} (đã ẩn)", item.id)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        return combo

    def _parent_combo(self, current: int | None) -> QComboBox:
        combo = QComboBox(self)
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # An empty first item, not "(Không thuộc đơn vị nào)": typed text would be appended to that label.
        combo.addItem("", None)
        for unit in units.parent_choices(self.unit_id):
            combo.addItem(unit.name, unit.id)
        completer = QCompleter(combo.model(), combo)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        combo.setCompleter(completer)
        combo.lineEdit().setPlaceholderText(f"{NO_PARENT} — gõ để tìm đơn vị cấp trên")
        combo.setCurrentIndex(max(combo.findData(current), 0))
        return combo

    def _parent_id(self) -> int | None:
        """The parent picked, or typed (matched ignoring diacritics and case)."""
        text = self.parent_unit.currentText().strip()
        index = self.parent_unit.currentIndex()
        if index >= 0 and self.parent_unit.itemText(index) == text:
            return self.parent_unit.itemData(index)
        if not text:
            return None
        found = units.find_unit(text)
        if found is None:
            raise ValidationError(
                "Trực thuộc", f"«{text}» không có trong danh sách đơn vị; hãy chọn trong danh sách.", key="parent"
            )
        return found.id

    def show_field_error(self, key: str, text: str) -> None:
        self.errors[key].setText(text)
        self.errors[key].show()
        # A wrapped message needs more height than the dialog had; Qt does not grow a top-level
        # window for a height-for-width label by itself, so the message would be cut off.
        layout = self.layout()
        layout.activate()
        needed = (
            layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else layout.totalSizeHint().height()
        )
        if needed > self.height():
            self.resize(self.width(), needed)

    def collect(self) -> UnitInput:
        return UnitInput(
            name=self.name.text(),
            kind_id=self.kind.currentData(),
            level_id=self.level.currentData(),
            parent_id=self._parent_id(),
            address=self.address.text(),
            note=self.note.text(),
        )

    def save(self) -> bool:
        for label in self.errors.values():
            label.hide()
        with attempt(self, "Lưu đơn vị") as outcome:
            try:
                info = units.save_unit(self.collect(), self.unit_id)
            except ValidationError as err:  # shown beside its field, not in a message box
                key = err.key if err.key in self.errors else "name"
                self.show_field_error(key, err.message[:1].upper() + err.message[1:] if key == err.key else str(err))
                {"name": self.name, "kind": self.kind, "level": self.level, "parent": self.parent_unit}.get(
                    key, self.name
                ).setFocus()
                return False
        if not outcome.ok:
            return False
        self.unit_id = info.id
        self.saved.emit(info.id)
        return True

    def accept(self) -> None:  # «Lưu» and Enter: close only once the unit is saved
        if self.save():
            super().accept()


class UnitsTab(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Read when the tab is first shown (the window refreshes the page it shows): a province's 2,000 units are
        # not read at every start for a page behind the dashboard.
        self.tree_model = UnitTreeModel(self, load=False)
        self.loaded = False
        self.tree = QTreeView(self)
        self.tree.setModel(self.tree_model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Double-click and Enter open the unit; the arrow still folds a branch.
        self.tree.setExpandsOnDoubleClick(False)
        self.tree.activated.connect(self._activated)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 230), (2, 160), (3, 100)):
            self.tree.setColumnWidth(column, width)
        self.unit_dialog: UnitDialog | None = None
        buttons = QHBoxLayout()
        for text, action in (
            ("Thêm đơn vị…", self.add_root),
            ("Thêm đơn vị trực thuộc…", self.add_child),
            ("Sửa…", self.edit),
            ("Chuyển sang đơn vị khác…", self.move),
            ("Gộp vào đơn vị khác…", self.merge),
            ("Xóa", self.delete),
        ):
            buttons.addWidget(_button(self, text, action))
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.tree)

    def current(self) -> UnitInfo | None:
        return self.tree_model.unit_at(self.tree.currentIndex())

    def showEvent(self, event: QShowEvent) -> None:
        if not self.loaded:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """Re-read the units (a kind or level may have been renamed), keeping the selection, quietly."""
        unit = self.current()
        self.loaded = True
        self.tree_model.reload()
        self.tree.expandToDepth(0)
        if unit is not None:
            self._select(unit.id)

    def _select(self, unit_id: int) -> None:
        index = self.tree_model.index_of(unit_id)
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)

    def reload(self, select: int | None = None) -> None:
        self.loaded = True
        self.tree_model.reload()
        self.tree.expandToDepth(0)
        if select:
            self._select(select)
        self.changed.emit()

    def _open(self, unit: UnitInfo | None, parent_id: int | None, title: str) -> UnitDialog:
        # open(), not exec(): the dialog is modal to the window without a nested event loop.
        dialog = UnitDialog(self, unit, parent_id=parent_id, title=title)
        dialog.saved.connect(self.reload)
        dialog.finished.connect(lambda _result: self._closed(dialog))
        self.unit_dialog = dialog
        dialog.open()
        return dialog

    def _closed(self, dialog: UnitDialog) -> None:
        if self.unit_dialog is dialog:
            self.unit_dialog = None
        dialog.deleteLater()

    def add_root(self) -> None:
        self._open(None, None, "Thêm đơn vị")

    def add_child(self) -> None:
        unit = self.current()
        if unit is None:
            messages.info(self, "Hãy chọn đơn vị cấp trên trước.")
            return
        self._open(None, unit.id, f"Thêm đơn vị trực thuộc «{unit.name}»")

    def edit(self) -> None:
        unit = self.current()
        if unit is None:
            messages.info(self, "Hãy chọn đơn vị cần sửa.")
            return
        fresh: list[UnitInfo] = []
        if _attempt(self, "Mở đơn vị", lambda: fresh.append(units.get_unit(unit.id))):
            self._open(fresh[0], None, f"Sửa đơn vị «{unit.name}»")

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.tree.setCurrentIndex(index)
            self.edit()

    def _pick_other(self, unit, title: str, label: str, allow_root: bool) -> int | bool | None:
        others = [u for u in units.list_units() if u.id != unit.id]
        names = ([NO_PARENT] if allow_root else []) + [u.name for u in others]
        choice = messages.ask_item(self, title, label, names)
        if choice is None:
            return False
        if allow_root:
            return None if choice == 0 else others[choice - 1].id
        return others[choice].id

    def move(self) -> None:
        unit = self.current()
        if unit is None:
            return
        target = self._pick_other(unit, "Chuyển đơn vị", f"Chuyển «{unit.name}» vào:", allow_root=True)
        if target is not False and _attempt(self, "Chuyển đơn vị", lambda: units.move_unit(unit.id, target)):
            self.reload(unit.id)

    def merge(self) -> None:
        unit = self.current()
        if unit is None:
            return
        target = self._pick_other(unit, "Gộp đơn vị", f"Gộp «{unit.name}» vào đơn vị:", allow_root=False)
        if target is False:
            return
        if messages.confirm(
            self,
            f"Mọi mô hình và đơn vị trực thuộc của «{unit.name}» sẽ chuyển sang đơn vị đã "
            "chọn, rồi «" + unit.name + "» bị xóa. Tiếp tục?",
            danger=True,
            yes="Gộp",
        ):
            if _attempt(self, "Gộp đơn vị", lambda: units.merge_units(unit.id, target)):
                self.reload(target)

    def delete(self) -> None:
        unit = self.current()
        if unit is None:
            return
        if messages.confirm(
            self,
            f"Xóa đơn vị «{unit.name}»? Đơn vị được chuyển vào «Thùng rác», có thể khôi phục từ mục «Thùng rác».",
            danger=True,
            yes="Xóa",
            no="Không xóa",
        ):
            if _attempt(self, "Xóa đơn vị", lambda: units.delete_unit(unit.id)):
                self.reload()


class CatalogueTab(QWidget):
    changed = Signal()

    def __init__(self, catalogue: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.label = catalogues.CATALOGUES[catalogue][1]
        self.with_unit = catalogues.has_unit(catalogue)
        self.list_model: CatalogueListModel | CatalogueTableModel
        self.view: QListView | QTableView
        if self.with_unit:  # name and unit side by side
            self.list_model = CatalogueTableModel(catalogue, self)
            table = QTableView(self)
            table.setModel(self.list_model)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
            table.setColumnWidth(1, 140)
            table.verticalHeader().hide()
            self.view = table
        else:
            self.list_model = CatalogueListModel(catalogue, self)
            self.view = QListView(self)
            self.view.setModel(self.list_model)
        self.view.activated.connect(lambda _index: self.rename())
        buttons = QVBoxLayout()
        unit_button = (("Đổi đơn vị tính…", self.change_unit),) if self.with_unit else ()
        for text, action in (
            ("Thêm…", self.add),
            ("Đổi tên…", self.rename),
            *unit_button,
            ("Lên", lambda: self.move(-1)),
            ("Xuống", lambda: self.move(1)),
            ("Ẩn / hiện", self.toggle),
            ("Xóa", self.delete),
        ):
            buttons.addWidget(_button(self, text, action))
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def current(self):
        return self.list_model.item(self.view.currentIndex().row())

    def reload(self, select_id: int | None = None) -> None:
        self.list_model.reload()
        for row in range(self.list_model.rowCount()):
            if self.list_model.item(row).id == select_id:
                self.view.setCurrentIndex(self.list_model.index(row, 0))
        self.changed.emit()

    def _ask_unit(self, title: str, current: str = "") -> str | None:
        return messages.ask_text(self, title, "Đơn vị tính của tổng (ví dụ: đồng, hộ, người, lượt người):", current)

    def add(self) -> None:
        title = f"Thêm {self.label.lower()}"
        name = messages.ask_text(self, title, "Tên:")
        if name is None:
            return
        unit: str | None = None
        if self.with_unit:
            unit = self._ask_unit(title)
            if unit is None:
                return
        created = []
        if _attempt(self, title, lambda: created.append(catalogues.create(self.catalogue, name, unit_of_measure=unit))):
            self.reload(created[0].id)

    def change_unit(self) -> None:
        item = self.current()
        if item is None:
            return
        title = f"Đổi đơn vị tính của «{item.name}»"
        unit = self._ask_unit(title, item.unit_of_measure)
        if unit is not None and _attempt(
            self, title, lambda: catalogues.update(self.catalogue, item.id, unit_of_measure=unit)
        ):
            self.reload(item.id)

    def rename(self) -> None:
        item = self.current()
        if item is None:
            return
        name = messages.ask_text(self, f"Đổi tên {self.label.lower()}", "Tên mới:", item.name)
        if name is not None and _attempt(
            self, f"Đổi tên {self.label.lower()}", lambda: catalogues.update(self.catalogue, item.id, name=name)
        ):
            self.reload(item.id)

    def move(self, step: int) -> None:
        row = self.view.currentIndex().row()
        item, other = self.list_model.item(row), self.list_model.item(row + step)
        if item is None or other is None:
            return
        # Renumber the whole list so equal sort orders cannot make the swap a no-op.
        items = [self.list_model.item(r) for r in range(self.list_model.rowCount())]
        items[row], items[row + step] = items[row + step], items[row]
        if _attempt(
            self,
            f"Sắp xếp {self.label.lower()}",
            lambda: [catalogues.update(self.catalogue, it.id, sort_order=i) for i, it in enumerate(items, start=1)],
        ):
            self.reload(item.id)

    def toggle(self) -> None:
        item = self.current()
        if item is not None and _attempt(
            self,
            f"Ẩn / hiện {self.label.lower()}",
            lambda: catalogues.update(self.catalogue, item.id, active=not item.active),
        ):
            self.reload(item.id)

    def delete(self) -> None:
        item = self.current()
        if item is None:
            return
        if messages.confirm(
            self, f"Xóa «{item.name}» khỏi danh mục {self.label.lower()}?", danger=True, yes="Xóa", no="Không xóa"
        ) and _attempt(self, f"Xóa {self.label.lower()}", lambda: catalogues.delete(self.catalogue, item.id)):
            self.reload()


class CataloguesPage(QTabWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.units_tab = UnitsTab(self)
        self.addTab(self.units_tab, "Đơn vị")
        self.units_tab.changed.connect(self.changed)
        self.lists: dict[str, CatalogueTab] = {}
        for key, title in (
            ("field", "Lĩnh vực"),
            ("level", "Cấp"),
            ("unit_kind", "Loại đơn vị"),
            ("indicator_category", "Loại chỉ tiêu"),
        ):
            tab = CatalogueTab(key, self)
            tab.changed.connect(self.changed)
            if key in ("level", "unit_kind"):  # the unit tree shows kind and level names
                tab.changed.connect(self.units_tab.refresh)
            self.lists[key] = tab
            self.addTab(tab, title)
        from .offices import OfficesTab  # the offices below this one that send their year as a package

        self.offices_tab = OfficesTab(self)
        self.offices_tab.changed.connect(self.changed)
        self.addTab(self.offices_tab, "Cơ quan gửi báo cáo")

    def set_year(self, year: int) -> None:
        self.offices_tab.set_year(year)  # which package each office sent is per year

    def refresh(self) -> None:
        self.units_tab.refresh()
        for tab in self.lists.values():
            tab.list_model.reload()
        self.offices_tab.reload()
