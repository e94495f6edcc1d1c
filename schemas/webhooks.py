"""The webhook wire contract: event names, the body sent, and how it is signed.

Everything a receiving system needs to check a call lives here, with no dependency beyond the
standard library, so its developers can copy this file (or import it) and the sender and the
receivers' tests use the very same code. See ``docs/webhooks.md``.

Signing follows Stripe and GitHub: ``X-Sohoa-Signature: sha256=<hex>`` is the HMAC-SHA256, keyed
with the subscription's secret, of ``"<X-Sohoa-Timestamp>.<raw body>"``. The timestamp is signed
so a captured call cannot be replayed later: receivers refuse one older than a few minutes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

EVENT_HEADER = "X-Sohoa-Event"
DELIVERY_HEADER = "X-Sohoa-Delivery"
TIMESTAMP_HEADER = "X-Sohoa-Timestamp"
SIGNATURE_HEADER = "X-Sohoa-Signature"
SIGNATURE_SCHEME = "sha256"
DEFAULT_TOLERANCE_SECONDS = 300


class WebhookEvent(StrEnum):
    """What a subscription can ask to hear about."""

    RESULT_DIGITIZED = "result.digitized"  # a scan's result was filed (first processing)
    RESULT_NEEDS_REVIEW = "result.needs_review"  # ... and a human must check it
    RESULT_REVIEWED = "result.reviewed"  # a reviewer confirmed or corrected it (new version)
    RESULT_REUSED = "result.reused"  # an earlier result was attached to a dossier component
    DOSSIER_RECEIVED = "dossier.received"  # a dossier was recorded for the first time


def event_body(event_id: str, event: str, created_at: datetime, data: Mapping[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact UTF-8 JSON; ``created_at`` naive = UTC."""
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    document = {
        "id": event_id,
        "event": event,
        "created_at": created_at.isoformat(timespec="seconds"),
        "data": dict(data),
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(secret: str, timestamp: int | str, body: bytes | str) -> str:
    """``sha256=<hex>``: HMAC-SHA256 of ``f"{timestamp}.{body}"`` keyed with ``secret``."""
    raw = body.encode("utf-8") if isinstance(body, str) else body
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode() + raw, hashlib.sha256)
    return f"{SIGNATURE_SCHEME}={digest.hexdigest()}"


def verify_signature(
    secret: str,
    headers: Mapping[str, str],
    body: bytes | str,
    tolerance_s: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True when ``headers`` carry a valid signature of ``body`` made less than ``tolerance_s``
    ago (either way, for clock skew). Header names are matched case-insensitively."""
    lowered = {name.lower(): value for name, value in headers.items()}
    timestamp = lowered.get(TIMESTAMP_HEADER.lower(), "")
    signature = lowered.get(SIGNATURE_HEADER.lower(), "")
    if not timestamp.isdigit() or not signature:
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance_s:
        return False
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
