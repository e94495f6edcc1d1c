"""Batch scans: find separator sheets and blank pages cheaply, then take each component in.

Runs in the scan's job, never on the watcher's thread: the watcher only takes files in, so a
long batch (or a file built to be slow) cannot hold up the counter's other files. The job of a
stored multi-page PDF or TIFF first looks for separator sheets (`split_stored_batch`); a batch
becomes one scan per component, each queued, and the batch's own scan ends as ``split``.

A multi-page PDF or TIFF is rendered page by page at a low resolution (``codes.split_dpi``)
to read QR codes and spot blank pages; `pipeline.batch.plan_batch` decides the components. If
the file holds no separator sheet it is not a batch, and its job reads it whole.
Otherwise the original is stored as it is (nothing is ever lost), each component is written
as a file of its own — PDF pages copied unchanged with pypdf, TIFF frames with Pillow in a
lossless compression — and ingested with its context, and a manifest of the split is stored
under ``batches/<sha256 of the batch>.json``. Writing is deterministic, so dropping the same
batch again maps every component to its existing scan.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image
from pydantic import BaseModel
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from sqlalchemy import select
from sqlalchemy.orm import Session

from pipeline.batch import BatchPlan, PageFacts, plan_batch
from pipeline.blank import is_blank
from pipeline.codes import decode_codes
from pipeline.codes_payloads import separator_of
from pipeline.tools import poppler
from pipeline.triage import triage
from schemas.documents import MediaType, SourceFile
from schemas.dossiers import ComponentStatus, DigitizationKind, DossierContext
from schemas.errors import CorruptFile, InputRejected, PageFailed
from schemas.records import ScanState
from schemas.settings import Settings
from storage import keys
from storage.index.dossiers import components_for_scan
from storage.index.events import DossierEvent
from storage.index.scan_lifecycle import move as move_scan
from storage.index.scans import get_scan
from storage.index.tables import Dossier, ReuseEvent
from workers.intake import IntakeReceipt, ingest_file
from workers.jobs import FINISHED_STATES
from workers.scratch import scratch_folder
from workers.services import Services

log = logging.getLogger(__name__)

BATCH_MANIFEST_ROOT = "batches/"
LOSSLESS_TIFF = frozenset({"group4", "group3", "tiff_lzw", "tiff_adobe_deflate", "raw"})


class SplitOutcome(BaseModel):
    """What became of a batch file."""

    sha256: str
    plan: BatchPlan
    receipts: list[IntakeReceipt]
    manifest_key: str


def _gray(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("L"), dtype=np.uint8)


def _tiff_frames(path: Path, dpi: int) -> Iterator[np.ndarray | None]:
    with Image.open(path) as image:
        for index in range(getattr(image, "n_frames", 1)):
            try:
                image.seek(index)
                claimed = image.info.get("dpi", (300, 300))[0] or 300
                factor = min(1.0, dpi / float(claimed))
                frame = image.convert("L")
                if factor < 1.0:
                    size = (
                        max(1, round(frame.width * factor)),
                        max(1, round(frame.height * factor)),
                    )
                    frame = frame.resize(size, Image.Resampling.BOX)
                yield _gray(frame)
            except (OSError, ValueError, EOFError):
                yield None


def _pdf_pages(path: Path, count: int, dpi: int, settings: Settings) -> Iterator[np.ndarray | None]:
    for number in range(1, count + 1):
        try:
            image = poppler.render_page(
                path,
                number,
                dpi=dpi,
                poppler_path=settings.ocr.poppler_path,
                timeout=settings.ocr.page_timeout_seconds,
            )
            yield _gray(image)
        except (PageFailed, CorruptFile):
            yield None


def page_facts(path: Path, source: SourceFile, settings: Settings) -> list[PageFacts]:
    """Codes and blankness of every page, from a low-resolution rendering."""
    dpi = settings.codes.split_dpi
    pages = (
        _pdf_pages(path, source.page_count, dpi, settings)
        if source.media_type is MediaType.PDF
        else _tiff_frames(path, dpi)
    )
    facts: list[PageFacts] = []
    for number, pixels in enumerate(pages, start=1):
        if pixels is None:  # unreadable here: kept in its component, the job will say why
            facts.append(PageFacts(page_number=number))
            continue
        codes = decode_codes(pixels, settings.codes)
        blank = separator_of(codes) is None and is_blank(pixels, settings.codes.blank_max_ink)
        facts.append(PageFacts(page_number=number, codes=codes, blank=blank))
    return facts


def _write_pdf(source: Path, pages: list[int], dest: Path) -> None:
    reader = PdfReader(source)
    writer = PdfWriter()
    for number in pages:
        writer.add_page(reader.pages[number - 1])
    with dest.open("wb") as handle:
        writer.write(handle)


def _write_tiff(source: Path, pages: list[int], dest: Path) -> None:
    frames: list[Image.Image] = []
    with Image.open(source) as image:
        compression = str(image.info.get("compression", "raw"))
        for number in pages:
            image.seek(number - 1)
            frame = image.copy()
            frame.info["dpi"] = image.info.get("dpi", (300, 300))
            frames.append(frame)
    if compression not in LOSSLESS_TIFF or (
        compression.startswith("group") and frames[0].mode != "1"
    ):
        compression = "tiff_lzw"
    frames[0].save(
        dest,
        format="TIFF",
        save_all=True,
        append_images=frames[1:],
        compression=compression,
        dpi=frames[0].info["dpi"],
    )


def _component_file(path: Path, source: SourceFile, pages: list[int], dest: Path) -> Path:
    if source.media_type is MediaType.PDF:
        _write_pdf(path, pages, dest)
    else:
        _write_tiff(path, pages, dest)
    return dest


def _store_batch(path: Path, source: SourceFile, services: Services) -> None:
    """The batch file itself, stored as an original: the split never loses a page."""
    services.store.put_immutable(
        keys.original_key(source.sha256),
        path,
        content_type=source.media_type.value,
        metadata={"filename": path.name, "role": "batch"},
    )


def split_batch(
    path: Path,
    drop_context: DossierContext | None,
    services: Services,
    source: SourceFile | None = None,
) -> SplitOutcome | None:
    """Split ``path`` at its separator sheets and ingest each component; None if no batch.

    ``source``: the file's triage, when the caller has it already."""
    settings = services.settings
    if source is None:
        try:
            source = triage(path, settings.limits, settings.ocr)
        except InputRejected:
            return None  # the normal intake path quarantines it with its reason
    if source.page_count < 2 or source.media_type not in (MediaType.PDF, MediaType.TIFF):
        return None
    plan = plan_batch(page_facts(path, source, settings), drop_context)
    if not plan.is_batch:
        return None
    _store_batch(path, source, services)
    with scratch_folder(settings, "batch") as scratch:
        files: list[Path] = []
        for index, component in enumerate(plan.components, start=1):
            dest = scratch / f"{path.stem}-{index:02d}{path.suffix.lower()}"
            try:
                files.append(_component_file(path, source, component.pages, dest))
            except (PyPdfError, OSError, ValueError) as error:
                log.warning("không tách được lô %s / batch not split: %r", path.name, error)
                return None  # unreadable by the splitter: taken in whole instead
        receipts = [
            ingest_file(file, component.context, services)
            for file, component in zip(files, plan.components, strict=True)
        ]
    outcome = SplitOutcome(
        sha256=source.sha256,
        plan=plan,
        receipts=receipts,
        manifest_key=f"{BATCH_MANIFEST_ROOT}{source.sha256}.json",
    )
    services.store.put_immutable(
        outcome.manifest_key,
        outcome.model_dump_json(indent=2).encode("utf-8"),
        content_type="application/json",
    )
    log.info(
        "lô %s: %d thành phần, %d tờ phân cách, %d trang trắng bỏ qua / batch: components, "
        "separator sheets, blank pages skipped",
        path.name,
        len(plan.components),
        len(plan.separator_pages),
        plan.blank_count,
    )
    return outcome


