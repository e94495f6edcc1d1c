"""ID cards: 2021 chip card, 2024 card, old CMND, with OCR noise, and review decisions."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import RULES_VERSION, extract
from schemas.fields import DocType, Extraction
from schemas.settings import ReviewSettings
from tests.extract_helpers import make_doc

TODAY = date(2025, 6, 1)
REVIEW = ReviewSettings(min_field_confidence=0.7)

CARD_2021 = """CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
SOCIALIST REPUBLIC OF VIET NAM
CĂN CƯỚC CÔNG DÂN
Citizen Identity Card
Số / No.: 001095012345
Họ và tên / Full name:
NGUYỄN VĂN AN
Ngày sinh / Date of birth: 12/03/1995
Giới tính / Sex: Nam        Quốc tịch / Nationality: Việt Nam
Quê quán / Place of origin:
Xã Tân Lập, Đan Phượng, Hà Nội
Nơi thường trú / Place of residence:
Số 12 ngõ 34, Dịch Vọng, Cầu Giấy, Hà Nội
Có giá trị đến / Date of expiry: 12/03/2035"""

EXPECTED_2021 = {
    "id_number": "001095012345",
    "full_name": "NGUYỄN VĂN AN",
    "date_of_birth": "1995-03-12",
    "sex": "Nam",
    "nationality": "Việt Nam",
    "place_of_origin": "Xã Tân Lập, Đan Phượng, Hà Nội",
    "place_of_residence": "Số 12 ngõ 34, Dịch Vọng, Cầu Giấy, Hà Nội",
    "expiry_date": "2035-03-12",
}


def run(*pages: str, doc_type: DocType | None = None, **kw: object) -> Extraction:
    return extract(make_doc(*pages, **kw), REVIEW, doc_type, today=TODAY)  # type: ignore[arg-type]


def values(ex: Extraction) -> dict[str, str]:
    return {name: f.value for name, f in ex.fields.items()}


def test_clean_2021_card() -> None:
    ex = run(CARD_2021)
    assert ex.doc_type is DocType.ID_CARD
    assert ex.doc_type_confidence == 1.0
    assert values(ex) == EXPECTED_2021
    assert not ex.needs_review, ex.review_reasons
    assert ex.review_reasons == []
    assert ex.rules_version == RULES_VERSION
    field = ex.fields["id_number"]
    assert field.confidence == pytest.approx(0.95)
    assert field.page == 1
    assert field.box is not None and field.box.top == 5 * 40
    assert field.valid and not field.repaired and field.issues == []
    assert field.raw == "001095012345"


NOISY_2021 = {
    "no diacritics, colons lost": """CAN CUOC CONG DAN
Citizen Identity Card
So / No. 001095012345
Ho va ten / Full name
NGUYỄN VĂN AN
Ngay sinh / Date of birth 12/03/1995
Gioi tinh / Sex Nam        Quoc tich / Nationality Việt Nam
Que quan / Place of origin
Xã Tân Lập, Đan Phượng, Hà Nội
Noi thuong tru / Place of residence
Số 12 ngõ 34, Dịch Vọng, Cầu Giấy, Hà Nội
Co gia tri den / Date of expiry 12/03/2035""",
    "colons become ; and ., trailing noise": """CĂN CƯỚC CÔNG DÂN
Số / No.; 001095012345 .
Họ và tên / Full name.
NGUYỄN VĂN AN ,
Ngày sinh / Date of birth; 12/03/1995 |
Giới tính / Sex. Nam        Quốc tịch / Nationality; Việt Nam .
Quê quán / Place of origin;
Xã Tân Lập, Đan Phượng, Hà Nội.
Nơi thường trú / Place of residence.
Số 12 ngõ 34, Dịch Vọng, Cầu Giấy, Hà Nội
Có giá trị đến / Date of expiry; 12/03/2035""",
    "value on the label line, English typos": """CĂN CƯỚC CÔNG DÂN
