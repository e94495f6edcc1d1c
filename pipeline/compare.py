"""Is a re-run's extraction better than the stored one? Pure functions, no storage.

Both versions are reduced to the same summary (invalid fields, missing required fields, mean
field confidence, review flag), then compared under a policy. A new version that would lose
what the old one had — a required field, the document type, a trusted result, the accents of a
name — is worse even when its confidence is higher: promoting it would make staff re-check work
already done. Confidence says nothing about an accent-less reading (English language data reads
``NGUYEN`` confidently), so a version that restores accents is judged without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pipeline.extract.registry import rules_for
from schemas.fields import DocType, Extraction
from schemas.reocr import Comparison, ExtractionSummary, ItemOutcome, PolicyKind, ReocrPolicy
from schemas.vietnamese import fold

# Review-reason codes that say nothing about a value being invalid.
_NOT_INVALID = frozenset({"missing", "low_confidence", "repaired", "unrecognized"})


def mean_field_confidence(extraction: Extraction) -> float:
    """Mean confidence of the extracted fields (0 when none), as stored on result rows."""
    return extraction.mean_confidence()


def _missing_required(doc_type: DocType, values: Mapping[str, str]) -> list[str]:
    rules = rules_for(doc_type)
    required = rules.required if rules is not None else ()
    return [name for name in required if not values.get(name)]


def summarize(extraction: Extraction, *, corrected: bool = False) -> ExtractionSummary:
    """The summary of a fresh (or reloaded) extraction."""
    values = {name: f.value for name, f in extraction.fields.items()}
    return ExtractionSummary(
        doc_type=extraction.doc_type,
        invalid_fields=sorted(name for name, f in extraction.fields.items() if not f.valid),
        missing_required=_missing_required(extraction.doc_type, values),
        mean_confidence=mean_field_confidence(extraction),
        needs_review=extraction.needs_review,
        review_reasons=list(extraction.review_reasons),
        corrected=corrected,
        values=values,
    )


def summarize_stored(
    doc_type: str,
    values: Mapping[str, str],
    *,
    needs_review: bool,
    review_reasons: Sequence[str],
    mean_confidence: float,
    corrected: bool = False,
) -> ExtractionSummary:
    """The summary of an index row alone, when its extraction file cannot be read.

    Invalid fields are then known only from the review reasons (required and ID fields).
    """
    try:
        kind = DocType(doc_type)
    except ValueError:  # a type a later version of the rules no longer knows
        kind = DocType.OTHER
    invalid = set()
    for reason in review_reasons:
        name, _, code = reason.partition(":")
        if name not in ("doc_type", "pages_failed") and code and code not in _NOT_INVALID:
            invalid.add(name)
    return ExtractionSummary(
        doc_type=kind,
        invalid_fields=sorted(invalid),
        missing_required=_missing_required(kind, values),
        mean_confidence=mean_confidence,
        needs_review=needs_review,
        review_reasons=list(review_reasons),
        corrected=corrected,
        values=dict(values),
    )


def changed_fields(old: ExtractionSummary, new: ExtractionSummary) -> list[str]:
    """Names of fields added, removed or read differently (values themselves are not kept)."""
    names = set(old.values) | set(new.values)
    changed = sorted(n for n in names if old.values.get(n, "") != new.values.get(n, ""))
    return (["doc_type"] if old.doc_type != new.doc_type else []) + changed


def _bare(text: str) -> bool:
    """Written without a single Vietnamese accent."""
    return fold(text) == " ".join(text.split()).lower()


def accent_changes(old: ExtractionSummary, new: ExtractionSummary) -> tuple[list[str], list[str]]:
    """Fields whose accents one reading restored (``NGUYEN`` → ``NGUYỄN``) or lost.

    English language data reads Vietnamese names without accents, with high confidence: a
    reading that puts the accents back on the same letters is better whatever its confidence.
    """
    restored, lost = [], []
    for name in sorted(set(old.values) & set(new.values)):
        before, after = old.values[name], new.values[name]
        if before == after or not before or fold(before) != fold(after):
            continue
        if _bare(before) and not _bare(after):
            restored.append(name)
        elif _bare(after) and not _bare(before):
            lost.append(name)
    return restored, lost


def _worse_reasons(
    old: ExtractionSummary,
    new: ExtractionSummary,
    policy: ReocrPolicy,
    accents: tuple[list[str], list[str]],
) -> list[str]:
    restored, lost = accents
    found = [f"accents_lost:{n}" for n in lost]
    if old.doc_type != new.doc_type:
        if new.doc_type is DocType.OTHER:
            found.append(f"doc_type_lost:{old.doc_type.value}")
        elif not (old.needs_review and not new.needs_review):
            found.append(f"doc_type_changed:{old.doc_type.value}->{new.doc_type.value}")
    else:
        found += [
            f"required_lost:{n}" for n in new.missing_required if n not in old.missing_required
        ]
    if new.invalid_count > old.invalid_count:
        found.append(f"invalid_fields:{old.invalid_count}->{new.invalid_count}")
    if restored:  # the old confidence was for a wrong (accent-less) reading: not a yardstick
        return found
    if (
        new.invalid_count == old.invalid_count
        and new.mean_confidence < old.mean_confidence - policy.confidence_epsilon
    ):
        found.append(f"confidence:{old.mean_confidence:.3f}->{new.mean_confidence:.3f}")
    if policy.review_regression_is_worse and new.needs_review and not old.needs_review:
        found.append("review_needed")
    return found


def _improved_reasons(
    old: ExtractionSummary, new: ExtractionSummary, policy: ReocrPolicy, restored: list[str]
) -> list[str]:
    found = [f"accents_restored:{n}" for n in restored]
    if new.invalid_count < old.invalid_count:
        found.append(f"invalid_fields:{old.invalid_count}->{new.invalid_count}")
    if new.mean_confidence > old.mean_confidence + policy.confidence_epsilon:
        found.append(f"confidence:{old.mean_confidence:.3f}->{new.mean_confidence:.3f}")
    if old.doc_type == new.doc_type:
        found += [
            f"required_found:{n}" for n in old.missing_required if n not in new.missing_required
        ]
    if old.needs_review and not new.needs_review:
        found.append("review_cleared")
    return found


def _promotes(outcome: ItemOutcome, kind: PolicyKind) -> bool:
    if kind is PolicyKind.ALWAYS:
        return True
    if kind is PolicyKind.IMPROVED_ONLY:
        return outcome is ItemOutcome.IMPROVED
    if kind is PolicyKind.NOT_WORSE:
        return outcome is not ItemOutcome.WORSE
    return False


def compare(old: ExtractionSummary, new: ExtractionSummary, policy: ReocrPolicy) -> Comparison:
    """Outcome (worse beats improved when both apply) and whether to make ``new`` current."""
    accents = accent_changes(old, new)
    worse = _worse_reasons(old, new, policy, accents)
    improved = [] if worse else _improved_reasons(old, new, policy, accents[0])
    if worse:
        outcome = ItemOutcome.WORSE
    elif improved:
        outcome = ItemOutcome.IMPROVED
    else:
        outcome = ItemOutcome.UNCHANGED
    promote = _promotes(outcome, policy.kind)
    reasons = worse or improved
    if promote and old.corrected:
        promote = False
        reasons = [*reasons, "kept_correction"]
    return Comparison(
        outcome=outcome,
        promote=promote,
        reasons=reasons,
        changed_fields=changed_fields(old, new),
        old=old,
        new=new,
    )
