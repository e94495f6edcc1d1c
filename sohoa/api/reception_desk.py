"""Reception: a dossier is recorded when it is received, not when something of it is scanned,
and the counter is offered the applicant's earlier results before asking for paper again.

Recording the reception (once per dossier code) is what puts a dossier that is never scanned
into the indicators' denominators. The offer lists the applicant's current results this unit may
see that can be reused today — valid and confirmed (a result still awaiting review is not
offered) — newest first; staff accept one with the usual attach. The offer is a search of
citizen data, so it is audited.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from schemas.dossiers import DossierContext
from sohoa.api.requests import ReceptionRequest
from sohoa.api.reuse_service import ReuseDesk, scope_of
from sohoa.api.views import DossierView, ResultCard, result_card
from storage.index.audit import AuditAction, write_audit
from storage.index.dossiers import ensure_dossier
from storage.index.search import search_by_id_number
from storage.index.users import Staff


class ReceptionView(BaseModel):
    dossier: DossierView
    created: bool
    """False when the code was known already (received again, or scanned before)."""
    proposals: list[ResultCard]
    """The applicant's earlier results that can be reused now, newest first."""


class ReceptionDesk:
    def __init__(self, reuse: ReuseDesk) -> None:
        self.reuse = reuse

    def receive(self, staff: Staff, request: ReceptionRequest) -> ReceptionView:
        with self.reuse.index.session() as session:
            known = self.reuse.check_dossier_unit(session, staff, request.dossier_code)
            context = DossierContext(
                dossier_code=request.dossier_code,
                procedure_code=request.procedure_code,
                field=request.field,
            )
            # Created with its reception event the first time; a known one gets a procedure or
            # field it lacked, and no second reception.
            dossier = ensure_dossier(session, context)
            if dossier.channel is None:
                dossier.channel = request.channel
            proposals = self._proposals(session, staff, request.applicant_id_number)
            if request.applicant_id_number:
                write_audit(
                    session,
                    secret=self.reuse.secret,
                    username=staff.username,
                    action=AuditAction.RECEPTION,
                    query=f"dossier={request.dossier_code}",
                    citizen_id=request.applicant_id_number,
                    dossier_code=request.dossier_code,
                    detail=f"{len(proposals)} đề xuất",
                )
            view = self.reuse.view_of(session, dossier)
        return ReceptionView(dossier=view, created=known is None, proposals=proposals)

    def _proposals(self, session: Session, staff: Staff, id_number: str | None) -> list[ResultCard]:
        if not id_number:
            return []
        rows = search_by_id_number(session, id_number, scope_of(staff))
        cards = [result_card(row, self.reuse.today()) for row in rows]
        return [card for card in cards if card.attachable and not card.needs_review]
