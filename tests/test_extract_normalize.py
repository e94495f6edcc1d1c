"""Value normalisers: names, dates, sex, ID numbers, years, document numbers, free text."""

from __future__ import annotations

import pytest

from pipeline.extract.normalize import (
    normalize_date,
    normalize_doc_number,
    normalize_id_number,
    normalize_name,
    normalize_sex,
    normalize_text,
    normalize_year,
)


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("12/03/1995", "1995-03-12"),
        ("12-03-1995", "1995-03-12"),
        ("12.03.1995", "1995-03-12"),
        ("2/3/1995", "1995-03-02"),
        ("12 / 03 / 1995", "1995-03-12"),
        ("12031995", "1995-03-12"),
        ("ngày 12 tháng 3 năm 2024", "2024-03-12"),
        ("Ngày 05 tháng 03 năm 2024", "2024-03-05"),
        ("NGÀY 05 THÁNG 03 NĂM 2024", "2024-03-05"),
        ("ngay 5 thang 3 nam 2024", "2024-03-05"),
        ("ngảy 5 thàng 3 nẩm 2024", "2024-03-05"),  # wrong diacritics
        ("Ngày 05, tháng 03, năm 2024", "2024-03-05"),
        ("Hà Nội, ngày 15 tháng 3 năm 2024", "2024-03-15"),
        ("10 giờ 30 phút, ngày 05/06/2024", "2024-06-05"),
        ("12/03/1995 |", "1995-03-12"),
    ],
)
def test_dates(raw: str, iso: str) -> None:
    assert normalize_date(raw) == iso


@pytest.mark.parametrize(
    "raw",
    ["31/02/2024", "12/13/1995", "00/01/1995", "12/03/95", "Không thời hạn", "", "12/03/1795"],
)
def test_dates_rejected(raw: str) -> None:
    assert normalize_date(raw) is None


def test_date_reads_only_the_first_date() -> None:
    """A misread first date is not silently replaced by a later, unrelated one."""
    assert normalize_date("31/02/2024 hoặc 01/03/2024") is None
    assert normalize_date("01/03/2024 hoặc 31/02/2024") == "2024-03-01"


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("NGUYỄN VĂN AN", "NGUYỄN VĂN AN"),
        ("Nguyễn  văn   An", "NGUYỄN VĂN AN"),
        ("  nguyễn văn an. ", "NGUYỄN VĂN AN"),
        ("NGUYỄN VĂN AN ,", "NGUYỄN VĂN AN"),
        ("NGUYỄN VĂN AN |", "NGUYỄN VĂN AN"),
        ("NGUYỄN VĂN AN I", "NGUYỄN VĂN AN"),
        ("“TRẦN THỊ BÌNH”", "TRẦN THỊ BÌNH"),
        ("H'HEN NIÊ", "H'HEN NIÊ"),
        ("NGUY3N VĂN AN 12", "NGUY3N VĂN AN"),  # digits inside a word are kept for validation
        ("Nguye\u0302\u0303n Van A", "NGUYỄN VAN A"),  # decomposed input is recomposed
    ],
)
def test_names(raw: str, name: str) -> None:
    assert normalize_name(raw) == name


@pytest.mark.parametrize("raw", ["", "...", "1995", "A"])
def test_names_rejected(raw: str) -> None:
    assert normalize_name(raw) is None


@pytest.mark.parametrize(
    ("raw", "sex"),
    [
        ("Nam", "Nam"),
        ("nam", "Nam"),
        ("NAM", "Nam"),
        ("Nữ", "Nữ"),
        ("NỮ", "Nữ"),
        ("Nu", "Nữ"),
        ("Nừ", "Nữ"),
        ("NữỮ", "Nữ"),  # the hook read twice
        ("Nam / M", "Nam"),
        ("Female", "Nữ"),
        ("7 5ex: Nữ", "Nữ"),  # "/ Sex:" misread before the value
        ("M", "Nam"),
        ("m Nữ", "Nữ"),  # a stray letter is not an abbreviation
    ],
)
def test_sex(raw: str, sex: str) -> None:
    assert normalize_sex(raw) == sex


@pytest.mark.parametrize("raw", ["", "Kinh", "123", "Không rõ"])
def test_sex_rejected(raw: str) -> None:
    assert normalize_sex(raw) is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("001095012345", "001095012345"),
        ("001095012345.", "001095012345"),
        ("CCCD số 001090004567", "001090004567"),
        ("123456789", "123456789"),
        ("001 095 012345", "001"),  # spaces are repair's job, not the reader's
    ],
)
def test_id_numbers(raw: str, value: str) -> None:
    assert normalize_id_number(raw) == value


@pytest.mark.parametrize("raw", ["", "0O1095012345", "không có"])
def test_id_numbers_rejected(raw: str) -> None:
    assert normalize_id_number(raw) is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("125/2024", "125/2024"),
        ("125 / 2024", "125/2024"),
        ("88/XNTTHN", "88/XNTTHN"),
        ("01/2024.", "01/2024"),
        ("45/2023 Quyển", "45/2023"),
        ("125", "125"),
    ],
)
def test_doc_numbers(raw: str, value: str) -> None:
    assert normalize_doc_number(raw) == value


@pytest.mark.parametrize("raw", ["", "XNTTHN", "/2024"])
def test_doc_numbers_rejected(raw: str) -> None:
    assert normalize_doc_number(raw) is None


def test_years() -> None:
    assert normalize_year("1996") == "1996"
    assert normalize_year("Năm sinh 1996 ,") == "1996"
    assert normalize_year("15/11/1992") == "1992"
    assert normalize_year("19960") is None
    assert normalize_year("0996") is None


def test_text() -> None:
    assert normalize_text("  Chưa đăng ký kết hôn với ai. ") == "Chưa đăng ký kết hôn với ai"
    assert normalize_text("Xã Tân Lập,   Đan Phượng, Hà Nội ;") == "Xã Tân Lập, Đan Phượng, Hà Nội"
    assert normalize_text(" .,; ") is None
    assert normalize_text("quận Hoàn | Kiếm, Hà Nội") == "quận Hoàn Kiếm, Hà Nội"
