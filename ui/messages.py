"""Vietnamese message boxes.  Tests monkeypatch these functions so nothing blocks on a modal."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QMessageBox, QWidget

from desktop_app import APP_NAME

BUTTON_TEXTS = {
    QDialogButtonBox.StandardButton.Ok: "Đồng ý",
    QDialogButtonBox.StandardButton.Cancel: "Hủy",
    QDialogButtonBox.StandardButton.Yes: "Có",
    QDialogButtonBox.StandardButton.No: "Không",
    QDialogButtonBox.StandardButton.Close: "Đóng",
    QDialogButtonBox.StandardButton.Save: "Lưu",
    QDialogButtonBox.StandardButton.Discard: "Bỏ thay đổi",
    QDialogButtonBox.StandardButton.Apply: "Áp dụng",
}


def translate_buttons(box: QDialogButtonBox) -> QDialogButtonBox:
    """Give a button box's standard buttons their Vietnamese labels (Qt ships no Vietnamese)."""
    for standard, text in BUTTON_TEXTS.items():
        button = box.button(standard)
        if button is not None:
            button.setText(text)
    return box


def preview_buttons(dialog: QDialog, action: str, on_action: Callable[[], object]) -> QDialogButtonBox:
    """The buttons of a dialog that previews a file before writing it: «Nhập»/«Nhận» (off until a preview
    is ready) and «Đóng».  The action button is ``box.button(Ok)``."""
    box = translate_buttons(
        QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, dialog)
    )
    box.button(QDialogButtonBox.StandardButton.Ok).setText(action)
    box.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("Đóng")
    box.accepted.connect(on_action)
    box.rejected.connect(dialog.reject)
    return box


def _box(parent: QWidget | None, icon, title: str, text: str, detail: str = "") -> QMessageBox:
    box = QMessageBox(icon, title or APP_NAME, text, parent=parent)
    if detail:
        box.setInformativeText(detail)
    return box


def info(parent: QWidget | None, text: str, title: str = "Thông báo", detail: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Information, title, text, detail)
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def warning(parent: QWidget | None, text: str, title: str = "Chú ý", detail: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Warning, title, text, detail)
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def error(parent: QWidget | None, text: str, title: str = "Không thực hiện được", detail: str = "") -> None:
    box = _box(parent, QMessageBox.Icon.Critical, title, text, detail)
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def confirm(
    parent: QWidget | None,
    text: str,
    title: str = "Xác nhận",
    *,
    yes: str = "Có",
    no: str = "Không",
    detail: str = "",
    danger: bool = False,
) -> bool:
    box = _box(parent, QMessageBox.Icon.Warning if danger else QMessageBox.Icon.Question, title, text, detail)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button if danger else yes_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """One line of text, or None when cancelled."""
    from PySide6.QtWidgets import QInputDialog

    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    dialog.setOkButtonText("Đồng ý")
    dialog.setCancelButtonText("Hủy")
    dialog.resize(460, dialog.sizeHint().height())
    if dialog.exec():
        return dialog.textValue()
    return None


def ask_item(parent: QWidget | None, title: str, label: str, items: list[str], current: int = 0) -> int | None:
    """Index of the chosen item, or None when cancelled."""
    from PySide6.QtWidgets import QInputDialog

    if not items:
        return None
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setComboBoxItems(items)
    dialog.setTextValue(items[min(current, len(items) - 1)])
    dialog.setOkButtonText("Đồng ý")
    dialog.setCancelButtonText("Hủy")
    dialog.resize(520, dialog.sizeHint().height())
    if dialog.exec():
        return items.index(dialog.textValue())
    return None


def open_local(parent: QWidget | None, path: Path | str) -> bool:
    """Open a file or folder with the program the system associates with it; say so when nothing can."""
    if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
        return True
    warning(
        parent,
        f"Không mở được «{Path(path).name or path}».",
        detail=f"{path}\nMáy chưa có chương trình nào mở được loại tệp này, hoặc tệp đã bị chuyển đi.",
    )
    return False


def saved_box(parent: QWidget | None, path: Path | str, detail: str = "") -> QMessageBox:
    """The «Đã lưu» message, built but not shown (tests and screenshots look at it without blocking)."""
    path = Path(path)
    box = _box(
        parent,
        QMessageBox.Icon.Information,
        "Đã lưu",
        f"Đã lưu «{path.name}»",
        f"Trong thư mục: {path.parent}" + (f"\n\n{detail}" if detail else ""),
    )
    open_file = box.addButton("Mở tệp", QMessageBox.ButtonRole.ActionRole)
    open_folder = box.addButton("Mở thư mục", QMessageBox.ButtonRole.ActionRole)
    close = box.addButton("Đóng", QMessageBox.ButtonRole.RejectRole)
    # Any button closes a QMessageBox; the two actions open what was just saved on their way out.
    open_file.clicked.connect(lambda: open_local(parent, path))
    open_folder.clicked.connect(lambda: open_local(parent, path.parent))
    box.setDefaultButton(close)
    box.setEscapeButton(close)
    return box


def saved(parent: QWidget | None, path: Path | str, detail: str = "") -> None:
    """After every successful save: say where the file went and offer to open it or its folder."""
    box = saved_box(parent, path, detail)
    box.exec()
    box.deleteLater()  # a child of a long-lived window otherwise
