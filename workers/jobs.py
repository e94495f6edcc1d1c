"""Jobs: load a scan by ID, run the pipeline, store artefacts, commit the index, return an outcome.

The same function runs in-process (embedded defaults) and under rq. Bad input is quarantined;
transient failures (storage, database down) propagate so rq retries them; any other failure is
recorded on the scan and never takes the worker down.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from pipeline.codes_payloads import context_from_codes
from pipeline.ocr import OcrEngine, TesseractEngine
from pipeline.runner import PipelineOutput
from schemas.documents import SourceFile
from schemas.errors import InputRejected, ProcessingFailed, TransientError
from schemas.records import JobOutcome, ScanState
from schemas.settings import Settings
from storage.index.dossiers import components_for_scan, ensure_component, ensure_dossier
from storage.index.results import next_version, save_version
from storage.index.scan_lifecycle import move as move_scan
from storage.index.scan_lifecycle import result_row, satisfy_components
from storage.index.scans import get_scan
from storage.index.tables import Dossier, DossierComponent
from storage.index.webhooks import emit_result_filed
from workers.produce import Produced, produce_version
from workers.services import Services
from workers.signing import sign_current_quietly

log = logging.getLogger(__name__)

# A scan in one of these states has its outcome; running its job again changes nothing.
FINISHED_STATES = frozenset(
    {ScanState.DONE, ScanState.NEEDS_REVIEW, ScanState.QUARANTINED, ScanState.SPLIT}
)
_FINISHED = {state.value for state in FINISHED_STATES}
_HAS_RESULT = {ScanState.DONE.value, ScanState.NEEDS_REVIEW.value}
_process_services: Services | None = None


def bind_services(services: Services) -> None:
    """Called by ``sohoa worker`` at start-up so rq jobs reuse its opened handles."""
    global _process_services
    _process_services = services


def scan_services() -> Services:
    """The worker's opened services (bound at start-up), or opened once from the environment."""
    global _process_services
    if _process_services is None:
        _process_services = Services.open(Settings())
    return _process_services


def _begin(scan_id: int, services: Services) -> tuple[str, int, int] | None:
    with services.index.session() as session:
        scan = get_scan(session, scan_id)
        if scan.state in _FINISHED:
            return None
        move_scan(session, scan, ScanState.PROCESSING)
        scan.attempts += 1
        return scan.original_key, next_version(session, scan_id), scan.attempts


def _commit(scan_id: int, produced: Produced, services: Services) -> JobOutcome:
    """The produced version becomes the scan's result, through the lifecycle, in one
    transaction; the dossier components scanned into it are satisfied by it."""
    output, version = produced.output, produced.version
    result = output.result
    extraction = result.extraction
    with services.index.session() as session:
        scan = get_scan(session, scan_id)
        components = components_for_scan(session, scan_id) or _components_from_codes(
            session, scan_id, output
        )
        first = components[0] if components else None
        row = result_row(scan_id, version, produced.prefix, result)
        row.unit_code = scan.unit_code
        row.kind = first.kind if first else "component"
        if first is not None:
            dossier = session.get(Dossier, first.dossier_id)
            if dossier is not None:
                row.dossier_code = dossier.code
                row.procedure_code = dossier.procedure_code
                row.field = dossier.field
        save_version(session, row)
        satisfy_components(session, components, row.id)
        emit_result_filed(session, row)  # webhooks: stored with the result, sent after commit
        scan.current_version = version
        scan.page_count = result.source.page_count
        state = ScanState.NEEDS_REVIEW if extraction.needs_review else ScanState.DONE
        move_scan(session, scan, state)
    return JobOutcome.NEEDS_REVIEW if extraction.needs_review else JobOutcome.DONE


def _components_from_codes(
    session: Session, scan_id: int, output: PipelineOutput
) -> list[DossierComponent]:
    """No sidecar or folder gave a dossier: a one-stop QR code on the paper may (issue #12)."""
    codes = (code for page in output.result.ocr.pages for code in page.codes)
    context = context_from_codes(codes)
    if context is None:
        return []
    component = ensure_component(session, ensure_dossier(session, context), context)
    component.scan_id = scan_id
    return [component]


def _record_failure(
    scan_id: int, state: ScanState, code: str, message: str, services: Services
) -> bool:
    """Record the failure unless a concurrent run already committed a result; False then."""
    with services.index.session() as session:
        scan = get_scan(session, scan_id)
        if scan.state in _HAS_RESULT:
            return False
        move_scan(session, scan, state, error_code=code, error_message=message)
        return True


def process_scan(
    scan_id: int, services: Services, *, source: SourceFile | None = None
) -> JobOutcome:
    """Process one registered scan; safe to run again for the same ID. ``source``: the
    original's triage if the job made it already."""
    started = _begin(scan_id, services)
    if started is None:
        return JobOutcome.DUPLICATE
    original_key, version, attempts = started
    engine: OcrEngine = services.engine
    if attempts > 1 and isinstance(engine, TesseractEngine):
        # The first run may have ended in a crash inside the loaded library: from now on each
        # page gets its own process again, so a page that kills Tesseract fails alone.
        engine = engine.isolated()
    try:
        try:
            produced = produce_version(
                services,
                original_key,
                version,
                label=f"scan-{scan_id}",
                engine=engine,
                source=source,
            )
        except InputRejected as error:
            log.warning("cách ly bản quét %s / scan quarantined: %s", scan_id, error.code)
            if not _record_failure(
                scan_id, ScanState.QUARANTINED, error.code, error.staff_message(), services
            ):
                return JobOutcome.DUPLICATE
            return JobOutcome.QUARANTINED
        outcome = _commit(scan_id, produced, services)
    except TransientError:
        _try_requeue_state(scan_id, services)
        raise
    except Exception as error:  # a bug or an unknown tool failure: record it, keep the worker up
        # A run of the same scan on another worker (a worker wrongly thought dead) may have
        # committed this version first; its unique (scan_id, version) row makes ours fail here.
        log.exception("xử lý bản quét %s thất bại / scan failed", scan_id)
        failure = ProcessingFailed(repr(error)[:400])
        if not _record_failure(
            scan_id, ScanState.FAILED, failure.code, failure.staff_message(), services
        ):
            return JobOutcome.DUPLICATE
        return JobOutcome.FAILED
    if outcome is JobOutcome.DONE:  # confirmed as produced: its copy is signed (issue #24)
        sign_current_quietly(services, scan_id)
    return outcome


def _try_requeue_state(scan_id: int, services: Services) -> None:
    """Put the scan back to queued for the retry; if the database is the thing that's down, skip."""
    try:
        with services.index.session() as session:
            move_scan(session, get_scan(session, scan_id), ScanState.QUEUED)
    except TransientError:
        pass
