"""Is a scanned page blank? The backs of duplex scans are, and must not become documents.

A blank back is rarely white: the scanner adds noise and JPEG artefacts, the lamp lights it
unevenly, the print on the front bleeds through faintly (mirrored) and the glass edges leave
dark borders. So the page is shrunk to about 100 dpi (averaging the noise), its margins are
cut, its own background is divided out (uneven light), and only marks clearly darker than the
paper around them — in connected blobs bigger than speckle, not touching the cut edge (scanner
borders) — count as ink. A page is blank when that ink covers less than ``max_ink`` of it; a
single short handwritten line is already above the default.
"""

from __future__ import annotations

import cv2
import numpy as np

WORK_SIDE = 1100
"""Long side after shrinking, about an A4 page at 100 dpi: cheap, and speckle averages out."""
MARGIN = 0.04
"""Share of each side cut off: scanner edges, shadows, punched holes."""
INK_CONTRAST = 0.35
"""Ink is at least this much darker than the paper around it; bleed-through is 5–20 %."""
MIN_BLOB = 5
"""Pixels (at the working size) a mark must have to be more than speckle or dust."""
MAX_INK = 0.0002
"""Default share of ink below which a page is blank; a signature alone is about 0.04 %."""


def ink_coverage(pixels: np.ndarray) -> float:
    """Share of the page (margins cut) covered by marks that are real ink."""
    if pixels.size == 0:
        return 0.0
    gray = pixels if pixels.ndim == 2 else cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    h, w = gray.shape
    scale = min(1.0, WORK_SIDE / max(h, w))
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = gray.shape
    dy, dx = int(h * MARGIN), int(w * MARGIN)
    gray = gray[dy : h - dy, dx : w - dx]
    if gray.size == 0:
        return 0.0
    # The paper's own brightness: dark marks removed by a grey closing, then smoothed.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (25, 25))
    paper = cv2.blur(cv2.morphologyEx(gray, cv2.MORPH_CLOSE, kernel), (25, 25))
    ratio = gray.astype(np.float32) / np.maximum(paper.astype(np.float32), 1.0)
    ink = (ratio < 1.0 - INK_CONTRAST).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return 0.0
    x, y, bw, bh, area = (stats[1:, i] for i in range(5))
    gh, gw = ink.shape
    touches_edge = (x == 0) | (y == 0) | (x + bw >= gw) | (y + bh >= gh)
    kept = area[(area >= MIN_BLOB) & ~touches_edge]
    return float(kept.sum()) / float(ink.size)


def is_blank(pixels: np.ndarray, max_ink: float = MAX_INK) -> bool:
    """True for a page with (almost) no ink: an empty back, a blank sheet."""
    return ink_coverage(pixels) < max_ink
