"""Document classification from titles, key phrases and where the title sits."""

from __future__ import annotations

import pytest

from pipeline.classify import classify, scores
from schemas.fields import DocType
from tests.extract_helpers import make_doc

HEADER = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"


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
def test_title_at_top_is_enough(title: str, doc_type: DocType) -> None:
    assert classify(make_doc(HEADER + title)) == (doc_type, 1.0)


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
    found, confidence = classify(make_doc(HEADER + title))
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


def test_key_phrases_without_title() -> None:
    text = """Họ, chữ đệm, tên người chồng: LÊ VĂN HÙNG
Họ, chữ đệm, tên vợ: PHẠM THỊ LAN
Nơi đăng ký kết hôn: Ủy ban nhân dân xã Tân Lập"""
    doc_type, confidence = classify(make_doc(text))
    assert doc_type is DocType.MARRIAGE_CERTIFICATE
    assert 0.5 <= confidence < 1.0


def test_single_phrase_gives_low_confidence() -> None:
    doc_type, confidence = classify(make_doc("Nơi sinh: Hà Nội"))
    assert doc_type is DocType.BIRTH_CERTIFICATE
    assert confidence < 0.5


def test_competing_evidence_lowers_confidence() -> None:
    text = "GIẤY KHAI SINH\nTRÍCH LỤC KHAI TỬ"
    _, confidence = classify(make_doc(text))
    assert confidence <= 0.5


def test_bilingual_card_labels_without_title() -> None:
    text = """Date of birth: 12/03/1995
Place of origin: Hà Nội
Place of residence: Hà Nội
Date of expiry: 12/03/2035
Nationality: Việt Nam"""
    assert classify(make_doc(text)) == (DocType.ID_CARD, 1.0)


def test_title_on_second_page() -> None:
    doc = make_doc("dòng trống", HEADER + "GIẤY KHAI SINH")
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
