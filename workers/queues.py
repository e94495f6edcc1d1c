"""The only module that knows rq. With no Redis URL, jobs run in-process right away."""

from __future__ import annotations

from typing import Protocol

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from schemas.errors import QueueUnavailable
from schemas.records import JobOutcome
from schemas.settings import QueueSettings
from workers.jobs import process_scan
from workers.services import Services

PROCESS_SCAN = "workers.jobs.process_scan_job"


class JobQueue(Protocol):
    def enqueue_scan(self, scan_id: int) -> JobOutcome | None:
        """Queue (or run) the processing of a scan; in-process queues return the outcome."""
        ...


class InlineQueue:
    """Embedded default: run the job now, in this process."""

    def __init__(self, services: Services) -> None:
        self.services = services

    def enqueue_scan(self, scan_id: int) -> JobOutcome | None:
        return process_scan(scan_id, self.services)


def redis_connection(settings: QueueSettings) -> Redis:
    return Redis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=30)


class RqQueue:
    """Counter intake on the high-priority queue; arguments are IDs, JSON-serialized."""

    def __init__(self, settings: QueueSettings, connection: Redis | None = None) -> None:
        self.settings = settings
        self.connection = connection or redis_connection(settings)

    def queue(self, name: str) -> Queue:
        return Queue(name, connection=self.connection, serializer=JSONSerializer)

    def enqueue_scan(self, scan_id: int) -> JobOutcome | None:
        intervals = self.settings.retry_intervals_seconds
        try:
            self.queue(self.settings.intake_queue).enqueue(
                PROCESS_SCAN,
                scan_id,
                job_id=f"scan-{scan_id}",
                retry=Retry(max=len(intervals), interval=intervals),
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
