"""Composing one searchable PDF page: image below, the engine's text-only page over it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pikepdf
import pytest

from pipeline.searchable_pdf import JPEG_MAX_SIDE, compose_page
from schemas.errors import PageFailed


def _text_only_pdf(path: Path, width_pt: float, height_pt: float) -> Path:
    """A stand-in for Tesseract's text-only page: invisible text (render mode 3)."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    content = b"BT 3 Tr /F1 12 Tf 20 20 Td (SOHOA 001224012345) Tj ET"
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, width_pt, height_pt],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pikepdf.Stream(pdf, content),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def _images(path: Path) -> list[list[str]]:
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    return [row.split() for row in listing]


def test_page_is_the_image_at_its_resolution_with_the_text_over_it(tmp_path: Path) -> None:
    pixels = np.full((600, 900), 255, dtype=np.uint8)
    pixels[100:200, 100:800] = 0
    text = _text_only_pdf(tmp_path / "text.pdf", 900 * 72 / 300, 600 * 72 / 300)
    out = compose_page(pixels, 300, text, tmp_path / "page.pdf", quality=80)
    with pikepdf.open(out) as pdf:
        box = [float(v) for v in pdf.pages[0].mediabox]
    assert box == pytest.approx([0, 0, 216, 144])
    [image] = _images(out)
    assert (image[3], image[4], image[8]) == ("900", "600", "jpeg")
    layer = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert "001224012345" in layer


def test_a_strip_longer_than_jpeg_allows_goes_in_losslessly(tmp_path: Path) -> None:
    pixels = np.full((40, JPEG_MAX_SIDE + 100), 255, dtype=np.uint8)
    text = _text_only_pdf(tmp_path / "text.pdf", pixels.shape[1] * 72 / 300, 40 * 72 / 300)
    out = compose_page(pixels, 300, text, tmp_path / "page.pdf")
    [image] = _images(out)
    assert image[8] == "image" and int(image[3]) == JPEG_MAX_SIDE + 100


def test_a_missing_text_page_fails_the_page_not_the_worker(tmp_path: Path) -> None:
    with pytest.raises(PageFailed):
        compose_page(np.zeros((10, 10), np.uint8), 300, tmp_path / "absent.pdf", tmp_path / "p.pdf")
