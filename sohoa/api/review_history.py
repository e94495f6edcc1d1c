"""What the review desk needs beside the queue: the form of each document type (every field,
also those the machine did not find) and the correction history of one result, per field.

The history is read from the stored result versions themselves (a correction never edits a
version): a version whose ``engine`` names a corrector was made by that person, any other by
the machine.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from pipeline.extract.registry import rules_for
from schemas.fields import DOC_TYPE_LABELS_VI, DocType
from sohoa.api.labels import field_label
from sohoa.api.views import doc_type_of
from storage.index.tables import Result

MACHINE_LABEL = "Máy đọc (OCR)"
REOCR_LABEL = "Máy đọc lại (OCR)"
KIND_LABELS_VI = {
    "machine": "Máy đọc",
    "reocr": "Máy đọc lại",
    "correction": "Cán bộ sửa",
    "confirmation": "Cán bộ xác nhận đúng",
}


class FormField(BaseModel):
    """One input of the review form; ``kind`` tells the page how to mask and check it."""

    name: str
    label: str
    kind: str
    required: bool


class DocTypeForm(BaseModel):
    doc_type: DocType
    label: str
    fields: list[FormField]


class VersionView(BaseModel):
    result_id: int
    version: int
    is_current: bool
    kind: str
    kind_label: str
    by: str
    """The corrector's user name; empty for a version the machine made."""
    by_label: str
    at: datetime | None
    note: str


class FieldChange(BaseModel):
    """What one version said about a field, where it differs from the version before it."""

    version: int
    value: str
    """Empty: the version has no value for the field (removed, or never read)."""
    by_label: str
    at: datetime | None


class FieldHistory(BaseModel):
    name: str
    label: str
    changes: list[FieldChange]


class ReviewHistory(BaseModel):
    result_id: int
    versions: list[VersionView]
    fields: list[FieldHistory]


def document_forms() -> list[DocTypeForm]:
    """Every document type with its fields in the order the paper prints them."""
    forms = []
    for doc_type in DocType:
        rules = rules_for(doc_type)
        fields: dict[str, FormField] = {}
        for spec in rules.fields if rules is not None else ():
            fields.setdefault(
                spec.name,
                FormField(
                    name=spec.name,
                    label=field_label(spec.name),
                    kind=spec.kind.value,
                    required=spec.required,
                ),
            )
        forms.append(
            DocTypeForm(
                doc_type=doc_type, label=DOC_TYPE_LABELS_VI[doc_type], fields=list(fields.values())
            )
        )
    return forms


def _version_view(row: Result) -> VersionView:
    engine = row.engine or {}
    by = str(engine.get("corrected_by") or "")
    at: datetime | None = row.digitized_at
    if by:
        kind = "confirmation" if engine.get("review") == "confirmed" else "correction"
        try:
            at = datetime.fromisoformat(str(engine.get("corrected_at")))
        except ValueError:
            at = None
    else:
        kind = "reocr" if engine.get("reocr_batch") else "machine"
    return VersionView(
        result_id=row.id,
        version=row.version,
        is_current=row.is_current,
        kind=kind,
        kind_label=KIND_LABELS_VI[kind],
        by=by,
        by_label=by or (REOCR_LABEL if kind == "reocr" else MACHINE_LABEL),
        at=at,
        note=str(engine.get("correction_note") or "") if by else "",
    )


def review_history(result_id: int, rows: list[Result]) -> ReviewHistory:
    """The versions of one scan (any order) as a history, oldest first, and per field only the
    versions that changed it."""
    rows = sorted(rows, key=lambda row: row.version)
    versions = [_version_view(row) for row in rows]
    doc_type = doc_type_of(rows[-1]) if rows else DocType.OTHER
    rules = rules_for(doc_type)
    printed = [spec.name for spec in rules.fields] if rules is not None else []
    names = list(dict.fromkeys(printed))
    seen = {name for row in rows for name in (row.fields or {})}
    names = [name for name in names if name in seen] + sorted(seen - set(names))
    fields = []
    for name in names:
        changes: list[FieldChange] = []
        before = ""
        for row, view in zip(rows, versions, strict=True):
            value = str((row.fields or {}).get(name) or "")
            if value != before:
                changes.append(
                    FieldChange(
                        version=row.version, value=value, by_label=view.by_label, at=view.at
                    )
                )
            before = value
        fields.append(FieldHistory(name=name, label=field_label(name), changes=changes))
    return ReviewHistory(result_id=result_id, versions=versions, fields=fields)
