"""OCR accuracy and speed on a directory of labelled samples.

A sample is an image (PNG, JPEG, TIFF or PDF) with ``<stem>.truth.json`` beside it, whose
``lines`` are the text exactly as printed; an optional ``<stem>.degrade.json`` names the scan
defects it was given (``profile``), which the report groups by.
"""

from __future__ import annotations

import json
import resource
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from pipeline.evaluate.cer import CerScore, score, total
from pipeline.ocr import OcrEngine
from pipeline.runner import ocr_document
from schemas.errors import SohoaError
from schemas.ocr import PageStatus
from schemas.settings import PreprocessSettings, Settings

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"})
TRUTH_SUFFIX = ".truth.json"
DEGRADE_SUFFIX = ".degrade.json"


class Sample(BaseModel):
    image: Path
    lines: list[str]
    profile: str = "-"


class SampleScore(BaseModel):
    """One sample's result: edits against its truth, pages and time, what the stages did."""

    name: str
    profile: str
    preprocess: bool
    cer: CerScore
    pages: int = 0
    failed_pages: int = 0
    seconds: float = 0.0
    cpu_seconds: float = 0.0  # this process and the programs it ran (load-independent)
    rotated: int = 0  # pages given a quarter turn
    osd_calls: int = 0
    retries: int = 0
    text: str = ""
    error: str = ""


def _stem(path: Path) -> str:
    """``00001_x.g4.tiff`` → ``00001_x``: the name the sidecars share."""
    name = path.name
    for suffix in (".g4.tiff", *IMAGE_SUFFIXES):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return path.stem


def find_samples(directory: Path) -> list[Sample]:
    """Every image with a truth file, in name order."""
    samples = []
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        stem = _stem(path)
        truth = directory / f"{stem}{TRUTH_SUFFIX}"
        if not truth.exists():
            continue
        lines = json.loads(truth.read_text(encoding="utf-8")).get("lines", [])
        degrade = directory / f"{stem}{DEGRADE_SUFFIX}"
        profile = "-"
        if degrade.exists():
            profile = str(json.loads(degrade.read_text(encoding="utf-8")).get("profile", "-"))
        samples.append(Sample(image=path, lines=lines, profile=profile))
    return samples


def cpu_seconds() -> float:
    """User + system time of this process and of its finished children (tesseract, poppler).

    Wall time on a shared machine moves with everyone else's load; CPU time hardly does.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def without_preprocessing(settings: Settings) -> Settings:
    """The same settings with every clean-up stage off: Tesseract on the page as scanned.

    The noise filter on Tesseract's output is off too, so the figure is bare Tesseract's.
    """
    off = PreprocessSettings(
        orientation=False,
        deskew=False,
        denoise=False,
        normalize_contrast=False,
        binarize=False,
        crop_border=False,
        upscale=False,
        ocr_content_only=False,
    )
    ocr = settings.ocr.model_copy(update={"noise_confidence": 0.0})
    return settings.model_copy(update={"preprocess": off, "ocr": ocr})


def evaluate_sample(
    sample: Sample, settings: Settings, preprocess: bool, engine: OcrEngine | None = None
) -> SampleScore:
    """OCR one sample (no extraction, no searchable PDF) and score it against its truth."""
    run_settings = settings if preprocess else without_preprocessing(settings)
    run_settings = run_settings.model_copy(
        update={"ocr": run_settings.ocr.model_copy(update={"searchable_pdf": False})}
    )
    truth = "\n".join(sample.lines)
    start = time.perf_counter()
    cpu = cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="sohoa-eval-ocr-") as scratch:
        try:
            done = ocr_document(sample.image, Path(scratch), run_settings, engine)
        except SohoaError as error:
            return SampleScore(
                name=sample.image.name,
                profile=sample.profile,
                preprocess=preprocess,
                cer=score("", truth),
                error=error.code,
                seconds=time.perf_counter() - start,
            )
    pages = done.ocr.pages
    records = [r for page in pages for r in page.stages if r.stage == "orientation"]
    text = done.ocr.text
    return SampleScore(
        name=sample.image.name,
        profile=sample.profile,
        preprocess=preprocess,
        cer=score(text, truth),
        pages=len(pages),
        failed_pages=sum(p.status in (PageStatus.FAILED, PageStatus.TIMEOUT) for p in pages),
        seconds=time.perf_counter() - start,
        cpu_seconds=cpu_seconds() - cpu,
        rotated=sum(1 for r in records if r.applied),
        osd_calls=sum(1 for r in records if r.detail.get("method") == "osd"),
        retries=sum(1 for r in records if r.detail.get("reason") == "low_confidence"),
        text=text,
    )


class Summary(BaseModel):
    """Pooled figures for a group of samples in one mode."""

    samples: int
    pages: int
    cer: CerScore
    seconds: float
    cpu_seconds: float
    rotated: int
    osd_calls: int

    @property
    def seconds_per_page(self) -> float:
        return self.seconds / self.pages if self.pages else 0.0

    @property
    def cpu_per_page(self) -> float:
        return self.cpu_seconds / self.pages if self.pages else 0.0


def summarize(scores: Iterable[SampleScore]) -> Summary:
    items = list(scores)
    return Summary(
        samples=len(items),
        pages=sum(s.pages for s in items),
        cer=total(s.cer for s in items),
        seconds=sum(s.seconds for s in items),
        cpu_seconds=sum(s.cpu_seconds for s in items),
        rotated=sum(s.rotated for s in items),
        osd_calls=sum(s.osd_calls for s in items),
    )


T = TypeVar("T")


def grouped(items: Iterable[T], key: Callable[[T], str]) -> dict[str, list[T]]:
    """Items by ``key``, each group in the items' order."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return groups


def by_profile(scores: Iterable[SampleScore]) -> dict[str, list[SampleScore]]:
    return grouped(scores, lambda s: s.profile)
