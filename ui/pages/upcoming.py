"""Screens whose work is not in this version yet: each says plainly what will come there."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

TEXTS = {
    "reports": ("Báo cáo, in ấn",
                "Màn hình này sẽ dùng để xem trước, in và lưu PDF / Excel các văn bản: danh sách đăng ký, phiếu "
                "chấm điểm, bảng tổng hợp, danh sách công nhận, báo cáo thống kê, giấy khen, hồ sơ mô hình. "
                "Chức năng sẽ có trong bản cập nhật tới."),
}


class UpcomingPage(QWidget):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title, body = TEXTS[key]
        heading = QLabel(f"<h2>{title}</h2>", self)
        text = QLabel(body, self)
        text.setWordWrap(True)
        text.setMaximumWidth(720)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(text)
        layout.addStretch(1)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)

    def set_year(self, year: int) -> None:
        pass
