"""Criteria sets and the council of the year."""
from __future__ import annotations

from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox,
                               QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QTableView, QVBoxLayout, QWidget)
from PySide6.QtCore import Qt

from desktop_app import domain
from desktop_app.appraisal import council, criteria as crit
from desktop_app.appraisal.scoring import models_to_score
from desktop_app.services import catalogues
from desktop_app.text import format_number

from ... import messages
from ...messages import translate_buttons
from ...models.appraisal_tables import CriteriaTableModel, MembersTableModel
from ...worker import show_error


def _table(model, parent) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.verticalHeader().hide()
    return view


class CriterionDialog(QDialog):
    def __init__(self, parent, text: str = "", guidance: str = "", max_points: float = 10) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tiêu chí chấm điểm")
        form = QFormLayout(self)
        self.text = QPlainTextEdit(text, self)
        self.text.setTabChangesFocus(True)
        self.guidance = QPlainTextEdit(guidance, self)
        self.guidance.setTabChangesFocus(True)
        self.max_points = QDoubleSpinBox(self)
        self.max_points.setRange(0.5, 100)
        self.max_points.setSingleStep(0.5)
        self.max_points.setDecimals(1)
        self.max_points.setValue(max_points)
        form.addRow("Nội dung tiêu chí *", self.text)
        form.addRow("Hướng dẫn chấm", self.guidance)
        form.addRow("Điểm tối đa *", self.max_points)
        buttons = translate_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                                     QDialogButtonBox.StandardButton.Cancel, parent=self))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(620, 360)


def _guarded(parent, action) -> bool:
    """Run a criteria change; if scores exist, ask, then run it again with ``force=True``."""
    try:
        action(False)
        return True
    except crit.ScoresExistError as exc:
        if messages.confirm(parent, str(exc), title="Bộ tiêu chí đã có điểm", danger=True, yes="Vẫn thay đổi",
                            no="Không"):
            try:
                action(True)
                return True
            except Exception as again:  # noqa: BLE001
                show_error(parent, again)
    except Exception as exc:  # noqa: BLE001
        show_error(parent, exc)
    return False


class CriteriaTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.kind_combo = QComboBox(self)
        for code, label in domain.KINDS.items():
            self.kind_combo.addItem(label, code)
        self.kind_combo.currentIndexChanged.connect(self.reload)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold;")
        self.rule = QLabel(self)
        self.rule.setWordWrap(True)
        self.trim = QCheckBox("Bỏ một điểm cao nhất và một điểm thấp nhất khi có từ 5 thành viên chấm", self)
        self.trim.clicked.connect(self.toggle_trim)
        self.model = CriteriaTableModel(self)
        self.view = _table(self.model, self)
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(0, 40)
        self.view.setColumnWidth(3, 90)
        self.view.doubleClicked.connect(lambda _: self.edit())
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Bộ tiêu chí cho:", self))
        buttons.addWidget(self.kind_combo)
        for text, slot in (("Thêm tiêu chí", self.add), ("Sửa", self.edit), ("Xóa", self.delete),
                           ("Chép bộ tiêu chí sang năm sau", self.copy_next)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.rule)
        layout.addWidget(self.trim)

    def set_year(self, year: int) -> None:
        self.year = year
        self.reload()

    def current_set(self):
        return crit.criteria_set_for(self.year, self.kind_combo.currentData())

    def reload(self) -> None:
        if not self.year:
            return
        s = self.current_set()
        self.set_id = s.id
        self.model.set_items(s.criteria)
        self.view.resizeRowsToContents()
        self.title.setText(f"{s.name} — tổng {format_number(s.total_max)} điểm")
        thresholds = "; ".join(f"{t.name}: từ {format_number(t.min_points)} điểm" for t in s.thresholds)
        self.rule.setText(f"Xếp loại: {thresholds}. Được công nhận khi đạt loại «{s.requires_grade}» trở lên.")
        self.trim.setChecked(s.trim_extremes)

    def add(self) -> None:
        dialog = CriterionDialog(self)
        if dialog.exec():
            if _guarded(self, lambda force: crit.add_criterion(self.set_id, dialog.text.toPlainText(),
                                                               dialog.max_points.value(),
                                                               dialog.guidance.toPlainText(), force=force)):
                self.reload()

    def edit(self) -> None:
        row = self.view.currentIndex().row()
        if row < 0:
            return
        item = self.model.items[row]
        dialog = CriterionDialog(self, item.text, item.guidance, item.max_points)
        if dialog.exec() and _guarded(self, lambda force: crit.update_criterion(
                item.id, text=dialog.text.toPlainText(), max_points=dialog.max_points.value(),
                guidance=dialog.guidance.toPlainText(), force=force)):
            self.reload()

    def delete(self) -> None:
        row = self.view.currentIndex().row()
        if row < 0:
            return
        item = self.model.items[row]
        if messages.confirm(self, f"Xóa tiêu chí {item.order}: «{item.text}»?", danger=True, yes="Xóa",
                            no="Không xóa") and _guarded(self, lambda force: crit.delete_criterion(item.id,
                                                                                                 force=force)):
            self.reload()

    def toggle_trim(self, checked: bool) -> None:
        if not _guarded(self, lambda force: crit.update_set(self.set_id, trim_extremes=checked, force=force)):
            self.trim.setChecked(not checked)

    def copy_next(self) -> None:
        target = self.year + 1
        if messages.confirm(self, f"Chép các bộ tiêu chí của năm {self.year} sang năm {target}?"):
            try:
                count = crit.copy_sets_to_year(self.year, target)
            except Exception as exc:  # noqa: BLE001
                show_error(self, exc)
                return
            messages.info(self, f"Đã chép {count} bộ tiêu chí sang năm {target}.")


