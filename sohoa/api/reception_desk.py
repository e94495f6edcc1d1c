"""Reception: a dossier is recorded when it is received, not when something of it is scanned,
and the counter is offered the applicant's earlier results before asking for paper again.

Recording the reception (once per dossier code) is what puts a dossier that is never scanned
into the indicators' denominators. The offer is made per required component of the procedure
(from the catalogue): the applicant's current results this unit may see that satisfy it today —
valid and confirmed (a result still awaiting review is never offered) — best first, and the
components left to scan. Every offer shown, accepted or declined is recorded
(``storage.index.proposals``); the offer is a search of citizen data, so it is audited.
"""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy.orm import Session

from schemas.catalogue import Procedure, RequiredComponent
from schemas.dossiers import DossierContext
from schemas.errors import NotFound
from sohoa.api.errors import InvalidRequest
from sohoa.api.reception_match import candidates_for, doc_type_labels
from sohoa.api.requests import AttachRequest, ReceptionRequest
from sohoa.api.reuse_service import ReuseDesk, scope_of
from sohoa.api.views import DossierView, ResultCard, result_card
from sohoa.procedure_catalogue import catalogue_in_use
from storage.index.audit import AuditAction, write_audit
from storage.index.dossiers import ensure_dossier
from storage.index.events import record_reception_time
from storage.index.proposals import ProposalState, ReuseProposal, decide, record_shown
from storage.index.search import search_by_id_number, search_by_name_and_birth
from storage.index.tables import Result
from storage.index.users import Staff

PROPOSAL_STATE_LABELS_VI = {
    ProposalState.SHOWN: "Đề xuất",
    ProposalState.ACCEPTED: "Đã dùng lại",
    ProposalState.DECLINED: "Không dùng",
}


class ProcedureView(BaseModel):
    code: str
    name: str
    field: str
    catalogue_version: int


class ProposalView(BaseModel):
    proposal_id: int
    rank: int
    state: ProposalState
    state_label: str
    owner_is_applicant: bool
    card: ResultCard


class ComponentOffer(BaseModel):
    """A required component and the earlier results offered for it."""

    name: str
    mandatory: bool
    doc_type_labels: list[str]
    """The papers that can stand in for it; empty when it must be handed in (a form)."""
    rule: str
    """A validity rule staff should know, in Vietnamese ("cấp trong vòng 180 ngày"), or ""."""
    proposals: list[ProposalView]
    to_scan: bool
    """Nothing can be reused for it (yet): the citizen hands in the paper and it is scanned."""


class ReceptionView(BaseModel):
    dossier: DossierView
    created: bool
    """False when the code was known already (received again, or scanned before)."""
    procedure: ProcedureView | None
    """None when the procedure code is not (yet) in the catalogue: offers are then not matched."""
    components: list[ComponentOffer]
    to_scan: list[str]
    """The required components nothing was offered for: the paper to ask for and scan."""
    proposals: list[ResultCard]
    """Every earlier result offered (each once), best first."""
    message: str


class ProposalDecision(BaseModel):
    proposal_id: int
    state: ProposalState
    dossier: DossierView


def _rule(component: RequiredComponent) -> str:
    days = component.issued_within_days
    return f"cấp trong vòng {days} ngày" if days else ""


