"""Dossier events: an append-only history from which every reporting period is recomputed.

Rows are only ever added. Times are naive local time (the counter's clock), because periods are
the calendar days the unit works in.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from schemas.dossiers import DigitizationKind
from schemas.errors import NotFound
from schemas.reporting import EventKind
from storage.index.tables import Base, Dossier, DossierComponent


class DossierEvent(Base):
    """One thing that happened to a dossier (or one of its components), and when."""

    __tablename__ = "dossier_events"
    __table_args__ = (Index("ix_dossier_events_dossier_kind", "dossier_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"))
    kind: Mapped[str] = mapped_column(String(30))
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    component_id: Mapped[int | None] = mapped_column(
        ForeignKey("dossier_components.id"), nullable=True
    )
    detail: Mapped[str] = mapped_column(Text, default="")


def record_event(
    session: Session,
    dossier: int | str,
    kind: EventKind | str,
    at: datetime | None = None,
    component_id: int | None = None,
    detail: str = "",
) -> DossierEvent:
    """Append an event for a dossier given by ID or code; ``at`` defaults to now."""
    if isinstance(dossier, str):
        found = session.scalars(select(Dossier.id).where(Dossier.code == dossier)).first()
        if found is None:
            raise NotFound(f"dossier {dossier}")
        dossier = found
    event = DossierEvent(
        dossier_id=dossier,
        kind=EventKind(kind).value,
        at=at or datetime.now(),
        component_id=component_id,
        detail=detail,
    )
    session.add(event)
    session.flush()
    return event


def record_received(session: Session, dossier: Dossier) -> DossierEvent:
    """The reception event: now if received today, else the start of the receipt day."""
    day = dossier.received_on
    at = None if day is None or day == date.today() else datetime.combine(day, time.min)
    return record_event(session, dossier.id, EventKind.RECEIVED, at)


def record_reception_time(session: Session, dossier: Dossier, at: datetime) -> None:
    """The one-stop system's own reception time replaces the day-start sohoa assumed."""
    event = session.scalars(
        select(DossierEvent).where(
            DossierEvent.dossier_id == dossier.id, DossierEvent.kind == EventKind.RECEIVED.value
        )
    ).first()
    if event is not None:
        event.at = at.astimezone().replace(tzinfo=None) if at.tzinfo else at


def record_digitized(session: Session, component: DossierComponent) -> DossierEvent:
    """A component (or the dossier's result) was digitized from a scan."""
    kind = (
        EventKind.RESULT_DIGITIZED
        if component.kind == DigitizationKind.RESULT.value
        else EventKind.COMPONENT_DIGITIZED
    )
    return record_event(session, component.dossier_id, kind, component_id=component.id)


def events_of(session: Session, dossier_id: int) -> list[DossierEvent]:
    """A dossier's history, oldest first."""
    query = (
        select(DossierEvent)
        .where(DossierEvent.dossier_id == dossier_id)
        .order_by(DossierEvent.at, DossierEvent.id)
    )
    return list(session.scalars(query))
