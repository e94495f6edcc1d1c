"""A doubted name is read again, and the marks Tesseract considered are weighed: never invented.

Tesseract's LSTM scores, at each step, several characters; on names the right mark is often
its second choice (NGUYÊN read, NGUYỄN proposed at a fifth of the confidence). For a name the
name model doubts (``pipeline.names``), the name's own box is read again with the choices
listed, and a doubted syllable takes another mark only when the engine proposed that very
letter with that mark and the result is a known name syllable in its place. A letter's two
marks may come from two proposals at the same step (Ê first, Ẽ fourth: the engine saw both the
circumflex and the tilde of Ễ); such a letter is never settled. The name leaves review only
when the chosen mark scored near the step's first choice and no close rival mark would make a
known name too: Ê beside Ễ in NGUYỄN is no rival, since no one is named NGUYÊN; Ư beside U in
THU is one, since THƯ is a name as well.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from pipeline.names import fold_marks, place_of, syllable_doubt
from pipeline.tools.tesseract import Choices

MIN_ALTERNATIVE = 0.05  # an alternative scored below this was not really considered
# A chosen mark is settled when no other mark of that letter, scored at this share of it or
# more, would also make a known name (NGUYÊN beside NGUYỄN is no rival: no one is named so),
# and the engine scored it at least this share of its first choice at that step.
CLEAR_MARGIN = 0.5
MIN_SHARE_OF_FIRST = 0.5

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
    """A marked letter the engine weighed at one step, with what else it weighed there."""

    letter: str
    confidence: float
    first: float  # the confidence of the step's first choice
    rivals: tuple[tuple[str, float], ...]  # the same letter with other marks, at that step
    combined: bool = False  # made from two proposals: never settled


def proposed_marks(steps: Choices) -> list[Mark]:
    """Every letter the engine weighed (first or not) at each step of the re-read."""
    found = []
    for options in steps:
        letters = [
            (c.upper(), p)
            for c, p in options
            if len(c) == 1 and c.isalpha() and p >= MIN_ALTERNATIVE
        ]
        first = options[0][1]
        for char, confidence in letters:
            rivals = tuple(
                (c, p) for c, p in letters if c != char and fold_marks(c) == fold_marks(char)
            )
            found.append(Mark(char, confidence, first, rivals))
        seen = {c for c, _ in letters}
        for a, pa in letters:
            for b, pb in letters:
                both = combined(a, b) if fold_marks(a) == fold_marks(b) else None
                if both is not None and both not in seen:
                    seen.add(both)
                    found.append(Mark(both, min(pa, pb), first, (), combined=True))
    return found


def _re_marked(syllable: str, letter: str) -> list[str]:
    """``syllable`` with one of its letters replaced by ``letter``, same letter, other marks."""
    return [
        syllable[:i] + letter + syllable[i + 1 :]
        for i, char in enumerate(syllable)
        if char != letter and fold_marks(char) == fold_marks(letter)
    ]


def _settles(mark: Mark, candidate: str, place: str) -> bool:
    """Whether ``mark`` decides ``candidate`` clearly: scored near the step's first choice and
    no close rival mark would make a known name syllable there as well."""
    if mark.combined or mark.confidence < MIN_SHARE_OF_FIRST * mark.first:
        return False
    for rival, confidence in mark.rivals:
        if confidence < CLEAR_MARGIN * mark.confidence:
            continue
        for other in _re_marked(candidate, rival):
            if syllable_doubt(other, place) is None:  # same letters: None means a known name
                return False
    return True


def _undoubled(syllable: str) -> list[str]:
    """``syllable`` without one of two neighbouring letters that differ only in marks: the
    engine read one printed letter twice (LÂẦM for LÂM)."""
    return [
        syllable[:i] + syllable[i + 1 :]
        for i in range(len(syllable))
        if (i + 1 < len(syllable) and fold_marks(syllable[i]) == fold_marks(syllable[i + 1]))
        or (i > 0 and fold_marks(syllable[i]) == fold_marks(syllable[i - 1]))
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
                    best = (mark.confidence, candidate, _settles(mark, candidate, place))
        if best is None:  # a letter read twice; one reading is dropped, never settled
            known = [c for c in _undoubled(syllable) if syllable_doubt(c, place) is None]
            best = (0.0, known[0], False) if len(set(known)) == 1 else None
        if best is None:
            return None
        chosen.append(best[1])
        settled = settled and best[2]
    name = " ".join(chosen)
    return NameChoice(name, settled) if name != value else None
