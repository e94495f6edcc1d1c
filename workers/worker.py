"""Starting an rq worker on sohoa's queues, intake first (counter work before batch re-OCR)."""

from __future__ import annotations

from rq import Worker

from workers.jobs import bind_services
from workers.queues import RqQueue
from workers.services import Services


def run_worker(
    services: Services, queue_names: list[str] | None = None, *, burst: bool = False
) -> bool:
    """Work until stopped (or, with burst, until the queues are empty)."""
    settings = services.settings.queue
    rq = RqQueue(settings)
    names = queue_names or [
        settings.intake_queue,
        settings.maintenance_queue,
        settings.reocr_queue,
    ]
    bind_services(services)
    worker = Worker(
        [rq.queue(name) for name in names],
        connection=rq.connection,
        serializer=rq.queue(names[0]).serializer,
    )
    return bool(worker.work(burst=burst, with_scheduler=True))
