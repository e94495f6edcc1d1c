"""Personal ID number structure and cross-checks; date plausibility and order."""

from __future__ import annotations

from datetime import date

import pytest

from pipeline.extract import registry
from pipeline.extract.validate import (
    PROVINCE_CODES,
    IdContext,
    check_dates,
    decode_century_sex,
    id_context,
    id_number_issues,
)
from schemas.fields import DocType, ExtractedField

TODAY = date(2025, 6, 1)


def issues(value: str, **ctx: object) -> list[str]:
    return id_number_issues(value, IdContext(**ctx), TODAY)  # type: ignore[arg-type]


def test_province_list_is_the_63_units() -> None:
    assert len(PROVINCE_CODES) == 63
    assert {"001", "031", "048", "079", "092", "096"} <= PROVINCE_CODES
    assert not {"000", "003", "005", "013", "028", "029", "050", "097", "099"} & PROVINCE_CODES


def test_valid_number() -> None:
    assert issues("001095012345", birth_year=1995, sex="Nam") == []


@pytest.mark.parametrize("province", ["000", "003", "028", "099", "500"])
def test_unknown_province(province: str) -> None:
    assert issues(f"{province}095012345", birth_year=1995, sex="Nam") == ["id_number.province"]


@pytest.mark.parametrize(
    ("digit", "century", "sex"),
    [
        (0, 1900, "Nam"),
        (1, 1900, "Nữ"),
        (2, 2000, "Nam"),
        (3, 2000, "Nữ"),
        (4, 2100, "Nam"),
        (5, 2100, "Nữ"),
        (6, 2200, "Nam"),
        (7, 2200, "Nữ"),
        (8, 2300, "Nam"),
        (9, 2300, "Nữ"),
    ],
)
def test_century_sex_digit(digit: int, century: int, sex: str) -> None:
    assert decode_century_sex(digit) == (century, sex)


@pytest.mark.parametrize(
    ("number", "birth_year", "sex"),
    [
        ("001095012345", 1995, "Nam"),
        ("001195012345", 1995, "Nữ"),
        ("001224012345", 2024, "Nam"),
        ("001324012345", 2024, "Nữ"),
    ],
)
def test_century_and_sex_agree(number: str, birth_year: int, sex: str) -> None:
    assert issues(number, birth_year=birth_year, sex=sex) == []


@pytest.mark.parametrize(
    ("number", "birth_year", "sex", "expected"),
    [
        ("001095012345", 1995, "Nữ", ["id_number.sex_mismatch"]),
        ("001195012345", 1995, "Nam", ["id_number.sex_mismatch"]),
        ("001205012345", 1905, "Nam", ["id_number.century_mismatch"]),
        ("001024012345", 2024, "Nam", ["id_number.century_mismatch"]),
        ("001324012345", 2024, "Nam", ["id_number.sex_mismatch"]),
        ("001096012345", 1995, "Nam", ["id_number.birth_year_mismatch"]),
        ("001095012345", 1959, "Nam", ["id_number.birth_year_mismatch"]),
    ],
)
def test_mismatches(number: str, birth_year: int, sex: str, expected: list[str]) -> None:
    assert issues(number, birth_year=birth_year, sex=sex) == expected


@pytest.mark.parametrize("digit", [4, 5, 6, 7, 8, 9])
def test_later_centuries_are_in_the_future(digit: int) -> None:
    assert "id_number.birth_year_future" in issues(f"001{digit}95012345")


def test_birth_year_digits_in_the_future() -> None:
    assert issues("001299012345") == ["id_number.birth_year_future"]  # born 2099
    assert issues("001225012345") == []  # born 2025, not after TODAY's year


@pytest.mark.parametrize("value", ["00109501234", "0010950123456", "1234567890", ""])
def test_length(value: str) -> None:
    expected = ["id_number.length"] if value else ["id_number.not_digits"]
    assert issues(value) == expected


def test_not_digits() -> None:
    assert issues("00109501234A") == ["id_number.not_digits"]


def test_cmnd_nine_digits_only_where_allowed() -> None:
    assert issues("123456789", allow_cmnd=True) == []
    assert issues("123456789") == ["id_number.cmnd_not_accepted"]


def test_no_cross_check_without_context() -> None:
    assert issues("001095012345") == []


def _field(name: str, value: str, valid: bool = True) -> ExtractedField:
    return ExtractedField(name=name, value=value, confidence=0.9, valid=valid)


def test_id_context_reads_birth_and_sex_from_fields() -> None:
    rules = registry.rules_for(DocType.ID_CARD)
    assert rules is not None
    fields = {"date_of_birth": _field("date_of_birth", "1995-03-12"), "sex": _field("sex", "Nữ")}
    ctx = id_context(rules, "id_number", fields)
    assert ctx == IdContext(birth_year=1995, sex="Nữ", allow_cmnd=True)
    fields["sex"] = _field("sex", "Nữ", valid=False)
    assert id_context(rules, "id_number", fields).sex is None


def test_id_context_fixed_sex_for_husband_and_wife() -> None:
    rules = registry.rules_for(DocType.MARRIAGE_CERTIFICATE)
    assert rules is not None
    assert id_context(rules, "husband_id_number", {}).sex == "Nam"
    assert id_context(rules, "wife_id_number", {}).sex == "Nữ"
    assert id_context(rules, "wife_id_number", {}).allow_cmnd is False


def test_dates_in_order_pass() -> None:
    rules = registry.rules_for(DocType.ID_CARD)
    assert rules is not None
    fields = {
        "date_of_birth": _field("date_of_birth", "1995-03-12"),
        "issue_date": _field("issue_date", "2021-08-10"),
        "expiry_date": _field("expiry_date", "2035-03-12"),
    }
    check_dates(rules, fields, TODAY)
    assert all(f.valid and not f.issues for f in fields.values())


def test_dates_out_of_order_flag_both() -> None:
    rules = registry.rules_for(DocType.ID_CARD)
    assert rules is not None
    fields = {
        "date_of_birth": _field("date_of_birth", "2022-03-12"),
        "issue_date": _field("issue_date", "2021-08-10"),
    }
    check_dates(rules, fields, TODAY)
    assert fields["date_of_birth"].issues == ["date.not_before:issue_date"]
    assert fields["issue_date"].issues == ["date.not_after:date_of_birth"]
    assert not fields["date_of_birth"].valid and not fields["issue_date"].valid


def test_future_birth_but_not_future_expiry() -> None:
    rules = registry.rules_for(DocType.ID_CARD)
    assert rules is not None
    fields = {
        "date_of_birth": _field("date_of_birth", "2026-01-01"),
        "expiry_date": _field("expiry_date", "2040-01-01"),
    }
    check_dates(rules, fields, TODAY)
    assert fields["date_of_birth"].issues == ["date.future"]
    assert fields["expiry_date"].valid


def test_year_against_date_order() -> None:
    rules = registry.rules_for(DocType.BIRTH_CERTIFICATE)
    assert rules is not None
    fields = {
        "date_of_birth": _field("date_of_birth", "2024-03-12"),
        "mother_birth_year": _field("mother_birth_year", "2024"),
        "father_birth_year": _field("father_birth_year", "2025"),
    }
    check_dates(rules, fields, TODAY)
    assert fields["mother_birth_year"].valid  # same year is possible
    assert fields["father_birth_year"].issues == ["date.not_before:date_of_birth"]
