"""OpenCV clean-up stages, each a plain function ``(PageImage, settings) -> PageImage``.

Every stage records what it did (angle, pixels changed, timings) and can be switched off in
settings. Measurements run on a small copy of the page (about 800 px wide) so that each stage
costs tens of milliseconds on a 300-dpi A4 page, against about a second for Tesseract.
Quarter-turn orientation needs these measurements too and lives in ``pipeline.orientation``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

import cv2
import numpy as np

from pipeline.page import PageImage
from schemas.documents import StageRecord
from schemas.settings import PreprocessSettings

Stage = Callable[[PageImage, PreprocessSettings], PageImage]

_WORK_WIDTH = 800
_DARK = 60  # scanner-lid black is darker than any paper, lighter than nothing
_COARSE_POINTS = 12_000


def _small(pixels: np.ndarray, width: int = _WORK_WIDTH) -> tuple[np.ndarray, float]:
    """A copy with the pixel count of an A4 page ``width`` wide (same scale whichever way up).

    Halving with ``pyrDown`` first is several times cheaper than an area resize of a full page.
    """
    h, w = pixels.shape[:2]
    scale = min(1.0, (width * width * 1.414 / max(h * w, 1)) ** 0.5)
    if scale >= 1.0:
        return pixels, 1.0
    small = pixels
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    while small.shape[1] >= 2 * size[0] and small.shape[0] >= 2 * size[1]:
        small = cv2.pyrDown(small)
    # After pyrDown's low-pass, linear is enough for the < 2× left; a direct shrink needs area.
    method = cv2.INTER_LINEAR if small is not pixels else cv2.INTER_AREA
    return cv2.resize(small, size, interpolation=method), scale


def _record(stage: str, start: float, applied: bool = True, **detail: float | str) -> StageRecord:
    return StageRecord(
        stage=stage, applied=applied, detail=detail, seconds=round(time.perf_counter() - start, 4)
    )


def _dark_border(gray: np.ndarray) -> np.ndarray:
    """Mask (uint8 0/1) of large dark regions touching the edge: an open scanner lid."""
    h, w = gray.shape
    dark = (gray < _DARK).astype(np.uint8)
    edge = np.concatenate([dark[0], dark[-1], dark[:, 0], dark[:, -1]])
    if edge.mean() < 0.02:
        return np.zeros_like(dark)
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    x, y, bw, bh, area = (stats[:, i] for i in range(5))
    touches = (x == 0) | (y == 0) | (x + bw >= w) | (y + bh >= h)
    keep = touches & (area > 0.002 * h * w)
    keep[0] = False
    return keep[labels].astype(np.uint8)


def text_mask(gray: np.ndarray) -> np.ndarray:
    """Small ink mask (uint8 0/1) with only text-sized marks, for angle and layout measurements.

    Page frames (whole or broken into dashes), table rules, photos and the dark border of an
    open lid are dropped: their long straight edges would otherwise outvote the text lines.
    """
    small, _ = _small(gray)
    border = _dark_border(small)
    if border.any():
        small = np.where(border > 0, np.uint8(255), small)
    _, mask = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    longest = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    shortest = np.minimum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    rule = (shortest <= 3) & (longest >= 5 * shortest)  # pieces of frames and rules
    keep = (longest <= min(mask.shape) / 3) & (stats[:, cv2.CC_STAT_AREA] >= 2) & ~rule
    keep[0] = False
    return keep[labels].astype(np.uint8)


def _profile_score(ys: np.ndarray, xs: np.ndarray, angle: float) -> float:
    """How peaked the row profile of the ink points is after rotating: lines give sharp peaks.

    Projects the points instead of warping the image: a fraction of a millisecond per angle.
    """
    radians = np.deg2rad(angle)
    rows = ys * np.cos(radians) - xs * np.sin(radians)
    counts = np.bincount((rows - rows.min()).astype(np.int64)).astype(np.float64)
    return float(np.square(np.diff(counts)).sum())


def _best_angle(mask: np.ndarray, max_degrees: float) -> tuple[float, float]:
    """Coarse 1° steps on a sample of the ink, then 0.1° steps on all of it; (angle, score)."""
    ys, xs = np.nonzero(mask)
    ys_f, xs_f = ys.astype(np.float32), xs.astype(np.float32)
    if len(ys) > _COARSE_POINTS:  # a random sample: a regular one aliases with the pixel grid
        pick = np.random.default_rng(0).choice(len(ys), _COARSE_POINTS, replace=False)
        ys_c, xs_c = ys_f[pick], xs_f[pick]
    else:
        ys_c, xs_c = ys_f, xs_f
    limit = int(np.ceil(max_degrees))
    coarse = max(range(-limit, limit + 1), key=lambda a: _profile_score(ys_c, xs_c, float(a)))
    fine = [coarse + step / 10 for step in range(-10, 11)]
    best = max(fine, key=lambda a: _profile_score(ys_f, xs_f, a))
    return float(best), _profile_score(ys_f, xs_f, best)


class TextAngle(NamedTuple):
    """Which way the text lines run and the rotation that makes them level."""

    angle: float  # degrees counter-clockwise: horizontal lines level, vertical lines upright
    vertical: bool
    ink: int


def text_angle(mask: np.ndarray, max_degrees: float) -> TextAngle:
    """Best angle for lines running across the page and for lines running down it.

    A page turned a quarter has vertical lines; deskewing it as such keeps it square for the
    quarter turn that follows. (Transposing mirrors the page, so that angle changes sign.)
    """
    ink = int(mask.sum())
    if ink < 50:
        return TextAngle(0.0, False, ink)
    across, across_score = _best_angle(mask, max_degrees)
    down, down_score = _best_angle(np.ascontiguousarray(mask.T), max_degrees)
    if down_score > 1.5 * across_score:
        return TextAngle(-down, True, ink)
    return TextAngle(across, False, ink)


def estimate_skew(gray: np.ndarray, max_degrees: float) -> float:
    """Angle (degrees, counter-clockwise) that levels the text lines, whichever way they run.

    Projection-profile search on a small text mask: robust to ±20°, sparse cards and frames.
    """
    return text_angle(text_mask(gray), max_degrees).angle


def lines_run_vertically(gray: np.ndarray, max_degrees: float) -> bool:
    """True when text lines are closer to vertical than horizontal (a page turned 90°/270°)."""
    return text_angle(text_mask(gray), max_degrees).vertical


def rotate_bound(pixels: np.ndarray, angle: float) -> np.ndarray:
    """Rotate by ``angle`` degrees counter-clockwise, enlarging the canvas, white fill."""
    h, w = pixels.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = int(h * sin + w * cos), int(h * cos + w * sin)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(pixels, matrix, (new_w, new_h), flags=cv2.INTER_LINEAR, borderValue=255)


def measure(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """What later stages decide by, taken from the page as scanned: is it black and white?

    A bilevel scan (CCITT G4 fax, 1-bit TIFF) has no grey sensor noise; a median filter only
    rounds off its strokes (1.50 % CER against 0.95 % on a real 300-dpi G4 page).
    """
    start = time.perf_counter()
    sample = page.pixels[::4, ::4]
    grey = np.count_nonzero((sample > 0) & (sample < 255))
    bilevel = grey <= 0.001 * sample.size
    record = _record("measure", start, bilevel=str(bilevel).lower())
    return page.model_copy(update={"bilevel": bilevel, "stages": [*page.stages, record]})


def crop_border(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """Whiten the black margins of an open scanner lid (kept in place: boxes stay comparable)."""
    if not settings.crop_border:
        return page.skipped("crop_border", "disabled")
    start = time.perf_counter()
    small, scale = _small(page.pixels)
    border = _dark_border(small)
    if not border.any():
        return page.model_copy(
            update={"stages": [*page.stages, _record("crop_border", start, applied=False)]}
        )
    h, w = page.pixels.shape
    full = cv2.resize(border, (w, h), interpolation=cv2.INTER_NEAREST)
    grow = max(3, round(2 / scale)) | 1  # cover the anti-aliased edge lost by the small copy
    full = cv2.dilate(full, cv2.getStructuringElement(cv2.MORPH_RECT, (grow, grow)))
    pixels = page.pixels.copy()
    pixels[full > 0] = 255
    return page.with_pixels(
        pixels, _record("crop_border", start, border_fraction=round(float(full.mean()), 4))
    )


def deskew(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """Level the text lines (up to ``max_skew_degrees``); lines running down stay vertical."""
    if not settings.deskew:
        return page.skipped("deskew", "disabled")
    start = time.perf_counter()
    found = text_angle(text_mask(page.pixels), settings.max_skew_degrees)
    lines = "vertical" if found.vertical else "horizontal"
    if abs(found.angle) < settings.min_skew_degrees:
        record = _record("deskew", start, applied=False, angle=round(found.angle, 2), lines=lines)
        return page.model_copy(update={"stages": [*page.stages, record]})
    pixels = rotate_bound(page.pixels, found.angle)
    return page.with_pixels(
        pixels, _record("deskew", start, angle=round(found.angle, 2), lines=lines)
    )


def normalize_contrast(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """Divide by an estimate of the paper's brightness: flattens uneven light and yellowed paper.

    The background is a grey closing (text removed) of the small copy, blurred and scaled back;
    what is within a few percent of the paper afterwards becomes pure white.
    """
    if not settings.normalize_contrast:
        return page.skipped("normalize_contrast", "disabled")
    start = time.perf_counter()
    small, scale = _small(page.pixels)
    kernel = max(15, int(61 * scale) | 1)
    background_small = cv2.morphologyEx(
        small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (kernel, kernel))
    )
    background_small = np.maximum(cv2.GaussianBlur(background_small, (0, 0), 5), 1)
    h, w = page.pixels.shape
    # Linear interpolation of values >= 1 stays >= 1: no division by zero on the full page.
    background = cv2.resize(background_small, (w, h), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(page.pixels, background, scale=255)
    white = settings.white_point
    if white < 255:
        lut = np.clip(np.arange(256) * 255.0 / white, 0, 255).astype(np.uint8)
        flat = cv2.LUT(flat, lut)
    record = _record(
        "normalize_contrast",
        start,
        background_min=int(background_small.min()),
        background_spread=int(background_small.max()) - int(background_small.min()),
    )
    return page.with_pixels(flat, record)


def denoise(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """Remove scanner speckle and JPEG noise, only where the letters are big enough to keep.

    Runs after ``upscale``: a 3×3 median on letters about 8 px high (a 70-dpi phone photo of
    a letter) eats strokes and diacritics ("Giáo dục" → "Giáo đục", 22.6 % CER against 9.8 %
    without it), while on 300-dpi pages it removes speckle Tesseract would read.
    """
    if not settings.denoise or settings.denoise_method == "none":
        return page.skipped("denoise", "disabled")
    if page.bilevel:
        return page.skipped("denoise", "bilevel")
    start = time.perf_counter()
    height = page.text_height if page.text_height is not None else text_height(page.pixels)
    if 0 < height < settings.denoise_min_text_px:
        record = _record(
            "denoise", start, applied=False, reason="small_text", text_height=round(height, 1)
        )
        return page.model_copy(update={"stages": [*page.stages, record]})
    method = settings.denoise_method
    if method == "median":
        pixels = cv2.medianBlur(page.pixels, 3)
    elif method == "gaussian":
        pixels = cv2.GaussianBlur(page.pixels, (3, 3), 0)
    else:  # nlmeans: best on heavy noise but ~1 s a page; measured, not the default
        pixels = cv2.fastNlMeansDenoising(page.pixels, None, h=12, templateWindowSize=7)
    record = _record("denoise", start, method=method, text_height=round(height, 1))
    return page.with_pixels(pixels, record)


def text_height(gray: np.ndarray) -> float:
    """Median height in full-size pixels of the text-sized marks (letters, digits, accents)."""
    small, scale = _small(gray)
    _, mask = cv2.threshold(small, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    areas = stats[1:, cv2.CC_STAT_AREA]
    letters = heights[(areas >= 6) & (heights >= 4) & (heights <= min(mask.shape) / 20)]
    if letters.size < 20:
        return 0.0
    return float(np.median(letters)) / scale


# Tesseract's own resolution estimate from x-heights is 12.6-18 times the median letter height
# ``text_height`` measures (cards, A4 pages, 70-dpi phone shots). Told 600 dpi for 16-px letters,
# Tesseract takes small lines for noise: a phone shot of an ID card lost its number line.
_DPI_PER_LETTER_PX = 15.0


def _dpi_from_letters(page: PageImage, height: float) -> PageImage:
    """A resolution that fits the letters, for a file that did not say its own."""
    if page.dpi_claimed or height <= 0:
        return page
    dpi = int(min(1200, max(70, round(height * _DPI_PER_LETTER_PX))))
    record = StageRecord(
        stage="estimate_dpi", applied=True, detail={"dpi": dpi, "default": page.dpi}
    )
    return page.model_copy(update={"dpi": dpi, "stages": [*page.stages, record]})


def upscale(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """Enlarge low-resolution scans whose letters are too small for Tesseract (dpi follows)."""
    if not settings.upscale:
        return page.skipped("upscale", "disabled")
    start = time.perf_counter()
    height = text_height(page.pixels)
    page = _dpi_from_letters(page, height)
    if height <= 0 or height >= settings.min_text_height_px:
        record = _record("upscale", start, applied=False, text_height=round(height, 1))
        return page.model_copy(update={"stages": [*page.stages, record], "text_height": height})
    factor = min(settings.max_upscale, settings.upscale_target_px / height)
    h, w = page.pixels.shape
    pixels = cv2.resize(
        page.pixels, (round(w * factor), round(h * factor)), interpolation=cv2.INTER_CUBIC
    )
    record = _record("upscale", start, text_height=round(height, 1), factor=round(factor, 2))
    upscaled = page.with_pixels(pixels, record)
    return upscaled.model_copy(
        update={"dpi": round(page.dpi * factor), "text_height": height * factor}
    )


def binarize(page: PageImage, settings: PreprocessSettings) -> PageImage:
    if not settings.binarize:
        return page.skipped("binarize", "disabled")
    start = time.perf_counter()
    if settings.binarize_method == "adaptive":
        block = max(15, round(page.dpi / 10) | 1)
        pixels = cv2.adaptiveThreshold(
            page.pixels, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 15
        )
    else:
        _, pixels = cv2.threshold(page.pixels, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return page.with_pixels(pixels, _record("binarize", start, method=settings.binarize_method))


class ContentBox(NamedTuple):
    """The inked part of a page, in full-size pixels (right and bottom exclusive)."""

    left: int
    top: int
    right: int
    bottom: int

    def share_of(self, width: int, height: int) -> float:
        return (self.right - self.left) * (self.bottom - self.top) / max(width * height, 1)


_FAINT = 200  # after flattening the paper is 255: anything darker than this is a mark


def content_box(page: PageImage, settings: PreprocessSettings) -> ContentBox | None:
    """Where the page has ink, padded by the margin; None when that is (nearly) all of it.

    Tesseract's layout analysis costs by area: on a cleaned A4 certificate or card, reading only
    the inked part saves about a tenth of its time. Measured on the small copy, so a mark of a
    single small pixel (~3 full pixels) or more keeps its area; the margin covers the rest.
    """
    if not settings.ocr_content_only:
        return None
    small, scale = _small(page.pixels)
    ys, xs = np.nonzero(small < _FAINT)
    if ys.size == 0:
        return None
    h, w = page.pixels.shape
    pad = settings.content_margin_inches * page.dpi + 1 / scale
    box = ContentBox(
        left=max(0, int(xs.min() / scale - pad)),
        top=max(0, int(ys.min() / scale - pad)),
        right=min(w, int(np.ceil((xs.max() + 1) / scale + pad))),
        bottom=min(h, int(np.ceil((ys.max() + 1) / scale + pad))),
    )
    return None if box.share_of(w, h) > 0.95 else box


# Before the quarter-turn decision (which needs level lines) and after it. Nothing smooths
# before ``upscale``: small letters are enlarged first, then denoised only if big enough.
CLEANUP_STAGES: tuple[Stage, ...] = (measure, crop_border, deskew, normalize_contrast)
FINISH_STAGES: tuple[Stage, ...] = (upscale, denoise, binarize)


def clean_up(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """Measure the page, whiten lid borders, deskew, flatten the light."""
    for stage in CLEANUP_STAGES:
        page = stage(page, settings)
    return page


def finish(page: PageImage, settings: PreprocessSettings) -> PageImage:
    """After orientation: enlarge tiny text, denoise text big enough, optionally binarize."""
    for stage in FINISH_STAGES:
        page = stage(page, settings)
    return page
