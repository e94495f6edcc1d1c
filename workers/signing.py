"""Signing confirmed results' digitized copies with their unit's key (issue #24).

A result is confirmed when it is produced without ``needs_review`` (the job signs it right after
committing it) or when a reviewer saves it (the review desk asks for it). Its version's
searchable PDF is downloaded, signed (PAdES, visible stamp on page 1) and stored beside it as
``signed.pdf`` — a new object, never over another one. A unit without a key is recorded as
"chưa ký"; any failure is recorded and retried by the maintenance pass (``sign_pending``):
signing never loses, blocks or changes the result itself.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select

from pipeline.signatures.keys import open_signer, unit_key, units_with_keys
from pipeline.signatures.sign import StampText, sign_pdf
from pipeline.signatures.trust import anchors_in
from schemas.errors import NotFound, SohoaError, TransientError
from schemas.settings import Settings
from schemas.signatures import SigningFailed, SigningRecord, SigningState
from storage import keys
from storage.index import signing as index_signing
from storage.index.db import Index
from storage.index.tables import Result
from storage.objects import ObjectStore
from workers.scratch import scratch_folder

log = logging.getLogger(__name__)


class Services(Protocol):
    """What signing needs of ``workers.services.Services`` (which fits): no OCR engine, so the
    API process can sign without loading the OCR stack."""

    settings: Settings
    store: ObjectStore
    index: Index


@dataclass
class Handles:
    """``Services`` for a process that has no OCR engine (the API)."""

    settings: Settings
    store: ObjectStore
    index: Index


PASS_SECONDS = 10.0  # a maintenance pass signs for at most this long (a worker waits meanwhile)


def _retry_at(settings_seconds: list[int], attempts: int) -> datetime:
    steps = settings_seconds or [600]
    delay = steps[min(attempts, len(steps)) - 1]
    return datetime.now(UTC) + timedelta(seconds=delay)


def _certifier(row: Result) -> str:
    return str((row.engine or {}).get("corrected_by") or "")


def _subject_part(cert: Any, key: str) -> str:
    try:
        value = cert.subject.native.get(key, "")
    except (AttributeError, ValueError):
        return ""
    return str(value[0] if isinstance(value, list) else value or "")


def sign_result(
    services: Services, result_id: int, *, force: bool = False, timestamper: Any = None
) -> SigningRecord | None:
    """Sign the result's copy now; the record written, or None when there was nothing to do
    (not confirmed, not current, already signed without ``force``, or claimed elsewhere).

    ``force``: sign again (``sohoa sign``): a new signed object, the earlier one kept.
    ``timestamper``: a time-stamp client instead of the configured authority (tests).
    Failures are recorded on the row, not raised (storage or index down: raised).
    """
    with services.index.session() as session:
        row = session.get(Result, result_id)
        if row is None:
            raise NotFound(f"kết quả {result_id}")
        if row.needs_review or not row.is_current:
            return None
        if not index_signing.claim(session, result_id, force=force):
            return None
        before = index_signing.record_of(row) or SigningRecord(state=SigningState.SIGNING)
        unit, prefix, version = row.unit_code, row.derived_prefix, row.version
        certifier = _certifier(row)
        unit_label = index_signing.unit_name(session, unit)
    outcome = _sign(
        services, result_id, unit, prefix, version, certifier, unit_label, before, timestamper
    )
    with services.index.session() as session:
        index_signing.record(session, result_id, outcome)
    return outcome


def _sign(
    services: Services,
    result_id: int,
    unit: str,
    prefix: str,
    version: int,
    certifier: str,
    unit_label: str | None,
    before: SigningRecord,
    timestamper: Any,
) -> SigningRecord:
    settings = services.settings.signing
    attempts = before.attempts + 1
    kept = {
        "earlier_keys": [*before.earlier_keys, *([before.key] if before.key else [])],
        "attempts": attempts,
        "certified_by": certifier,
    }
    try:
        key = unit_key(unit, settings) if settings.enabled else None
        if key is None:
            return SigningRecord(state=SigningState.UNSIGNED, **kept)
        source_key = prefix + keys.SEARCHABLE_PDF_NAME
        if not services.store.exists(source_key):
            return SigningRecord(state=SigningState.NO_PDF, **kept)
        signer = open_signer(key)
        cert = signer.signing_cert
        name = (
            unit_label
            or _subject_part(cert, "organization_name")
            or _subject_part(cert, "common_name")
            or unit
        )
        stamp = StampText(unit_name=name, certified_by=certifier, when=datetime.now(UTC))
        with scratch_folder(services.settings, f"sign-{result_id}") as scratch:
            source = scratch / "searchable.pdf"
            services.store.download(source_key, source)
            target = scratch / "signed.pdf"
            copy = sign_pdf(
                source,
                target,
                signer,
                stamp,
                settings,
                timestamper=timestamper,
                anchors=anchors_in(settings.trust_dir) if settings.embed_validation_info else None,
                font_cache=services.settings.data_dir / "cache",
            )
            metadata = services.store.stat(source_key).metadata
            serial = 1
            signed_key = keys.signed_pdf_key(prefix, version, serial)
            while not services.store.put_immutable(
                signed_key, target, "application/pdf", {**metadata, "signed_level": copy.level}
            ):
                serial += 1  # an earlier signature of this version: it stays as it is
                signed_key = keys.signed_pdf_key(prefix, version, serial)
    except TransientError:
        raise
    except (SohoaError, OSError, ValueError) as error:
        failure = error if isinstance(error, SohoaError) else SigningFailed(repr(error)[:300])
        log.warning(
            "ký số kết quả %s thất bại, sẽ thử lại / signing failed, will retry: %s",
            result_id,
            failure.detail or failure.code,
        )
        return SigningRecord(
            state=SigningState.FAILED,
            error=f"{failure.code}: {failure.detail}"[:300],
            next_attempt_at=_retry_at(settings.retry_seconds, attempts),
            **{**kept, "earlier_keys": before.earlier_keys, "key": before.key},
        )
    log.info("đã ký số kết quả %s (%s) / result signed: %s", result_id, copy.level, signed_key)
    return SigningRecord(
        state=SigningState.SIGNED,
        key=signed_key,
        level=copy.level,
        signer=copy.signer,
        signed_at=copy.signed_at,
        **kept,
    )


def sign_current_quietly(services: Services, scan_id: int) -> None:
    """After a job committed a confirmed result: sign it now if the unit has a key. Never
    raises: whatever goes wrong is logged and left to the maintenance pass."""
    try:
        with services.index.session() as session:
            result_id = session.scalars(
                select(Result.id).where(Result.scan_id == scan_id, Result.is_current.is_(True))
            ).first()
        if result_id is not None:
            sign_result(services, result_id)
    except Exception:  # the result is committed: signing must never make the job fail
        log.exception("ký số sau xử lý thất bại / signing after processing failed")


def sign_pending(services: Services, *, max_seconds: float = PASS_SECONDS) -> list[int]:
    """One maintenance pass: record "chưa ký" for units without a key, then sign what is due
    (within ``max_seconds``); the IDs of the results tried."""
    settings = services.settings.signing
    if not settings.enabled:
        return []
    units = units_with_keys(settings)
    with services.index.session() as session:
        marked = index_signing.mark_unsigned(session, units)
        due = index_signing.pending(session, units, settings.batch_size)
    if marked:
        log.info("%d kết quả chưa ký (đơn vị chưa có khóa) / unsigned, no unit key", marked)
    deadline = time.monotonic() + max_seconds
    tried = []
    for result_id in due:
        if time.monotonic() > deadline:
            break
        sign_result(services, result_id)
        tried.append(result_id)
    return tried


def sign_pending_quietly(services: Services, *, max_seconds: float = PASS_SECONDS) -> None:
    """``sign_pending`` for a worker's maintenance: logs, never raises."""
    try:
        sign_pending(services, max_seconds=max_seconds)
    except Exception:
        log.exception("lượt ký số bị hoãn / signing pass postponed")


class BackgroundSigner:
    """Signs results confirmed by a reviewer in one background thread of the API process, so
    that saving a review never waits for the key, a token or the time-stamp authority."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sohoa-sign")
        self._lock = threading.Lock()
        self._futures: list[Future[None]] = []

    def submit(self, result_id: int) -> None:
        future = self._pool.submit(self._run, result_id)
        with self._lock:
            self._futures = [f for f in self._futures if not f.done()] + [future]

    def _run(self, result_id: int) -> None:
        try:
            sign_result(self.services, result_id)
        except Exception:  # recorded or left unclaimed: the maintenance pass tries again
            log.exception("ký số kết quả %s thất bại / signing failed", result_id)

    def wait(self, timeout: float | None = None) -> None:
        """Until everything submitted so far is done (tests, shutdown)."""
        with self._lock:
            pending = list(self._futures)
        wait(pending, timeout=timeout)