Số / No.: 001095012345
Họ và tên / FuII name: NGUYỄN VĂN AN
Ngày sinh / Date of brth: 12/03/1995
Giới tính / Sex: Nam
Quốc tịch / Natinality: Việt Nam
Quê quán / Place of orign: Xã Tân Lập, Đan Phượng, Hà Nội
Nơi thường trú / Place of resdence: Số 12 ngõ 34, Dịch Vọng, Cầu Giấy, Hà Nội
Có giá trị đến / Date of expiry: 12/03/2035""",
    "wrong diacritics and one wrong letter": """CÃN CƯỚC CỒNG DÂN
Sô / No.: 001095012345
Hộ và tến / Full name:
NGUYỄN VĂN AN
Ngảy sinh / Date of birth: 12/03/1995
Giởi tính / Sex: Nam        Quốc tjch / Nationality: Việt Nam
Quê quản / Place of origin:
Xã Tân Lập, Đan Phượng, Hà Nội
Nơi thường trù / Place of residence:
Số 12 ngõ 34, Dịch Vọng, Cầu Giấy, Hà Nội
Có giả trị đến / Date of expiry: 12/03/2035""",
    "address wrapped over two lines": """CĂN CƯỚC CÔNG DÂN
Số / No.: 001095012345
Họ và tên / Full name:
NGUYỄN VĂN AN
Ngày sinh / Date of birth: 12/03/1995
Giới tính / Sex: Nam        Quốc tịch / Nationality: Việt Nam
Quê quán / Place of origin:
Xã Tân Lập, Đan Phượng,
Hà Nội
Nơi thường trú / Place of residence:
Số 12 ngõ 34, Dịch Vọng,
Cầu Giấy, Hà Nội
Có giá trị đến / Date of expiry: 12/03/2035""",
}


@pytest.mark.parametrize("text", NOISY_2021.values(), ids=NOISY_2021.keys())
def test_noisy_2021_card(text: str) -> None:
    ex = run(text)
    assert ex.doc_type is DocType.ID_CARD
    assert values(ex) == EXPECTED_2021
    assert not ex.needs_review, ex.review_reasons


def test_misread_digit_in_id_is_repaired() -> None:
    ex = run(CARD_2021.replace("001095012345", "0O1095O12345"))
    field = ex.fields["id_number"]
    assert field.value == "001095012345"
    assert field.repaired and field.valid
    assert field.issues == ["repair.confusion:O>0"]
    assert field.raw == "0O1095O12345"
    assert field.confidence == pytest.approx(0.95 * 0.9)
    assert ex.review_reasons == ["id_number:repaired"]  # unverifiable digits: a person looks


def test_repaired_id_with_low_ocr_confidence_goes_to_review() -> None:
    ex = run(CARD_2021.replace("001095012345", "0O1095012345"), word_conf={"0O1095012345": 0.75})
    field = ex.fields["id_number"]
    assert field.repaired and field.value == "001095012345"
    assert field.confidence == pytest.approx(0.75 * 0.9)
    assert ex.needs_review
    assert ex.review_reasons == ["id_number:low_confidence"]


def test_card_2024() -> None:
    ex = run("""CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
CĂN CƯỚC
IDENTITY CARD
Số định danh cá nhân / Personal identification number:
001195012345
Họ, chữ đệm và tên khai sinh / Surname, middle name and given name:
NGUYỄN THỊ HOA
Ngày, tháng, năm sinh / Date of birth: 12/03/1995
Giới tính / Sex: Nữ
Quốc tịch / Nationality: Việt Nam""")
    assert ex.doc_type is DocType.ID_CARD
    assert values(ex) == {
        "id_number": "001195012345",
        "full_name": "NGUYỄN THỊ HOA",
        "date_of_birth": "1995-03-12",
        "sex": "Nữ",
        "nationality": "Việt Nam",
    }
    assert not ex.needs_review


@pytest.mark.parametrize(
    "label",
    [
        "Ho, chữ đêm và tên khai søth / Surname. middle name and @en name",  # phone shots
        "Ho, chữ đệm và tên khai seth J Sutrsarne, middle nazne and gwet nane.",
        "Họ, chữ đềm và tên khai sinh 7 Surname, tiddie name anđ given riarne:",
    ],
)
def test_card_2024_misread_label_rest_is_not_the_name(label: str) -> None:
    """The rest of a long label read badly is no name: the one printed below it is."""
    ex = run(f"""CĂN CƯỚC
