"""Certificates of marital status: label-less issue date, noise, review."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import extract
from schemas.fields import DocType, Extraction
from schemas.settings import ReviewSettings
from tests.extract_helpers import make_doc

TODAY = date(2025, 6, 1)

CLEAN = """ỦY BAN NHÂN DÂN
PHƯỜNG DỊCH VỌNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN
Số: 88/XNTTHN
ỦY BAN NHÂN DÂN PHƯỜNG DỊCH VỌNG
XÁC NHẬN:
Họ, chữ đệm, tên: PHẠM THỊ LAN
Ngày, tháng, năm sinh: 15/11/1992
Giới tính: Nữ     Dân tộc: Kinh     Quốc tịch: Việt Nam
Số định danh cá nhân: 001192007890
Nơi cư trú: Số 5 ngõ 7, Dịch Vọng, Cầu Giấy, Hà Nội
Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai.
Giấy này được cấp để: làm thủ tục đăng ký kết hôn
Giấy này có giá trị sử dụng đến ngày: 15/09/2024
Hà Nội, ngày 15 tháng 3 năm 2024
CHỦ TỊCH"""

EXPECTED = {
    "registration_number": "88/XNTTHN",
    "full_name": "PHẠM THỊ LAN",
    "date_of_birth": "1992-11-15",
    "sex": "Nữ",
    "id_number": "001192007890",
    "place_of_residence": "Số 5 ngõ 7, Dịch Vọng, Cầu Giấy, Hà Nội",
    "marital_status": "Chưa đăng ký kết hôn với ai",
    "purpose": "làm thủ tục đăng ký kết hôn",
    "valid_until": "2024-09-15",
    "issue_date": "2024-03-15",
}


def run(text: str, **kw: object) -> Extraction:
    return extract(make_doc(text, **kw), ReviewSettings(), today=TODAY)  # type: ignore[arg-type]


def values(ex: Extraction) -> dict[str, str]:
    return {name: f.value for name, f in ex.fields.items()}


def test_clean() -> None:
    ex = run(CLEAN)
    assert ex.doc_type is DocType.MARITAL_STATUS_CERTIFICATE
    assert values(ex) == EXPECTED
    assert ex.fields["issue_date"].rule == "pattern"
    assert not ex.needs_review, ex.review_reasons


NOISY = {
    "no diacritics, lost colons": """GIAY XAC NHAN TINH TRANG HON NHAN
So: 88/XNTTHN
Ho, chu dem, ten PHẠM THỊ LAN
Ngay, thang, nam sinh 15-11-1992
Gioi tinh Nu     Dan toc Kinh     Quoc tich Viet Nam
So dinh danh ca nhan 001192007890
Noi cu tru Số 5 ngõ 7, Dịch Vọng, Cầu Giấy, Hà Nội
Tinh trang hon nhan Chưa đăng ký kết hôn với ai.
Giay nay duoc cap de làm thủ tục đăng ký kết hôn
Giay nay co gia tri su dung den ngay 15.09.2024
Ha Noi, ngay 15 thang 3 nam 2024""",
    "values on the next line": CLEAN.replace("tên: ", "tên:\n")
    .replace("Nơi cư trú: ", "Nơi cư trú:\n")
    .replace("hôn nhân: ", "hôn nhân:\n"),
    "address wrapped": CLEAN.replace("Dịch Vọng, Cầu Giấy", "Dịch Vọng,\nCầu Giấy"),
    "noisy signature date": CLEAN.replace("ngày 15 tháng 3 năm 2024", "ngảy 15 thảng 03 nãm 2024"),
}


@pytest.mark.parametrize("text", NOISY.values(), ids=NOISY.keys())
def test_noisy(text: str) -> None:
    ex = run(text)
    assert ex.doc_type is DocType.MARITAL_STATUS_CERTIFICATE
    assert values(ex) == EXPECTED
    assert not ex.needs_review, ex.review_reasons


def test_misread_id_digit_repaired() -> None:
    ex = run(CLEAN.replace("001192007890", "0011920078g0"))
    assert ex.fields["id_number"].value == "001192007890"
    assert ex.fields["id_number"].issues == ["repair.confusion:g>9"]


def test_valid_until_before_issue_is_invalid() -> None:
    ex = run(CLEAN.replace("15/09/2024", "15/09/2023"))
    assert not ex.fields["valid_until"].valid
    assert not ex.fields["issue_date"].valid


def test_missing_marital_status() -> None:
    ex = run(CLEAN.replace("Tình trạng hôn nhân: Chưa đăng ký kết hôn với ai.\n", ""))
    assert ex.review_reasons == ["marital_status:missing"]


def test_id_dob_mismatch_goes_to_review() -> None:
    ex = run(CLEAN.replace("15/11/1992", "15/11/1993"))
    assert ex.review_reasons == ["id_number:id_number.birth_year_mismatch"]


def test_low_confidence_date_of_birth() -> None:
    ex = run(CLEAN, word_conf={"15/11/1992": 0.55})
    assert ex.review_reasons == ["date_of_birth:low_confidence"]


def test_address_starting_with_so_is_not_a_document_number() -> None:
    ex = run(CLEAN.replace("Nơi cư trú: Số 5", "Nơi cư trú:\nSố 5"))
    assert ex.fields["place_of_residence"].value == EXPECTED["place_of_residence"]
    assert ex.fields["registration_number"].value == "88/XNTTHN"
