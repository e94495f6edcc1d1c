"""OCR digit repairs: each confusion, spaces, and only where the result validates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from pipeline.extract.repair import candidates, repair_confusions, repair_spaces
from pipeline.extract.resolve import read
from pipeline.extract.spec import Kind
from pipeline.extract.validate import IdContext, id_number_issues, value_issues

TODAY = date(2025, 6, 1)


def id_check(birth_year: int | None = 1995, sex: str | None = "Nam") -> Callable[[str], list[str]]:
    ctx = IdContext(birth_year=birth_year, sex=sex)
    return lambda v: id_number_issues(v, ctx, TODAY)


def no_check(_: str) -> list[str]:
    return []


@pytest.mark.parametrize(
    ("letter", "digit"),
    [
        ("O", "0"),
        ("o", "0"),
        ("D", "0"),
        ("Q", "0"),
        ("l", "1"),
        ("I", "1"),
        ("i", "1"),
        ("|", "1"),
        ("!", "1"),
        ("Z", "2"),
        ("S", "5"),
        ("s", "5"),
        ("B", "8"),
        ("G", "6"),
        ("b", "6"),
        ("g", "9"),
        ("q", "9"),
        ("T", "7"),
    ],
)
def test_each_confusion(letter: str, digit: str) -> None:
    fixed, rules = repair_confusions(f"12{letter}456")
    assert fixed == f"12{digit}456"
    assert rules == [f"{letter}>{digit}"]


def test_words_are_left_alone() -> None:
    assert repair_confusions("Số Nam SOS") == ("Số Nam SOS", [])
    assert repair_confusions("lO") == ("lO", [])  # no real digit: not a number
    assert repair_confusions("1OOO") == ("1OOO", [])  # mostly letters: not a number


def test_confusions_inside_a_date() -> None:
    assert repair_confusions("l2/O3/l995") == ("12/03/1995", ["l>1", "O>0"])


def test_spaces_joined_between_digits_only() -> None:
    assert repair_spaces("001 095 012345") == "001095012345"
    assert repair_spaces("Số 12 ngõ") == "Số 12 ngõ"


def test_candidates_in_order() -> None:
    assert candidates("0O1 095012345") == [
        ("0O1095012345", "repair.spaces"),
        ("001 095012345", "repair.confusion:O>0"),
        ("001095012345", "repair.confusion:O>0+spaces"),
    ]
    assert candidates("001095012345") == []


def test_clean_reading_is_not_repaired() -> None:
    reading = read(Kind.ID_NUMBER, "001095012345", id_check())
    assert (reading.value, reading.rank, reading.issues) == ("001095012345", 0, [])


@pytest.mark.parametrize(
    ("raw", "rule"),
    [
        ("0O1095012345", "repair.confusion:O>0"),
        ("0010950l2345", "repair.confusion:l>1"),
        ("00109S012345", "repair.confusion:S>5"),
        ("001 095 012345", "repair.spaces"),
        ("0010950 12345", "repair.spaces"),
        ("0O1 095012345", "repair.confusion:O>0+spaces"),
    ],
)
def test_id_number_repaired_when_it_validates(raw: str, rule: str) -> None:
    reading = read(Kind.ID_NUMBER, raw, id_check())
    assert (reading.value, reading.rank, reading.issues) == ("001095012345", 1, [rule])


def test_id_repair_rejected_when_province_invalid() -> None:
    reading = read(Kind.ID_NUMBER, "O99095012345", id_check())
    assert reading.rank == 3
    assert reading.value == "99095012345"
    assert reading.issues == ["id_number.unparsed"]


def test_id_repair_rejected_when_birth_year_disagrees() -> None:
    reading = read(Kind.ID_NUMBER, "0O1095012345", id_check(birth_year=1996))
    assert reading.rank == 3
    assert "repair" not in " ".join(reading.issues)


def test_id_spaces_repair_rejected_when_length_still_wrong() -> None:
    reading = read(Kind.ID_NUMBER, "001 095 01234", id_check())
    assert reading.rank == 2
    assert reading.value == "001"
    assert reading.issues == ["id_number.length"]


def test_date_repaired() -> None:
    reading = read(Kind.DATE, "12/O3/l995", no_check)
    assert (reading.value, reading.rank) == ("1995-03-12", 1)
    assert reading.issues == ["repair.confusion:O>0,l>1"]


def test_date_repair_rejected_when_not_a_real_date() -> None:
    reading = read(Kind.DATE, "31/O2/1995", no_check)
    assert reading.rank == 3
    assert reading.issues == ["date.unparsed"]


def test_date_spaces_repaired() -> None:
    reading = read(Kind.DATE, "12/03/19 95", no_check)
    assert (reading.value, reading.rank, reading.issues) == ("1995-03-12", 1, ["repair.spaces"])


def test_year_and_doc_number_repaired() -> None:
    assert read(Kind.YEAR, "l996", no_check).value == "1996"
    doc = read(Kind.DOC_NUMBER, "l25/2O24", no_check)
    assert (doc.value, doc.rank) == ("125/2024", 1)


def test_names_are_never_repaired() -> None:
    reading = read(Kind.NAME, "NGUY3N VAN AN", lambda v: ["name.digits"] if "3" in v else [])
    assert reading.rank == 2
    assert reading.value == "NGUY3N VAN AN"


@pytest.mark.parametrize(
    ("raw", "expected", "rule"),
    [
        ("12I11/1971", "1971-11-12", "repair.slash"),
        ("05/02!I2018", "2018-02-05", "repair.slash"),
        ("22I12I2021", "2021-12-22", "repair.slash"),
        ("04I07I11982", "1982-07-04", "repair.slash_digit"),
        ("1410411964", "1964-04-14", "repair.slash_digit"),
        ("13/0211984", "1984-02-13", "repair.slash_digit"),  # one slash read, one a 1
        ("13102/1984", "1984-02-13", "repair.slash_digit"),
    ],
)
def test_date_slash_read_as_a_stroke_is_put_back(raw: str, expected: str, rule: str) -> None:
    reading = read(Kind.DATE, raw, no_check)
    assert (reading.value, reading.rank, reading.issues) == (expected, 1, [rule])


def test_stroke_between_digit_groups_is_not_taken_for_a_one_first() -> None:
    """12I11/1971 is 12/11/1971, not 12/1/1971 with the stroke and a 1 read as one slash."""
    assert read(Kind.DATE, "12I11/1971", no_check).value == "1971-11-12"


@pytest.mark.parametrize(
    ("raw", "expected", "rule"),
    [
        ("82I2024", "82/2024", "repair.slash"),
        ("255IXNTTHN", "255/XNTTHN", "repair.slash"),
        ("17112018", "171/2018", "repair.slash_digit"),
    ],
)
def test_registration_number_slash_put_back(raw: str, expected: str, rule: str) -> None:
    reading = read(Kind.DOC_NUMBER, raw, lambda v: value_issues(Kind.DOC_NUMBER, v))
    assert (reading.value, reading.rank, reading.issues) == (expected, 1, [rule])


def test_plain_registration_numbers_stay_as_read() -> None:
    for raw in ("171/2018", "12", "88/XNTTHN", "123456"):
        assert read(Kind.DOC_NUMBER, raw, lambda v: value_issues(Kind.DOC_NUMBER, v)).rank == 0
