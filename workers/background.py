"""Scan jobs of the API process itself when there is no Redis (embedded mode): one thread.

The watcher runs in-process jobs on its own loop, between passes. A file uploaded from the
staff page cannot make its HTTP request wait for OCR, so the API hands its scans to this queue
instead: one job at a time (like ``sohoa watch`` without Redis), on a thread that ends when
there is nothing left to do. A transient failure (storage, database down) is tried again after
``retry_seconds``; a scan whose runs keep dying is given up as the finisher would. Nothing is
kept outside the index: a job lost with the process is run again when the file is uploaded again.
"""

from __future__ import annotations

import logging
import queue
import threading

from schemas.errors import TransientError
from schemas.records import JobOutcome
from workers.maintenance import give_up_if_exhausted
from workers.queues import InlineQueue
from workers.services import Services

log = logging.getLogger(__name__)


class BackgroundQueue:
    """``JobQueue`` for the API in embedded mode: ``enqueue_scan`` returns at once."""

    in_process = True

    def __init__(
        self, services: Services, *, retry_seconds: float = 15.0, idle_seconds: float = 5.0
    ) -> None:
        self.services = services
        self.retry_seconds = retry_seconds
        self.idle_seconds = idle_seconds
        self._inbox: queue.Queue[int] = queue.Queue()
        self._waiting: set[int] = set()  # queued here or running: a second enqueue is a no-op
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._idle = threading.Event()
        self._idle.set()

    def enqueue_scan(self, scan_id: int) -> JobOutcome | None:
        """Run the scan's job soon, on this queue's thread (no outcome: it is not known yet)."""
        with self._lock:
            if scan_id in self._waiting:
                return None
            self._waiting.add(scan_id)
            self._idle.clear()
        self._hand_in(scan_id)
        return None

    def _hand_in(self, scan_id: int) -> None:
        """Into the inbox, with a thread to take it (the last one may have ended, idle)."""
        with self._lock:
            self._inbox.put(scan_id)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._work, name="sohoa-upload-jobs", daemon=True
                )
                self._thread.start()

    def wait_idle(self, timeout: float) -> bool:
        """Until every job handed in has run (tests, an orderly shutdown); False on timeout."""
        return self._idle.wait(timeout)

    def _work(self) -> None:
        while True:
            try:
                scan_id = self._inbox.get(timeout=self.idle_seconds)
            except queue.Empty:
                with self._lock:
                    if self._inbox.empty():  # enqueue_scan starts a new thread after this
                        self._thread = None
                        return
                continue
            again = self._run(scan_id)
            with self._lock:
                if not again:
                    self._waiting.discard(scan_id)
                if not self._waiting:
                    self._idle.set()

    def _run(self, scan_id: int) -> bool:
        """One job; True when it is to be tried again later (it stays in ``_waiting``)."""
        try:
            if give_up_if_exhausted(scan_id, self.services):
                return False
            InlineQueue(self.services).enqueue_scan(scan_id)
        except TransientError as error:
            log.warning(
                "bản quét #%s chưa xử lý được (%s), sẽ thử lại / not processed yet, will retry",
                scan_id,
                error.code,
            )
            timer = threading.Timer(self.retry_seconds, self._hand_in, args=(scan_id,))
            timer.daemon = True
            timer.start()
            return True
        except Exception:  # process_scan records its own failures; this is a bug around it
            log.exception("lỗi khi chạy bản quét #%s / job error", scan_id)
        return False
