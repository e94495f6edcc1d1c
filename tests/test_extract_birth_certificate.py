"""Birth certificates: child, mother and father blocks; OCR noise; review decisions."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import extract
from schemas.fields import DocType, Extraction
from schemas.settings import ReviewSettings
from tests.extract_helpers import make_doc

TODAY = date(2025, 6, 1)

HEADER = """ỦY BAN NHÂN DÂN              CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
PHƯỜNG DỊCH VỌNG              Độc lập - Tự do - Hạnh phúc
"""

IN_WORDS = "Ngày mười hai tháng ba năm hai nghìn không trăm hai mươi tư"

CLEAN = (
    HEADER
    + f"""GIẤY KHAI SINH
Số: 125/2024
Quyển số: 01/2024
Họ, chữ đệm, tên: NGUYỄN VĂN AN
Ngày, tháng, năm sinh: 12/03/2024     Ghi bằng chữ: {IN_WORDS}
Giới tính: Nam     Dân tộc: Kinh     Quốc tịch: Việt Nam
Nơi sinh: Trạm Y tế phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội
Số định danh cá nhân: 001224012345
Họ, chữ đệm, tên người mẹ: TRẦN THỊ BÌNH
Năm sinh: 1996     Dân tộc: Tày     Quốc tịch: Việt Nam
Nơi cư trú: Số 5 ngõ 7, Dịch Vọng, Cầu Giấy, Hà Nội
Họ, chữ đệm, tên người cha: NGUYỄN VĂN CƯỜNG
Năm sinh: 1994     Dân tộc: Kinh     Quốc tịch: Việt Nam
Nơi cư trú: Số 5 ngõ 7, Dịch Vọng, Cầu Giấy, Hà Nội
Nơi đăng ký khai sinh: Ủy ban nhân dân phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội
Ngày, tháng, năm đăng ký: 20/03/2024"""
)

EXPECTED = {
    "registration_number": "125/2024",
    "book_number": "01/2024",
    "full_name": "NGUYỄN VĂN AN",
    "date_of_birth": "2024-03-12",
    "sex": "Nam",
    "ethnicity": "Kinh",
    "nationality": "Việt Nam",
    "place_of_birth": "Trạm Y tế phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội",
    "id_number": "001224012345",
    "mother_name": "TRẦN THỊ BÌNH",
    "mother_birth_year": "1996",
    "father_name": "NGUYỄN VĂN CƯỜNG",
    "father_birth_year": "1994",
    "registration_place": "Ủy ban nhân dân phường Dịch Vọng, quận Cầu Giấy, thành phố Hà Nội",
    "registration_date": "2024-03-20",
}


def run(text: str, **kw: object) -> Extraction:
    return extract(make_doc(text, **kw), ReviewSettings(), today=TODAY)  # type: ignore[arg-type]


def values(ex: Extraction) -> dict[str, str]:
    return {name: f.value for name, f in ex.fields.items()}


def test_clean() -> None:
    ex = run(CLEAN)
    assert ex.doc_type is DocType.BIRTH_CERTIFICATE
    assert ex.doc_type_confidence == 1.0
    assert values(ex) == EXPECTED
    assert not ex.needs_review, ex.review_reasons


def test_mother_ethnicity_does_not_leak_into_child() -> None:
    ex = run(CLEAN.replace("Giới tính: Nam     Dân tộc: Kinh", "Giới tính: Nam"))
    assert "ethnicity" not in ex.fields  # the mother's "Tày" is not the child's


def test_father_before_mother() -> None:
    mother = CLEAN.index("Họ, chữ đệm, tên người mẹ")
    father = CLEAN.index("Họ, chữ đệm, tên người cha")
    end = CLEAN.index("Nơi đăng ký khai sinh")
    swapped = CLEAN[:mother] + CLEAN[father:end] + CLEAN[mother:father] + CLEAN[end:]
    assert values(run(swapped)) == EXPECTED


NOISY = {
    "no diacritics": CLEAN.replace("Họ, chữ đệm, tên", "Ho, chu dem, ten")
    .replace("Ngày, tháng, năm sinh", "Ngay, thang, nam sinh")
    .replace("Giới tính", "Gioi tinh")
    .replace("Dân tộc", "Dan toc")
    .replace("Quốc tịch", "Quoc tich")
    .replace("Nơi sinh", "Noi sinh")
    .replace("Số định danh cá nhân", "So dinh danh ca nhan")
    .replace("người mẹ", "nguoi me")
    .replace("người cha", "nguoi cha")
    .replace("Năm sinh", "Nam sinh")
    .replace("Nơi đăng ký khai sinh", "Noi dang ky khai sinh")
    .replace("Ngày, tháng, năm đăng ký", "Ngay, thang, nam dang ky")
    .replace("Quyển số", "Quyen so")
    .replace("Số:", "So:"),
    "colons lost": CLEAN.replace(": ", " "),
    "colons become ; or .": CLEAN.replace("Số:", "Số;")
    .replace("tên:", "tên.")
    .replace("sinh:", "sinh;")
    .replace("ký:", "ký."),
    "values on the next line": CLEAN.replace("tên: ", "tên:\n")
    .replace("Nơi sinh: ", "Nơi sinh:\n")
    .replace("cá nhân: ", "cá nhân:\n")
    .replace("đăng ký: ", "đăng ký:\n"),
    "lower-case labels": CLEAN.replace("Họ, chữ đệm, tên", "họ, chữ đệm, tên").replace(
        "Nơi sinh", "nơi sinh"
    ),
}


@pytest.mark.parametrize("text", NOISY.values(), ids=NOISY.keys())
def test_noisy(text: str) -> None:
    ex = run(text)
    assert ex.doc_type is DocType.BIRTH_CERTIFICATE
    assert values(ex) == EXPECTED
    assert not ex.needs_review, ex.review_reasons


def test_misread_digits_repaired() -> None:
    text = (
        CLEAN.replace("12/03/2024", "12/O3/2024")
        .replace("001224012345", "0O1224012345")
        .replace("1996", "l996")
    )
    ex = run(text)
    assert values(ex) == EXPECTED
    for name in ("date_of_birth", "id_number", "mother_birth_year"):
        assert ex.fields[name].repaired, name
        assert ex.fields[name].valid, name
    assert not ex.fields["full_name"].repaired
    assert ex.review_reasons == ["id_number:repaired"]  # unverifiable digits: a person looks


def test_id_number_not_required() -> None:
    ex = run(CLEAN.replace("Số định danh cá nhân: 001224012345\n", ""))
    assert "id_number" not in ex.fields
    assert not ex.needs_review


def test_id_number_validated_when_present() -> None:
    ex = run(CLEAN.replace("001224012345", "001324012345"))  # female code, boy
    assert ex.fields["id_number"].issues == ["id_number.sex_mismatch"]
    assert ex.review_reasons == ["id_number:id_number.sex_mismatch"]


def test_missing_registration_number() -> None:
    ex = run(CLEAN.replace("Số: 125/2024\n", ""))
    assert "registration_number" not in ex.fields
    assert ex.review_reasons == ["registration_number:missing"]


def test_registration_before_birth() -> None:
    ex = run(CLEAN.replace("20/03/2024", "10/03/2024"))
    assert "date_of_birth:date.not_before:registration_date" in ex.review_reasons
    assert "registration_date:date.not_after:date_of_birth" in ex.review_reasons


def test_mother_younger_than_child_is_invalid() -> None:
    ex = run(CLEAN.replace("Năm sinh: 1996", "Năm sinh: 2025"))
    assert not ex.fields["mother_birth_year"].valid


def test_low_confidence_name() -> None:
    ex = run(CLEAN, word_conf={"AN": 0.4})
    assert ex.fields["full_name"].confidence == pytest.approx(0.4)
    assert ex.review_reasons == ["full_name:low_confidence"]


def test_registration_date_from_signature_line() -> None:
    text = CLEAN.replace("Ngày, tháng, năm đăng ký: 20/03/2024", "Hà Nội, ngày 20 tháng 3 năm 2024")
    ex = run(text)
    assert ex.fields["registration_date"].value == "2024-03-20"
    assert ex.fields["registration_date"].rule == "pattern"


def test_name_containing_a_label_word() -> None:
    """'NGUYỄN NAM SINH' holds the words of 'Năm sinh' but no label."""
    ex = run(CLEAN.replace("NGUYỄN VĂN CƯỜNG", "NGUYỄN NAM SINH"))
    assert ex.fields["father_name"].value == "NGUYỄN NAM SINH"
    assert ex.fields["father_birth_year"].value == "1994"


def test_a_form_that_prints_no_registration_date_is_not_flagged_for_it() -> None:
    """Some editions carry no "Ngày, tháng, năm đăng ký" line: nothing is missing there."""
    unprinted = CLEAN.replace("Ngày, tháng, năm đăng ký: 20/03/2024", "")
    result = extract(make_doc(unprinted), ReviewSettings(), today=TODAY)
    assert result.value("registration_date") is None
    assert not any(r.startswith("registration_date") for r in result.review_reasons)
    blank = CLEAN.replace("Ngày, tháng, năm đăng ký: 20/03/2024", "Ngày, tháng, năm đăng ký:")
    flagged = extract(make_doc(blank), ReviewSettings(), today=TODAY)
    assert "registration_date:missing" in flagged.review_reasons
