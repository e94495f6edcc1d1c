"""Turn any accepted file into page images, one page at a time (memory bounded by one page)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from pipeline.page import PageImage
from pipeline.tools import poppler
from pipeline.triage import pdf_page_dpi  # re-exported: the render resolution rule
from schemas.documents import MediaType, SourceFile
from schemas.errors import CorruptFile, PageFailed, PageTooLarge
from schemas.settings import LimitSettings, OcrSettings


def _to_gray(image: Image.Image) -> np.ndarray:
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    return np.asarray(image.convert("L"), dtype=np.uint8).copy()


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
        for number in range(1, source.page_count + 1):
            try:
                dpi = pdf_page_dpi(info.size_of(number), ocr.dpi, limits.max_pixels_per_page)
                pixels = poppler.render_page_pixels(
                    path,
                    number,
                    dpi=dpi,
                    poppler_path=ocr.poppler_path,
                    timeout=ocr.page_timeout_seconds,
                )
                yield PageImage(page_number=number, pixels=pixels, dpi=dpi)
            except (PageFailed, CorruptFile, PageTooLarge) as exc:
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
