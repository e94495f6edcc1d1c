"""Webhooks out: subscriptions of other systems, and an outbox of deliveries to send them.

An event is never sent from the code where it happens. ``emit`` adds one ``pending`` delivery
per matching subscription in the caller's transaction, so the event is stored exactly when the
change that caused it is committed — and not at all if that change rolls back. A sender
(``workers/webhook_delivery``) later claims due deliveries, sends them and records each
attempt; a receiver or a worker that is down only delays a delivery, it cannot lose it.

Payloads carry codes and IDs only, never personal data (no ID numbers, no names): the receiving
system reads the result itself through the export path, with its API key.

Times here are naive UTC (unlike the counter's local times in ``events``): retries are a matter
of elapsed seconds, and the body's ``created_at`` is sent with its offset.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from schemas.errors import NotFound
from schemas.webhooks import WebhookEvent
from storage.index.tables import Base, Dossier, Result

# Retry policy: 30 s, 1 min, 2 min… doubling up to one hour; 15 attempts span about 8 hours,
# a night's outage of the receiving system.
MAX_ATTEMPTS = 15
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
# A claimed delivery is due again after this long if its sender died before recording the
# attempt (longer than any send: the HTTP timeout is 10 s).
CLAIM_LEASE_SECONDS = 300
# Rows read beyond the ones wanted, for a sender that loses a row to another (SQLite).
CLAIM_CANDIDATES = 8
MIN_SECRET_LENGTH = 16
MAX_SECRET_LENGTH = 100
MAX_URL_LENGTH = 500


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # given up: MAX_ATTEMPTS reached, or the subscription was deactivated


class WebhookSubscription(Base):
    """One receiving URL, the events it wants (empty: all) and the unit it hears about."""

    __tablename__ = "webhook_subscriptions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(MAX_URL_LENGTH))
    # Kept in clear: it keys the HMAC of every call (a hash could not sign anything).
    secret: Mapped[str] = mapped_column(String(MAX_SECRET_LENGTH))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    unit_code: Mapped[str] = mapped_column(String(40), default="")  # "" = every unit
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    created_by: Mapped[str] = mapped_column(String(80))


class WebhookDelivery(Base):
    """One event for one subscription, and how sending it went so far."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("webhook_subscriptions.id"))
    event: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[str] = mapped_column(String(36))  # the same for every subscription
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(12), default=DeliveryState.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # None once delivered or failed: the due query walks this index over pending rows only.
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True, index=True)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class WebhookError(ValueError):
    """A subscription could not be created as asked (bad URL, event, unit or secret)."""


@dataclass(frozen=True)
class SubscriptionInfo:
    """What may be shown about a subscription: never its secret."""

    id: int
    url: str
    events: list[str]
    unit_code: str
    active: bool
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class DeliveryInfo:
    """One line of the delivery log (admins): no secret, no payload."""

    id: int
    subscription_id: int
    event: str
    event_id: str
    state: str
    attempts: int
    last_status: int | None
    last_error: str
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None


