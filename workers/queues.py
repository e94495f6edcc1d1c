"""The only module that knows rq's queues and jobs. With no Redis URL, jobs run in-process.

Jobs are named ``<intake queue>-scan-<id>`` so a second enqueue of a live job is a no-op and
several deployments (or test runs) can share one Redis. rq retries a job only for transient
errors: the entry point switches retries off for anything else.
"""

from __future__ import annotations

import re
from typing import Protocol

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, get_current_job
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer

from schemas.errors import ProcessingFailed, QueueUnavailable, SohoaError
from schemas.records import JobOutcome
from schemas.settings import QueueSettings
from workers.jobs import process_scan, scan_services
from workers.log_context import job_context
from workers.services import Services
from workers.split import split_stored_batch
from workers.webhook_delivery import INLINE_PASS_SECONDS, deliver_quietly

PROCESS_SCAN = "workers.queues.run_scan_job"
# A job in one of these states will run (again) without our help.
LIVE_STATUSES = frozenset(
    {JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED}
)
_SCAN_JOB = re.compile(r"-scan-(\d+)$")


class JobQueue(Protocol):
    in_process: bool

    def enqueue_scan(self, scan_id: int) -> JobOutcome | None:
        """Queue (or run) the processing of a scan; in-process queues return the outcome."""
        ...


class InlineQueue:
    """Embedded default: run the job now, in this process."""

    in_process = True

    def __init__(self, services: Services) -> None:
        self.services = services

    def enqueue_scan(self, scan_id: int) -> JobOutcome | None:
        outcome = take_scan(scan_id, self.services, self)
        # No worker here: the events the job stored (digitized, received…) go out now, and
        # earlier failed deliveries that are due get their retry.
        deliver_quietly(self.services.index, max_seconds=INLINE_PASS_SECONDS)
        return outcome


def take_scan(scan_id: int, services: Services, queue: JobQueue) -> JobOutcome:
    """A scan's job: a batch scan is split and its components queued; any other is processed."""
    job = get_current_job()
    with job_context(scan=scan_id, job=job.id if job is not None else ""):
        check = split_stored_batch(scan_id, services)
        if check.parts is None:
            return process_scan(scan_id, services, source=check.source)
        for part in check.parts:
            queue.enqueue_scan(part)
        return JobOutcome.SPLIT


def redis_connection(settings: QueueSettings) -> Redis:
    return Redis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=30)


def scan_job_id(settings: QueueSettings, scan_id: int) -> str:
    prefix = re.sub(r"[^A-Za-z0-9_-]", "_", settings.intake_queue)
    return f"{prefix}-scan-{scan_id}"


def scan_id_of_job(job_id: str) -> int | None:
    match = _SCAN_JOB.search(job_id)
    return int(match[1]) if match else None


def _stop_retrying() -> None:
    """The running job failed for a reason a retry cannot fix: rq must not retry it."""
    job = get_current_job()
    if job is not None:
        job.retries_left = 0


def run_scan_job(scan_id: int) -> str:
    """rq entry point: arguments are IDs only; a failed outcome fails the rq job too."""
    try:
        services = scan_services()
        outcome = take_scan(scan_id, services, RqQueue(services.settings.queue)).value
    except SohoaError as error:
        if not error.retryable:
            _stop_retrying()
        raise
    except Exception:
        _stop_retrying()
        raise
    if outcome == JobOutcome.FAILED.value:
        _stop_retrying()
        raise ProcessingFailed(f"scan {scan_id}")
    return outcome


class RqQueue:
    """Counter intake on the high-priority queue; arguments are IDs, JSON-serialized."""

    in_process = False

    def __init__(self, settings: QueueSettings, connection: Redis | None = None) -> None:
        self.settings = settings
        self.connection = connection or redis_connection(settings)

    @property
    def names(self) -> list[str]:
        """Every sohoa queue, in the order workers take from them."""
        s = self.settings
        return [s.intake_queue, s.maintenance_queue, s.reocr_queue]

    def queue(self, name: str) -> Queue:
        return Queue(name, connection=self.connection, serializer=JSONSerializer)

    def retry_policy(self) -> Retry | None:
        intervals = self.settings.retry_intervals_seconds
        return Retry(max=len(intervals), interval=intervals) if intervals else None

    def fetch(self, job_id: str) -> Job | None:
        return self.queue(self.settings.intake_queue).fetch_job(job_id)

    def scan_job_status(self, scan_id: int) -> JobStatus | None:
        """Where rq has the scan's intake job, or None when Redis holds no such job."""
        try:
            job = self.fetch(scan_job_id(self.settings, scan_id))
            return job.get_status(refresh=False) if job is not None else None
        except RedisError as exc:
            raise QueueUnavailable(str(exc)[:200]) from exc

    def enqueue_scan(self, scan_id: int) -> JobOutcome | None:
        """Queue the scan unless its job is already waiting or running (dropped twice)."""
        job_id = scan_job_id(self.settings, scan_id)
        try:
            queue = self.queue(self.settings.intake_queue)
            existing = queue.fetch_job(job_id)
            if existing is not None:
                if existing.get_status(refresh=False) in LIVE_STATUSES:
                    return None
                existing.delete()  # a finished or failed run: out of rq's registries first
            queue.enqueue(
                PROCESS_SCAN,
                scan_id,
                job_id=job_id,
                description=f"scan {scan_id}",
                retry=self.retry_policy(),
                job_timeout=self.settings.job_timeout_seconds,
                result_ttl=86400,
                failure_ttl=30 * 86400,
            )
        except RedisError as exc:
            raise QueueUnavailable(str(exc)[:200]) from exc
        return None


def open_queue(services: Services) -> JobQueue:
    if services.settings.queue.redis_url:
        return RqQueue(services.settings.queue)
    return InlineQueue(services)
