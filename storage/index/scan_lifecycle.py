"""A scan's states and the only moves between them, the result row a produced version becomes,
and how that result satisfies the dossier components scanned into it. Nothing else writes
``Scan.state``, builds a result row from the pipeline's output or links results.

::

    queued ──▶ processing ──▶ done / needs_review      (a result version exists)
      │  ▲         │    └───▶ quarantined               (bad input: the file is the problem)
      │  └─────────┤──────▶ failed ──▶ queued, processing  (a system failure: retried)
      └────────────┴──────▶ split ──▶ queued           (a batch: its components are scans)

``processing → queued`` is a transient failure handed back to the queue; ``done ↔ needs_review``
is re-OCR promoting a version or a reviewer confirming one. Staying in a state is always allowed
(a retried job repeats its last step). Any other move raises `ScanTransitionNotAllowed`: a bug,
never silently a wrong state.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from schemas.dossiers import ComponentStatus
from schemas.errors import ScanTransitionNotAllowed
from schemas.records import DocumentResult, ScanState
from storage.index.events import record_digitized
from storage.index.tables import DossierComponent, Result, Scan

QUEUED, PROCESSING = ScanState.QUEUED, ScanState.PROCESSING
DONE, NEEDS_REVIEW = ScanState.DONE, ScanState.NEEDS_REVIEW
QUARANTINED, FAILED, SPLIT = ScanState.QUARANTINED, ScanState.FAILED, ScanState.SPLIT

ALLOWED: dict[ScanState, frozenset[ScanState]] = {
    QUEUED: frozenset({PROCESSING, SPLIT, FAILED}),
    PROCESSING: frozenset({DONE, NEEDS_REVIEW, QUARANTINED, FAILED, QUEUED, SPLIT}),
    DONE: frozenset({NEEDS_REVIEW}),
    NEEDS_REVIEW: frozenset({DONE}),
    QUARANTINED: frozenset(),
    FAILED: frozenset({QUEUED, PROCESSING}),  # retried on demand, or by rq's own retry
    SPLIT: frozenset({QUEUED}),
}


def can_move(current: ScanState, to: ScanState) -> bool:
    return to is current or to in ALLOWED[current]


def move(
    session: Session, scan: Scan, to: ScanState, *, error_code: str = "", error_message: str = ""
) -> None:
    """Put ``scan`` in state ``to`` (with the reason staff read, for failures and splits)."""
    current = ScanState(scan.state)
    if not can_move(current, to):
        raise ScanTransitionNotAllowed(f"scan {scan.id}: {current.value} → {to.value}")
    scan.state = to.value
    scan.error_code = error_code
    scan.error_message = error_message


def satisfy_components(
    session: Session, components: list[DossierComponent], result_id: int
) -> None:
    """The scan's components now point at ``result_id``; the first time, each is digitized
    (one event each, which the indicators count). First processing, a late duplicate drop and a
    promoted re-OCR all go through here."""
    for component in components:
        if component.status != ComponentStatus.DIGITIZED.value:
            record_digitized(session, component)
            component.status = ComponentStatus.DIGITIZED.value
        component.result_id = result_id


def result_row(scan_id: int, version: int, prefix: str, result: DocumentResult) -> Result:
    """The row of a produced version (first processing or re-OCR); the caller adds the dossier
    context and saves it with ``results.save_version``."""
    extraction = result.extraction
    return Result(
        scan_id=scan_id,
        version=version,
        doc_type=extraction.doc_type.value,
        fields={name: f.value for name, f in extraction.fields.items()},
        needs_review=extraction.needs_review,
        review_reasons=list(extraction.review_reasons),
        cross_checks=[check.model_dump() for check in extraction.cross_checks],
        signatures=[signature.model_dump(mode="json") for signature in result.signatures],
        mean_confidence=extraction.mean_confidence(),
        engine=result.engine.model_dump(),
        derived_prefix=prefix,
    )
