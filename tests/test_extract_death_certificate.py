"""Death registration extracts: date of death after the time, noise, review."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import extract
from schemas.fields import DocType, Extraction
from schemas.settings import ReviewSettings
from tests.extract_helpers import make_doc

TODAY = date(2025, 6, 1)

CLEAN = """ỦY BAN NHÂN DÂN              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHƯỜNG DỊCH VỌNG              Độc lập - Tự do - Hạnh phúc
TRÍCH LỤC KHAI TỬ
Số: 12/2024     Quyển số: 01/2024
Họ, chữ đệm, tên: TRẦN THỊ MAI
Ngày, tháng, năm sinh: 01/01/1940
Giới tính: Nữ     Dân tộc: Kinh     Quốc tịch: Việt Nam
Số định danh cá nhân: 001140001234
Đã chết vào lúc: 10 giờ 30 phút, ngày 05/06/2024
Nơi chết: Bệnh viện Bạch Mai, Hà Nội
Nguyên nhân chết: Bệnh già
Nơi đăng ký khai tử: Ủy ban nhân dân phường Dịch Vọng
Ngày, tháng, năm đăng ký: 07/06/2024"""

EXPECTED = {
    "registration_number": "12/2024",
    "full_name": "TRẦN THỊ MAI",
    "date_of_birth": "1940-01-01",
    "sex": "Nữ",
    "id_number": "001140001234",
    "date_of_death": "2024-06-05",
    "place_of_death": "Bệnh viện Bạch Mai, Hà Nội",
    "registration_date": "2024-06-07",
}


def run(text: str, **kw: object) -> Extraction:
    return extract(make_doc(text, **kw), ReviewSettings(), today=TODAY)  # type: ignore[arg-type]


def values(ex: Extraction) -> dict[str, str]:
    return {name: f.value for name, f in ex.fields.items()}


def test_clean() -> None:
    ex = run(CLEAN)
    assert ex.doc_type is DocType.DEATH_CERTIFICATE
    assert values(ex) == EXPECTED
    assert not ex.needs_review, ex.review_reasons


NOISY = {
    "no diacritics, lost colons": """TRICH LUC KHAI TU
So: 12/2024     Quyen so: 01/2024
Ho, chu dem, ten TRẦN THỊ MAI
Ngay, thang, nam sinh 01/01/1940
Gioi tinh Nu     Dan toc Kinh     Quoc tich Viet Nam
So dinh danh ca nhan 001140001234
Da chet vao luc 10 gio 30 phut, ngay 05/06/2024
Noi chet Bệnh viện Bạch Mai, Hà Nội
Nguyen nhan chet Benh gia
Ngay, thang, nam dang ky 07/06/2024""",
    "written date of death": CLEAN.replace("ngày 05/06/2024", "ngày 05 tháng 06 năm 2024"),
    "values on the next line": CLEAN.replace("tên: ", "tên:\n")
    .replace("lúc: ", "lúc:\n")
    .replace("Nơi chết: ", "Nơi chết:\n"),
    "dotted dates": CLEAN.replace("01/01/1940", "01.01.1940").replace("07/06/2024", "07-06-2024"),
}


@pytest.mark.parametrize("text", NOISY.values(), ids=NOISY.keys())
def test_noisy(text: str) -> None:
    ex = run(text)
    assert ex.doc_type is DocType.DEATH_CERTIFICATE
    assert values(ex) == EXPECTED
    assert not ex.needs_review, ex.review_reasons


def test_misread_date_of_death_repaired() -> None:
    ex = run(CLEAN.replace("05/06/2024", "O5/06/2O24"))
    field = ex.fields["date_of_death"]
    assert (field.value, field.repaired, field.valid) == ("2024-06-05", True, True)


def test_death_before_birth_goes_to_review() -> None:
    ex = run(CLEAN.replace("05/06/2024", "05/06/1930"))
    assert "date_of_death:date.not_after:date_of_birth" in ex.review_reasons


def test_registration_before_death_goes_to_review() -> None:
    ex = run(CLEAN.replace("07/06/2024", "01/06/2024"))
    assert "date_of_death:date.not_before:registration_date" in ex.review_reasons


def test_missing_date_of_death() -> None:
    ex = run(CLEAN.replace("Đã chết vào lúc: 10 giờ 30 phút, ngày 05/06/2024\n", ""))
    assert ex.review_reasons == ["date_of_death:missing"]


def test_unreadable_date_of_death() -> None:
    ex = run(CLEAN.replace("ngày 05/06/2024", "ngày 3?/06/2024"))
    field = ex.fields["date_of_death"]
    assert not field.valid
    assert field.issues == ["date.unparsed"]
    assert ex.review_reasons == ["date_of_death:date.unparsed"]


def test_id_sex_mismatch() -> None:
    ex = run(CLEAN.replace("Giới tính: Nữ", "Giới tính: Nam"))
    assert ex.review_reasons == ["id_number:id_number.sex_mismatch"]
