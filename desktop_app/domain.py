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

# Which status may follow which.  Recognition outcomes normally come from a decision,
# but a clerk entering past years' results sets them by hand.
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


def kind_label(code: str) -> str:
    return KINDS.get(code, code)


def status_label(code: str) -> str:
    return STATUSES.get(code, code)
