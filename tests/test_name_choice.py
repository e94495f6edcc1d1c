"""Doubted names take a mark the engine proposed, when that makes them a known name."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from pipeline.name_choice import choose_name, combined, proposed_marks
from pipeline.tools.tesseract import Choices, TesseractConfig, character_choices
from sohoa.samples import COUNTER, degrade
from sohoa.samples.fonts import load_font


def _steps(text: str, alternatives: dict[str, tuple[str, float]]) -> Choices:
    """One step per letter; ``alternatives`` gives a letter a second choice."""
    steps: Choices = []
    for char in text:
        options = [(char, 0.9)]
        if char in alternatives:
            options.append(alternatives[char])
        steps.append(options)
    return steps


def test_a_proposed_mark_that_makes_a_known_surname_is_chosen() -> None:
    steps = _steps("NGUYÊN VĂN AN", {"Ê": ("Ễ", 0.22)})
    assert ("Ễ", 0.22) in [(m.letter, m.confidence) for m in proposed_marks(steps)]
    assert choose_name("NGUYÊN VĂN AN", steps) == ("NGUYỄN VĂN AN", False)  # the second choice


def test_the_re_read_may_put_the_right_mark_first() -> None:
    steps = _steps("NGUYỄN VĂN AN", {"Ễ": ("Ê", 0.28)})
    assert choose_name("NGUYÊN VĂN AN", steps) == ("NGUYỄN VĂN AN", True)  # first, far ahead
    close = _steps("NGUYỄN VĂN AN", {"Ễ": ("Ê", 0.6)})
    # Ê is close, but no one is named NGUYÊN: it is no rival, and the choice is clear.
    assert choose_name("NGUYÊN VĂN AN", close) == ("NGUYỄN VĂN AN", True)


def test_a_close_rival_that_is_a_name_too_keeps_the_name_in_review() -> None:
    """THƯ and THU are both given names: a close U beside Ư leaves the choice to a person."""
    steps = _steps("TRẦN THƯ AN", {"Ư": ("U", 0.6)})
    assert choose_name("TRẦN THỪ AN", steps) == ("TRẦN THƯ AN", False)
    clear = _steps("TRẦN THƯ AN", {"Ư": ("U", 0.2)})
    assert choose_name("TRẦN THỪ AN", clear) == ("TRẦN THƯ AN", True)


def test_a_mark_far_behind_the_first_choice_is_taken_but_not_settled() -> None:
    steps = _steps("NGUYÊN VĂN AN", {"Ê": ("Ễ", 0.3)})
    assert choose_name("NGUYÊN VĂN AN", steps) == ("NGUYỄN VĂN AN", False)


def test_the_re_read_alone_may_show_the_right_mark() -> None:
    """The page read TRẤN; reading the name's box again gives TRẦN, with no rival."""
    assert choose_name("TRẤN KHÁNH LOAN", _steps("TRẦN KHÁNH LOAN", {})) == (
        "TRẦN KHÁNH LOAN",
        True,
    )


def test_nothing_is_invented_without_a_proposal() -> None:
    """TRÂN needs a grave accent; the engine proposed only a hook: no choice is made."""
    assert choose_name("TRÂN VĂN AN", _steps("TRÂN VĂN AN", {"Â": ("Ẩ", 0.3)})) is None
    assert choose_name("TRÂN VĂN AN", _steps("TRÂN VĂN AN", {})) is None


def test_a_proposal_of_another_letter_is_not_a_mark() -> None:
    assert choose_name("LẼ VĂN AN", _steps("LẼ VĂN AN", {"Ẽ": ("O", 0.5)})) is None


def test_names_without_doubt_are_left_as_read() -> None:
    assert choose_name("NGUYỄN VĂN AN", _steps("NGUYỄN VĂN AN", {"Ễ": ("Ê", 0.4)})) is None


@pytest.mark.ocr
def test_tesseract_lists_its_choices_per_step(tmp_path: Path) -> None:
    image = Image.new("L", (1100, 110), 255)
    font = load_font("sans", 46, True, False)
    ImageDraw.Draw(image).text((20, 80), "NGUYỄN THỊ HUỲNH", font=font, fill=20, anchor="ls")
    path = tmp_path / "name.png"
    degrade(image, COUNTER, random.Random(2)).save(path, dpi=(300, 300))
    steps = character_choices(path, TesseractConfig())
    best = "".join(options[0][0] for options in steps)
    assert "NGUY" in best and "HU" in best
    assert all(0.0 <= c <= 1.0 for options in steps for _, c in options)
    assert all(options == sorted(options, key=lambda o: -o[1]) for options in steps)


def test_a_letter_may_take_its_two_marks_from_two_proposals() -> None:
    """The engine saw Ê (circumflex) and Ẽ (tilde) at one step, never Ễ: NGUYỄN is still found,
    and stays in review, since no single proposal was it."""
    steps = _steps("NGUYÊN HOÀNG SƠN", {"Ê": ("Ẽ", 0.2)})
    assert ("Ễ", 0.2, True) in [(m.letter, m.confidence, m.combined) for m in proposed_marks(steps)]
    assert choose_name("NGUYÊN HOÀNG SƠN", steps) == ("NGUYỄN HOÀNG SƠN", False)


def test_only_a_vowel_mark_and_a_tone_combine() -> None:
    """Two tones (É, Ẽ) or a marked vowel with another vowel mark make no letter."""
    assert combined("Ê", "Ẽ") == "Ễ"
    assert combined("É", "Ẽ") is None
    assert combined("Ê", "Ơ") is None
    assert combined("Ê", "Ế") is None  # the tone's letter carries a vowel mark itself


def test_a_letter_read_twice_is_read_once_and_stays_in_review() -> None:
    """LÂẦM: the engine read the one Â twice; LÂM is the only known name left by dropping one."""
    assert choose_name("PHẠM GIA LÂẦM", _steps("PHẠM GIA LÂẦM", {})) == ("PHẠM GIA LÂM", False)
    assert choose_name("PHẠM GIA LAAM", _steps("PHẠM GIA LAAM", {})) is None  # LAM is no name
