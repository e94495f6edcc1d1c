"""The generated document: ground-truth fields and printed lines, plus what to draw.

Tests and benchmarks compare OCR and extraction output to `fields` (normalised as in
shared/fields.md) and to `lines` (the text exactly as printed, after wrapping).
"""

from __future__ import annotations

import calendar
from datetime import date

from pydantic import BaseModel, Field

from schemas.fields import DocType
from sohoa.samples.fonts import Face
from sohoa.samples.layout import Block, Template, layout
from sohoa.samples.templates import TEMPLATES

# Documents are dated no later than this, so a seed gives the same corpus every year.
REFERENCE_DATE = date(2025, 6, 30)

# Field names per type, after shared/fields.md; marital-status also carries
# registration_number, as docs/document-layouts.md says ("88/XNTTHN").
FIELDS_BY_TYPE: dict[DocType, tuple[str, ...]] = {
    DocType.ID_CARD: (
        "id_number",
        "full_name",
        "date_of_birth",
        "sex",
        "nationality",
        "place_of_origin",
        "place_of_residence",
        "expiry_date",
        "issue_date",
    ),
    DocType.BIRTH_CERTIFICATE: (
        "registration_number",
        "book_number",
        "full_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "nationality",
        "place_of_birth",
        "id_number",
        "mother_name",
        "mother_birth_year",
        "father_name",
        "father_birth_year",
        "registration_date",
        "registration_place",
    ),
    DocType.MARRIAGE_CERTIFICATE: (
        "registration_number",
        "husband_name",
        "husband_date_of_birth",
        "husband_id_number",
        "wife_name",
        "wife_date_of_birth",
        "wife_id_number",
        "registration_date",
        "registration_place",
    ),
    DocType.DEATH_CERTIFICATE: (
        "registration_number",
        "full_name",
        "date_of_birth",
        "sex",
        "id_number",
        "date_of_death",
        "place_of_death",
        "registration_date",
    ),
    DocType.MARITAL_STATUS_CERTIFICATE: (
        "registration_number",
        "full_name",
        "date_of_birth",
        "sex",
        "id_number",
        "place_of_residence",
        "marital_status",
        "purpose",
        "issue_date",
        "valid_until",
    ),
    DocType.ADMINISTRATIVE_DOCUMENT: (
        "document_number",
        "issuing_body",
        "parent_body",
        "issue_place",
        "issue_date",
        "document_kind",
        "summary",
        "signer_title",
        "signer_name",
        "copy_kind",
        "copy_body",
        "copy_date",
    ),
    DocType.RESIDENCE_CONFIRMATION: (
        "full_name",
        "date_of_birth",
        "sex",
        "id_number",
        "place_of_residence",
        "household_head",
        "relation_to_head",
        "issue_date",
    ),
    DocType.LAND_USE_CERTIFICATE: (
        "holder_name",
        "holder_id_number",
        "co_holder_name",
        "co_holder_id_number",
        "parcel_number",
        "map_sheet",
        "land_address",
        "area",
        "certificate_serial",
    ),
    DocType.BUSINESS_HOUSEHOLD_CERTIFICATE: (
        "registration_number",
        "business_name",
        "business_address",
        "owner_name",
        "owner_id_number",
        "issue_date",
    ),
    DocType.OTHER: (),
}


class SampleDocument(BaseModel):
    """A generated document with its known truth.

    `fields` holds only what is printed on the rendered side (e.g. a card front has no
    issue date); `blocks` and `template` tell render.py how to draw it.
    """

    doc_type: DocType
    variant: str
    fields: dict[str, str]
    lines: list[str]
    template: str
    blocks: list[Block] = Field(default_factory=list, repr=False)
    qr: str | None = None  # payload of the card's QR code (2021 card), as fields.md gives it
    face: Face = "dejavu"  # the typeface it is printed in
    handwritten: list[str] = Field(default_factory=list)  # fields filled in by pen

    def page_template(self) -> Template:
        """The template in this document's typeface."""
        return TEMPLATES[self.template].model_copy(update={"face": self.face})

    def truth(self) -> dict[str, object]:
        """The ground-truth record written next to each sample."""
        record: dict[str, object] = {
            "doc_type": self.doc_type.value,
            "variant": self.variant,
            "fields": dict(self.fields),
            "lines": list(self.lines),
        }
        if self.qr is not None:
            record["qr"] = self.qr
        if self.handwritten:
            record["handwritten"] = list(self.handwritten)
        return record


def assemble(
    doc_type: DocType,
    variant: str,
    template: str,
    blocks: list[Block],
    fields: dict[str, str],
    qr: str | None = None,
    handwritten: list[str] | None = None,
) -> SampleDocument:
    """Lay the blocks out once to record the printed lines; check the field names."""
    unknown = set(fields) - set(FIELDS_BY_TYPE[doc_type])
    if unknown:
        raise ValueError(f"{doc_type}: fields not in shared/fields.md: {sorted(unknown)}")
    placed = layout(TEMPLATES[template], blocks)
    return SampleDocument(
        doc_type=doc_type,
        variant=variant,
        fields=fields,
        lines=placed.text_rows(),
        template=template,
        blocks=blocks,
        qr=qr,
        handwritten=handwritten or [],
    )


def iso(day: date) -> str:
    return day.isoformat()


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
