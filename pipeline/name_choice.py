"""A doubted name is read again, and the marks Tesseract considered are weighed: never invented.

Tesseract's LSTM scores, at each step, several characters; on names the right mark is often
its second choice (NGUYÊN read, NGUYỄN proposed at a fifth of the confidence). For a name the
name model doubts (``pipeline.names``), the name's own box is read again with the choices
listed, and a doubted syllable takes another mark only when the engine proposed that very
letter with that mark and the result is a known name syllable in its place. The name stays
in review either way: its mark had a competitor.
"""

from __future__ import annotations

from pipeline.names import doubts, fold_marks, place_of
from pipeline.tools.tesseract import Choices

MIN_ALTERNATIVE = 0.05  # an alternative scored below this was not really considered


def proposed_marks(steps: Choices) -> list[tuple[str, str, float]]:
    """(one letter, the same letter with other marks, that one's confidence) for every pair of
    same-letter readings the engine weighed at one step, both ways round: the re-read may
    put first the mark the page's reading put second."""
    found = []
    for options in steps:
        letters = [
            (c, p) for c, p in options if len(c) == 1 and c.isalpha() and p >= MIN_ALTERNATIVE
        ]
        for char, _ in letters:
            for other, confidence in letters:
                if other != char and fold_marks(other) == fold_marks(char):
                    found.append((char.upper(), other.upper(), confidence))
    return found


def choose_name(value: str, steps: Choices) -> str | None:
    """The name with each doubted syllable re-marked as the engine proposed; None if no
    proposal turns every doubted syllable into a known name syllable."""
    syllables = value.split()
    marks = proposed_marks(steps)
    chosen = []
    for index, syllable in enumerate(syllables):
        alone = _in_place(syllable, index, len(syllables))
        if not doubts(alone):
            chosen.append(syllable)
            continue
        best: tuple[float, str] | None = None
        for read, proposed, confidence in marks:
            if read not in syllable:
                continue
            candidate = syllable.replace(read, proposed, 1)
            if doubts(_in_place(candidate, index, len(syllables))):
                continue
            if best is None or confidence > best[0]:
                best = (confidence, candidate)
        if best is None:
            return None
        chosen.append(best[1])
    name = " ".join(chosen)
    return name if name != value and not doubts(name) else None


def _in_place(syllable: str, index: int, count: int) -> str:
    """A stand-in name that puts ``syllable`` in the same place (surname, middle or given)."""
    place = place_of(index, count)
    if place == "surname":
        return f"{syllable} VĂN AN"
    if place == "middle":
        return f"NGUYỄN {syllable} AN"
    return syllable if count == 1 else f"NGUYỄN VĂN {syllable}"
