"""Quarter turns from the ink alone; OSD only when the measurement is unsure."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.orientation import ascender_balance, guess_turn, orient, orientation_settled
from pipeline.page import PageImage
from pipeline.preprocess import clean_up, text_mask
from schemas.fields import DocType
from schemas.ocr import Line
from schemas.settings import PreprocessSettings
from sohoa.samples import COUNTER, DegradeProfile, build_document, degrade, render

SETTINGS = PreprocessSettings()
KINDS = [
    (DocType.BIRTH_CERTIFICATE, None),
    (DocType.MARRIAGE_CERTIFICATE, None),
    (DocType.ID_CARD, "cccd_2021"),
    (DocType.ID_CARD, "cmnd"),
]


class CountingOsd:
    """An engine whose only job here is to count OSD calls and answer a fixed turn."""

    name = "counting"

    def __init__(self, answer: int = 0, confidence: float = 10.0) -> None:
        self.calls = 0
        self.answer = (answer, confidence)

    def recognize(
        self, image_path: Path, out_base: Path, *, dpi: int, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        raise AssertionError("no OCR in orientation tests")

    def orientation(self, image_path: Path, *, dpi: int) -> tuple[int, float]:
        assert image_path.exists()
        self.calls += 1
        return self.answer


@pytest.fixture(scope="module", params=KINDS, ids=lambda k: k[1] or k[0].value)
def scan(request: pytest.FixtureRequest) -> Image.Image:
    kind, variant = request.param
    doc = build_document(kind, random.Random(21), variant)
    profile = COUNTER.model_copy(update={"skew_degrees": 4.0})
    return degrade(render(doc), profile, random.Random(21))


def _turned(image: Image.Image, counter_clockwise: int) -> np.ndarray:
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    return np.rot90(gray, k=counter_clockwise // 90).copy()


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_guess_finds_the_turn_that_makes_the_page_upright(scan: Image.Image, turn: int) -> None:
    cleaned = clean_up(PageImage(page_number=1, pixels=_turned(scan, turn)), SETTINGS)
    guess = guess_turn(cleaned.pixels, SETTINGS.max_skew_degrees)
    assert guess.confident, guess
    assert guess.rotate == turn, guess  # a page turned N° counter-clockwise needs N° clockwise
    assert guess.vertical == (turn in (90, 270))


def test_ascender_balance_flips_sign_upside_down(scan: Image.Image) -> None:
    cleaned = clean_up(PageImage(page_number=1, pixels=_turned(scan, 0)), SETTINGS).pixels
    upright = ascender_balance(text_mask(cleaned))
    flipped = ascender_balance(text_mask(np.rot90(cleaned, 2).copy()))
    assert upright >= 0.15 and flipped <= -0.15


@pytest.mark.parametrize("turn", [0, 180])
def test_confident_pages_never_call_osd(scan: Image.Image, turn: int, tmp_path: Path) -> None:
    engine = CountingOsd()
    page = clean_up(PageImage(page_number=1, pixels=_turned(scan, turn)), SETTINGS)
    oriented = orient(page, engine, tmp_path / "osd.png", SETTINGS)
    record = oriented.stages[-1]
    assert engine.calls == 0
    assert (record.detail["method"], record.detail["rotate"]) == ("ascenders", turn)
    assert orientation_settled(oriented) == (turn == 0)
    if turn == 180:
        assert np.array_equal(oriented.pixels, np.rot90(page.pixels, 2))


def test_unsure_page_asks_osd_and_applies_its_answer(tmp_path: Path) -> None:
    """A page with a few marks and no text lines: the ink can't tell, OSD decides."""
    pixels = np.full((1200, 900), 255, dtype=np.uint8)
    pixels[300:330, 200:700] = 0  # one rule, no letters
    engine = CountingOsd(answer=90, confidence=5.0)
    oriented = orient(PageImage(page_number=1, pixels=pixels), engine, tmp_path / "o.png", SETTINGS)
    assert engine.calls == 1
    assert oriented.stages[-1].detail == {
        "rotate": 90,
        "method": "osd",
        "osd_confidence": 5.0,
        "reason": "unsure",
    }
    assert oriented.pixels.shape == (900, 1200)
    assert not (tmp_path / "o.png").exists()
    assert orientation_settled(oriented)  # OSD has spoken: a poor OCR won't ask it again


def test_orientation_off_is_recorded(tmp_path: Path) -> None:
    page = PageImage(page_number=1, pixels=np.full((100, 100), 255, dtype=np.uint8))
    off = PreprocessSettings(orientation=False)
    engine = CountingOsd()
    record = orient(page, engine, tmp_path / "o.png", off).stages[-1]
    assert (record.stage, record.applied, record.detail["reason"]) == (
        "orientation",
        False,
        "disabled",
    )
    assert engine.calls == 0


def test_harsh_rotated_scans_are_still_read_right() -> None:
    """Skew 15°, blur, noise, JPEG 50 and a half turn together."""
    doc = build_document(DocType.DEATH_CERTIFICATE, random.Random(5))
    profile = DegradeProfile(
        skew_degrees=15.0, rotate=180, blur_sigma=1.3, noise_sigma=10.0, jpeg_quality=50
    )
    gray = np.asarray(degrade(render(doc), profile, random.Random(5)), dtype=np.uint8).copy()
    cleaned = clean_up(PageImage(page_number=1, pixels=gray), SETTINGS)
    guess = guess_turn(cleaned.pixels, SETTINGS.max_skew_degrees)
    assert (guess.rotate, guess.confident) == (180, True)
