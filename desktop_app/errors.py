"""Errors the user can understand.  Anything else reaching the top level is a bug."""

from __future__ import annotations


class AppError(Exception):
    """A known problem; ``str(err)`` is a complete Vietnamese sentence for the user."""


class ValidationError(AppError):
    """Invalid input for one field.  ``field`` is the Vietnamese label of the field."""

    def __init__(self, field: str, message: str, *, key: str = "") -> None:
        self.field = field
        self.key = key or field
        self.message = message
        super().__init__(f"{field}: {message}")


class NotFoundError(AppError):
    pass


class Cancelled(AppError):
    def __init__(self, message: str = "Đã hủy theo yêu cầu của người dùng.") -> None:
        super().__init__(message)
