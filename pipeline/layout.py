"""Reading order for side-by-side blocks that Tesseract reads as one row.

Vietnamese administrative documents (Decree 30/2020/NĐ-CP) open with two columns: issuing
body, number and subject on the left, national motto, place and date on the right; the
signature block at the end is laid out the same way ("Nơi nhận" left, signer right).
Tesseract's layout analysis joins each left line with the right one beside it, so the page's
text interleaves the two blocks ("UBND THÀNH PHỐ … CỘNG HOÀ XÃ HỘI …"). On real letters that
alone costs about 7 points of CER, and it splits the issuing body and the motto mid-field.

``reading_order`` finds runs of adjacent rows that share a vertical white channel and reads
them column by column: left block top to bottom, then the right one. Rows that span the page
(body text) are never touched, nor is the order of rows between two such zones.
"""

from __future__ import annotations

import itertools
import statistics
from typing import NamedTuple

from schemas.documents import StageRecord
from schemas.ocr import Line, PageText, Word

# A gap between words this many letter heights wide separates two columns outright ...
CLEAR_GAP = 2.0
# ... and a row next to such rows splits at the shared channel when its gap there is this wide.
CHANNEL_GAP = 0.8
# Rows are in the same block when the white space between them is below this many heights.
ROW_GAP = 1.2


class Channel(NamedTuple):
    """The white interval (page x) between the left and right block of a zone."""

    left: int
    right: int

    @property
    def middle(self) -> float:
        return (self.left + self.right) / 2


def _inked(word: Word) -> bool:
    """Letters or digits: a stray '_' or '|' Tesseract reads between blocks is no word."""
    return any(c.isalnum() for c in word.text)


def _height(line: Line) -> float:
    words = [w for w in line.words if _inked(w)] or line.words
    return float(statistics.median(w.box.height for w in words)) if words else 0.0


def _top(line: Line) -> int:
    return min(w.box.top for w in line.words)


def _bottom(line: Line) -> int:
    return max(w.box.top + w.box.height for w in line.words)


def _widest_gap(line: Line) -> tuple[int, int, int] | None:
    """(index of the first word after the gap, gap left x, gap right x) of the widest gap."""
    inked = [(i, w) for i, w in enumerate(line.words) if _inked(w)]
    best: tuple[int, int, int] | None = None
    for (_, a), (j, b) in itertools.pairwise(inked):
        start, end = a.box.left + a.box.width, b.box.left
        if best is None or end - start > best[2] - best[1]:
            best = (j, start, end)
    return best


def _clear_split(line: Line, page_width: int) -> tuple[int, Channel] | None:
    """Where a row splits into two blocks by a wide gap alone, with that gap."""
    gap = _widest_gap(line)
    height = _height(line)
    if gap is None or height <= 0:
        return None
    index, start, end = gap
    if end - start >= max(CLEAR_GAP * height, 0.03 * page_width):
        return index, Channel(start, end)
    return None


def _split_at(line: Line, channel: Channel) -> int | None:
    """Index where a row beside a zone divides at its channel, or None if it spans it.

    0 means the whole row is right of the channel; len(words), the whole row is left of it.
    """
    inked = [w for w in line.words if _inked(w)]
    if not inked:
        return None
    if all(w.box.left + w.box.width <= channel.right for w in inked):
        return len(line.words)
    if all(w.box.left >= channel.left for w in inked):
        return 0
    height = _height(line)
    best: tuple[float, int] | None = None
    for j in range(1, len(line.words)):
        left = [w for w in line.words[:j] if _inked(w)]
        right = [w for w in line.words[j:] if _inked(w)]
        if not left or not right:
            continue
        start = max(w.box.left + w.box.width for w in left)
        end = min(w.box.left for w in right)
        if end - start < CHANNEL_GAP * height or min(end, channel.right) <= max(
            start, channel.left
        ):
            continue  # too narrow for a column break, or beside the channel
        distance = abs((start + end) / 2 - channel.middle)
        if best is None or distance < best[0]:
            best = (distance, j)
    return None if best is None else best[1]


def _adjacent(upper: Line, lower: Line) -> bool:
    height = max(_height(upper), _height(lower), 1.0)
    return -height <= _top(lower) - _bottom(upper) <= ROW_GAP * height


def _zone_at(
    lines: list[Line], seed: int, floor: int, page_width: int
) -> tuple[int, int, list[int]] | None:
    """The zone grown from a clearly split row, not above ``floor``: (first, end, splits)."""
    first = _clear_split(lines[seed], page_width)
    if first is None:
        return None
    channel = first[1]
    start, end = seed, seed + 1
    while end < len(lines) and _adjacent(lines[end - 1], lines[end]):
        clear = _clear_split(lines[end], page_width)
        if clear is None:
            break
        narrowed = Channel(max(channel.left, clear[1].left), min(channel.right, clear[1].right))
        if narrowed.left >= narrowed.right:
            break
        channel, end = narrowed, end + 1
    if end - seed < 2:
        return None  # one wide gap is a form's tab stop; columns need two rows that agree
    splits = [_split_at(lines[i], channel) for i in range(seed, end)]
    while start > floor and _adjacent(lines[start - 1], lines[start]):
        split = _split_at(lines[start - 1], channel)
        if split is None:
            break
        start -= 1
        splits.insert(0, split)
    while end < len(lines) and _adjacent(lines[end - 1], lines[end]):
        split = _split_at(lines[end], channel)
        if split is None:
            break
        end += 1
        splits.append(split)
    if any(s is None for s in splits):
        return None
    return start, end, [int(s) for s in splits if s is not None]


def reading_order(lines: list[Line], page_width: int) -> list[Line]:
    """The rows with every two-column zone read left block first, then right block."""
    ordered: list[Line] = []
    i = floor = 0
    while i < len(lines):
        zone = _zone_at(lines, i, floor, page_width) if lines[i].words else None
        if zone is None:
            ordered.append(lines[i])
            i += 1
            continue
        start, end, splits = zone
        rows = lines[start:end]
        left = [Line(words=r.words[:s]) for r, s in zip(rows, splits, strict=True) if s > 0]
        right = [
            Line(words=r.words[s:]) for r, s in zip(rows, splits, strict=True) if s < len(r.words)
        ]
        del ordered[len(ordered) - (i - start) :]  # rows above the seed, already emitted
        ordered.extend(left + right)
        i = floor = end
    return ordered


def in_reading_order(text: PageText) -> PageText:
    """The page with its rows in reading order, and a record of the zones read as columns."""
    lines = reading_order(text.lines, text.width)
    changed = len(lines) != len(text.lines)
    record = StageRecord(stage="reading_order", applied=changed, detail={"rows": len(lines)})
    return text.model_copy(update={"lines": lines, "stages": [*text.stages, record]})
