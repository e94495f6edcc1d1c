"""The review decision across types, the type registry and the extract() entry point."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import RULES_VERSION, extract, registry
from pipeline.extract.classify import classify
from pipeline.extract.decision import describe
from pipeline.extract.spec import DocRules, FieldSpec, Kind
from schemas.fields import DocType
from schemas.ocr import OcrDocument, PageStatus, PageText
from schemas.settings import ReviewSettings
from tests import (
    test_extract_birth_certificate as birth,
)
from tests import (
    test_extract_death_certificate as death,
)
from tests import (
    test_extract_id_card as card,
)
from tests import (
    test_extract_marital_status_certificate as marital,
)
from tests.extract_helpers import make_doc, make_page

TODAY = date(2025, 6, 1)
REVIEW = ReviewSettings()

ID_TEXTS = {
    "id_card": (card.CARD_2021, "001095012345"),
    "birth": (birth.CLEAN, "001224012345"),
    "death": (death.CLEAN, "001140001234"),
    "marital": (marital.CLEAN, "001192007890"),
}

WRONG_IDS = {
    "province": lambda n: "099" + n[3:],
    "century/sex digit": lambda n: n[:3] + str((int(n[3]) + 1) % 10) + n[4:],
    "birth-year digits": lambda n: n[:4] + str((int(n[4:6]) + 1) % 100).zfill(2) + n[6:],
    "too short": lambda n: n[:-1],
    "too long": lambda n: n + "7",
    "unrepairable letter": lambda n: n[:6] + "X" + n[7:],
    "repair that does not validate": lambda n: "O99" + n[3:],
}


@pytest.mark.parametrize("doc", ID_TEXTS, ids=ID_TEXTS.keys())
@pytest.mark.parametrize("wrong", WRONG_IDS, ids=WRONG_IDS.keys())
def test_a_wrong_id_number_always_goes_to_review(doc: str, wrong: str) -> None:
    text, number = ID_TEXTS[doc]
    ex = extract(make_doc(text.replace(number, WRONG_IDS[wrong](number))), REVIEW, today=TODAY)
    assert ex.needs_review
    assert any(r.startswith("id_number:") for r in ex.review_reasons), ex.review_reasons
    assert not ex.fields["id_number"].valid


@pytest.mark.parametrize("doc", ID_TEXTS, ids=ID_TEXTS.keys())
def test_the_right_id_number_passes(doc: str) -> None:
    text, number = ID_TEXTS[doc]
    ex = extract(make_doc(text), REVIEW, today=TODAY)
    assert ex.fields["id_number"].value == number
    assert not ex.needs_review


def test_two_different_id_numbers_on_one_card_conflict() -> None:
    text = card.CARD_2021 + "\nSố định danh cá nhân: 001095012346"
    ex = extract(make_doc(text), REVIEW, today=TODAY)
    assert ex.fields["id_number"].value == "001095012345"
    assert "id_number.conflict" in ex.fields["id_number"].issues
    assert "id_number:id_number.conflict" in ex.review_reasons


def test_unrecognised_document_goes_to_review() -> None:
    ex = extract(make_doc("ĐƠN ĐỀ NGHỊ\nKính gửi: Ủy ban nhân dân xã"), REVIEW, today=TODAY)
    assert ex.doc_type is DocType.OTHER
    assert ex.fields == {}
    assert ex.needs_review
    assert ex.review_reasons == ["doc_type:unrecognized"]


def test_other_given_by_the_caller_is_trusted() -> None:
    ex = extract(make_doc("ĐƠN ĐỀ NGHỊ"), REVIEW, DocType.OTHER, today=TODAY)
    assert (ex.doc_type, ex.doc_type_confidence, ex.needs_review) == (DocType.OTHER, 1.0, False)


def test_given_doc_type_is_used_and_trusted() -> None:
    text = card.CARD_2021.replace("CĂN CƯỚC CÔNG DÂN\nCitizen Identity Card\n", "")
    ex = extract(make_doc(text), REVIEW, DocType.ID_CARD, today=TODAY)
    assert ex.doc_type_confidence == 1.0
    assert ex.fields["id_number"].value == "001095012345"


def test_weak_evidence_is_other_with_no_personal_fields() -> None:
    """Labels without the form's title: the classifier abstains, and ``other`` reads nothing."""
    text = """Họ, chữ đệm, tên: PHẠM THỊ LAN
Ngày, tháng, năm sinh: 15/11/1992
Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai"""
    ex = extract(make_doc(text), REVIEW, today=TODAY)
    assert ex.doc_type is DocType.OTHER
    assert ex.review_reasons == ["doc_type:unrecognized"]
    assert ex.fields == {}


def test_empty_and_failed_pages() -> None:
    assert extract(OcrDocument(), REVIEW, today=TODAY).review_reasons == ["doc_type:unrecognized"]
    failed = PageText(page_number=1, status=PageStatus.FAILED, error_code="ocr.timeout")
    doc = OcrDocument(pages=[failed, make_page(card.CARD_2021, page_number=2)])
    ex = extract(doc, REVIEW, today=TODAY)
    assert ex.doc_type is DocType.ID_CARD
    assert ex.fields["id_number"].page == 2
    assert not ex.needs_review


def test_rules_version_is_recorded() -> None:
    assert RULES_VERSION
    assert extract(make_doc(card.CARD_2021), REVIEW, today=TODAY).rules_version == RULES_VERSION


