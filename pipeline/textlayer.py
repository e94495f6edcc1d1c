"""Born-digital PDF pages: keep a real text layer, reject a garbage one.

A page whose PDF already carries its text (exported from Word, or an earlier searchable PDF)
should not be OCR'd: its text is exact. But many Vietnamese PDFs carry a text layer that is
useless for search — legacy TCVN3/VNI fonts ("Céng hoµ x· héi"), glyphs without a Unicode map
("(cid:71)", U+FFFD), or a scan with only a stamp or page number as text. Those pages are
OCR'd instead. The verdict is computed here from the words (with boxes from ``pdftotext
-bbox-layout``) and the rendered page; running the programs is ``pipeline.tools.poppler``'s job.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET

import cv2
import numpy as np
from pydantic import BaseModel

from pipeline.syllables import MARKED_LETTERS, has_marks, is_syllable
from schemas.ocr import Box, Line, Word

_VIETNAMESE = MARKED_LETTERS + MARKED_LETTERS.upper()
_TYPOGRAPHY = "“”‘’–—…•°№§«»·×"  # typographic marks a Word export may use
PLAUSIBLE = frozenset(_VIETNAMESE + _TYPOGRAPHY)
_CID = re.compile(r"\(cid:\d+\)")
_NS = "{http://www.w3.org/1999/xhtml}"

MIN_PLAUSIBLE = 0.97  # share of characters that can occur in Vietnamese/English text
# A Vietnamese layer: of its letter-only words, this share spells Vietnamese syllables and this
# share carries marks (real pages: 0.99+ and 0.88+; OCR layers made without Vietnamese: at
# most 0.65 and 0.32). Judged only from this many words on.
MIN_SYLLABLES = 0.8
MIN_MARKED = 0.4
MIN_WORDS_TO_JUDGE = 10
MIN_COVERAGE = 0.6  # share of the page's letter-like ink that lies inside some word box
MIN_CHARS = 3


class LayerVerdict(BaseModel):
    """Whether a page's text layer is kept, with the measurements behind the decision."""

    usable: bool
    reason: str
    chars: int = 0
    plausible: float = 0.0
    coverage: float = 0.0
    syllables: float = 1.0
    marked: float = 1.0

    def detail(self) -> dict[str, float | int | str | bool]:
        return {
            "reason": self.reason,
            "chars": self.chars,
            "plausible": round(self.plausible, 3),
            "coverage": round(self.coverage, 3),
            "syllables": round(self.syllables, 3),
            "marked": round(self.marked, 3),
        }


def parse_bbox_layout(xhtml: str, scale: float) -> list[Line]:
    """Rows of words from ``pdftotext -bbox-layout`` output; boxes scaled points → pixels."""
    try:
        root = ET.fromstring(xhtml)
    except ET.ParseError:
        return []
    lines: list[Line] = []
    for line in root.iter(f"{_NS}line"):
        words = []
        for word in line.iter(f"{_NS}word"):
            text = unicodedata.normalize("NFC", (word.text or "").strip())
            if not text:
                continue
            x0, y0 = float(word.get("xMin", 0)), float(word.get("yMin", 0))
            x1, y1 = float(word.get("xMax", 0)), float(word.get("yMax", 0))
            box = Box(
                left=round(x0 * scale),
                top=round(y0 * scale),
                width=max(1, round((x1 - x0) * scale)),
                height=max(1, round((y1 - y0) * scale)),
            )
            words.append(Word(text=text, confidence=1.0, box=box))
        if words:
            lines.append(Line(words=words))
    return rows_of(lines)


def rows_of(lines: list[Line]) -> list[Line]:
    """Regroup words into printed rows, left to right, as Tesseract reads a page.

    pdftotext orders text by flows (a two-column header comes out column by column); the
    extraction rules and the OCR'd pages see one row across the page ("ỦY BAN NHÂN DÂN
    CỘNG HÒA XÃ HỘI…"), so the text layer is given the same shape.
    """
    words = sorted((w for line in lines for w in line.words), key=lambda w: w.box.top)
    rows: list[list[Word]] = []
    for word in words:
        middle = word.box.top + word.box.height / 2
        if rows:
            top = min(w.box.top for w in rows[-1])
            bottom = max(w.box.top + w.box.height for w in rows[-1])
            if top <= middle <= bottom:
                rows[-1].append(word)
                continue
        rows.append([word])
    return [Line(words=sorted(row, key=lambda w: w.box.left)) for row in rows]


