"""Making sure no registered scan is left without a job: the index is the truth, Redis a helper.

A scan still ``queued`` or ``processing`` whose intake job rq no longer holds live (Redis lost
its data, a worker died after its retries ran out, transient errors outlasted the backoff, the
intake stopped between registering and enqueueing) is queued again. A scan whose worker died
``max_attempts`` times is marked failed with a reason instead — a file that crashes every worker
must not loop forever. Only never-processed scans are looked at: re-OCR keeps its own jobs.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field
from sqlalchemy import select

from schemas.errors import WorkerCrashed
from schemas.records import ScanState
from storage.index.scan_lifecycle import move as move_scan
from storage.index.scans import get_scan
from storage.index.tables import Scan
from workers.queue_admin import release_dead_workers_jobs
from workers.queues import LIVE_STATUSES, RqQueue
from workers.services import Services

log = logging.getLogger(__name__)
_UNFINISHED = (ScanState.QUEUED.value, ScanState.PROCESSING.value)


class MaintenanceReport(BaseModel):
    released: list[str] = Field(default_factory=list)  # jobs of dead workers handed back to rq
    requeued: list[int] = Field(default_factory=list)  # scans queued again
    gave_up: list[int] = Field(default_factory=list)  # scans marked failed (worker_crashed)


def give_up_if_exhausted(scan_id: int, services: Services) -> bool:
    """Mark the scan failed when its runs keep dying; True if it was (or already is) given up."""
    limit = services.settings.queue.max_attempts
    with services.index.session() as session:
        scan = get_scan(session, scan_id)
        if scan.state == ScanState.FAILED.value:
            return True
        if scan.state != ScanState.PROCESSING.value or scan.attempts < limit:
            return False
        error = WorkerCrashed(f"{scan.attempts} lần / attempts")
        move_scan(
            session,
            scan,
            ScanState.FAILED,
            error_code=error.code,
            error_message=error.staff_message(),
        )
    log.error(
        "bản quét %s: tiến trình xử lý chết %s lần, dừng thử lại / "
        "processing died %s times, not retried again",
        scan_id,
        limit,
        limit,
    )
    return True


def mark_queued(scan_ids: list[int], services: Services) -> None:
    """Failed scans being retried show as queued again (and their files are not re-filed)."""
    with services.index.session() as session:
        for scan_id in scan_ids:
            scan = session.get(Scan, scan_id)
            if scan is not None and scan.state == ScanState.FAILED.value:
                move_scan(session, scan, ScanState.QUEUED)


def _unfinished_intake(services: Services, limit: int) -> list[int]:
    with services.index.session() as session:
        return list(
            session.scalars(
                select(Scan.id)
                .where(Scan.state.in_(_UNFINISHED), Scan.current_version == 0)
                .order_by(Scan.id)
                .limit(limit)
            )
        )


def _unfinished(scan_id: int, services: Services) -> bool:
    with services.index.session() as session:
        scan = session.get(Scan, scan_id)
        return scan is not None and scan.state in _UNFINISHED


def requeue_lost_scans(services: Services, rq: RqQueue, limit: int = 1000) -> MaintenanceReport:
    """One maintenance pass; raises QueueUnavailable / IndexUnavailable when those are down."""
    report = MaintenanceReport(released=release_dead_workers_jobs(rq))
    for scan_id in _unfinished_intake(services, limit):
        if rq.scan_job_status(scan_id) in LIVE_STATUSES or not _unfinished(scan_id, services):
            continue  # rq has it in hand, or it finished since the list was read
        if give_up_if_exhausted(scan_id, services):
            report.gave_up.append(scan_id)
            continue
        rq.enqueue_scan(scan_id)
        report.requeued.append(scan_id)
    if report.requeued:
        log.warning(
            "đưa lại vào hàng đợi các bản quét bị mất việc / scans re-queued, jobs lost: %s",
            report.requeued,
        )
    return report
