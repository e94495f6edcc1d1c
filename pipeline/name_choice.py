"""A doubted name is read again, and the marks Tesseract considered are weighed: never invented.

Tesseract's LSTM scores, at each step, several characters; on names the right mark is often
its second choice (NGUYÊN read, NGUYỄN proposed at a fifth of the confidence). For a name the
name model doubts (``pipeline.names``), the name's own box is read again with the choices
listed, and a doubted syllable takes another mark only when the engine proposed that very
letter with that mark and the result is a known name syllable in its place. A letter's two
marks may come from two proposals at the same step (Ê first, Ẽ fourth: the engine saw both the
circumflex and the tilde of Ễ); such a letter is never settled. The name stays in review unless
the re-read put the chosen mark first, far ahead of the others.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from pipeline.names import fold_marks, place_of, syllable_doubt
from pipeline.tools.tesseract import Choices

MIN_ALTERNATIVE = 0.05  # an alternative scored below this was not really considered
# A chosen mark is settled when the re-read put it first and every other mark of that letter
# scored under this share of it; otherwise it had a close competitor and a person decides.
CLEAR_MARGIN = 0.5


_VOWEL_MARKS = frozenset("\u0302\u0306\u031b")  # circumflex, breve, horn: â ă ơ
_TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")


def _marks(letter: str, kinds: frozenset[str]) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", letter) if c in kinds)


def combined(vowel_from: str, tone_from: str) -> str | None:
    """The letter with the vowel mark of one proposal and the tone of another (Ê + Ẽ → Ễ)."""
    vowel, tone = _marks(vowel_from, _VOWEL_MARKS), _marks(tone_from, _TONE_MARKS)
    if not vowel or not tone or _marks(tone_from, _VOWEL_MARKS):
        return None
    base = unicodedata.normalize("NFD", vowel_from)[0]
    return unicodedata.normalize("NFC", base + vowel + tone)


class Mark(NamedTuple):
    """A marked letter the engine weighed at one step, with its confidence."""

    letter: str
    confidence: float
    settled: bool  # it came first, far ahead of the same letter's other marks there


def proposed_marks(steps: Choices) -> list[Mark]:
    """Every letter the engine weighed (first or not) at each step of the re-read."""
    found = []
    for options in steps:
        letters = [
            (c, p) for c, p in options if len(c) == 1 and c.isalpha() and p >= MIN_ALTERNATIVE
        ]
        for char, confidence in letters:
            rivals = [p for c, p in letters if c != char and fold_marks(c) == fold_marks(char)]
            settled = char == options[0][0] and all(p < CLEAR_MARGIN * confidence for p in rivals)
            found.append(Mark(char.upper(), confidence, settled))
        seen = {c for c, _ in letters}
        for a, pa in letters:
            for b, pb in letters:
                both = combined(a, b) if fold_marks(a) == fold_marks(b) else None
                if both is not None and both not in seen:
                    seen.add(both)
                    found.append(Mark(both.upper(), min(pa, pb), False))
    return found


def _re_marked(syllable: str, letter: str) -> list[str]:
    """``syllable`` with one of its letters replaced by ``letter``, same letter, other marks."""
    return [
        syllable[:i] + letter + syllable[i + 1 :]
        for i, char in enumerate(syllable)
        if char != letter and fold_marks(char) == fold_marks(letter)
    ]


class NameChoice(NamedTuple):
    name: str
    settled: bool  # every changed mark was the re-read's clear first choice


def choose_name(value: str, steps: Choices) -> NameChoice | None:
    """The name with each doubted syllable re-marked as the engine proposed; None if no
    proposal turns every doubted syllable into a known name syllable."""
    syllables = value.split()
    marks = proposed_marks(steps)
    chosen = []
    settled = True
    for index, syllable in enumerate(syllables):
        place = place_of(index, len(syllables))
        if syllable_doubt(syllable, place) is None:
            chosen.append(syllable)
            continue
        best: tuple[float, str, bool] | None = None
        for mark in marks:
            for candidate in _re_marked(syllable, mark.letter):
                if syllable_doubt(candidate, place) is not None:
                    continue
                if best is None or mark.confidence > best[0]:
                    best = (mark.confidence, candidate, mark.settled)
        if best is None:
            return None
        chosen.append(best[1])
        settled = settled and best[2]
    name = " ".join(chosen)
    return NameChoice(name, settled) if name != value else None
