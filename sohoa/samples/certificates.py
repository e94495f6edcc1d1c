"""Civil-status certificates on the Ministry of Justice forms (Thông tư 04/2020/TT-BTP).

Labels and line order follow docs/document-layouts.md exactly; dates are coherent (birth
before registration, registration within days or weeks of the event, nothing after
REFERENCE_DATE) so extraction validators see realistic documents.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from schemas.fields import DocType
from sohoa.samples.layout import Block
from sohoa.samples.model import REFERENCE_DATE, SampleDocument, add_months, assemble, iso
from sohoa.samples.people import Person, add_years, make_name, make_person, random_date
from sohoa.samples.places import Place, random_place
from sohoa.samples.templates import (
    CERTIFICATE,
    certificate_head,
    certificate_title,
    fields_line,
    pair,
    signature,
    text,
)
from sohoa.samples.texts import date_in_words, dmy, written_date

CAUSES = (
    "Bệnh già",
    "Tai biến mạch máu não",
    "Nhồi máu cơ tim",
    "Suy tim",
    "Ung thư phổi",
    "Ung thư gan",
    "Tai nạn giao thông",
    "Viêm phổi",
)
PURPOSES = (
    "làm thủ tục đăng ký kết hôn",
    "làm thủ tục đăng ký kết hôn",
    "bổ sung hồ sơ vay vốn ngân hàng",
    "làm thủ tục mua bán nhà đất",
    "bổ sung hồ sơ xin việc",
    "làm thủ tục nhận con nuôi",
)


def _number(rng: random.Random, year: int) -> tuple[str, str]:
    """(registration number, book number) such as ("125/2024", "01/2024")."""
    return f"{rng.randint(1, 420)}/{year}", f"{rng.randint(1, 3):02d}/{year}"


def _office(place: Place) -> str:
    """Registration place: "Ủy ban nhân dân phường Dịch Vọng, quận Cầu Giấy, …"."""
    return f"Ủy ban nhân dân {place.commune}, {place.district}, {place.province}"


def _signer(rng: random.Random) -> str:
    family, middle, given = make_name(rng, rng.choice(("Nam", "Nữ")))
    return f"{family} {middle} {given}"


def _identity(p: Person, *, sex: bool = True) -> list[Block]:
    """Name, birth date, sex/ethnicity/nationality and ID number lines of one person."""
    third = [pair("Giới tính:", p.sex)] if sex else []
    return [
        fields_line(pair("Ngày, tháng, năm sinh:", dmy(p.date_of_birth))),
        fields_line(*third, pair("Dân tộc:", p.ethnicity), pair("Quốc tịch:", p.nationality)),
        fields_line(pair("Số định danh cá nhân:", p.id_number)),
    ]


def _head(home: Place, title: str) -> list[Block]:
    return [*certificate_head(home.commune_upper()), certificate_title(title)]


def birth_certificate(rng: random.Random) -> SampleDocument:
    """GIẤY KHAI SINH of a child born since 2016, registered at the parents' commune."""
    home = random_place(rng, street=True)
    office = home.model_copy(update={"street": ""})
    born = random_date(rng, date(2016, 1, 1), REFERENCE_DATE - timedelta(days=10))
    registered = min(born + timedelta(days=rng.randint(1, 60)), REFERENCE_DATE)
    father = make_person(rng, (add_years(born, -45), add_years(born, -20)), "Nam", residence=home)
    mother = make_person(rng, (add_years(born, -42), add_years(born, -18)), "Nữ", residence=home)
    has_father = rng.random() >= 0.05
    child = make_person(
        rng,
        (born, born),
        surname=father.surname if has_father else mother.surname,
        residence=home,
        province_code=home.province_code,
    )
    number, book = _number(rng, registered.year)
    place_of_birth = rng.choice(
        (
            f"Trạm Y tế {home.commune}, {home.district}, {home.province}",
            f"Bệnh viện Đa khoa {home.province}",
            f"Trung tâm Y tế {home.district}, {home.province}",
        )
    )
    blocks = [
        *_head(office, "GIẤY KHAI SINH"),
        fields_line(pair("Số:", number)),
        fields_line(pair("Quyển số:", book)),
        fields_line(pair("Họ, chữ đệm, tên:", child.name_upper), space_before=0.4),
        fields_line(
            pair("Ngày, tháng, năm sinh:", dmy(born)), pair("Ghi bằng chữ:", date_in_words(born))
        ),
        fields_line(
            pair("Giới tính:", child.sex),
            pair("Dân tộc:", child.ethnicity),
            pair("Quốc tịch:", child.nationality),
        ),
        fields_line(pair("Nơi sinh:", place_of_birth)),
        fields_line(pair("Số định danh cá nhân:", child.id_number)),
    ]
    fields = {
        "registration_number": number,
        "book_number": book,
        "full_name": child.name_upper,
        "date_of_birth": iso(born),
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "nationality": child.nationality,
        "place_of_birth": place_of_birth,
        "id_number": child.id_number,
    }
    for who, parent, present in (("mẹ", mother, True), ("cha", father, has_father)):
        key = "mother" if who == "mẹ" else "father"
        name = parent.name_upper if present else ""
        blocks.append(fields_line(pair(f"Họ, chữ đệm, tên người {who}:", name), space_before=0.4))
        if present:
            blocks += [
                fields_line(
                    pair("Năm sinh:", str(parent.date_of_birth.year)),
                    pair("Dân tộc:", parent.ethnicity),
                    pair("Quốc tịch:", parent.nationality),
                ),
                fields_line(pair("Nơi cư trú:", home.full())),
            ]
            fields[f"{key}_name"] = name
            fields[f"{key}_birth_year"] = str(parent.date_of_birth.year)
    blocks += [
        fields_line(pair("Nơi đăng ký khai sinh:", _office(office)), space_before=0.4),
        fields_line(pair("Ngày, tháng, năm đăng ký:", dmy(registered))),
        *signature(
            "NGƯỜI KÝ GIẤY KHAI SINH",
            "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ và đóng dấu)",
            _signer(rng),
        ),
    ]
    fields |= {"registration_date": iso(registered), "registration_place": _office(office)}
    return assemble(DocType.BIRTH_CERTIFICATE, "tt04_2020", CERTIFICATE.name, blocks, fields)


