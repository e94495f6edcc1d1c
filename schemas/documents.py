"""What a scanned file is and what we learn of its pages before OCR."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field


class MediaType(StrEnum):
    """Input kinds accepted at the counter, decided by content (magic bytes), not extension."""

    PDF = "application/pdf"
    TIFF = "image/tiff"
    JPEG = "image/jpeg"
    PNG = "image/png"


class SourceFile(BaseModel):
    """A file as it arrived: identity by content hash."""

    sha256: str
    filename: str
    size_bytes: int
    media_type: MediaType
    page_count: int = Field(ge=1)
    has_text_layer: bool = False


class StageRecord(BaseModel):
    """What one preprocessing stage did to a page (for audit and tuning)."""

    stage: str
    applied: bool = True
    detail: dict[str, float | int | str | bool] = Field(default_factory=dict)
    seconds: float = 0.0
