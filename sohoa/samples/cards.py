"""ID card fronts: 2021 chip CCCD, 2024 Căn cước and the old 9-digit CMND.

Each builder draws a holder whose card dates are coherent: issued within the card's era,
holder at least 14 at issue, and (2021 card) an expiry that follows the renewal rule.
"""

from __future__ import annotations

import random
from datetime import date

from schemas.fields import DocType
from sohoa.samples.model import REFERENCE_DATE, SampleDocument, assemble, iso
from sohoa.samples.people import Person, add_years, make_person, random_date
from sohoa.samples.templates import CARD, card_head, fields_line, pair, text
from sohoa.samples.texts import dmy

RENEWAL_AGES = (25, 40, 60)


def card_expiry(date_of_birth: date, issue_date: date) -> date | None:
    """Expiry of a citizen ID card issued on `issue_date`, or None (valid for life).

    Cards are renewed at 25, 40 and 60; a card issued within the two years before one of
    those ages stays valid until the next one (Luật Căn cước công dân 2014, art. 21).
    After the last renewal age the card has no expiry.
    """
    for age in RENEWAL_AGES:
        renewal = add_years(date_of_birth, age)
        if issue_date < add_years(renewal, -2):
            return renewal
    return None


def _holder(rng: random.Random, issued_from: date, issued_to: date) -> tuple[Person, date]:
    issue = random_date(rng, issued_from, issued_to)
    start = add_years(issue, -80)
    person = make_person(rng, (start, add_years(issue, -14)))
    return person, issue


def cccd_2021(rng: random.Random) -> SampleDocument:
    """2021 chip card front (CĂN CƯỚC CÔNG DÂN)."""
    person, issue = _holder(rng, date(2021, 1, 1), date(2024, 6, 30))
    expiry = card_expiry(person.date_of_birth, issue)
    origin, residence = person.origin.card(), person.residence.card()
    blocks = [
        *card_head("CĂN CƯỚC CÔNG DÂN", "Citizen Identity Card"),
        fields_line(pair("Số / No.:", person.id_number), scale=1.1),
        text("Họ và tên / Full name:"),
        text(person.name_upper, filled=True, bold=True, scale=1.1),
        fields_line(pair("Ngày sinh / Date of birth:", dmy(person.date_of_birth))),
        fields_line(
            pair("Giới tính / Sex:", person.sex),
            pair("Quốc tịch / Nationality:", person.nationality),
        ),
        text("Quê quán / Place of origin:"),
        text(origin, filled=True, bold=True),
        text("Nơi thường trú / Place of residence:"),
        text(residence, filled=True, bold=True),
        fields_line(
            pair("Có giá trị đến / Date of expiry:", dmy(expiry) if expiry else "Không thời hạn"),
            space_before=0.2,
        ),
    ]
    fields = {
        "id_number": person.id_number,
        "full_name": person.name_upper,
        "date_of_birth": iso(person.date_of_birth),
        "sex": person.sex,
        "nationality": person.nationality,
        "place_of_origin": origin,
        "place_of_residence": residence,
    }
    if expiry:
        fields["expiry_date"] = iso(expiry)
    qr = "|".join(
        (
            person.id_number,
            person.cmnd_number if rng.random() < 0.7 else "",
            person.full_name,
            dmy(person.date_of_birth, ""),
            person.sex,
            residence,
            dmy(issue, ""),
        )
    )
    return assemble(DocType.ID_CARD, "cccd_2021", CARD.name, blocks, fields, qr=qr)


def can_cuoc_2024(rng: random.Random) -> SampleDocument:
    """2024 card front (CĂN CƯỚC): no address or dates besides the birth date."""
    person, _ = _holder(rng, date(2024, 7, 1), REFERENCE_DATE)
    blocks = [
        *card_head("CĂN CƯỚC", "IDENTITY CARD"),
        text("Số định danh cá nhân / Personal identification number:", scale=0.82),
        text(person.id_number, filled=True, bold=True, scale=1.15),
        text(
            "Họ, chữ đệm và tên khai sinh / Surname, middle name and given name:",
            scale=0.82,
            space_before=0.2,
        ),
        text(person.name_upper, filled=True, bold=True, scale=1.1),
        fields_line(
            pair("Ngày, tháng, năm sinh / Date of birth:", dmy(person.date_of_birth)),
            space_before=0.2,
        ),
        fields_line(
            pair("Giới tính / Sex:", person.sex),
            pair("Quốc tịch / Nationality:", person.nationality),
        ),
    ]
    fields = {
        "id_number": person.id_number,
        "full_name": person.name_upper,
        "date_of_birth": iso(person.date_of_birth),
        "sex": person.sex,
        "nationality": person.nationality,
    }
    return assemble(DocType.ID_CARD, "can_cuoc_2024", CARD.name, blocks, fields)


def cmnd(rng: random.Random) -> SampleDocument:
    """Old CMND front: 9-digit number, values typed (regular weight), dates dd-mm-yyyy.

    A monospaced "typewriter" font was tried: DejaVu Sans Mono squeezes the stacked
    Vietnamese tone marks beside the letter and Tesseract misreads them, so it is not used.
    """
    person, _ = _holder(rng, date(1995, 1, 1), date(2015, 12, 31))
    origin, residence = person.origin.card(), person.residence.card()
    blocks = [
        *card_head("GIẤY CHỨNG MINH NHÂN DÂN", ""),
        fields_line(pair("Số", person.cmnd_number, bold=False), scale=1.2),
        fields_line(pair("Họ tên:", person.name_upper, bold=False), space_before=0.2),
        fields_line(pair("Sinh ngày:", dmy(person.date_of_birth, "-"), bold=False)),
        fields_line(pair("Nguyên quán:", origin, bold=False)),
        fields_line(pair("Nơi ĐKHK thường trú:", residence, bold=False)),
    ]
    fields = {
        "id_number": person.cmnd_number,
        "full_name": person.name_upper,
        "date_of_birth": iso(person.date_of_birth),
        "place_of_origin": origin,
        "place_of_residence": residence,
    }
    return assemble(DocType.ID_CARD, "cmnd", CARD.name, blocks, fields)
