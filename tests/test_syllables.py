"""Vietnamese syllables: what the orthography can spell, in either tone placement."""

from __future__ import annotations

import pytest

from pipeline.syllables import has_marks, is_syllable, split_tone

SPELLABLE = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "khuya",
    "quyển",
    "nghiêng",
    "giữa",
    "gì",
    "uyên",
    "chuyện",
    "người",
    "khuỷu",
    "yêu",
    "oanh",
    "hoặc",
    "xoắn",
    "thuở",
    "quốc",
    "giếng",
]


@pytest.mark.parametrize("word", SPELLABLE)
def test_real_syllables_are_spellable(word: str) -> None:
    assert is_syllable(word) and is_syllable(word.upper())


@pytest.mark.parametrize("pair", [("hoà", "hòa"), ("thuý", "thúy"), ("khoẻ", "khỏe")])
def test_both_tone_placements_are_accepted(pair: tuple[str, str]) -> None:
    assert all(is_syllable(w) for w in pair)


@pytest.mark.parametrize("word", ["Hcok", "HQI", "CHiJ", "VIVT", "phtic", "tiê", "cac", "ngày2"])
def test_garbage_and_impossible_rhymes_are_not(word: str) -> None:
    """A stop final (c, ch, p, t) takes only sắc or nặng: "cac" cannot be, "các" can."""
    assert not is_syllable(word)


def test_tone_is_split_off_and_marks_are_seen() -> None:
    assert split_tone("NGUYỄN") == ("nguyên", "ngã")
    assert split_tone("an") == ("an", "ngang")
    assert has_marks("Đa") and has_marks("ô") and not has_marks("NGUYEN")
    assert is_syllable("các") and not is_syllable("cảc")
