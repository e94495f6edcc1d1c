"""The 2021 card's QR code beats OCR: its values become the fields, OCR is only cross-checked.

Runs after the rules (which stay unaware of codes). A valid QR payload gives its fields with
confidence 1.0 and rule ``qr``; each OCR value that disagrees is kept on the field as issue
``qr.ocr_mismatch:<ocr value>`` and every comparison is returned as a `CrossCheck` (stored on
the result, so the review desk and the API show both readings). A print that disagrees with the
code on the ID number, name or birth date goes to review (``<field>:qr_mismatch``): another
person's print on a genuine chip's card is a forgery signal. Other differences (an address
wrapped over two lines) do not. A payload laid out as a card's but failing the ID-number or date
rules is not used, and says so as review reason ``qr:invalid``. The code's own spelling of the
name is kept as the field's ``raw`` value beside the normalised (upper-case) one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.extract.card_qr import CccdQr, looks_like_cccd, parse_cccd
from pipeline.extract.text import nfc
from schemas.fields import CrossCheck, DocType, ExtractedField
from schemas.ocr import DecodedCode, OcrDocument

QR_RULE = "qr"
UNSURE_BELOW = 0.8
"""A classification below this confidence yields to a valid card QR code."""
QR_TYPE_CONFIDENCE = 0.95
"""How sure a card QR code alone makes us of the type: a card copy may sit on another form."""

_LOOSE_FIELDS = frozenset({"place_of_residence"})
"""Compared without case, spaces or punctuation: the card wraps the address over two lines."""
IDENTITY_FIELDS = frozenset({"id_number", "full_name", "date_of_birth"})
"""Where print and QR must agree; any difference goes to a person."""


@dataclass(frozen=True)
class CardCode:
    """A card payload and where it was read."""

    qr: CccdQr
    code: DecodedCode
    page: int


def card_codes(ocr: OcrDocument, today: date) -> list[CardCode]:
    """Every card-shaped payload in the document, in page order."""
    return [
        CardCode(qr, code, page.page_number)
        for page in ocr.pages
        for code in page.codes
        if (qr := parse_cccd(code.text, today)) is not None
    ]


def classify_by_qr(
    ocr: OcrDocument, doc_type: DocType, confidence: float, today: date
) -> tuple[DocType, float]:
    """An unsure classification becomes ``id_card`` when a valid card QR code is on the paper."""
    if doc_type is DocType.ID_CARD or confidence >= UNSURE_BELOW:
        return doc_type, confidence
    if any(found.qr.valid for found in card_codes(ocr, today)):
        return DocType.ID_CARD, max(confidence, QR_TYPE_CONFIDENCE)
    return doc_type, confidence


def _comparable(name: str, value: str) -> str:
    value = nfc(value).upper()
    if name in _LOOSE_FIELDS:
        return re.sub(r"[\W_]+", "", value)
    return " ".join(value.split())


def apply_card_qr(
    ocr: OcrDocument, doc_type: DocType, fields: dict[str, ExtractedField], today: date
) -> tuple[list[CrossCheck], list[str]]:
    """Replace ``fields`` by the first valid card QR's values; (cross-checks, review reasons)."""
    if doc_type is not DocType.ID_CARD:
        return [], []
    found = card_codes(ocr, today)
    chosen = next((f for f in found if f.qr.valid), None)
    if chosen is None:
        broken = any(
            looks_like_cccd(code.text) for page in ocr.pages for code in page.codes
        )  # card-shaped but unreadable (5 fields, 31 February): never dropped silently
        return [], ["qr:invalid"] if found or broken else []
    raw_parts = chosen.code.text.split("|")
    raw_by_field = {
        "id_number": raw_parts[0],
        "full_name": raw_parts[2],
        "date_of_birth": raw_parts[3],
        "sex": raw_parts[4],
        "place_of_residence": raw_parts[5],
        "issue_date": raw_parts[6],
    }
    checks: list[CrossCheck] = []
    reasons: list[str] = []
    for name, value in chosen.qr.field_values().items():
        ocr_field = fields.get(name)
        observed = ocr_field.value if ocr_field else None
        agrees = observed is not None and _comparable(name, observed) == _comparable(name, value)
        checks.append(CrossCheck(field=name, expected=value, observed=observed, agrees=agrees))
        fields[name] = ExtractedField(
            name=name,
            value=value,
            raw=raw_by_field.get(name, value),
            confidence=1.0,
            page=chosen.page,
            box=chosen.code.box,
            rule=QR_RULE,
            issues=[] if agrees or observed is None else [f"qr.ocr_mismatch:{observed}"],
        )
        if not agrees and observed is not None and name in IDENTITY_FIELDS:
            # The print says another person than the chip's code: a forgery signal, or a misread.
            reasons.append(f"{name}:qr_mismatch")
    return checks, reasons
