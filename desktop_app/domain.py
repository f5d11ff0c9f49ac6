"""Codes and labels of the movement's fixed vocabulary (kinds and statuses)."""

from __future__ import annotations

KIND_COLLECTIVE = "tap_the"
KIND_INDIVIDUAL = "ca_nhan"
KINDS = {KIND_COLLECTIVE: "Mô hình (tập thể)", KIND_INDIVIDUAL: "Điển hình (cá nhân)"}
KIND_SHORT = {KIND_COLLECTIVE: "Tập thể", KIND_INDIVIDUAL: "Cá nhân"}

REGISTERED = "dang_ky"
IN_PROGRESS = "dang_thuc_hien"
PROPOSED = "de_nghi"
RECOGNISED = "cong_nhan"
NOT_RECOGNISED = "khong_cong_nhan"
RETURNED = "tra_lai"
WITHDRAWN = "huy"

STATUSES = {
    REGISTERED: "Đăng ký",
    IN_PROGRESS: "Đang thực hiện",
    PROPOSED: "Đề nghị công nhận",
    RECOGNISED: "Công nhận",
    NOT_RECOGNISED: "Không công nhận",
    RETURNED: "Trả lại",
    WITHDRAWN: "Hủy đăng ký",
}

# Which status may follow which in the workflow.  Not every arrow may be taken by hand:
# see DECISION_ONLY below.
TRANSITIONS: dict[str, set[str]] = {
    REGISTERED: {IN_PROGRESS, PROPOSED, RETURNED, WITHDRAWN},
    IN_PROGRESS: {PROPOSED, RECOGNISED, NOT_RECOGNISED, RETURNED, WITHDRAWN, REGISTERED},
    PROPOSED: {RECOGNISED, NOT_RECOGNISED, IN_PROGRESS, RETURNED, WITHDRAWN},
    RECOGNISED: {PROPOSED, NOT_RECOGNISED},
    NOT_RECOGNISED: {PROPOSED, RECOGNISED, IN_PROGRESS},
    RETURNED: {REGISTERED, IN_PROGRESS, WITHDRAWN},
    WITHDRAWN: {REGISTERED},
}
NEEDS_REASON = {RETURNED, WITHDRAWN}

# The recognition outcomes are written only by the year's decision (Công nhận page), which
# rests on the council's appraisal.  Setting them by hand would bypass the appraisal, so the
# list's status menu and the editor never offer them and the status service refuses them.
# Past years are entered the same way: scores, then a decision.
DECISION_ONLY = frozenset({RECOGNISED, NOT_RECOGNISED})
MANUAL_STATUSES: tuple[str, ...] = tuple(code for code in STATUSES if code not in DECISION_ONLY)
# Where the user is sent when they try to set a decision-only status by hand.
DECISION_PAGE = "Công nhận"

# A follow-up report's traffic light (sơ kết, kiểm tra tiến độ): how the model stands against its plan.
PROGRESS_ON_TRACK = "dung_tien_do"
PROGRESS_BEHIND = "cham"
PROGRESS_STALLED = "dung"
PROGRESS_STATUSES = {
    PROGRESS_ON_TRACK: "Đúng tiến độ",
    PROGRESS_BEHIND: "Chậm tiến độ",
    PROGRESS_STALLED: "Ngưng trệ",
}

# How an individual exemplar is addressed on certificates ("Tặng Ông Nguyễn Văn Tám").
HONORIFICS: tuple[str, ...] = ("Ông", "Bà")


def manual_next(status: str) -> list[str]:
    """Statuses a clerk may move a model to by hand from ``status``, in display order."""
    allowed = TRANSITIONS.get(status, set())
    return [code for code in MANUAL_STATUSES if code in allowed]


def kind_label(code: str) -> str:
    return KINDS.get(code, code)


def status_label(code: str) -> str:
    return STATUSES.get(code, code)


def addressed(name: str, honorific: str = "") -> str:
    """A person as a certificate names them: ``"Ông Nguyễn Văn Tám"``; the bare name without an honorific."""
    return f"{honorific} {name}" if honorific and name else name
