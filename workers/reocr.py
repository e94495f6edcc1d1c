"""Batch re-OCR: select stored results, open a batch, run its items one at a time.

An item is claimed in the index, produced with the *current* settings under the scan's next
version number, compared with the current version, and then one transaction saves the new
result (current or not, per the batch's policy) and finishes the item. Originals are never
touched; the old version stays. A crash before that commit leaves the item claimed: it is
released on Ctrl-C, or claimable again once the claim is stale, and the retry reuses the same
version number, overwriting its own uploads.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

from sqlalchemy import select

from pipeline.compare import compare, summarize, summarize_stored
from pipeline.extract import RULES_VERSION
from pipeline.runner import PIPELINE_VERSION
from schemas.errors import InputRejected, NotFound, ProcessingFailed, SohoaError, TransientError
from schemas.fields import Extraction
from schemas.records import EngineInfo, ScanState
from schemas.reocr import (
    Comparison,
    ExtractionSummary,
    ItemOutcome,
    ItemState,
    PolicyKind,
    ReocrFilters,
    ReocrPolicy,
    Selection,
)
from schemas.settings import ReocrSettings
from storage import keys
from storage.index.dossiers import components_for_scan
from storage.index.reocr import (
    Claim,
    LostClaim,
    ReocrBatch,
    ReocrItem,
    claim_item,
    finish_item,
    new_token,
    open_batch,
    release_item,
)
from storage.index.reocr_select import add_selected_items, count_selection
from storage.index.results import next_version, save_version
from storage.index.scan_lifecycle import move as move_scan
from storage.index.scan_lifecycle import result_row, satisfy_components
from storage.index.scans import get_scan
from storage.index.tables import Result
from workers.jobs import scan_services
from workers.log_context import job_context
from workers.produce import Produced, produce_version
from workers.services import Services

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Plan:
    """What an item works from: the original, the version to write and the one to beat."""

    original_key: str
    version: int
    current: Result
    old: ExtractionSummary
    policy: ReocrPolicy


def current_engine(services: Services) -> dict[str, str]:
    """The engine a version produced now would record (what "outdated" compares with)."""
    return EngineInfo(
        tesseract=services.engine.name,
        languages=services.settings.ocr.languages,
        pipeline=PIPELINE_VERSION,
        rules=RULES_VERSION,
    ).model_dump()


def policy_from(settings: ReocrSettings) -> ReocrPolicy:
    return ReocrPolicy(
        kind=PolicyKind(settings.policy), confidence_epsilon=settings.confidence_epsilon
    )


def select_scans(services: Services, filters: ReocrFilters) -> Selection:
    """How many results and pages ``filters`` would re-run, per document type."""
    with services.index.session() as session:
        return count_selection(session, filters, current_engine(services))


def start_batch(
    services: Services,
    filters: ReocrFilters,
    *,
    policy: ReocrPolicy | None = None,
    created_by: str = "",
) -> int:
    """Create the batch and its pending items for what ``filters`` select now; its ID."""
    engine = current_engine(services)
    with services.index.session() as session:
        batch = open_batch(
            session,
            filters,
            policy=policy or policy_from(services.settings.reocr),
            target_engine=engine,
            created_by=created_by,
        )
        add_selected_items(session, batch.id, filters, engine)
        return batch.id


def _old_summary(current: Result, services: Services) -> ExtractionSummary:
    """The current version as the comparison sees it: its stored extraction when readable."""
    corrected = "corrected_by" in (current.engine or {})
    if not corrected:  # a correction's artefacts are the machine's, not what the person saved
        try:
            data = json.loads(services.store.get_bytes(current.derived_prefix + keys.FIELDS_NAME))
            return summarize(Extraction.model_validate(data["extraction"]))
        except (NotFound, ValueError, KeyError, TypeError):
            log.warning(
                "không đọc được kết quả trích xuất %s, so với bản ghi / "
                "extraction unreadable, comparing its row",
                current.id,
            )
    return summarize_stored(
        current.doc_type,
        current.fields or {},
        needs_review=current.needs_review,
        review_reasons=current.review_reasons or [],
        mean_confidence=current.mean_confidence,
        corrected=corrected,
    )


def _plan(claim: Claim, services: Services) -> _Plan:
    with services.index.session() as session:
        scan = get_scan(session, claim.scan_id)
        current = session.scalars(
            select(Result).where(Result.scan_id == claim.scan_id, Result.is_current.is_(True))
        ).first()
        if current is None:
            raise NotFound(f"current result of scan {claim.scan_id}")
        version = next_version(session, claim.scan_id)
        batch = session.get(ReocrBatch, claim.batch_id)
        policy = ReocrPolicy.model_validate(batch.policy if batch else {})
        original_key = scan.original_key
    return _Plan(
        original_key=original_key,
        version=version,
        current=current,
        old=_old_summary(current, services),
        policy=policy,
    )


def _commit(
    claim: Claim,
    plan: _Plan,
    produced: Produced,
    comparison: Comparison,
    seconds: float,
    services: Services,
) -> Comparison:
    """One transaction: the new version (current if promoted), the scan, the item."""
    old = plan.current
    with services.index.session() as session:
        now_current = session.scalars(
            select(Result.id).where(Result.scan_id == claim.scan_id, Result.is_current.is_(True))
        ).first()
        if comparison.promote and now_current != old.id:  # e.g. a reviewer corrected it meanwhile
            comparison = comparison.model_copy(
                update={"promote": False, "reasons": [*comparison.reasons, "current_changed"]}
            )
        row = result_row(claim.scan_id, produced.version, produced.prefix, produced.output.result)
        row.engine = {**row.engine, "reocr_batch": str(claim.batch_id)}
        for name in ("kind", "unit_code", "shared", "dossier_code", "procedure_code", "field"):
            setattr(row, name, getattr(old, name))
        row.digitized_at = old.digitized_at  # when the paper was digitized, not re-read
        save_version(session, row, make_current=comparison.promote)
        if comparison.promote:
            scan = get_scan(session, claim.scan_id)
            scan.current_version = produced.version
            scan.page_count = produced.output.result.source.page_count
            review = produced.output.result.needs_review
            move_scan(session, scan, ScanState.NEEDS_REVIEW if review else ScanState.DONE)
            satisfy_components(session, components_for_scan(session, claim.scan_id), row.id)
        finish_item(
            session,
            claim,
            outcome=comparison.outcome,
            old_version=old.version,
            new_version=produced.version,
            comparison=comparison,
            seconds=seconds,
        )
    return comparison


def _fail(
    claim: Claim, error: SohoaError, seconds: float, services: Services
) -> ItemOutcome | None:
    message = f"{error.code}: {error.detail or error.message_en}"
    try:
        with services.index.session() as session:
            finish_item(session, claim, outcome=ItemOutcome.FAILED, error=message, seconds=seconds)
    except LostClaim:
        return None
    return ItemOutcome.FAILED


def _release(item_id: int, token: str, services: Services) -> None:
    """Best effort: on the way out of an interrupted run the index may be the problem."""
    try:
        with services.index.session() as session:
            release_item(session, item_id, token)
    except Exception:
        log.warning(
            "chưa trả lại được mục nhận dạng lại %s / could not release re-OCR item "
            "(claimable once stale)",
            item_id,
        )


def _finished_outcome(item_id: int, services: Services) -> tuple[ItemOutcome | None, bool]:
    """(stored outcome, whether the item is finished)."""
    with services.index.session() as session:
        item = session.get(ReocrItem, item_id)
        if item is None:
            raise NotFound(f"re-OCR item {item_id}")
        finished = item.state in (ItemState.DONE.value, ItemState.FAILED.value)
        return (ItemOutcome(item.outcome) if item.outcome else None), finished


def _run_claimed(claim: Claim, services: Services) -> ItemOutcome | None:
    started = time.perf_counter()
    try:
        plan = _plan(claim, services)
        produced = produce_version(
            services, plan.original_key, plan.version, label=f"reocr-{claim.item_id}"
        )
        comparison = compare(plan.old, summarize(produced.output.result.extraction), plan.policy)
        seconds = time.perf_counter() - started
        return _commit(claim, plan, produced, comparison, seconds, services).outcome
    except LostClaim:
        log.warning(
            "mục %s đã do tiến trình khác đảm nhận / re-OCR item taken over by another process",
            claim.item_id,
        )
        return None
    except TransientError:
        raise  # the caller gives the item back; rq retries the job
    except (InputRejected, NotFound) as error:
        return _fail(claim, error, time.perf_counter() - started, services)
    except Exception as error:  # a bug or an unknown tool failure: record it, go on
        log.exception("nhận dạng lại mục %s thất bại / re-OCR item failed", claim.item_id)
        failure = ProcessingFailed(repr(error)[:300])
        return _fail(claim, failure, time.perf_counter() - started, services)


def run_item(item_id: int, services: Services) -> ItemOutcome | None:
    """Re-run one item; its stored outcome if already finished, None if another process has it."""
    with job_context(reocr_item=item_id):
        return _run_item(item_id, services)


def _run_item(item_id: int, services: Services) -> ItemOutcome | None:
    """The claim's token is chosen before the claim, so whatever interrupts the run (Ctrl-C, a
    service down), even halfway through claiming, the item is given back for the next run.
    """
    outcome, finished = _finished_outcome(item_id, services)
    if finished:
        return outcome
    token = new_token()
    stale = services.settings.reocr.stale_running_seconds
    try:
        with services.index.session() as session:
            claim = claim_item(session, item_id, stale_after_seconds=stale, token=token)
        return None if claim is None else _run_claimed(claim, services)
    except BaseException:
        _release(item_id, token, services)
        raise


def run_item_job(item_id: int) -> str:
    """rq entry point (IDs only, JSON serializer); transient errors raise so rq retries."""
    outcome = run_item(item_id, scan_services())  # the worker's handles, bound at start-up
    return outcome.value if outcome else "skipped"
