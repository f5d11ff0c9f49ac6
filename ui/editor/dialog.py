"""The model editor: every registration field, results, evidence, status and links, keyboard first."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPlainTextEdit, QPushButton,
                               QScrollArea, QTableView, QTabWidget, QVBoxLayout, QWidget)

from desktop_app import domain
from desktop_app.errors import ValidationError
from desktop_app.services import catalogues, units
from desktop_app.services.models import (LINE_FIELDS, TEXT_FIELDS, IndicatorError, ModelDetail, ModelInput,
                                         create_model, get_model, similar_names, update_model)
from desktop_app.text import ImpossibleDate, format_date, parse_date

from ..worker import show_error
from .fold_completer import install_fold_completer
from .indicators import COLUMN_OF, IndicatorTableModel
from .side_tabs import AttachmentsTab, LinksTab, StatusTab
from .unsaved import CONTINUE, DISCARD, SAVE, ask_unsaved_changes  # noqa: F401 - tests patch it here

CONTENT_KEYS = ("situation", "objectives", "content", "area", "forces", "resources", "milestones", "outputs",
                "sustainability")
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
        self.errors: dict[str, QLabel] = {}
        self._shown: dict[QLabel, str] = {}  # error label → key of the field whose error it shows
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
        self.links = LinksTab(self)
        self.links.edited.connect(self._mark_dirty)
        self.links.edited.connect(lambda: (self._clear_error("continues_id"), self._clear_error("replicates_id")))
        self.tabs.addTab(self.links, "Liên kết")

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

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
        self.resize(900, 680)
        self._dup_timer = QTimer(self, singleShot=True, interval=250)
        self._dup_timer.timeout.connect(self._check_duplicates)
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
        self.address = QLineEdit(page)
        self.address.setPlaceholderText("Địa chỉ cụ thể: thôn, xã…")
        form.addRow("Địa chỉ cụ thể", self.address)
        self.person_box = QGroupBox("Cá nhân điển hình", page)
        person_form = QFormLayout(self.person_box)
        self.person: dict[str, QLineEdit] = {}
        # Ông / Bà beside the name: a certificate reads "Tặng Ông Nguyễn Văn Tám".
        self.honorific = QComboBox(self.person_box)
        self.honorific.addItem("(chưa chọn)", "")
        for honorific in domain.HONORIFICS:
            self.honorific.addItem(honorific, honorific)
        self.honorific.setToolTip("Danh xưng in trên giấy khen: «Tặng Ông …» / «Tặng Bà …»")
        for key, label in (("person_name", "Họ và tên"), ("person_birth_year", "Năm sinh"),
                           ("person_position", "Chức vụ"), ("person_address", "Địa chỉ")):
            self.person[key] = QLineEdit(self.person_box)
            if key == "person_name":
                name_row = QHBoxLayout()
                name_row.addWidget(self.honorific)
                name_row.addWidget(self.person[key], 1)
                person_form.addRow(label, name_row)
            else:
                person_form.addRow(label, self.person[key])
        self.person_errors = _error_label(self.person_box)
        self.errors["person_birth_year"] = self.person_errors
        self.errors["person_honorific"] = self.person_errors
        person_form.addRow("", self.person_errors)
        form.addRow(self.person_box)
        self.lead: dict[str, QLineEdit] = {}
        for key in ("lead_name", "lead_position", "lead_phone"):
            self.lead[key] = QLineEdit(page)
            form.addRow(LINE_FIELDS[key], self.lead[key])
        for widget in [self.name, self.year_edit, self.address, *self.person.values(), *self.lead.values()]:
            widget.textEdited.connect(self._mark_dirty)
        for combo in (self.kind, self.field, self.level, self.unit, self.honorific):
            combo.currentIndexChanged.connect(self._mark_dirty)
        # Correcting a field takes its error away at once (not only at the next save).
        for key, signal in (("name", self.name.textEdited), ("year", self.year_edit.textEdited),
                            ("field", self.field.currentIndexChanged), ("level", self.level.currentIndexChanged),
                            ("unit", self.unit.currentIndexChanged), ("unit", self.unit.lineEdit().textEdited),
                            ("kind", self.kind.currentIndexChanged),
                            ("person_birth_year", self.person["person_birth_year"].textEdited),
                            ("person_honorific", self.honorific.currentIndexChanged)):
            signal.connect(lambda *_args, k=key: self._clear_error(k))
        return page

    def _content_tab(self) -> QWidget:
        inner = QWidget(self)
        form = QFormLayout(inner)
        self.texts: dict[str, QPlainTextEdit] = {}
        for key in CONTENT_KEYS:
            edit = QPlainTextEdit(inner)
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(62)
            edit.textChanged.connect(self._mark_dirty)
            self.texts[key] = edit
            form.addRow(TEXT_FIELDS[key], edit)
            if key == "resources":
                self.start_date, self.end_date = QLineEdit(inner), QLineEdit(inner)
                for date_edit, date_key in ((self.start_date, "start_date"), (self.end_date, "end_date")):
                    date_edit.setPlaceholderText("dd/mm/yyyy")
                    date_edit.setMaximumWidth(140)
                    date_edit.textEdited.connect(self._mark_dirty)
                    date_edit.textEdited.connect(lambda *_args, k=date_key: self._clear_error(k))
                dates = QHBoxLayout()
                dates.addWidget(QLabel("Từ ngày"))
                dates.addWidget(self.start_date)
                dates.addWidget(QLabel("đến ngày"))
                dates.addWidget(self.end_date)
                dates.addStretch(1)
                form.addRow("Thời gian thực hiện", dates)
                self._add_error(form, "end_date")
                self.errors["start_date"] = self.errors["end_date"]
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        return scroll

    def _results_tab(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(TEXT_FIELDS["result_text"], page))
        self.result_text = QPlainTextEdit(page)
        self.result_text.setTabChangesFocus(True)
        self.result_text.setFixedHeight(90)
        self.result_text.textChanged.connect(self._mark_dirty)
        layout.addWidget(self.result_text)
        layout.addWidget(QLabel("Chỉ tiêu, kết quả đo được (số tiền ghi bằng đồng, có thể gõ «88 triệu»):", page))
        self.indicators = IndicatorTableModel(self)
        self.indicators.edited.connect(self._mark_dirty)
        self.indicators.edited.connect(lambda: self._clear_error("indicators"))
        self.indicator_view = QTableView(page)
        self.indicator_view.setModel(self.indicators)
        self.indicator_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in ((1, 110), (2, 120), (3, 120), (4, 150)):
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

    # ------------------------------------------------------------------ loading
    def _fill_catalogues(self) -> None:
        for combo, items, empty in ((self.field, catalogues.list_items("field"), "— chọn lĩnh vực —"),
                                    (self.level, catalogues.list_items("level"), "(không ghi)")):
            combo.clear()
            combo.addItem(empty, None)
            for item in items:
                combo.addItem(item.name, item.id)
        self.unit.clear()
        self.unit.addItem("", None)
        for unit in units.list_units(include_inactive=False):
            self.unit.addItem(unit.name, unit.id)

    def _load(self) -> None:
        self._fill_catalogues()
        detail = get_model(self.model_id) if self.model_id else None
        data = detail.data if detail else ModelInput(name="", year=self.year, field_id=None)
        self.setWindowTitle(f"Sửa: {data.name}" if detail else "Thêm mô hình, điển hình")
        self.name.setText(data.name)
        self.year_edit.setText(str(data.year or ""))
        for combo, value in ((self.kind, data.kind), (self.field, data.field_id), (self.level, data.level_id),
                             (self.unit, data.unit_id)):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.address.setText(data.address)
        for key, edit in self.person.items():
            value = getattr(data, key)
            edit.setText("" if value is None else str(value))
        self.honorific.setCurrentIndex(max(self.honorific.findData(data.person_honorific), 0))
        for key, edit in self.lead.items():
            edit.setText(getattr(data, key))
        for key, edit in self.texts.items():
            edit.setPlainText(getattr(data, key))
        self.start_date.setText(format_date(data.start_date))
        self.end_date.setText(format_date(data.end_date))
        self.result_text.setPlainText(data.result_text)
        self.indicators.set_rows(detail.indicators if detail else [])
        self._load_side_tabs(detail)
        self._kind_changed()
        self._clear_errors()
        self.dirty = False
        self.name.setFocus()

    def _load_side_tabs(self, detail: ModelDetail | None) -> None:
        self.attachments.load(detail)
        self.status_tab.load(detail)
        self.links.load(detail, self.year)

    def _reload_side_tabs(self) -> None:
        if self.model_id:
            detail = get_model(self.model_id)
            self.attachments.load(detail)
            self.status_tab.load(detail)

    def _status_changed(self) -> None:
        self._reload_side_tabs()
        self.saved.emit(self.model_id)

    # ------------------------------------------------------------------ behaviour
    def _mark_dirty(self, *_args) -> None:
        self.dirty = True

    def _kind_changed(self) -> None:
        self.person_box.setVisible(self.kind.currentData() == domain.KIND_INDIVIDUAL)

    def _add_indicator(self) -> None:
        row = self.indicators.add_row()
        index = self.indicators.index(row, 0)
        self.indicator_view.setCurrentIndex(index)
        self.indicator_view.edit(index)

    def _check_duplicates(self) -> None:
        try:
            year = int(self.year_edit.text())
        except ValueError:
            year = self.year
        hits = similar_names(year, self.name.text(), exclude_id=self.model_id)
        if hits:
            self.duplicates.setText("Có thể trùng với: " + "; ".join(f"«{h.name}» — {h.unit or 'chưa có đơn vị'}"
                                                                     for h in hits))
        self.duplicates.setVisible(bool(hits))

    @staticmethod
    def _date(edit: QLineEdit, label: str, key: str) -> date | None:
        """The typed day, or a Vietnamese message naming what is wrong with it."""
        try:
            return parse_date(edit.text())
        except ImpossibleDate as exc:  # written right, but no such day: say why, not how to write
            raise ValidationError(label, f"{exc}.", key=key) from None
        except ValueError as exc:
            raise ValidationError(label, f"{exc}; hãy ghi theo dạng dd/mm/yyyy, ví dụ 15/10/2024.",
                                  key=key) from None

    def collect(self) -> ModelInput:
        start = self._date(self.start_date, "Từ ngày", "start_date")
        end = self._date(self.end_date, "Đến ngày", "end_date")
        year_text = self.year_edit.text().strip()
        return ModelInput(
            # Anything but plain digits goes to the core as typed, which answers in Vietnamese
            # (int() would answer in English).
            name=self.name.text(), year=int(year_text) if year_text.isdecimal() else year_text or 0,
            kind=self.kind.currentData(), field_id=self.field.currentData(), level_id=self.level.currentData(),
            unit_id=self._unit_id(), address=self.address.text(),
            start_date=start, end_date=end, result_text=self.result_text.toPlainText(),
            continues_id=self.links.links["continues_id"], replicates_id=self.links.links["replicates_id"],
            indicators=self.indicators.rows(),
            **{key: edit.toPlainText() for key, edit in self.texts.items()},
            **{key: edit.text() for key, edit in self.lead.items()},
            **{key: edit.text() for key, edit in self.person.items() if key != "person_birth_year"},
            person_birth_year=self.person["person_birth_year"].text() or None,
            person_honorific=self.honorific.currentData() or "",
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
            raise ValidationError("Đơn vị thực hiện", f"«{text}» chưa có trong danh mục đơn vị; hãy chọn trong "
                                  "danh sách hoặc thêm đơn vị ở mục Danh mục.", key="unit")
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
        try:
            data = self.collect()
            if self.model_id:
                update_model(self.model_id, data)
            else:
                self.model_id = create_model(data)
        except ValidationError as err:
            self._focus_error(err)
            return False
        except Exception as exc:  # noqa: BLE001 - known errors shown, bugs logged
            show_error(self, exc)
            return False
        self.dirty = False
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
        widget = {"name": self.name, "year": self.year_edit, "field": self.field, "unit": self.unit,
                  "level": self.level, "kind": self.kind,
                  "end_date": self.end_date, "start_date": self.start_date,
                  "person_birth_year": self.person["person_birth_year"], "person_honorific": self.honorific,
                  "indicators": self.indicator_view}.get(key, self.name)
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
