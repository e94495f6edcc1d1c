"""OpenCV clean-up stages, each a plain function ``(PageImage, settings) -> PageImage``.

Every stage records what it did (angle, rotation, timings) and can be switched off in settings.
Orientation needs Tesseract's OSD and lives in ``pipeline.orientation``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import cv2
import numpy as np

from pipeline.page import PageImage
from schemas.documents import StageRecord
from schemas.settings import PreprocessSettings

Stage = Callable[[PageImage, PreprocessSettings], PageImage]

_WORK_WIDTH = 800


def _small(pixels: np.ndarray) -> tuple[np.ndarray, float]:
    scale = min(1.0, _WORK_WIDTH / max(pixels.shape[1], 1))
    if scale >= 1.0:
        return pixels, 1.0
    size = (int(pixels.shape[1] * scale), int(pixels.shape[0] * scale))
    return cv2.resize(pixels, size, interpolation=cv2.INTER_AREA), scale


def _ink_mask(gray: np.ndarray) -> np.ndarray:
    """Dark text pixels as 1s (Otsu on the page), used for measuring, never for OCR."""
    _, mask = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return mask


def _border_dark_to_white(gray: np.ndarray) -> np.ndarray:
    """Scanner-lid black margins touch the edges: flood them white so they don't read as text."""
    h, w = gray.shape
    dark = (gray < 60).astype(np.uint8)
    if dark.mean() < 0.002:
        return gray
    count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    out = gray.copy()
    for label in range(1, count):
        x, y, bw, bh, area = stats[label]
        touches = x == 0 or y == 0 or x + bw >= w or y + bh >= h
        if touches and area > 0.002 * h * w:
            out[labels == label] = 255
    return out


def _profile_score(mask: np.ndarray, angle: float) -> float:
    """How peaked the row profile is after rotating: text lines give sharp peaks."""
    h, w = mask.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    rotated = cv2.warpAffine(mask, matrix, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = rotated.sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def _best_angle(mask: np.ndarray, max_degrees: float) -> tuple[float, float]:
    """Coarse 1° steps then 0.1° refinement; returns (angle, score)."""
    limit = int(np.ceil(max_degrees))
    coarse = max(range(-limit, limit + 1), key=lambda a: _profile_score(mask, float(a)))
    fine = [coarse + step / 10 for step in range(-10, 11)]
    best = max(fine, key=lambda a: _profile_score(mask, a))
    return float(best), _profile_score(mask, best)


def page_mask(gray: np.ndarray) -> np.ndarray:
    """Small ink mask of a page for skew and orientation measurements."""
    small, _ = _small(gray)
    return _ink_mask(_border_dark_to_white(small)).astype(np.float32)


def estimate_skew(gray: np.ndarray, max_degrees: float) -> float:
    """Angle (degrees, counter-clockwise) that makes text lines horizontal.

    Projection-profile search on a small ink mask: robust to ±20° and to sparse cards.
    """
    mask = page_mask(gray)
    if mask.sum() < 50:
        return 0.0
    return _best_angle(mask, max_degrees)[0]


def lines_run_vertically(gray: np.ndarray, max_degrees: float) -> bool:
    """True when text lines are closer to vertical than horizontal (a page turned 90°/270°)."""
    mask = page_mask(gray)
    if mask.sum() < 50:
        return False
    _, upright = _best_angle(mask, max_degrees)
    _, turned = _best_angle(np.ascontiguousarray(mask.T), max_degrees)
    return turned > 1.5 * upright


def rotate_bound(pixels: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by ``angle`` degrees counter-clockwise, enlarging the canvas, white fill."""
    h, w = pixels.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(pixels, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=255)


def deskew(page: PageImage, settings: PreprocessSettings) -> PageImage:
    if not settings.deskew:
        return page.skipped("deskew", "disabled")
    start = time.perf_counter()
    angle = estimate_skew(page.pixels, settings.max_skew_degrees)
    if abs(angle) < 0.15:
        record = StageRecord(
            stage="deskew",
            applied=False,
            detail={"angle": round(angle, 2)},
            seconds=time.perf_counter() - start,
        )
        return page.model_copy(update={"stages": [*page.stages, record]})
    pixels = rotate_bound(page.pixels, angle)
    record = StageRecord(
        stage="deskew", detail={"angle": round(angle, 2)}, seconds=time.perf_counter() - start
    )
    return page.with_pixels(pixels, record)


def crop_border(page: PageImage, settings: PreprocessSettings) -> PageImage:
    if not settings.crop_border:
        return page.skipped("crop_border", "disabled")
    start = time.perf_counter()
    cleaned = _border_dark_to_white(page.pixels)
    changed = int(np.count_nonzero(cleaned != page.pixels))
    record = StageRecord(
        stage="crop_border",
        applied=changed > 0,
        detail={"pixels_whitened": changed},
        seconds=time.perf_counter() - start,
    )
    return page.with_pixels(cleaned, record)


def normalize_contrast(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """Divide by an estimate of the paper's brightness: flattens uneven light and yellowed paper."""
    if not settings.normalize_contrast:
        return page.skipped("normalize_contrast", "disabled")
    start = time.perf_counter()
    small, scale = _small(page.pixels)
    kernel = max(15, int(61 * scale) | 1)
    background_small = cv2.morphologyEx(
        small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel))
    )
    background_small = cv2.GaussianBlur(background_small, (0, 0), 5)
    background = cv2.resize(
        background_small,
        (page.pixels.shape[1], page.pixels.shape[0]),
        interpolation=cv2.INTER_LINEAR,
    )
    flat = cv2.divide(page.pixels, np.maximum(background, 1), scale=255)
    record = StageRecord(
        stage="normalize_contrast",
        detail={"background_min": int(background_small.min())},
        seconds=time.perf_counter() - start,
    )
    return page.with_pixels(flat, record)


def denoise(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """A 3×3 median removes scanner speckle and JPEG noise at a few ms a page."""
    if not settings.denoise:
        return page.skipped("denoise", "disabled")
    start = time.perf_counter()
    pixels = cv2.medianBlur(page.pixels, 3)
    return page.with_pixels(
        pixels,
        StageRecord(stage="denoise", detail={"median": 3}, seconds=time.perf_counter() - start),
    )


def binarize(page: PageImage, settings: PreprocessSettings) -> PageImage:
    if not settings.binarize:
        return page.skipped("binarize", "disabled")
    start = time.perf_counter()
    _, pixels = cv2.threshold(page.pixels, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return page.with_pixels(
        pixels,
        StageRecord(
            stage="binarize", detail={"method": "otsu"}, seconds=time.perf_counter() - start
        ),
    )


CLEANUP_STAGES: tuple[Stage, ...] = (crop_border, deskew, normalize_contrast, denoise, binarize)


def clean_up(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """Run the OpenCV stages in order (orientation is done before, by OSD)."""
    for stage in CLEANUP_STAGES:
        page = stage(page, settings)
    return page
