"""The OCR engine protocol and its Tesseract adapter.

The pipeline talks to an ``OcrEngine``; tests inject engines that crash or hang.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Protocol

import cv2

from pipeline.page import PageImage
from pipeline.tools import tesseract
from schemas.ocr import Line, PageStatus, PageText
from schemas.settings import OcrSettings


class OcrEngine(Protocol):
    name: str

    def recognize(
        self, image_path: Path, out_base: Path, *, dpi: int, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        """Words grouped in lines, and a one-page searchable PDF when asked."""
        ...

    def orientation(self, image_path: Path, *, dpi: int) -> tuple[int, float]:
        """Clockwise quarter turn that makes the page upright, with confidence."""
        ...


class TesseractEngine:
    """Tesseract with the settings' languages, page segmentation and per-call thread limit."""

    def __init__(self, settings: OcrSettings) -> None:
        self.settings = settings
        self.name = f"tesseract:{settings.languages}"

    def _config(self, dpi: int) -> tesseract.TesseractConfig:
        s = self.settings
        return tesseract.TesseractConfig(
            cmd=s.tesseract_cmd,
            languages=s.languages,
            psm=s.psm,
            dpi=dpi,
            omp_thread_limit=s.omp_thread_limit,
            timeout_seconds=s.page_timeout_seconds,
        )

    def recognize(
        self, image_path: Path, out_base: Path, *, dpi: int, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        return tesseract.recognize(image_path, out_base, self._config(dpi), pdf=pdf)

    def orientation(self, image_path: Path, *, dpi: int) -> tuple[int, float]:
        return tesseract.detect_orientation(image_path, self._config(dpi))


def write_page_png(page: PageImage, path: Path) -> Path:
    """The page image as stored and as fed to the engine (lossless, grayscale)."""
    if not cv2.imwrite(str(path), page.pixels, [cv2.IMWRITE_PNG_COMPRESSION, 1]):
        raise OSError(f"could not write {path}")
    return path


def recognize_page(
    engine: OcrEngine, page: PageImage, image_path: Path, *, pdf: bool
) -> tuple[PageText, Path | None]:
    """OCR one already-written page image into a PageText (errors propagate to the runner)."""
    start = time.perf_counter()
    lines, pdf_path = engine.recognize(
        image_path, image_path.with_suffix(""), dpi=page.dpi, pdf=pdf
    )
    text = PageText(
        page_number=page.page_number,
        status=PageStatus.OK,
        width=int(page.pixels.shape[1]),
        height=int(page.pixels.shape[0]),
        lines=lines,
        stages=page.stages,
        ocr_seconds=time.perf_counter() - start,
    )
    return text, pdf_path
