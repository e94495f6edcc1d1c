"""When a second reader's reading of a doubted name replaces Tesseract's: same letters, marks
that make a known name.

Tesseract sometimes never proposes the right mark (NGUYÊN with no Ễ among its choices), so
``name_choice`` cannot fix it. A second engine (``pipeline.tools.aster``) reads the same crop;
its reading is taken only when it has the very letters Tesseract read, marks and spaces aside
(an engine that saw other letters saw something else), spells every syllable and is a name
the name model knows. The second reader settles nothing alone: the name stays in review unless
Tesseract's own alternatives led to the same name.
"""

from __future__ import annotations

from pipeline.extract.normalize import normalize_name
from pipeline.names import doubts, fold_marks
from pipeline.syllables import is_syllable

SECOND_READER = "name.second_reader"


def same_letters(a: str, b: str) -> bool:
    """Whether two readings differ only in marks and spaces (THANHLONG, THANH LONG)."""
    return fold_marks(a.replace(" ", "")) == fold_marks(b.replace(" ", ""))


def second_opinion(value: str, reading: str) -> str | None:
    """The second reader's ``reading`` of a name read as ``value``, when it may replace it."""
    other = normalize_name(reading)
    if other is None or other == value or not same_letters(other, value):
        return None
    if not all(is_syllable(word) for word in other.split()) or doubts(other):
        return None
    return other
