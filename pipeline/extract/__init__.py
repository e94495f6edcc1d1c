"""Field extraction from an OCR tree: classify, locate, read, validate, decide on review.

``extract`` is the one entry point; ``RULES_VERSION`` changes whenever the rules or the engine
change what would be extracted, so stored results can be recomputed (re-OCR compares it).
"""

from __future__ import annotations

from datetime import date

from pipeline.extract import decision, qr_override
from pipeline.extract.certified_copy import copy_fields
from pipeline.extract.classify import classify
from pipeline.extract.locate import locate
from pipeline.extract.registry import rules_for
from pipeline.extract.resolve import resolve_all
from pipeline.extract.text import lines_of
from pipeline.extract.validate import check_dates
from schemas.fields import DocType, ExtractedField, Extraction
from schemas.ocr import OcrDocument
from schemas.settings import ReviewSettings

RULES_VERSION = "2025.2"  # 2025.2: the 2021 card QR code overrides OCR

__all__ = ["RULES_VERSION", "extract"]


def _enlarged_pages(ocr: OcrDocument) -> list[int]:
    """Pages whose letters were so small that clean-up enlarged them before OCR."""
    return [
        page.page_number
        for page in ocr.pages
        if any(stage.stage == "upscale" and stage.applied for stage in page.stages)
    ]


def extract(
    ocr: OcrDocument,
    review: ReviewSettings,
    doc_type: DocType | None = None,
    *,
    today: date | None = None,
) -> Extraction:
    """Fields of ``ocr`` as ``doc_type`` (classified first when None), validated and flagged.

    A caller-given ``doc_type`` is trusted (confidence 1.0). ``today`` bounds "not in the
    future" checks; tests pin it.
    """
    today = today or date.today()
    if doc_type is None:
        doc_type, confidence = classify(ocr)
        doc_type, type_confidence = qr_override.classify_by_qr(ocr, doc_type, confidence, today)
    else:
        type_confidence = 1.0
    rules = rules_for(doc_type)
    fields: dict[str, ExtractedField] = {}
    labelled: frozenset[str] = frozenset()
    layout_reasons: list[str] = []
    if rules is not None and rules.reader is not None:
        fields, layout_reasons = rules.reader(ocr, lines_of(ocr))
        check_dates(rules, fields, today)
        decision.penalize(fields)
    elif rules is not None:
        lines = lines_of(ocr)
        located = locate(lines, rules)
        labelled = located.labelled
        fields = resolve_all(rules, located.values, lines, today)
        check_dates(rules, fields, today)
        decision.penalize(fields)
    if rules is not None:
        for name, field in copy_fields(lines_of(ocr)).items():
            fields.setdefault(name, field)  # a certified copy: who copied it, and when
    checks, qr_reasons = qr_override.apply_card_qr(ocr, doc_type, fields, today)
    reasons = decision.reasons(rules, doc_type, type_confidence, fields, review, labelled)
    if rules is not None and _enlarged_pages(ocr):
        # Letters a few pixels high (a phone photo at 70 dpi) were enlarged to be read: marks and
        # digits there are guesses as often as readings, so a person looks at every such page.
        reasons.append("scan:low_resolution")
    unread = {r.split(":", 1)[0] for r in layout_reasons}
    reasons = [r for r in reasons if r.split(":", 1)[0] not in unread or r in layout_reasons]
    reasons += layout_reasons + qr_reasons
    return Extraction(
        doc_type=doc_type,
        doc_type_confidence=round(type_confidence, 4),
        fields=fields,
        needs_review=bool(reasons),
        review_reasons=reasons,
        rules_version=RULES_VERSION,
        cross_checks=checks,
    )
