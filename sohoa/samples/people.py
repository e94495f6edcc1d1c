"""Random but realistic Vietnamese identities, reproducible from a `random.Random`.

Ground truth for OCR and extraction tests needs people whose data hang together: the sex
matches the middle name (Văn/Thị), the 12-digit personal ID number encodes the province of
birth registration, century-and-sex digit and birth year exactly as shared/fields.md says.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel

from schemas.vietnamese import normalize_name
from sohoa.samples.places import PROVINCE_CODES, Place, random_place, random_province_code

Sex = Literal["Nam", "Nữ"]

# fmt: off
# Surname frequencies (percent, rounded) after the usual Vietnamese surname statistics.
SURNAMES: dict[str, float] = {
    "Nguyễn": 38, "Trần": 11, "Lê": 9.5, "Phạm": 7, "Hoàng": 3, "Huỳnh": 2.1, "Phan": 4.5,
    "Vũ": 2, "Võ": 1.9, "Đặng": 2.1, "Bùi": 2, "Đỗ": 1.4, "Hồ": 1.3, "Ngô": 1.3,
    "Dương": 1, "Lý": 0.5, "Trương": 0.8, "Đinh": 0.7, "Đoàn": 0.6, "Lâm": 0.4, "Mai": 0.4,
    "Trịnh": 0.4, "Cao": 0.3, "Lương": 0.3, "Tạ": 0.2, "Hà": 0.3, "Chu": 0.2, "Lưu": 0.2,
    "Quách": 0.1, "Tô": 0.1, "Kiều": 0.1, "Vương": 0.1, "Thái": 0.1, "Ông": 0.1,
}
MIDDLE_NAMES: dict[Sex, tuple[str, ...]] = {
    "Nam": ("Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Thành", "Xuân",
            "Tuấn", "Gia", "Đình", "Trọng", "Quốc", "Hoàng", "Thanh", "Ngọc", "Anh"),
    "Nữ": ("Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Minh", "Kim", "Hồng",
           "Phương", "Bảo", "Khánh", "Diệu", "Mai", "Thùy", "Hoài", "Ngọc"),
}
SECOND_MIDDLE: dict[Sex, tuple[str, ...]] = {
    "Nam": ("Minh", "Anh", "Hoàng", "Quốc", "Đức", "Thế", "Bảo"),
    "Nữ": ("Thu", "Ngọc", "Thanh", "Mỹ", "Bích", "Kim", "Thúy", "Hải"),
}
GIVEN_NAMES: dict[Sex, tuple[str, ...]] = {
    "Nam": ("An", "Anh", "Bảo", "Bình", "Cường", "Dũng", "Duy", "Đạt", "Đức", "Dương",
            "Giang", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khang", "Khánh", "Khoa", "Kiên",
            "Lâm", "Long", "Lộc", "Mạnh", "Minh", "Nam", "Nghĩa", "Nhật", "Phong", "Phúc",
            "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Tiến", "Toàn",
            "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Vũ", "Hưng", "Lực", "Tường", "Hậu"),
    "Nữ": ("An", "Anh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hằng", "Hạnh",
           "Hiền", "Hoa", "Hồng", "Huệ", "Hương", "Hường", "Lan", "Liên", "Linh", "Loan",
           "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh", "Phương", "Quỳnh", "Thảo",
           "Thủy", "Trang", "Trâm", "Uyên", "Vân", "Vy", "Xuân", "Yến", "Nguyệt", "Thư"),
}
# Ethnic groups: Kinh is about 85 % of the population, the rest spread over 53 groups.
ETHNICITIES: dict[str, float] = {
    "Kinh": 85, "Tày": 2, "Thái": 2, "Mường": 1.5, "Khmer": 1.4, "Hoa": 1, "Nùng": 1,
    "H'Mông": 1.3, "Dao": 0.9, "Gia Rai": 0.5, "Ê Đê": 0.4, "Ba Na": 0.3, "Sán Dìu": 0.2,
}
# fmt: on
NATIONALITY = "Việt Nam"


def nfc(text: str) -> str:
    """NFC with single spaces, the canonical text form of fields.md."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def upper_name(name: str) -> str:
    """Normalised name value: NFC, upper case, single spaced ("NGUYỄN VĂN AN")."""
    return normalize_name(name)


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A uniform date in [start, end]."""
    if end < start:
        raise ValueError(f"empty date range {start}..{end}")
    return start + timedelta(days=rng.randint(0, (end - start).days))


def add_years(day: date, years: int) -> date:
    """Same calendar day `years` later (29 Feb falls back to 28 Feb)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def century_sex_digit(birth_year: int, sex: Sex) -> int:
    """The G digit: 1900s male 0 / female 1, 2000s 2 / 3, … up to 2300s 8 / 9."""
    century = birth_year // 100 - 19
    if not 0 <= century <= 4:
        raise ValueError(f"birth year {birth_year} outside 1900-2399")
    return 2 * century + (1 if sex == "Nữ" else 0)


