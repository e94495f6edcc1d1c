"""Decide what a file is from its content and whether it is within limits, before any decoding.

A bad file raises a typed InputRejected error so the worker can quarantine it with a reason.
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path

from PIL import Image

from pipeline.tools import poppler
from schemas.documents import MediaType, SourceFile
from schemas.errors import (
    CorruptFile,
    DocumentTooLarge,
    EmptyFile,
    FileTooLarge,
    NoPages,
    PageTooLarge,
    TooManyPages,
    UnsupportedFileType,
)
from schemas.settings import LimitSettings, OcrSettings

_MAGIC: list[tuple[bytes, MediaType]] = [
    (b"%PDF-", MediaType.PDF),
    (b"II*\x00", MediaType.TIFF),
    (b"MM\x00*", MediaType.TIFF),
    (b"\xff\xd8\xff", MediaType.JPEG),
    (b"\x89PNG\r\n\x1a\n", MediaType.PNG),
]


def sniff(head: bytes) -> MediaType | None:
    """Media type from the first bytes; PDFs may have a little junk before the header."""
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if b"%PDF-" in head[:1024]:
        return MediaType.PDF
    return None


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Content hash, streamed: the identity of an original."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


MIN_PDF_DPI = 150


def pdf_pixels(size_points: tuple[float, float], dpi: int) -> int:
    return int(size_points[0] * dpi / 72) * int(size_points[1] * dpi / 72)


def pdf_page_dpi(size_points: tuple[float, float], dpi: int, max_pixels: int) -> int:
    """Lower the render resolution of oversized pages (e.g. A0 land maps) to fit the limit.

    Below 150 dpi text is no longer readable: such a page is rejected as too large instead.
    """
    width_in, height_in = size_points[0] / 72, size_points[1] / 72
    if width_in <= 0 or height_in <= 0:
        return dpi
    fit = int((max_pixels / (width_in * height_in)) ** 0.5)
    if fit >= dpi:
        return dpi
    if fit < MIN_PDF_DPI:
        raise PageTooLarge(f"{width_in:.0f}×{height_in:.0f} in")
    return fit


def _image_pages(path: Path, limits: LimitSettings) -> int:
    """Count frames and check each frame's pixel count from headers only (no decoding)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                frames = getattr(image, "n_frames", 1)
                if frames > limits.max_pages:
                    raise TooManyPages(f"{frames} > {limits.max_pages}")
                total = 0
                for index in range(frames):
                    image.seek(index)
                    width, height = image.size
                    total += width * height
                    if total > limits.max_pixels_per_document:
                        raise DocumentTooLarge(f"> {limits.max_pixels_per_document} px")
                    if width * height > limits.max_pixels_per_page:
                        raise PageTooLarge(
                            f"trang {index + 1}: {width}×{height} px > {limits.max_pixels_per_page}"
                        )
                    if width < 16 or height < 16:
                        raise CorruptFile(f"trang {index + 1}: {width}×{height} px")
                checked = image.format == "PNG"
            if checked:  # chunk CRCs, no decoding: catches a PNG cut off mid-write
                with Image.open(path) as image:
                    image.verify()
            return frames
    except Image.DecompressionBombError as exc:
        raise PageTooLarge(str(exc)[:200]) from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptFile(str(exc)[:200]) from exc


def triage(path: Path, limits: LimitSettings, ocr: OcrSettings) -> SourceFile:
    """Identify and check a file; raises an InputRejected subclass when it cannot be processed."""
    size = path.stat().st_size
    if size == 0:
        raise EmptyFile()
    if size > limits.max_bytes:
        raise FileTooLarge(f"{size} byte > {limits.max_bytes}")
    with path.open("rb") as handle:
        head = handle.read(2048)
    media_type = sniff(head)
    if media_type is None:
        raise UnsupportedFileType(f"{path.name}: {head[:8]!r}")
    has_text = False
    if media_type is MediaType.PDF:
        pages = _pdf_pages(path, limits, ocr)
        has_text = pages > 0 and poppler.font_count(path, poppler_path=ocr.poppler_path) > 0
    else:
        pages = _image_pages(path, limits)
    if pages < 1:
        raise NoPages()
    return SourceFile(
        sha256=sha256_file(path),
        filename=path.name,
        size_bytes=size,
        media_type=media_type,
        page_count=pages,
        has_text_layer=has_text,
    )


def _pdf_pages(path: Path, limits: LimitSettings, ocr: OcrSettings) -> int:
    """Page count; every page must render within the pixel limit at no less than 150 dpi."""
    info = poppler.pdf_info(path, poppler_path=ocr.poppler_path)
    if info.pages > limits.max_pages:
        raise TooManyPages(f"{info.pages} > {limits.max_pages}")
    total = 0.0
    for number, size in enumerate(info.page_sizes, start=1):
        try:
            dpi = pdf_page_dpi(size, ocr.dpi, limits.max_pixels_per_page)
        except PageTooLarge as exc:
            raise PageTooLarge(f"trang {number}: {exc.detail}") from exc
        total += (size[0] / 72 * dpi) * (size[1] / 72 * dpi)
        if total > limits.max_pixels_per_document:
            raise DocumentTooLarge(
                f"{number} trang đầu đã quá {limits.max_pixels_per_document} điểm ảnh"
            )
    return info.pages
