"""Quarter-turn orientation: a cheap ink measurement first, Tesseract OSD only when it is unsure.

OSD costs about half a second a page (its model loads on every call), half of an OCR pass, so
it cannot run on every page. Instead, on the cleaned and levelled page: lines running down the
page mean a 90°/270° turn, and which way up is read from the *ascender balance*: Vietnamese
(and Latin) lines carry far more ink above their x-height band (capitals, ascenders and nearly
every tone mark) than below it (descenders, the dot below). Upside down, the balance flips.
On the generated corpus the balance is at least ±0.2 on every page; between ±``_CONFIDENT`` it
is called unsure and OSD decides.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np

from pipeline.ocr import OcrEngine, write_engine_input
from pipeline.page import PageImage
from pipeline.preprocess import text_angle, text_mask
from schemas.documents import StageRecord
from schemas.settings import PreprocessSettings

_CV_ROTATIONS = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}
MIN_OSD_CONFIDENCE = 1.0
_CONFIDENT = 0.1
_MIN_LINES_INK = 200


class TurnGuess(NamedTuple):
    rotate: int  # clockwise degrees that make the page upright
    balance: float  # ascender balance with lines level, before any half turn: + upright, − not
    vertical: bool
    confident: bool


def rotate_quarter(pixels: np.ndarray, clockwise_degrees: int) -> np.ndarray:
    code = _CV_ROTATIONS.get(clockwise_degrees % 360)
    return pixels if code is None else cv2.rotate(pixels, code)


def ascender_balance(mask: np.ndarray) -> float:
    """Median over the text lines of a level mask of (ink above the x-height band − below) / both.

    Each line votes with a bounded weight, so a few lines merged with a QR code, a photo or a
    stamp cannot outvote the page. Only letter-sized marks count (emblems, large titles and
    underlines would swamp the lines they sit in); lines are runs of rows with ink, and a run
    much taller than the others (lines merged by a QR code or a photo beside them) is skipped.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count < 2:
        return 0.0
    heights = stats[:, cv2.CC_STAT_HEIGHT]
    widths = stats[:, cv2.CC_STAT_WIDTH]
    letters = heights[1:][stats[1:, cv2.CC_STAT_AREA] >= 4]
    if letters.size == 0:
        return 0.0
    letter = float(np.median(letters))
    rule = (widths >= 6 * letter) & (heights <= 0.5 * letter)
    keep = (heights <= 2 * letter) & ~rule
    keep[0] = False
    rows = keep[labels].sum(axis=1, dtype=np.int64).astype(np.float64)
    edges = np.flatnonzero(np.diff(np.r_[0, (rows > 0).astype(np.int8), 0]))
    runs = [(top, bottom) for top, bottom in zip(edges[::2], edges[1::2], strict=True)]
    runs = [(top, bottom) for top, bottom in runs if bottom - top >= 3]
    if not runs:
        return 0.0
    typical = float(np.median([bottom - top for top, bottom in runs]))
    balances = []
    for top, bottom in runs:
        if bottom - top > 2.5 * typical:
            continue
        profile = rows[top:bottom]
        band = np.flatnonzero(profile >= 0.5 * profile.max())
        above = float(profile[: band[0]].sum())
        below = float(profile[band[-1] + 1 :].sum())
        if above + below >= 4:
            balances.append((above - below) / (above + below))
    return float(np.median(balances)) if balances else 0.0


def _level(mask: np.ndarray, angle: float) -> np.ndarray:
    if abs(angle) < 0.05:
        return mask
    h, w = mask.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)


def _deskewed_lines(page: PageImage) -> bool | None:
    """Whether deskew found this page's lines running down it; None when deskew did not run."""
    for record in reversed(page.stages):
        if record.stage == "deskew" and record.detail.get("reason") != "disabled":
            lines = record.detail.get("lines")
            return None if lines is None else lines == "vertical"
    return None


def guess_turn(gray: np.ndarray, max_degrees: float, vertical: bool | None = None) -> TurnGuess:
    """The quarter turn that makes the page upright, from its ink alone (tens of ms).

    ``vertical``: which way the lines run when deskew has just measured it on this page (its
    lines are then level already, so neither the direction nor the angle is searched again).
    """
    mask = text_mask(gray)
    if vertical is None:
        found = text_angle(mask, max_degrees)
        ink, vertical = found.ink, found.vertical
    else:
        ink = int(mask.sum())
    if ink < _MIN_LINES_INK:
        return TurnGuess(0, 0.0, False, False)
    base = 90 if vertical else 0
    level = np.ascontiguousarray(rotate_quarter(mask, base))
    if max_degrees > 0:
        level = _level(level, text_angle(level, max_degrees).angle)
    balance = ascender_balance(level)
    rotate = base if balance >= 0 else (base + 180) % 360
    confident = abs(balance) >= _CONFIDENT
    return TurnGuess(rotate, round(balance, 3), vertical, confident)


def osd_rotate(page: PageImage, engine: OcrEngine, scratch: Path, reason: str) -> PageImage:
    """Ask OSD which quarter turn makes the page upright and apply it if OSD is confident."""
    start = time.perf_counter()
    image = write_engine_input(page, scratch)
    degrees, confidence = engine.orientation(image, dpi=page.dpi)
    image.unlink(missing_ok=True)
    applied = degrees in _CV_ROTATIONS and confidence >= MIN_OSD_CONFIDENCE
    record = StageRecord(
        stage="orientation",
        applied=applied,
        detail={
            "rotate": degrees if applied else 0,
            "method": "osd",
            "osd_confidence": round(confidence, 2),
            "reason": reason,
        },
        seconds=round(time.perf_counter() - start, 4),
    )
    if not applied:
        return page.model_copy(update={"stages": [*page.stages, record]})
    return page.with_pixels(rotate_quarter(page.pixels, degrees), record)


def orient(
    page: PageImage, engine: OcrEngine | None, scratch: Path, settings: PreprocessSettings
) -> PageImage:
    """Turn the page upright: by the ink measurement when it is clear, else by OSD."""
    if not settings.orientation:
        return page.skipped("orientation", "disabled")
    start = time.perf_counter()
    # A deskewed page's lines are square to it and their direction is known: no search.
    vertical = _deskewed_lines(page)
    search = 0.0 if vertical is not None else settings.max_skew_degrees
    guess = guess_turn(page.pixels, search, vertical)
    if not guess.confident and engine is not None:
        return osd_rotate(page, engine, scratch, "unsure")
    record = StageRecord(
        stage="orientation",
        applied=guess.rotate != 0,
        detail={
            "rotate": guess.rotate,
            "method": "ascenders",
            "balance": guess.balance,
            "lines": "vertical" if guess.vertical else "horizontal",
            "confident": guess.confident,
        },
        seconds=round(time.perf_counter() - start, 4),
    )
    if guess.rotate == 0:
        return page.model_copy(update={"stages": [*page.stages, record]})
    pixels = rotate_quarter(page.pixels, guess.rotate)
    return page.with_pixels(pixels, record)


def orientation_settled(page: PageImage) -> bool:
    """True when a poor OCR of this page would not be a turned page: OSD was already asked, or
    the ink found it upright with confidence."""
    for record in reversed(page.stages):
        if record.stage == "orientation":
            if record.detail.get("method") == "osd":
                return True
            return record.detail.get("confident") is True and record.detail.get("rotate") == 0
    return False


__all__ = [
    "TurnGuess",
    "ascender_balance",
    "guess_turn",
    "orient",
    "orientation_settled",
    "osd_rotate",
    "rotate_quarter",
]
