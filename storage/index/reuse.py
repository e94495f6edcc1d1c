"""Attaching an earlier digitized result to a new dossier component (and detaching it)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.dossiers import ComponentStatus, DigitizationKind, DossierContext
from schemas.errors import NotFound, ReuseNotAllowed
from schemas.reporting import EventKind
from storage.index.dossiers import ensure_component, ensure_dossier
from storage.index.events import record_event
from storage.index.tables import DossierComponent, Result, ReuseEvent


def attach_result(
    session: Session,
    result_id: int,
    context: DossierContext,
    staff_username: str,
    today: date | None = None,
) -> ReuseEvent:
    """Satisfy a component with an earlier result; expired, superseded or unconfirmed results
    (still awaiting review) are refused."""
    result = session.get(Result, result_id)
    if result is None:
        raise NotFound(f"result {result_id}")
    if not result.is_current:
        raise ReuseNotAllowed("phiên bản cũ / superseded version")
    if result.needs_review:  # a value nobody has checked must not stand in for a citizen's paper
        raise ReuseNotAllowed(
            "kết quả đang chờ rà soát, cần được xác nhận trước khi dùng lại / "
            "awaiting review: confirm it first"
        )
    day = today or date.today()
    if result.valid_until is not None and result.valid_until < day:
        raise ReuseNotAllowed(f"hết hiệu lực từ {result.valid_until.isoformat()}")
    dossier = ensure_dossier(session, context)
    component = ensure_component(session, dossier, context)
    component.result_id = result.id
    component.status = (
        ComponentStatus.REUSED_RESULT.value
        if result.kind == DigitizationKind.RESULT.value
        else ComponentStatus.REUSED_COMPONENT.value
    )
    event = ReuseEvent(
        result_id=result.id,
        component_id=component.id,
        dossier_code=dossier.code,
        action="attach",
        staff_username=staff_username,
    )
    session.add(event)
    session.flush()
    record_event(session, dossier.id, EventKind.COMPONENT_REUSED, component_id=component.id)
    return event


def detach_result(session: Session, component_id: int, staff_username: str) -> ReuseEvent:
    """Undo an attach; the attach event stays in the history and a detach event is added."""
    component = session.get(DossierComponent, component_id)
    if component is None or component.result_id is None:
        raise NotFound(f"component {component_id}")
    dossier_code = (
        session.scalars(
            select(ReuseEvent.dossier_code).where(ReuseEvent.component_id == component_id)
        ).first()
        or ""
    )
    event = ReuseEvent(
        result_id=component.result_id,
        component_id=component.id,
        dossier_code=dossier_code,
        action="detach",
        staff_username=staff_username,
    )
    component.result_id = None
    component.status = ComponentStatus.NOT_DIGITIZED.value
    session.add(event)
    session.flush()
    record_event(session, component.dossier_id, EventKind.REUSE_DETACHED, component_id=component.id)
    return event
