"""First run: the office's details, and an offer to look at the demo first.

The demo never goes into the office's database: "Xem thử với dữ liệu mẫu" opens the separate demo
file (see :mod:`desktop_app.workspace`), through the same switch as the Cài đặt page.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME
from desktop_app.errors import ValidationError
from desktop_app.office import OfficeInfo
from desktop_app.services import settings

from .messages import translate_buttons
from .office_form import OfficeForm


class SetupDialog(QDialog):
    TRY_DEMO = 2  # exec() result: look at the demo now, enter the office's details later

    def __init__(self, parent: QWidget | None = None, *, offer_demo: bool = True) -> None:
        super().__init__(parent)
        self.try_demo = False
        self.setWindowTitle(f"{APP_NAME} — Thiết lập lần đầu")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Chào mừng anh/chị đến với <b>Sổ Dân vận khéo</b>. Hãy nhập thông tin của cơ quan; "
            "các thông tin này được in trên danh sách, quyết định, báo cáo và có thể sửa lại "
            "trong mục <i>Cài đặt</i>.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        # Both styles' boxes are taller than a 768-pixel screen leaves under the title bar: the form scrolls.
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.form = OfficeForm(scroll)
        self.form.set_office(OfficeInfo(current_year=date.today().year))
        scroll.setWidget(self.form)
        self.scroll_area = scroll
        layout.addWidget(scroll, 1)
        self.demo_check = QCheckBox(
            "Sau đó mở dữ liệu mẫu (tệp riêng, không lẫn vào dữ liệu của cơ quan) để làm quen", self
        )
        self.demo_check.setVisible(offer_demo)
        layout.addWidget(self.demo_check)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, parent=self
        )
        translate_buttons(buttons)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Bắt đầu sử dụng")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Thoát" if parent is None else "Để sau")
        self.demo_button = buttons.addButton("Xem thử với dữ liệu mẫu", QDialogButtonBox.ButtonRole.ActionRole)
        self.demo_button.setToolTip(
            "Mở ngay dữ liệu mẫu của huyện Lâm Hà năm 2023 (tệp riêng); thông tin cơ "
            "quan nhập sau, khi quay về dữ liệu của cơ quan."
        )
        self.demo_button.setVisible(offer_demo)
        self.demo_button.clicked.connect(self.choose_demo)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fit_screen()
        self.saved_office: OfficeInfo | None = None

    def _fit_screen(self) -> None:
        """As tall as the form needs, but never taller (nor wider) than the screen's free area."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry()
        wanted_height = self.sizeHint().height() + self.form.sizeHint().height() - self.scroll_area.sizeHint().height()
        width = min(max(960, self.sizeHint().width()), free.width() - 40)
        self.resize(width, min(wanted_height + 40, free.height() - 60))

    @property
    def load_demo(self) -> bool:
        """Whether the demo file should be opened once the dialog closes."""
        return self.try_demo or (not self.demo_check.isHidden() and self.demo_check.isChecked())

    def choose_demo(self) -> None:
        """Look at the demo first; nothing is saved in the office's database."""
        self.try_demo = True
        self.done(self.TRY_DEMO)

    def accept(self) -> None:
        try:
            self.saved_office = settings.save_office(self.form.office())
        except ValidationError as err:
            self.scroll_area.ensureWidgetVisible(self.form.show_error(err))
            return
        super().accept()
