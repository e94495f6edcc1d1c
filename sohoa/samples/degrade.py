"""Make a clean render look like a counter scan: skew, quarter turns, blur, light, noise, JPEG.

Steps run in the order a real scan suffers them: the paper lies crooked on the glass
(skew), the lamp lights it unevenly, the optics blur it, the sensor samples it at the
scanner's resolution and adds noise, the page may have been fed turned, and the file is
saved as JPEG. Everything random comes from the caller's `random.Random`.
"""

from __future__ import annotations

import io
import math
import random
from typing import Literal

import cv2
import numpy as np
from PIL import Image
from pydantic import BaseModel, Field

RENDER_DPI = 300  # the resolution `dpi` is relative to (see DegradeProfile.dpi)


class DegradeProfile(BaseModel):
    """How badly to scan a page. Zeros and None mean "leave as is"."""

    skew_degrees: float = Field(0.0, ge=0.0, le=45.0)  # max |angle|, drawn uniformly
    skew_random: bool = True  # False: rotate by exactly +skew_degrees
    border: Literal["white", "black"] = "white"  # fill outside the page (black: lid open)
    rotate: Literal[0, 90, 180, 270] = 0  # quarter turn, counter-clockwise
    blur_sigma: float = Field(0.0, ge=0.0, le=10.0)  # Gaussian, pixels
    noise_sigma: float = Field(0.0, ge=0.0, le=80.0)  # additive Gaussian, grey levels
    uneven_light: float = Field(0.0, ge=0.0, le=0.9)  # darkening at the far side (0..1)
    jpeg_quality: int | None = Field(None, ge=5, le=100)
    # Scanner resolution setting. The image is resampled by dpi / 300: pages are rendered
    # at 300 dpi; cards at 600 dpi keep their 2× (small originals scanned at 2× setting).
    dpi: int | None = Field(None, ge=50, le=1200)
    # Dark or washed-out copies: paper and ink land at these grey levels (255 / 0: as printed).
    paper_level: int = Field(255, ge=40, le=255)
    ink_level: int = Field(0, ge=0, le=200)
    bilevel: bool = False  # the scanner's black-and-white mode (CCITT G4 files)
    red_stamp: bool = False  # a colour scan with a red round stamp over signature and text


CLEAN = DegradeProfile()
COUNTER = DegradeProfile(
    skew_degrees=3.0, blur_sigma=0.6, noise_sigma=4.0, uneven_light=0.1, jpeg_quality=80
)
HARSH = DegradeProfile(
    skew_degrees=15.0, blur_sigma=1.3, noise_sigma=10.0, uneven_light=0.4, jpeg_quality=50
)
PRESETS: dict[str, DegradeProfile] = {"clean": CLEAN, "counter": COUNTER, "harsh": HARSH}


def random_profile(rng: random.Random, severity: float) -> DegradeProfile:
    """A profile whose every defect scales with `severity` in [0, 1] (0 = CLEAN)."""
    s = min(max(severity, 0.0), 1.0)
    if s == 0.0:
        return CLEAN
    turned = rng.random() < 0.3 * s
    return DegradeProfile(
        skew_degrees=round(15.0 * s, 2),
        border="black" if rng.random() < 0.2 * s else "white",
        rotate=rng.choice((90, 180, 270)) if turned else 0,
        blur_sigma=round(rng.uniform(0.0, 1.5 * s), 2),
        noise_sigma=round(rng.uniform(0.0, 12.0 * s), 2),
        uneven_light=round(rng.uniform(0.0, 0.45 * s), 3),
        jpeg_quality=round(95 - 45 * s * rng.uniform(0.5, 1.0)),
        dpi=rng.choice((200, 240)) if s > 0.6 and rng.random() < s - 0.5 else None,
    )


def skew(array: np.ndarray, angle: float, fill: int) -> np.ndarray:
    """Rotate by `angle` degrees (counter-clockwise), growing the canvas to keep corners."""
    if angle == 0.0:
        return array
    h, w = array.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = math.ceil(h * sin + w * cos), math.ceil(h * cos + w * sin)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(
        array,
        matrix,
        (new_w, new_h),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill,
    )


