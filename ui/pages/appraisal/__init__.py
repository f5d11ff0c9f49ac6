"""Đánh giá: criteria sets, the council, score entry and results."""

from .page import AppraisalPage

__all__ = ["AppraisalPage"]
