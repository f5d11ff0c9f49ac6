"""First run: the office's details, and an offer to load the demo data."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop_app import APP_NAME
from desktop_app.errors import ValidationError
from desktop_app.office import OfficeInfo
from desktop_app.services import settings

from .messages import translate_buttons
from .office_form import OfficeForm


class SetupDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME} — Thiết lập lần đầu")
        layout = QVBoxLayout(self)
        intro = QLabel("Chào mừng anh/chị đến với <b>Sổ Dân vận khéo</b>. Hãy nhập thông tin của cơ quan; "
                       "các thông tin này được in trên danh sách, quyết định, báo cáo và có thể sửa lại "
                       "trong mục <i>Cài đặt</i>.", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.form = OfficeForm(self)
        self.form.set_office(OfficeInfo(current_year=date.today().year))
        self.form.apply_style_suggestions()
        layout.addWidget(self.form)
        self.demo_check = QCheckBox("Nạp dữ liệu mẫu (32 mô hình của huyện Lâm Hà năm 2023) để làm quen", self)
        layout.addWidget(self.demo_check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                   parent=self)
        translate_buttons(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Bắt đầu sử dụng")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Thoát")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())
        self.saved_office: OfficeInfo | None = None

    @property
    def load_demo(self) -> bool:
        return self.demo_check.isChecked()

    def accept(self) -> None:
        try:
            self.saved_office = settings.save_office(self.form.office())
        except ValidationError as err:
            self.form.show_error(err)
            return
        super().accept()
