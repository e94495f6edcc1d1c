"""Quarter-turn orientation: a cheap projection check first, Tesseract OSD only when needed.

Running OSD on every page would cost a sizeable share of the OCR time; most counter scans are
upright, so OSD runs only for pages whose lines look vertical, or whose OCR came out poor.
"""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np

from pipeline.ocr import OcrEngine, write_page_png
from pipeline.page import PageImage
from pipeline.preprocess import lines_run_vertically
from schemas.documents import StageRecord
from schemas.settings import PreprocessSettings

_CV_ROTATIONS = {
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}
MIN_OSD_CONFIDENCE = 1.0


def rotate_quarter(pixels: np.ndarray, clockwise_degrees: int) -> np.ndarray:
    code = _CV_ROTATIONS.get(clockwise_degrees % 360)
    return pixels if code is None else cv2.rotate(pixels, code)


def osd_rotate(page: PageImage, engine: OcrEngine, scratch: Path, reason: str) -> PageImage:
    """Ask OSD which quarter turn makes the page upright and apply it if OSD is confident."""
    start = time.perf_counter()
    write_page_png(page, scratch)
    degrees, confidence = engine.orientation(scratch, dpi=page.dpi)
    scratch.unlink(missing_ok=True)
    applied = degrees in _CV_ROTATIONS and confidence >= MIN_OSD_CONFIDENCE
    record = StageRecord(
        stage="orientation",
        applied=applied,
        detail={"rotate": degrees, "osd_confidence": round(confidence, 2), "reason": reason},
        seconds=time.perf_counter() - start,
    )
    if not applied:
        return page.model_copy(update={"stages": [*page.stages, record]})
    return page.with_pixels(rotate_quarter(page.pixels, degrees), record)


def upright_if_turned(
    page: PageImage, engine: OcrEngine, scratch: Path, settings: PreprocessSettings
) -> PageImage:
    """Before OCR: fix pages lying on their side (90°/270°), which OCR would read as noise."""
    if not settings.orientation:
        return page.skipped("orientation", "disabled")
    if not lines_run_vertically(page.pixels, settings.max_skew_degrees):
        return page
    return osd_rotate(page, engine, scratch, "vertical_lines")
