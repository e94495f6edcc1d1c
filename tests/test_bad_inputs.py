"""Every kind of bad input gets its typed error and a message staff can read.

Complements tests/test_triage.py (empty, wrong type, truncated PDF, encrypted, too many pages,
huge image header, too large by configured limit) with the remaining kinds, and checks that
the awkward-but-valid inputs (G4 TIFF, oversized-but-renderable PDF pages) go through.
"""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfWriter

from pipeline import triage as triage_module
from pipeline.evaluate.cer import score
from pipeline.rasterize import iter_pages, pdf_page_dpi
from pipeline.runner import ocr_document
from pipeline.triage import triage
from schemas.documents import MediaType
from schemas.errors import (
    CorruptFile,
    FileTooLarge,
    InputRejected,
    NoPages,
    PageTooLarge,
    UnsupportedFileType,
)
from schemas.fields import DocType
from schemas.ocr import PageStatus
from schemas.settings import LimitSettings, OcrSettings, Settings
from sohoa.samples import COUNTER
from tests.samples_helpers import make_scan

LIMITS = LimitSettings()
OCR = OcrSettings()


def _pdf(sizes: list[tuple[float, float]]) -> bytes:
    writer = PdfWriter()
    for width, height in sizes:
        writer.add_blank_page(width=width, height=height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _staff_readable(error: InputRejected) -> None:
    message = error.staff_message()
    assert error.message_vi in message and error.message_en in message
    assert f"Mã lỗi / code: {error.code}" in message


def test_zero_page_pdf_has_no_pages(tmp_path: Path) -> None:
    path = tmp_path / "rong.pdf"
    path.write_bytes(_pdf([]))
    with pytest.raises(NoPages) as caught:
        triage(path, LIMITS, OCR)
    _staff_readable(caught.value)


def test_one_gigabyte_file_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sparse 1 GB file: refused on its size alone, not a byte hashed or decoded."""
    path = tmp_path / "quet.pdf"
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
    os.truncate(path, 1 << 30)

    def no_hashing(*_: object, **__: object) -> str:
        raise AssertionError("hashed a file that should have been refused")

    monkeypatch.setattr(triage_module, "sha256_file", no_hashing)
    start = time.perf_counter()
    with pytest.raises(FileTooLarge) as caught:
        triage(path, LIMITS, OCR)
    assert time.perf_counter() - start < 1.0
    assert str(1 << 30) in caught.value.detail
    _staff_readable(caught.value)


def test_pdf_page_with_a_huge_mediabox_is_too_large(tmp_path: Path) -> None:
    """200 × 200 inches would be 30000² px even at 150 dpi: refused, naming the page."""
    path = tmp_path / "ban-do.pdf"
    path.write_bytes(_pdf([(595, 842), (14400, 14400)]))
    with pytest.raises(PageTooLarge) as caught:
        triage(path, LIMITS, OCR)
    assert caught.value.detail.startswith("trang 2:")
    _staff_readable(caught.value)


def test_oversized_pdf_page_is_rendered_at_a_lower_resolution(tmp_path: Path) -> None:
    """A page over the pixel limit at 300 dpi but fine at ≥150 dpi: rendered smaller."""
    limits = LimitSettings(max_pixels_per_page=4_000_000)
    path = tmp_path / "a2.pdf"
    path.write_bytes(_pdf([(700, 700)]))  # 9.7 in square: 8.5 Mpx at 300 dpi
    source = triage(path, limits, OCR)
    (page,) = list(iter_pages(path, source, OCR, limits))
    assert not isinstance(page, Exception)
    assert page.dpi == pdf_page_dpi((700, 700), 300, limits.max_pixels_per_page) < 300
    assert page.pixels.size <= limits.max_pixels_per_page
    with pytest.raises(PageTooLarge):
        pdf_page_dpi((1000, 1000), 300, limits.max_pixels_per_page)  # would need < 150 dpi


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("anh.gif", b"GIF89a" + b"\x00" * 64),
        ("hoso.docx", b"PK\x03\x04" + b"\x00" * 64),
        ("ghichu.txt", "Họ và tên: Nguyễn Văn An\n".encode()),
        ("trang.html", b"<!DOCTYPE html><html><body>scan</body></html>"),
        ("anh.bmp", b"BM" + b"\x00" * 64),
    ],
)
def test_other_kinds_are_unsupported(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(UnsupportedFileType) as caught:
        triage(path, LIMITS, OCR)
    _staff_readable(caught.value)


def test_png_cut_off_mid_write_is_corrupt(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(np.full((400, 300), 200, dtype=np.uint8)).save(buffer, format="PNG")
    data = buffer.getvalue()
    path = tmp_path / "dang-ghi.png"
    path.write_bytes(data[: len(data) - 30])
    with pytest.raises(CorruptFile):
        triage(path, LIMITS, OCR)


def test_truncated_jpeg_fails_its_page_not_the_worker(tmp_path: Path, settings: Settings) -> None:
    """JPEG has no checksum: the cut shows only when decoding, as a failed page with a reason."""
    buffer = io.BytesIO()
    noise = np.random.default_rng(0).integers(0, 255, (600, 400), dtype=np.uint8)
    Image.fromarray(noise).save(buffer, format="JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(buffer.getvalue()[:4000])
    done = ocr_document(path, tmp_path / "scratch", settings)
    (page,) = done.ocr.pages
    assert page.status is PageStatus.FAILED
    assert "truncated" in page.error_message


@pytest.mark.ocr
def test_group4_tiff_is_accepted_and_read(tmp_path: Path, settings: Settings) -> None:
    path, doc = make_scan(
        tmp_path, DocType.DEATH_CERTIFICATE, seed=4, profile=COUNTER, fmt="tiff-g4"
    )
    with Image.open(path) as image:
        assert image.info.get("compression") == "group4"
    done = ocr_document(path, tmp_path / "scratch", settings)
    assert done.source.media_type is MediaType.TIFF
    assert score(done.ocr.text, "\n".join(doc.lines)).cer <= 0.03