def marriage_certificate(rng: random.Random) -> SampleDocument:
    """GIẤY CHỨNG NHẬN KẾT HÔN: husband at least 20, wife at least 18 on the day."""
    registered = random_date(rng, date(2016, 1, 1), REFERENCE_DATE)
    home = random_place(rng, street=True)
    office = home.model_copy(update={"street": ""})
    day_before = registered - timedelta(days=1)
    husband = make_person(
        rng, (add_years(registered, -50), add_years(day_before, -20)), "Nam", residence=home
    )
    wife = make_person(
        rng,
        (add_years(registered, -45), add_years(day_before, -18)),
        "Nữ",
        residence=home if rng.random() < 0.5 else None,
    )
    number, book = _number(rng, registered.year)
    blocks = [
        *_head(office, "GIẤY CHỨNG NHẬN KẾT HÔN"),
        fields_line(pair("Số:", number), pair("Quyển số:", book)),
    ]
    fields = {"registration_number": number}
    for who, person in (("chồng", husband), ("vợ", wife)):
        key = "husband" if who == "chồng" else "wife"
        blocks += [
            fields_line(pair(f"Họ, chữ đệm, tên {who}:", person.name_upper), space_before=0.4),
            *_identity(person, sex=False),
            fields_line(pair("Nơi cư trú:", person.residence.full())),
        ]
        fields |= {
            f"{key}_name": person.name_upper,
            f"{key}_date_of_birth": iso(person.date_of_birth),
            f"{key}_id_number": person.id_number,
        }
    blocks += [
        fields_line(pair("Nơi đăng ký kết hôn:", _office(office)), space_before=0.4),
        fields_line(pair("Ngày, tháng, năm đăng ký:", dmy(registered))),
        *signature("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", _signer(rng), role=True),
    ]
    fields |= {"registration_date": iso(registered), "registration_place": _office(office)}
    return assemble(DocType.MARRIAGE_CERTIFICATE, "tt04_2020", CERTIFICATE.name, blocks, fields)


