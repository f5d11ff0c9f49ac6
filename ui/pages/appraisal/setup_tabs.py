"""Criteria sets and the council of the year."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_app import domain
from desktop_app.appraisal import council
from desktop_app.appraisal import criteria as crit
from desktop_app.appraisal.aggregate import GradeThreshold, check_thresholds, describe_thresholds
from desktop_app.appraisal.scoring import SCORED_STATUSES, models_to_score
from desktop_app.services import catalogues
from desktop_app.services.models import rows_for_ids
from desktop_app.text import clean, format_number

from ... import messages
from ...errors import attempt
from ...messages import translate_buttons
from ...models.appraisal_tables import CriteriaTableModel, MembersTableModel
from ..showing import in_front


def _table(model, parent) -> QTableView:
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(True)
    view.verticalHeader().hide()
    # Row heights follow the wrapped text whenever a column changes width: measured once, before the page had
    # its final width, the first render showed criteria rows several lines too tall.
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
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
        buttons = translate_buttons(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self)
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(620, 360)


class ThresholdsDialog(QDialog):
    """The grades of a set, best first, each with its minimum points, and the grade recognition needs.

    Checked before it closes (names distinct, points descending, within 0..the set's total), so a wrong scale
    never reaches the database; the error stays beside the rows.
    """

    def __init__(self, parent, thresholds: list[GradeThreshold], requires_grade: str, total: float) -> None:
        super().__init__(parent)
        self.setWindowTitle("Ngưỡng xếp loại")
        self.total = total
        self.names: list[QLineEdit] = []
        self.points: list[QDoubleSpinBox] = []
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"Xếp loại theo điểm trung bình, loại cao nhất ở trên (thang "
                f"{format_number(total)} điểm). Mỗi loại: tên và điểm tối thiểu.",
                self,
            )
        )
        self.form = QFormLayout()
        layout.addLayout(self.form)
        for threshold in sorted(thresholds, key=lambda t: -t.min_points):
            self._add_row(threshold.name, threshold.min_points)
        rows = QHBoxLayout()
        more, fewer = QPushButton("Thêm loại", self), QPushButton("Bớt loại cuối", self)
        more.clicked.connect(lambda: (self._add_row("", 0), self._names_changed()))
        fewer.clicked.connect(self._remove_last)
        rows.addWidget(more)
        rows.addWidget(fewer)
        rows.addStretch(1)
        layout.addLayout(rows)
        self.required = QComboBox(self)
        required_row = QFormLayout()
        required_row.addRow("Được công nhận khi đạt từ loại", self.required)
        layout.addLayout(required_row)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        layout.addWidget(self.error)
        self.buttons = translate_buttons(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self)
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._names_changed()
        index = self.required.findText(requires_grade)
        self.required.setCurrentIndex(index if index >= 0 else 0)
        self.resize(460, 320)

    def _add_row(self, name: str, points: float) -> None:
        edit = QLineEdit(name, self)
        edit.textChanged.connect(self._names_changed)
        spin = QDoubleSpinBox(self)
        spin.setRange(0, max(self.total, 0))
        spin.setSingleStep(0.5)
        spin.setDecimals(1)
        spin.setValue(points)
        spin.setSuffix(" điểm")
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(QLabel("từ", self))
        row.addWidget(spin)
        self.form.addRow(f"Loại {len(self.names) + 1}", row)
        self.names.append(edit)
        self.points.append(spin)

    def _remove_last(self) -> None:
        if len(self.names) <= 1:
            return
        self.form.removeRow(self.form.rowCount() - 1)
        self.names.pop()
        self.points.pop()
        self._names_changed()

    def _names_changed(self) -> None:
        """Keep the "recognised from" choice on the same row while grade names are typed."""
        position = self.required.currentIndex()
        self.required.blockSignals(True)
        self.required.clear()
        self.required.addItems([edit.text().strip() or f"Loại {i}" for i, edit in enumerate(self.names, start=1)])
        self.required.setCurrentIndex(min(max(position, 0), self.required.count() - 1))
        self.required.blockSignals(False)

    def thresholds(self) -> list[GradeThreshold]:
        return [GradeThreshold(clean(edit.text()), spin.value()) for edit, spin in zip(self.names, self.points)]

    def requires_grade(self) -> str:
        return clean(self.names[self.required.currentIndex()].text()) if self.names else ""

    def accept(self) -> None:
        try:
            check_thresholds(self.thresholds(), self.total)
        except ValueError as exc:
            self.error.setText(str(exc))
            return
        super().accept()


def _guarded(parent: QWidget, label: str, action: Callable[[bool], object]) -> bool:
    """Run the criteria change ``label``; if scores exist, ask, then run it again with ``force=True``."""
    with attempt(parent, label) as outcome:
        try:
            action(False)
        except crit.ScoresExistError as exc:
            if not messages.confirm(
                parent, str(exc), title="Bộ tiêu chí đã có điểm", danger=True, yes="Vẫn thay đổi", no="Không"
            ):
                return False
            action(True)
    return outcome.ok


class CriteriaTab(QWidget):
    reloaded = Signal()  # after every change: the screen updates its "total ≠ 100" alert

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
        self.total = QLabel(self)
        self.total.setWordWrap(True)
        self.rule = QLabel(self)
        self.rule.setWordWrap(True)
        self.trim = QCheckBox("Bỏ một điểm cao nhất và một điểm thấp nhất khi có từ 5 thành viên chấm", self)
        self.trim.clicked.connect(self.toggle_trim)
        self.table_model = CriteriaTableModel(self)
        self.view = _table(self.table_model, self)
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.view.doubleClicked.connect(lambda _: self.edit())
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Bộ tiêu chí cho:", self))
        buttons.addWidget(self.kind_combo)
        for text, slot in (
            ("Thêm tiêu chí", self.add),
            ("Sửa", self.edit),
            ("Xóa", self.delete),
            ("Ngưỡng xếp loại…", self.edit_thresholds),
            ("Chép bộ tiêu chí sang năm sau", self.copy_next),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.total)
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
        self.table_model.set_items(s.criteria)
        self.view.resizeRowsToContents()
        self.title.setText(f"{s.name} — tổng {format_number(s.total_max)} điểm")
        problem = crit.set_total_problem(s)
        self.total.setText(problem or f"Tổng điểm tối đa: {format_number(s.total_max)} điểm.")
        self.total.setStyleSheet("color: #b00020; font-weight: bold;" if problem else "color: #555;")
        thresholds = describe_thresholds(s.thresholds)
        self.rule.setText(f"Xếp loại: {thresholds}. Được công nhận khi đạt loại «{s.requires_grade}» trở lên.")
        self.trim.setChecked(s.trim_extremes)
        self.reloaded.emit()

    def add(self) -> None:
        dialog = CriterionDialog(self)
        if dialog.exec():
            if _guarded(
                self,
                "Thêm tiêu chí",
                lambda force: crit.add_criterion(
                    self.set_id,
                    dialog.text.toPlainText(),
                    dialog.max_points.value(),
                    dialog.guidance.toPlainText(),
                    force=force,
                ),
            ):
                self.reload()

    def edit(self) -> None:
        row = self.view.currentIndex().row()
        if row < 0:
            return
        item = self.table_model.items[row]
        dialog = CriterionDialog(self, item.text, item.guidance, item.max_points)
        if dialog.exec() and _guarded(
            self,
            "Sửa tiêu chí",
            lambda force: crit.update_criterion(
                item.id,
                text=dialog.text.toPlainText(),
                max_points=dialog.max_points.value(),
                guidance=dialog.guidance.toPlainText(),
                force=force,
            ),
        ):
            self.reload()

    def delete(self) -> None:
        row = self.view.currentIndex().row()
        if row < 0:
            return
        item = self.table_model.items[row]
        if messages.confirm(
            self, f"Xóa tiêu chí {item.order}: «{item.text}»?", danger=True, yes="Xóa", no="Không xóa"
        ) and _guarded(self, "Xóa tiêu chí", lambda force: crit.delete_criterion(item.id, force=force)):
            self.reload()

    def edit_thresholds(self) -> ThresholdsDialog:
        """Open the grade scale of the shown set (window-modal); it is saved when the dialog is accepted."""
        s = self.current_set()
        dialog = ThresholdsDialog(self, s.thresholds, s.requires_grade, s.total_max)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._save_thresholds(s.id, dialog.thresholds(), dialog.requires_grade()))
        dialog.open()
        return dialog

    def _save_thresholds(self, set_id: int, thresholds: list[GradeThreshold], requires_grade: str) -> None:
        if _guarded(
            self,
            "Sửa thang xếp loại",
            lambda force: crit.update_set(set_id, thresholds=thresholds, requires_grade=requires_grade, force=force),
        ):
            self.reload()

    def toggle_trim(self, checked: bool) -> None:
        if not _guarded(
            self,
            "Đổi cách tính điểm trung bình",
            lambda force: crit.update_set(self.set_id, trim_extremes=checked, force=force),
        ):
            self.trim.setChecked(not checked)

    def copy_next(self) -> None:
        target = self.year + 1
        if messages.confirm(self, f"Chép các bộ tiêu chí của năm {self.year} sang năm {target}?"):
            with attempt(self, f"Chép bộ tiêu chí sang năm {target}") as outcome:
                count = crit.copy_sets_to_year(self.year, target)
            if not outcome.ok:
                return
            messages.info(self, f"Đã chép {count} bộ tiêu chí sang năm {target}.")


class MemberDialog(QDialog):
    def __init__(
        self, parent, name: str = "", title: str = "", role: str = "Ủy viên", field_ids: list[int] | None = None
    ) -> None:
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
        buttons = translate_buttons(
            QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self)
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.resize(520, 380)

    def field_ids(self) -> list[int]:
        return [
            self.fields.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.fields.count())
            if self.fields.item(i).checkState() == Qt.CheckState.Checked
        ]


class CouncilTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.year = 0
        self.table_model = MembersTableModel(self)
        self.view = _table(self.table_model, self)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _: self.edit())
        buttons = QHBoxLayout()
        for text, slot in (
            ("Thêm thành viên", self.add),
            ("Sửa", self.edit),
            ("Xóa", self.remove),
            ("Khai báo xung đột lợi ích…", self.conflict),
        ):
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
        if in_front(self):  # the appraisal screen reloads the tab when it is shown
            self.reload()

    def reload(self) -> None:
        self.table_model.field_names = {f.id: f.name for f in catalogues.list_items("field", include_inactive=True)}
        self.table_model.set_items(council.council_members(self.year))
        pairs = council.conflicts(self.year)
        names = {m.id: m.name for m in self.table_model.items}
        # Only the models named in a conflict (a year's list of models to score is thousands of rows).
        models = {m.id: m.name for m in rows_for_ids(sorted({b for _, b in pairs})) if m.status in SCORED_STATUSES}
        lines = [f"{names.get(a, '?')} không chấm «{models.get(b, '?')}»" for a, b in sorted(pairs)]
        self.conflicts.setText("Xung đột lợi ích: " + ("; ".join(lines) if lines else "chưa có."))

    def _current(self):
        row = self.view.currentIndex().row()
        return self.table_model.items[row] if 0 <= row < len(self.table_model.items) else None

    def add(self) -> None:
        dialog = MemberDialog(self)
        if dialog.exec():
            with attempt(self, "Thêm thành viên hội đồng"):
                council.add_member(
                    self.year, dialog.name.text(), dialog.title.text(), dialog.role.text(), dialog.field_ids()
                )
            self.reload()

    def edit(self) -> None:
        member = self._current()
        if member is None:
            return
        dialog = MemberDialog(self, member.name, member.title, member.role, member.field_ids)
        if dialog.exec():
            with attempt(self, "Sửa thành viên hội đồng"):
                council.update_member(
                    member.id,
                    name=dialog.name.text(),
                    title=dialog.title.text(),
                    role=dialog.role.text(),
                    field_ids=dialog.field_ids(),
                )
            self.reload()

    def remove(self) -> None:
        member = self._current()
        if member and messages.confirm(
            self,
            f"Xóa «{member.name}» khỏi hội đồng? Thành viên cùng mọi điểm đã chấm được chuyển vào «Thùng rác», "
            "có thể khôi phục từ mục «Thùng rác».",
            danger=True,
            yes="Xóa",
            no="Không xóa",
        ):
            with attempt(self, "Xóa thành viên hội đồng"):  # refused while the year's decision is locked
                council.remove_member(member.id)
            self.reload()

    def conflict(self) -> None:
        member = self._current()
        if member is None:
            messages.info(self, "Hãy chọn thành viên trước.")
            return
        models = models_to_score(self.year)
        choice = messages.ask_item(
            self, "Xung đột lợi ích", f"«{member.name}» không chấm mô hình:", [m.name for m in models]
        )
        if choice is None:
            return
        reason = messages.ask_text(self, "Xung đột lợi ích", "Lý do (ví dụ: là thành viên đơn vị thực hiện):")
        if reason is not None:
            council.declare_conflict(member.id, models[choice].id, reason)
            self.reload()
