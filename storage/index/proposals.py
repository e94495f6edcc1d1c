"""Reuse proposals made at reception: which earlier result was offered for which component,
and whether staff accepted or declined it.

One row per (dossier, component, result): receiving the same dossier again shows the same
offer, it does not count it twice. Rows are never deleted, so the share of offers taken up can
be measured and an attach can be traced back to the offer it came from.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.index.tables import Base


class ProposalState(StrEnum):
    SHOWN = "shown"
    ACCEPTED = "accepted"
    DECLINED = "declined"


class ReuseProposal(Base):
    __tablename__ = "reuse_proposals"
    __table_args__ = (UniqueConstraint("dossier_code", "component", "result_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_code: Mapped[str] = mapped_column(String(60), index=True)
    component: Mapped[str] = mapped_column(String(200))
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id"))
    rank: Mapped[int] = mapped_column(Integer, default=1)
    state: Mapped[str] = mapped_column(String(10), default=ProposalState.SHOWN.value)
    shown_by: Mapped[str] = mapped_column(String(80))
    shown_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    decided_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


def record_shown(
    session: Session, dossier_code: str, component: str, result_id: int, rank: int, by: str
) -> ReuseProposal:
    """The proposal's row, created the first time it is shown (its decision is kept after)."""
    row = session.scalars(
        select(ReuseProposal).where(
            ReuseProposal.dossier_code == dossier_code,
            ReuseProposal.component == component,
            ReuseProposal.result_id == result_id,
        )
    ).first()
    if row is None:
        row = ReuseProposal(
            dossier_code=dossier_code,
            component=component,
            result_id=result_id,
            rank=rank,
            state=ProposalState.SHOWN.value,
            shown_by=by,
            decided_by="",
        )
        session.add(row)
        session.flush()
    return row


def proposals_of(session: Session, dossier_code: str) -> list[ReuseProposal]:
    return list(
        session.scalars(
            select(ReuseProposal)
            .where(ReuseProposal.dossier_code == dossier_code)
            .order_by(ReuseProposal.component, ReuseProposal.rank)
        )
    )


def decide(session: Session, row: ReuseProposal, state: ProposalState, by: str) -> None:
    row.state = state.value
    row.decided_by = by
    row.decided_at = datetime.now()
