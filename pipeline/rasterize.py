"""Turn any accepted file into page images, one page at a time (memory bounded by one page)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from pipeline.page import PageImage
from pipeline.tools import poppler
from schemas.documents import MediaType, SourceFile
from schemas.errors import CorruptFile, PageFailed, PageTooLarge
from schemas.settings import LimitSettings, OcrSettings

MIN_PDF_DPI = 150


def _to_gray(image: Image.Image) -> np.ndarray:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return np.asarray(image.convert("L"), dtype=np.uint8).copy()


def pdf_page_dpi(size_points: tuple[float, float], dpi: int, max_pixels: int) -> int:
    """Lower the render resolution of oversized pages (e.g. A0 land maps) to fit the limit."""
    width_in, height_in = size_points[0] / 72, size_points[1] / 72
    if width_in <= 0 or height_in <= 0:
        return dpi
    fit = int((max_pixels / (width_in * height_in)) ** 0.5)
    if fit >= dpi:
        return dpi
    if fit < MIN_PDF_DPI:
        raise PageTooLarge(f"{width_in:.0f}×{height_in:.0f} in")
    return fit


def _claimed_dpi(image: Image.Image, default: int) -> int:
    """The file's own resolution when plausible; scanners and phones often write 72 or nothing."""
    claimed = image.info.get("dpi")
    try:
        dpi = round(float(claimed[0])) if claimed else 0
    except (TypeError, ValueError, IndexError):
        dpi = 0
    return dpi if 150 <= dpi <= 1200 else default


def iter_pages(
    path: Path, source: SourceFile, ocr: OcrSettings, limits: LimitSettings
) -> Iterator[PageImage | PageFailed]:
    """Yield each page's image, or the error that page raised; one bad page never stops the rest."""
    if source.media_type is MediaType.PDF:
        info = poppler.pdf_info(path, poppler_path=ocr.poppler_path)
        dpi = pdf_page_dpi(info.page_size_points, ocr.dpi, limits.max_pixels_per_page)
        for number in range(1, source.page_count + 1):
            try:
                image = poppler.render_page(
                    path,
                    number,
                    dpi=dpi,
                    poppler_path=ocr.poppler_path,
                    timeout=ocr.page_timeout_seconds,
                )
                yield PageImage(page_number=number, pixels=_to_gray(image), dpi=dpi)
            except (PageFailed, CorruptFile) as exc:
                yield PageFailed(f"trang {number}: {exc.detail or exc.code}")
        return
    with Image.open(path) as image:
        for index in range(source.page_count):
            try:
                image.seek(index)
                frame = ImageOps.exif_transpose(image) if index == 0 else image
                yield PageImage(
                    page_number=index + 1, pixels=_to_gray(frame), dpi=_claimed_dpi(image, ocr.dpi)
                )
            except (OSError, ValueError, EOFError) as exc:
                yield PageFailed(f"trang {index + 1}: {str(exc)[:200]}")
