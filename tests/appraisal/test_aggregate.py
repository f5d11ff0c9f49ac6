from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app.appraisal.aggregate import (
    DEFAULT_THRESHOLDS,
    check_points,
    grade_for,
    mean_score,
    passes,
    ranks,
    sheet_total,
    spread,
)


@pytest.mark.parametrize("raw, expected", [("7", 7.0), ("7,5", 7.5), (10, 10.0), ("0", 0.0), ("", None), (None, None)])
def test_points_accepted(raw, expected):
    assert check_points(raw, 10) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("12", "Điểm 12 vượt quá điểm tối đa 10 của tiêu chí 2"),
        (-1, "Điểm không được âm"),
        ("abc", "«abc» không phải là số"),
        ("7,3", "chỉ chấm điểm nguyên hoặc nửa điểm"),
        ("5 điểm", "không phải là số"),
        (True, "không phải là số"),
        (float("nan"), "không phải là số"),
        # openpyxl hands a date-formatted cell over as a datetime: refused with a reason, not a TypeError.
        (datetime(2024, 10, 15), "không phải là số"),
    ],
)
def test_points_refused_with_the_reason(raw, message):
    with pytest.raises(ValueError) as err:
        check_points(raw, 10, "tiêu chí 2")
    assert message in str(err.value)


def test_sheet_total_needs_every_criterion():
    assert sheet_total({1: 10, 2: 5.5}, [1, 2]) == (15.5, True)
    assert sheet_total({1: 10}, [1, 2]) == (None, False)


def test_mean_and_trimmed_mean_by_hand():
    assert mean_score([80, 90, 70]) == (80.0, False)
    # Trimming needs five members: drop 60 and 100 → (70 + 80 + 90) / 3.
    assert mean_score([60, 70, 80, 90, 100], trim_extremes=True) == (80.0, True)
    assert mean_score([60, 80, 100, 90], trim_extremes=True) == (82.5, False)
    assert mean_score([]) == (None, False)


def test_grades_by_the_default_thresholds():
    assert [grade_for(m, DEFAULT_THRESHOLDS) for m in (95, 90, 89.99, 80, 79.5, 65, 64.9, 0)] == [
        "Xuất sắc",
        "Xuất sắc",
        "Tốt",
        "Tốt",
        "Đạt",
        "Đạt",
        "Không đạt",
        "Không đạt",
    ]
    assert passes("Tốt", "Đạt", DEFAULT_THRESHOLDS) and not passes("Không đạt", "Đạt", DEFAULT_THRESHOLDS)


def test_ties_share_a_rank():
    assert ranks([90, 85, 85, 70, None]) == [1, 2, 2, 4, None]


totals = st.lists(st.integers(0, 200).map(lambda n: n / 2), min_size=1, max_size=12)


@given(totals, st.booleans())
def test_mean_lies_between_lowest_and_highest(values, trim):
    mean, _ = mean_score(values, trim)
    assert min(values) - 0.01 <= mean <= max(values) + 0.01
    assert spread(values) == max(values) - min(values)


@given(st.lists(st.one_of(st.none(), st.integers(0, 100)), max_size=15))
def test_rank_order_follows_the_mean(means):
    ranked = ranks(means)
    for a, ra in zip(means, ranked):
        for b, rb in zip(means, ranked):
            if a is not None and b is not None:
                assert (a > b) == (ra < rb) or a == b
                if a == b:
                    assert ra == rb
