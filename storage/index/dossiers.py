"""Dossiers and their components; a component is satisfied by a scan or by reuse."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.dossiers import ComponentStatus, DossierContext, parse_dossier_code
from schemas.webhooks import WebhookEvent
from storage.index.events import record_received
from storage.index.tables import Dossier, DossierComponent
from storage.index.webhooks import dossier_data, emit


def ensure_dossier(session: Session, context: DossierContext) -> Dossier:
    """The dossier row for this code, created on first sight (receipt date from the code)."""
    dossier = session.scalars(select(Dossier).where(Dossier.code == context.dossier_code)).first()
    if dossier is None:
        unit, received, _ = parse_dossier_code(context.dossier_code)
        dossier = Dossier(
            code=context.dossier_code,
            unit_code=context.unit_code or unit,
            procedure_code=context.procedure_code,
            field=context.field,
            received_on=received,
        )
        session.add(dossier)
        session.flush()
        record_received(session, dossier)
        emit(session, WebhookEvent.DOSSIER_RECEIVED, dossier.unit_code, dossier_data(dossier))
    else:
        if context.procedure_code and not dossier.procedure_code:
            dossier.procedure_code = context.procedure_code
        if context.field and not dossier.field:
            dossier.field = context.field
    return dossier


def ensure_component(
    session: Session, dossier: Dossier, context: DossierContext
) -> DossierComponent:
    component = session.scalars(
        select(DossierComponent).where(
            DossierComponent.dossier_id == dossier.id,
            DossierComponent.name == context.component,
            DossierComponent.kind == context.kind.value,
        )
    ).first()
    if component is None:
        component = DossierComponent(
            dossier_id=dossier.id,
            name=context.component,
            kind=context.kind.value,
            status=ComponentStatus.NOT_DIGITIZED.value,
        )
        session.add(component)
        session.flush()
    return component


def components_for_scan(session: Session, scan_id: int) -> list[DossierComponent]:
    return list(
        session.scalars(select(DossierComponent).where(DossierComponent.scan_id == scan_id))
    )