IDENTITY CARD
Số định danh cá nhân / Personal identification number:
001195012345
{label}
NGUYỄN THỊ HOA
Ngày, tháng, năm sinh / Date of birth: 12/03/1995""")
    assert ex.fields["full_name"].value == "NGUYỄN THỊ HOA"


def test_a_name_beside_its_label_stays_though_a_line_follows() -> None:
    ex = run("""CĂN CƯỚC CÔNG DÂN
Số / No.: 001095012345
Họ và tên / Full name: NGUYỄN VĂN AN
TRẦN THỊ BÌNH
Ngày sinh / Date of birth: 12/03/1995""")
    assert ex.fields["full_name"].value == "NGUYỄN VĂN AN"


def test_card_2024_english_label_wrapped_to_next_line() -> None:
    ex = run("""CĂN CƯỚC
Số định danh cá nhân / Personal identification number: 001195012345
Họ, chữ đệm và tên khai sinh / Surname, middle name and
given name:
NGUYỄN THỊ HOA
Ngày, tháng, năm sinh / Date of birth: 12/03/1995""")
    assert ex.fields["full_name"].value == "NGUYỄN THỊ HOA"


def test_old_cmnd_nine_digits() -> None:
    ex = run("""CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
GIẤY CHỨNG MINH NHÂN DÂN
Số 123456789
Họ tên: NGUYỄN VĂN BÌNH
Sinh ngày: 05-06-1980
Nguyên quán: Thanh Oai, Hà Tây
Nơi ĐKHK thường trú: Dịch Vọng, Cầu Giấy, Hà Nội""")
    assert ex.doc_type is DocType.ID_CARD
    assert values(ex) == {
        "id_number": "123456789",
        "full_name": "NGUYỄN VĂN BÌNH",
        "date_of_birth": "1980-06-05",
        "place_of_origin": "Thanh Oai, Hà Tây",
        "place_of_residence": "Dịch Vọng, Cầu Giấy, Hà Nội",
    }
    assert not ex.needs_review


def test_an_id_number_without_its_label_is_not_taken() -> None:
    """A bare 12-digit run may be anyone's (a relative's, a phone number): only a labelled
    position gives the holder's ID number; its absence goes to review."""
    ex = run(CARD_2021.replace("Số / No.: 001095012345", "ÿ 001095012345"))
    assert "id_number" not in ex.fields
    assert "id_number:missing" in ex.review_reasons


def test_back_page_issue_date() -> None:
    back = """Đặc điểm nhân dạng / Personal identification: Nốt ruồi cách 2cm dưới mắt trái
Ngày, tháng, năm / Date, month, year: 10/08/2021
CỤC TRƯỞNG CỤC CẢNH SÁT QUẢN LÝ HÀNH CHÍNH VỀ TRẬT TỰ XÃ HỘI"""
    ex = run(CARD_2021, back)
    assert ex.fields["issue_date"].value == "2021-08-10"
    assert ex.fields["issue_date"].page == 2
    assert ex.fields["id_number"].value == "001095012345"
    assert not ex.needs_review


def test_cmnd_written_issue_date_on_back() -> None:
    back = "Ngày 10 tháng 08 năm 2015\nGIÁM ĐỐC CA HÀ NỘI"
    ex = run(CARD_2021, back)
    assert ex.fields["issue_date"].value == "2015-08-10"


def test_birth_year_mismatch_goes_to_review() -> None:
    ex = run(CARD_2021.replace("12/03/1995", "12/03/1996"))
    field = ex.fields["id_number"]
    assert not field.valid
    assert field.issues == ["id_number.birth_year_mismatch"]
    assert field.confidence == pytest.approx(0.95 * 0.5)
    assert ex.needs_review
    assert "id_number:id_number.birth_year_mismatch" in ex.review_reasons


