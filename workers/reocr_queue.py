"""Re-OCR items on rq's low-priority queue: workers take counter intake first, always.

Job IDs are ``<re-OCR queue>-reocr-<item id>`` (namespaced by the queue name, as intake jobs
are, so deployments and test runs sharing one Redis never collide); enqueueing an item whose
job is still waiting or running does nothing.
"""

from __future__ import annotations

import re

from redis.exceptions import RedisError

from schemas.errors import QueueUnavailable
from schemas.settings import QueueSettings
from workers.queues import LIVE_STATUSES, RqQueue

REOCR_JOB = "workers.reocr.run_item_job"


def reocr_job_id(settings: QueueSettings, item_id: int) -> str:
    prefix = re.sub(r"[^A-Za-z0-9_-]", "_", settings.reocr_queue)
    return f"{prefix}-reocr-{item_id}"


def reocr_job_live(rq: RqQueue, item_id: int) -> bool:
    """Whether rq holds a job for the item that will still run."""
    try:
        job = rq.queue(rq.settings.reocr_queue).fetch_job(reocr_job_id(rq.settings, item_id))
        return job is not None and job.get_status(refresh=False) in LIVE_STATUSES
    except RedisError as exc:
        raise QueueUnavailable(str(exc)[:200]) from exc


def enqueue_reocr_item(rq: RqQueue, item_id: int) -> bool:
    """Queue the item's job unless one is live; True if queued. Arguments are IDs only."""
    if reocr_job_live(rq, item_id):
        return False
    try:
        rq.queue(rq.settings.reocr_queue).enqueue(
            REOCR_JOB,
            item_id,
            job_id=reocr_job_id(rq.settings, item_id),
            description=f"re-OCR item {item_id}",
            retry=rq.retry_policy(),
            job_timeout=rq.settings.job_timeout_seconds,
            result_ttl=86400,
            failure_ttl=30 * 86400,
        )
    except RedisError as exc:
        raise QueueUnavailable(str(exc)[:200]) from exc
    return True
