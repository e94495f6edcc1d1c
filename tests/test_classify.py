"""Document classification: a civil or component type only with its title and its phrases,
an administrative document by its Decree 30 layout, otherwise ``other``."""

from __future__ import annotations

import pytest

from pipeline.extract.classify import classify, scores
from pipeline.extract.registry import rules_for
from schemas.fields import DocType
from tests.extract_helpers import make_doc

HEADER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"


def _phrases(doc_type: DocType) -> str:
    """Two of the type's own phrases as label lines, the evidence a title needs beside it."""
    rules = rules_for(doc_type)
    assert rules is not None
    return "\n" + "\n".join(f"{p}: ..." for p in rules.phrases[:2])


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("CĂN CƯỚC CÔNG DÂN", DocType.ID_CARD),
        ("CĂN CƯỚC", DocType.ID_CARD),
        ("GIẤY CHỨNG MINH NHÂN DÂN", DocType.ID_CARD),
        ("GIẤY KHAI SINH", DocType.BIRTH_CERTIFICATE),
        ("TRÍCH LỤC KHAI SINH", DocType.BIRTH_CERTIFICATE),
        ("GIẤY CHỨNG NHẬN KẾT HÔN", DocType.MARRIAGE_CERTIFICATE),
        ("TRÍCH LỤC KHAI TỬ", DocType.DEATH_CERTIFICATE),
        ("GIẤY CHỨNG TỬ", DocType.DEATH_CERTIFICATE),
        ("GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN", DocType.MARITAL_STATUS_CERTIFICATE),
    ],
)
def test_title_at_top_with_its_phrases(title: str, doc_type: DocType) -> None:
    assert classify(make_doc(HEADER + title + _phrases(doc_type))) == (doc_type, 1.0)


def test_a_title_alone_is_not_enough() -> None:
    """A letter may print "GIẤY KHAI SINH" on a line of its own (a list of papers to bring)."""
    assert classify(make_doc(HEADER + "GIẤY KHAI SINH")) == (DocType.OTHER, 0.0)


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("GIAY KHAI SINH", DocType.BIRTH_CERTIFICATE),
        ("GIÂY KHAl SINH", DocType.BIRTH_CERTIFICATE),
        ("GIẤY CHỬNG NHẬN KÊT HÔN", DocType.MARRIAGE_CERTIFICATE),
        ("TRICH LUC KHAI TU", DocType.DEATH_CERTIFICATE),
        ("GIAY XAC NHAN TINH TRANG HON NHAN", DocType.MARITAL_STATUS_CERTIFICATE),
        ("CAN CUOC CONG DAN", DocType.ID_CARD),
        ("Citizen ldentity Card", DocType.ID_CARD),
    ],
)
def test_titles_with_ocr_errors(title: str, doc_type: DocType) -> None:
    found, confidence = classify(make_doc(HEADER + title + _phrases(doc_type)))
    assert found is doc_type
    assert confidence == 1.0


def test_near_miss_titles_are_told_apart() -> None:
    """Khai sinh vs khai tử share three of four words."""
    birth = scores(make_doc("TRÍCH LỤC KHAI SINH"))
    death = scores(make_doc("TRÍCH LỤC KHAI TỬ"))
    assert set(birth) == {DocType.BIRTH_CERTIFICATE}
    assert set(death) == {DocType.DEATH_CERTIFICATE}


def test_other_certificates_are_not_death_certificates() -> None:
    ex = make_doc(HEADER + "GIẤY CHỨNG NHẬN QUYỀN SỬ DỤNG ĐẤT\nThửa đất số: 125")
    assert classify(ex) == (DocType.OTHER, 0.0)


def test_nothing_scores_is_other() -> None:
    assert classify(make_doc("ĐƠN ĐỀ NGHỊ\nKính gửi: Ủy ban nhân dân xã")) == (DocType.OTHER, 0.0)
    assert classify(make_doc("")) == (DocType.OTHER, 0.0)


def test_title_near_top_weighs_more_than_in_body() -> None:
    body = "\n".join(f"dòng {i}" for i in range(30))
    top = scores(make_doc("GIẤY KHAI SINH\n" + body))
    bottom = scores(make_doc(body + "\nGIẤY KHAI SINH"))
    assert top[DocType.BIRTH_CERTIFICATE] > bottom[DocType.BIRTH_CERTIFICATE]