def make_id_number(rng: random.Random, province_code: str, birth_year: int, sex: Sex) -> str:
    """A structurally valid 12-digit personal ID number (PPP G YY NNNNNN)."""
    if province_code not in PROVINCE_CODES:
        raise ValueError(f"unknown province code {province_code!r}")
    digit = century_sex_digit(birth_year, sex)
    return f"{province_code}{digit}{birth_year % 100:02d}{rng.randrange(10**6):06d}"


def id_number_is_valid(number: str, birth_year: int, sex: Sex) -> bool:
    """True when `number` is 12 digits with a real province code and matching G and YY."""
    if len(number) != 12 or not number.isdigit() or number[:3] not in PROVINCE_CODES:
        return False
    try:
        digit = century_sex_digit(birth_year, sex)
    except ValueError:
        return False
    return number[3] == str(digit) and number[4:6] == f"{birth_year % 100:02d}"


def make_cmnd_number(rng: random.Random) -> str:
    """An old 9-digit CMND number (no structure beyond a plausible leading digit)."""
    return f"{rng.choice('0123')}{rng.randrange(10**8):08d}"


class Person(BaseModel):
    """One citizen: everything a civil document may print about them."""

    surname: str
    middle: str
    given: str
    sex: Sex
    date_of_birth: date
    id_number: str
    cmnd_number: str
    ethnicity: str
    nationality: str = NATIONALITY
    origin: Place  # quê quán; its province registered the birth (ID number prefix)
    residence: Place

    @property
    def full_name(self) -> str:
        return nfc(f"{self.surname} {self.middle} {self.given}")

    @property
    def name_upper(self) -> str:
        return upper_name(self.full_name)

    def age_on(self, day: date) -> int:
        """Completed years on `day`."""
        had_birthday = (day.month, day.day) >= (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - (0 if had_birthday else 1)


def make_name(rng: random.Random, sex: Sex, surname: str | None = None) -> tuple[str, str, str]:
    """(surname, middle name(s), given name) with the middle name matching the sex."""
    family = surname or rng.choices(list(SURNAMES), weights=list(SURNAMES.values()))[0]
    middle = rng.choice(MIDDLE_NAMES[sex])
    if rng.random() < 0.15:
        middle = f"{middle} {rng.choice(SECOND_MIDDLE[sex])}"
    given = rng.choice(GIVEN_NAMES[sex])
    while middle.endswith(given):
        given = rng.choice(GIVEN_NAMES[sex])
    return family, middle, given


def make_person(
    rng: random.Random,
    born_between: tuple[date, date],
    sex: Sex | None = None,
    surname: str | None = None,
    residence: Place | None = None,
    province_code: str | None = None,
) -> Person:
    """A coherent person born in the given range; the ID number matches birth and sex.

    `province_code` is where the birth was registered (the ID number's prefix); by default
    a gazetteer province, which is also the person's place of origin.
    """
    sexes: tuple[Sex, Sex] = ("Nam", "Nữ")
    chosen: Sex = sex if sex is not None else rng.choice(sexes)
    family, middle, given = make_name(rng, chosen, surname)
    born = random_date(rng, *born_between)
    code = province_code or random_province_code(rng)
    origin = random_place(rng, code)
    home = residence or (
        random_place(rng, code, street=True)
        if rng.random() < 0.6
        else random_place(rng, street=True)
    )
    ethnicity = rng.choices(list(ETHNICITIES), weights=list(ETHNICITIES.values()))[0]
    return Person(
        surname=family,
        middle=middle,
        given=given,
        sex=chosen,
        date_of_birth=born,
        id_number=make_id_number(rng, code, born.year, chosen),
        cmnd_number=make_cmnd_number(rng),
        ethnicity=ethnicity,
        origin=origin,
        residence=home,
    )
