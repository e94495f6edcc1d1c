"""Fuzzy search of a phrase (a label, a title) in an OCR line.

Compared on compact text (folded, letters and digits only), so lost colons, wrong diacritics,
case and a merged or split word do not matter; a few wrong or missing letters are tolerated by
an edit distance that grows with the phrase length. Matches start and end on token boundaries,
and the phrase's first and last words must themselves be close, so "Giấy chứng nhận …" is never
"Giấy chứng tử" with "tử" dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from pipeline.extract.text import LineView, compact_tokens


def allowed_errors(length: int) -> int:
    """Edit distance tolerated for a phrase of ``length`` compact characters."""
    if length <= 3:
        return 0
    if length <= 7:
        return 1
    if length <= 15:
        return 2
    return 3


def _token_errors(length: int) -> int:
    return 0 if length <= 2 else 1 if length <= 5 else 2


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (RapidFuzz: C++, a fraction of a microsecond on labels)."""
    return int(Levenshtein.distance(a, b))


@dataclass(frozen=True)
class Phrase:
    """A phrase prepared for matching."""

    text: str
    compact: str
    first: str
    last: str
    max_errors: int
    anchored: bool = False


@lru_cache(maxsize=2048)
def phrase(text: str, anchored: bool = False) -> Phrase:
    tokens = compact_tokens(text)
    comp = "".join(tokens)
    if not comp:
        raise ValueError(f"phrase {text!r} has no letters or digits")
    return Phrase(text, comp, tokens[0], tokens[-1], allowed_errors(len(comp)), anchored)


@dataclass(frozen=True)
class Match:
    """Where a phrase was found: text offsets, compact offsets, and how many edits it took."""

    start: int
    end: int
    cstart: int
    cend: int
    distance: int


@lru_cache(maxsize=1 << 16)
def _word_ok(word: str, window: str, at_end: bool) -> bool:
    """Does ``window`` start (or end) with ``word``, give or take a letter or two?

    Cached: every phrase starting with the same word asks it again at every token of a line
    (classification tries some 200 phrases on each line)."""
    tol = _token_errors(len(word))
    return any(
        Levenshtein.distance(word, window[-n:] if at_end else window[:n], score_cutoff=tol) <= tol
        for n in range(max(1, len(word) - 1), len(word) + 2)
    )


def _edges_ok(p: Phrase, found: str) -> bool:
    """The phrase's first and last words must match the found text's ends (±1 in length)."""
    size = len(p.last) + 1
    return _word_ok(p.first, found[: len(p.first) + 1], False) and _word_ok(
        p.last, found[-size:], True
    )


def _best_end(p: Phrase, text: str, start: int, ends: frozenset[int]) -> tuple[int, int] | None:
    """Best (end, distance) for the phrase aligned to start at ``start``, or None."""
    m, k = len(p.compact), p.max_errors
    n = min(len(text) - start, m + k)
    if n <= 0:
        return None
    if text.startswith(p.compact, start) and start + m in ends:
        return start + m, 0
    if k == 0 or not _word_ok(p.first, text[start : start + len(p.first) + 1], False):
        return None
    # The distance of the phrase to every token-boundary prefix of what follows ``start``.
    best: tuple[int, int, int] | None = None
    for j in range(max(1, m - k), n + 1):
        if start + j not in ends:
            continue
        distance = Levenshtein.distance(p.compact, text[start : start + j], score_cutoff=k)
        if distance <= k:
            key = (distance, abs(j - m), j)
            if best is None or key < best:
                best = key
    if best is None:
        return None
    end = start + best[2]
    if not _edges_ok(p, text[start:end]):
        return None
    return end, best[0]


def find(line: LineView, p: Phrase) -> list[Match]:
    """Every occurrence of ``p`` in ``line``."""
    starts = line.tokens[:1] if p.anchored else line.tokens
    found: list[Match] = []
    for cstart, _ in starts:
        hit = _best_end(p, line.compact, cstart, line.token_ends)
        if hit is None:
            continue
        cend, dist = hit
        start, end = line.compact_to_text(cstart, cend)
        found.append(Match(start, end, cstart, cend, dist))
    return found


def find_all(line: LineView, phrases: Sequence[Phrase]) -> list[list[Match]]:
    """`find` for many phrases at once, same answers: a phrase can only start where its first
    word does (an exact match starts with it too), so that test is made once per distinct first
    word and token instead of once per phrase (classification tries ~200 phrases a line)."""
    found: list[list[Match]] = [[] for _ in phrases]
    by_first: dict[str, list[int]] = {}
    for index, p in enumerate(phrases):
        by_first.setdefault(p.first, []).append(index)
    for first, members in by_first.items():
        for position, (cstart, _) in enumerate(line.tokens):
            window = line.compact[cstart : cstart + len(first) + 1]
            if not _word_ok(first, window, False):
                continue
            for index in members:
                p = phrases[index]
                if p.anchored and position > 0:
                    continue
                hit = _best_end(p, line.compact, cstart, line.token_ends)
                if hit is None:
                    continue
                cend, dist = hit
                start, end = line.compact_to_text(cstart, cend)
                found[index].append(Match(start, end, cstart, cend, dist))
    return found