def test_key_phrases_without_title_abstain() -> None:
    text = """Họ, chữ đệm, tên người chồng: LÊ VĂN HÙNG
Họ, chữ đệm, tên vợ: PHẠM THỊ LAN
Nơi đăng ký kết hôn: Ủy ban nhân dân xã Tân Lập"""
    assert scores(make_doc(text))[DocType.MARRIAGE_CERTIFICATE] >= 3
    assert classify(make_doc(text)) == (DocType.OTHER, 0.0)
    titled = classify(make_doc("GIẤY CHỨNG NHẬN KẾT HÔN\n" + text))
    assert titled == (DocType.MARRIAGE_CERTIFICATE, 1.0)


def test_a_title_with_one_phrase_abstains() -> None:
    assert classify(make_doc(HEADER + "GIẤY KHAI SINH\nNơi sinh: Hà Nội"))[0] is DocType.OTHER


def test_competing_evidence_lowers_confidence() -> None:
    text = "GIẤY KHAI SINH" + _phrases(DocType.BIRTH_CERTIFICATE) + "\nTRÍCH LỤC KHAI TỬ"
    _, confidence = classify(make_doc(text))
    assert confidence < 0.7


def test_bilingual_card_labels_without_title_go_to_review() -> None:
    text = """Date of birth: 12/03/1995
Place of origin: Hà Nội
Place of residence: Hà Nội
Date of expiry: 12/03/2035
Nationality: Việt Nam"""
    doc_type, confidence = classify(make_doc(text))  # five of its phrases, no title
    assert doc_type is DocType.ID_CARD and confidence < 0.5  # typed, but a person checks
    assert classify(make_doc("\n".join(text.splitlines()[:3]))) == (DocType.OTHER, 0.0)
    assert classify(make_doc("Citizen Identity Card\n" + text)) == (DocType.ID_CARD, 1.0)


def test_two_titles_of_a_type_count_as_a_phrase() -> None:
    """A 72-dpi photo of a 2024 card: CĂN CƯỚC / IDENTITY CARD and one label survived."""
    text = "CĂN CƯỚC\nIDENTITY CARD\nGiới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam"
    assert classify(make_doc(text))[0] is DocType.ID_CARD
    assert classify(make_doc("CĂN CƯỚC\nQuốc tịch / Nationality: Việt Nam"))[0] is DocType.OTHER


def test_title_on_second_page() -> None:
    doc = make_doc("dòng trống", HEADER + "GIẤY KHAI SINH" + _phrases(DocType.BIRTH_CERTIFICATE))
    assert classify(doc)[0] is DocType.BIRTH_CERTIFICATE


def test_title_quoted_in_a_sentence_is_only_a_phrase() -> None:
    """A marriage certificate naming the spouses' ID cards is still a marriage certificate."""
    text = """GIẤY CHỨNG NHẬN KÊT HÔM
Giấy tờ tùy thân: Căn cước công dân số 001090004567
Giấy tờ tùy thân: Căn cước công dân số 001192007890
Họ, chữ đệm, tên chồng: LÊ VĂN HÙNG
Họ, chữ đệm, tên vợ: PHẠM THỊ LAN"""
    assert scores(make_doc(text))[DocType.ID_CARD] == 1.0  # one phrase, not a title
    assert classify(make_doc(text))[0] is DocType.MARRIAGE_CERTIFICATE


LETTER = """UBND THÀNH PHỐ ĐÀ NẴNG
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 1906/SGDĐT-CTrTT
V/v hồ sơ nhập học của học sinh
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Đà Nẵng, ngày 26 tháng 7 năm 2020
Kính gửi: Các trường trung học phổ thông
Hồ sơ gồm:
GIẤY KHAI SINH
Ngày, tháng, năm sinh: ghi theo giấy khai sinh
Nơi sinh: ghi theo giấy khai sinh
Nơi nhận:
- Như trên;
KT. GIÁM ĐỐC"""


def test_a_letter_listing_civil_papers_is_an_administrative_document() -> None:
    """A letter that lists "GIẤY KHAI SINH" on a line of its own and quotes one of its phrases
    has too little of a birth certificate, and the Decree 30 layout of a letter."""
    assert scores(make_doc(LETTER))[DocType.BIRTH_CERTIFICATE] >= 4
    doc_type, confidence = classify(make_doc(LETTER))
    assert doc_type is DocType.ADMINISTRATIVE_DOCUMENT
    assert confidence >= 0.8


def test_a_motto_and_a_place_date_line_alone_are_other() -> None:
    text = HEADER + "Hà Nội, ngày 2 tháng 3 năm 2024\nĐƠN ĐỀ NGHỊ\nKính gửi: Ủy ban nhân dân xã"
    assert classify(make_doc(text)) == (DocType.OTHER, 0.0)
