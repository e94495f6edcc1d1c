"""Administrative documents read by their Decree 30 layout: header columns, number and symbol,
place and date, title and summary, the signer beside "Nơi nhận"; handwriting is flagged."""

from __future__ import annotations

from datetime import date

from pipeline.extract import extract
from pipeline.extract.official_words import restore_marks
from schemas.fields import DocType, Extraction
from schemas.settings import ReviewSettings
from tests.extract_helpers import make_doc

REVIEW = ReviewSettings()
TODAY = date(2026, 1, 1)
RIGHT = " " * 70  # the right column starts past the middle of the page

LETTER = f"""UBND THANH PHO ĐÁ NANG
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: 1906/SGDĐT-CTrTT
V/v khẩn trương thực hiện các biện
pháp phòng, chống dịch COVID-19
{RIGHT}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
{RIGHT}Độc lập - Tự do - Hạnh phúc
{RIGHT}Đà Nẵng, ngày 26 tháng 7 năm 2020
Kính gửi: Các trường trung học phổ thông.
Thực hiện chỉ đạo của Ủy ban nhân dân thành phố, Sở yêu cầu các đơn vị như sau.
Nơi nhận:
- Như trên;
- Lưu: VT.
{RIGHT}KT. GIÁM ĐÓC
{RIGHT}PHÓ GIÁM ĐỐC
{RIGHT}TS. Trần Nguyễn Minh Thành"""


def _read(text: str, **kw: object) -> Extraction:
    return extract(make_doc(text, **kw), REVIEW, today=TODAY)  # type: ignore[arg-type]


def test_a_letter_is_read_by_its_layout() -> None:
    ex = _read(LETTER)
    assert ex.doc_type is DocType.ADMINISTRATIVE_DOCUMENT
    values = {name: f.value for name, f in ex.fields.items()}
    assert values == {
        "document_number": "1906/SGDĐT-CTrTT",
        "parent_body": "UBND THÀNH PHỐ ĐÀ NẴNG",  # marks restored from the gazetteer
        "issuing_body": "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "issue_place": "Đà Nẵng",
        "issue_date": "2020-07-26",
        "document_kind": "Công văn",  # "V/v" and no title
        "summary": "khẩn trương thực hiện các biện pháp phòng, chống dịch COVID-19",
        "signer_title": "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC",
        "signer_name": "Trần Nguyễn Minh Thành",  # the degree dropped
    }
    assert not ex.needs_review


def test_doubtful_handwritten_number_and_day_are_flagged_never_trusted() -> None:
    text = LETTER.replace("1906/", "4 /").replace("ngày 26", "ngày 3l")
    ex = _read(text, word_conf={"4": 0.2})
    assert ex.value("document_number") == "4/SGDĐT-CTrTT"  # as read, for the person to fix
    assert "document_number:handwritten" in ex.review_reasons
    assert "issue_date:handwritten" in ex.review_reasons  # "3l": kept as read, flagged
    assert "issue_date:missing" not in ex.review_reasons  # one reason, the one that says why


def test_a_notice_takes_its_kind_from_the_title_and_the_summary_under_it() -> None:
    text = f"""BỘ CÔNG THƯƠNG
TRƯỜNG ĐẠI HỌC ĐIỆN LỰC
Số: 2164/TB-ĐHĐL
{RIGHT}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
{RIGHT}Hà Nội, ngày 04 tháng 9 năm 2025
{"THÔNG BẢO".center(104)}
{"Về việc chương trình nhập học trực tiếp và lịch học".center(104)}
{"đối với sinh viên hệ đại học chính quy khóa D20".center(104)}
Căn cứ Kế hoạch số 2033/KH-ĐHĐL ngày 21/8/2025 của Trường;
Nơi nhận:
{RIGHT}HIỆU TRƯỞNG
{RIGHT}Đinh Văn Châu{" " * 20}"""
    ex = _read(text)
    assert ex.value("document_kind") == "Thông báo"  # THÔNG BẢO: the symbol's TB breaks the tie
    assert ex.value("summary") == (
        "Về việc chương trình nhập học trực tiếp và lịch học đối với sinh viên hệ đại học "
        "chính quy khóa D20"
    )
    assert ex.value("signer_name") == "Đinh Văn Châu"
    assert ex.value("parent_body") == "BỘ CÔNG THƯƠNG"


