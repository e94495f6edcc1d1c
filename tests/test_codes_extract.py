"""The card's QR code overrides OCR: exact fields, cross-checked, disagreements recorded."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.extract import extract
from schemas.fields import DocType, Extraction
from schemas.ocr import DecodedCode, OcrDocument
from schemas.settings import ReviewSettings, Settings
from sohoa.samples import write_sample
from tests.codes_helpers import card
from tests.extract_helpers import make_doc

TODAY = date(2025, 6, 1)
REVIEW = ReviewSettings(min_field_confidence=0.7)
QR = (
    "001095012345|123456789|Nguyễn Văn An|12031995|Nam"
    "|Số 12 ngõ 34, Dịch Vọng, Cầu Giấy, Hà Nội|15042021"
)

CARD_TEXT = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
CĂN CƯỚC CÔNG DÂN
Citizen Identity Card
Số / No.: 001095012345
Họ và tên / Full name:
{name}
Ngày sinh / Date of birth: 12/03/1995
Giới tính / Sex: Nam        Quốc tịch / Nationality: Việt Nam
Nơi thường trú / Place of residence:
Số 12 ngõ 34, Dịch Vọng,
Cầu Giấy, Hà Nội
Có giá trị đến / Date of expiry: 12/03/2035"""


def with_codes(ocr: OcrDocument, *texts: str) -> OcrDocument:
    ocr.pages[0].codes = [DecodedCode(text=t) for t in texts]
    return ocr


def run(text: str, *codes: str, doc_type: DocType | None = None) -> Extraction:
    return extract(with_codes(make_doc(text), *codes), REVIEW, doc_type, today=TODAY)


def test_qr_values_win_and_agreeing_ocr_is_recorded() -> None:
    ex = run(CARD_TEXT.format(name="NGUYỄN VĂN AN"), QR)
    assert ex.doc_type is DocType.ID_CARD and not ex.needs_review
    for name in ("id_number", "full_name", "date_of_birth", "sex", "place_of_residence"):
        field = ex.fields[name]
        assert (field.rule, field.confidence, field.page, field.issues) == ("qr", 1.0, 1, [])
    assert ex.fields["issue_date"].value == "2021-04-15"  # only the QR code has it
    assert ex.fields["expiry_date"].rule != "qr"  # not in the QR code: OCR's value stays
    checks = {c.field: c for c in ex.cross_checks}
    assert all(checks[n].agrees for n in ("id_number", "full_name", "sex", "place_of_residence"))
    assert checks["issue_date"].observed is None and not checks["issue_date"].agrees


def test_print_that_disagrees_with_the_qr_goes_to_review() -> None:
    """A card whose print names another person than its chip's code: a forgery signal (or a
    misread), which a person must see, for the ID number, the name and the birth date."""
    ex = run(CARD_TEXT.format(name="NGUYỄN VẤN AN"), QR)
    name = ex.fields["full_name"]
    assert name.value == "NGUYỄN VĂN AN"
    assert name.issues == ["qr.ocr_mismatch:NGUYỄN VẤN AN"]
    assert ex.needs_review and ex.review_reasons == ["full_name:qr_mismatch"]
    other = CARD_TEXT.format(name="NGUYỄN VĂN AN").replace("001095012345", "001095012346")
    assert run(other, QR).review_reasons == ["id_number:qr_mismatch"]
    born = CARD_TEXT.format(name="NGUYỄN VĂN AN").replace("12/03/1995", "13/03/1995")
    assert run(born, QR).review_reasons == ["date_of_birth:qr_mismatch"]
    check = next(c for c in ex.cross_checks if c.field == "full_name")
    assert (check.source, check.expected, check.observed, check.agrees) == (
        "qr",
        "NGUYỄN VĂN AN",
        "NGUYỄN VẤN AN",
        False,
    )


def test_misread_id_number_no_longer_goes_to_review() -> None:
    ocr_text = CARD_TEXT.format(name="NGUYỄN VĂN AN").replace("001095012345", "0010950I2345")
    without = run(ocr_text)
    assert without.needs_review
    ex = run(ocr_text, QR)
    assert ex.fields["id_number"].value == "001095012345" and not ex.needs_review