BATCH_SUFFIXES = frozenset({".pdf", ".tif", ".tiff"})


def _drop_context(session: Session, scan_id: int) -> DossierContext | None:
    """The context the batch file was dropped with (its folder or sidecar), if any."""
    for component in components_for_scan(session, scan_id):
        dossier = session.get(Dossier, component.dossier_id)
        if dossier is not None:
            return DossierContext(
                dossier_code=dossier.code,
                component=component.name,
                kind=DigitizationKind(component.kind),
                procedure_code=dossier.procedure_code,
                field=dossier.field,
                unit_code=dossier.unit_code,
            )
    return None


def _release_drop_components(session: Session, scan_id: int) -> None:
    """A drop-context component that no page went to (the batch began with a separator sheet)
    was only made by the batch's intake: removed, unless something already refers to it."""
    for component in components_for_scan(session, scan_id):
        used = session.scalar(
            select(ReuseEvent.id).where(ReuseEvent.component_id == component.id).limit(1)
        ) or session.scalar(
            select(DossierEvent.id).where(DossierEvent.component_id == component.id).limit(1)
        )
        untouched = component.status == ComponentStatus.NOT_DIGITIZED.value
        if untouched and component.result_id is None and used is None:
            session.delete(component)
        else:
            component.scan_id = None


class BatchCheck(BaseModel):
    """What the look for separator sheets found: the component scans to process (a batch),
    or else the file's triage when it was made (the job reuses it: a file is triaged once)."""

    parts: list[int] | None = None
    source: SourceFile | None = None


def split_stored_batch(scan_id: int, services: Services) -> BatchCheck:
    """Split the stored original of a scan if it is a batch, queuing nothing itself.

    Not a batch (or not a PDF/TIFF, or already finished): ``parts`` is None and the scan is
    processed whole. Splitting again maps every component to its existing scan.
    """
    settings = services.settings
    with services.index.session() as session:
        scan = get_scan(session, scan_id)
        suffix = Path(scan.filename).suffix.lower()
        if ScanState(scan.state) in FINISHED_STATES or suffix not in BATCH_SUFFIXES:
            return BatchCheck()
        original_key, name = scan.original_key, Path(scan.filename).name
        context = _drop_context(session, scan_id)
    with scratch_folder(settings, f"split-{scan_id}") as scratch:
        path = scratch / name
        services.store.download(original_key, path)
        try:
            source = triage(path, settings.limits, settings.ocr)
        except InputRejected:
            return BatchCheck()  # the job's pipeline quarantines it with its reason
        outcome = split_batch(path, context, services, source)
    if outcome is None:
        return BatchCheck(source=source)
    with services.index.session() as session:
        scan = get_scan(session, scan_id)
        _release_drop_components(session, scan_id)
        move_scan(
            session,
            scan,
            ScanState.SPLIT,
            error_message=(
                f"Đã tách thành {len(outcome.receipts)} thành phần theo tờ phân cách / "
                f"split into {len(outcome.receipts)} components ({outcome.manifest_key})"
            ),
        )
    return BatchCheck(
        parts=[receipt.scan_id for receipt in outcome.receipts if receipt.needs_processing]
    )
