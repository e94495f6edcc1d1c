"""Looking after sohoa's rq queues: depths, failed jobs, retries, jobs of dead workers.

With ``workers.queues`` and ``workers.worker`` the only code that touches rq. A worker that dies
(power cut, OOM kill) leaves its job in rq's started registry until its heartbeat expires
(a minute and a half or more); workers that died on *this* machine are recognised at once by
their process ID, and their jobs handed to rq's own abandoned-job handling, which retries them.
"""

from __future__ import annotations

import socket
from datetime import datetime

from pydantic import BaseModel
from redis.exceptions import RedisError
from rq import Worker
from rq.exceptions import SchedulerNotFound
from rq.executions import Execution
from rq.job import Job
from rq.scheduler import RQScheduler
from rq.scripts import release_lock
from rq.serializers import JSONSerializer

from schemas.errors import QueueUnavailable
from workers.queues import RqQueue, scan_id_of_job
from workers.scratch import pid_alive


class QueueDepth(BaseModel):
    name: str
    queued: int
    started: int
    scheduled: int
    failed: int
    finished: int


class FailedJob(BaseModel):
    job_id: str
    queue: str
    scan_id: int | None
    reason: str
    ended_at: datetime | None = None


def queue_depths(rq: RqQueue) -> list[QueueDepth]:
    """Counts per queue; counting also lets rq expire jobs whose worker stopped beating."""
    try:
        rows = []
        for name in rq.names:
            queue = rq.queue(name)
            rows.append(
                QueueDepth(
                    name=name,
                    queued=queue.count,
                    started=queue.started_job_registry.count,
                    scheduled=queue.scheduled_job_registry.count,
                    failed=queue.failed_job_registry.count,
                    finished=queue.finished_job_registry.count,
                )
            )
        return rows
    except RedisError as exc:
        raise QueueUnavailable(str(exc)[:200]) from exc


def worker_count(rq: RqQueue) -> int:
    try:
        return sum(
            1
            for worker in Worker.all(connection=rq.connection)
            if set(worker.queue_names()) & set(rq.names)
        )
    except RedisError as exc:
        raise QueueUnavailable(str(exc)[:200]) from exc


def _last_line(text: str | None) -> str:
    lines = [line for line in (text or "").strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def _exc_string(job: Job) -> str:
    result = job.latest_result()
    return (result.exc_string or "") if result is not None else ""


def failed_jobs(rq: RqQueue) -> list[FailedJob]:
    """Every job in the failed registries, newest last, with rq's last error line."""
    try:
        found = []
        for name in rq.names:
            queue = rq.queue(name)
            ids = queue.failed_job_registry.get_job_ids()
            for job_id, job in zip(
                ids, Job.fetch_many(ids, rq.connection, JSONSerializer), strict=True
            ):
                if job is None:
                    continue
                found.append(
                    FailedJob(
                        job_id=job_id,
                        queue=name,
                        scan_id=scan_id_of_job(job_id),
                        reason=_last_line(_exc_string(job)),
                        ended_at=job.ended_at,
                    )
                )
        return found
    except RedisError as exc:
        raise QueueUnavailable(str(exc)[:200]) from exc


def retry_failed(rq: RqQueue, job_ids: list[str] | None = None) -> list[str]:
    """Requeue failed jobs (all when ``job_ids`` is None) with a fresh set of retries."""
    wanted = set(job_ids) if job_ids is not None else None
    retry = rq.retry_policy()
    done = []
    try:
        for name in rq.names:
            registry = rq.queue(name).failed_job_registry
            for job_id in registry.get_job_ids():
                if wanted is not None and job_id not in wanted:
                    continue
                job = Job.fetch(job_id, connection=rq.connection, serializer=JSONSerializer)
                if retry is not None:
                    job.retries_left = retry.max
                    job.retry_intervals = retry.intervals
                    job.save()
                registry.requeue(job)
                done.append(job_id)
    except RedisError as exc:
        raise QueueUnavailable(str(exc)[:200]) from exc
    return done


def _worker_is_dead(rq: RqQueue, worker_name: str, host: str) -> bool:
    key = Worker.redis_worker_namespace_prefix + worker_name
    worker = Worker.find_by_key(key, connection=rq.connection, serializer=JSONSerializer)
    if worker is None:
        return True  # unregistered: its heartbeat key expired, it cannot be working
    if worker.hostname != host or worker.pid is None or pid_alive(worker.pid):
        return False
    worker.register_death()
    return True


def release_dead_schedulers(rq: RqQueue) -> list[str]:
    """Free the scheduling locks of a scheduler process that died on this machine.

    rq's lock outlives its holder by a minute; until then no one moves delayed retries back
    into the queues. A live worker's next maintenance takes the freed lock and starts its own
    scheduler. Returns the queue names freed.
    """
    host = socket.gethostname()
    freed: list[str] = []
    try:
        for name in rq.names:
            lock = RQScheduler.get_locking_key(name)
            holder = rq.connection.get(lock)
            if holder is None:
                continue
            holder_name = holder.decode() if isinstance(holder, bytes) else str(holder)
            try:
                scheduler = RQScheduler.fetch(holder_name, rq.connection)
            except SchedulerNotFound:
                continue  # not registered yet, or expired with its lock
            if scheduler.hostname != host or scheduler.pid <= 0 or pid_alive(scheduler.pid):
                continue
            # rq's own compare-and-delete: a live scheduler that took the lock meanwhile keeps it.
            if release_lock(rq.connection, lock, holder_name):
                freed.append(name)
    except RedisError as exc:
        raise QueueUnavailable(str(exc)[:200]) from exc
    return freed


def release_dead_workers_jobs(rq: RqQueue) -> list[str]:
    """Hand the jobs of dead workers back to rq now; rq retries them (or fails them when
    out of retries). Returns the job IDs released."""
    host = socket.gethostname()
    released: list[str] = []
    try:
        for name in rq.names:
            registry = rq.queue(name).started_job_registry
            expired: dict[str | bytes, bytes | float | int | str] = {}
            for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
                try:
                    execution = Execution.fetch(execution_id, job_id, rq.connection)
                except ValueError:
                    continue  # the execution expired: rq's own cleanup takes the job
                if _worker_is_dead(rq, execution.worker_name, host):
                    expired[f"{job_id}:{execution_id}"] = 0
                    released.append(job_id)
            if expired:
                rq.connection.zadd(registry.key, expired, xx=True)  # due now
                registry.cleanup()
    except RedisError as exc:
        raise QueueUnavailable(str(exc)[:200]) from exc
    return released
