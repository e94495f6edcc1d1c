"""Document types and extracted fields, named as in shared/fields.md."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from schemas.ocr import Box


class DocType(StrEnum):
    ID_CARD = "id_card"
    BIRTH_CERTIFICATE = "birth_certificate"
    MARRIAGE_CERTIFICATE = "marriage_certificate"
    DEATH_CERTIFICATE = "death_certificate"
    MARITAL_STATUS_CERTIFICATE = "marital_status_certificate"
    ADMINISTRATIVE_DOCUMENT = "administrative_document"
    RESIDENCE_CONFIRMATION = "residence_confirmation"
    LAND_USE_CERTIFICATE = "land_use_certificate"
    BUSINESS_HOUSEHOLD_CERTIFICATE = "business_household_certificate"
    OTHER = "other"


DOC_TYPE_LABELS_VI: dict[DocType, str] = {
    DocType.ID_CARD: "Căn cước / CCCD / CMND",
    DocType.BIRTH_CERTIFICATE: "Giấy khai sinh",
    DocType.MARRIAGE_CERTIFICATE: "Giấy chứng nhận kết hôn",
    DocType.DEATH_CERTIFICATE: "Trích lục khai tử",
    DocType.MARITAL_STATUS_CERTIFICATE: "Giấy xác nhận tình trạng hôn nhân",
    DocType.ADMINISTRATIVE_DOCUMENT: "Văn bản hành chính",
    DocType.RESIDENCE_CONFIRMATION: "Giấy xác nhận thông tin về cư trú",
    DocType.LAND_USE_CERTIFICATE: "Giấy chứng nhận quyền sử dụng đất",
    DocType.BUSINESS_HOUSEHOLD_CERTIFICATE: "Giấy chứng nhận đăng ký hộ kinh doanh",
    DocType.OTHER: "Giấy tờ khác",
}


class ExtractedField(BaseModel):
    """One value read from a document, with where and how it was found."""

    name: str
    value: str
    raw: str = ""
    confidence: float = Field(ge=0.0, le=1.0)
    page: int | None = None
    box: Box | None = None
    rule: str = ""
    valid: bool = True
    issues: list[str] = Field(default_factory=list)
    repaired: bool = False


class CrossCheck(BaseModel):
    """A field read two ways (e.g. the card's QR code and OCR), and whether they agree.

    ``observed`` is None when the second source did not yield the field at all.
    """

    field: str
    source: str = "qr"
    expected: str
    observed: str | None = None
    agrees: bool


class Extraction(BaseModel):
    """The classified document and its fields, with the review decision."""

    doc_type: DocType = DocType.OTHER
    doc_type_confidence: float = 0.0
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    needs_review: bool = False
    review_reasons: list[str] = Field(default_factory=list)
    rules_version: str = ""
    cross_checks: list[CrossCheck] = Field(default_factory=list)

    def value(self, name: str) -> str | None:
        field = self.fields.get(name)
        return field.value if field else None

    def mean_confidence(self) -> float:
        """Mean confidence of the fields (0 when none), as stored on result rows."""
        values = [f.confidence for f in self.fields.values()]
        return round(sum(values) / len(values), 4) if values else 0.0
