"""The generator makes the pages real counters receive: each kind looks as real ones do, and
the pipeline reads it (``sohoa eval corpus --profiles real``)."""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from pipeline.evaluate.cer import score
from pipeline.page import PageImage
from pipeline.preprocess import text_height
from pipeline.rasterize import iter_pages
from pipeline.runner import ocr_document
from pipeline.tools import poppler
from pipeline.triage import triage
from schemas.settings import Settings
from sohoa.commands.eval_corpus import REAL_SCAN_PROFILES, write_corpus
from sohoa.samples import DegradeProfile, degrade, render, write_multipage_pdf
from sohoa.samples.documents import document_for_index
from sohoa.samples.layout import layout
from sohoa.samples.model import SampleDocument
from sohoa.samples.page_kinds import letter_spaced
from sohoa.samples.render import stamp_centre
from sohoa.samples.templates import TEMPLATES


def _one(tmp_path: Path, profile: str, index: int = 3) -> tuple[Path, list[str]]:
    """Sample ``index`` of a corpus of that profile (3: a birth certificate, A4)."""
    written = write_corpus(tmp_path, index + 1, seed=5, profiles=(profile,))
    path = written[index]
    stem = path.name.split(".")[0]
    truth = json.loads((tmp_path / f"{stem}.truth.json").read_text(encoding="utf-8"))
    return path, truth["lines"]


def _read(path: Path, settings: Settings) -> tuple[str, list[str]]:
    with tempfile.TemporaryDirectory() as scratch:
        done = ocr_document(path, Path(scratch), settings)
    page = done.ocr.pages[0]
    return done.ocr.text, [f"{r.stage}:{r.applied}" for r in page.stages]


def test_every_real_kind_is_a_profile_of_the_corpus() -> None:
    assert set(REAL_SCAN_PROFILES) == {
        "phone_72dpi",
        "jpeg_150dpi",
        "g4_200dpi",
        "dark",
        "low_contrast",
        "red_stamp",
        "letter_spaced",
        "two_column",
        "garbage_layer",
    }


@pytest.mark.parametrize(("profile", "dpi"), [("phone_72dpi", 72), ("jpeg_150dpi", 150)])
def test_low_resolution_pages_have_small_letters(tmp_path: Path, profile: str, dpi: int) -> None:
    path, _ = _one(tmp_path, profile)
    with Image.open(path) as image:
        assert round(image.info["dpi"][0]) == dpi
        assert abs(image.width - round(2480 * dpi / 300)) <= 2
        pixels = np.asarray(image.convert("L"))
    assert text_height(pixels) < (11 if dpi < 100 else 20)


def test_g4_pages_are_bilevel_ccitt_at_200_dpi(tmp_path: Path) -> None:
    path, _ = _one(tmp_path, "g4_200dpi")
    with Image.open(path) as image:
        assert image.info["compression"] == "group4" and image.mode == "1"
        assert round(image.info["dpi"][0]) == 200


@pytest.mark.parametrize(
    ("profile", "paper", "spread"), [("dark", 150, 130), ("low_contrast", 235, 110)]
)
def test_dark_and_faded_pages(tmp_path: Path, profile: str, paper: int, spread: int) -> None:
    path, _ = _one(tmp_path, profile)
    pixels = np.asarray(Image.open(path).convert("L"), dtype=np.int16)
    assert abs(int(np.median(pixels)) - paper) <= 8
    assert np.percentile(pixels, 99.5) - np.percentile(pixels, 0.1) <= spread + 20


def test_red_stamp_is_colour_and_lies_over_the_signers_text(tmp_path: Path) -> None:
    path, _ = _one(tmp_path, "red_stamp")
    bgr = cv2.imread(str(path))
    assert bgr is not None
    b, g, r = (bgr[..., i].astype(np.int16) for i in range(3))
    red = (r - np.maximum(g, b) > 60) & (r > 120)
    assert red.mean() > 0.002
    ys, xs = np.nonzero(red)
    box = bgr[ys.min() : ys.max(), xs.min() : xs.max()]
    dark = box.max(axis=2) < 90  # black print inside the stamp's square: the signer's name
    assert dark.sum() > 200


