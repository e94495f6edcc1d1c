"""Build OCR trees from plain text for extraction tests (no Tesseract involved).

Each text line becomes a Line; words are split on spaces, and each word's box is placed by its
character offset (10 px per character, 40 px per line), so runs of spaces become column gaps.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from schemas.ocr import Box, Line, OcrDocument, PageText, Word

CHAR_PX = 10
LINE_PX = 40


def make_line(text: str, y: int, conf: float, word_conf: dict[str, float]) -> Line:
    words = [
        Word(
            text=m.group(0),
            confidence=word_conf.get(m.group(0), conf),
            box=Box(left=m.start() * CHAR_PX, top=y, width=len(m.group(0)) * CHAR_PX, height=30),
        )
        for m in re.finditer(r"\S+", text)
    ]
    return Line(words=words)


def make_page(
    text: str | Iterable[str],
    page_number: int = 1,
    conf: float = 0.95,
    word_conf: dict[str, float] | None = None,
) -> PageText:
    rows = text.splitlines() if isinstance(text, str) else list(text)
    lines = [
        make_line(row, i * LINE_PX, conf, word_conf or {})
        for i, row in enumerate(rows)
        if row.strip()
    ]
    return PageText(
        page_number=page_number,
        width=max((len(r) for r in rows), default=0) * CHAR_PX + 100,
        height=max(len(rows), 1) * LINE_PX,
        lines=lines,
    )


def make_doc(
    *pages: str | Iterable[str],
    conf: float = 0.95,
    word_conf: dict[str, float] | None = None,
) -> OcrDocument:
    """An OcrDocument with one page per argument; ``word_conf`` overrides by exact word text."""
    return OcrDocument(
        pages=[make_page(p, i + 1, conf, word_conf) for i, p in enumerate(pages)],
        engine="test",
    )
