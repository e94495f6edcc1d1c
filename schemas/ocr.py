"""The OCR tree: document → pages → lines → words, each with boxes and confidences."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.documents import StageRecord


class Box(BaseModel):
    """Pixel rectangle on the (preprocessed) page image."""

    left: int
    top: int
    width: int
    height: int


class Word(BaseModel):
    text: str
    confidence: float = Field(ge=0.0, le=1.0)
    box: Box


class Line(BaseModel):
    words: list[Word] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def confidence(self) -> float:
        if not self.words:
            return 0.0
        return min(w.confidence for w in self.words)


class DecodedCode(BaseModel):
    """A machine-readable code (QR) found on a page, read before OCR."""

    text: str
    format: str = "QRCode"
    box: Box | None = None


class PageStatus(StrEnum):
    OK = "ok"
    TEXT_LAYER = "text_layer"  # born-digital page: text taken from the PDF, not OCR
    FAILED = "failed"
    TIMEOUT = "timeout"


class PageText(BaseModel):
    """One page's recognised text; a failed page carries its error and no lines."""

    page_number: int = Field(ge=1)
    status: PageStatus = PageStatus.OK
    width: int = 0
    height: int = 0
    lines: list[Line] = Field(default_factory=list)
    error_code: str = ""
    error_message: str = ""
    stages: list[StageRecord] = Field(default_factory=list)
    ocr_seconds: float = 0.0
    codes: list[DecodedCode] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def mean_confidence(self) -> float:
        words = [w for line in self.lines for w in line.words]
        if not words:
            return 0.0
        return sum(w.confidence for w in words) / len(words)


class OcrDocument(BaseModel):
    """All pages of one file, in order."""

    pages: list[PageText] = Field(default_factory=list)
    engine: str = ""

    @property
    def text(self) -> str:
        return "\n\n".join(p.text for p in self.pages)

    @property
    def failed_pages(self) -> list[int]:
        return [
            p.page_number for p in self.pages if p.status in (PageStatus.FAILED, PageStatus.TIMEOUT)
        ]
