"""The question asked when the editor is closed with unsaved changes."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

# The answers to "close with unsaved changes?".
SAVE, DISCARD, CONTINUE = "save", "discard", "continue"


def unsaved_changes_box(parent: QWidget | None) -> QMessageBox:
    """Three answers; Enter saves and Esc goes back to editing, so no key press loses work."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Đóng cửa sổ",
        "Mô hình này có thay đổi chưa lưu. Lưu lại trước khi đóng?",
        parent=parent,
    )
    save = box.addButton("Lưu", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Bỏ thay đổi", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Tiếp tục sửa", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(keep)
    return box


def ask_unsaved_changes(parent: QWidget | None) -> str:
    """SAVE, DISCARD or CONTINUE (also when the box is closed some other way)."""
    box = unsaved_changes_box(parent)
    box.exec()
    clicked = box.clickedButton()
    role = box.buttonRole(clicked) if clicked is not None else QMessageBox.ButtonRole.RejectRole
    box.deleteLater()  # a child of the editor, which may stay open for many questions
    return {QMessageBox.ButtonRole.AcceptRole: SAVE, QMessageBox.ButtonRole.DestructiveRole: DISCARD}.get(
        role, CONTINUE
    )