def test_letter_spaced_headings_are_wider_with_the_same_words() -> None:
    doc = document_for_index(5, 3)
    spaced = letter_spaced(doc)
    assert " ".join(doc.lines).split() == " ".join(spaced.lines).split()

    def title_width(sample: SampleDocument) -> int:
        placed = layout(TEMPLATES[sample.template], sample.blocks).lines
        title = max(placed, key=lambda line: line.runs[0].size)
        gray = np.asarray(render(sample).convert("L"))
        band = gray[title.top : title.bottom] < 100
        cols = np.nonzero(band.any(axis=0))[0]
        return int(cols.max() - cols.min())

    assert title_width(spaced) > 1.3 * title_width(doc)


@pytest.mark.ocr
def test_two_column_page_reads_column_by_column(tmp_path: Path, settings: Settings) -> None:
    path, lines = _one(tmp_path, "two_column")
    gray = np.asarray(Image.open(path).convert("L"))
    half = gray.shape[1] // 2
    assert (gray[:, :half] < 100).sum() > 5000 and (gray[:, half:] < 100).sum() > 5000
    text, _ = _read(path, settings)
    assert score(text, "\n".join(lines)).cer < 0.03


@pytest.mark.ocr
def test_red_stamp_is_lifted_before_ocr(tmp_path: Path, settings: Settings) -> None:
    path, lines = _one(tmp_path, "red_stamp")
    text, stages = _read(path, settings)
    assert "red_stamp:True" in stages
    assert score(text, "\n".join(lines)).cer < 0.02


@pytest.mark.ocr
def test_garbage_text_layer_is_replaced_by_ocr(tmp_path: Path, settings: Settings) -> None:
    path, lines = _one(tmp_path, "garbage_layer")
    layer = poppler.page_text_bbox(path, 1)
    assert "HQI" in layer or "CONG" in layer  # marks gone, letters confused
    text, stages = _read(path, settings)
    assert "text_layer:False" in stages
    assert score(text, "\n".join(lines)).cer < 0.03


@pytest.mark.ocr
@pytest.mark.parametrize(
    "profile", ["phone_72dpi", "g4_200dpi", "dark", "low_contrast", "letter_spaced"]
)
def test_real_kinds_are_read(tmp_path: Path, settings: Settings, profile: str) -> None:
    path, lines = _one(tmp_path, profile)
    text, _ = _read(path, settings)
    assert score(text, "\n".join(lines)).cer < 0.03


def test_colour_pdf_pages_are_rendered_in_colour_and_lose_the_stamp(
    tmp_path: Path, settings: Settings
) -> None:
    doc = document_for_index(5, 3)
    page = render(doc)
    stamped = degrade(page, DegradeProfile(red_stamp=True), random.Random(1), stamp_centre(doc))
    grey = degrade(page, DegradeProfile(noise_sigma=3.0), random.Random(1))
    for name, image, lifted in (("colour", stamped, True), ("grey", grey, False)):
        path = write_multipage_pdf([image], tmp_path / f"{name}.pdf")
        source = triage(path, settings.limits, settings.ocr)
        first = next(iter_pages(path, source, settings.ocr, settings.limits))
        assert isinstance(first, PageImage)
        records = [r for r in first.stages if r.stage == "red_stamp"]
        assert [r.applied for r in records] == ([True] if lifted else [])


def test_every_kind_meets_every_profile() -> None:
    from sohoa.commands.eval_corpus import DEFAULT_PROFILES, PROFILES, profile_for
    from sohoa.samples.documents import VARIANTS

    for profiles in (DEFAULT_PROFILES, tuple(PROFILES)):
        count = len(VARIANTS) * len(profiles)
        met = {(VARIANTS[i % len(VARIANTS)], profile_for(i, profiles)) for i in range(count)}
        assert met == {(v, p) for v in VARIANTS for p in profiles}
