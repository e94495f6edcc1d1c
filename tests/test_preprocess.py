"""OpenCV clean-up stages on generated scans: each does its job, records it, and can be off."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image

from pipeline.page import PageImage
from pipeline.preprocess import (
    clean_up,
    crop_border,
    denoise,
    deskew,
    estimate_skew,
    finish,
    lines_run_vertically,
    normalize_contrast,
    text_height,
    upscale,
)
from schemas.fields import DocType
from schemas.settings import PreprocessSettings
from sohoa.samples import DegradeProfile, build_document, degrade, render
from sohoa.samples.degrade import skew

SETTINGS = PreprocessSettings()


@pytest.fixture(scope="module")
def certificate() -> Image.Image:
    return render(build_document(DocType.BIRTH_CERTIFICATE, random.Random(3)))


@pytest.fixture(scope="module")
def card() -> Image.Image:
    return render(build_document(DocType.ID_CARD, random.Random(3), "cccd_2021"))


def _gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.uint8).copy()


def _page(pixels: np.ndarray, dpi: int = 300) -> PageImage:
    return PageImage(page_number=1, pixels=pixels, dpi=dpi)


@pytest.mark.parametrize("angle", [-15.0, -8.4, -2.5, 1.3, 6.0, 11.7, 15.0])
@pytest.mark.parametrize("border", [255, 0])
def test_skew_found_to_a_tenth_of_a_degree(
    certificate: Image.Image, angle: float, border: int
) -> None:
    """Up to ±15°, with the white or black (open lid) corners a skewed scan gets."""
    skewed = skew(_gray(certificate), angle, border)
    assert estimate_skew(skewed, 20.0) == pytest.approx(-angle, abs=0.2)


@pytest.mark.parametrize("angle", [-12.0, 4.5, 14.0])
def test_skew_of_a_card_with_photo_emblem_and_qr(card: Image.Image, angle: float) -> None:
    assert estimate_skew(skew(_gray(card), angle, 255), 20.0) == pytest.approx(-angle, abs=0.2)


@pytest.mark.parametrize("angle", [0.0, 3.0, -7.0])
def test_skew_of_a_blurred_noisy_card(card: Image.Image, angle: float) -> None:
    """Fat, blurred strokes give many ink points: the coarse search samples them at random."""
    profile = DegradeProfile(blur_sigma=1.5, noise_sigma=10.0, jpeg_quality=50)
    blurred = _gray(degrade(card, profile, random.Random(5)))
    assert estimate_skew(skew(blurred, angle, 255), 20.0) == pytest.approx(-angle, abs=0.3)


def test_deskew_levels_the_page_and_records_the_angle(certificate: Image.Image) -> None:
    page = deskew(_page(skew(_gray(certificate), 9.0, 0)), SETTINGS)
    record = page.stages[-1]
    assert (record.stage, record.applied) == ("deskew", True)
    assert record.detail["angle"] == pytest.approx(-9.0, abs=0.2)
    assert abs(estimate_skew(page.pixels, 20.0)) <= 0.2


def test_quarter_turned_page_is_deskewed_as_vertical_lines(certificate: Image.Image) -> None:
    turned = np.rot90(skew(_gray(certificate), 4.0, 255)).copy()
    assert lines_run_vertically(turned, 20.0)
    page = deskew(_page(turned), SETTINGS)
    assert page.stages[-1].detail["lines"] == "vertical"
    upright = np.rot90(page.pixels, -1).copy()
    assert abs(estimate_skew(upright, 20.0)) <= 0.2
    assert not lines_run_vertically(upright, 20.0)


def test_black_lid_border_is_whitened(certificate: Image.Image) -> None:
    scanned = skew(_gray(certificate), 12.0, 0)
    page = crop_border(_page(scanned), SETTINGS)
    assert page.stages[-1].applied
    corners = [page.pixels[:40, :40], page.pixels[-40:, -40:]]
    assert all(float(c.mean()) > 250 for c in corners)
    assert float((scanned < 60).mean()) > 0.1 > float((page.pixels < 60).mean())


def test_uneven_light_is_flattened(certificate: Image.Image) -> None:
    dark = _gray(degrade(certificate, DegradeProfile(uneven_light=0.6), random.Random(2)))
    flat = normalize_contrast(_page(dark), SETTINGS).pixels
    paper = _gray(certificate) == 255  # where the clean render is blank paper
    assert float(dark[paper].std()) > 20
    assert float(flat[paper].std()) < 5
    assert float(np.percentile(flat[paper], 5)) > 240


def test_white_point_clears_light_furniture(card: Image.Image) -> None:
    """The card's guilloche and the paper's grain become white: smaller, faster page files."""
    gray = _gray(card)
    plain = normalize_contrast(_page(gray), PreprocessSettings(white_point=255)).pixels
    whitened = normalize_contrast(_page(gray), SETTINGS).pixels
    assert float((whitened == 255).mean()) > float((plain == 255).mean())
    assert int(whitened.min()) < 60  # text stays dark


def test_median_denoise_removes_speckle(certificate: Image.Image) -> None:
    gray = _gray(certificate)
    noisy = gray.copy()
    specks = np.random.default_rng(1).random(gray.shape) < 0.002
    noisy[specks] = 0
    clean = denoise(_page(noisy), SETTINGS).pixels
    white = gray > 250
    assert int((clean[white & specks] < 128).sum()) < int(specks[white].sum()) // 20


def test_small_letters_are_never_median_filtered(certificate: Image.Image) -> None:
    """A 70-dpi photo of a letter: letters ~8 px high lose strokes and marks to a median."""
    tiny = _gray(degrade(certificate, DegradeProfile(dpi=70, noise_sigma=6.0), random.Random(1)))
    page = denoise(_page(tiny, dpi=70), SETTINGS)
    record = page.stages[-1]
    assert not record.applied and record.detail["reason"] == "small_text"
    assert np.array_equal(page.pixels, tiny)
    enlarged = finish(_page(tiny, dpi=70), SETTINGS)
    assert [r.stage for r in enlarged.stages] == ["upscale", "denoise", "binarize"]
    assert enlarged.stages[0].applied and not enlarged.stages[1].applied


def test_bilevel_scans_are_measured_and_not_denoised(certificate: Image.Image) -> None:
    gray = _gray(certificate)
    bilevel = np.where(gray < 128, 0, 255).astype(np.uint8)
    page = finish(clean_up(_page(bilevel), SETTINGS), SETTINGS)
    assert page.bilevel and page.stages[0].detail["bilevel"] == "true"
    record = next(r for r in page.stages if r.stage == "denoise")
    assert not record.applied and record.detail["reason"] == "bilevel"
    grey_page = clean_up(_page(gray), SETTINGS)
    assert not grey_page.bilevel


def test_small_text_is_upscaled_and_dpi_follows(certificate: Image.Image) -> None:
    tiny = _gray(degrade(certificate, DegradeProfile(dpi=80), random.Random(1)))
    assert text_height(tiny) < SETTINGS.min_text_height_px
    page = upscale(_page(tiny, dpi=80), SETTINGS)
    record = page.stages[-1]
    assert record.applied and record.detail["factor"] == pytest.approx(2.0)
    assert page.pixels.shape == (tiny.shape[0] * 2, tiny.shape[1] * 2)
    assert page.dpi == 160


def test_a_page_without_a_stated_resolution_gets_one_that_fits_its_letters(
    certificate: Image.Image,
) -> None:
    """Told the default 300 dpi, then doubled to 600, Tesseract took 16-px lines for noise."""
    tiny = _gray(degrade(certificate, DegradeProfile(dpi=80), random.Random(1)))
    unstated = PageImage(page_number=1, pixels=tiny, dpi=300, dpi_claimed=False)
    page = upscale(unstated, SETTINGS)
    estimate = next(r for r in page.stages if r.stage == "estimate_dpi")
    assert estimate.detail == {"dpi": round(text_height(tiny) * 15), "default": 300}
    assert 70 <= int(estimate.detail["dpi"]) < 200  # about the 80 dpi it was made at
    assert page.dpi == 2 * int(estimate.detail["dpi"])  # upscaled twice: dpi follows
    stated = upscale(_page(tiny, dpi=80), SETTINGS)
    assert not any(r.stage == "estimate_dpi" for r in stated.stages)


def test_normal_text_is_not_upscaled(certificate: Image.Image) -> None:
    page = upscale(_page(_gray(certificate)), SETTINGS)
    assert not page.stages[-1].applied


def test_every_stage_can_be_switched_off(certificate: Image.Image) -> None:
    off = PreprocessSettings(
        crop_border=False, deskew=False, normalize_contrast=False, denoise=False, upscale=False
    )
    gray = skew(_gray(certificate), 5.0, 0)
    page = finish(clean_up(_page(gray), off), off)
    assert np.array_equal(page.pixels, gray)
    assert page.stages[0].stage == "measure"  # reads only: always there
    assert {r.stage for r in page.stages[1:]} == {
        "crop_border",
        "deskew",
        "normalize_contrast",
        "denoise",
        "upscale",
        "binarize",
    }
    assert all(r.detail.get("reason") == "disabled" for r in page.stages[1:])


def test_all_stages_record_their_time_and_stay_cheap(certificate: Image.Image) -> None:
    """Tens of milliseconds each on a 300-dpi A4 page (generous bound: the machine is shared)."""
    page = finish(clean_up(_page(skew(_gray(certificate), 7.0, 0)), SETTINGS), SETTINGS)
    timed = [r for r in page.stages if r.applied]
    assert {r.stage for r in timed} >= {"crop_border", "deskew", "normalize_contrast", "denoise"}
    assert all(0 < r.seconds < 1.0 for r in timed)


def test_binarize_gives_two_levels(certificate: Image.Image) -> None:
    for method in ("otsu", "adaptive"):
        settings = PreprocessSettings(binarize=True, binarize_method=method)
        page = finish(_page(_gray(certificate)), settings)
        assert set(np.unique(page.pixels)) <= {0, 255}
        assert page.stages[-1].detail["method"] == method
