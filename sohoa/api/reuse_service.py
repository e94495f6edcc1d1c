"""Staff reuse as one set of audited actions, shared by the HTTP API and the ``sohoa`` CLI.

Every search and every attach/detach attempt — refused ones included — leaves an audit record;
results outside the staff member's unit (and not shared province-wide) are neither found nor
attachable, and dossiers of another unit cannot be changed. Logs show masked ID numbers only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.dossiers import DossierContext, parse_dossier_code
from schemas.errors import NotFound, ReuseNotAllowed
from schemas.vietnamese import mask_id_number
from schemas.webhooks import WebhookEvent
from sohoa.api.errors import Forbidden, InvalidRequest
from sohoa.api.requests import (
    AttachRequest,
    IdNumberSearch,
    NameSearch,
    SearchRequest,
)
from sohoa.api.views import DossierView, ResultCard, dossier_view, result_card
from storage.index.audit import AuditAction, write_audit
from storage.index.db import Index
from storage.index.reuse import attach_result, detach_result
from storage.index.search import (
    MAX_RESULTS,
    is_visible,
    page_by_document_number,
    page_by_id_number,
    page_by_name_and_birth,
)
from storage.index.tables import Dossier, DossierComponent, Result, ReuseEvent
from storage.index.users import Staff
from storage.index.webhooks import emit, export_path

log = logging.getLogger("sohoa.api.reuse")


@dataclass(frozen=True)
class CardPage:
    """One page of search hits as cards, and how many matched in all."""

    total: int
    offset: int
    cards: list[ResultCard]


def scope_of(staff: Staff) -> str | None:
    """The unit whose results ``staff`` sees (plus shared ones); None for admins (all)."""
    return None if staff.sees_all_units else staff.unit_code


def _single_owner(rows: list[Result]) -> str | None:
    owners = {row.owner_id_number for row in rows if row.owner_id_number}
    return owners.pop() if len(owners) == 1 else None


def _reused(event: ReuseEvent, result: Result) -> dict[str, object]:
    """The ``result.reused`` payload: which result satisfied which component (no personal data)."""
    return {
        "result_id": result.id,
        "doc_type": result.doc_type,
        "result_unit_code": result.unit_code,
        "dossier_code": event.dossier_code,
        "component_id": event.component_id,
        "export_path": export_path(result.id),
    }


class ReuseDesk:
    """Search, attach, detach and dossier views for one deployment (index + audit key)."""

    def __init__(self, index: Index, secret: str, today: Callable[[], date] = date.today) -> None:
        self.index = index
        self.secret = secret
        self.today = today

    # --- search -----------------------------------------------------------------------------

    def search(self, staff: Staff, request: SearchRequest) -> list[ResultCard]:
        """Current results matching the request that ``staff`` may see (first page); audited."""
        return self.search_page(staff, request).cards

    def search_page(
        self, staff: Staff, request: SearchRequest, offset: int = 0, limit: int = MAX_RESULTS
    ) -> CardPage:
        """One page of the matches ``staff`` may see, with their total; every page is audited
        (each is an access to citizens' data)."""
        unit = scope_of(staff)
        window = {"offset": offset, "limit": limit}
        with self.index.session() as session:
            citizen: str | None
            if isinstance(request, IdNumberSearch):
                found = page_by_id_number(session, request.id_number, unit, **window)
                query, citizen = f"id_number={request.id_number}", request.id_number
                shown = f"id_number={mask_id_number(request.id_number)}"
            elif isinstance(request, NameSearch):
                found = page_by_name_and_birth(
                    session, request.name, request.date_of_birth, unit, **window
                )
                query = f"name={request.name} date_of_birth={request.date_of_birth.isoformat()}"
                citizen, shown = _single_owner(found.rows), "name+date_of_birth"
            else:
                found = page_by_document_number(session, request.document_number, unit, **window)
                query = f"document_number={request.document_number}"
                citizen = _single_owner(found.rows)
                shown = "document_number"
            write_audit(
                session,
                secret=self.secret,
                username=staff.username,
                action=AuditAction.SEARCH,
                query=query,
                citizen_id=citizen,
                detail=f"{found.total} kết quả" + (f", từ thứ {offset + 1}" if offset else ""),
            )
            today = self.today()
            cards = [result_card(row, today) for row in found.rows]
        log.info(
            "tra cứu / search %s by %s: %d of %d result(s)",
            shown,
            staff.username,
            len(cards),
            found.total,
        )
        return CardPage(total=found.total, offset=offset, cards=cards)

    # --- dossiers ---------------------------------------------------------------------------

    def check_dossier_unit(self, session: Session, staff: Staff, code: str) -> Dossier | None:
        dossier = session.scalars(select(Dossier).where(Dossier.code == code)).first()
        unit = dossier.unit_code if dossier is not None else parse_dossier_code(code)[0]
        if not staff.sees_all_units and unit != staff.unit_code:
            raise Forbidden(f"hồ sơ {code} thuộc đơn vị {unit}, không phải {staff.unit_code}")
        return dossier

    def view_of(self, session: Session, dossier: Dossier) -> DossierView:
        components = list(
            session.scalars(
                select(DossierComponent)
                .where(DossierComponent.dossier_id == dossier.id)
                .order_by(DossierComponent.id)
            )
        )
        events = list(
            session.scalars(
                select(ReuseEvent)
                .where(ReuseEvent.dossier_code == dossier.code)
                .order_by(ReuseEvent.id)
            )
        )
        return dossier_view(dossier, components, events)

    def dossier(self, staff: Staff, code: str) -> DossierView:
        """A dossier of the staff member's unit with its components' statuses."""
        with self.index.session() as session:
            dossier = self.check_dossier_unit(session, staff, code)
            if dossier is None:
                raise NotFound(f"hồ sơ {code}")
            return self.view_of(session, dossier)

    def attach(self, staff: Staff, request: AttachRequest) -> DossierView:
        """Satisfy a component with an earlier result; a refusal is audited and re-raised."""
        owner: str | None = None
        try:
            with self.index.session() as session:
                result = session.get(Result, request.result_id)
                if result is None:
                    raise NotFound(f"kết quả {request.result_id}")
                owner = result.owner_id_number
                if not is_visible(session, result, scope_of(staff)):
                    raise Forbidden(f"kết quả {result.id} thuộc đơn vị khác")
                self.check_dossier_unit(session, staff, request.dossier_code)
                context = DossierContext(
                    dossier_code=request.dossier_code,
                    component=request.component,
                    procedure_code=request.procedure_code,
                )
                event = attach_result(
                    session, result.id, context, staff.username, today=self.today()
                )
                write_audit(
                    session,
                    secret=self.secret,
                    username=staff.username,
                    action=AuditAction.ATTACH,
                    query=f"result={result.id} component={request.component}",
                    citizen_id=owner,
                    dossier_code=request.dossier_code,
                    detail=f"component_id={event.component_id}",
                )
                dossier = session.scalars(
                    select(Dossier).where(Dossier.code == request.dossier_code)
                ).one()
                emit(session, WebhookEvent.RESULT_REUSED, dossier.unit_code, _reused(event, result))
                view = self.view_of(session, dossier)
        except (ReuseNotAllowed, Forbidden) as refused:
            self._audit_refusal(staff, request, owner, refused)
            raise
        log.info(
            "gắn / attach result %d to %s by %s",
            request.result_id,
            request.dossier_code,
            staff.username,
        )
        return view

    def _audit_refusal(
        self, staff: Staff, request: AttachRequest, owner: str | None, error: Exception
    ) -> None:
        with self.index.session() as session:
            write_audit(
                session,
                secret=self.secret,
                username=staff.username,
                action=f"{AuditAction.ATTACH}_refused",
                query=f"result={request.result_id} component={request.component}",
                citizen_id=owner,
                dossier_code=request.dossier_code,
                detail=getattr(error, "code", type(error).__name__),
            )

    def detach(self, staff: Staff, code: str, component_id: int) -> DossierView:
        """Undo an attach; the history keeps both events."""
        with self.index.session() as session:
            dossier = self.check_dossier_unit(session, staff, code)
            component = session.get(DossierComponent, component_id)
            if dossier is None or component is None or component.dossier_id != dossier.id:
                raise NotFound(f"thành phần {component_id} của hồ sơ {code}")
            if component.result_id is None:
                raise InvalidRequest("thành phần này chưa gắn kết quả số hóa nào")
            result = session.get(Result, component.result_id)
            detach_result(session, component_id, staff.username)
            write_audit(
                session,
                secret=self.secret,
                username=staff.username,
                action=AuditAction.DETACH,
                query=f"component={component.name}",
                citizen_id=result.owner_id_number if result else None,
                dossier_code=code,
                detail=f"component_id={component_id}",
            )
            view = self.view_of(session, dossier)
        log.info("gỡ / detach component %d of %s by %s", component_id, code, staff.username)
        return view
