"""Character error rate: edit distance between OCR text and the printed truth, over its length.

Both sides are compared as one reading-order string (NFC, runs of whitespace and line breaks
folded to one space), so a missing, wrong or misplaced character counts; lines are not matched
out of order, which would hide reading-order mistakes.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

import numpy as np
from pydantic import BaseModel


def normalize_text(text: str) -> str:
    """NFC with every run of whitespace (spaces, tabs, newlines) as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def join_lines(lines: Iterable[str]) -> str:
    return normalize_text("\n".join(lines))


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insert, delete, substitute each cost 1), one numpy row per char of ``a``.

    The insertion step within a row is a running minimum: ``row[j] = min_k(tmp[k] + j - k)``,
    which ``np.minimum.accumulate`` computes without a Python loop over ``b``.
    """
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    codes_b = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    index = np.arange(len(b) + 1, dtype=np.int64)
    previous = index.copy()
    for i, char in enumerate(a, start=1):
        substitute = previous[:-1] + (codes_b != ord(char))
        tmp = np.empty_like(previous)
        tmp[0] = i
        tmp[1:] = np.minimum(previous[1:] + 1, substitute)
        previous = np.minimum.accumulate(tmp - index) + index
    return int(previous[-1])


class CerScore(BaseModel):
    """Edits needed and truth length; CER is their ratio (0 = perfect, may exceed 1)."""

    edits: int
    length: int

    @property
    def cer(self) -> float:
        return self.edits / self.length if self.length else float(self.edits > 0)


def score(found: str, truth: str, *, spaces: bool = True) -> CerScore:
    """CER of ``found`` against ``truth``, both normalised first.

    ``spaces=False`` drops every space: for letter-spaced sheets printed without word spaces.
    """
    a, b = normalize_text(found), normalize_text(truth)
    if not spaces:
        a, b = a.replace(" ", ""), b.replace(" ", "")
    return CerScore(edits=levenshtein(a, b), length=len(b))


def total(scores: Iterable[CerScore]) -> CerScore:
    """Pooled over pages: total edits over total truth characters (long pages weigh more)."""
    items = list(scores)
    return CerScore(edits=sum(s.edits for s in items), length=sum(s.length for s in items))