def death_certificate(rng: random.Random) -> SampleDocument:
    """TRÍCH LỤC KHAI TỬ, registered within two weeks of a death since 2019."""
    died = random_date(rng, date(2019, 1, 1), REFERENCE_DATE - timedelta(days=14))
    registered = died + timedelta(days=rng.randint(0, 14))
    person = make_person(rng, (date(1925, 1, 1), add_years(died, -30)))
    office = person.residence.model_copy(update={"street": ""})
    number, book = _number(rng, registered.year)
    place_of_death = rng.choice(
        (person.residence.full(), f"Bệnh viện Đa khoa {person.residence.province}")
    )
    time = f"{rng.randint(0, 23)} giờ {rng.choice(range(0, 60, 5)):02d} phút"
    blocks = [
        *_head(office, "TRÍCH LỤC KHAI TỬ"),
        fields_line(pair("Số:", number), pair("Quyển số:", book)),
        fields_line(pair("Họ, chữ đệm, tên:", person.name_upper), space_before=0.4),
        *_identity(person),
        fields_line(pair("Đã chết vào lúc:", f"{time}, ngày {dmy(died)}"), space_before=0.4),
        fields_line(pair("Nơi chết:", place_of_death)),
        fields_line(pair("Nguyên nhân chết:", rng.choice(CAUSES))),
        fields_line(pair("Nơi đăng ký khai tử:", _office(office)), space_before=0.4),
        fields_line(pair("Ngày, tháng, năm đăng ký:", dmy(registered))),
        *signature(
            "NGƯỜI KÝ TRÍCH LỤC", "(Ký, ghi rõ họ, chữ đệm, tên, chức vụ và đóng dấu)", _signer(rng)
        ),
    ]
    fields = {
        "registration_number": number,
        "full_name": person.name_upper,
        "date_of_birth": iso(person.date_of_birth),
        "sex": person.sex,
        "id_number": person.id_number,
        "date_of_death": iso(died),
        "place_of_death": place_of_death,
        "registration_date": iso(registered),
    }
    return assemble(DocType.DEATH_CERTIFICATE, "tt04_2020", CERTIFICATE.name, blocks, fields)


def marital_status_certificate(rng: random.Random) -> SampleDocument:
    """GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN, valid six months from issue."""
    issued = random_date(rng, date(2019, 1, 1), REFERENCE_DATE)
    person = make_person(rng, (add_years(issued, -60), add_years(issued, -18)))
    office = person.residence.model_copy(update={"street": ""})
    valid_until = add_months(issued, 6)
    spouse = "Vợ" if person.sex == "Nam" else "Chồng"
    status = rng.choices(
        (
            "Chưa đăng ký kết hôn với ai",
            "Đã ly hôn, hiện tại chưa đăng ký kết hôn với ai",
            f"{spouse} đã chết, hiện tại chưa đăng ký kết hôn với ai",
        ),
        weights=(8, 1.5, 0.5) if person.age_on(issued) >= 25 else (1, 0, 0),
    )[0]
    purpose = rng.choice(PURPOSES)
    number = f"{rng.randint(1, 300)}/XNTTHN"
    residence = person.residence.full()
    blocks = [
        *_head(office, "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN"),
        fields_line(pair("Số:", number)),
        text("XÁC NHẬN:", bold=True, space_before=0.4),
        fields_line(pair("Họ, chữ đệm, tên:", person.name_upper)),
        fields_line(pair("Ngày, tháng, năm sinh:", dmy(person.date_of_birth))),
        fields_line(
            pair("Giới tính:", person.sex),
            pair("Dân tộc:", person.ethnicity),
            pair("Quốc tịch:", person.nationality),
        ),
        fields_line(pair("Số định danh cá nhân:", person.id_number)),
        fields_line(pair("Nơi cư trú:", residence)),
        fields_line(pair("Tình trạng hôn nhân:", f"{status}."), space_before=0.4),
        fields_line(pair("Giấy này được cấp để:", purpose)),
        fields_line(pair("Giấy này có giá trị sử dụng đến ngày:", dmy(valid_until))),
        text(
            f"{office.province_name}, {written_date(issued)}",
            italic=True,
            align="right",
            space_before=0.6,
        ),
        *signature("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", _signer(rng), role=True),
    ]
    fields = {
        "registration_number": number,
        "full_name": person.name_upper,
        "date_of_birth": iso(person.date_of_birth),
        "sex": person.sex,
        "id_number": person.id_number,
        "place_of_residence": residence,
        "marital_status": status,
        "purpose": purpose,
        "issue_date": iso(issued),
        "valid_until": iso(valid_until),
    }
    return assemble(
        DocType.MARITAL_STATUS_CERTIFICATE, "tt04_2020", CERTIFICATE.name, blocks, fields
    )
