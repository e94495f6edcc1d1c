"""Batch re-OCR: which results to re-run, when a new version replaces the current one, and the
outcome of each item and of the whole batch.

A re-run never edits a stored version: it writes the next one beside it, and the comparison
below decides whether the new version becomes current.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.fields import DocType


class ReocrFilters(BaseModel):
    """Which current results a batch re-runs; every given filter must hold."""

    since: date | None = None  # digitized on or after this day
    until: date | None = None  # digitized on or before this day
    unit_codes: list[str] = Field(default_factory=list)
    doc_types: list[DocType] = Field(default_factory=list)
    outdated: bool = False  # produced by another tesseract, pipeline or rules version
    below_confidence: float | None = Field(None, ge=0.0, le=1.0)
    needs_review: bool | None = None  # True: only flagged results; False: only trusted ones
    # Versions a person corrected are left alone unless asked: no OCR beats a checked value.
    include_corrected: bool = False
    scan_ids: list[int] = Field(default_factory=list)
    limit: int | None = Field(None, ge=1)


class PolicyKind(StrEnum):
    """When a new version becomes current."""

    NOT_WORSE = "not_worse"  # improved or unchanged (the newer engine is then recorded)
    IMPROVED_ONLY = "improved_only"
    ALWAYS = "always"
    NEVER = "never"  # a trial run: versions are stored and compared, none promoted


class ReocrPolicy(BaseModel):
    kind: PolicyKind = PolicyKind.NOT_WORSE
    # Mean field confidences closer than this are "the same" (OCR jitter, not a change).
    confidence_epsilon: float = Field(0.01, ge=0.0, le=1.0)
    # A trusted result that the new run would send back to review counts as worse.
    review_regression_is_worse: bool = True


class ItemState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ItemOutcome(StrEnum):
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    WORSE = "worse"
    FAILED = "failed"


class BatchStatus(StrEnum):
    CREATED = "created"
    RUNNING = "running"
    INTERRUPTED = "interrupted"
    DONE = "done"


class ExtractionSummary(BaseModel):
    """What the comparison looks at in one version; field values are kept out of the JSON."""

    doc_type: DocType = DocType.OTHER
    invalid_fields: list[str] = Field(default_factory=list)
    missing_required: list[str] = Field(default_factory=list)
    mean_confidence: float = 0.0
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    corrected: bool = False  # a person corrected this version
    values: dict[str, str] = Field(default_factory=dict, exclude=True)

    @property
    def invalid_count(self) -> int:
        return len(self.invalid_fields)


class Comparison(BaseModel):
    """The old (current) version against the new one, and what was decided."""

    outcome: ItemOutcome
    promote: bool
    reasons: list[str] = Field(default_factory=list)  # short codes, e.g. "invalid_fields:2->1"
    changed_fields: list[str] = Field(default_factory=list)
    old: ExtractionSummary
    new: ExtractionSummary


class SelectedScan(BaseModel):
    """One scan a batch will re-run: its current version and how many pages it has."""

    scan_id: int
    version: int
    pages: int
    doc_type: str


class SelectionRow(BaseModel):
    doc_type: str
    results: int
    pages: int


class Selection(BaseModel):
    """How much a set of filters would re-run, per document type."""

    rows: list[SelectionRow] = Field(default_factory=list)

    @property
    def results(self) -> int:
        return sum(r.results for r in self.rows)

    @property
    def pages(self) -> int:
        return sum(r.pages for r in self.rows)


class BatchSummary(BaseModel):
    """Where a batch stands: item states, outcomes, pages and time."""

    batch_id: int
    status: BatchStatus
    items: int = 0
    pages: int = 0
    pages_finished: int = 0
    states: dict[ItemState, int] = Field(default_factory=dict)
    outcomes: dict[ItemOutcome, int] = Field(default_factory=dict)
    promoted: int = 0
    attempts: int = 0
    created_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    last_item_at: datetime | None = None  # when the latest item finished
    processing_seconds: float = 0.0  # pipeline time summed over items

    @property
    def finished(self) -> int:
        return self.states.get(ItemState.DONE, 0) + self.states.get(ItemState.FAILED, 0)

    @property
    def open_items(self) -> int:
        return self.items - self.finished

    @property
    def wall_seconds(self) -> float | None:
        """From the first start to the batch's end (or its latest item), pauses included."""
        end = self.finished_at or self.last_item_at
        if self.started_at is None or end is None:
            return None
        return (end - self.started_at).total_seconds()