def uneven_light(array: np.ndarray, strength: float, rng: random.Random) -> np.ndarray:
    """Darken towards one side along a random direction, with a soft curve."""
    if strength <= 0.0:
        return array
    h, w = array.shape
    theta = rng.uniform(0, 2 * math.pi)
    xs = np.arange(w, dtype=np.float32)[None, :] - w / 2
    ys = np.arange(h, dtype=np.float32)[:, None] - h / 2
    proj = xs * math.cos(theta) + ys * math.sin(theta)
    span = float(proj.max() - proj.min()) or 1.0
    ramp = (proj - proj.min()) / span
    gain = 1.0 - strength * ramp**1.5
    return np.clip(array.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def resample(array: np.ndarray, dpi: int | None) -> np.ndarray:
    """Resample by dpi / RENDER_DPI (area filter when shrinking, as a sensor averages)."""
    if dpi is None or dpi == RENDER_DPI:
        return array
    factor = dpi / RENDER_DPI
    h, w = array.shape
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    method = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
    return cv2.resize(array, size, interpolation=method)


def jpeg_roundtrip(image: Image.Image, quality: int) -> Image.Image:
    """Encode and decode as JPEG at `quality` (block artefacts, ringing)."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert(image.mode)


def contrast(array: np.ndarray, paper: int, ink: int) -> np.ndarray:
    """Map white to ``paper`` and black to ``ink``: a dark photocopy or a faded print."""
    if paper == 255 and ink == 0:
        return array
    lut = np.round(ink + np.arange(256) * (paper - ink) / 255.0).astype(np.uint8)
    return cv2.LUT(array, lut)


STAMP_RED = (200, 30, 40)


def red_stamp(
    array: np.ndarray, rng: random.Random, at: tuple[float, float] | None = None
) -> Image.Image:
    """The page in colour with a red round stamp centred at ``at`` (relative x, y; by default
    somewhere in the lower right, where signatures are), over the text there.

    Drawn as ink would lie: multiplied into the page, so black text under it stays black.
    """
    h, w = array.shape
    radius = round(w * rng.uniform(0.075, 0.095))
    x, y = at if at is not None else (rng.uniform(0.55, 0.7), rng.uniform(0.72, 0.85))
    cx, cy = round(w * x + rng.uniform(-0.02, 0.02) * w), round(h * y)
    mask = np.zeros((h, w), np.uint8)
    ring = max(3, radius // 14)
    cv2.circle(mask, (cx, cy), radius, 255, ring, cv2.LINE_AA)
    cv2.circle(mask, (cx, cy), radius - 4 * ring, 255, max(2, ring // 3), cv2.LINE_AA)
    star = np.array(
        [
            (
                cx + 0.45 * radius * math.cos(-math.pi / 2 + k * 4 * math.pi / 5),
                cy + 0.45 * radius * math.sin(-math.pi / 2 + k * 4 * math.pi / 5),
            )
            for k in range(5)
        ],
        np.int32,
    )
    cv2.fillPoly(mask, [star], 255, cv2.LINE_AA)
    for k in range(28):  # the ring of lettering, as short strokes
        angle = 2 * math.pi * k / 28
        r0, r1 = radius - 3.2 * ring, radius - 1.6 * ring
        p0 = (round(cx + r0 * math.cos(angle)), round(cy + r0 * math.sin(angle)))
        p1 = (round(cx + r1 * math.cos(angle)), round(cy + r1 * math.sin(angle)))
        cv2.line(mask, p0, p1, 255, max(2, ring // 2), cv2.LINE_AA)
    alpha = mask.astype(np.float32)[..., None] / 255.0 * rng.uniform(0.75, 0.95)
    page = np.repeat(array[..., None], 3, axis=2).astype(np.float32)
    ink = np.array(STAMP_RED, np.float32)[None, None, :]
    mixed = page * (1 - alpha) + page * (ink / 255.0) * alpha
    return Image.fromarray(np.clip(mixed, 0, 255).astype(np.uint8), mode="RGB")


def degrade(
    image: Image.Image,
    profile: DegradeProfile,
    rng: random.Random,
    stamp_at: tuple[float, float] | None = None,
) -> Image.Image:
    """A degraded copy of `image`; `info['dpi']` follows the resampling.

    Grayscale ('L'), or colour ('RGB') when the profile adds a red stamp (at ``stamp_at``,
    see ``render.stamp_centre``; it does not follow a quarter turn).
    """
    src_dpi = round(image.info.get("dpi", (RENDER_DPI, RENDER_DPI))[0])
    array: np.ndarray = np.asarray(image.convert("L"), dtype=np.uint8).copy()
    if profile.skew_degrees > 0:
        angle = (
            rng.uniform(-profile.skew_degrees, profile.skew_degrees)
            if profile.skew_random
            else profile.skew_degrees
        )
        array = skew(array, angle, 0 if profile.border == "black" else 255)
    array = uneven_light(array, profile.uneven_light, rng)
    array = contrast(array, profile.paper_level, profile.ink_level)
    if profile.blur_sigma > 0:
        array = cv2.GaussianBlur(array, (0, 0), profile.blur_sigma)
    array = resample(array, profile.dpi)
    if profile.noise_sigma > 0:
        noise = np.random.default_rng(rng.getrandbits(64)).normal(
            0.0, profile.noise_sigma, array.shape
        )
        array = np.clip(array.astype(np.float32) + noise, 0, 255).astype(np.uint8)
    if profile.bilevel:
        _, array = cv2.threshold(array, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    if profile.rotate:
        array = np.rot90(array, k=profile.rotate // 90).copy()
    out = red_stamp(array, rng, stamp_at) if profile.red_stamp else Image.fromarray(array, mode="L")
    if profile.jpeg_quality is not None and not profile.bilevel:
        out = jpeg_roundtrip(out, profile.jpeg_quality)
    dpi = src_dpi if profile.dpi is None else round(src_dpi * profile.dpi / RENDER_DPI)
    out.info = {"dpi": (dpi, dpi)}
    return out
