"""A digitized result as a record other systems keep: metadata, every field with its confidence,
both readings where the card's QR and its print disagree, and where its files are.

Field values are the result row's (a reviewer's correction wins); confidences come from the
machine reading stored beside the version's artefacts. A value a reviewer changed has no machine
confidence: it is exported with confidence 1.0 and source ``reviewer``.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from schemas.errors import NotFound
from schemas.fields import DOC_TYPE_LABELS_VI, DocType
from sohoa.api.labels import field_label
from sohoa.api.signature_views import (
    IncomingSignatureView,
    SigningView,
    incoming_signatures_of,
    signing_of,
)
from sohoa.api.views import DisagreementView, disagreements_of, doc_type_of
from storage import keys
from storage.index.tables import Result, Scan
from storage.objects import ObjectStore


class ExportedField(BaseModel):
    name: str
    label: str
    value: str
    confidence: float
    source: str  # "ocr", "qr", "text_layer"… or "reviewer"


class ResultExport(BaseModel):
    """Mirrors the digitized-result record of one-stop systems (see ``shared/fields.md``)."""

    result_id: int
    version: int
    is_current: bool
    doc_type: DocType
    doc_type_label: str
    owner_name: str | None
    owner_id_number: str | None
    owner_date_of_birth: date | None
    document_number: str | None
    issuing_body: str | None
    signer: str | None
    issue_date: date | None
    valid_until: date | None
    unit_code: str
    dossier_code: str | None
    procedure_code: str
    field: str
    kind: str
    digitized_at: datetime | None
    corrected_by: str | None
    engine: dict[str, str]
    needs_review: bool
    review_reasons: list[str]
    disagreements: list[DisagreementView]
    fields: list[ExportedField]
    original_sha256: str
    original_filename: str
    page_count: int
    original_url: str
    searchable_pdf_url: str | None
    # Issue #24: the unit's signature on this copy, and the incoming PDF's own signatures.
    signing: SigningView
    incoming_signatures: list[IncomingSignatureView]


def _machine_fields(store: ObjectStore, row: Result) -> dict[str, dict[str, Any]]:
    """The stored machine reading's fields (name → {value, confidence, rule}); {} if unreadable."""
    try:
        data = json.loads(store.get_bytes(row.derived_prefix + keys.FIELDS_NAME))
        fields = data["extraction"]["fields"]
    except (NotFound, ValueError, KeyError, TypeError):
        return {}
    return fields if isinstance(fields, dict) else {}


def _exported(name: str, value: str, machine: dict[str, Any] | None) -> ExportedField:
    if machine is None or machine.get("value") != value:
        return ExportedField(
            name=name, label=field_label(name), value=value, confidence=1.0, source="reviewer"
        )
    return ExportedField(
        name=name,
        label=field_label(name),
        value=value,
        confidence=float(machine.get("confidence") or 0.0),
        source=str(machine.get("rule") or "ocr"),
    )


def export_result(row: Result, scan: Scan, store: ObjectStore) -> ResultExport:
    values = dict(row.fields or {})
    machine = _machine_fields(store, row)
    doc_type = doc_type_of(row)
    pdf_key = row.derived_prefix + keys.SEARCHABLE_PDF_NAME
    engine = {key: str(value) for key, value in (row.engine or {}).items()}
    return ResultExport(
        result_id=row.id,
        version=row.version,
        is_current=row.is_current,
        doc_type=doc_type,
        doc_type_label=DOC_TYPE_LABELS_VI[doc_type],
        owner_name=row.owner_name,
        owner_id_number=row.owner_id_number,
        owner_date_of_birth=row.owner_date_of_birth,
        document_number=row.document_number,
        issuing_body=values.get("issuing_body"),
        signer=values.get("signer_name"),
        issue_date=row.issue_date,
        valid_until=row.valid_until,
        unit_code=row.unit_code,
        dossier_code=row.dossier_code,
        procedure_code=row.procedure_code,
        field=row.field,
        kind=row.kind,
        digitized_at=row.digitized_at,
        corrected_by=engine.get("corrected_by"),
        engine=engine,
        needs_review=row.needs_review,
        review_reasons=list(row.review_reasons or []),
        disagreements=disagreements_of(row),
        fields=[
            _exported(name, value, machine.get(name)) for name, value in sorted(values.items())
        ],
        original_sha256=scan.sha256,
        original_filename=scan.filename,
        page_count=scan.page_count,
        original_url=f"/api/results/{row.id}/original",
        searchable_pdf_url=(
            f"/api/results/{row.id}/searchable.pdf" if store.exists(pdf_key) else None
        ),
        signing=signing_of(row),
        incoming_signatures=incoming_signatures_of(row),
    )
