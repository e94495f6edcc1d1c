"""Signatures as the API shows them (issue #24): the incoming PDF's verified signatures and the
unit's signature on the digitized copy, for result cards and the export."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ValidationError

from schemas.signatures import (
    SIGNING_LABELS_VI,
    IncomingSignature,
    SignatureVerdict,
    SigningRecord,
)
from storage.index.tables import Result


class IncomingSignatureView(BaseModel):
    """One signature the incoming PDF carried, with its verdict."""

    verdict: SignatureVerdict
    verdict_label: str
    signer: str
    signer_common_name: str
    signer_organization: str
    issuer: str
    signed_at: datetime | None
    timestamped_at: datetime | None


class SigningView(BaseModel):
    """The unit's signature on this version's digitized copy."""

    state: str  # signed, unsigned, no_pdf, failed, signing, pending or not_confirmed
    label: str
    level: str | None = None
    signer: str | None = None
    certified_by: str | None = None
    signed_at: datetime | None = None
    signed_pdf_url: str | None = None


def incoming_signatures_of(row: Result) -> list[IncomingSignatureView]:
    views = []
    for stored in row.signatures or []:
        try:
            signature = IncomingSignature.model_validate(stored)
        except ValidationError:  # written by a newer sohoa: shown as not checked
            signature = IncomingSignature(verdict=SignatureVerdict.UNVERIFIABLE)
        views.append(
            IncomingSignatureView(
                verdict=signature.verdict,
                verdict_label=signature.label,
                signer=signature.signer,
                signer_common_name=signature.signer_common_name,
                signer_organization=signature.signer_organization,
                issuer=signature.issuer,
                signed_at=signature.signed_at,
                timestamped_at=signature.timestamped_at,
            )
        )
    return views


def signing_of(row: Result) -> SigningView:
    if row.needs_review:
        state = "not_confirmed"
    elif not row.signing_state:
        state = "pending"
    else:
        state = row.signing_state
    record = None
    if row.signing:
        try:
            record = SigningRecord.model_validate(row.signing)
        except ValidationError:
            record = None
    signed = state == "signed" and record is not None and bool(record.key)
    return SigningView(
        state=state,
        label=SIGNING_LABELS_VI.get(state, state),
        level=record.level or None if signed and record else None,
        signer=record.signer or None if signed and record else None,
        certified_by=(record.certified_by or None) if record else None,
        signed_at=record.signed_at if signed and record else None,
        signed_pdf_url=f"/api/results/{row.id}/signed.pdf" if signed else None,
    )
