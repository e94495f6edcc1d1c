"""Which kind of document an OCR tree is; ``other`` when the evidence is not strong.

Each civil or component type declares its titles and phrases in its rule module; they are
searched with the same fuzzy matcher as labels (accent-folded, a few wrong letters tolerated).
A type is a candidate only with strong evidence: its title on a line of its own **and** at least
``MIN_PHRASES`` of its phrases (a second title of the type, CĂN CƯỚC over IDENTITY CARD, counts as
one); a letter quoting "Giấy khai sinh" or a table headed "Ngày, tháng, năm sinh" is no birth
certificate. A page whose title was lost (a 72-dpi photo) but that shows ``MIN_PHRASES_UNTITLED``
of a type's phrases is that type with a confidence that sends it to review. Without a candidate,
the Decree 30 layout (number and symbol, motto, kind title or "V/v", "Nơi nhận", signer's
authority) makes an administrative document; anything else is ``other``, which never carries
personal fields.
"""

from __future__ import annotations

from typing import NamedTuple

from pipeline.extract.decree30 import layout_markers
from pipeline.extract.match import Match, Phrase, find_all, phrase
from pipeline.extract.registry import all_rules
from pipeline.extract.text import LineView, lines_of
from schemas.fields import DocType
from schemas.ocr import OcrDocument

TITLE_WEIGHT = 3.0
TOP_BONUS = 2.0
PHRASE_WEIGHT = 1.0
STRONG_SCORE = 5.0
"""A score at which one type alone is trusted fully (a title at the top, or five phrases)."""

MIN_PHRASES = 2
"""Phrases of a type, besides its title, that must be found for the type to be considered."""
MIN_PHRASES_UNTITLED = 4
UNTITLED_CONFIDENCE = 0.45
"""Below the review threshold (0.5): a type without its title is always checked by a person."""
ADMIN_MARKERS = 3
"""Decree 30 layout markers that make an administrative document (one of them its number and
symbol or its kind's title)."""

TITLE_SHARE = 0.6
"""A title is printed on a line of its own; inside a sentence it only counts as a phrase."""
TOP_LINES = 8
TOP_FRACTION = 0.3


def _top_lines(ocr: OcrDocument, lines: list[LineView]) -> set[int]:
    """Indices of lines in the top part of their page (first lines or top 30 %)."""
    heights = {p.page_number: p.height for p in ocr.pages}
    top: set[int] = set()
    seen_on_page: dict[int, int] = {}
    for i, line in enumerate(lines):
        rank = seen_on_page.get(line.page, 0)
        seen_on_page[line.page] = rank + 1
        height = heights.get(line.page, 0)
        y = min(w.box.top for w in line.words) if line.words else 0
        if rank < TOP_LINES or (height > 0 and y < TOP_FRACTION * height):
            top.add(i)
    return top


def _hits(line: LineView, entries: list[tuple[DocType, Phrase, bool]]) -> list[tuple[Match, int]]:
    """Non-overlapping phrase hits on one line, longest first: "Trích lục khai sinh" beats a
    near miss of "Trích lục khai tử" on the same words."""
    per_phrase = find_all(line, [p for _, p, _ in entries])
    found = [(m, k) for k, matches in enumerate(per_phrase) for m in matches]
    chosen: list[tuple[Match, int]] = []
    for m, k in sorted(found, key=lambda h: (h[0].cstart - h[0].cend, h[0].distance)):
        if all(m.cend <= c.cstart or m.cstart >= c.cend for c, _ in chosen):
            chosen.append((m, k))
    return chosen


class Evidence(NamedTuple):
    score: float
    titles: int  # its titles found alone on a line
    phrases: int  # other phrases (or its title inside a sentence) found

    @property
    def strong(self) -> bool:
        if self.titles:
            return self.phrases + self.titles - 1 >= MIN_PHRASES
        return self.phrases >= MIN_PHRASES_UNTITLED


def evidence(ocr: OcrDocument) -> dict[DocType, Evidence]:
    """What every type with at least one phrase found has for it."""
    entries = [
        (rules.doc_type, phrase(text), is_title)
        for rules in all_rules()
        for is_title, texts in ((True, rules.titles), (False, rules.phrases))
        for text in texts
    ]
    lines = lines_of(ocr)
    top = _top_lines(ocr, lines)
    weights: dict[int, float] = {}
    for i, line in enumerate(lines):
        for m, k in _hits(line, entries):
            alone = (m.cend - m.cstart) >= TITLE_SHARE * len(line.compact)
            if entries[k][2] and alone:
                w = TITLE_WEIGHT + (TOP_BONUS if i in top else 0.0)
            else:
                w = PHRASE_WEIGHT
            weights[k] = max(weights.get(k, 0.0), w)
    found: dict[DocType, Evidence] = {}
    for k, w in weights.items():
        doc_type = entries[k][0]
        score, titles, phrases = found.get(doc_type, Evidence(0.0, 0, 0))
        is_title = w >= TITLE_WEIGHT
        found[doc_type] = Evidence(score + w, titles + is_title, phrases + (not is_title))
    return found


def scores(ocr: OcrDocument) -> dict[DocType, float]:
    """Score of every type with at least one phrase found."""
    return {doc_type: e.score for doc_type, e in evidence(ocr).items()}


def classify(ocr: OcrDocument) -> tuple[DocType, float]:
    """The type and a confidence in 0..1: a civil or component type with strong evidence, else
    an administrative document by layout, else ``OTHER`` with 0.0."""
    found = evidence(ocr)
    strong = {t: e.score for t, e in found.items() if e.strong}
    if strong:
        best_type, best = max(strong.items(), key=lambda t: t[1])
        second = max((e.score for t, e in found.items() if t != best_type), default=0.0)
        confidence = best / (best + second) * min(1.0, best / STRONG_SCORE)
        if not found[best_type].titles:
            confidence = min(confidence, UNTITLED_CONFIDENCE)
        return best_type, round(confidence, 3)
    markers = layout_markers(lines_of(ocr))
    if len(markers) >= ADMIN_MARKERS and markers & {"number_symbol", "kind_title", "subject"}:
        return DocType.ADMINISTRATIVE_DOCUMENT, round(min(1.0, len(markers) / 5), 3)
    return DocType.OTHER, 0.0
