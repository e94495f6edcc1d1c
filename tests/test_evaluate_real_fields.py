"""Scoring real administrative documents against their truth.json entries."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.evaluate.real_fields import find_real_field_samples, score_real_fields
from schemas.fields import DocType, ExtractedField, Extraction

TRUTH: dict[str, object] = {
    "document_number": "1595/SGDĐT-CTrTT",
    "issuing_body": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
    "document_kind": "Công văn",
    "issue_date": "2019-05-31",
    "signer_name": "TS. Trần Nguyễn Minh Thành",
    "handwritten": ["document_number", "issue_date"],
}


def _extraction(values: dict[str, str], reasons: list[str], doc_type: DocType) -> Extraction:
    fields = {k: ExtractedField(name=k, value=v, confidence=0.9) for k, v in values.items()}
    return Extraction(doc_type=doc_type, fields=fields, review_reasons=reasons)


def test_printed_items_handwriting_and_types_are_scored() -> None:
    read = {
        "document_number": "435/SGDĐT-CTrTT",  # digits misread, symbol right
        "issuing_body": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "document_kind": "Công văn",
        "issue_date": "2019-05-02",
        "signer_name": "Trần Nguyễn Minh Thành",  # the degree is dropped on both sides
    }
    score = score_real_fields(
        "a.pdf",
        TRUTH,
        _extraction(read, ["document_number:handwritten"], DocType.ADMINISTRATIVE_DOCUMENT),
    )
    assert sorted(score.printed_right) == ["document_kind", "issuing_body", "signer_name", "symbol"]
    assert score.handwritten_flagged == ["document_number"]
    assert score.handwritten_unflagged == ["issue_date"]  # wrong, and no reason names it
    assert score.type_accepted and score.personal_fields == []


def test_a_civil_type_with_personal_fields_is_caught() -> None:
    read = {"full_name": "MÃ SINH VIÊN NGÀNH", "id_number": "001090012345"}
    score = score_real_fields("b.jpg", TRUTH, _extraction(read, [], DocType.BIRTH_CERTIFICATE))
    assert not score.type_accepted
    assert score.personal_fields == ["full_name", "id_number"]
    assert score.printed_right == [] and set(score.printed_wrong) == {
        "issuing_body",
        "document_kind",
        "signer_name",
        "symbol",
    }


def test_samples_are_the_files_truth_json_names_that_exist(tmp_path: Path) -> None:
    (tmp_path / "letters").mkdir()
    (tmp_path / "letters" / "a.jpg").write_bytes(b"x")
    truth = {"letters/a.jpg": TRUTH, "letters/missing.jpg": TRUTH}
    (tmp_path / "truth.json").write_text(json.dumps(truth), encoding="utf-8")
    assert [s.name for s in find_real_field_samples(tmp_path)] == ["letters/a.jpg"]
    assert find_real_field_samples(tmp_path / "letters") == []
