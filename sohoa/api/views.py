"""What the API answers: result cards, dossiers with component statuses, review items, audit.

Built from index rows here, once, so the page, the OpenAPI schema and the CLI agree.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from pipeline.extract.decision import describe
from schemas.fields import DOC_TYPE_LABELS_VI, CrossCheck, DocType
from sohoa.api.labels import KEY_FIELDS, REUSED_STATUSES, STATUS_LABELS_VI, field_label
from sohoa.api.signature_views import (
    IncomingSignatureView,
    SigningView,
    incoming_signatures_of,
    signing_of,
)
from storage.index.audit import AuditEntry
from storage.index.tables import Dossier, DossierComponent, Result, ReuseEvent
from storage.index.users import Staff


class FieldView(BaseModel):
    name: str
    label: str
    value: str


class DisagreementView(BaseModel):
    """A field whose two readings differ: the card's QR code says one thing, its print another."""

    field: str
    label: str
    source: str
    code_value: str
    printed_value: str | None


class ResultCard(BaseModel):
    """One earlier digitized result as a search hit."""

    id: int
    version: int
    doc_type: DocType
    doc_type_label: str
    owner_name: str | None
    owner_id_number: str | None
    owner_date_of_birth: date | None
    document_number: str | None
    issue_date: date | None
    valid_until: date | None
    expired: bool
    attachable: bool
    not_attachable_reason: str | None
    key_fields: list[FieldView]
    digitized_at: datetime | None
    unit_code: str
    shared: bool
    needs_review: bool
    disagreements: list[DisagreementView]
    thumbnail_url: str
    original_url: str
    # Issue #24: the unit's signature on the digitized copy ("chưa ký" without a key), and the
    # signatures the incoming PDF itself carried, each with its verdict.
    signing: SigningView | None = None
    incoming_signatures: list[IncomingSignatureView] = Field(default_factory=list)


class SearchResponse(BaseModel):
    count: int
    """Cards in this page."""
    results: list[ResultCard]
    total: int = 0
    """Matches in all: the page shows "Xem thêm" while ``offset + count < total``."""
    offset: int = 0


class ComponentView(BaseModel):
    id: int
    name: str
    kind: str
    status: str
    status_label: str
    result_id: int | None


class ReuseEventView(BaseModel):
    id: int
    action: str
    component_id: int
    result_id: int
    staff_username: str
    at: datetime | None


class DossierView(BaseModel):
    """A dossier and how each of its components was satisfied; ``reused_count`` for the counter."""

    code: str
    unit_code: str
    procedure_code: str
    received_on: date | None
    components: list[ComponentView]
    reused_count: int
    events: list[ReuseEventView]


class ReviewItem(BaseModel):
    card: ResultCard
    fields: list[FieldView]
    review_reasons: list[str]
    reason_texts: list[str]
    """The reasons as staff read them (Vietnamese), in the same order as ``review_reasons``."""
    mean_confidence: float


class AuditView(BaseModel):
    id: int
    at: datetime
    username: str
    action: str
    query: str
    citizen_hash: str
    dossier_code: str
    detail: str


class UserView(BaseModel):
    username: str
    role: str
    unit_code: str


class LoginResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
    user: UserView


def user_view(staff: Staff) -> UserView:
    return UserView(username=staff.username, role=staff.role.value, unit_code=staff.unit_code)


def fields_of(row: Result, names: tuple[str, ...] | None = None) -> list[FieldView]:
    values = dict(row.fields or {})
    chosen = names if names is not None else tuple(sorted(values))
    return [
        FieldView(name=name, label=field_label(name), value=values[name])
        for name in chosen
        if values.get(name)
    ]


def disagreements_of(row: Result) -> list[DisagreementView]:
    """Both readings of every field the QR and the print disagree on (stored cross-checks)."""
    views = []
    for stored in row.cross_checks or []:
        check = CrossCheck.model_validate(stored)
        if check.agrees or check.observed is None:
            continue
        views.append(
            DisagreementView(
                field=check.field,
                label=field_label(check.field),
                source=check.source,
                code_value=check.expected,
                printed_value=check.observed,
            )
        )
    return views


def doc_type_of(row: Result) -> DocType:
    """The row's type; one a newer version of sohoa wrote and this one does not know: other."""
    try:
        return DocType(row.doc_type)
    except ValueError:
        return DocType.OTHER


def result_card(row: Result, today: date) -> ResultCard:
    doc_type = doc_type_of(row)
    expired = row.valid_until is not None and row.valid_until < today
    reason = None
    if expired and row.valid_until is not None:
        reason = f"Hết hiệu lực từ {row.valid_until:%d/%m/%Y}"
    elif not row.is_current:
        reason = "Phiên bản cũ, đã được thay thế"
    elif row.needs_review:  # attach refuses it too: nobody has checked what was read
        reason = "Chưa rà soát — cần xác nhận ở mục Rà soát kết quả trước khi dùng lại"
    return ResultCard(
        id=row.id,
        version=row.version,
        doc_type=doc_type,
        doc_type_label=DOC_TYPE_LABELS_VI[doc_type],
        owner_name=row.owner_name,
        owner_id_number=row.owner_id_number,
        owner_date_of_birth=row.owner_date_of_birth,
        document_number=row.document_number,
        issue_date=row.issue_date,
        valid_until=row.valid_until,
        expired=expired,
        attachable=reason is None,
        not_attachable_reason=reason,
        key_fields=fields_of(row, KEY_FIELDS.get(doc_type, ())),
        digitized_at=row.digitized_at,
        unit_code=row.unit_code,
        shared=bool(row.shared),
        needs_review=row.needs_review,
        disagreements=disagreements_of(row),
        thumbnail_url=f"/api/results/{row.id}/thumbnail",
        original_url=f"/api/results/{row.id}/original",
        signing=signing_of(row),
        incoming_signatures=incoming_signatures_of(row),
    )


def review_item(row: Result, today: date) -> ReviewItem:
    return ReviewItem(
        card=result_card(row, today),
        fields=fields_of(row),
        review_reasons=list(row.review_reasons or []),
        reason_texts=[describe(reason) for reason in row.review_reasons or []],
        mean_confidence=row.mean_confidence,
    )


def dossier_view(
    dossier: Dossier, components: list[DossierComponent], events: list[ReuseEvent]
) -> DossierView:
    return DossierView(
        code=dossier.code,
        unit_code=dossier.unit_code,
        procedure_code=dossier.procedure_code,
        received_on=dossier.received_on,
        components=[
            ComponentView(
                id=c.id,
                name=c.name,
                kind=c.kind,
                status=c.status,
                status_label=STATUS_LABELS_VI.get(c.status, c.status),
                result_id=c.result_id,
            )
            for c in components
        ],
        reused_count=sum(1 for c in components if c.status in REUSED_STATUSES),
        events=[
            ReuseEventView(
                id=e.id,
                action=e.action,
                component_id=e.component_id,
                result_id=e.result_id,
                staff_username=e.staff_username,
                at=e.at,
            )
            for e in events
        ],
    )


def audit_view(entry: AuditEntry) -> AuditView:
    return AuditView(**entry.__dict__)
