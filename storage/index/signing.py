"""The unit's signature on each confirmed result version, as the index keeps it (issue #24).

A result row's ``signing_state`` is NULL until signing is first tried; ``claim`` moves it to
``signing`` for one process at a time (a claim older than ``STALE_CLAIM`` belongs to a dead
process); ``record`` writes the outcome. Only current, confirmed (not ``needs_review``) versions
are signed; an earlier version keeps whatever signature it got while it was current.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from schemas.signatures import SigningRecord, SigningState
from storage.index.catalogue import CatalogueUnit, latest_version
from storage.index.tables import Result

STALE_CLAIM = timedelta(minutes=15)
_RETRIED = (SigningState.FAILED.value, SigningState.SIGNING.value)


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def record_of(row: Result) -> SigningRecord | None:
    """The row's signing record, or None when signing was never tried."""
    if not row.signing_state or not row.signing:
        return None
    return SigningRecord.model_validate(row.signing)


def _naive(moment: datetime) -> datetime:
    """UTC without the zone, as the index's own times are."""
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _confirmed_current() -> ColumnElement[bool]:
    return and_(Result.is_current.is_(True), Result.needs_review.is_(False))


def claim(session: Session, result_id: int, *, force: bool = False) -> bool:
    """Take the result for signing; False when another process holds it or (without
    ``force``) it is already signed or has nothing to sign."""
    now = now_utc()
    row = session.get(Result, result_id)
    if row is None:
        return False
    state = row.signing_state
    record = record_of(row)
    if state == SigningState.SIGNING.value and record is not None and record.claimed_at:
        if now - _naive(record.claimed_at) < STALE_CLAIM:
            return False
    elif state in (SigningState.SIGNED.value, SigningState.NO_PDF.value) and not force:
        return False
    claimed = (record or SigningRecord(state=SigningState.SIGNING)).model_copy(
        update={"state": SigningState.SIGNING, "claimed_at": now}
    )
    done = session.execute(
        update(Result)
        .where(
            Result.id == result_id,
            Result.signing_state.is_(None)
            if state is None
            else Result.signing_state == state,  # nobody moved it since we read it
        )
        .values(signing_state=SigningState.SIGNING.value, signing=claimed.model_dump(mode="json"))
    )
    return bool(getattr(done, "rowcount", 0) == 1)


def record(session: Session, result_id: int, outcome: SigningRecord) -> None:
    session.execute(
        update(Result)
        .where(Result.id == result_id)
        .values(signing_state=outcome.state.value, signing=outcome.model_dump(mode="json"))
    )


def mark_unsigned(session: Session, units_with_keys: Collection[str]) -> int:
    """Confirmed versions of units without a key, never tried: "chưa ký", in one statement."""
    unsigned = SigningRecord(state=SigningState.UNSIGNED).model_dump(mode="json")
    query = update(Result).where(Result.signing_state.is_(None), _confirmed_current())
    if units_with_keys:
        query = query.where(Result.unit_code.not_in(list(units_with_keys)))
    done = session.execute(
        query.values(signing_state=SigningState.UNSIGNED.value, signing=unsigned)
    )
    return int(getattr(done, "rowcount", 0) or 0)


def pending(session: Session, units_with_keys: Collection[str], limit: int) -> list[int]:
    """Current confirmed versions of units with a key that are not signed yet, oldest first:
    never tried, left unsigned before the unit had a key, failed and due, or claimed by a
    process that died."""
    if not units_with_keys:
        return []
    now = now_utc()
    rows = session.execute(
        select(Result.id, Result.signing_state, Result.signing)
        .where(
            _confirmed_current(),
            Result.unit_code.in_(list(units_with_keys)),
            or_(
                Result.signing_state.is_(None),
                Result.signing_state == SigningState.UNSIGNED.value,
                Result.signing_state.in_(_RETRIED),
            ),
        )
        .order_by(Result.id)
        .limit(limit * 4)
    ).all()
    due: list[int] = []
    for result_id, state, stored in rows:
        if state in _RETRIED and stored:
            kept = SigningRecord.model_validate(stored)
            retry_at, claimed_at = kept.next_attempt_at, kept.claimed_at
            if state == SigningState.FAILED.value and retry_at and _naive(retry_at) > now:
                continue
            claimed = state == SigningState.SIGNING.value and claimed_at is not None
            if claimed and claimed_at and now - _naive(claimed_at) < STALE_CLAIM:
                continue
        due.append(result_id)
        if len(due) >= limit:
            break
    return due


def unit_name(session: Session, unit_code: str) -> str | None:
    """The unit's name in the catalogue in use, if it names it."""
    version = latest_version(session)
    if version is None:
        return None
    name = session.scalars(
        select(CatalogueUnit.name).where(
            CatalogueUnit.version_id == version.id, CatalogueUnit.code == unit_code
        )
    ).first()
    return name or None
