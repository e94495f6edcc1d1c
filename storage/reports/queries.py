"""Fetching what a report over a date range needs: dossiers, components, events, OCR runs.

Only rows are read here; every formula lives in ``indicators``. A dossier is fetched when it
was received in the range (or, lacking a receipt date, first recorded in it) or completed in it.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from schemas.dossiers import DigitizationKind
from schemas.reporting import EventKind
from storage.index.events import DossierEvent
from storage.index.tables import Dossier, DossierComponent, Result
from storage.reports.facts import (
    ComponentRow,
    DossierFacts,
    DossierRow,
    EventRow,
    ResultRow,
    fold,
)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return datetime.combine(start, time.min), datetime.combine(end, time.max)


def _cohort(start: date, end: date) -> Select[int]:
    """IDs of the dossiers a report over ``start``..``end`` counts."""
    low, high = _bounds(start, end)
    completed = select(DossierEvent.dossier_id).where(
        DossierEvent.kind == EventKind.COMPLETED.value, DossierEvent.at.between(low, high)
    )
    return select(Dossier.id).where(
        or_(
            Dossier.received_on.between(start, end),
            and_(Dossier.received_on.is_(None), Dossier.created_at.between(low, high)),
            Dossier.id.in_(completed),
        )
    )


def dossier_facts(session: Session, start: date, end: date) -> list[DossierFacts]:
    """The facts of every dossier the range counts, folded from its whole event history."""
    cohort = _cohort(start, end)
    dossiers = [
        DossierRow(
            id=row.id,
            unit=row.unit_code,
            procedure=row.procedure_code,
            field=row.field,
            received_on=row.received_on,
            created_on=row.created_at.date(),
            channel=row.channel,
            issues_result=row.issues_result,
        )
        for row in session.scalars(select(Dossier).where(Dossier.id.in_(cohort)))
    ]
    components = [
        ComponentRow(id=component_id, dossier_id=dossier_id)
        for component_id, dossier_id in session.execute(
            select(DossierComponent.id, DossierComponent.dossier_id).where(
                DossierComponent.dossier_id.in_(cohort),
                DossierComponent.kind == DigitizationKind.COMPONENT.value,
            )
        )
    ]
    events = [
        EventRow(
            id=row.id,
            dossier_id=row.dossier_id,
            component_id=row.component_id,
            kind=row.kind,
            at=row.at,
        )
        for row in session.execute(
            select(
                DossierEvent.id,
                DossierEvent.dossier_id,
                DossierEvent.component_id,
                DossierEvent.kind,
                DossierEvent.at,
            ).where(DossierEvent.dossier_id.in_(cohort))
        )
    ]
    return fold(dossiers, components, events)


def result_rows(session: Session, start: date, end: date) -> list[ResultRow]:
    """Every OCR run (result version, re-OCR included) digitized in the range."""
    low, high = _bounds(start, end)
    query = select(
        Result.unit_code,
        Result.procedure_code,
        Result.field,
        Result.digitized_at,
        Result.needs_review,
    ).where(Result.digitized_at.between(low, high))
    return [
        ResultRow(
            unit=unit,
            procedure=procedure,
            field=field,
            digitized_on=digitized_at.date(),
            needs_review=needs_review,
        )
        for unit, procedure, field, digitized_at, needs_review in session.execute(query)
    ]
