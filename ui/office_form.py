"""The office's details: shared by the first-run dialog and the Cài đặt page."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QSpinBox, QWidget

from desktop_app.errors import ValidationError
from desktop_app.office import STYLE_LABELS, STYLE_PARTY, STYLE_STATE, OfficeInfo

# Suggested texts per document style, filled in when the user switches style on an empty form.
_SUGGESTIONS = {
    STYLE_PARTY: {"signing_authority": "T/M BAN THƯỜNG VỤ", "number_suffix": "QĐ/HU"},
    STYLE_STATE: {"signing_authority": "TM. ỦY BAN NHÂN DÂN", "number_suffix": "QĐ-UBND"},
}


class OfficeForm(QWidget):
    FIELDS = (
        ("issuing_body", "Cơ quan ban hành *", "VD: BAN THƯỜNG VỤ HUYỆN ỦY LÂM HÀ"),
        ("superior_body", "Cơ quan cấp trên", "VD: ĐẢNG BỘ TỈNH LÂM ĐỒNG"),
        ("place_name", "Địa danh *", "VD: Lâm Hà (dùng ở dòng «Lâm Hà, ngày … tháng … năm …»)"),
        ("signer_name", "Người ký", "VD: Nguyễn Văn Bình"),
        ("signer_title", "Chức vụ người ký", "VD: PHÓ BÍ THƯ THƯỜNG TRỰC"),
        ("signing_authority", "Thẩm quyền ký", "VD: T/M BAN THƯỜNG VỤ hoặc TM. ỦY BAN NHÂN DÂN"),
        ("number_suffix", "Ký hiệu số văn bản", "VD: QĐ/HU (Đảng) hoặc QĐ-UBND (hành chính)"),
        ("own_level", "Cấp của cơ quan", "VD: Huyện, Cơ sở (xã, phường), Tỉnh"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for key, label, placeholder in self.FIELDS:
            edit = QLineEdit(self)
            edit.setPlaceholderText(placeholder)
            edit.setObjectName(key)
            self.edits[key] = edit
            layout.addRow(label, edit)
            if key in ("issuing_body", "place_name"):
                error = QLabel(self)
                error.setStyleSheet("color: #b00020;")
                error.hide()
                self.errors[key] = error
                layout.addRow("", error)
        self.style_combo = QComboBox(self)
        for code, label in STYLE_LABELS.items():
            self.style_combo.addItem(label, code)
        self.style_combo.currentIndexChanged.connect(self._style_changed)
        layout.insertRow(0, "Thể thức văn bản", self.style_combo)
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(1990, 2100)
        self.year_spin.setGroupSeparatorShown(False)
        layout.addRow("Năm hiện hành", self.year_spin)
        self.year_error = QLabel(self)

    def set_office(self, office: OfficeInfo) -> None:
        for key, edit in self.edits.items():
            edit.setText(str(getattr(office, key) or ""))
        index = self.style_combo.findData(office.document_style or STYLE_PARTY)
        self.style_combo.setCurrentIndex(max(index, 0))
        if office.current_year:
            self.year_spin.setValue(office.current_year)

    def office(self) -> OfficeInfo:
        values = {key: edit.text() for key, edit in self.edits.items()}
        return OfficeInfo(document_style=self.style_combo.currentData(), current_year=self.year_spin.value(), **values)

    def show_error(self, err: ValidationError) -> None:
        self.clear_errors()
        label = self.errors.get(err.key)
        if label is not None:
            label.setText(err.message[:1].upper() + err.message[1:])
            label.show()
        if err.key in self.edits:
            self.edits[err.key].setFocus()

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()

    def apply_style_suggestions(self) -> None:
        """Fill the signing authority and number suffix typical of the chosen style, if still empty."""
        self._style_changed()

    def _style_changed(self) -> None:
        suggestions = _SUGGESTIONS.get(self.style_combo.currentData(), {})
        others = [s for code, s in _SUGGESTIONS.items() if code != self.style_combo.currentData()]
        for key, value in suggestions.items():
            current = self.edits[key].text().strip()
            if not current or any(current == other.get(key) for other in others):
                self.edits[key].setText(value)
