"""Starting an rq worker on sohoa's queues, intake first (counter work before batch re-OCR).

Several workers may run on several machines against one Redis; each forks a work horse per job,
so a crash inside a job (OOM, a tool gone wild) never takes the worker down, and rq retries it.
Losing Redis does not end a worker either: it waits for Redis and works again. Every worker
runs rq's scheduler when it holds the lock; an idle worker looks up every ``worker_ttl - 15``
seconds, so a scheduler that died (killed, or on Redis loss) is replaced within a minute.
"""

from __future__ import annotations

import gc
import logging
import signal
import time
from collections.abc import Callable
from typing import Any

import cv2
from redis.exceptions import RedisError
from rq import Worker

from pipeline.ocr import TesseractEngine
from pipeline.signatures.keys import warm_signers
from pipeline.warmup import warm_up
from schemas.errors import QueueUnavailable, SohoaError
from workers.heap import keep_page_images_on_the_heap
from workers.jobs import bind_services
from workers.queue_admin import release_dead_schedulers, release_dead_workers_jobs
from workers.queues import RqQueue
from workers.services import Services
from workers.signing import sign_pending_quietly
from workers.webhook_delivery import WORKER_PASS_SECONDS, deliver_quietly

log = logging.getLogger(__name__)


class SohoaWorker(Worker):
    """rq's forking worker plus two things sohoa needs."""

    sohoa_services: Services | None = None
    sohoa_queue: RqQueue | None = None

    def main_work_horse(self, *args: Any, **kwargs: Any) -> None:
        # Database connections inherited through fork() are shared with the parent: a horse
        # killed mid-transaction would corrupt them. Drop them (without closing) in the child.
        if self.sohoa_services is not None:
            self.sohoa_services.index.engine.dispose(close=False)
        super().main_work_horse(*args, **kwargs)

    @property
    def asked_to_stop(self) -> bool:
        """SIGTERM or SIGINT arrived (rq notes it in one of two ways, busy or idle)."""
        return self._stop_requested or self._shutdown_requested_date is not None

    def run_maintenance_tasks(self) -> None:
        # Also at start-up: jobs of workers that died on this machine are retried right away,
        # and a scheduler that died here gives its lock up so that this worker takes over.
        if self.sohoa_queue is not None:
            try:
                released = release_dead_workers_jobs(self.sohoa_queue)
                freed = release_dead_schedulers(self.sohoa_queue)
            except QueueUnavailable:
                released, freed = [], []
            for job_id in released:
                log.warning(
                    "việc %s của tiến trình đã chết được trả lại hàng đợi / "
                    "job of a dead worker handed back to the queue",
                    job_id,
                )
            if freed:
                log.warning(
                    "bộ lập lịch đã chết, tiếp quản / dead scheduler replaced: %s", ", ".join(freed)
                )
        if self.sohoa_services is not None:  # the webhook outbox, every maintenance interval
            deliver_quietly(self.sohoa_services.index, max_seconds=WORKER_PASS_SECONDS)
            sign_pending_quietly(self.sohoa_services)  # signatures left to make or retry (#24)
        super().run_maintenance_tasks()


def _prepare(services: Services) -> None:
    """Once per process, before any worker: warm-up, so that every horse inherits it."""
    bind_services(services)
    threads = services.settings.preprocess.worker_opencv_threads
    if threads:
        cv2.setNumThreads(threads)
    keep_page_images_on_the_heap()  # before the warm-up: horses inherit the allocator's state
    services.load_tesseract_once()  # the warm-up loads it; every horse inherits it loaded
    try:
        seconds = warm_up(services.settings, services.engine)
        log.info("đã khởi động nóng quy trình trong %.2f s / pipeline warmed up", seconds)
        engine = services.engine
        if isinstance(engine, TesseractEngine) and engine.runs_in_process:
            log.info("Tesseract nạp một lần trong tiến trình / loaded once in this process")
        elif isinstance(engine, TesseractEngine):
            note = engine.library_note or "in_process=false"
            log.info("Tesseract chạy từng trang / one process per page (%s)", note)
    except (SohoaError, OSError) as exc:  # a real page will show the problem with its reason
        log.warning("khởi động nóng quy trình thất bại / warm-up failed: %s", exc)
    warm_signers(services.settings.signing)  # units' PKCS#12 keys opened once, inherited
    services.index.dispose()  # nothing pooled in the parent for horses to inherit
    # What the warm-up built (places, vocabularies, rule tables) stays for good: kept out of
    # the collector's sight, a horse's collections do not walk it and copy its pages.
    gc.collect()
    gc.freeze()


def _new_worker(services: Services, rq: RqQueue, names: list[str]) -> SohoaWorker:
    settings = services.settings.queue
    worker = SohoaWorker(
        [rq.queue(name) for name in names],
        connection=rq.connection,
        serializer=rq.queue(names[0]).serializer,
        maintenance_interval=settings.worker_maintenance_seconds,
        worker_ttl=settings.worker_ttl_seconds,
    )
    worker.sohoa_services = services
    worker.sohoa_queue = rq
    return worker


def wait_for_redis(rq: RqQueue, max_seconds: float, sleep: Callable[[float], None]) -> None:
    """Sleep 1, 2, 4… (up to ``max_seconds``) until Redis answers again, saying so each time."""
    delay = 1.0
    while True:
        try:
            rq.connection.ping()
            return
        except RedisError as exc:
            log.warning(
                "mất kết nối Redis, thử lại sau %.0f s / Redis lost, retrying in %.0f s: %s",
                delay,
                delay,
                str(exc)[:120],
            )
        sleep(delay)
        delay = min(delay * 2, max_seconds)


class _StopWaiting(Exception):
    """SIGTERM or SIGINT while waiting for Redis: the worker ends as asked."""


def _stop_waiting(signum: int, frame: object) -> None:
    raise _StopWaiting


def run_worker(
    services: Services,
    queue_names: list[str] | None = None,
    *,
    burst: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Work until stopped (or, with burst, until the queues are empty).

    Redis down at start-up raises QueueUnavailable (the command says so and exits 75). Redis
    lost later never ends the worker: rq gives up its loop on some connection errors (a job's
    bookkeeping, a heartbeat), so the worker waits for Redis and starts working again.
    """
    settings = services.settings.queue
    rq = RqQueue(settings)
    names = queue_names or rq.names
    try:
        rq.connection.ping()
    except RedisError as exc:
        raise QueueUnavailable(str(exc)[:200]) from exc
    _prepare(services)
    worked = False
    while True:
        worker = _new_worker(services, rq, names)
        try:
            worked = bool(worker.work(burst=burst, with_scheduler=True)) or worked
        except RedisError as exc:
            if burst:
                raise QueueUnavailable(str(exc)[:200]) from exc
        if burst or worker.asked_to_stop:
            return worked
        log.warning("vòng làm việc của rq đã dừng, khởi động lại / rq's loop ended, restarting")
        signal.signal(signal.SIGTERM, _stop_waiting)
        signal.signal(signal.SIGINT, _stop_waiting)
        try:
            wait_for_redis(rq, settings.reconnect_max_seconds, sleep)
        except _StopWaiting:
            return worked
