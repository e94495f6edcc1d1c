"""Re-OCR batches and their items in the index: created once, claimed one at a time, finished once.

An item is claimed with a single conditional UPDATE (pending → running, or a running claim older
than the stale timeout, whose worker died), so two workers never take the same item. The claim
carries a token; ``finish_item`` succeeds only for the token's holder, in the same transaction
that saves the new result version, so a worker that lost its claim writes nothing.
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from schemas.errors import SohoaError
from schemas.reocr import (
    BatchStatus,
    Comparison,
    ItemOutcome,
    ItemState,
    ReocrFilters,
    ReocrPolicy,
    SelectedScan,
)
from storage.index.tables import Base

INSERT_CHUNK = 1000


class ReocrBatch(Base):
    """One ``sohoa reocr run``: what it selected, the policy and the engine it targets."""

    __tablename__ = "reocr_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(80), default="")
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    target_engine: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default=BatchStatus.CREATED.value)
    started_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class ReocrItem(Base):
    """One scan of a batch; ``comparison`` holds the old/new summaries and the decision."""

    __tablename__ = "reocr_items"
    __table_args__ = (
        UniqueConstraint("batch_id", "scan_id"),
        Index("ix_reocr_items_batch_state", "batch_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("reocr_batches.id"))
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"), index=True)
    pages: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(20), default=ItemState.PENDING.value)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    old_version: Mapped[int] = mapped_column(Integer, default=0)
    new_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    promoted: Mapped[bool] = mapped_column(Boolean, default=False)
    comparison: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str] = mapped_column(String(400), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim_token: Mapped[str] = mapped_column(String(36), default="")
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)


class Claim(BaseModel):
    """The right to run one item, proven by its token."""

    item_id: int
    batch_id: int
    scan_id: int
    token: str


class LostClaim(SohoaError):
    """The item was taken over (our claim went stale) or finished by someone else."""

    code = "reocr_claim_lost"
    message_vi = "Mục tái nhận dạng đã được tiến trình khác xử lý."
    message_en = "The re-OCR item was taken over by another process."


def utcnow() -> datetime:
    """Naive UTC, the one clock for claims (never mixed with the database server's clock)."""
    return datetime.now(UTC).replace(tzinfo=None)


def open_batch(
    session: Session,
    filters: ReocrFilters,
    *,
    policy: ReocrPolicy,
    target_engine: dict[str, str],
    created_by: str = "",
) -> ReocrBatch:
    """The batch row, without items yet (flushed: its ID is known)."""
    batch = ReocrBatch(
        created_at=utcnow(),
        created_by=created_by[:80],
        filters=filters.model_dump(mode="json"),
        policy=policy.model_dump(mode="json"),
        target_engine=dict(target_engine),
        status=BatchStatus.CREATED.value,
    )
    session.add(batch)
    session.flush()
    return batch


def create_batch(
    session: Session,
    filters: ReocrFilters,
    scans: Sequence[SelectedScan],
    *,
    policy: ReocrPolicy,
    target_engine: dict[str, str],
    created_by: str = "",
) -> ReocrBatch:
    """The batch and one pending item per given scan, in the caller's transaction."""
    batch = open_batch(
        session, filters, policy=policy, target_engine=target_engine, created_by=created_by
    )
    rows = [
        {
            "batch_id": batch.id,
            "scan_id": s.scan_id,
            "pages": s.pages,
            "old_version": s.version,
            "state": ItemState.PENDING.value,
        }
        for s in scans
    ]
    for start in range(0, len(rows), INSERT_CHUNK):
        session.execute(insert(ReocrItem), rows[start : start + INSERT_CHUNK])
    return batch


def _claimable(stale_after_seconds: float) -> Any:
    stale_before = utcnow() - timedelta(seconds=stale_after_seconds)
    return or_(
        ReocrItem.state == ItemState.PENDING.value,
        (ReocrItem.state == ItemState.RUNNING.value) & (ReocrItem.claimed_at < stale_before),
    )


def pending_items(
    session: Session, batch_id: int, *, stale_after_seconds: float, limit: int | None = None
) -> list[tuple[int, int]]:
    """(item id, pages) of the items that can be claimed now, in batch order."""
    query = (
        select(ReocrItem.id, ReocrItem.pages)
        .where(ReocrItem.batch_id == batch_id, _claimable(stale_after_seconds))
        .order_by(ReocrItem.id)
        .limit(limit)
    )
    return [(row.id, row.pages) for row in session.execute(query)]


def _host_tag() -> str:
    return hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def new_token() -> str:
    """A claim token that names its process: ``<pid>@<host tag>-<random>`` (36 characters at
    most), so a run on the same machine can tell that the claiming process is gone."""
    return f"{os.getpid()}@{_host_tag()}-{uuid.uuid4().hex}"[:36]


def claim_is_abandoned(token: str) -> bool:
    """The claim was made on this machine by a process that no longer runs (killed -9)."""
    head, _, rest = token.partition("@")
    if not head.isdigit() or not rest.startswith(_host_tag()):
        return False  # another machine's claim, or an old token: only staleness frees it
    pid = int(head)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False


def reclaim_abandoned(session: Session, batch_id: int) -> int:
    """Give back the running items whose claiming process died on this machine; how many."""
    rows = session.execute(
        select(ReocrItem.id, ReocrItem.claim_token).where(
            ReocrItem.batch_id == batch_id, ReocrItem.state == ItemState.RUNNING.value
        )
    ).all()
    dead = [row.id for row in rows if claim_is_abandoned(row.claim_token)]
    if dead:
        session.execute(
            update(ReocrItem)
            .where(ReocrItem.id.in_(dead), ReocrItem.state == ItemState.RUNNING.value)
            .values(state=ItemState.PENDING.value, claim_token="", claimed_at=None)
            .execution_options(synchronize_session=False)
        )
    return len(dead)


def claim_item(
    session: Session, item_id: int, *, stale_after_seconds: float, token: str | None = None
) -> Claim | None:
    """Take the item if it is pending or its claim went stale; None if someone else has it.

    Commit right away (own transaction): the claim must be visible to other workers. A caller
    that chooses the ``token`` beforehand can release the claim even if it was interrupted
    before this function returned.
    """
    token = token or new_token()
    taken = session.execute(
        update(ReocrItem)
        .where(ReocrItem.id == item_id, _claimable(stale_after_seconds))
        .values(
            state=ItemState.RUNNING.value,
            claim_token=token,
            claimed_at=utcnow(),
            attempts=ReocrItem.attempts + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = session.execute(
        select(ReocrItem.batch_id, ReocrItem.scan_id).where(ReocrItem.id == item_id)
    ).one()
    return Claim(item_id=item_id, batch_id=row.batch_id, scan_id=row.scan_id, token=token)


def release_item(session: Session, item_id: int, token: str) -> None:
    """Give an interrupted item back (pending) if ``token`` holds it; no-op otherwise."""
    session.execute(
        update(ReocrItem)
        .where(ReocrItem.id == item_id, ReocrItem.claim_token == token)
        .where(ReocrItem.state == ItemState.RUNNING.value)
        .values(state=ItemState.PENDING.value, claim_token="", claimed_at=None)
        .execution_options(synchronize_session=False)
    )


def finish_item(
    session: Session,
    claim: Claim,
    *,
    outcome: ItemOutcome,
    old_version: int | None = None,
    new_version: int | None = None,
    comparison: Comparison | None = None,
    error: str = "",
    seconds: float = 0.0,
) -> None:
    """Record the outcome, in the transaction that saved the version; LostClaim if not ours."""
    values: dict[str, Any] = {
        "state": (ItemState.FAILED if outcome is ItemOutcome.FAILED else ItemState.DONE).value,
        "outcome": outcome.value,
        "new_version": new_version,
        "promoted": bool(comparison and comparison.promote),
        "comparison": comparison.model_dump(mode="json") if comparison else None,
        "error": error[:400],
        "finished_at": utcnow(),
        "seconds": round(seconds, 3),
    }
    if old_version is not None:
        values["old_version"] = old_version
    done = session.execute(
        update(ReocrItem)
        .where(ReocrItem.id == claim.item_id, ReocrItem.claim_token == claim.token)
        .where(ReocrItem.state == ItemState.RUNNING.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise LostClaim(f"item {claim.item_id}")


def retry_failed(session: Session, batch_id: int) -> int:
    """Put the batch's failed items back to pending (after the cause was fixed); how many."""
    result = session.execute(
        update(ReocrItem)
        .where(ReocrItem.batch_id == batch_id, ReocrItem.state == ItemState.FAILED.value)
        .values(state=ItemState.PENDING.value, outcome=None, error="", claim_token="")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def reclaim_running(session: Session, batch_id: int) -> int:
    """Treat every running item as abandoned (no other process works on the batch); how many."""
    result = session.execute(
        update(ReocrItem)
        .where(ReocrItem.batch_id == batch_id, ReocrItem.state == ItemState.RUNNING.value)
        .values(state=ItemState.PENDING.value, claim_token="", claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def set_status(session: Session, batch_id: int, status: BatchStatus) -> None:
    batch = session.get(ReocrBatch, batch_id)
    if batch is None:
        return
    batch.status = status.value
    if status is BatchStatus.RUNNING:
        batch.started_at = batch.started_at or utcnow()
        batch.finished_at = None  # resumed (e.g. failed items retried)
    if status is BatchStatus.DONE:
        last = session.scalar(
            select(func.max(ReocrItem.finished_at)).where(ReocrItem.batch_id == batch_id)
        )
        batch.finished_at = last or utcnow()
