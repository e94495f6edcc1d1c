"""Sending the webhook outbox: claim a due delivery, POST it signed, record how it went.

Each delivery is claimed in a short transaction of its own and sent after that transaction has
committed: no database lock is held while a receiver takes its time, and two senders (several
workers, the API process) never send the same delivery at once (``storage/index/webhooks``).
A sender that dies between claim and record leaves the delivery due again after the claim's
lease: delivery is at least once, and receivers drop duplicates by ``X-Sohoa-Delivery``.

Who calls ``deliver_due``: an rq worker's periodic maintenance (Redis mode); after each job run
in-process (embedded mode: ``InlineQueue``); the ``WebhookSender`` thread of ``sohoa serve``
(both modes: the API's own events, and retries where no worker runs); ``sohoa webhook send``.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

import httpx
from pydantic import BaseModel, Field

from schemas.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    event_body,
    sign,
)
from storage.index.db import Index
from storage.index.webhooks import (
    MAX_ATTEMPTS,
    DeliveryClaim,
    DeliveryState,
    claim_due,
    record_attempt,
    utc_now,
)

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
USER_AGENT = "sohoa-webhooks/1"
# Deliveries tried in one pass at most; what is left waits for the next pass.
PASS_LIMIT = 100
# Seconds after which a pass takes no new delivery: an rq worker's maintenance must end well
# within its 45 s registration (one more send may take TIMEOUT_SECONDS), and a job run
# in-process must not hold the watcher up for long when a receiver does not answer.
WORKER_PASS_SECONDS = 20.0
INLINE_PASS_SECONDS = 10.0
SENDER_INTERVAL_SECONDS = 15.0


class DeliveryReport(BaseModel):
    """Delivery IDs by what one pass did with them."""

    delivered: list[int] = Field(default_factory=list)
    retrying: list[int] = Field(default_factory=list)  # failed attempt, tried again later
    failed: list[int] = Field(default_factory=list)  # given up after the last attempt

    @property
    def attempted(self) -> int:
        return len(self.delivered) + len(self.retrying) + len(self.failed)


def _send(client: httpx.Client, claim: DeliveryClaim) -> tuple[int | None, str]:
    """(HTTP status or None, error text): the body is not read, whatever the receiver says."""
    body = event_body(claim.event_id, claim.event, claim.created_at, claim.payload)
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        EVENT_HEADER: claim.event,
        DELIVERY_HEADER: claim.event_id,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: sign(claim.secret, timestamp, body),
    }
    try:
        with client.stream("POST", claim.url, content=body, headers=headers) as response:
            status = response.status_code
    except Exception as exc:  # refused, timed out, bad URL, TLS…: this attempt failed
        return None, f"{type(exc).__name__}: {exc}"[:300]
    if 200 <= status < 300:
        return status, ""
    return status, f"HTTP {status} {response.reason_phrase}"[:300]


def _log_outcome(claim: DeliveryClaim, state: str, next_at: datetime | None, error: str) -> None:
    where = f"{claim.event} #{claim.id} (webhook {claim.subscription_id})"
    if state == DeliveryState.DELIVERED.value:
        log.info("đã gửi sự kiện %s / webhook delivered", where)
    elif state == DeliveryState.FAILED.value:
        log.error(
            "ngừng gửi sự kiện %s sau %d lần / webhook given up after %d attempts: %s",
            where,
            claim.attempts,
            claim.attempts,
            error,
        )
    else:
        log.warning(
            "gửi sự kiện %s thất bại lần %d, thử lại lúc %s UTC / webhook attempt failed, "
            "retrying: %s",
            where,
            claim.attempts,
            f"{next_at:%H:%M:%S}" if next_at else "?",
            error,
        )


def deliver_due(
    index: Index,
    now: datetime | None = None,
    client: httpx.Client | None = None,
    *,
    limit: int = PASS_LIMIT,
    max_seconds: float | None = None,
    max_attempts: int = MAX_ATTEMPTS,
) -> DeliveryReport:
    """Send every delivery due at ``now`` (naive UTC; default: the clock), one at a time.

    Stops after ``limit`` attempts or once ``max_seconds`` have passed. Database errors
    propagate (``IndexUnavailable``); a receiver's failure is only a failed attempt.
    """
    report = DeliveryReport()
    started = time.monotonic()
    http = client  # our own one is opened at the first claim: most passes find nothing due
    try:
        while report.attempted < limit:
            if max_seconds is not None and time.monotonic() - started >= max_seconds:
                break
            moment = now or utc_now()
            with index.session() as session:
                claims = claim_due(session, moment, limit=1)
            if not claims:
                break
            claim = claims[0]
            if http is None:
                http = httpx.Client(timeout=TIMEOUT_SECONDS, follow_redirects=False)
            status, error = _send(http, claim)
            with index.session() as session:
                row = record_attempt(
                    session,
                    claim.id,
                    now=now or utc_now(),
                    status=status,
                    error=error,
                    max_attempts=max_attempts,
                )
                state, next_at = row.state, row.next_attempt_at
            _log_outcome(claim, state, next_at, error)
            if state == DeliveryState.DELIVERED.value:
                report.delivered.append(claim.id)
            elif state == DeliveryState.FAILED.value:
                report.failed.append(claim.id)
            else:
                report.retrying.append(claim.id)
    finally:
        if client is None and http is not None:
            http.close()
    return report


def deliver_quietly(index: Index, max_seconds: float) -> DeliveryReport | None:
    """One pass for a caller whose own work must go on (worker maintenance, a finished job,
    the API's thread): any failure is logged, never raised."""
    try:
        return deliver_due(index, max_seconds=max_seconds)
    except Exception as exc:  # the outbox keeps everything: the next pass tries again
        log.warning(
            "chưa gửi được webhook, sẽ thử lại / webhook pass postponed: %s",
            f"{type(exc).__name__}: {exc}"[:200],
        )
        return None


class WebhookSender(threading.Thread):
    """A daemon thread sending due deliveries every ``interval_s`` until ``stop``.

    ``sohoa serve`` runs one: the staff API emits reviewed, reused and received events itself,
    and in embedded mode (no worker) it is what retries failed deliveries on time.
    """

    def __init__(self, index: Index, interval_s: float = SENDER_INTERVAL_SECONDS) -> None:
        super().__init__(name="sohoa-webhook-sender", daemon=True)
        self.index = index
        self.interval_s = interval_s
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            deliver_quietly(self.index, max_seconds=self.interval_s)
            self._stopping.wait(self.interval_s)

    def stop(self, timeout: float = TIMEOUT_SECONDS + 1) -> None:
        """Ask the thread to end and wait for the send in flight (at most ``timeout``)."""
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)