def test_sex_mismatch_goes_to_review() -> None:
    ex = run(CARD_2021.replace("Sex: Nam", "Sex: Nữ"))
    assert ex.fields["id_number"].issues == ["id_number.sex_mismatch"]
    assert ex.review_reasons == ["id_number:id_number.sex_mismatch"]


def test_unknown_province_goes_to_review() -> None:
    ex = run(CARD_2021.replace("001095012345", "099095012345"))
    assert ex.fields["id_number"].value == "099095012345"
    assert ex.review_reasons == ["id_number:id_number.province"]


def test_eleven_digits_goes_to_review() -> None:
    ex = run(CARD_2021.replace("001095012345", "00109501234"))
    assert ex.fields["id_number"].issues == ["id_number.length"]
    assert ex.needs_review


def test_missing_required_field_goes_to_review() -> None:
    text = CARD_2021.replace("Ngày sinh / Date of birth: 12/03/1995\n", "")
    ex = run(text)
    assert "date_of_birth" not in ex.fields
    assert ex.review_reasons == ["date_of_birth:missing"]


def test_low_confidence_required_field_goes_to_review() -> None:
    ex = run(CARD_2021, word_conf={"NGUYỄN": 0.5})
    assert ex.fields["full_name"].confidence == pytest.approx(0.5)
    assert ex.review_reasons == ["full_name:low_confidence"]


def test_low_confidence_optional_field_does_not() -> None:
    ex = run(CARD_2021, word_conf={"Tân": 0.3})
    assert ex.fields["place_of_origin"].confidence < 0.95
    assert not ex.needs_review


def test_threshold_comes_from_settings() -> None:
    doc = make_doc(CARD_2021, conf=0.8)
    assert not extract(doc, ReviewSettings(min_field_confidence=0.7), today=TODAY).needs_review
    strict = extract(doc, ReviewSettings(min_field_confidence=0.85), today=TODAY)
    assert strict.needs_review
    assert "id_number:low_confidence" in strict.review_reasons


def test_future_birth_date_goes_to_review() -> None:
    ex = run(CARD_2021.replace("12/03/1995", "12/03/2095").replace("001095", "001295"))
    assert "date.future" in ex.fields["date_of_birth"].issues
    assert "date_of_birth:date.future" in ex.review_reasons


def test_expiry_before_birth_is_invalid() -> None:
    ex = run(CARD_2021.replace("12/03/2035", "12/03/1990"))
    assert ex.fields["expiry_date"].issues == ["date.not_after:date_of_birth"]
    assert "date_of_birth:date.not_before:expiry_date" in ex.review_reasons


def test_name_that_looks_like_a_label() -> None:
    """'HỒ TIẾN' is one letter away from 'Họ tên' but is a name, not a label."""
    ex = run(CARD_2021.replace("NGUYỄN VĂN AN", "HỒ TIẾN DŨNG"))
    assert ex.fields["full_name"].value == "HỒ TIẾN DŨNG"


def test_pairs_on_one_line_without_gaps_split_at_colons() -> None:
    text = CARD_2021.replace(
        "Giới tính / Sex: Nam        Quốc tịch / Nationality: Việt Nam",
        "Giới tính / Sex: Nam Quốc tịch / Nationality: Việt Nam",
    )
    ex = run(text)
    assert ex.fields["sex"].value == "Nam"
    assert ex.fields["nationality"].value == "Việt Nam"


def test_no_expiry_is_left_out() -> None:
    ex = run(CARD_2021.replace("12/03/2035", "Không thời hạn"))
    assert "expiry_date" not in ex.fields
    assert not ex.needs_review


def test_a_space_lost_in_a_name_is_put_back_and_recorded() -> None:
    ex = run("""CĂN CƯỚC
Số định danh cá nhân / Personal identification number:
001195012345
Họ, chữ đệm và tên khai sinh / Surname, middle name and given name:
NGUYỄN THỊHOA
Ngày, tháng, năm sinh / Date of birth: 12/03/1995""")
    name = ex.fields["full_name"]
    assert (name.value, name.raw) == ("NGUYỄN THỊ HOA", "NGUYỄN THỊHOA")
    assert "repair.name_space" in name.issues
    assert "full_name:name_uncertain" not in ex.review_reasons
