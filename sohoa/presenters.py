"""Turning results into what staff read: JSON for machines, rich tables for people."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from pipeline.extract.qr_override import QR_RULE
from schemas.fields import DOC_TYPE_LABELS_VI, ExtractedField
from schemas.records import DocumentResult
from schemas.vietnamese import mask_id_number

KEY_FIELDS = (
    "id_number",
    "full_name",
    "date_of_birth",
    "sex",
    "registration_number",
    "husband_name",
    "wife_name",
    "date_of_death",
    "expiry_date",
    "valid_until",
)


def _shown(field: str, value: str | None) -> str | None:
    """ID numbers masked (last three digits): a disagreement is shown, never a full number."""
    if value is None or not field.endswith("id_number"):
        return value
    return mask_id_number(value)


def _field_json(field: ExtractedField) -> dict[str, Any]:
    shown: dict[str, Any] = {"value": field.value, "confidence": round(field.confidence, 3)}
    if field.rule == QR_RULE and field.raw and field.raw != field.value:
        shown["as_in_code"] = field.raw  # the QR's own spelling, e.g. the name's casing
    return shown


def extraction_json(result: DocumentResult) -> dict[str, Any]:
    """The stable JSON shape of ``sohoa extract --json``."""
    extraction = result.extraction
    return {
        "file": result.source.filename,
        "sha256": result.source.sha256,
        "doc_type": extraction.doc_type.value,
        "fields": {name: _field_json(field) for name, field in extraction.fields.items()},
        "needs_review": extraction.needs_review,
        "review_reasons": extraction.review_reasons,
        # The card's QR against its print, field by field (the value kept is the QR's).
        "cross_checks": [
            {
                "field": check.field,
                "source": check.source,
                "code": _shown(check.field, check.expected),
                "printed": _shown(check.field, check.observed),
                "agrees": check.agrees,
            }
            for check in extraction.cross_checks
        ],
        "pages": result.source.page_count,
        "page_details": [
            {
                "page": page.page_number,
                "status": page.status.value,
                "mean_confidence": round(page.mean_confidence, 3),
                "error": page.error_message,
            }
            for page in result.ocr.pages
        ],
        "seconds": round(result.seconds, 2),
        "problems": result.problems,  # e.g. the searchable PDF could not be built
        # Every page's OCR text, pages separated by form feed (as the .gt.txt truth files are).
        "text": "\f".join(page.text for page in result.ocr.pages),
    }


def fields_table(result: DocumentResult) -> Table:
    extraction = result.extraction
    label = DOC_TYPE_LABELS_VI.get(extraction.doc_type, extraction.doc_type.value)
    review = "CẦN KIỂM TRA" if extraction.needs_review else "đạt"
    table = Table(title=f"{result.source.filename} — {label} ({review})", title_justify="left")
    table.add_column("Trường / field")
    table.add_column("Giá trị / value")
    table.add_column("Độ tin cậy", justify="right")
    for name, field in extraction.fields.items():
        marker = "" if field.valid else " ⚠"
        table.add_row(name, field.value + marker, f"{field.confidence:.2f}")
    if extraction.review_reasons:
        table.caption = "Lý do kiểm tra: " + "; ".join(extraction.review_reasons)
    return table
