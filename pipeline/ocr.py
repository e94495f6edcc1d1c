"""The OCR engine protocol and its Tesseract adapter.

The pipeline talks to an ``OcrEngine``; tests inject engines that crash or hang.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path
from typing import Protocol

import cv2

from pipeline.page import PageImage
from pipeline.tools import tesseract, tesseract_library
from schemas.documents import StageRecord
from schemas.errors import PageFailed
from schemas.ocr import Line, PageStatus, PageText, Word
from schemas.settings import OcrSettings

log = logging.getLogger(__name__)


class OcrEngine(Protocol):
    name: str

    def recognize(
        self, image_path: Path, out_base: Path, *, dpi: int, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        """Words grouped in lines, and a one-page text-only PDF (invisible text) when asked."""
        ...

    def orientation(self, image_path: Path, *, dpi: int) -> tuple[int, float]:
        """Clockwise quarter turn that makes the page upright, with confidence."""
        ...


class TesseractEngine:
    """Tesseract with the settings' languages, page segmentation and per-call thread limit.

    Each page is read by its own ``tesseract`` process, or, with ``in_process``, by the library
    loaded once in this process when it is the installed program's own Tesseract
    (``tesseract_library``). Only forking workers ask for that (``Services.load_tesseract_once``):
    there a crash inside the library ends a work horse, never a long-running process.
    """

    def __init__(self, settings: OcrSettings, *, in_process: bool = False) -> None:
        self.settings = settings
        self.name = f"tesseract:{settings.languages}"
        self.in_process = in_process
        self.library_note = ""  # why the library is not used, once it was tried
        self._library: tesseract_library.LibraryTesseract | None = None

    def isolated(self) -> TesseractEngine:
        """The same engine with every page in its own process: for a retry after a crash."""
        return TesseractEngine(self.settings, in_process=False)

    @property
    def runs_in_process(self) -> bool:
        """Whether pages go to the loaded library (tries to load it the first time)."""
        return self._loaded_library() is not None

    def _loaded_library(self) -> tesseract_library.LibraryTesseract | None:
        if self._library is None and self.in_process and not self.library_note:
            try:
                self._library = tesseract_library.load(
                    self.settings.tesseract_cmd, self.settings.omp_thread_limit
                )
            except (tesseract_library.LibraryUnavailable, PageFailed) as exc:
                self.library_note = str(exc)
                log.warning(
                    "Tesseract chạy từng trang như chương trình riêng / one process per page: %s",
                    exc,
                )
        return self._library

    def _config(self, dpi: int) -> tesseract.TesseractConfig:
        return tesseract.config_for(self.settings, dpi=dpi)

    def recognize(
        self, image_path: Path, out_base: Path, *, dpi: int, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        library = self._loaded_library()
        if library is not None:
            return library.recognize(image_path, out_base, self._config(dpi), pdf=pdf)
        return tesseract.recognize(image_path, out_base, self._config(dpi), pdf=pdf)

    def orientation(self, image_path: Path, *, dpi: int) -> tuple[int, float]:
        return tesseract.detect_orientation(image_path, self._config(dpi))


# Fast zlib with the "sub" filter and run-length strategy: on a cleaned 300-dpi A4 page half
# the CPU of OpenCV's default filters at level 1, and a slightly smaller file.
_PNG_FAST = [
    cv2.IMWRITE_PNG_COMPRESSION,
    1,
    cv2.IMWRITE_PNG_FILTER,
    cv2.IMWRITE_PNG_FILTER_SUB,
    cv2.IMWRITE_PNG_STRATEGY,
    cv2.IMWRITE_PNG_STRATEGY_RLE,
]


def write_page_png(page: PageImage, path: Path) -> Path:
    """The page image as stored (lossless, grayscale)."""
    if not cv2.imwrite(str(path), page.pixels, _PNG_FAST):
        raise OSError(f"could not write {path}")
    return path


def write_engine_input(page: PageImage, path: Path) -> Path:
    """The page as the engine reads it: an uncompressed BMP, a few milliseconds to write.

    Measured on a 300-dpi A4 page, Tesseract spends about 0.1 CPU s less reading a BMP than a
    PNG (no inflate) and than a PGM (Leptonica parses PNM slowly).
    """
    target = path.with_suffix(".bmp")
    if not cv2.imwrite(str(target), page.pixels):
        raise OSError(f"could not write {target}")
    return target


_SEPARATORS = frozenset("/-–:.,")  # printed on the forms themselves ("Giới tính / Sex:")
_NUMBER = re.compile(r"^\(?\d[\d/.\-]*[.,:;)]?$")


def _solid(word: Word) -> bool:
    """A word that reads as text: letters only (one is enough), or a 4+-digit number."""
    core = word.text.strip("()[]:;,.!?\"'“”")
    if core and all(c.isalpha() for c in core):
        return True
    return bool(_NUMBER.match(word.text)) and sum(c.isdigit() for c in word.text) >= 4


_LETTER_RICH = 8  # a line with this many letters, nearly all of its marks, is text


def _letter_rich(line: Line) -> bool:
    """Many letters, nearly nothing else, and varied: letter-spaced words Tesseract reads as
    one long "word" at confidence 0, or a line of single letters. Stamps and signatures give
    symbol soup; a broken frame line gives the same few letters over and over ("ENNNENRE").
    """
    marks = [c for w in line.words for c in w.text]
    letters = [c.lower() for c in marks if c.isalpha()]
    distinct = len(set(letters))
    return (
        len(letters) >= _LETTER_RICH
        and len(letters) >= 0.8 * len(marks)
        and (distinct >= 12 or distinct >= 0.5 * len(letters))
    )


def drop_noise(lines: list[Line], below: float) -> tuple[list[Line], int]:
    """Remove what stamps, signatures, emblems and QR codes make Tesseract "read".

    Cautious rules, all needing low confidence (under ``below``): a word without any letter or
    digit (``_``, ``—``, ``^^“``), except the separators the forms print; a line without any
    letter or digit; and a line without a single solid word read confidently, if it has no
    solid word at all (``Q0 9 9 4-2``) or its mean confidence is 0.1 lower still
    (``Lớn, "#" (``). A line holding one confidently read word (a single "Ô" counts), or
    made nearly all of letters (letter-spaced text), is always kept.
    Returns (lines, words dropped).
    """
    if below <= 0:
        return lines, 0
    kept: list[Line] = []
    dropped = 0
    for line in lines:
        mean = sum(w.confidence for w in line.words) / max(len(line.words), 1)
        anchored = _letter_rich(line) or any(
            _solid(w) and w.confidence >= below for w in line.words
        )
        if not any(c.isalnum() for w in line.words for c in w.text) or (
            not anchored and (mean < below - 0.1 or not any(_solid(w) for w in line.words))
        ):
            dropped += len(line.words)
            continue
        words = [
            w
            for w in line.words
            if w.confidence >= below or any(c.isalnum() for c in w.text) or w.text in _SEPARATORS
        ]
        dropped += len(line.words) - len(words)
        if words:
            kept.append(Line(words=words))
    return kept, dropped


def without_noise(text: PageText, below: float) -> PageText:
    """The page with noise dropped (see ``drop_noise``) and a record of how much."""
    if below <= 0:
        return text
    lines, dropped = drop_noise(text.lines, below)
    record = StageRecord(stage="drop_noise", applied=dropped > 0, detail={"words": dropped})
    return text.model_copy(update={"lines": lines, "stages": [*text.stages, record]})


def shift_text(text: PageText, dx: int, dy: int, width: int, height: int) -> PageText:
    """The text of a region placed on its page: boxes moved by (dx, dy), the page's size."""
    lines = [
        Line(
            words=[
                w.model_copy(
                    update={
                        "box": w.box.model_copy(
                            update={"left": w.box.left + dx, "top": w.box.top + dy}
                        )
                    }
                )
                for w in line.words
            ]
        )
        for line in text.lines
    ]
    return text.model_copy(update={"lines": lines, "width": width, "height": height})


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
