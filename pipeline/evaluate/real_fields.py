"""Field accuracy on real administrative documents whose truth is in a ``truth.json``.

The judge is what matters on paper: the printed items (issuing body, document kind, signer's
name, the symbol after the number's "/") must be right; the number's digits and the day and
month, often written by hand (``handwritten`` in the truth), must be right or sent to a person
with a reason naming the field; no page that is not a civil document may carry personal fields;
and every such file must be filed as an administrative document or as ``other``.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field

from schemas.fields import DocType, Extraction

PRINTED = ("issuing_body", "document_kind", "signer_name", "symbol")
HANDWRITTEN_FIELDS = ("document_number", "issue_date")
PERSONAL_FIELDS = frozenset(
    {
        "full_name",
        "date_of_birth",
        "id_number",
        "sex",
        "place_of_residence",
        "husband_name",
        "wife_name",
        "husband_id_number",
        "wife_id_number",
        "mother_name",
        "father_name",
    }
)
ACCEPTED_TYPES = frozenset({DocType.ADMINISTRATIVE_DOCUMENT.value, DocType.OTHER.value})
_RANKS = ("TS. ", "ThS. ", "PGS.TS. ", "GS.TS. ", "PGS. ", "GS. ", "BS. ", "KS. ")


class RealFieldSample(BaseModel):
    path: Path
    name: str
    truth: dict[str, object]


class RealFieldScore(BaseModel):
    """One file: which printed items were right, how handwritten ones ended."""

    name: str
    doc_type: str
    printed_right: list[str] = Field(default_factory=list)
    printed_wrong: dict[str, str] = Field(default_factory=dict)  # item -> what was read
    handwritten_right: list[str] = Field(default_factory=list)
    handwritten_flagged: list[str] = Field(default_factory=list)
    handwritten_unflagged: list[str] = Field(default_factory=list)
    personal_fields: list[str] = Field(default_factory=list)
    error: str = ""

    @property
    def type_accepted(self) -> bool:
        return self.doc_type in ACCEPTED_TYPES


def find_real_field_samples(directory: Path) -> list[RealFieldSample]:
    """The files ``truth.json`` describes that exist below ``directory``."""
    truth_file = directory / "truth.json"
    if not truth_file.is_file():
        return []
    truths = json.loads(truth_file.read_text(encoding="utf-8"))
    return [
        RealFieldSample(path=directory / name, name=name, truth=truth)
        for name, truth in sorted(truths.items())
        if (directory / name).is_file()
    ]


def _symbol(number: object) -> str | None:
    return str(number).split("/", 1)[1] if isinstance(number, str) and "/" in number else None


def _signer(name: object) -> str | None:
    """The name without a rank or degree (shared/fields.md: "TS." is dropped)."""
    if not isinstance(name, str):
        return None
    for rank in _RANKS:
        if name.startswith(rank):
            return name[len(rank) :]
    return name


def score_real_fields(
    name: str, truth: dict[str, object], extraction: Extraction
) -> RealFieldScore:
    score = RealFieldScore(name=name, doc_type=extraction.doc_type.value)
    expected = {
        "issuing_body": truth.get("issuing_body"),
        "document_kind": truth.get("document_kind"),
        "signer_name": _signer(truth.get("signer_name")),
        "symbol": _symbol(truth.get("document_number")),
    }
    found = {
        "issuing_body": extraction.value("issuing_body"),
        "document_kind": extraction.value("document_kind"),
        "signer_name": extraction.value("signer_name"),
        "symbol": _symbol(extraction.value("document_number")),
    }
    for item in PRINTED:
        if found[item] == expected[item]:
            score.printed_right.append(item)
        else:
            score.printed_wrong[item] = str(found[item])
    handwritten = truth.get("handwritten")
    handwritten = handwritten if isinstance(handwritten, list) else []
    named = {reason.split(":", 1)[0] for reason in extraction.review_reasons}
    for field in HANDWRITTEN_FIELDS:
        if field not in handwritten:
            continue
        if extraction.value(field) == truth.get(field):
            score.handwritten_right.append(field)
        elif field in named:
            score.handwritten_flagged.append(field)
        else:
            score.handwritten_unflagged.append(field)
    score.personal_fields = sorted(PERSONAL_FIELDS & set(extraction.fields))
    return score