class MemberDialog(QDialog):
    def __init__(self, parent, name: str = "", title: str = "", role: str = "Ủy viên",
                 field_ids: list[int] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Thành viên hội đồng thẩm định")
        form = QFormLayout(self)
        self.name, self.title, self.role = QLineEdit(name, self), QLineEdit(title, self), QLineEdit(role, self)
        form.addRow("Họ và tên *", self.name)
        form.addRow("Chức vụ", self.title)
        form.addRow("Vai trò", self.role)
        self.fields = QListWidget(self)
        for item in catalogues.list_items("field"):
            entry = QListWidgetItem(item.name, self.fields)
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            entry.setCheckState(Qt.CheckState.Checked if item.id in (field_ids or []) else Qt.CheckState.Unchecked)
        form.addRow("Chỉ chấm các lĩnh vực\n(không chọn = tất cả)", self.fields)
        buttons = translate_buttons(QDialogButtonBox(QDialogButtonBox.StandardButton.Ok |
                                                     QDialogButtonBox.StandardButton.Cancel, parent=self))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, 380)

    def field_ids(self) -> list[int]:
        return [self.fields.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.fields.count())
                if self.fields.item(i).checkState() == Qt.CheckState.Checked]


class CouncilTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.model = MembersTableModel(self)
        self.view = _table(self.model, self)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _: self.edit())
        buttons = QHBoxLayout()
        for text, slot in (("Thêm thành viên", self.add), ("Sửa", self.edit), ("Xóa", self.remove),
                           ("Khai báo xung đột lợi ích…", self.conflict)):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.conflicts = QLabel(self)
        self.conflicts.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.conflicts)

    def set_year(self, year: int) -> None:
        self.year = year
        self.reload()

    def reload(self) -> None:
        self.model.field_names = {f.id: f.name for f in catalogues.list_items("field", include_inactive=True)}
        self.model.set_items(council.council_members(self.year))
        pairs = council.conflicts(self.year)
        names = {m.id: m.name for m in self.model.items}
        models = {m.id: m.name for m in models_to_score(self.year)}
        lines = [f"{names.get(a, '?')} không chấm «{models.get(b, '?')}»" for a, b in sorted(pairs)]
        self.conflicts.setText("Xung đột lợi ích: " + ("; ".join(lines) if lines else "chưa có."))

    def _current(self):
        row = self.view.currentIndex().row()
        return self.model.items[row] if 0 <= row < len(self.model.items) else None

    def add(self) -> None:
        dialog = MemberDialog(self)
        if dialog.exec():
            try:
                council.add_member(self.year, dialog.name.text(), dialog.title.text(), dialog.role.text(),
                                   dialog.field_ids())
            except Exception as exc:  # noqa: BLE001
                show_error(self, exc)
            self.reload()

    def edit(self) -> None:
        member = self._current()
        if member is None:
            return
        dialog = MemberDialog(self, member.name, member.title, member.role, member.field_ids)
        if dialog.exec():
            try:
                council.update_member(member.id, name=dialog.name.text(), title=dialog.title.text(),
                                      role=dialog.role.text(), field_ids=dialog.field_ids())
            except Exception as exc:  # noqa: BLE001
                show_error(self, exc)
            self.reload()

    def remove(self) -> None:
        member = self._current()
        if member and messages.confirm(self, f"Xóa «{member.name}» khỏi hội đồng cùng mọi điểm đã chấm?",
                                       danger=True, yes="Xóa", no="Không xóa"):
            council.remove_member(member.id)
            self.reload()

    def conflict(self) -> None:
        member = self._current()
        if member is None:
            messages.info(self, "Hãy chọn thành viên trước.")
            return
        models = models_to_score(self.year)
        choice = messages.ask_item(self, "Xung đột lợi ích", f"«{member.name}» không chấm mô hình:",
                                   [m.name for m in models])
        if choice is None:
            return
        reason = messages.ask_text(self, "Xung đột lợi ích", "Lý do (ví dụ: là thành viên đơn vị thực hiện):")
        if reason is not None:
            council.declare_conflict(member.id, models[choice].id, reason)
            self.reload()
