"""Starting an rq worker on sohoa's queues, intake first (counter work before batch re-OCR).

Several workers may run on several machines against one Redis; each forks a work horse per job,
so a crash inside a job (OOM, a tool gone wild) never takes the worker down, and rq retries it.
"""

from __future__ import annotations

import logging
from typing import Any

import cv2
from redis.exceptions import RedisError
from rq import Worker

from pipeline.ocr import TesseractEngine
from pipeline.warmup import warm_up
from schemas.errors import QueueUnavailable, SohoaError
from workers.heap import keep_page_images_on_the_heap
from workers.jobs import bind_services
from workers.queue_admin import release_dead_workers_jobs
from workers.queues import RqQueue
from workers.services import Services

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

    def run_maintenance_tasks(self) -> None:
        # Also at start-up: jobs of workers that died on this machine are retried right away.
        if self.sohoa_queue is not None:
            try:
                released = release_dead_workers_jobs(self.sohoa_queue)
            except QueueUnavailable:
                released = []
            for job_id in released:
                log.warning("việc %s của tiến trình đã chết được trả lại hàng đợi", job_id)
        super().run_maintenance_tasks()


def run_worker(
    services: Services, queue_names: list[str] | None = None, *, burst: bool = False
) -> bool:
    """Work until stopped (or, with burst, until the queues are empty)."""
    settings = services.settings.queue
    rq = RqQueue(settings)
    names = queue_names or rq.names
    bind_services(services)
    threads = services.settings.preprocess.worker_opencv_threads
    if threads:
        cv2.setNumThreads(threads)
    keep_page_images_on_the_heap()  # before the warm-up: horses inherit the allocator's state
    services.load_tesseract_once()  # the warm-up loads it; every horse inherits it loaded
    try:
        seconds = warm_up(services.settings, services.engine)
        log.info("đã khởi động nóng quy trình trong %.2f s", seconds)
        engine = services.engine
        if isinstance(engine, TesseractEngine) and engine.runs_in_process:
            log.info("Tesseract nạp một lần trong tiến trình / loaded once in this process")
        elif isinstance(engine, TesseractEngine):
            note = engine.library_note or "in_process=false"
            log.info("Tesseract chạy từng trang / one process per page (%s)", note)
    except (SohoaError, OSError) as exc:  # a real page will show the problem with its reason
        log.warning("khởi động nóng quy trình thất bại: %s", exc)
    services.index.dispose()  # nothing pooled in the parent for horses to inherit
    worker = SohoaWorker(
        [rq.queue(name) for name in names],
        connection=rq.connection,
        serializer=rq.queue(names[0]).serializer,
        maintenance_interval=settings.worker_maintenance_seconds,
    )
    worker.sohoa_services = services
    worker.sohoa_queue = rq
    try:
        return bool(worker.work(burst=burst, with_scheduler=True))
    except RedisError as exc:
        raise QueueUnavailable(str(exc)[:200]) from exc
