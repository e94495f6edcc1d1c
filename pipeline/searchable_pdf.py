"""One searchable PDF page: the page image with Tesseract's invisible text laid over it.

Tesseract can embed the page image itself, but it re-compresses every page with zlib, which
costs about as much CPU as recognising a sparse page and makes 3–5 MB per A4 page. Instead
Tesseract writes a text-only PDF (``textonly_pdf=1``, free) and the page image goes in here as a
JPEG (libjpeg-turbo: about 10 ms an A4 page, about 1 MB). The lossless page PNG and the
immutable original are stored beside the PDF, so nothing is lost by the PDF being for viewing.
OCRmyPDF assembles its output the same way, with pikepdf.
"""

from __future__ import annotations

import zlib
from pathlib import Path

import cv2
import numpy as np
import pikepdf

from schemas.errors import PageFailed

JPEG_MAX_SIDE = 65_500  # the JPEG format's limit; a longer strip goes in losslessly


def _image_stream(pdf: pikepdf.Pdf, pixels: np.ndarray, quality: int) -> pikepdf.Stream:
    """The grayscale pixels as a PDF image: JPEG, or zlib when JPEG cannot hold the size."""
    height, width = pixels.shape[:2]
    if max(height, width) <= JPEG_MAX_SIDE:
        ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
        if not ok:
            raise PageFailed("could not encode the page image as JPEG")
        image = pikepdf.Stream(pdf, encoded.tobytes())
        image.Filter = pikepdf.Name.DCTDecode
    else:
        image = pikepdf.Stream(pdf, zlib.compress(np.ascontiguousarray(pixels).tobytes(), 1))
        image.Filter = pikepdf.Name.FlateDecode
    image.Type = pikepdf.Name.XObject
    image.Subtype = pikepdf.Name.Image
    image.Width, image.Height = width, height
    image.ColorSpace = pikepdf.Name.DeviceGray
    image.BitsPerComponent = 8
    return image


def image_page(pdf: pikepdf.Pdf, pixels: np.ndarray, dpi: int, quality: int) -> pikepdf.Page:
    """A page exactly the size of the scan at ``dpi``, showing the grayscale pixels."""
    height, width = pixels.shape[:2]
    image = _image_stream(pdf, pixels, quality)
    points_w, points_h = width * 72 / dpi, height * 72 / dpi
    draw = f"q {points_w:.4f} 0 0 {points_h:.4f} 0 0 cm /Im0 Do Q".encode()
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, points_w, points_h],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
        Contents=pikepdf.Stream(pdf, draw),
    )
    pdf.pages.append(pikepdf.Page(page))
    return pdf.pages[-1]


def compose_page(
    pixels: np.ndarray,
    dpi: int,
    text_pdf: Path,
    dest: Path,
    *,
    quality: int = 80,
    text_box: tuple[int, int, int, int] | None = None,
) -> Path:
    """Write ``dest``: the page image with the text-only page of ``text_pdf`` over it.

    Tesseract sizes its text page from the pixels it read and the dpi, so the words land on the
    image: over the whole page, or over ``text_box`` (left, top, right, bottom in pixels) when
    it read only that part. The overlay is fitted to that rectangle in case of rounding.
    """
    height = pixels.shape[0]
    left, top, right, bottom = text_box or (0, 0, pixels.shape[1], height)
    points = 72 / dpi
    # PDF coordinates grow upwards from the bottom-left corner.
    rect = pikepdf.Rectangle(
        left * points, (height - bottom) * points, right * points, (height - top) * points
    )
    try:
        with pikepdf.open(text_pdf) as text:
            out = pikepdf.new()
            page = image_page(out, pixels, dpi, quality)
            page.add_overlay(text.pages[0], rect)
            out.save(dest)
    except (pikepdf.PdfError, OSError) as exc:  # no or broken text-only PDF from the engine
        raise PageFailed(f"searchable PDF page: {exc}"[:200]) from exc
    return dest