@dataclass(frozen=True)
class DeliveryClaim:
    """A delivery taken by one sender: everything needed to send it outside the transaction."""

    id: int
    subscription_id: int
    url: str
    secret: str
    event: str
    event_id: str
    created_at: datetime
    payload: dict[str, Any]
    attempts: int


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: 30 s × 2^(attempts-1), at most 1 h."""
    exponent = min(max(attempts - 1, 0), 20)  # 2^20 × 30 s is far past the cap already
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2**exponent, MAX_RETRY_SECONDS))


# --- subscriptions ----------------------------------------------------------------------------


def _subscription_info(row: WebhookSubscription) -> SubscriptionInfo:
    return SubscriptionInfo(
        id=row.id,
        url=row.url,
        events=list(row.events or []),
        unit_code=row.unit_code,
        active=row.active,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _clean_url(url: str) -> str:
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or len(url) > MAX_URL_LENGTH:
        raise WebhookError(f"địa chỉ nhận phải là http(s)://… (≤ {MAX_URL_LENGTH} ký tự)")
    return url


def _clean_events(events: Iterable[str]) -> list[str]:
    known = {event.value for event in WebhookEvent}
    chosen = sorted({str(event).strip() for event in events})
    unknown = [event for event in chosen if event not in known]
    if unknown:
        raise WebhookError(
            f"sự kiện không có: {', '.join(unknown)} (có: {', '.join(sorted(known))})"
        )
    return chosen


def add_subscription(
    session: Session,
    url: str,
    *,
    created_by: str,
    events: Iterable[str] = (),
    unit_code: str = "",
    secret: str | None = None,
) -> tuple[SubscriptionInfo, str | None]:
    """A new active subscription, and its secret if one was generated (shown this once)."""
    unit_code = unit_code.strip()
    if len(unit_code) > 40:
        raise WebhookError("mã đơn vị dài quá 40 ký tự")
    generated = None
    if secret is None:
        secret = generated = secrets.token_hex(32)
    if not MIN_SECRET_LENGTH <= len(secret) <= MAX_SECRET_LENGTH:
        raise WebhookError(f"khóa bí mật phải dài {MIN_SECRET_LENGTH}–{MAX_SECRET_LENGTH} ký tự")
    row = WebhookSubscription(
        url=_clean_url(url),
        secret=secret,
        events=_clean_events(events),
        unit_code=unit_code,
        active=True,
        created_at=utc_now(),
        created_by=created_by[:80],
    )
    session.add(row)
    session.flush()
    return _subscription_info(row), generated


def list_subscriptions(session: Session) -> list[SubscriptionInfo]:
    rows = session.scalars(select(WebhookSubscription).order_by(WebhookSubscription.id))
    return [_subscription_info(row) for row in rows]


def deactivate(session: Session, subscription_id: int) -> SubscriptionInfo:
    """Stop sending to it; its deliveries still pending are marked failed (visible in the log)."""
    row = session.get(WebhookSubscription, subscription_id)
    if row is None:
        raise NotFound(f"webhook {subscription_id}")
    row.active = False
    session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.subscription_id == subscription_id,
            WebhookDelivery.state == DeliveryState.PENDING.value,
        )
        .values(
            state=DeliveryState.FAILED.value,
            next_attempt_at=None,
            last_error="đăng ký đã ngừng / subscription deactivated",
        )
    )
    return _subscription_info(row)


# --- the outbox -------------------------------------------------------------------------------


def _wants(subscription: WebhookSubscription, event: WebhookEvent, unit_code: str) -> bool:
    events = subscription.events or []
    return (not events or event.value in events) and (
        not subscription.unit_code or subscription.unit_code == unit_code
    )


def emit(session: Session, event: WebhookEvent, unit_code: str, payload: dict[str, Any]) -> int:
    """Queue ``event`` for every matching active subscription, in the caller's transaction;
    returns how many deliveries were added (0 when nobody listens)."""
    subscriptions = session.scalars(
        select(WebhookSubscription).where(WebhookSubscription.active.is_(True))
    ).all()
    matching = [s for s in subscriptions if _wants(s, event, unit_code)]
    if not matching:
        return 0
    event_id, now = str(uuid.uuid4()), utc_now()
    for subscription in matching:
        session.add(
            WebhookDelivery(
                subscription_id=subscription.id,
                event=event.value,
                event_id=event_id,
                payload=dict(payload),
                state=DeliveryState.PENDING.value,
                attempts=0,
                next_attempt_at=now,
                last_error="",
                created_at=now,
            )
        )
    session.flush()
    return len(matching)


def due_deliveries(session: Session, now: datetime, limit: int) -> list[WebhookDelivery]:
    """Pending deliveries of active subscriptions whose time has come, oldest first.

    On PostgreSQL the rows stay locked until the transaction ends and rows another sender holds
    are skipped (``SKIP LOCKED``), so two workers never take the same delivery; SQLite has no
    row locks (it ignores the clause) and relies on ``claim_due``'s conditional update.
    """
    active = select(WebhookSubscription.id).where(WebhookSubscription.active.is_(True))
    query = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.state == DeliveryState.PENDING.value,
            WebhookDelivery.next_attempt_at <= now,
            WebhookDelivery.subscription_id.in_(active),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(session.scalars(query))


def claim_due(session: Session, now: datetime, limit: int = 1) -> list[DeliveryClaim]:
    """Take due deliveries for sending: each counts an attempt and is pushed
    ``CLAIM_LEASE_SECONDS`` ahead, so that once this transaction commits no other sender sees
    it as due. The update is conditional on the attempt count read: of two SQLite senders
    that read the same row, only one wins it, and the loser goes on to the next candidate
    (an empty answer must mean "nothing due", not "lost a race")."""
    claims: list[DeliveryClaim] = []
    for row in due_deliveries(session, now, limit + CLAIM_CANDIDATES):
        if len(claims) == limit:
            break
        taken = session.execute(
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == row.id,
                WebhookDelivery.state == DeliveryState.PENDING.value,
                WebhookDelivery.attempts == row.attempts,
            )
            .values(
                attempts=row.attempts + 1,
                next_attempt_at=now + timedelta(seconds=CLAIM_LEASE_SECONDS),
            )
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            continue
        subscription = session.get(WebhookSubscription, row.subscription_id)
        if subscription is None:
            continue
        claims.append(
            DeliveryClaim(
                id=row.id,
                subscription_id=row.subscription_id,
                url=subscription.url,
                secret=subscription.secret,
                event=row.event,
                event_id=row.event_id,
                created_at=row.created_at,
                payload=dict(row.payload or {}),
                attempts=row.attempts + 1,
            )
        )
    return claims


def record_attempt(
    session: Session,
    delivery_id: int,
    *,
    now: datetime,
    status: int | None,
    error: str = "",
    max_attempts: int = MAX_ATTEMPTS,
) -> WebhookDelivery:
    """The outcome of a claimed attempt: 2xx → delivered; otherwise retried after the backoff,
    or failed once ``max_attempts`` attempts were made."""
    row = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    if row is None:
        raise NotFound(f"webhook delivery {delivery_id}")
    row.last_status = status
    if status is not None and 200 <= status < 300 and not error:
        row.state = DeliveryState.DELIVERED.value
        row.delivered_at = now
        row.next_attempt_at = None
        row.last_error = ""
    elif row.attempts >= max_attempts:
        row.state = DeliveryState.FAILED.value
        row.next_attempt_at = None
        row.last_error = (error or f"HTTP {status}")[:300]
    else:
        row.next_attempt_at = now + retry_delay(row.attempts)
        row.last_error = (error or f"HTTP {status}")[:300]
    session.flush()
    return row


def delivery_log(
    session: Session, limit: int = 100, offset: int = 0, state: str | None = None
) -> list[DeliveryInfo]:
    """Newest first, optionally one state only."""
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc())
    if state:
        query = query.where(WebhookDelivery.state == state)
    rows = session.scalars(query.limit(limit).offset(offset))
    return [
        DeliveryInfo(
            id=row.id,
            subscription_id=row.subscription_id,
            event=row.event,
            event_id=row.event_id,
            state=row.state,
            attempts=row.attempts,
            last_status=row.last_status,
            last_error=row.last_error,
            created_at=row.created_at,
            next_attempt_at=row.next_attempt_at,
            delivered_at=row.delivered_at,
        )
        for row in rows
    ]


# --- what the events say (codes and IDs only) ---------------------------------------------------


def export_path(result_id: int) -> str:
    return f"/api/results/{result_id}/export"


def result_data(row: Result) -> dict[str, Any]:
    """A result described without personal data: the receiver fetches the export for more."""
    return {
        "result_id": row.id,
        "scan_id": row.scan_id,
        "version": row.version,
        "doc_type": row.doc_type,
        "kind": row.kind,
        "unit_code": row.unit_code,
        "dossier_code": row.dossier_code or "",
        "procedure_code": row.procedure_code or "",
        "needs_review": bool(row.needs_review),
        "export_path": export_path(row.id),
    }


def emit_result_filed(session: Session, row: Result) -> int:
    """A scan's result was filed: ``result.digitized``, plus ``result.needs_review`` if so."""
    data = result_data(row)
    count = emit(session, WebhookEvent.RESULT_DIGITIZED, row.unit_code, data)
    if row.needs_review:
        count += emit(session, WebhookEvent.RESULT_NEEDS_REVIEW, row.unit_code, data)
    return count


def dossier_data(dossier: Dossier) -> dict[str, Any]:
    return {
        "dossier_code": dossier.code,
        "unit_code": dossier.unit_code,
        "procedure_code": dossier.procedure_code,
        "field": dossier.field,
        "received_on": dossier.received_on.isoformat() if dossier.received_on else None,
    }
