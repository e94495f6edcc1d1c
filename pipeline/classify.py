"""Which kind of civil document an OCR tree is, from its title and key phrases.

Each document type declares its titles and phrases in its rule module; they are searched with
the same fuzzy matcher as labels (accent-folded, a few wrong letters tolerated). A title on a
line of its own counts most, more again near the top of a page where titles are printed; every
other phrase (or a title quoted inside a sentence) adds a little. Confidence is high only
when one type clearly outscores the rest.
"""

from __future__ import annotations

from pipeline.extract.match import Match, Phrase, find, phrase
from pipeline.extract.registry import all_rules
from pipeline.extract.text import LineView, lines_of
from schemas.fields import DocType
from schemas.ocr import OcrDocument

TITLE_WEIGHT = 3.0
TOP_BONUS = 2.0
PHRASE_WEIGHT = 1.0
STRONG_SCORE = 5.0
"""A score at which one type alone is trusted fully (a title at the top, or five phrases)."""

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
    found = [(m, k) for k, (_, p, _) in enumerate(entries) for m in find(line, p)]
    chosen: list[tuple[Match, int]] = []
    for m, k in sorted(found, key=lambda h: (h[0].cstart - h[0].cend, h[0].distance)):
        if all(m.cend <= c.cstart or m.cstart >= c.cend for c, _ in chosen):
            chosen.append((m, k))
    return chosen


def scores(ocr: OcrDocument) -> dict[DocType, float]:
    """Score of every type with at least one phrase found."""
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
    totals: dict[DocType, float] = {}
    for k, w in weights.items():
        doc_type = entries[k][0]
        totals[doc_type] = totals.get(doc_type, 0.0) + w
    return totals


def classify(ocr: OcrDocument) -> tuple[DocType, float]:
    """The best-scoring type and a confidence in 0..1; ``OTHER`` with 0.0 when nothing scores."""
    totals = scores(ocr)
    if not totals:
        return DocType.OTHER, 0.0
    ranked = sorted(totals.items(), key=lambda t: -t[1])
    best_type, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    confidence = best / (best + second) * min(1.0, best / STRONG_SCORE)
    return best_type, round(confidence, 3)
