"""Generated pages for the QR, blank-page and batch tests: duplex backs, results with a QR code."""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageOps

from schemas.fields import DocType
from sohoa.samples import CLEAN, DegradeProfile, build_document, degrade, render
from sohoa.samples.model import SampleDocument
from sohoa.separator_sheet import qr_image

A4_300 = (2480, 3508)
BACK_SCAN = DegradeProfile(blur_sigma=0.8, noise_sigma=6.0, uneven_light=0.15, jpeg_quality=75)


def blank_back(
    seed: int,
    bleed: Image.Image | None = None,
    strength: float = 0.15,
    profile: DegradeProfile = BACK_SCAN,
) -> Image.Image:
    """The back of a duplex scan: paper tone, the front bleeding through mirrored, noise, dust."""
    rng = random.Random(seed)
    paper = np.full(A4_300[::-1], 246, dtype=np.float32)
    if bleed is not None:
        front = np.asarray(ImageOps.mirror(bleed.convert("L")).resize(A4_300), dtype=np.float32)
        paper -= (255.0 - front) * strength
    for _ in range(25):  # dust: specks of one or two pixels
        x, y = rng.randrange(100, A4_300[0] - 100), rng.randrange(100, A4_300[1] - 100)
        paper[y : y + rng.randint(1, 2), x : x + rng.randint(1, 2)] = 90
    image = Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8), mode="L")
    image.info["dpi"] = (300, 300)
    return degrade(image, profile, rng)


def certificate(doc_type: DocType, seed: int, profile: DegradeProfile = CLEAN) -> Image.Image:
    doc = build_document(doc_type, random.Random(seed))
    return degrade(render(doc), profile, random.Random(seed))


def with_qr(
    image: Image.Image, payload: str, *, module_px: int = 8, at: tuple[int, int] | None = None
) -> Image.Image:
    """``image`` with a QR code of ``payload`` pasted (bottom left by default, as results carry)."""
    code = qr_image(payload, module_px, error="m", border=2)
    page = image.copy()
    x, y = at or (150, page.height - code.height - 150)
    page.paste(code, (x, y))
    page.info["dpi"] = image.info.get("dpi", (300, 300))
    return page


def card(seed: int, profile: DegradeProfile = CLEAN) -> tuple[SampleDocument, Image.Image]:
    """A 2021 chip card front (real QR code) scanned with ``profile``."""
    doc = build_document(DocType.ID_CARD, random.Random(seed), "cccd_2021")
    return doc, degrade(render(doc), profile, random.Random(seed))


def gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.uint8)
