"""Comparing a re-run's extraction with the stored one: outcome and promotion under each policy."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.compare import compare, mean_field_confidence, summarize, summarize_stored
from pipeline.extract import extract
from schemas.fields import DocType
from schemas.reocr import ExtractionSummary, ItemOutcome, PolicyKind, ReocrPolicy
from schemas.settings import ReviewSettings
from tests.extract_helpers import make_doc
from tests.reocr_fakes import CARD, NAMELESS_CARD, WEAK_CARD

TODAY = date(2025, 6, 1)
NOT_WORSE = ReocrPolicy()


def card(text: str = CARD, conf: float = 0.95) -> ExtractionSummary:
    return summarize(extract(make_doc(text, conf=conf), ReviewSettings(), today=TODAY))


def summary(**kw: object) -> ExtractionSummary:
    base: dict[str, object] = {"doc_type": DocType.ID_CARD, "mean_confidence": 0.8}
    return ExtractionSummary(**(base | kw))


def test_summary_of_a_real_extraction() -> None:
    weak = card(WEAK_CARD, 0.6)
    assert weak.doc_type is DocType.ID_CARD
    assert weak.invalid_fields == ["date_of_birth"]
    assert weak.missing_required == []
    assert weak.needs_review
    assert card(NAMELESS_CARD).missing_required == ["full_name"]
    extraction = extract(make_doc(CARD, conf=0.95), ReviewSettings(), today=TODAY)
    assert mean_field_confidence(extraction) == card().mean_confidence == 0.95


def test_fewer_invalid_fields_and_cleared_review_is_improved_and_promoted() -> None:
    result = compare(card(WEAK_CARD, 0.6), card(), NOT_WORSE)
    assert result.outcome is ItemOutcome.IMPROVED and result.promote
    assert "invalid_fields:1->0" in result.reasons
    assert "review_cleared" in result.reasons
    assert result.changed_fields == ["date_of_birth"]


def test_losing_a_required_field_is_worse_even_with_fewer_invalid_fields() -> None:
    result = compare(card(WEAK_CARD, 0.6), card(NAMELESS_CARD), NOT_WORSE)
    assert result.outcome is ItemOutcome.WORSE and not result.promote
    assert "required_lost:full_name" in result.reasons
    assert "full_name" in result.changed_fields


def test_same_reading_is_unchanged_and_promoted_under_not_worse() -> None:
    result = compare(card(), card(), NOT_WORSE)
    assert result.outcome is ItemOutcome.UNCHANGED and result.promote
    assert result.reasons == [] and result.changed_fields == []


@pytest.mark.parametrize(
    ("old_conf", "new_conf", "outcome"),
    [
        (0.80, 0.805, ItemOutcome.UNCHANGED),  # within epsilon: jitter
        (0.80, 0.795, ItemOutcome.UNCHANGED),
        (0.80, 0.85, ItemOutcome.IMPROVED),
        (0.80, 0.75, ItemOutcome.WORSE),
    ],
)
def test_confidence_counts_only_beyond_epsilon(
    old_conf: float, new_conf: float, outcome: ItemOutcome
) -> None:
    result = compare(
        summary(mean_confidence=old_conf), summary(mean_confidence=new_conf), NOT_WORSE
    )
    assert result.outcome is outcome


def test_more_invalid_fields_is_worse_even_with_higher_confidence() -> None:
    old = summary(invalid_fields=["sex"], mean_confidence=0.6)
    new = summary(invalid_fields=["sex", "date_of_birth"], mean_confidence=0.9)
    result = compare(old, new, NOT_WORSE)
    assert result.outcome is ItemOutcome.WORSE
    assert result.reasons == ["invalid_fields:1->2"]


def test_fewer_invalid_fields_outweigh_lower_confidence() -> None:
    old = summary(invalid_fields=["sex", "date_of_birth"], mean_confidence=0.9)
    new = summary(invalid_fields=["sex"], mean_confidence=0.7)
    assert compare(old, new, NOT_WORSE).outcome is ItemOutcome.IMPROVED


def test_a_trusted_result_sent_back_to_review_is_worse() -> None:
    old = summary(needs_review=False)
    new = summary(needs_review=True, mean_confidence=0.9)
    assert compare(old, new, NOT_WORSE).reasons == ["review_needed"]
    lenient = ReocrPolicy(review_regression_is_worse=False)
    assert compare(old, new, lenient).outcome is ItemOutcome.IMPROVED


def test_losing_the_document_type_is_worse() -> None:
    old = summary(invalid_fields=["sex"])
    new = summary(doc_type=DocType.OTHER, mean_confidence=0.0)
    result = compare(old, new, NOT_WORSE)
    assert result.outcome is ItemOutcome.WORSE
    assert "doc_type_lost:id_card" in result.reasons
    assert result.changed_fields[0] == "doc_type"


def test_a_new_document_type_counts_only_when_it_clears_review() -> None:
    old = summary(doc_type=DocType.BIRTH_CERTIFICATE, needs_review=True)
    fixed = summary(needs_review=False)
    assert compare(old, fixed, NOT_WORSE).outcome is ItemOutcome.IMPROVED
    doubtful = summary(needs_review=True)
    assert compare(old, doubtful, NOT_WORSE).outcome is ItemOutcome.WORSE


@pytest.mark.parametrize(
    ("kind", "improved", "unchanged", "worse"),
    [
        (PolicyKind.NOT_WORSE, True, True, False),
        (PolicyKind.IMPROVED_ONLY, True, False, False),
        (PolicyKind.ALWAYS, True, True, True),
        (PolicyKind.NEVER, False, False, False),
    ],
)
def test_policies_decide_promotion(
    kind: PolicyKind, improved: bool, unchanged: bool, worse: bool
) -> None:
    policy = ReocrPolicy(kind=kind)
    base = summary()
    assert compare(base, summary(mean_confidence=0.95), policy).promote is improved
    assert compare(base, summary(), policy).promote is unchanged
    assert compare(base, summary(mean_confidence=0.5), policy).promote is worse


def test_a_corrected_version_is_never_replaced() -> None:
    old = summary(corrected=True, needs_review=True)
    result = compare(old, summary(mean_confidence=0.99), ReocrPolicy(kind=PolicyKind.ALWAYS))
    assert result.outcome is ItemOutcome.IMPROVED and not result.promote
    assert result.reasons[-1] == "kept_correction"


def test_stored_row_summary_reads_invalid_fields_from_review_reasons() -> None:
    old = summarize_stored(
        "id_card",
        {"id_number": "001095012345", "date_of_birth": ""},
        needs_review=True,
        review_reasons=[
            "full_name:missing",
            "id_number:low_confidence",
            "date_of_birth:date.unparsed",
            "sex:invalid",
            "doc_type:low_confidence",
            "pages_failed:2",
        ],
        mean_confidence=0.5,
    )
    assert old.invalid_fields == ["date_of_birth", "sex"]
    assert "full_name" in old.missing_required and "id_number" not in old.missing_required
    assert (
        summarize_stored(
            "retired_type", {}, needs_review=True, review_reasons=[], mean_confidence=0
        ).doc_type
        is DocType.OTHER
    )


def test_field_values_stay_out_of_the_recorded_comparison() -> None:
    dumped = compare(card(WEAK_CARD, 0.6), card(), NOT_WORSE).model_dump(mode="json")
    assert "values" not in dumped["old"] and "values" not in dumped["new"]
    assert "001095012345" not in str(dumped)


def test_restored_accents_beat_a_confident_accentless_reading() -> None:
    """English data reads NGUYEN confidently; Vietnamese data reads NGUYỄN less surely."""
    old = summary(values={"full_name": "NGUYEN VAN AN", "sex": "Nam"}, mean_confidence=0.95)
    new = summary(
        values={"full_name": "NGUYỄN VĂN AN", "sex": "Nam"},
        mean_confidence=0.80,
        needs_review=True,
    )
    result = compare(old, new, NOT_WORSE)
    assert result.outcome is ItemOutcome.IMPROVED and result.promote
    assert result.reasons == ["accents_restored:full_name"]
    back = compare(new, old, NOT_WORSE)
    assert back.outcome is ItemOutcome.WORSE and not back.promote
    assert "accents_lost:full_name" in back.reasons


def test_restored_accents_do_not_excuse_a_lost_field() -> None:
    old = summary(values={"full_name": "NGUYEN VAN AN"}, invalid_fields=[])
    new = summary(values={"full_name": "NGUYỄN VĂN AN"}, invalid_fields=["date_of_birth"])
    assert compare(old, new, NOT_WORSE).reasons == ["invalid_fields:0->1"]
    other = summary(values={"full_name": "NGUYỄN VĂN ÂN"})  # different letters: not a restore
    assert compare(summary(values={"full_name": "NGUYỄN VĂN AN"}), other, NOT_WORSE).reasons == []