class ReceptionDesk:
    def __init__(self, reuse: ReuseDesk) -> None:
        self.reuse = reuse

    def receive(self, staff: Staff, request: ReceptionRequest) -> ReceptionView:
        with self.reuse.index.session() as session:
            known = self.reuse.check_dossier_unit(session, staff, request.dossier_code)
            stored = catalogue_in_use(session)
            procedure = stored.catalogue.procedure(request.procedure_code)
            context = DossierContext(
                dossier_code=request.dossier_code,
                procedure_code=request.procedure_code,
                field=request.field or (procedure.field if procedure else ""),
            )
            # Created with its reception event the first time; a known one gets a procedure or
            # field it lacked, and no second reception.
            dossier = ensure_dossier(session, context)
            if dossier.channel is None:
                dossier.channel = request.channel
            if known is None and procedure is not None:
                dossier.issues_result = procedure.issues_result
            if known is None and request.received_at is not None:
                record_reception_time(session, dossier, request.received_at)
            cards = self._reusable(session, staff, request)
            components = (
                self._offers(session, staff, request, procedure, cards, dossier.unit_code)
                if procedure is not None
                else []
            )
            offered = _offered_cards(components) if procedure is not None else cards
            if request.applicant_id_number or request.applicant_name:
                write_audit(
                    session,
                    secret=self.reuse.secret,
                    username=staff.username,
                    action=AuditAction.RECEPTION,
                    query=f"dossier={request.dossier_code}",
                    citizen_id=request.applicant_id_number,
                    dossier_code=request.dossier_code,
                    detail=f"{len(offered)} đề xuất",
                )
            view = self.reuse.view_of(session, dossier)
            procedure_view = (
                ProcedureView(
                    code=procedure.code,
                    name=procedure.name,
                    field=procedure.field,
                    catalogue_version=stored.version,
                )
                if procedure is not None
                else None
            )
        to_scan = [offer.name for offer in components if offer.to_scan]
        return ReceptionView(
            dossier=view,
            created=known is None,
            procedure=procedure_view,
            components=components,
            to_scan=to_scan,
            proposals=offered,
            message=_message(request, procedure, offered, to_scan),
        )

    def _reusable(
        self, session: Session, staff: Staff, request: ReceptionRequest
    ) -> list[ResultCard]:
        """The applicant's results this unit may reuse now: current, valid, confirmed."""
        if request.applicant_id_number:
            rows = search_by_id_number(session, request.applicant_id_number, scope_of(staff))
        elif request.applicant_name and request.applicant_date_of_birth:
            rows = search_by_name_and_birth(
                session, request.applicant_name, request.applicant_date_of_birth, scope_of(staff)
            )
        else:
            return []
        cards = [result_card(row, self.reuse.today()) for row in rows]
        return [card for card in cards if card.attachable and not card.needs_review]

    def _offers(
        self,
        session: Session,
        staff: Staff,
        request: ReceptionRequest,
        procedure: Procedure,
        cards: list[ResultCard],
        unit_code: str,
    ) -> list[ComponentOffer]:
        applicant = request.applicant_id_number
        offers = []
        matched = candidates_for(procedure, cards, applicant, unit_code, self.reuse.today())
        for match in matched:
            proposals = []
            for rank, card in enumerate(match.candidates, start=1):
                row = record_shown(
                    session,
                    request.dossier_code,
                    match.component.name,
                    card.id,
                    rank,
                    staff.username,
                )
                state = ProposalState(row.state)
                proposals.append(
                    ProposalView(
                        proposal_id=row.id,
                        rank=rank,
                        state=state,
                        state_label=PROPOSAL_STATE_LABELS_VI[state],
                        owner_is_applicant=applicant is not None
                        and card.owner_id_number == applicant,
                        card=card,
                    )
                )
            offers.append(
                ComponentOffer(
                    name=match.component.name,
                    mandatory=match.component.mandatory,
                    doc_type_labels=doc_type_labels(match.component),
                    rule=_rule(match.component),
                    proposals=proposals,
                    to_scan=not proposals,
                )
            )
        return offers

    def accept(self, staff: Staff, dossier_code: str, proposal_id: int) -> ProposalDecision:
        """Reuse the offered result for its component: an ordinary attach, then the offer is
        marked accepted (an attach refused — expired since, another unit — leaves it shown)."""
        proposal, procedure_code = self._proposal(staff, dossier_code, proposal_id)
        view = self.reuse.attach(
            staff,
            AttachRequest(
                result_id=proposal.result_id,
                dossier_code=dossier_code,
                component=proposal.component,
                procedure_code=procedure_code,
            ),
        )
        with self.reuse.index.session() as session:
            row = session.get(ReuseProposal, proposal_id)
            assert row is not None
            decide(session, row, ProposalState.ACCEPTED, staff.username)
        return ProposalDecision(proposal_id=proposal_id, state=ProposalState.ACCEPTED, dossier=view)

    def decline(self, staff: Staff, dossier_code: str, proposal_id: int) -> ProposalDecision:
        """Staff did not take the offer (wrong person, the citizen brought the paper…): kept."""
        self._proposal(staff, dossier_code, proposal_id)
        with self.reuse.index.session() as session:
            dossier = self.reuse.check_dossier_unit(session, staff, dossier_code)
            row = session.get(ReuseProposal, proposal_id)
            assert row is not None and dossier is not None
            if row.state == ProposalState.ACCEPTED.value:
                raise InvalidRequest(
                    "đề xuất này đã được dùng lại; muốn bỏ thì gỡ kết quả khỏi thành phần hồ sơ"
                )
            decide(session, row, ProposalState.DECLINED, staff.username)
            result = session.get(Result, row.result_id)
            write_audit(
                session,
                secret=self.reuse.secret,
                username=staff.username,
                action=AuditAction.PROPOSAL_DECLINED,
                query=f"result={row.result_id} component={row.component}",
                citizen_id=result.owner_id_number if result is not None else None,
                dossier_code=dossier_code,
                detail=f"proposal={proposal_id}",
            )
            view = self.reuse.view_of(session, dossier)
        return ProposalDecision(proposal_id=proposal_id, state=ProposalState.DECLINED, dossier=view)

    def _proposal(
        self, staff: Staff, dossier_code: str, proposal_id: int
    ) -> tuple[ReuseProposal, str]:
        """The dossier's proposal (403 for another unit's dossier, 404 for another dossier's
        proposal) and the dossier's procedure code."""
        with self.reuse.index.session() as session:
            dossier = self.reuse.check_dossier_unit(session, staff, dossier_code)
            row = session.get(ReuseProposal, proposal_id)
            if row is None or row.dossier_code != dossier_code:
                raise NotFound(f"đề xuất {proposal_id} của hồ sơ {dossier_code}")
            session.expunge(row)
            return row, dossier.procedure_code if dossier is not None else ""


def _offered_cards(components: list[ComponentOffer]) -> list[ResultCard]:
    seen: dict[int, ResultCard] = {}
    for offer in components:
        for proposal in offer.proposals:
            seen.setdefault(proposal.card.id, proposal.card)
    return list(seen.values())


def _message(
    request: ReceptionRequest,
    procedure: Procedure | None,
    offered: list[ResultCard],
    to_scan: list[str],
) -> str:
    parts = []
    if request.procedure_code and procedure is None:
        parts.append(
            f"Mã thủ tục {request.procedure_code} chưa có trong danh mục: "
            "đề xuất không được đối chiếu theo thành phần hồ sơ."
        )
    if request.applicant_id_number or request.applicant_name:
        parts.append(
            f"Có {len(offered)} kết quả số hóa trước đây dùng lại được."
            if offered
            else "Công dân chưa có kết quả số hóa nào dùng lại được."
        )
    if to_scan:
        parts.append(f"Cần nhận và số hóa: {'; '.join(to_scan)}.")
    return " ".join(parts)
