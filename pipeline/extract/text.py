"""Accent folding and a view of an OCR line that maps folded text back to its words.

Matching runs on accent-folded, lower-cased text because Tesseract often gets Vietnamese
diacritics wrong; every match must still map back to the original words, for the value's
confidence and box.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from schemas.ocr import Box, OcrDocument, Word

_D_LETTERS = frozenset("đĐðÐ")


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """``Ế`` → ``e``, ``Đ`` → ``d``; a lone combining mark folds to nothing."""
    if ch in _D_LETTERS:
        return "d"
    decomposed = unicodedata.normalize("NFD", ch)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


_ETH = str.maketrans("Ðð", "Đđ")  # Icelandic eth, which OCR gives for Vietnamese Đ


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).translate(_ETH)


def fold(text: str) -> str:
    """Accent-folded, lower-cased text (may differ in length from the input)."""
    return "".join(fold_char(c) for c in nfc(text))


def compact(text: str) -> str:
    """Folded text with everything but letters and digits removed: labels compare this way."""
    return "".join(c for c in fold(text) if c.isalnum())


def compact_tokens(text: str) -> list[str]:
    """Folded alphanumeric runs, split where letters meet digits."""
    view = LineView.from_text(text)
    return [view.compact[s:e] for s, e in view.tokens]


@dataclass
class LineView:
    """One OCR line as text, folded text and compact text, with offsets back to the words."""

    page: int
    words: list[Word]
    text: str
    word_spans: list[tuple[int, int]]
    folded: str
    folded_pos: list[int]
    compact: str
    compact_pos: list[int]
    tokens: list[tuple[int, int]]
    token_starts: frozenset[int]
    token_ends: frozenset[int]

    @classmethod
    def from_words(cls, words: list[Word], page: int = 1) -> LineView:
        texts = [nfc(w.text) for w in words]
        spans: list[tuple[int, int]] = []
        offset = 0
        for t in texts:
            spans.append((offset, offset + len(t)))
            offset += len(t) + 1
        view = cls._fold(" ".join(texts))
        view.page, view.words, view.word_spans = page, list(words), spans
        return view

    @classmethod
    def from_text(cls, text: str) -> LineView:
        return cls._fold(nfc(text))

    @classmethod
    def _fold(cls, text: str) -> LineView:
        folded: list[str] = []
        folded_pos: list[int] = []
        comp: list[str] = []
        comp_pos: list[int] = []
        token_of: list[int] = []
        token, prev_class = 0, ""
        for i, ch in enumerate(text):
            for f in fold_char(ch):
                folded.append(f)
                folded_pos.append(i)
                if not f.isalnum():
                    prev_class = ""
                    continue
                cls_ = "d" if f.isdigit() else "a"
                if cls_ != prev_class:
                    token += 1
                prev_class = cls_
                comp.append(f)
                comp_pos.append(i)
                token_of.append(token)
        tokens: list[tuple[int, int]] = []
        for k, t in enumerate(token_of):
            if k == 0 or token_of[k - 1] != t:
                tokens.append((k, k + 1))
            else:
                tokens[-1] = (tokens[-1][0], k + 1)
        return cls(
            page=1,
            words=[],
            text=text,
            word_spans=[],
            folded="".join(folded),
            folded_pos=folded_pos,
            compact="".join(comp),
            compact_pos=comp_pos,
            tokens=tokens,
            token_starts=frozenset(s for s, _ in tokens),
            token_ends=frozenset(e for _, e in tokens),
        )

    def compact_to_text(self, cstart: int, cend: int) -> tuple[int, int]:
        """Text offsets of the compact span ``[cstart, cend)``."""
        return self.compact_pos[cstart], self.compact_pos[cend - 1] + 1

    def folded_to_text(self, fstart: int, fend: int) -> tuple[int, int]:
        """Text offsets of the folded span ``[fstart, fend)``."""
        return self.folded_pos[fstart], self.folded_pos[fend - 1] + 1

    def words_in(self, start: int, end: int) -> list[Word]:
        """The words overlapping text offsets ``[start, end)``."""
        return [
            w
            for w, (s, e) in zip(self.words, self.word_spans, strict=True)
            if s < end and e > start
        ]

    def left_at(self, offset: int) -> int:
        """Pixel x of the word holding text offset ``offset`` (0 when unknown)."""
        for w, (s, e) in zip(self.words, self.word_spans, strict=True):
            if s <= offset < e or offset < s:
                return w.box.left
        return self.words[-1].box.left if self.words else 0

    def gap_before(self, offset: int) -> float:
        """Blank space before the word starting at ``offset``, in word heights (inf: none)."""
        for k, (s, _) in enumerate(self.word_spans):
            if s == offset and k > 0:
                prev, word = self.words[k - 1].box, self.words[k].box
                return (word.left - prev.left - prev.width) / max(word.height, 1)
        return float("inf")

    def gap_after(self, offset: int) -> float:
        """Blank space after the word ending at ``offset``, in word heights (inf: none)."""
        for k, (_, e) in enumerate(self.word_spans):
            if e == offset and k + 1 < len(self.words):
                word, nxt = self.words[k].box, self.words[k + 1].box
                return (nxt.left - word.left - word.width) / max(word.height, 1)
        return float("inf")


def lines_of(ocr: OcrDocument) -> list[LineView]:
    """Every non-empty line of every page, in reading order."""
    views: list[LineView] = []
    for page in ocr.pages:
        for line in page.lines:
            words = [w for w in line.words if w.text.strip()]
            if words:
                views.append(LineView.from_words(words, page.page_number))
    return views


def union_box(words: list[Word]) -> Box | None:
    if not words:
        return None
    left = min(w.box.left for w in words)
    top = min(w.box.top for w in words)
    right = max(w.box.left + w.box.width for w in words)
    bottom = max(w.box.top + w.box.height for w in words)
    return Box(left=left, top=top, width=right - left, height=bottom - top)


def words_confidence(words: list[Word], *, mean: bool) -> float:
    """Mean for free text (one smudged word in an address matters little), else the minimum:
    one doubtful digit makes a whole ID number or date doubtful."""
    if not words:
        return 0.0
    confs = [w.confidence for w in words]
    return sum(confs) / len(confs) if mean else min(confs)
