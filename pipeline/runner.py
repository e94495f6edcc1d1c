"""The ordered stages for one document: triage → pages → clean-up → OCR → extract.

Works page by page with one page image in memory; a page that fails is recorded as failed and
the document goes on. No storage, no queue: files are written to a scratch folder and the caller
decides where they go.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from pipeline.codes import decode_codes
from pipeline.extract import RULES_VERSION, extract
from pipeline.layout import in_reading_order
from pipeline.name_reread import reread_doubted_names
from pipeline.ocr import (
    OcrEngine,
    TesseractEngine,
    recognize_page,
    shift_text,
    without_noise,
    write_engine_input,
    write_page_png,
)
from pipeline.orientation import orient, orientation_settled, osd_rotate
from pipeline.page import PageImage
from pipeline.preprocess import ContentBox, clean_up, content_box, finish
from pipeline.rasterize import iter_pages
from pipeline.searchable_pdf import compose_page
from pipeline.signatures.incoming import check_signatures
from pipeline.signatures.incoming import review_reasons as signature_review_reasons
from pipeline.textlayer import judge, parse_bbox_layout
from pipeline.tools import poppler
from pipeline.triage import triage
from pipeline.unlock import is_locked, unlocked_copy
from schemas.documents import MediaType, SourceFile, StageRecord
from schemas.errors import PageFailed, SohoaError
from schemas.ocr import OcrDocument, PageStatus, PageText
from schemas.records import DocumentResult, EngineInfo
from schemas.settings import Settings

log = logging.getLogger(__name__)

PIPELINE_VERSION = "2"

ProgressCallback = Callable[[int, int], None]


class PipelineOutput(BaseModel):
    """The result plus the artefact files in the scratch folder, for the caller to store."""

    result: DocumentResult
    page_images: dict[int, Path]  # page number → image; failed pages have none
    searchable_pdf: Path | None = None


class PageOutput(BaseModel):
    text: PageText
    image: Path | None = None
    pdf: Path | None = None


class OcrOutput(BaseModel):
    """Text of every page and the per-page files, before extraction."""

    source: SourceFile
    ocr: OcrDocument
    pages: list[PageOutput]

    @property
    def page_images(self) -> dict[int, Path]:
        return {p.text.page_number: p.image for p in self.pages if p.image is not None}

    @property
    def page_pdfs(self) -> list[Path]:
        return [p.pdf for p in self.pages if p.pdf is not None]


def failed_page(number: int, error: PageFailed) -> PageText:
    status = PageStatus.TIMEOUT if error.code == "ocr_timeout" else PageStatus.FAILED
    return PageText(
        page_number=number,
        status=status,
        error_code=error.code,
        error_message=error.detail or error.message_en,
    )


def prepare_page(page: PageImage, engine: OcrEngine, stem: Path, settings: Settings) -> PageImage:
    """Every clean-up stage in order: border, deskew, light, noise, quarter turn, size."""
    page = clean_up(page, settings.preprocess)
    page = orient(page, engine, stem.with_suffix(".osd.png"), settings.preprocess)
    return finish(page, settings.preprocess)


def process_page(
    page: PageImage, engine: OcrEngine, scratch: Path, settings: Settings
) -> PageOutput:
    """Clean up and OCR one page, then drop the noise stamps and signatures read as text.

    A page that reads poorly after the ink measurement turned it (or with orientation left to
    chance) gets one OSD check and, if OSD turns it, a second OCR pass. Pages measured upright,
    and pages OSD already decided, never pay for it twice. The stored PNG and the searchable
    PDF page are made once, from whichever pass won.
    """
    stem = scratch / f"page-{page.page_number:04d}"
    codes = decode_codes(page.pixels, settings.codes)  # before OCR: exact data, and cheap
    page = prepare_page(page, engine, stem, settings)
    text, text_pdf, box = ocr_pass(engine, page, stem, settings)
    retry = (
        settings.preprocess.orientation
        and text.mean_confidence < settings.ocr.retry_below_confidence
        and not orientation_settled(page)
    )
    if retry:
        turned = osd_rotate(page, engine, stem.with_suffix(".osd.png"), "low_confidence")
        if turned.stages[-1].applied:
            second, second_pdf, second_box = ocr_pass(
                engine, turned, stem.with_name(stem.name + "-retry"), settings
            )
            if second.mean_confidence > text.mean_confidence:
                if text_pdf is not None:
                    text_pdf.unlink(missing_ok=True)
                page, text, text_pdf, box = turned, second, second_pdf, second_box
            elif second_pdf is not None:
                second_pdf.unlink(missing_ok=True)
    text.codes = codes
    image = write_page_png(page, stem.with_suffix(".png"))
    pdf = None
    if text_pdf is not None:
        pdf = compose_page(
            page.pixels,
            page.dpi,
            text_pdf,
            stem.with_suffix(".page.pdf"),
            quality=settings.ocr.pdf_image_quality,
            text_box=box,
        )
        text_pdf.unlink(missing_ok=True)
    text = without_noise(text, settings.ocr.noise_confidence)
    return PageOutput(text=in_reading_order(text), image=image, pdf=pdf)


def ocr_pass(
    engine: OcrEngine, page: PageImage, stem: Path, settings: Settings
) -> tuple[PageText, Path | None, ContentBox | None]:
    """One engine pass over the inked part of the page as it stands; boxes in page pixels.

    Returns the text, the engine's text-only PDF of that part (when asked for) and the part.
    """
    box = content_box(page, settings.preprocess)
    region = page
    if box is not None:
        pixels = np.ascontiguousarray(page.pixels[box.top : box.bottom, box.left : box.right])
        region = page.model_copy(update={"pixels": pixels})
    engine_input = write_engine_input(region, stem.with_suffix(".bmp"))
    try:
        text, text_pdf = recognize_page(
            engine, region, engine_input, pdf=settings.ocr.searchable_pdf
        )
    finally:
        engine_input.unlink(missing_ok=True)
    if box is not None:
        height, width = page.pixels.shape[:2]
        text = shift_text(text, box.left, box.top, width, height)
        detail = {"left": box.left, "top": box.top, "right": box.right, "bottom": box.bottom}
        record = StageRecord(stage="content_only", applied=True, detail=detail)
        text.stages = [*text.stages, record]
    return text, text_pdf, box


def text_layer_page(
    path: Path, page: PageImage, scratch: Path, settings: Settings
) -> PageOutput | PageImage:
    """A born-digital page keeps its own text; otherwise the page comes back, noted, for OCR."""
    start = time.perf_counter()
    poppler_path = settings.ocr.poppler_path
    try:
        xhtml = poppler.page_text_bbox(path, page.page_number, poppler_path=poppler_path)
    except PageFailed:
        xhtml = ""  # an unreadable text layer is no text layer: the page is OCR'd
    lines = parse_bbox_layout(xhtml, page.dpi / 72)
    vietnamese = "vie" in settings.ocr.languages.split("+")
    verdict = judge(lines, page.pixels, vietnamese=vietnamese)
    record = StageRecord(
        stage="text_layer",
        applied=verdict.usable,
        detail=verdict.detail(),
        seconds=round(time.perf_counter() - start, 4),
    )
    if not verdict.usable:
        return page.model_copy(update={"stages": [*page.stages, record]})
    stem = scratch / f"page-{page.page_number:04d}"
    image = write_page_png(page, stem.with_suffix(".png"))
    pdf = None
    if settings.ocr.searchable_pdf:
        pdf = poppler.extract_page(
            path, page.page_number, stem.with_suffix(".pdf"), poppler_path=poppler_path
        )
    text = PageText(
        page_number=page.page_number,
        status=PageStatus.TEXT_LAYER,
        width=int(page.pixels.shape[1]),
        height=int(page.pixels.shape[0]),
        lines=lines,
        stages=[*page.stages, record],
        codes=decode_codes(page.pixels, settings.codes),
    )
    return PageOutput(text=in_reading_order(text), image=image, pdf=pdf)


def ocr_document(
    path: Path,
    scratch: Path,
    settings: Settings,
    engine: OcrEngine | None = None,
    progress: ProgressCallback | None = None,
    source: SourceFile | None = None,
) -> OcrOutput:
    """Triage (unless ``source`` already holds this file's triage), then every page's text
    (text layer or OCR). Bad input raises InputRejected."""
    engine = engine or TesseractEngine(settings.ocr)
    scratch.mkdir(parents=True, exist_ok=True)
    source = source or triage(path, settings.limits, settings.ocr)
    if source.media_type is MediaType.PDF and is_locked(path):
        path = unlocked_copy(path, scratch / "unlocked.pdf")
    layer = (
        settings.ocr.use_text_layer and source.media_type is MediaType.PDF and source.has_text_layer
    )
    outputs: list[PageOutput] = []
    for item in iter_pages(path, source, settings.ocr, settings.limits):
        number = len(outputs) + 1
        if isinstance(item, PageFailed):
            outputs.append(PageOutput(text=failed_page(number, item)))
        else:
            try:
                page: PageOutput | PageImage = item
                if layer:
                    page = text_layer_page(path, item, scratch, settings)
                if isinstance(page, PageImage):
                    page = process_page(page, engine, scratch, settings)
                outputs.append(page)
            except PageFailed as error:
                outputs.append(PageOutput(text=failed_page(number, error)))
        if progress:
            progress(number, source.page_count)
    ocr = OcrDocument(pages=[o.text for o in outputs], engine=engine.name)
    return OcrOutput(source=source, ocr=ocr, pages=outputs)


def searchable_pdf(
    pdfs: list[Path], scratch: Path, settings: Settings
) -> tuple[Path | None, list[str]]:
    """The pages joined into one searchable PDF; a failure here loses the PDF, never the result."""
    if not pdfs:
        return None, []
    try:
        joined = poppler.unite(
            pdfs, scratch / "searchable.pdf", poppler_path=settings.ocr.poppler_path
        )
    except (SohoaError, OSError) as error:
        log.warning("Không ghép được PDF tìm kiếm được / searchable PDF not built: %s", error)
        return None, [f"searchable_pdf_failed:{error}"[:300]]
    return joined, []


def run_document(
    path: Path,
    scratch: Path,
    settings: Settings,
    engine: OcrEngine | None = None,
    progress: ProgressCallback | None = None,
    source: SourceFile | None = None,
) -> PipelineOutput:
    """Process one file end to end. Bad input raises InputRejected; bad pages do not raise.

    ``source``: the file's triage when the caller made it already (a job that looked for
    separator sheets first), so that a file is triaged once."""
    start = time.perf_counter()
    engine = engine or TesseractEngine(settings.ocr)
    done = ocr_document(path, scratch, settings, engine, progress, source)
    ocr = done.ocr
    extraction = extract(ocr, settings.review)
    extraction = reread_doubted_names(extraction, done.page_images, scratch, settings.ocr)
    if ocr.failed_pages:
        extraction.needs_review = True
        extraction.review_reasons.append(f"pages_failed:{','.join(map(str, ocr.failed_pages))}")
    signatures = check_signatures(path, done.source, settings)  # a signed PDF's own signatures
    for reason in signature_review_reasons(signatures):
        extraction.needs_review = True
        extraction.review_reasons.append(reason)
    searchable, problems = searchable_pdf(done.page_pdfs, scratch, settings)
    result = DocumentResult(
        source=done.source,
        ocr=ocr,
        extraction=extraction,
        engine=EngineInfo(
            tesseract=engine.name,
            languages=settings.ocr.languages,
            pipeline=PIPELINE_VERSION,
            rules=RULES_VERSION,
        ),
        seconds=time.perf_counter() - start,
        problems=problems,
        signatures=signatures,
    )
    return PipelineOutput(result=result, page_images=done.page_images, searchable_pdf=searchable)