def test_a_council_on_two_lines_is_one_body_without_parent() -> None:
    text = LETTER.replace(
        "UBND THANH PHO ĐÁ NANG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO", "ỦY BAN NHÂN DẬN\nTHÀNH PHỐ ĐÀ NẴNG"
    )
    ex = _read(text)
    assert ex.value("issuing_body") == "ỦY BAN NHÂN DÂN THÀNH PHỐ ĐÀ NẴNG"
    assert ex.value("parent_body") is None


def test_a_page_without_the_recipients_has_no_signer() -> None:
    """Page 1 of a two-page letter: the signer is on page 2, which this file lacks."""
    first_page = LETTER.split("Nơi nhận:")[0]
    ex = _read(first_page)
    assert ex.value("signer_name") is None and ex.value("signer_title") is None
    assert ex.value("document_number") == "1906/SGDĐT-CTrTT"


def test_restore_marks_only_gives_known_phrases_their_marks() -> None:
    assert restore_marks("THANH PHO ĐÁ NANG") == "THÀNH PHỐ ĐÀ NẴNG"
    assert restore_marks("TRƯƠNG PHONG CTSV") == "TRƯỞNG PHÒNG CTSV"
    assert restore_marks("thanh pho da nang") == "thanh pho da nang"  # capitals only
    assert restore_marks("Ủy ban nhân dân thành phô Đà Năng", capitals_only=False) == (
        "Ủy ban nhân dân thành phố Đà Nẵng"
    )
    assert restore_marks("XYZ ABC") == "XYZ ABC"
    # "PHONG VÂN" is a commune, but the office's words are tried first.
    assert restore_marks("PHONG VÂN HÓA VÀ THÔNG TIN") == "PHÒNG VĂN HÓA VÀ THÔNG TIN"
    # A place's D is never made Đ (the town of Đu is not Dư Hàng); an office's may be.
    assert restore_marks("PHƯỜNG DƯ HÀNG") == "PHƯỜNG DƯ HÀNG"
    assert restore_marks("SỞ GIÁO ĐỤC VÀ ĐÀO TẠO") == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    # The reading that covers most words wins: a district of two words over the office PHÒNG.
    assert restore_marks("UBND HUYỆN PHONG ĐIÊN") == "UBND HUYỆN PHONG ĐIỀN"
    assert restore_marks("UBND HUYỆN ĐAN PHƯỜNG") == "UBND HUYỆN ĐAN PHƯỢNG"
    assert restore_marks("UBND TĨNH HẢI DƯƠNG") == "UBND TỈNH HẢI DƯƠNG"
    # Letters two units share (phường Quan Hoa, huyện Quan Hóa) are kept as read, never QUẬN.
    assert restore_marks("PHƯỜNG QUAN HOA") == "PHƯỜNG QUAN HOA"


def test_an_unreadable_day_leaves_the_date_out_with_the_reason() -> None:
    ex = _read(LETTER.replace("ngày 26 tháng", "ngày.) tháng"))
    assert ex.value("issue_date") is None
    assert "issue_date:handwritten" in ex.review_reasons
    assert "issue_date:missing" not in ex.review_reasons


def test_a_number_word_read_as_s6_still_opens_the_number() -> None:
    ex = _read(LETTER.replace("Số: 1906", "S6: 1906"))
    assert ex.value("document_number") == "1906/SGDĐT-CTrTT"


def test_a_body_with_words_run_together_goes_to_review() -> None:
    ex = _read(LETTER.replace("UBND THANH PHO ĐÁ NANG", "UBND THÀNH PHỐ HỒ CHÍMINH"))
    assert ex.value("parent_body") == "UBND THÀNH PHỐ HỒ CHÍMINH"
    assert "parent_body:text.doubtful_word" in ex.review_reasons
