"""The ordered stages for one document: triage → pages → clean-up → OCR → extract.

Works page by page with one page image in memory; a page that fails is recorded as failed and
the document goes on. No storage, no queue: files are written to a scratch folder and the caller
decides where they go.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from pipeline.extract import RULES_VERSION, extract
from pipeline.ocr import OcrEngine, TesseractEngine, recognize_page, write_page_png
from pipeline.orientation import osd_rotate, upright_if_turned
from pipeline.page import PageImage
from pipeline.preprocess import clean_up
from pipeline.rasterize import iter_pages
from pipeline.tools import poppler
from pipeline.triage import triage
from schemas.errors import PageFailed
from schemas.ocr import OcrDocument, PageStatus, PageText
from schemas.records import DocumentResult, EngineInfo
from schemas.settings import Settings

PIPELINE_VERSION = "1"
# A page whose mean word confidence is below this gets an orientation check and a second try.
RETRY_ORIENTATION_BELOW = 0.60

ProgressCallback = Callable[[int, int], None]


class PipelineOutput(BaseModel):
    """The result plus the artefact files in the scratch folder, for the caller to store."""

    result: DocumentResult
    page_images: list[Path]
    searchable_pdf: Path | None = None


class PageOutput(BaseModel):
    text: PageText
    image: Path | None = None
    pdf: Path | None = None


def failed_page(number: int, error: PageFailed) -> PageText:
    status = PageStatus.TIMEOUT if error.code == "ocr_timeout" else PageStatus.FAILED
    return PageText(
        page_number=number,
        status=status,
        error_code=error.code,
        error_message=error.detail or error.message_en,
    )


def process_page(
    page: PageImage, engine: OcrEngine, scratch: Path, settings: Settings
) -> PageOutput:
    """Clean up and OCR one page; retry upside-down pages once after asking OSD."""
    stem = scratch / f"page-{page.page_number:04d}"
    page = upright_if_turned(page, engine, stem.with_suffix(".osd.png"), settings.preprocess)
    page = clean_up(page, settings.preprocess)
    image = write_page_png(page, stem.with_suffix(".png"))
    want_pdf = settings.ocr.searchable_pdf
    text, pdf = recognize_page(engine, page, image, pdf=want_pdf)
    if settings.preprocess.orientation and text.mean_confidence < RETRY_ORIENTATION_BELOW:
        turned = osd_rotate(page, engine, stem.with_suffix(".osd.png"), "low_confidence")
        if turned.stages[-1].applied:
            retry_image = write_page_png(turned, stem.with_suffix(".retry.png"))
            retry, retry_pdf = recognize_page(engine, turned, retry_image, pdf=want_pdf)
            if retry.mean_confidence > text.mean_confidence:
                retry_image.replace(image)
                if retry_pdf is not None and pdf is not None:
                    retry_pdf.replace(pdf)
                return PageOutput(text=retry, image=image, pdf=pdf)
            retry_image.unlink(missing_ok=True)
    return PageOutput(text=text, image=image, pdf=pdf)


def run_document(
    path: Path,
    scratch: Path,
    settings: Settings,
    engine: OcrEngine | None = None,
    progress: ProgressCallback | None = None,
) -> PipelineOutput:
    """Process one file end to end. Bad input raises InputRejected; bad pages do not raise."""
    start = time.perf_counter()
    engine = engine or TesseractEngine(settings.ocr)
    scratch.mkdir(parents=True, exist_ok=True)
    source = triage(path, settings.limits, settings.ocr)
    outputs: list[PageOutput] = []
    for item in iter_pages(path, source, settings.ocr, settings.limits):
        number = len(outputs) + 1
        if isinstance(item, PageFailed):
            outputs.append(PageOutput(text=failed_page(number, item)))
        else:
            try:
                outputs.append(process_page(item, engine, scratch, settings))
            except PageFailed as error:
                outputs.append(PageOutput(text=failed_page(number, error)))
        if progress:
            progress(number, source.page_count)
    ocr = OcrDocument(pages=[o.text for o in outputs], engine=engine.name)
    extraction = extract(ocr, settings.review)
    if ocr.failed_pages:
        extraction.needs_review = True
        extraction.review_reasons.append(f"pages_failed:{','.join(map(str, ocr.failed_pages))}")
    pdfs = [o.pdf for o in outputs if o.pdf is not None]
    searchable = (
        poppler.unite(pdfs, scratch / "searchable.pdf", poppler_path=settings.ocr.poppler_path)
        if pdfs
        else None
    )
    result = DocumentResult(
        source=source,
        ocr=ocr,
        extraction=extraction,
        engine=EngineInfo(
            tesseract=engine.name,
            languages=settings.ocr.languages,
            pipeline=PIPELINE_VERSION,
            rules=RULES_VERSION,
        ),
        seconds=time.perf_counter() - start,
    )
    images = [o.image for o in outputs if o.image is not None]
    return PipelineOutput(result=result, page_images=images, searchable_pdf=searchable)
