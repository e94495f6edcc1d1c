"""A re-OCR batch's standing, read from its items: states, outcomes, pages and time."""

from __future__ import annotations

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from schemas.reocr import BatchStatus, BatchSummary, ItemOutcome, ItemState
from storage.index.reocr import ReocrBatch, ReocrItem


def summarize_batch(session: Session, batch_id: int) -> BatchSummary | None:
    """Counts by state and outcome, pages and time, read from the items."""
    batch = session.get(ReocrBatch, batch_id)
    if batch is None:
        return None
    summary = BatchSummary(
        batch_id=batch.id,
        status=BatchStatus(batch.status),
        created_at=batch.created_at,
        started_at=batch.started_at,
        finished_at=batch.finished_at,
    )
    rows = session.execute(
        select(
            ReocrItem.state,
            ReocrItem.outcome,
            func.count(),
            func.coalesce(func.sum(ReocrItem.pages), 0),
            func.coalesce(func.sum(ReocrItem.attempts), 0),
            func.coalesce(func.sum(ReocrItem.seconds), 0.0),
            func.coalesce(func.sum(ReocrItem.promoted.cast(Integer)), 0),
        )
        .where(ReocrItem.batch_id == batch_id)
        .group_by(ReocrItem.state, ReocrItem.outcome)
    )
    summary.last_item_at = session.scalar(
        select(func.max(ReocrItem.finished_at)).where(ReocrItem.batch_id == batch_id)
    )
    for state, outcome, count, pages, attempts, seconds, promoted in rows:
        item_state = ItemState(state)
        summary.items += count
        summary.pages += pages
        summary.attempts += attempts
        summary.processing_seconds += float(seconds)
        summary.promoted += promoted
        summary.states[item_state] = summary.states.get(item_state, 0) + count
        if item_state in (ItemState.DONE, ItemState.FAILED):
            summary.pages_finished += pages
            if outcome:
                kind = ItemOutcome(outcome)
                summary.outcomes[kind] = summary.outcomes.get(kind, 0) + count
    return summary