def test_every_type_is_registered() -> None:
    types = {r.doc_type for r in registry.all_rules()}
    assert types == set(DocType) - {DocType.OTHER}
    assert registry.rules_for(DocType.OTHER) is None
    for rules in registry.all_rules():
        assert rules.titles or rules.reader, rules.doc_type  # by title, or by layout
        assert rules.required, rules.doc_type
        names = [f.name for f in rules.fields]
        assert len(names) == len(set(names)), rules.doc_type


def test_a_new_type_is_one_rules_object(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = DocRules(
        doc_type=DocType.OTHER,
        fields=(FieldSpec("receipt_code", Kind.TEXT, ("Mã hồ sơ",), required=True),),
        titles=("Giấy tiếp nhận hồ sơ và hẹn trả kết quả",),
        phrases=("Mã hồ sơ", "Ngày hẹn trả kết quả"),
    )
    monkeypatch.setitem(registry._RULES, DocType.OTHER, rules)
    doc = make_doc(
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ\nMã hồ sơ: 000.00.20.H12-240315-0007\n"
        "Ngày hẹn trả kết quả: 20/03/2024"
    )
    assert classify(doc) == (DocType.OTHER, 1.0)
    ex = extract(doc, REVIEW, today=TODAY)
    assert ex.fields["receipt_code"].value == "000.00.20.H12-240315-0007"
    assert not ex.needs_review


@pytest.mark.parametrize(
    ("reason", "text"),
    [
        ("full_name:missing", "Họ, chữ đệm, tên: thiếu thông tin bắt buộc"),
        (
            "id_number:id_number.birth_year_mismatch",
            "Số định danh cá nhân: hai số năm sinh không khớp ngày sinh",
        ),
        (
            "date_of_birth:date.not_before:registration_date",
            "Ngày sinh: ngày muộn hơn ngày phải sau nó (Ngày đăng ký)",
        ),
        ("doc_type:low_confidence", "Loại giấy tờ: chữ nhận dạng không rõ, cần kiểm tra"),
        ("custom_field:something.new", "custom_field: something.new"),
    ],
)
def test_describe_in_vietnamese(reason: str, text: str) -> None:
    assert describe(reason) == text


def test_a_name_read_with_a_doubtful_mark_goes_to_review_with_a_vietnamese_reason() -> None:
    """NGUYỄN read as NGUYÊN at high confidence: valid letters, wrong surname."""
    misread = birth.CLEAN.replace("NGUYỄN VĂN AN", "NGUYÊN VĂN AN")
    result = extract(make_doc(misread), REVIEW, today=TODAY)
    assert result.value("full_name") == "NGUYÊN VĂN AN"
    assert result.needs_review and "full_name:name_uncertain" in result.review_reasons
    assert "dấu" in describe("full_name:name_uncertain")
    clean = extract(make_doc(birth.CLEAN), REVIEW, today=TODAY)
    assert not any(r.endswith("name_uncertain") for r in clean.review_reasons)


def test_a_place_read_with_a_wrong_mark_goes_to_review_with_a_vietnamese_reason() -> None:
    """Yên Phu: the letters of a commune the country spells two ways (Yên Phú, Yên Phụ), read
    with neither's marks, so the gazetteer cannot settle it."""
    misread = card.CARD_2021.replace("Xã Tân Lập", "Xã Yên Phu")
    result = extract(make_doc(misread), REVIEW, today=TODAY)
    assert result.value("place_of_origin") == "Xã Yên Phu, Đan Phượng, Hà Nội"
    assert result.needs_review and "place_of_origin:place_uncertain" in result.review_reasons
    assert "địa danh" in describe("place_of_origin:place_uncertain")
    clean = extract(make_doc(card.CARD_2021), REVIEW, today=TODAY)
    assert not any(r.endswith("place_uncertain") for r in clean.review_reasons)


def test_a_place_whose_letters_the_country_spells_one_way_gets_its_marks_back() -> None:
    """Tân Lập read as Tân Lâp: every unit with these letters is spelled Tân Lập."""
    misread = card.CARD_2021.replace("Xã Tân Lập", "Xã Tân Lâp")
    result = extract(make_doc(misread), REVIEW, today=TODAY)
    assert result.value("place_of_origin") == "Xã Tân Lập, Đan Phượng, Hà Nội"
    assert not any(r.endswith("place_uncertain") for r in result.review_reasons)


def test_an_optional_field_read_at_low_confidence_goes_to_review() -> None:
    """The registration number is not required, but one read at 0.03 is a guess."""
    from tests import test_extract_marriage_certificate as marriage

    result = extract(make_doc(marriage.CLEAN, word_conf={"45/2023": 0.03}), REVIEW, today=TODAY)
    assert result.value("registration_number") == "45/2023"
    assert "registration_number:low_confidence" in result.review_reasons
    assert result.needs_review


def test_a_page_whose_letters_were_enlarged_goes_to_review() -> None:
    """A 70-dpi phone photo: marks and digits read there are guesses as often as readings."""
    from schemas.documents import StageRecord

    doc = make_doc(card.CARD_2021)
    clean = extract(doc, REVIEW, today=TODAY)
    assert not clean.needs_review
    enlarged = StageRecord(stage="upscale", detail={"text_height": 8.0, "factor": 3.0})
    page = doc.pages[0].model_copy(update={"stages": [enlarged]})
    photo = extract(doc.model_copy(update={"pages": [page]}), REVIEW, today=TODAY)
    assert photo.review_reasons == ["scan:low_resolution"]
    assert photo.fields == clean.fields
