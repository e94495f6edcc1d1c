"""Sample generator ground truth: valid ID numbers, ordered dates, fields.md names."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import date

import pytest

from schemas.fields import DocType
from sohoa.samples import (
    FIELDS_BY_TYPE,
    PROVINCE_CODES,
    REFERENCE_DATE,
    VARIANTS,
    SampleDocument,
    build_document,
    card_expiry,
    document_for_index,
    id_number_is_valid,
    make_id_number,
    make_person,
)
from sohoa.samples.texts import date_in_words, number_words, written_date

DOCS: list[SampleDocument] = [
    document_for_index(seed, i) for seed in (0, 1, 2) for i in range(len(VARIANTS) * 3)
]
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_FIELDS = {
    "date_of_birth",
    "registration_date",
    "issue_date",
    "valid_until",
    "expiry_date",
    "date_of_death",
    "husband_date_of_birth",
    "wife_date_of_birth",
}
NAME_FIELDS = {"full_name", "mother_name", "father_name", "husband_name", "wife_name"}


def d(doc: SampleDocument, name: str) -> date:
    return date.fromisoformat(doc.fields[name])


def test_corpus_covers_every_type_but_other() -> None:
    kinds = {doc.doc_type for doc in DOCS}
    assert kinds == set(DocType) - {DocType.OTHER}
    assert {(doc.doc_type, doc.variant) for doc in DOCS} == set(VARIANTS)


def test_deterministic_from_seed() -> None:
    assert document_for_index(5, 3) == document_for_index(5, 3)
    assert document_for_index(5, 3) != document_for_index(6, 3)
    first = build_document(DocType.ID_CARD, random.Random(9), "cmnd")
    assert first == build_document(DocType.ID_CARD, random.Random(9), "cmnd")


@pytest.mark.parametrize(
    "doc",
    DOCS,
    ids=lambda doc: (
        f"{doc.variant}-{doc.fields['full_name']}" if "full_name" in doc.fields else doc.variant
    ),
)
def test_fields_are_normalised_and_named_as_in_fields_md(doc: SampleDocument) -> None:
    assert set(doc.fields) <= set(FIELDS_BY_TYPE[doc.doc_type])
    assert doc.lines and all(line == " ".join(line.split()) for line in doc.lines)
    for name, value in doc.fields.items():
        assert value == unicodedata.normalize("NFC", value) and value == value.strip()
        if name in DATE_FIELDS:
            assert ISO.match(value), (name, value)
            assert date.fromisoformat(value) <= date(2100, 1, 1)
        if name in NAME_FIELDS:
            assert value == value.upper() and "  " not in value
        if name == "sex":
            assert value in ("Nam", "Nữ")
        if name.endswith("id_number"):
            assert value.isdigit() and len(value) in (9, 12)
    text = " ".join(doc.lines)
    for name in NAME_FIELDS & set(doc.fields):
        assert doc.fields[name] in text  # names are printed upper case


def _holders(doc: SampleDocument) -> list[tuple[str, str, str | None]]:
    """(id field, birth-date field, sex or None) for every person on the document."""
    if doc.doc_type is DocType.MARRIAGE_CERTIFICATE:
        return [
            ("husband_id_number", "husband_date_of_birth", "Nam"),
            ("wife_id_number", "wife_date_of_birth", "Nữ"),
        ]
    if doc.doc_type is DocType.ADMINISTRATIVE_DOCUMENT:
        return []  # names no citizen
    if doc.doc_type is DocType.LAND_USE_CERTIFICATE:
        return []  # holders' birth years only: checked in test_land_holders_ids_match_year
    if doc.doc_type is DocType.BUSINESS_HOUSEHOLD_CERTIFICATE:
        return []  # the owner's birth date is not printed
    return [("id_number", "date_of_birth", doc.fields.get("sex"))]


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.variant)
def test_id_numbers_match_birth_year_and_sex(doc: SampleDocument) -> None:
    for id_field, born_field, sex in _holders(doc):
        number = doc.fields[id_field]
        if doc.variant == "cmnd":
            assert len(number) == 9
            continue
        year = d(doc, born_field).year
        assert number[:3] in PROVINCE_CODES
        if sex is not None:
            assert id_number_is_valid(number, year, sex)  # type: ignore[arg-type]
        else:
            assert number[4:6] == f"{year % 100:02d}"


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.variant)
def test_dates_are_ordered(doc: SampleDocument) -> None:
    f = doc.fields
    births = [date.fromisoformat(f[k]) for k in f if k.endswith("date_of_birth")]
    later = [
        date.fromisoformat(f[k])
        for k in ("registration_date", "issue_date", "date_of_death")
        if k in f
    ]
    assert all(b <= x <= REFERENCE_DATE for b in births for x in later)
    if "date_of_death" in f:
        assert d(doc, "date_of_death") <= d(doc, "registration_date")
    if "valid_until" in f:
        assert d(doc, "issue_date") < d(doc, "valid_until")
    if "expiry_date" in f:
        assert d(doc, "date_of_birth") < d(doc, "expiry_date")
    if "mother_birth_year" in f:
        assert int(f["mother_birth_year"]) + 18 <= d(doc, "date_of_birth").year


def test_id_number_structure() -> None:
    rng = random.Random(1)
    assert make_id_number(rng, "001", 1995, "Nam")[:6] == "001095"
    assert make_id_number(rng, "079", 1992, "Nữ")[:6] == "079192"
    assert make_id_number(rng, "096", 2024, "Nam")[:6] == "096224"
    assert make_id_number(rng, "036", 2005, "Nữ")[:6] == "036305"
    assert id_number_is_valid("001095012345", 1995, "Nam")
    assert not id_number_is_valid("001095012345", 1995, "Nữ")
    assert not id_number_is_valid("003095012345", 1995, "Nam")  # 003 is not a province
    with pytest.raises(ValueError):
        make_id_number(rng, "003", 1995, "Nam")
    for _ in range(200):
        person = make_person(rng, (date(1930, 1, 1), date(2024, 12, 31)))
        assert id_number_is_valid(person.id_number, person.date_of_birth.year, person.sex)
        assert person.middle.startswith("Văn") <= (person.sex == "Nam")
        assert person.middle.startswith("Thị") <= (person.sex == "Nữ")


def test_card_expiry_rule() -> None:
    born = date(1995, 3, 12)
    assert card_expiry(born, date(2015, 6, 1)) == date(2020, 3, 12)  # issued at 20: until 25
    assert card_expiry(born, date(2021, 6, 1)) == date(2035, 3, 12)  # at 26: until 40
    assert card_expiry(born, date(2033, 6, 1)) == date(2055, 3, 12)  # within 2 y of 40
    assert card_expiry(date(1960, 1, 1), date(2021, 6, 1)) is None  # over 58: for life


def test_written_dates() -> None:
    assert date_in_words(date(2024, 3, 12)) == (
        "Ngày mười hai tháng ba năm hai nghìn không trăm hai mươi tư"
    )
    assert number_words(2005) == "hai nghìn không trăm linh năm"
    assert number_words(1995) == "một nghìn chín trăm chín mươi lăm"
    assert number_words(21) == "hai mươi mốt"
    assert written_date(date(2024, 3, 15)) == "ngày 15 tháng 3 năm 2024"


def test_marital_status_lines_follow_the_layout() -> None:
    doc = build_document(DocType.MARITAL_STATUS_CERTIFICATE, random.Random(3))
    issued = d(doc, "issue_date")
    assert doc.lines[-4].endswith(written_date(issued))
    assert f"Số: {doc.fields['registration_number']}" in doc.lines
    assert doc.fields["registration_number"].endswith("/XNTTHN")


def test_administrative_documents_print_their_fields() -> None:
    """Every field of the truth is printed (the number's digits as written, maybe by pen)."""
    docs = [doc for doc in DOCS if doc.doc_type is DocType.ADMINISTRATIVE_DOCUMENT]
    assert docs
    for doc in docs:
        text = " ".join(doc.lines)
        digits, symbol = doc.fields["document_number"].split("/", 1)
        assert f"/{symbol}" in text and digits in text
        for name in ("issuing_body", "signer_name", "issue_place"):
            assert doc.fields[name].split()[-1] in text
        assert set(doc.handwritten) <= {"document_number", "issue_date"}


def test_land_holders_ids_match_their_printed_birth_years() -> None:
    docs = [doc for doc in DOCS if doc.doc_type is DocType.LAND_USE_CERTIFICATE]
    assert docs
    for doc in docs:
        text = " ".join(doc.lines)
        for role in ("holder", "co_holder"):
            number = doc.fields.get(f"{role}_id_number")
            if number is None:
                continue
            assert number[:3] in PROVINCE_CODES
            assert f"Năm sinh: 19{number[4:6]}" in text or f"Năm sinh: 20{number[4:6]}" in text
