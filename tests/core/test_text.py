import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_app import text

VIETNAMESE = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
vn_text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " -,.", max_size=40)

# Old (hoá, thuỷ) and new (hóa, thủy) tone placement on the same syllables.
OLD_NEW = [("hoá", "hóa"), ("thuỷ", "thủy"), ("khoẻ", "khỏe"), ("hoà", "hòa"), ("tuỳ", "tùy"), ("loạ", "lọa")]


@given(vn_text)
def test_fold_is_the_same_for_nfc_and_nfd(s):
    assert text.fold(unicodedata.normalize("NFD", s)) == text.fold(unicodedata.normalize("NFC", s))


@given(vn_text)
def test_clean_always_gives_nfc(s):
    assert unicodedata.is_normalized("NFC", text.clean(unicodedata.normalize("NFD", s)))


@given(st.sampled_from(OLD_NEW), vn_text)
def test_tone_placement_does_not_matter_for_search(pair, rest):
    old, new = pair
    assert text.fold(f"{rest} {old}") == text.fold(f"{rest} {new}")


@given(vn_text)
def test_fold_is_ascii_lowercase_and_idempotent(s):
    key = text.fold(s)
    assert key == text.fold(key)
    assert key == key.lower()
    assert all(ord(ch) < 128 for ch in key)


def test_fold_examples():
    assert text.fold("VĂN HOÁ - XÃ HỘI") == text.fold("Văn hóa - xã hội") == "van hoa xa hoi"
    assert text.fold("  Đạ   Đờn ") == "da don"
    assert text.fold("“Dân vận khéo”") == "dan van kheo"


def test_clean_collapses_spaces_and_composes():
    assert text.clean("  Hội\u00a0 Nông\tdân  ") == "Hội Nông dân"
    assert text.clean(unicodedata.normalize("NFD", "Đạ Đờn")) == "Đạ Đờn"
    assert text.clean(None) == ""


def test_vietnamese_sort_order():
    words = ["đá", "da", "ăn", "Ba", "an", "ân", "dạ", "dà", "bò", "ơi", "ô", "o", "ư", "u", "dã", "dả", "dá"]
    assert text.sorted_vi(words) == [
        "an",
        "ăn",
        "ân",
        "Ba",
        "bò",
        "da",
        "dà",
        "dả",
        "dã",
        "dá",
        "dạ",
        "đá",
        "o",
        "ô",
        "ơi",
        "u",
        "ư",
    ]


def test_sort_is_letters_before_tones():
    # "dá x" sorts before "da y" because letters decide before tones do.
    assert text.sorted_vi(["da y", "dá x"]) == ["dá x", "da y"]


TONE_MARKS = "\u0300\u0309\u0303\u0301\u0323"  # huyền hỏi ngã sắc nặng


def _letters_only(s: str) -> str:
    """Lower case without tone marks, keeping ă â đ ê ô ơ ư: what a dictionary orders by first."""
    decomposed = unicodedata.normalize("NFD", s.lower())
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))


@given(vn_text, vn_text)
def test_order_is_antisymmetric_form_blind_and_letters_decide_first(a, b):
    assert text.compare(a, b) == -text.compare(b, a)
    assert text.compare(unicodedata.normalize("NFD", a), b) == text.compare(a, b)  # pasted NFD sorts the same
    if text.clean(_letters_only(a)) != text.clean(_letters_only(b)):
        # Tones and case only break ties between the same letters, never reorder different ones.
        assert text.compare(a, b) == text.compare(_letters_only(a), _letters_only(b))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1.234.567", 1234567),
        ("1.234,5", 1234.5),
        ("6,5", 6.5),
        ("88 triệu", 88_000_000),
        ("88 triệu đồng", 88_000_000),
        ("1,4 tỷ", 1_400_000_000),
        ("1,4 tỉ đồng", 1_400_000_000),
        ("99,16%", 99.16),
        ("14.500.000 đồng", 14_500_000),
        ("2,4km", 2.4),
        ("26", 26),
        ("0.5", 0.5),
        ("500 nghìn", 500_000),
        (12, 12),
        (3.5, 3.5),
        ("không có", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_number(raw, expected):
    assert text.parse_number(raw) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        (1234.5, "1.234,5"),
        (1234567, "1.234.567"),
        (0, "0"),
        (99.16, "99,16"),
        (6.5, "6,5"),
        (-1500, "-1.500"),
    ],
)
def test_format_number(value, expected):
    assert text.format_number(value) == expected


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_number_round_trip(n):
    assert text.parse_number(text.format_number(n)) == n


def test_dates():
    assert text.parse_date("15/10/2024") == date(2024, 10, 15)
    assert text.parse_date("5-2-24") == date(2024, 2, 5)
    assert text.parse_date("2024-10-15") == date(2024, 10, 15)
    assert text.parse_date("") is None
    assert text.format_date(date(2024, 2, 5)) == "05/02/2024"
    with pytest.raises(ValueError):
        text.parse_date("31/02/2024")
    with pytest.raises(ValueError):
        text.parse_date("ngày mai")


def test_place_date_line_pads_days_and_first_two_months():
    assert text.place_date_line("Lâm Hà", date(2024, 10, 15)) == "Lâm Hà, ngày 15 tháng 10 năm 2024"
    assert text.place_date_line("Lâm Hà", date(2024, 2, 5)) == "Lâm Hà, ngày 05 tháng 02 năm 2024"
    assert text.place_date_line("Lâm Hà", date(2024, 3, 9)) == "Lâm Hà, ngày 09 tháng 3 năm 2024"


@given(st.lists(vn_text, min_size=2, max_size=10))
def test_sort_key_text_orders_like_sort_key(words):
    by_key = sorted(words, key=text.sort_key)
    by_text = sorted(words, key=text.sort_key_text)
    assert [text.sort_key(w) for w in by_key] == [text.sort_key(w) for w in by_text]
