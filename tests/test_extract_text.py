"""Accent folding, line views and the fuzzy label matcher."""

from __future__ import annotations

import pytest

from pipeline.extract.match import allowed_errors, edit_distance, find, phrase
from pipeline.extract.text import LineView, compact, fold, lines_of, union_box, words_confidence
from tests.extract_helpers import make_doc


def line(text: str) -> LineView:
    return lines_of(make_doc(text))[0]


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Đặng Thị Ngọc Hưởng", "dang thi ngoc huong"),
        ("ĐỘC LẬP - TỰ DO", "doc lap - tu do"),
        ("Ngày sinh", "ngay sinh"),
        ("Nơi ĐKHK thường trú", "noi dkhk thuong tru"),
        ("Quê quán", "que quan"),
    ],
)
def test_fold_strips_marks_and_d(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_accepts_decomposed_input() -> None:
    decomposed = "Nguye\u0302\u0303n"  # NFD "Nguyễn"
    assert fold(decomposed) == "nguyen"


def test_compact_drops_punctuation_and_spaces() -> None:
    assert compact("Họ, chữ đệm, tên:") == "hochudemten"


def test_line_view_maps_offsets_back_to_words() -> None:
    doc = make_doc("Số: 001095012345   Nam", word_conf={"001095012345": 0.61})
    view = lines_of(doc)[0]
    start = view.text.index("001")
    words = view.words_in(start, start + 12)
    assert [w.text for w in words] == ["001095012345"]
    assert words_confidence(words, mean=False) == pytest.approx(0.61)
    box = union_box(view.words)
    assert box is not None
    assert box.left == 0
    assert box.width == view.words[-1].box.left + view.words[-1].box.width


def test_words_confidence_min_versus_mean() -> None:
    view = lines_of(make_doc("A B", word_conf={"A": 0.4, "B": 1.0}))[0]
    assert words_confidence(view.words, mean=False) == pytest.approx(0.4)
    assert words_confidence(view.words, mean=True) == pytest.approx(0.7)
    assert words_confidence([], mean=True) == 0.0


def test_edit_distance() -> None:
    assert edit_distance("ngaysinh", "ngaysinh") == 0
    assert edit_distance("ngaysinh", "ngaysirh") == 1
    assert edit_distance("hoten", "hovaten") == 2


def test_allowed_errors_grow_with_length() -> None:
    assert allowed_errors(2) == 0
    assert allowed_errors(6) == 1
    assert allowed_errors(12) == 2
    assert allowed_errors(30) == 3


@pytest.mark.parametrize(
    "text",
    [
        "Ngày sinh: 12/03/1995",
        "Ngay sinh 12/03/1995",
        "NGÀY SINH; 12/03/1995",
        "Ngày sirh: 12/03/1995",  # one wrong letter
        "Ngàysinh: 12/03/1995",  # merged words
        "Ngà y sinh: 12/03/1995",  # split word
    ],
)
def test_label_found_despite_ocr_noise(text: str) -> None:
    view = line(text)
    found = find(view, phrase("Ngày sinh"))
    assert len(found) == 1
    assert view.text[found[0].end :].strip(" :;") == "12/03/1995"


def test_label_not_found_in_unrelated_text() -> None:
    assert find(line("Nơi sinh: Hà Nội"), phrase("Ngày sinh")) == []


def test_dropped_last_word_is_not_a_match() -> None:
    """'Giấy chứng nhận …' must not read as 'Giấy chứng tử' with 'tử' lost."""
    assert find(line("GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT"), phrase("Giấy chứng tử")) == []
    assert find(line("Ngày, tháng, năm đăng ký: 20/03/2024"), phrase("Ngày, tháng, năm sinh")) == []


def test_anchored_phrase_only_at_line_start() -> None:
    anchored = phrase("Số", anchored=True)
    assert len(find(line("Số: 125/2024"), anchored)) == 1
    assert find(line("Quyển số: 01/2024"), anchored) == []
    assert len(find(line("Quyển số: 01/2024"), phrase("Số"))) == 1


def test_match_ends_on_token_boundary() -> None:
    """'Số' must not match the start of 'Sơn' or of a longer word."""
    assert find(line("Sơn La"), phrase("Số")) == []
