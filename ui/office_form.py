"""The office's details: shared by the first-run dialog and the Cài đặt page.

The shared details (place, area, level, year, default style) come first; then one box per document style,
each with its own issuing body, superior body, signing authority, signer and number symbol.  A box left
unticked means the office does not issue in that style, so documents are never printed in it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop_app.errors import ValidationError
from desktop_app.office import (
    DECISION,
    STYLE_LABELS,
    STYLE_PARTY,
    STYLE_SECTIONS,
    STYLE_STATE,
    Identity,
    Issuer,
    OfficeInfo,
)

ERROR_STYLE = "color: #b00020;"
TICK_TEXT = "Cơ quan ban hành văn bản theo thể thức này"

BOX_TITLES = {
    STYLE_PARTY: "Thể thức văn bản của Đảng (HD 36-HD/VPTW)",
    STYLE_STATE: "Thể thức văn bản hành chính (NĐ 30/2020/NĐ-CP)",
}
# Filled in when a style is ticked and these are still empty: what almost every office of that system writes.
SUGGESTIONS = {
    STYLE_PARTY: {"signing_authority": "T/M BAN THƯỜNG VỤ", "symbol": "HU"},
    STYLE_STATE: {"signing_authority": "TM. ỦY BAN NHÂN DÂN", "symbol": "UBND"},
}
IDENTITY_ROWS = (
    ("issuing_body", "Cơ quan ban hành *"),
    ("superior_body", "Cơ quan cấp trên"),
    ("signing_authority", "Thẩm quyền ký"),
    ("signer_title", "Chức vụ người ký"),
    ("signer_name", "Người ký"),
    ("symbol", "Ký hiệu cơ quan trong số văn bản"),
)
PLACEHOLDERS = {
    STYLE_PARTY: {
        "issuing_body": "VD: HUYỆN ỦY LÂM HÀ",
        "superior_body": "VD: ĐẢNG BỘ TỈNH LÂM ĐỒNG",
        "signing_authority": "VD: T/M BAN THƯỜNG VỤ",
        "signer_title": "VD: PHÓ BÍ THƯ THƯỜNG TRỰC",
        "signer_name": "VD: Nguyễn Văn Bình",
        "symbol": "VD: HU (huyện ủy), ĐU (đảng ủy)",
    },
    STYLE_STATE: {
        "issuing_body": "VD: ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ hoặc PHÒNG NỘI VỤ",
        "superior_body": "VD: ỦY BAN NHÂN DÂN HUYỆN LÂM HÀ (nếu là phòng, ban)",
        "signing_authority": "VD: TM. ỦY BAN NHÂN DÂN",
        "signer_title": "VD: CHỦ TỊCH",
        "signer_name": "VD: Trần Văn Hòa",
        "symbol": "VD: UBND, PNV",
    },
}
SHARED_ROWS = (
    ("place_name", "Địa danh *", "VD: Lâm Hà (dùng ở dòng «Lâm Hà, ngày … tháng … năm …»)"),
    ("area_name", "Địa bàn", "VD: huyện Lâm Hà (dùng trong câu «trên địa bàn huyện Lâm Hà»)"),
    ("own_level", "Cấp của cơ quan", "VD: Huyện, Cơ sở (xã, phường), Tỉnh"),
)


def in_sentence(style: str) -> str:
    """ "thể thức văn bản của Đảng": only the first letter lowered, "Đảng" keeps its capital."""
    section = STYLE_SECTIONS[style]
    return section[:1].lower() + section[1:]


def _error_label(parent: QWidget) -> QLabel:
    label = QLabel(parent)
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()
    return label


def _show(label: QLabel, message: str) -> None:
    label.setText(message[:1].upper() + message[1:])
    label.show()


class IdentityBox(QGroupBox):
    """Who issues documents in one style; unticked, the office does not issue in it."""

    ticked = Signal(bool)

    def __init__(self, style: str, parent: QWidget | None = None) -> None:
        super().__init__(BOX_TITLES[style], parent)
        self.style_code = style
        self.setObjectName(f"identity_{style}")
        layout = QFormLayout(self)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.check = QCheckBox(TICK_TEXT, self)
        self.check.toggled.connect(self._ticked)
        # Only a tick by the clerk suggests texts: an identity loaded with a field left empty stays as saved.
        self.check.clicked.connect(self._suggest)
        layout.addRow(self.check)
        self.edits: dict[str, QLineEdit] = {}
        for key, label in IDENTITY_ROWS:
            edit = QLineEdit(self)
            edit.setObjectName(f"{style}.{key}")
            edit.setPlaceholderText(PLACEHOLDERS[style][key])
            # On a narrow screen the row wraps (label above the field) rather than leaving a sliver to type in.
            edit.setMinimumWidth(220)
            self.edits[key] = edit
            layout.addRow(label, edit)
            if key == "issuing_body":
                self.error = _error_label(self)
                layout.addRow("", self.error)
        self.example = QLabel(self)
        self.example.setStyleSheet("color: #555;")
        layout.addRow("", self.example)
        self.edits["symbol"].textChanged.connect(self._update_example)
        self._ticked(False)

    @property
    def checked(self) -> bool:
        return self.check.isChecked()

    def set_identity(self, identity: Identity | None) -> None:
        identity = identity or Identity()
        for key, edit in self.edits.items():
            edit.setText(getattr(identity, key))
        self.check.setChecked(identity.filled)
        self._update_example()

    def identity(self) -> Identity:
        return Identity(**{key: edit.text() for key, edit in self.edits.items()})

    def _ticked(self, on: bool) -> None:
        for edit in self.edits.values():
            edit.setEnabled(on)
        self.example.setEnabled(on)
        if not on:
            self.error.hide()
        self.ticked.emit(on)

    def _suggest(self, on: bool) -> None:
        if on:
            for key, value in SUGGESTIONS[self.style_code].items():
                if not self.edits[key].text().strip():
                    self.edits[key].setText(value)

    def _update_example(self) -> None:
        issuer = Issuer(self.style_code, Identity(symbol=self.edits["symbol"].text()))
        self.example.setText(f"Ví dụ: {issuer.number_line(DECISION, 125)}")


class OfficeForm(QWidget):
    """The office's details as :func:`desktop_app.services.settings.save_office` takes them.

    ``errors`` holds the labels beside the shared fields (keys as ``ValidationError.key``); each style's box has
    its own label for its issuing body.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        shared = QFormLayout()
        shared.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        shared.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        for key, label, placeholder in SHARED_ROWS:
            edit = QLineEdit(self)
            edit.setPlaceholderText(placeholder)
            edit.setObjectName(key)
            self.edits[key] = edit
            shared.addRow(label, edit)
            if key == "place_name":
                self.errors[key] = _error_label(self)
                shared.addRow("", self.errors[key])
        self.year_spin = QSpinBox(self)
        self.year_spin.setRange(1990, 2100)
        self.year_spin.setGroupSeparatorShown(False)
        shared.addRow("Năm hiện hành", self.year_spin)
        self.errors["current_year"] = _error_label(self)
        shared.addRow("", self.errors["current_year"])
        self.style_combo = QComboBox(self)
        self.style_combo.setPlaceholderText("Chưa đánh dấu thể thức nào ở dưới")
        self.style_combo.setToolTip("Văn bản in theo thể thức này, trừ khi chọn thể thức khác lúc in.")
        shared.addRow("Thể thức mặc định", self.style_combo)
        self.errors["document_style"] = _error_label(self)
        shared.addRow("", self.errors["document_style"])

        hint = QLabel(
            "Cơ quan ban hành văn bản theo thể thức nào thì đánh dấu thể thức đó (một hoặc cả hai) và điền "
            "thông tin; văn bản chỉ được in theo thể thức đã điền.",
            self,
        )
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555;")
        self.errors["issuing_body"] = _error_label(self)
        self.boxes: dict[str, IdentityBox] = {}
        boxes = QHBoxLayout()
        for style in STYLE_LABELS:
            box = IdentityBox(style, self)
            box.ticked.connect(self._styles_changed)
            self.boxes[style] = box
            boxes.addWidget(box, 1, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(shared)
        layout.addWidget(hint)
        layout.addWidget(self.errors["issuing_body"])
        layout.addLayout(boxes)
        layout.addStretch(1)  # in a tall scroll area the rows stay together at the top
        self._styles_changed()

    def set_office(self, office: OfficeInfo) -> None:
        self.clear_errors()
        for key, edit in self.edits.items():
            edit.setText(str(getattr(office, key) or ""))
        if office.current_year:
            self.year_spin.setValue(office.current_year)
        for style, box in self.boxes.items():
            box.set_identity(office.identities.get(style))
        self._select_style(office.document_style)

    def office(self) -> OfficeInfo:
        """The details as typed.

        Raises :class:`ValidationError` (key ``"<style>.issuing_body"``) for a ticked style without an issuing
        body: the tick says the office issues in that style, so dropping it silently would lose the clerk's intent.
        """
        for style, box in self.boxes.items():
            if box.checked and not box.edits["issuing_body"].text().strip():
                raise ValidationError(
                    "Cơ quan ban hành",
                    f"chưa nhập tên cơ quan ban hành theo {in_sentence(style)}; nếu cơ quan không "
                    f"ban hành theo thể thức này, bỏ đánh dấu ô «{TICK_TEXT}».",
                    key=f"{style}.issuing_body",
                )
        ticked = [style for style, box in self.boxes.items() if box.checked]
        default = self.style_combo.currentData() or (ticked[0] if ticked else STYLE_PARTY)
        return OfficeInfo(
            place_name=self.edits["place_name"].text(),
            area_name=self.edits["area_name"].text(),
            own_level=self.edits["own_level"].text(),
            document_style=default,
            current_year=self.year_spin.value(),
            identities={style: self.boxes[style].identity() for style in ticked},
        )

    def show_error(self, err: ValidationError) -> QLabel:
        """Show ``err`` beside its field and focus that field; returns the label, for a scroll area to show it."""
        self.clear_errors()
        style, _, key = err.key.rpartition(".")
        if style in self.boxes:
            box = self.boxes[style]
            _show(box.error, err.message)
            box.edits[key].setFocus()
            return box.error
        label, message = self.errors.get(err.key), err.message
        if label is None:  # a field this form does not know: still said, with its name, never swallowed
            label, message = self.errors["issuing_body"], str(err)
        if err.key == "issuing_body" and not any(box.checked for box in self.boxes.values()):
            message += f" Đánh dấu ô «{TICK_TEXT}» ở thể thức cơ quan dùng."
        _show(label, message)
        focus = {"current_year": self.year_spin, "document_style": self.style_combo}.get(err.key)
        if focus is None and err.key in self.edits:
            focus = self.edits[err.key]
        if focus is None and err.key == "issuing_body":
            focus = self.boxes[STYLE_PARTY].check
        if focus is not None:
            focus.setFocus()
        return label

    def clear_errors(self) -> None:
        for label in self.errors.values():
            label.hide()
        for box in self.boxes.values():
            box.error.hide()

    def _styles_changed(self, *_: object) -> None:
        """The default-style choice offers only the ticked styles, keeping the one chosen when still there."""
        self._select_style(self.style_combo.currentData())

    def _select_style(self, wanted: str | None) -> None:
        self.style_combo.blockSignals(True)
        self.style_combo.clear()
        for style, box in self.boxes.items():
            if box.checked:
                self.style_combo.addItem(STYLE_LABELS[style], style)
        index = self.style_combo.findData(wanted) if wanted else -1
        self.style_combo.setCurrentIndex(index if index >= 0 else (0 if self.style_combo.count() else -1))
        self.style_combo.setEnabled(self.style_combo.count() > 1)
        self.style_combo.blockSignals(False)
        if self.style_combo.count():
            self.errors["document_style"].hide()