def plausible_fraction(text: str) -> float:
    """Share of the non-space characters that belong in Vietnamese or English text."""
    chars = [c for c in unicodedata.normalize("NFC", text) if not c.isspace()]
    if not chars:
        return 0.0
    good = sum(1 for c in chars if (c.isascii() and c.isprintable()) or c in PLAUSIBLE)
    return good / len(chars)


def ink_coverage(lines: list[Line], gray: np.ndarray) -> float:
    """Share of the letter-sized ink on the rendered page that falls inside a word box.

    Frames, rules, photos and stamps (large marks) don't count; a scan with a text layer that
    holds only a page number or a "Bản sao" stamp covers little of the page's letters.
    """
    scale = min(1.0, 1000 / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    _, mask = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if float(mask.mean()) > 0.5:  # blank page: Otsu splits paper noise
        return 1.0
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    letters = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) <= max(
        8, min(mask.shape) // 15
    )
    letters[0] = False
    ink = letters[labels]
    total = int(ink.sum())
    if total < 30:
        return 1.0
    boxes = np.zeros_like(mask)
    pad = 2
    for line in lines:
        for word in line.words:
            b = word.box
            x0, y0 = int(b.left * scale) - pad, int(b.top * scale) - pad
            x1, y1 = int((b.left + b.width) * scale) + pad, int((b.top + b.height) * scale) + pad
            boxes[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] = 1
    return float((ink & (boxes > 0)).sum()) / total


def vietnamese_shares(text: str) -> tuple[int, float, float]:
    """(letter-only words, share spelling a Vietnamese syllable, share carrying marks)."""
    words = [w.strip(".,;:!?()[]\"'“”‘’-–") for w in unicodedata.normalize("NFC", text).split()]
    words = [w for w in words if w.isalpha()]
    if not words:
        return 0, 1.0, 1.0
    syllables = sum(1 for w in words if is_syllable(w)) / len(words)
    marked = sum(1 for w in words if has_marks(w)) / len(words)
    return len(words), syllables, marked


def judge(lines: list[Line], gray: np.ndarray, *, vietnamese: bool = True) -> LayerVerdict:
    """Keep the text layer only if it is real text that covers what is printed on the page.

    With ``vietnamese`` (the OCR languages include ``vie``), the layer must also read as
    Vietnamese: an OCR layer made without Vietnamese ("CONG Hcok xA HQI CHiJ NGHiA") has few
    marks and unspellable words. (A born-digital English page is then OCR'd: slower, not lost.)
    """
    text = "\n".join(line.text for line in lines)
    chars = sum(1 for c in text if not c.isspace())
    if chars < MIN_CHARS:
        return LayerVerdict(usable=False, reason="no_text", chars=chars)
    if _CID.search(text) or "\ufffd" in text:
        return LayerVerdict(usable=False, reason="unmapped_glyphs", chars=chars)
    plausible = plausible_fraction(text)
    if plausible < MIN_PLAUSIBLE:
        return LayerVerdict(usable=False, reason="garbage", chars=chars, plausible=plausible)
    words, syllables, marked = vietnamese_shares(text)
    measured = LayerVerdict(
        usable=False,
        reason="not_vietnamese",
        chars=chars,
        plausible=plausible,
        syllables=syllables,
        marked=marked,
    )
    if (
        vietnamese
        and words >= MIN_WORDS_TO_JUDGE
        and (syllables < MIN_SYLLABLES or marked < MIN_MARKED)
    ):
        return measured
    coverage = ink_coverage(lines, gray)
    usable = coverage >= MIN_COVERAGE
    return measured.model_copy(
        update={
            "usable": usable,
            "reason": "text_layer" if usable else "partial",
            "coverage": coverage,
        }
    )
