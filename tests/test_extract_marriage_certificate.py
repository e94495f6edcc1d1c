"""Marriage certificates: husband and wife blocks, two-column forms, noise, review."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import extract
from schemas.fields import DocType, Extraction
from schemas.settings import ReviewSettings
from tests.extract_helpers import make_doc

TODAY = date(2025, 6, 1)

CLEAN = """ỦY BAN NHÂN DÂN
XÃ TÂN LẬP
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
GIẤY CHỨNG NHẬN KẾT HÔN
Số: 45/2023     Quyển số: 01/2023
Họ, chữ đệm, tên chồng: LÊ VĂN HÙNG
Ngày, tháng, năm sinh: 02/07/1990
Dân tộc: Kinh     Quốc tịch: Việt Nam
Số định danh cá nhân: 001090004567
Nơi cư trú: Xã Tân Lập, Đan Phượng, Hà Nội
Họ, chữ đệm, tên vợ: PHẠM THỊ LAN
Ngày, tháng, năm sinh: 15/11/1992
Dân tộc: Kinh     Quốc tịch: Việt Nam
Số định danh cá nhân: 001192007890
Nơi cư trú: Dịch Vọng, Cầu Giấy, Hà Nội
Nơi đăng ký kết hôn: Ủy ban nhân dân xã Tân Lập
Ngày, tháng, năm đăng ký: 10/10/2023"""

EXPECTED = {
    "registration_number": "45/2023",
    "husband_name": "LÊ VĂN HÙNG",
    "husband_date_of_birth": "1990-07-02",
    "husband_id_number": "001090004567",
    "wife_name": "PHẠM THỊ LAN",
    "wife_date_of_birth": "1992-11-15",
    "wife_id_number": "001192007890",
    "registration_place": "Ủy ban nhân dân xã Tân Lập",
    "registration_date": "2023-10-10",
}

TWO_COLUMNS = """GIẤY CHỨNG NHẬN KẾT HÔN
Số: 45/2023     Quyển số: 01/2023
Thông tin của chồng                       Thông tin của vợ
Họ, chữ đệm, tên: LÊ VĂN HÙNG             Họ, chữ đệm, tên: PHẠM THỊ LAN
Ngày, tháng, năm sinh: 02/07/1990         Ngày, tháng, năm sinh: 15/11/1992
Dân tộc: Kinh  Quốc tịch: Việt Nam         Dân tộc: Kinh  Quốc tịch: Việt Nam
Số định danh cá nhân: 001090004567        Số định danh cá nhân: 001192007890
Nơi đăng ký kết hôn: Ủy ban nhân dân xã Tân Lập
Ngày, tháng, năm đăng ký: 10/10/2023"""


def run(text: str, **kw: object) -> Extraction:
    return extract(make_doc(text, **kw), ReviewSettings(), today=TODAY)  # type: ignore[arg-type]


def values(ex: Extraction) -> dict[str, str]:
    return {name: f.value for name, f in ex.fields.items()}


def test_clean() -> None:
    ex = run(CLEAN)
    assert ex.doc_type is DocType.MARRIAGE_CERTIFICATE
    assert values(ex) == EXPECTED
    assert not ex.needs_review, ex.review_reasons


def test_two_column_form() -> None:
    ex = run(TWO_COLUMNS)
    assert values(ex) == EXPECTED
    assert not ex.needs_review


def test_husband_fields_stop_at_wife_name() -> None:
    """The wife's block without a date of birth must not borrow the husband's."""
    ex = run(CLEAN.replace("Ngày, tháng, năm sinh: 15/11/1992\n", ""))
    assert ex.fields["husband_date_of_birth"].value == "1990-07-02"
    assert "wife_date_of_birth" not in ex.fields


NOISY = {
    "no diacritics, lost colons": """GIAY CHUNG NHAN KET HON
So: 45/2023     Quyen so: 01/2023
Ho, chu dem, ten chong LÊ VĂN HÙNG
Ngay, thang, nam sinh 02/07/1990
Dan toc Kinh     Quoc tich Viet Nam
So dinh danh ca nhan 001090004567
Noi cu tru Xa Tan Lap, Dan Phuong, Ha Noi
Ho, chu dem, ten vo PHẠM THỊ LAN
Ngay thang nam sinh 15/11/1992
So dinh danh ca nhan 001192007890
Noi dang ky ket hon Ủy ban nhân dân xã Tân Lập
Ngay, thang, nam dang ky 10/10/2023""",
    "values on the next line": CLEAN.replace("chồng: ", "chồng:\n")
    .replace("vợ: ", "vợ:\n")
    .replace("cá nhân: ", "cá nhân:\n"),
    "wrong diacritics": CLEAN.replace("chồng", "chổng")
    .replace("tên vợ", "tên vơ")
    .replace("Ngày, tháng, năm sinh", "Ngảy, thảng, nám sinh")
    .replace("định danh", "đinh đanh"),
}


@pytest.mark.parametrize("text", NOISY.values(), ids=NOISY.keys())
def test_noisy(text: str) -> None:
    ex = run(text)
    assert ex.doc_type is DocType.MARRIAGE_CERTIFICATE
    assert values(ex) == EXPECTED
    assert not ex.needs_review, ex.review_reasons


def test_spaced_and_misread_id_repaired() -> None:
    ex = run(
        CLEAN.replace("001090004567", "001 090 004567").replace("001192007890", "0011920O7890")
    )
    assert values(ex) == EXPECTED
    assert ex.fields["husband_id_number"].issues == ["repair.spaces"]
    assert ex.fields["wife_id_number"].issues == ["repair.confusion:O>0"]
    assert ex.review_reasons == ["husband_id_number:repaired", "wife_id_number:repaired"]


def test_wife_id_with_male_code_goes_to_review() -> None:
    ex = run(CLEAN.replace("001192007890", "001092007890"))
    assert ex.fields["wife_id_number"].issues == ["id_number.sex_mismatch"]
    assert ex.review_reasons == ["wife_id_number:id_number.sex_mismatch"]


def test_husband_id_birth_year_mismatch_goes_to_review() -> None:
    ex = run(CLEAN.replace("02/07/1990", "02/07/1991"))
    assert "husband_id_number:id_number.birth_year_mismatch" in ex.review_reasons


def test_old_cmnd_not_accepted_on_marriage_certificate() -> None:
    ex = run(CLEAN.replace("001090004567", "123456789"))
    assert ex.fields["husband_id_number"].issues == ["id_number.cmnd_not_accepted"]
    assert ex.needs_review


def test_missing_wife_name() -> None:
    ex = run(CLEAN.replace("Họ, chữ đệm, tên vợ: PHẠM THỊ LAN", "Họ, chữ đệm, tên vợ:"))
    assert "wife_name" not in ex.fields
    assert ex.review_reasons == ["wife_name:missing"]


def test_missing_registration_date() -> None:
    ex = run(CLEAN.replace("Ngày, tháng, năm đăng ký: 10/10/2023", ""))
    assert ex.review_reasons == ["registration_date:missing"]
