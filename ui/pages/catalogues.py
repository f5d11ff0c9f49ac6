"""Danh mục: units as a tree (add, rename, move, merge), and the fields, levels and unit kinds."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QListView, QPushButton, QTabWidget,
                               QTreeView, QVBoxLayout, QWidget)

from desktop_app.services import catalogues, units

from .. import messages
from ..models.catalogue_models import CatalogueListModel, UnitTreeModel
from ..worker import show_error


def _attempt(parent: QWidget, action) -> bool:
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - known errors shown, bugs logged
        show_error(parent, exc)
        return False
    return True


class UnitsTab(QWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = UnitTreeModel(self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 200), (2, 150), (3, 90)):
            self.tree.setColumnWidth(column, width)
        self.tree.header().setStretchLastSection(False)
        self.tree.expandToDepth(0)
        buttons = QHBoxLayout()
        for text, slot in (("Thêm đơn vị", self.add_root), ("Thêm đơn vị trực thuộc", self.add_child),
                           ("Đổi tên", self.rename), ("Chuyển sang đơn vị khác…", self.move),
                           ("Gộp vào đơn vị khác…", self.merge), ("Xóa", self.delete)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.tree)

    def current(self):
        return self.model.unit_at(self.tree.currentIndex())

    def reload(self, select: int | None = None) -> None:
        self.model.reload()
        self.tree.expandToDepth(0)
        if select:
            index = self.model.index_of(select)
            self.tree.setCurrentIndex(index)
            self.tree.scrollTo(index)
        self.changed.emit()

    def _create(self, parent_id: int | None, title: str) -> None:
        name = messages.ask_text(self, title, "Tên đơn vị:")
        if name is None:
            return
        created = []
        if _attempt(self, lambda: created.append(units.create_unit(name, parent_id=parent_id))):
            self.reload(created[0].id)

    def add_root(self) -> None:
        self._create(None, "Thêm đơn vị")

    def add_child(self) -> None:
        unit = self.current()
        if unit is None:
            messages.info(self, "Hãy chọn đơn vị cấp trên trước.")
            return
        self._create(unit.id, f"Thêm đơn vị trực thuộc «{unit.name}»")

    def rename(self) -> None:
        unit = self.current()
        if unit is None:
            return
        name = messages.ask_text(self, "Đổi tên đơn vị", "Tên mới:", unit.name)
        if name is not None and _attempt(self, lambda: units.rename_unit(unit.id, name)):
            self.reload(unit.id)

    def _pick_other(self, unit, title: str, label: str, allow_root: bool) -> int | None | bool:
        others = [u for u in units.list_units() if u.id != unit.id]
        names = (["(Không thuộc đơn vị nào)"] if allow_root else []) + [u.name for u in others]
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
        if target is not False and _attempt(self, lambda: units.move_unit(unit.id, target)):
            self.reload(unit.id)

    def merge(self) -> None:
        unit = self.current()
        if unit is None:
            return
        target = self._pick_other(unit, "Gộp đơn vị", f"Gộp «{unit.name}» vào đơn vị:", allow_root=False)
        if target is False:
            return
        if messages.confirm(self, f"Mọi mô hình và đơn vị trực thuộc của «{unit.name}» sẽ chuyển sang đơn vị đã "
                                  "chọn, rồi «" + unit.name + "» bị xóa. Tiếp tục?", danger=True, yes="Gộp"):
            if _attempt(self, lambda: units.merge_units(unit.id, target)):
                self.reload(target)

    def delete(self) -> None:
        unit = self.current()
        if unit is None:
            return
        if messages.confirm(self, f"Xóa đơn vị «{unit.name}»?", danger=True, yes="Xóa", no="Không xóa"):
            if _attempt(self, lambda: units.delete_unit(unit.id)):
                self.reload()


class CatalogueTab(QWidget):
    changed = Signal()

    def __init__(self, catalogue: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue
        self.label = catalogues.CATALOGUES[catalogue][1]
        self.model = CatalogueListModel(catalogue, self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        buttons = QVBoxLayout()
        for text, slot in (("Thêm", self.add), ("Đổi tên", self.rename), ("Lên", lambda: self.move(-1)),
                           ("Xuống", lambda: self.move(1)), ("Ẩn / hiện", self.toggle), ("Xóa", self.delete)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)

    def current(self):
        return self.model.item(self.view.currentIndex().row())

    def reload(self, select_id: int | None = None) -> None:
        self.model.reload()
        for row in range(self.model.rowCount()):
            if self.model.item(row).id == select_id:
                self.view.setCurrentIndex(self.model.index(row))
        self.changed.emit()

    def add(self) -> None:
        name = messages.ask_text(self, f"Thêm {self.label.lower()}", "Tên:")
        created = []
        if name is not None and _attempt(self, lambda: created.append(catalogues.create(self.catalogue, name))):
            self.reload(created[0].id)

    def rename(self) -> None:
        item = self.current()
        if item is None:
            return
        name = messages.ask_text(self, f"Đổi tên {self.label.lower()}", "Tên mới:", item.name)
        if name is not None and _attempt(self, lambda: catalogues.update(self.catalogue, item.id, name=name)):
            self.reload(item.id)

    def move(self, step: int) -> None:
        row = self.view.currentIndex().row()
        item, other = self.model.item(row), self.model.item(row + step)
        if item is None or other is None:
            return
        # Renumber the whole list so equal sort orders cannot make the swap a no-op.
        items = [self.model.item(r) for r in range(self.model.rowCount())]
        items[row], items[row + step] = items[row + step], items[row]
        if _attempt(self, lambda: [catalogues.update(self.catalogue, it.id, sort_order=i)
                                   for i, it in enumerate(items, start=1)]):
            self.reload(item.id)

    def toggle(self) -> None:
        item = self.current()
        if item is not None and _attempt(self, lambda: catalogues.update(self.catalogue, item.id,
                                                                         active=not item.active)):
            self.reload(item.id)

    def delete(self) -> None:
        item = self.current()
        if item is None:
            return
        if messages.confirm(self, f"Xóa «{item.name}» khỏi danh mục {self.label.lower()}?", danger=True, yes="Xóa",
                            no="Không xóa") and _attempt(self, lambda: catalogues.delete(self.catalogue, item.id)):
            self.reload()


class CataloguesPage(QTabWidget):
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.units_tab = UnitsTab(self)
        self.addTab(self.units_tab, "Đơn vị")
        self.units_tab.changed.connect(self.changed)
        self.lists: dict[str, CatalogueTab] = {}
        for key, title in (("field", "Lĩnh vực"), ("level", "Cấp"), ("unit_kind", "Loại đơn vị")):
            tab = CatalogueTab(key, self)
            tab.changed.connect(self.changed)
            self.lists[key] = tab
            self.addTab(tab, title)

    def set_year(self, year: int) -> None:
        pass

    def refresh(self) -> None:
        self.units_tab.model.reload()
        self.units_tab.tree.expandToDepth(0)
        for tab in self.lists.values():
            tab.model.reload()
