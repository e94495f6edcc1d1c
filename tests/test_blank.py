"""Blank pages: duplex backs with noise, dust, bleed-through and borders are blank; documents,
a lone line of text and a signature are not."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.blank import MAX_INK, ink_coverage, is_blank
from schemas.fields import DocType
from sohoa.samples import COUNTER, HARSH, DegradeProfile, degrade
from sohoa.samples.fonts import load_font
from tests.codes_helpers import blank_back, card, certificate, gray


@pytest.fixture(scope="module")
def front() -> Image.Image:
    return certificate(DocType.BIRTH_CERTIFICATE, 3, COUNTER)


def _sheet() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (2480, 3508), 248)
    return image, ImageDraw.Draw(image)


def test_white_back_with_noise_and_dust_is_blank() -> None:
    assert is_blank(gray(blank_back(1)))


@pytest.mark.parametrize("strength", [0.1, 0.2, 0.3])
def test_bleed_through_is_blank(front: Image.Image, strength: float) -> None:
    assert is_blank(gray(blank_back(2, front, strength)))


def test_harsh_scan_and_black_border_are_blank(front: Image.Image) -> None:
    back = blank_back(3, front, 0.15)
    harsh = degrade(back, HARSH, random.Random(3))
    lid_open = degrade(back, DegradeProfile(skew_degrees=4.0, border="black"), random.Random(4))
    low_res = degrade(back, DegradeProfile(dpi=150, noise_sigma=12.0), random.Random(5))
    assert is_blank(gray(harsh)) and is_blank(gray(lid_open)) and is_blank(gray(low_res))


@pytest.mark.parametrize("doc_type", [t for t in DocType if t is not DocType.OTHER])
def test_documents_are_not_blank(doc_type: DocType) -> None:
    page = gray(certificate(doc_type, 7, COUNTER))
    assert ink_coverage(page) > 50 * MAX_INK


def test_card_is_not_blank() -> None:
    assert not is_blank(gray(card(2, COUNTER)[1]))


def test_one_line_of_text_is_not_blank() -> None:
    image, draw = _sheet()
    draw.text((400, 1500), "Trang này để trống", font=load_font("serif", 50), fill=30)
    assert not is_blank(gray(degrade(image, COUNTER, random.Random(1))))


def test_a_signature_alone_is_not_blank() -> None:
    image, draw = _sheet()
    draw.line([(800, 2000), (1200, 1950), (1300, 2050)], fill=40, width=6)
    assert not is_blank(gray(image))


def test_colour_and_empty_input() -> None:
    bgr = np.dstack([gray(blank_back(4))] * 3)
    assert is_blank(bgr)
    assert is_blank(np.zeros((0, 0), dtype=np.uint8))
