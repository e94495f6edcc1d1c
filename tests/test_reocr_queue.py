"""Re-OCR through rq on the real Redis: items go on the low-priority queue a few at a time, under
namespaced job IDs, and an interrupted feed resumes with every item run exactly once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rq import SimpleWorker
from sqlalchemy import select

import workers.jobs
from schemas.reocr import BatchStatus, ItemOutcome, ReocrFilters
from storage.index.reocr import ReocrItem
from tests.intake_helpers import cleanup_redis, rq_settings
from tests.reocr_fakes import fast_settings, good_engine, seed_results, versions_by_scan
from workers.queues import RqQueue
from workers.reocr import start_batch
from workers.reocr_feed import Throttle, feed_queue
from workers.reocr_queue import enqueue_reocr_item, reocr_job_id
from workers.services import Services

pytestmark = pytest.mark.redis


@pytest.fixture
def services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    settings = fast_settings(tmp_path / "data")
    settings.queue = rq_settings()
    settings.reocr.max_in_flight = 4
    settings.reocr.poll_seconds = 0
    opened = Services.open(settings)
    opened.engine = good_engine()
    monkeypatch.setattr(workers.jobs, "_process_services", opened)  # what rq jobs run with
    try:
        yield opened
    finally:
        cleanup_redis(settings.queue)


def _burst(rq: RqQueue, name: str) -> None:
    """One in-process worker pass over the re-OCR queue (what ``sohoa worker`` does, unforked)."""
    queue = rq.queue(rq.settings.reocr_queue)
    SimpleWorker([queue], connection=rq.connection, serializer=queue.serializer, name=name).work(
        burst=True
    )


def test_queue_feed_is_bounded_interruptible_and_exactly_once(
    tmp_path: Path, services: Services
) -> None:
    scan_ids = seed_results(services, tmp_path / "in", 10)
    rq = RqQueue(services.settings.queue)
    reocr_queue = rq.queue(services.settings.queue.reocr_queue)
    batch_id = start_batch(services, ReocrFilters(outdated=True))
    waiting: list[int] = []
    token = services.settings.queue.intake_queue.split("-")[0]

    def work_then_ctrl_c(_: float) -> None:
        waiting.append(reocr_queue.count)
        _burst(rq, f"{token}-w{len(waiting)}")
        if len(waiting) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        feed_queue(services, batch_id, rq, throttle=Throttle(0), sleep=work_then_ctrl_c)
    assert waiting == [4, 4]  # never more than max_in_flight handed to rq
    with services.index.session() as session:
        states = session.scalars(select(ReocrItem.state).order_by(ReocrItem.id)).all()
    assert states == ["done"] * 8 + ["pending"] * 2

    def work(_: float) -> None:
        waiting.append(reocr_queue.count)
        _burst(rq, f"{token}-w{len(waiting)}")

    summary = feed_queue(services, batch_id, rq, throttle=Throttle(0), sleep=work)
    assert summary.status is BatchStatus.DONE
    assert summary.outcomes == {ItemOutcome.IMPROVED: 10} and summary.attempts == 10
    assert services.engine.calls == 10  # type: ignore[attr-defined]
    assert versions_by_scan(services) == {s: [(1, False), (2, True)] for s in scan_ids}
    assert rq.queue(services.settings.queue.intake_queue).count == 0  # intake never used

    with services.index.session() as session:
        first = session.scalars(select(ReocrItem.id).order_by(ReocrItem.id)).first()
    assert first is not None
    job = reocr_queue.fetch_job(reocr_job_id(services.settings.queue, first))
    assert job is not None and job.func_name == "workers.reocr.run_item_job"
    assert job.args == [first] and job.return_value() == "improved"
    assert enqueue_reocr_item(rq, first)  # finished job: may be queued again...
    assert not enqueue_reocr_item(rq, first)  # ...but not twice while waiting
    _burst(rq, f"{token}-again")
    assert services.engine.calls == 10  # type: ignore[attr-defined]  # the done item is skipped
