"""Results of processing a file, and the digitized-result record that staff reuse."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.documents import SourceFile
from schemas.fields import CrossCheck, DocType, Extraction
from schemas.ocr import OcrDocument
from schemas.signatures import IncomingSignature


class JobOutcome(StrEnum):
    DONE = "done"
    DUPLICATE = "duplicate"
    REUSED = "reused"
    NEEDS_REVIEW = "needs_review"
    QUARANTINED = "quarantined"
    FAILED = "failed"
    SPLIT = "split"  # a batch scan: its components were taken in as scans of their own


class ScanState(StrEnum):
    """Life of a scan in the index."""

    QUEUED = "queued"
    PROCESSING = "processing"
    DONE = "done"
    NEEDS_REVIEW = "needs_review"
    QUARANTINED = "quarantined"
    FAILED = "failed"
    SPLIT = "split"  # a batch scan cut at its separator sheets; its components are scans


class EngineInfo(BaseModel):
    """What produced a version: re-OCR compares these with the current ones."""

    tesseract: str = ""
    languages: str = ""
    pipeline: str = ""
    rules: str = ""


class DocumentResult(BaseModel):
    """Everything the pipeline learned about one file (no storage involved)."""

    source: SourceFile
    ocr: OcrDocument
    extraction: Extraction
    engine: EngineInfo = Field(default_factory=EngineInfo)
    seconds: float = 0.0
    # What went wrong beside the text and fields, kept with them (e.g. no searchable PDF).
    problems: list[str] = Field(default_factory=list)
    # A signed PDF's own signatures, as verified against the deployment's trust anchors.
    signatures: list[IncomingSignature] = Field(default_factory=list)

    @property
    def needs_review(self) -> bool:
        return self.extraction.needs_review


class DigitizedResult(BaseModel):
    """A reusable digitized record as one-stop systems keep it (see shared/fields.md)."""

    id: int
    scan_sha256: str
    doc_type: DocType
    owner_id_number: str | None = None
    owner_name: str | None = None
    owner_date_of_birth: date | None = None
    document_number: str | None = None
    issue_date: date | None = None
    valid_until: date | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    cross_checks: list[CrossCheck] = Field(default_factory=list)
    unit_code: str = ""
    dossier_code: str | None = None
    procedure_code: str = ""
    field: str = ""
    version: int = 1
    digitized_at: datetime | None = None
    mean_confidence: float = 0.0

    def is_valid_on(self, day: date) -> bool:
        """Expired results are shown but may not be attached."""
        return self.valid_until is None or self.valid_until >= day
