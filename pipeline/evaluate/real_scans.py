"""sohoa against plain Tesseract on real scans that come with their printed text.

A folder of ``<file>`` + ``<file>.gt.txt`` pairs (PDF, multi-page TIFF, JPEG, PNG; pages
separated by form feed in the truth), in sub-folders by kind. Each file is read twice in the
same run: by sohoa's pipeline and by plain ``tesseract FILE - --psm 3`` with the same engine and
language data and no clean-up (PDF pages rendered at the settings' resolution first). Generated
pages say little about real paper; this is the measure that decides a clean-up or OCR change.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import Path

from pydantic import BaseModel

from pipeline.evaluate.cer import CerScore, score, total
from pipeline.evaluate.ocr import IMAGE_SUFFIXES, cpu_seconds, grouped
from pipeline.runner import ocr_document
from pipeline.tools import poppler, tesseract
from schemas.errors import SohoaError
from schemas.settings import Settings

TRUTH_SUFFIX = ".gt.txt"
# Character sheets are letter-spaced with no word spaces: compared with all spaces removed.
DEFAULT_NO_SPACES = ("sheets/*",)


class RealSample(BaseModel):
    """One real file and the text printed on it."""

    path: Path
    name: str  # relative to the evaluated folder
    group: str  # its sub-folder ("." at the top)
    truth: str
    spaces: bool = True


class RealScore(BaseModel):
    """One file read both ways."""

    name: str
    group: str
    sohoa: CerScore
    tesseract: CerScore
    pages: int = 0
    sohoa_cpu_seconds: float = 0.0
    tesseract_cpu_seconds: float = 0.0
    error: str = ""

    @property
    def points_worse(self) -> float:
        """How many CER points sohoa is behind plain Tesseract on this file (negative: ahead)."""
        return 100 * (self.sohoa.cer - self.tesseract.cer)


class RealSummary(BaseModel):
    """Char-weighted totals for a group of files."""

    files: int
    pages: int
    sohoa: CerScore
    tesseract: CerScore
    sohoa_cpu_seconds: float
    tesseract_cpu_seconds: float

    @property
    def ratio(self) -> float:
        """sohoa's CER over plain Tesseract's (below 1: sohoa reads better)."""
        return self.sohoa.cer / self.tesseract.cer if self.tesseract.cer else float("inf")


def find_real_samples(
    directory: Path, no_spaces: Iterable[str] = DEFAULT_NO_SPACES
) -> list[RealSample]:
    """Every file below ``directory`` with a ``.gt.txt`` beside it, in path order."""
    patterns = tuple(no_spaces)
    samples = []
    for truth_path in sorted(directory.rglob(f"*{TRUTH_SUFFIX}")):
        path = truth_path.with_name(truth_path.name[: -len(TRUTH_SUFFIX)])
        if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
            continue
        name = path.relative_to(directory).as_posix()
        samples.append(
            RealSample(
                path=path,
                name=name,
                group=path.parent.relative_to(directory).as_posix(),
                truth=truth_path.read_text(encoding="utf-8"),
                spaces=not any(fnmatch(name, p) for p in patterns),
            )
        )
    return samples


def plain_tesseract(path: Path, settings: Settings) -> str:
    """Tesseract alone on the file; a PDF's pages rendered at the settings' resolution."""
    config = tesseract.config_for(settings.ocr, psm=3, timeout_scale=10)
    if path.suffix.lower() != ".pdf":
        return tesseract.plain_text(path, config)
    info = poppler.pdf_info(path, poppler_path=settings.ocr.poppler_path)
    texts = []
    with tempfile.TemporaryDirectory(prefix="sohoa-eval-plain-") as scratch:
        for number in range(1, info.pages + 1):
            image = poppler.render_page(
                path, number, dpi=settings.ocr.dpi, poppler_path=settings.ocr.poppler_path
            )
            page = Path(scratch) / f"page-{number}.png"
            image.save(page)
            texts.append(tesseract.plain_text(page, config))
    return "\f".join(texts)


def sohoa_text(path: Path, settings: Settings) -> tuple[str, int]:
    """sohoa's text of every page (form feed between pages) and the page count."""
    run = settings.model_copy(
        update={"ocr": settings.ocr.model_copy(update={"searchable_pdf": False})}
    )
    with tempfile.TemporaryDirectory(prefix="sohoa-eval-real-") as scratch:
        done = ocr_document(path, Path(scratch), run)
    return "\f".join(page.text for page in done.ocr.pages), len(done.ocr.pages)


def evaluate_real(sample: RealSample, settings: Settings) -> RealScore:
    """Read one file both ways and score both against its truth."""
    error = ""
    start = cpu_seconds()
    try:
        text, pages = sohoa_text(sample.path, settings)
    except SohoaError as exc:
        text, pages, error = "", 0, exc.code
    middle = cpu_seconds()
    plain = plain_tesseract(sample.path, settings)
    end = cpu_seconds()
    return RealScore(
        name=sample.name,
        group=sample.group,
        sohoa=score(text, sample.truth, spaces=sample.spaces),
        tesseract=score(plain, sample.truth, spaces=sample.spaces),
        pages=pages,
        sohoa_cpu_seconds=middle - start,
        tesseract_cpu_seconds=end - middle,
        error=error,
    )


def summarize_real(scores: Iterable[RealScore]) -> RealSummary:
    items = list(scores)
    return RealSummary(
        files=len(items),
        pages=sum(s.pages for s in items),
        sohoa=total(s.sohoa for s in items),
        tesseract=total(s.tesseract for s in items),
        sohoa_cpu_seconds=sum(s.sohoa_cpu_seconds for s in items),
        tesseract_cpu_seconds=sum(s.tesseract_cpu_seconds for s in items),
    )


def by_group(scores: Iterable[RealScore]) -> dict[str, list[RealScore]]:
    return grouped(scores, lambda s: s.group)
