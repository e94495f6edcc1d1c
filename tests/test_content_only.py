"""Tesseract reads only the inked part of a page; its words still sit where they are printed."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from pipeline.page import PageImage
from pipeline.preprocess import content_box
from pipeline.runner import run_document
from schemas.fields import DocType
from schemas.settings import PreprocessSettings, Settings
from sohoa.samples import COUNTER, build_document, degrade, render

SETTINGS = PreprocessSettings()


def _page(pixels: np.ndarray) -> PageImage:
    return PageImage(page_number=1, pixels=pixels, dpi=300)


def test_box_holds_all_the_ink_with_its_margin() -> None:
    pixels = np.full((3500, 2500), 255, dtype=np.uint8)
    pixels[600:650, 400:2000] = 0  # a line of text
    pixels[2900:2904, 1800:1804] = 90  # a faint full stop far below
    box = content_box(_page(pixels), SETTINGS)
    assert box is not None
    margin = SETTINGS.content_margin_inches * 300
    assert box.left <= 400 - margin + 4 and box.right >= 2000 + margin - 4
    assert box.top <= 600 - margin + 4 and box.bottom >= 2904 + margin - 4
    assert box.share_of(2500, 3500) < 0.6


def test_no_box_for_blank_full_or_disabled_pages() -> None:
    blank = np.full((1000, 800), 255, dtype=np.uint8)
    assert content_box(_page(blank), SETTINGS) is None
    full = blank.copy()
    full[5:995, 5:795:40] = 0  # ink from edge to edge
    assert content_box(_page(full), SETTINGS) is None
    inked = blank.copy()
    inked[400:420, 300:500] = 0
    assert content_box(_page(inked), SETTINGS) is not None
    off = SETTINGS.model_copy(update={"ocr_content_only": False})
    assert content_box(_page(inked), off) is None


def test_word_boxes_are_page_coordinates(tmp_path: Path, settings: Settings) -> None:
    doc = build_document(DocType.BIRTH_CERTIFICATE, random.Random(21))
    path = tmp_path / "gks.png"
    degrade(render(doc), COUNTER, random.Random(21)).save(path, dpi=(300, 300))
    whole = settings.model_copy(deep=True)
    whole.preprocess.ocr_content_only = False
    cropped = run_document(path, tmp_path / "a", settings).result.ocr.pages[0]
    reference = run_document(path, tmp_path / "b", whole).result.ocr.pages[0]
    [crop] = [s for s in cropped.stages if s.stage == "content_only"]
    assert min(int(crop.detail["left"]), int(crop.detail["top"])) > 50  # a missed shift shows
    assert (cropped.width, cropped.height) == (reference.width, reference.height)
    found = {w.text: w.box for line in cropped.lines for w in line.words}
    expected = {w.text: w.box for line in reference.lines for w in line.words}
    target = doc.fields["id_number"]
    assert target in found and target in expected
    for text in (target, *[t for t in expected if len(t) >= 6][:20]):
        if text in found:
            a, b = found[text], expected[text]
            assert abs(a.left - b.left) <= 3 and abs(a.top - b.top) <= 3, text
