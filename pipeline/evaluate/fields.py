"""Field accuracy of extractions against ground truth (pure; no OCR, no files).

The two figures the counter cares about: how many fields are exactly right, and whether any
wrong ID number slipped through without being sent to a person. Beside them: which type each
document was filed as (a confusion matrix), and values written by hand (a document's number and
day), which count apart: each must be right or sent to a person with a reason naming it.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from schemas.fields import Extraction

ID_FIELDS = frozenset(
    {
        "id_number",
        "husband_id_number",
        "wife_id_number",
        "holder_id_number",
        "co_holder_id_number",
        "owner_id_number",
    }
)


class DocumentScore(BaseModel):
    """How one extraction compares with its truth."""

    name: str
    doc_type_truth: str
    doc_type_found: str
    correct: list[str] = Field(default_factory=list)
    wrong: list[str] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list)
    needs_review: bool = False
    unflagged_wrong_ids: list[str] = Field(default_factory=list)
    unflagged_wrong: list[str] = Field(default_factory=list)  # any field, wrong and not flagged
    flagged_right: list[str] = Field(default_factory=list)  # right, yet a reason names it
    readings: dict[str, str] = Field(default_factory=dict)  # wrong field -> what was read
    handwritten_right: list[str] = Field(default_factory=list)
    handwritten_flagged: list[str] = Field(default_factory=list)  # wrong or missing, named
    handwritten_unflagged: list[str] = Field(default_factory=list)  # wrong and not named


class AccuracySummary(BaseModel):
    documents: int = 0
    doc_type_correct: int = 0
    fields_total: int = 0
    fields_correct: int = 0
    needs_review: int = 0
    unflagged_wrong_ids: int = 0
    per_field_total: dict[str, int] = Field(default_factory=dict)
    per_field_correct: dict[str, int] = Field(default_factory=dict)
    per_field_unflagged_wrong: dict[str, int] = Field(default_factory=dict)
    per_field_flagged_right: dict[str, int] = Field(default_factory=dict)
    per_type_total: dict[str, int] = Field(default_factory=dict)
    per_type_correct: dict[str, int] = Field(default_factory=dict)
    confusion: dict[str, dict[str, int]] = Field(default_factory=dict)  # truth -> found -> n
    handwritten_right: int = 0
    handwritten_flagged: int = 0
    handwritten_unflagged: int = 0

    @property
    def field_accuracy(self) -> float:
        return self.fields_correct / self.fields_total if self.fields_total else 0.0

    def group(self, fields: frozenset[str]) -> GroupSummary:
        """The figures of a group of fields (all names, say) taken together."""

        def count(per_field: dict[str, int]) -> int:
            return sum(n for name, n in per_field.items() if name in fields)

        return GroupSummary(
            total=count(self.per_field_total),
            correct=count(self.per_field_correct),
            unflagged_wrong=count(self.per_field_unflagged_wrong),
            flagged_right=count(self.per_field_flagged_right),
        )


class GroupSummary(BaseModel):
    total: int
    correct: int
    unflagged_wrong: int  # wrong while the document was not sent to review
    flagged_right: int  # right, yet named by a review reason


def score_document(
    name: str,
    truth_type: str,
    truth: dict[str, str],
    extraction: Extraction,
    handwritten: list[str] | tuple[str, ...] = (),
) -> DocumentScore:
    score = DocumentScore(
        name=name,
        doc_type_truth=truth_type,
        doc_type_found=extraction.doc_type.value,
        needs_review=extraction.needs_review,
    )
    named = {reason.split(":", 1)[0] for reason in extraction.review_reasons}
    for field_name, expected in truth.items():
        found = extraction.value(field_name)
        if field_name in handwritten:
            if found == expected:
                score.handwritten_right.append(field_name)
            elif field_name in named:
                score.handwritten_flagged.append(field_name)
            else:
                score.handwritten_unflagged.append(field_name)
            if found is not None and found != expected:
                score.readings[field_name] = found
            continue
        if found is None:
            score.missing.append(field_name)
        elif found == expected:
            score.correct.append(field_name)
            if field_name in named:
                score.flagged_right.append(field_name)
        else:
            score.wrong.append(field_name)
            score.readings[field_name] = found
            if not extraction.needs_review:
                score.unflagged_wrong.append(field_name)
                if field_name in ID_FIELDS:
                    score.unflagged_wrong_ids.append(field_name)
    return score


def summarize(scores: list[DocumentScore]) -> AccuracySummary:
    total: Counter[str] = Counter()
    correct: Counter[str] = Counter()
    unflagged: Counter[str] = Counter(name for s in scores for name in s.unflagged_wrong)
    flagged: Counter[str] = Counter(name for s in scores for name in s.flagged_right)
    for s in scores:
        for name in s.correct:
            total[name] += 1
            correct[name] += 1
        for name in (*s.wrong, *s.missing):
            total[name] += 1
    type_total: Counter[str] = Counter()
    type_correct: Counter[str] = Counter()
    confusion: dict[str, dict[str, int]] = {}
    for s in scores:
        type_total[s.doc_type_truth] += len(s.correct) + len(s.wrong) + len(s.missing)
        type_correct[s.doc_type_truth] += len(s.correct)
        row = confusion.setdefault(s.doc_type_truth, {})
        row[s.doc_type_found] = row.get(s.doc_type_found, 0) + 1
    return AccuracySummary(
        per_type_total=dict(type_total),
        per_type_correct=dict(type_correct),
        confusion=confusion,
        handwritten_right=sum(len(s.handwritten_right) for s in scores),
        handwritten_flagged=sum(len(s.handwritten_flagged) for s in scores),
        handwritten_unflagged=sum(len(s.handwritten_unflagged) for s in scores),
        documents=len(scores),
        doc_type_correct=sum(s.doc_type_truth == s.doc_type_found for s in scores),
        fields_total=sum(total.values()),
        fields_correct=sum(correct.values()),
        needs_review=sum(s.needs_review for s in scores),
        unflagged_wrong_ids=sum(len(s.unflagged_wrong_ids) for s in scores),
        per_field_total=dict(total),
        per_field_correct=dict(correct),
        per_field_unflagged_wrong=dict(unflagged),
        per_field_flagged_right=dict(flagged),
    )
