"""Read the QR codes on a page before OCR: they carry exact data where OCR can only guess.

zxing-cpp does the work (QR formats only, for speed). A page without any code costs one plain
pass plus one fixed-threshold pass (a few milliseconds on an A4 page at 300 dpi, under 1 % of
its OCR time). Only when a symbol was *detected* but not decoded — or the image is small enough
(cards, low-dpi renders) — does a ladder of retries run: 2× upscaling, a fixed threshold,
sharpening against blur, an adaptive (local) binarisation, then 3× upscaling on crops.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import cv2
import numpy as np
import zxingcpp

from schemas.ocr import Box, DecodedCode
from schemas.settings import CodesSettings

QR_ONLY = "QRCode"  # the fastest search
CROP_MARGIN = 0.6
"""A detected-but-unread symbol is retried on its box grown by this share on every side."""

Region = tuple[int, int, int, int]  # left, top, right, bottom
Decoded = tuple[str, str, Region]  # text, format name, bounds
Variant = Callable[[np.ndarray], tuple[np.ndarray, float, zxingcpp.Binarizer]]


def _up(image: np.ndarray, factor: float) -> np.ndarray:
    return cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)


def _sharpen(image: np.ndarray) -> np.ndarray:
    """Unsharp mask: restores module edges that optical blur has smeared."""
    soft = cv2.GaussianBlur(image, (0, 0), 2.0)
    return cv2.addWeighted(image, 1.8, soft, -0.8, 0)


def _adaptive(image: np.ndarray) -> np.ndarray:
    """Local mean threshold: survives uneven light and grey print better than one cut-off."""
    block = max(15, (min(image.shape[:2]) // 40) | 1)
    return cv2.adaptiveThreshold(
        image, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, 8
    )


LOCAL = zxingcpp.Binarizer.LocalAverage
FIXED = zxingcpp.Binarizer.FixedThreshold
RETRIES: tuple[Variant, ...] = (
    lambda im: (_up(im, 2.0), 2.0, LOCAL),
    lambda im: (_up(im, 2.0), 2.0, FIXED),
    lambda im: (_up(_sharpen(im), 2.0), 2.0, LOCAL),
    lambda im: (_adaptive(_up(im, 2.0)), 2.0, LOCAL),
    lambda im: (_up(_sharpen(im), 3.0), 3.0, FIXED),
)
"""Tried in order on each region until one decodes; each is a few ms on a card-sized crop."""


def _gray(pixels: np.ndarray) -> np.ndarray:
    if pixels.ndim == 3:
        pixels = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    return np.ascontiguousarray(pixels, dtype=np.uint8)


def _bounds(barcode: zxingcpp.Barcode) -> Region:
    p = barcode.position
    xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
    ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
    return min(xs), min(ys), max(xs), max(ys)


def _read(image: np.ndarray, binarizer: zxingcpp.Binarizer) -> tuple[list[Decoded], list[Region]]:
    """Decoded (text, format, bounds) and the bounds of symbols found but not decoded."""
    try:
        found = zxingcpp.read_barcodes(
            image,
            # Made per call: a module-level BarcodeFormats is reported by nanobind as "leaked"
            # in every process's exit output.
            formats=zxingcpp.barcode_formats_from_str(QR_ONLY),
            binarizer=binarizer,
            return_errors=True,
        )
    except (RuntimeError, ValueError):  # a decoder failure must never fail the page
        return [], []
    decoded = [(b.text, b.format.name, _bounds(b)) for b in found if b.valid and b.text]
    failed = [_bounds(b) for b in found if not b.valid]
    return decoded, failed


def _grow(region: Region, shape: tuple[int, ...]) -> Region:
    left, top, right, bottom = region
    dx, dy = CROP_MARGIN * (right - left), CROP_MARGIN * (bottom - top)
    h, w = shape[:2]
    return (
        max(0, int(left - dx)),
        max(0, int(top - dy)),
        min(w, int(right + dx) + 1),
        min(h, int(bottom + dy) + 1),
    )


def _retry(image: np.ndarray, region: Region) -> list[Decoded]:
    """The retry ladder on one region; bounds come back in page coordinates."""
    left, top, right, bottom = region
    crop = image[top:bottom, left:right]
    if crop.shape[0] < 8 or crop.shape[1] < 8:
        return []
    for variant in RETRIES:
        prepared, factor, binarizer = variant(crop)
        decoded, _ = _read(prepared, binarizer)
        if decoded:
            return [(text, fmt, _scale(b, factor, left, top)) for text, fmt, b in decoded]
    return []


def _as_codes(decoded: Iterable[tuple[str, str, Region]]) -> list[DecodedCode]:
    codes: dict[str, DecodedCode] = {}
    for text, fmt, (left, top, right, bottom) in decoded:
        box = Box(left=left, top=top, width=max(1, right - left), height=max(1, bottom - top))
        codes.setdefault(text, DecodedCode(text=text, format=fmt, box=box))
    return list(codes.values())


def decode_codes(pixels: np.ndarray, settings: CodesSettings | None = None) -> list[DecodedCode]:
    """Every QR code readable on the page, each text once, in order of discovery."""
    settings = settings or CodesSettings()
    if not settings.enabled or pixels.size == 0:
        return []
    image = _gray(pixels)
    decoded, failed = _read(image, LOCAL)
    if not decoded:
        decoded, more = _read(image, FIXED)
        failed += more
    if not decoded and not failed and image.size <= settings.retry_max_pixels:
        # Small image (low-dpi render, card photo): modules may be too few pixels to detect.
        decoded, failed = _read_scaled(image, 2.0)
    for region in [_grow(r, image.shape) for r in failed]:
        if not any(_inside(found[2], region) for found in decoded):
            decoded += _retry(image, region)
    return _as_codes(decoded)


def _read_scaled(image: np.ndarray, factor: float) -> tuple[list[Decoded], list[Region]]:
    decoded, failed = _read(_up(image, factor), LOCAL)
    return (
        [(text, fmt, _scale(b, factor)) for text, fmt, b in decoded],
        [_scale(b, factor) for b in failed],
    )


def _scale(bounds: Region, factor: float, dx: int = 0, dy: int = 0) -> Region:
    left, top, right, bottom = bounds
    return (
        dx + int(left / factor),
        dy + int(top / factor),
        dx + int(right / factor),
        dy + int(bottom / factor),
    )


def _inside(bounds: Region, region: Region) -> bool:
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    return region[0] <= cx <= region[2] and region[1] <= cy <= region[3]