def test_invalid_qr_is_not_used_and_flagged() -> None:
    forged = QR.replace("|Nam|", "|Nữ|")  # the ID number's sex digit says male
    ex = run(CARD_TEXT.format(name="NGUYỄN VĂN AN"), forged)
    assert ex.fields["full_name"].rule != "qr"
    assert ex.cross_checks == []
    assert "qr:invalid" in ex.review_reasons and ex.needs_review


def test_card_qr_classifies_an_unreadable_page() -> None:
    ex = run("@@ ~~ ..\n##  ,,", QR)
    assert ex.doc_type is DocType.ID_CARD and ex.doc_type_confidence >= 0.9
    assert ex.fields["id_number"].value == "001095012345"
    assert not ex.needs_review, ex.review_reasons


def test_other_document_types_ignore_a_card_qr() -> None:
    ex = run(CARD_TEXT.format(name="NGUYỄN VĂN AN"), QR, doc_type=DocType.BIRTH_CERTIFICATE)
    assert all(f.rule != "qr" for f in ex.fields.values()) and ex.cross_checks == []


def test_non_card_codes_change_nothing() -> None:
    text = CARD_TEXT.format(name="NGUYỄN VĂN AN")
    plain = run(text)
    coded = run(text, "MOTCUA|000.00.20.H12-240315-0007|1.0||TP", "https://example.vn")
    assert coded.fields == plain.fields and coded.cross_checks == []


@pytest.mark.ocr
def test_generated_card_end_to_end(tmp_path: Path) -> None:
    """A real scan through the runner: the QR code is read before OCR and wins."""
    from pipeline.runner import run_document

    doc, image = card(21)
    path = write_sample(doc, image, tmp_path, "card", "png")
    out = run_document(path, tmp_path / "work", Settings.rooted_at(tmp_path / "data"))
    ex = out.result.extraction
    assert [c.text for c in out.result.ocr.pages[0].codes] == [doc.qr]
    assert ex.doc_type is DocType.ID_CARD
    for name in ("id_number", "full_name", "date_of_birth", "sex"):
        assert ex.fields[name].value == doc.fields[name]
        assert ex.fields[name].rule == "qr"
    assert {c.field for c in ex.cross_checks} >= {"id_number", "full_name", "date_of_birth"}
    assert next(c for c in ex.cross_checks if c.field == "id_number").agrees


def test_the_json_output_shows_both_readings_with_id_numbers_masked() -> None:
    from schemas.documents import MediaType, SourceFile
    from schemas.records import DocumentResult
    from sohoa.presenters import extraction_json

    text = CARD_TEXT.format(name="NGUYỄN VĂN BÌNH").replace("001095012345", "001095012346")
    ocr = with_codes(make_doc(text), QR)
    source = SourceFile(
        sha256="a" * 64, filename="the.jpg", size_bytes=1, media_type=MediaType.JPEG, page_count=1
    )
    result = DocumentResult(source=source, ocr=ocr, extraction=extract(ocr, REVIEW, today=TODAY))
    shown = extraction_json(result)
    checks = {c["field"]: c for c in shown["cross_checks"]}
    assert checks["id_number"] == {
        "field": "id_number",
        "source": "qr",
        "code": "*********345",
        "printed": "*********346",
        "agrees": False,
    }
    assert (checks["full_name"]["code"], checks["full_name"]["printed"]) == (
        "NGUYỄN VĂN AN",
        "NGUYỄN VĂN BÌNH",
    )
    assert "001095012346" not in str(shown["cross_checks"])
    assert {"id_number:qr_mismatch", "full_name:qr_mismatch"} <= set(shown["review_reasons"])


@pytest.mark.parametrize(
    "payload",
    [
        "001095012345|123456789|Nguyễn Văn An|12031995|Nam",  # 5 fields instead of 7
        QR.replace("12031995", "31021984"),  # 31 February
    ],
)
def test_a_card_shaped_payload_that_cannot_be_read_leaves_a_reason(payload: str) -> None:
    ex = run(CARD_TEXT.format(name="NGUYỄN VĂN AN"), payload)
    assert "qr:invalid" in ex.review_reasons and ex.needs_review
    assert all(f.rule != "qr" for f in ex.fields.values())
