"""Turn any accepted file into page images, one page at a time (memory bounded by one page)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageOps

from pipeline.colour import pdf_colour_pages, to_gray
from pipeline.page import PageImage
from pipeline.tools import poppler
from pipeline.triage import pdf_page_dpi  # re-exported: the render resolution rule
from schemas.documents import MediaType, SourceFile, StageRecord
from schemas.errors import CorruptFile, PageFailed, PageTooLarge
from schemas.settings import LimitSettings, OcrSettings

_GREY_MODES = frozenset({"1", "L", "LA", "I", "I;16", "F"})


def _to_gray(image: Image.Image) -> tuple[np.ndarray, list[StageRecord]]:
    """Grey pixels; a colour page goes through ``colour.to_gray`` (red stamps lifted)."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image)
    if image.mode in _GREY_MODES:
        return np.asarray(image.convert("L"), dtype=np.uint8).copy(), []
    rgb = np.asarray(image.convert("RGB"), dtype=np.uint8)
    gray, record = to_gray(np.ascontiguousarray(rgb[..., ::-1]))
    return gray, [record]


def _claimed_dpi(image: Image.Image) -> int | None:
    """The file's own resolution when plausible; scanners and phones often write 72 or nothing.

    None when the file does not say: the upscale stage then estimates it from the letters.
    """
    claimed = image.info.get("dpi")
    try:
        dpi = round(float(claimed[0])) if claimed else 0
    except (TypeError, ValueError, IndexError):
        dpi = 0
    return dpi if 150 <= dpi <= 1200 else None


def _image_page(
    number: int, pixels: np.ndarray, dpi: int | None, default: int, stages: list[StageRecord]
) -> PageImage:
    return PageImage(
        page_number=number,
        pixels=pixels,
        dpi=dpi or default,
        dpi_claimed=dpi is not None,
        stages=stages,
    )


_OPENCV_MODES = frozenset({"L", "RGB"})  # no alpha, no palette, 8 bits: nothing to composite


def _decode_single(
    path: Path, image: Image.Image, media_type: MediaType
) -> tuple[np.ndarray, list[StageRecord]] | None:
    """A one-page PNG or JPEG decoded by OpenCV to gray, or None to use Pillow.

    A third to half cheaper than Pillow's decode, convert and copy on a 300-dpi A4 page;
    OpenCV applies the JPEG's EXIF orientation itself, as ``ImageOps.exif_transpose`` does.
    Grey files are decoded straight to grey; colour ones in colour, for the red-stamp check.
    """
    if media_type not in (MediaType.PNG, MediaType.JPEG) or image.mode not in _OPENCV_MODES:
        return None
    colour = image.mode == "RGB"
    flag = cv2.IMREAD_COLOR if colour else cv2.IMREAD_GRAYSCALE
    pixels = cv2.imdecode(np.fromfile(path, dtype=np.uint8), flag)
    if pixels is None or not pixels.size:
        return None
    if not colour:
        return pixels, []
    gray, record = to_gray(pixels)
    return gray, [record]


def iter_pages(
    path: Path, source: SourceFile, ocr: OcrSettings, limits: LimitSettings
) -> Iterator[PageImage | PageFailed]:
    """Yield each page's image, or the error that page raised; one bad page never stops the rest."""
    if source.media_type is MediaType.PDF:
        info = poppler.pdf_info(path, poppler_path=ocr.poppler_path)
        colour_pages = pdf_colour_pages(path)
        for number in range(1, source.page_count + 1):
            try:
                dpi = pdf_page_dpi(info.size_of(number), ocr.dpi, limits.max_pixels_per_page)
                colour = number in colour_pages
                pixels = poppler.render_page_pixels(
                    path,
                    number,
                    dpi=dpi,
                    poppler_path=ocr.poppler_path,
                    timeout=ocr.page_timeout_seconds,
                    colour=colour,
                )
                records: list[StageRecord] = []
                if colour:
                    pixels, record = to_gray(pixels)
                    records.append(record)
                yield PageImage(page_number=number, pixels=pixels, dpi=dpi, stages=records)
            except (PageFailed, CorruptFile, PageTooLarge) as exc:
                yield PageFailed(f"trang {number}: {exc.detail or exc.code}")
        return
    with Image.open(path) as image:
        claimed = _claimed_dpi(image)
        if source.page_count == 1:
            single = _decode_single(path, image, source.media_type)
            if single is not None:
                yield _image_page(1, single[0], claimed, ocr.dpi, single[1])
                return
        for index in range(source.page_count):
            try:
                image.seek(index)
                frame = ImageOps.exif_transpose(image) if index == 0 else image
                pixels, records = _to_gray(frame)
                yield _image_page(index + 1, pixels, claimed, ocr.dpi, records)
            except (OSError, ValueError, EOFError) as exc:
                yield PageFailed(f"trang {index + 1}: {str(exc)[:200]}")


def page_at(
    path: Path, source: SourceFile, number: int, ocr: OcrSettings, limits: LimitSettings
) -> PageImage:
    """Only page ``number``, grey, as ``iter_pages`` would yield it, without rendering the pages
    before it: the staff viewer asks for one page whose cleaned image was never stored."""
    if not 1 <= number <= source.page_count:
        raise PageFailed(f"trang {number} / {source.page_count}")
    if source.media_type is MediaType.PDF:
        info = poppler.pdf_info(path, poppler_path=ocr.poppler_path)
        dpi = pdf_page_dpi(info.size_of(number), ocr.dpi, limits.max_pixels_per_page)
        pixels = poppler.render_page_pixels(
            path, number, dpi=dpi, poppler_path=ocr.poppler_path, timeout=ocr.page_timeout_seconds
        )
        return PageImage(page_number=number, pixels=pixels, dpi=dpi)
    with Image.open(path) as image:
        claimed = _claimed_dpi(image)
        try:
            image.seek(number - 1)
            frame = ImageOps.exif_transpose(image) if number == 1 else image
            pixels, records = _to_gray(frame)
        except (OSError, ValueError, EOFError) as exc:
            raise PageFailed(f"trang {number}: {str(exc)[:200]}") from exc
    return _image_page(number, pixels, claimed, ocr.dpi, records)
