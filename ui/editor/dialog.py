"""The model editor: every registration field, results, evidence, status and links, keyboard first."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import domain, registration
from desktop_app.errors import ValidationError
from desktop_app.registration import RegistrationField
from desktop_app.services import catalogues, units
from desktop_app.services.models import (
    IndicatorError,
    ModelDetail,
    ModelInput,
    ModelRow,
    create_model,
    get_model,
    similar_names,
    update_model,
)
from desktop_app.tasks import TaskState

from ..errors import attempt
from ..worker import run_job
from .field_undo import watch_editor
from .fold_completer import install_fold_completer
from .history_tab import HistoryTab
from .indicators import CATEGORY_COLUMN, COLUMN_OF, CategoryDelegate, IndicatorTableModel
from .progress_tab import ProgressTab
from .side_tabs import AttachmentsTab, LinksTab, StatusTab
from .unsaved import CONTINUE, DISCARD, SAVE, ask_unsaved_changes  # noqa: F401 - tests patch it here

ERROR_STYLE = "color: #b00020;"


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


class ModelEditorDialog(QDialog):
    saved = Signal(int)

    def __init__(self, parent: QWidget | None, model_id: int | None, year: int) -> None:
        super().__init__(parent)
        self.model_id = model_id
        self.year = year
        self.dirty = False
        self._version: int | None = None  # the loaded row's version, handed back on save (a stale save is refused)
        self.errors: dict[str, QLabel] = {}
        self._shown: dict[QLabel, str] = {}  # error label → key of the field whose error it shows
        self.inputs: dict[str, QWidget] = {}  # registration field → its input, built from the registry
        self.person_boxes: list[QGroupBox] = []  # an điển hình's own fields, hidden for a tập thể
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._general_tab(), "Thông tin chung")
        self.tabs.addTab(self._content_tab(), "Nội dung đăng ký")
        self.tabs.addTab(self._results_tab(), "Kết quả")
        self.attachments = AttachmentsTab(self)
        self.attachments.changed.connect(self._reload_side_tabs)
        self.tabs.addTab(self.attachments, "Minh chứng")
        self.status_tab = StatusTab(self)
        self.status_tab.changed.connect(self._status_changed)
        self.tabs.addTab(self.status_tab, "Trạng thái")
        # Progress reports are written at once, as evidence files are: not through «Lưu», not unsaved edits.
        self.progress_tab = ProgressTab(self)
        self.progress_tab.changed.connect(self._reload_side_tabs)
        self.tabs.addTab(self.progress_tab, "Tiến độ")
        self.links = LinksTab(self)
        self.links.edited.connect(self._mark_dirty)
        self.links.edited.connect(lambda: (self._clear_error("continues_id"), self._clear_error("replicates_id")))
        self.tabs.addTab(self.links, "Liên kết")
        self.history_tab = HistoryTab(self)
        self.tabs.addTab(self.history_tab, "Lịch sử")

        buttons = QDialogButtonBox(self)
        self.save_button = buttons.addButton("Lưu (Ctrl+S)", QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_close_button = buttons.addButton("Lưu và đóng", QDialogButtonBox.ButtonRole.AcceptRole)
        close_button = buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.save_close_button.clicked.connect(self.save_and_close)
        close_button.clicked.connect(self.reject)
        self.save_close_button.setDefault(False)
        self.save_close_button.setAutoDefault(False)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)
        # Ctrl+Z / Ctrl+Y take back and redo field edits, whichever field has the focus (see field_undo).
        self.undo = watch_editor(self)
        self.undo.stack.cleanChanged.connect(self._clean_changed)
        self.undo.applied.connect(self._undone)
        bottom = QHBoxLayout()
        for button in self.undo.buttons(self):
            bottom.addWidget(button)
        bottom.addWidget(buttons, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addLayout(bottom)
        self.resize(900, 680)
        self._dup_timer = QTimer(self, singleShot=True, interval=250)
        self._dup_request = 0  # the newest similar-name check asked of the worker
        self._dup_timer.timeout.connect(self._check_duplicates)
        with self.undo.loading():
            self._load()

    # ------------------------------------------------------------------ building the tabs
    def _general_tab(self) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        self.name = QLineEdit(page)
        self.name.setPlaceholderText("Tên mô hình, điển hình “Dân vận khéo”")
        self.name.textEdited.connect(lambda: self._dup_timer.start())
        self.duplicates = QLabel(page)
        self.duplicates.setStyleSheet("color: #8a5a00;")
        self.duplicates.setWordWrap(True)
        self.duplicates.hide()
        form.addRow("Tên mô hình, điển hình *", self.name)
        form.addRow("", self.duplicates)
        self._add_error(form, "name")
        self.kind = QComboBox(page)
        for code, label in domain.KINDS.items():
            self.kind.addItem(label, code)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        form.addRow("Loại *", self.kind)
        self.year_edit = QLineEdit(page)
        self.year_edit.setMaxLength(4)
        form.addRow("Năm *", self.year_edit)
        self._add_error(form, "year")
        self.field = QComboBox(page)
        form.addRow("Lĩnh vực *", self.field)
        self._add_error(form, "field")
        self.level = QComboBox(page)
        form.addRow("Cấp", self.level)
        self.unit = QComboBox(page)
        self.unit.setEditable(True)
        self.unit.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.unit_completer = install_fold_completer(self.unit)
        self.unit.lineEdit().setPlaceholderText("Gõ vài chữ để tìm đơn vị (không dấu cũng được)…")
        form.addRow("Đơn vị thực hiện", self.unit)
        self._add_error(form, "unit")
        self._add_inputs(form, page, registration.GENERAL)
        # Fields the dialog's users (tests, screenshots) reach by name.
        self.address = self.inputs["address"]
        self.honorific = self.inputs["person_honorific"]
        self.person = {
            spec.name: self.inputs[spec.name]
            for spec in registration.on_tab(registration.GENERAL)
            if spec.individual_only
        }
        self.person_box = self.person_boxes[0]
        for widget in (self.name, self.year_edit):
            widget.textEdited.connect(self._mark_dirty)
        for combo in (self.kind, self.field, self.level, self.unit):
            combo.currentIndexChanged.connect(self._mark_dirty)
        # Correcting a field takes its error away at once (not only at the next save).
        for key, signal in (
            ("name", self.name.textEdited),
            ("year", self.year_edit.textEdited),
            ("field", self.field.currentIndexChanged),
            ("level", self.level.currentIndexChanged),
            ("unit", self.unit.currentIndexChanged),
            ("unit", self.unit.lineEdit().textEdited),
            ("kind", self.kind.currentIndexChanged),
        ):
            signal.connect(lambda *_args, k=key: self._clear_error(k))
        return page

    def _content_tab(self) -> QWidget:
        inner = QWidget(self)
        form = QFormLayout(inner)
        self._add_inputs(form, inner, registration.CONTENT)
        self.start_date, self.end_date = self.inputs["start_date"], self.inputs["end_date"]
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _results_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        fields = QFormLayout()
        fields.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)  # label above: the text as wide as the tab
        layout.addLayout(fields)
        self._add_inputs(fields, page, registration.RESULTS, text_height=90)
        hint = QLabel(
            "Chỉ tiêu, kết quả đo được (số tiền ghi bằng đồng, có thể gõ «88 triệu»); "
            "chọn «Loại chỉ tiêu» để báo cáo thống kê cộng các chỉ tiêu cùng loại:",
            page,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.indicators = IndicatorTableModel(self)
        self.indicators.edited.connect(self._mark_dirty)
        self.indicators.edited.connect(lambda: self._clear_error("indicators"))
        self.indicator_view = QTableView(page)
        self.indicator_view.setModel(self.indicators)
        self.indicator_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.category_delegate = CategoryDelegate(self.indicators, self.indicator_view)
        self.indicator_view.setItemDelegateForColumn(CATEGORY_COLUMN, self.category_delegate)
        for column, width in ((1, 100), (2, 110), (3, 110), (CATEGORY_COLUMN, 210), (5, 130)):
            self.indicator_view.setColumnWidth(column, width)
        self.indicator_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        layout.addWidget(self.indicator_view, 1)
        self.indicator_error = _error_label(page)
        self.errors["indicators"] = self.indicator_error
        self.indicators.invalid.connect(self._indicator_refused)
        layout.addWidget(self.indicator_error)
        row = QHBoxLayout()
        add, remove = QPushButton("Thêm chỉ tiêu", page), QPushButton("Xóa chỉ tiêu", page)
        add.clicked.connect(self._add_indicator)
        remove.clicked.connect(lambda: self.indicators.remove_row(self.indicator_view.currentIndex().row()))
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _add_error(self, form: QFormLayout, key: str) -> None:
        label = _error_label(form.parentWidget())
        self.errors[key] = label
        form.addRow("", label)

    def _add_inputs(self, form: QFormLayout, page: QWidget, tab: registration.Tab, text_height: int = 62) -> None:
        """The tab's registration fields, in the registry's order, each with its error just below it.

        An điển hình's own fields go into one box placed where the first of them falls; fields
        sharing a ``row`` stand side by side (Từ ngày … đến ngày …).
        """
        box_form: QFormLayout | None = None
        shared: dict[str, tuple[QHBoxLayout, QLabel]] = {}
        lines: list[QHBoxLayout] = []
        for spec in registration.on_tab(tab):
            target, owner = form, page
            if spec.individual_only:
                if box_form is None:
                    self.person_boxes.append(QGroupBox("Cá nhân điển hình", page))
                    box_form = QFormLayout(self.person_boxes[-1])
                    form.addRow(self.person_boxes[-1])
                target, owner = box_form, self.person_boxes[-1]
            widget = self._input(spec, owner, text_height)
            if spec.row in shared:
                line, error = shared[spec.row]
            else:
                cell = QWidget(owner)
                column = QVBoxLayout(cell)
                column.setContentsMargins(0, 0, 0, 0)
                line = QHBoxLayout()
                column.addLayout(line)
                error = _error_label(cell)
                column.addWidget(error)
                target.addRow(spec.row or spec.short_label or spec.label, cell)
                lines.append(line)
                if spec.row:
                    shared[spec.row] = (line, error)
            if spec.row and spec.short_label:
                line.addWidget(QLabel(spec.short_label, owner))
            narrow = isinstance(widget, QComboBox) or spec.kind in (registration.DATE, registration.YEAR)
            line.addWidget(widget, 0 if narrow else 1)
            self.inputs[spec.name] = widget
            self.errors[spec.name] = error
        for line in lines:  # a row of narrow inputs keeps them at the left
            if not any(line.stretch(index) for index in range(line.count())):
                line.addStretch(1)

    def _input(self, spec: RegistrationField, owner: QWidget, text_height: int) -> QWidget:
        """The input for one registration field; editing it marks the dialog dirty and clears its error."""

        def edited(*_args: object) -> None:
            self._mark_dirty()
            self._clear_error(spec.name)

        if spec.kind == registration.TEXT:
            text = QPlainTextEdit(owner)
            text.setTabChangesFocus(True)
            text.setFixedHeight(text_height)
            # Fixed, not the editor's Expanding: an expanding box made its form row swallow the tab's spare
            # height, leaving its label far above the box.
            text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            text.textChanged.connect(edited)
            return text
        if spec.kind == registration.CHOICE:
            combo = QComboBox(owner)
            combo.addItem("(chưa chọn)", "")
            for choice in spec.choices:
                combo.addItem(choice, choice)
            combo.setToolTip(spec.hint)
            combo.currentIndexChanged.connect(edited)
            return combo
        line = QLineEdit(owner)
        if spec.kind == registration.DATE:
            line.setPlaceholderText("dd/mm/yyyy")
            line.setMaximumWidth(140)
        elif spec.kind == registration.YEAR:
            line.setMaximumWidth(80)
        else:
            line.setPlaceholderText(spec.hint)
        if spec.max_length:
            line.setMaxLength(spec.max_length)
        line.textEdited.connect(edited)
        return line

    # ------------------------------------------------------------------ loading
    def _fill_catalogues(self) -> None:
        for combo, items, empty in (
            (self.field, catalogues.list_items("field"), "— chọn lĩnh vực —"),
            (self.level, catalogues.list_items("level"), "(không ghi)"),
        ):
            combo.clear()
            combo.addItem(empty, None)
            for item in items:
                combo.addItem(item.name, item.id)
        self.unit.clear()
        self.unit.addItem("", None)
        for unit in units.list_units(include_inactive=False):
            self.unit.addItem(unit.name, unit.id)
        self.indicators.set_categories(catalogues.list_items("indicator_category", include_inactive=True))

    def _load(self) -> None:
        self._fill_catalogues()
        detail = get_model(self.model_id) if self.model_id else None
        data = detail.data if detail else ModelInput(name="", year=self.year, field_id=None)
        self.setWindowTitle(f"Sửa: {data.name}" if detail else "Thêm mô hình, điển hình")
        self.name.setText(data.name)
        self.year_edit.setText(str(data.year or ""))
        for combo, value in (
            (self.kind, data.kind),
            (self.field, data.field_id),
            (self.level, data.level_id),
            (self.unit, data.unit_id),
        ):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        for spec in registration.FIELDS:
            widget, value = self.inputs[spec.name], getattr(data, spec.name)
            if isinstance(widget, QPlainTextEdit):
                widget.setPlainText(spec.to_text(value))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value or ""), 0))
            elif isinstance(widget, QLineEdit):
                widget.setText(spec.to_text(value))
        self.indicators.set_rows(detail.indicators if detail else [])
        self._load_side_tabs(detail)
        self._kind_changed()
        self._clear_errors()
        self.dirty = False
        self.name.setFocus()

    def _load_side_tabs(self, detail: ModelDetail | None) -> None:
        # The version the fields on screen were loaded from (or just saved as): what a save hands back.
        self._version = detail.data.version if detail else None
        self.attachments.load(detail)
        self.status_tab.load(detail)
        self.links.load(detail, self.year)
        self.progress_tab.load(detail.row.id if detail else None, detail.row.year if detail else self.year)
        self.history_tab.load(detail.row.uuid if detail else None)

    def _reload_side_tabs(self) -> None:
        if self.model_id:
            detail = get_model(self.model_id)
            self.attachments.load(detail)
            self.status_tab.load(detail)
            self.history_tab.load(detail.row.uuid)

    def _status_changed(self) -> None:
        before = self._version
        self._reload_side_tabs()
        if self.model_id and before is not None:
            # This dialog's own status change raised the version by one; anything more is someone
            # else's save, which the next save of these fields must still be refused over.
            now_at = get_model(self.model_id).data.version
            if now_at == before + 1:
                self._version = now_at
        self.saved.emit(self.model_id)

    # ------------------------------------------------------------------ behaviour
    def _mark_dirty(self, *_args) -> None:
        self.dirty = True

    def _clean_changed(self, clean: bool) -> None:
        # Every edit is an undo step, so undoing back to what was loaded or saved leaves nothing unsaved.
        self.dirty = not clean

    def _undone(self, key: str) -> None:
        """An undo or redo changed this field: as after an edit, its error goes and a name is checked again."""
        self._clear_error(key)
        if key == "name":
            self._dup_timer.start()

    def _kind_changed(self) -> None:
        for box in self.person_boxes:
            box.setVisible(self.kind.currentData() == domain.KIND_INDIVIDUAL)

    def _add_indicator(self) -> None:
        row = self.indicators.add_row()
        index = self.indicators.index(row, 0)
        self.indicator_view.setCurrentIndex(index)
        self.indicator_view.edit(index)

    def _check_duplicates(self) -> None:
        """Look for similar names on the database thread: typing never waits for it.  Answers may come back
        after the name was typed on; only the newest request's is shown, a stale one never."""
        try:
            year = int(self.year_edit.text())
        except ValueError:
            year = self.year
        self._dup_request += 1
        request = self._dup_request
        run_job(
            self,
            _similar_names,
            year,
            self.name.text(),
            self.model_id,
            progress=False,
            on_done=lambda hits: self._show_duplicates(request, hits),
            # The warning is advice: a failed check (a busy file) shows nothing; a bug is logged by the worker.
            on_error=lambda _exc: None,
        )

    def _show_duplicates(self, request: int, hits: list[ModelRow]) -> None:
        if request != self._dup_request or not shiboken6.isValid(self.duplicates):
            return  # a newer name was asked about since, or the dialog is gone
        if hits:
            self.duplicates.setText(
                "Có thể trùng với: " + "; ".join(f"«{h.name}» — {h.unit or 'chưa có đơn vị'}" for h in hits)
            )
        self.duplicates.setVisible(bool(hits))

    def _typed(self, name: str) -> object:
        """What the user left in a registration field's input; dates and years go to the core as typed."""
        widget = self.inputs[name]
        if isinstance(widget, QPlainTextEdit):
            return widget.toPlainText()
        if isinstance(widget, QComboBox):
            return widget.currentData() or ""
        return widget.text() if isinstance(widget, QLineEdit) else ""

    def collect(self) -> ModelInput:
        year_text = self.year_edit.text().strip()
        return ModelInput(
            # Anything but plain digits goes to the core as typed, which answers in Vietnamese
            # (int() would answer in English).
            name=self.name.text(),
            year=int(year_text) if year_text.isdecimal() else year_text or 0,
            kind=self.kind.currentData(),
            field_id=self.field.currentData(),
            level_id=self.level.currentData(),
            unit_id=self._unit_id(),
            continues_id=self.links.links["continues_id"],
            replicates_id=self.links.links["replicates_id"],
            indicators=self.indicators.rows(),
            version=self._version,
            **{name: self._typed(name) for name in registration.NAMES},
        )

    def _unit_id(self) -> int | None:
        """The unit the user picked or typed; typed names are matched ignoring diacritics and case."""
        text = self.unit.currentText().strip()
        if not text:
            return None
        if self.unit.currentIndex() > 0 and self.unit.itemText(self.unit.currentIndex()) == text:
            return self.unit.currentData()
        found = units.find_unit(text)
        if found is None:
            raise ValidationError(
                "Đơn vị thực hiện",
                f"«{text}» chưa có trong danh mục đơn vị; hãy chọn trong danh sách hoặc thêm đơn vị ở mục Danh mục.",
                key="unit",
            )
        return found.id

    def _show_error(self, key: str, text: str) -> None:
        label = self.errors.get(key) or self.errors["name"]
        label.setText(text)
        label.show()
        self._shown[label] = key

    def _clear_error(self, key: str) -> None:
        """Hide the error shown for ``key`` (the user is correcting that field)."""
        for label, shown_for in list(self._shown.items()):
            if shown_for == key:
                label.hide()
                label.clear()
                del self._shown[label]

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
            label.clear()
        self._shown.clear()

    def _indicator_refused(self, text: str, row: int, column: int) -> None:
        self._show_error("indicators", text)
        self.indicator_view.setCurrentIndex(self.indicators.index(row, column))

    def save(self) -> bool:
        self._clear_errors()
        with attempt(self, "Lưu mô hình, điển hình") as outcome:
            try:
                data = self.collect()
                if self.model_id:
                    update_model(self.model_id, data)
                else:
                    self.model_id = create_model(data)
            except ValidationError as err:  # shown beside its field, not in a message box
                self._focus_error(err)
                return False
        if not outcome.ok:
            return False
        self.dirty = False
        self.undo.saved()
        self.year = data.year
        self.setWindowTitle(f"Sửa: {self.name.text().strip()}")
        self._load_side_tabs(get_model(self.model_id))
        self.saved.emit(self.model_id)
        return True

    def _focus_error(self, err: ValidationError) -> None:
        key = err.key
        if isinstance(err, IndicatorError):  # the row and column matter: name them and go to the cell
            message = str(err)
            index = self.indicators.index(err.row, COLUMN_OF.get(err.column, 0))
            self.indicator_view.setCurrentIndex(index)
            self.indicator_view.scrollTo(index)
        elif key in self.errors:
            message = err.message[:1].upper() + err.message[1:]
        else:
            message = str(err)
        self._show_error(key, message)
        widget = {
            "name": self.name,
            "year": self.year_edit,
            "field": self.field,
            "unit": self.unit,
            "level": self.level,
            "kind": self.kind,
            **self.inputs,
            "indicators": self.indicator_view,
        }.get(key, self.name)
        page = widget
        while page is not None and self.tabs.indexOf(page) < 0:
            page = page.parentWidget()
        if page is not None:
            self.tabs.setCurrentWidget(page)
        widget.setFocus()

    def save_and_close(self) -> None:
        if self.save():
            super().accept()

    def accept(self) -> None:  # Enter in a line edit must not close the dialog silently
        self.save()

    def reject(self) -> None:
        """Esc, «Đóng» or the window's close box.  Unsaved work is never lost by a key press."""
        if self.dirty:
            answer = ask_unsaved_changes(self)
            if answer == CONTINUE:
                return
            if answer == SAVE:
                if self.save():
                    super().accept()
                return  # a refused save shows its error at the field and keeps the dialog open
        super().reject()


def _similar_names(_task: TaskState, year: int, name: str, exclude_id: int | None) -> list[ModelRow]:
    return similar_names(year, name, exclude_id=exclude_id)
