"""Feeding a re-OCR batch: at the throttle's pace, inline or onto the low-priority queue.

Progress is always read back from the index (item states), never counted locally, so a resumed
run, several workers, or a second terminal all show the same numbers. Stopping the feeder (Ctrl-C,
``max_items``) leaves every unfinished item pending or claimable: ``resume`` picks them up and
finished items are never run again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from schemas.errors import NotFound
from schemas.reocr import BatchStatus, BatchSummary, ItemState
from storage.index.reocr import pending_items, reclaim_abandoned, set_status
from storage.index.reocr_summary import summarize_batch
from workers.queues import RqQueue
from workers.reocr import run_item
from workers.reocr_queue import enqueue_reocr_item, reocr_job_live
from workers.scratch import remove_abandoned_scratch
from workers.services import Services

log = logging.getLogger(__name__)

ProgressFn = Callable[[BatchSummary], None]
_BATCH_READ = 100  # claimable items listed per index read


class Throttle:
    """At most ``pages_per_minute`` pages started per minute; 0 means no limit.

    Each item is followed by a pause as long as its pages cost at that rate (less the time it
    already took), so a slow item earns no burst afterwards.
    """

    def __init__(
        self,
        pages_per_minute: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.pages_per_minute = pages_per_minute
        self.clock = clock
        self.sleep = sleep
        self.next_at: float | None = None

    def wait(self, pages: int) -> None:
        """Block until an item of ``pages`` pages may start."""
        if self.pages_per_minute <= 0:
            return
        now = self.clock()
        if self.next_at is not None and now < self.next_at:
            self.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = now + max(pages, 1) * 60.0 / self.pages_per_minute


def batch_summary(services: Services, batch_id: int) -> BatchSummary:
    with services.index.session() as session:
        summary = summarize_batch(session, batch_id)
    if summary is None:
        raise NotFound(f"re-OCR batch {batch_id}")
    return summary


def _set_status(services: Services, batch_id: int, status: BatchStatus) -> None:
    with services.index.session() as session:
        set_status(session, batch_id, status)


def _claimable(services: Services, batch_id: int) -> list[tuple[int, int]]:
    stale = services.settings.reocr.stale_running_seconds
    with services.index.session() as session:
        return pending_items(session, batch_id, stale_after_seconds=stale, limit=_BATCH_READ)


def _close(services: Services, batch_id: int) -> BatchSummary:
    summary = batch_summary(services, batch_id)
    if summary.open_items == 0:
        _set_status(services, batch_id, BatchStatus.DONE)
        summary = batch_summary(services, batch_id)
    return summary


WAIT_NOTICE_SECONDS = 60.0


def _say_waiting(services: Services, batch_id: int, summary: BatchSummary) -> None:
    """What the run waits for, for how long, and how not to wait."""
    held = summary.states.get(ItemState.RUNNING, 0)
    minutes = services.settings.reocr.stale_running_seconds / 60
    log.warning(
        "đang chờ %d mục do tiến trình khác giữ; nếu tiến trình đó đã dừng, các mục được lấy lại "
        "sau tối đa %.0f phút, hoặc chạy ngay: sohoa reocr resume %d --reclaim-running / "
        "waiting for %d item(s) held by another process (up to %.0f min; --reclaim-running "
        "takes them now)",
        held,
        minutes,
        batch_id,
        held,
        minutes,
    )


def feed_inline(
    services: Services,
    batch_id: int,
    *,
    throttle: Throttle,
    on_progress: ProgressFn | None = None,
    max_items: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> BatchSummary:
    """Run the batch's items in this process until none is left (or ``max_items`` ran)."""
    _set_status(services, batch_id, BatchStatus.RUNNING)
    for folder in remove_abandoned_scratch(services.settings.data_dir / "tmp"):
        log.warning(
            "đã dọn thư mục tạm của lần chạy bị ngắt / removed a killed run's scratch: %s",
            folder.name,
        )
    ran = 0
    said_at: float | None = None
    try:
        while True:
            items = _claimable(services, batch_id)
            if not items:
                summary = batch_summary(services, batch_id)
                if summary.open_items == 0:
                    break
                with services.index.session() as session:
                    freed = reclaim_abandoned(session, batch_id)
                if freed:  # their process was killed on this machine: no need to wait
                    log.warning("lấy lại %d mục của tiến trình đã chết / reclaimed", freed)
                    continue
                if said_at is None or time.monotonic() - said_at >= WAIT_NOTICE_SECONDS:
                    said_at = time.monotonic()
                    _say_waiting(services, batch_id, summary)
                sleep(services.settings.reocr.poll_seconds)  # others still run some items
                continue
            for item_id, pages in items:
                if max_items is not None and ran >= max_items:
                    _set_status(services, batch_id, BatchStatus.INTERRUPTED)
                    return batch_summary(services, batch_id)
                throttle.wait(pages)
                run_item(item_id, services)
                ran += 1
                if on_progress is not None:
                    on_progress(batch_summary(services, batch_id))
    except BaseException:
        _set_status(services, batch_id, BatchStatus.INTERRUPTED)
        raise
    return _close(services, batch_id)


def feed_queue(
    services: Services,
    batch_id: int,
    rq: RqQueue,
    *,
    throttle: Throttle,
    on_progress: ProgressFn | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> BatchSummary:
    """Hand items to rq (a few ahead of the workers) and follow them until all are finished."""
    settings = services.settings.reocr
    _set_status(services, batch_id, BatchStatus.RUNNING)
    try:
        while True:
            summary = batch_summary(services, batch_id)
            if on_progress is not None:
                on_progress(summary)
            if summary.open_items == 0:
                break
            in_flight = summary.states.get(ItemState.RUNNING, 0)
            for item_id, pages in _claimable(services, batch_id):
                if reocr_job_live(rq, item_id):
                    in_flight += 1
                    continue
                if in_flight >= settings.max_in_flight:
                    break
                throttle.wait(pages)
                if enqueue_reocr_item(rq, item_id):
                    in_flight += 1
            sleep(settings.poll_seconds)
    except BaseException:
        _set_status(services, batch_id, BatchStatus.INTERRUPTED)
        raise
    return _close(services, batch_id)
