"""Aggregate figures over the index (the full indicator report builds on these)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from schemas.dossiers import ComponentStatus
from storage.index.tables import Dossier, DossierComponent

_SATISFIED = (
    ComponentStatus.DIGITIZED.value,
    ComponentStatus.REUSED_COMPONENT.value,
    ComponentStatus.REUSED_RESULT.value,
)
_REUSED = (ComponentStatus.REUSED_COMPONENT.value, ComponentStatus.REUSED_RESULT.value)


class Rate(BaseModel):
    numerator: int
    denominator: int

    @property
    def percent(self) -> float:
        return 100.0 * self.numerator / self.denominator if self.denominator else 0.0


class DigitizationSummary(BaseModel):
    dossiers: int
    components: Rate
    dossiers_digitized: Rate
    dossiers_reusing: Rate


def summary(session: Session) -> DigitizationSummary:
    """Whole-index figures: component digitization, dossier digitization and reuse rates."""
    dossiers = session.scalar(select(func.count()).select_from(Dossier)) or 0
    components = session.scalar(select(func.count()).select_from(DossierComponent)) or 0
    satisfied = (
        session.scalar(
            select(func.count())
            .select_from(DossierComponent)
            .where(DossierComponent.status.in_(_SATISFIED))
        )
        or 0
    )
    incomplete = select(DossierComponent.dossier_id).where(
        DossierComponent.status.not_in(_SATISFIED)
    )
    with_components = select(DossierComponent.dossier_id)
    digitized = (
        session.scalar(
            select(func.count())
            .select_from(Dossier)
            .where(Dossier.id.in_(with_components), Dossier.id.not_in(incomplete))
        )
        or 0
    )
    reusing = (
        session.scalar(
            select(func.count(func.distinct(DossierComponent.dossier_id))).where(
                DossierComponent.status.in_(_REUSED)
            )
        )
        or 0
    )
    received = (
        session.scalar(
            select(func.count()).select_from(Dossier).where(Dossier.received_on.is_not(None))
        )
        or 0
    )
    return DigitizationSummary(
        dossiers=dossiers,
        components=Rate(numerator=satisfied, denominator=components),
        dossiers_digitized=Rate(numerator=digitized, denominator=dossiers),
        dossiers_reusing=Rate(numerator=reusing, denominator=received),
    )
