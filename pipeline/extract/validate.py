"""Is a value plausible on its own and against the rest of the document?

Issue codes are short and stable (``id_number.birth_year_mismatch``); the review screen turns
them into Vietnamese (`review.describe`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pipeline.extract.spec import DocRules, Kind
from schemas.fields import ExtractedField

# Province/city codes of the place of birth registration, Thông tư 07/2016/TT-BCA (63 units).
# fmt: off
_PROVINCE_NUMBERS = (
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33,
    34, 35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64,
    66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94,
    95, 96,
)
# fmt: on
PROVINCE_CODES: frozenset[str] = frozenset(f"{n:03d}" for n in _PROVINCE_NUMBERS)

FEMALE = "Nữ"


@dataclass(frozen=True)
class IdContext:
    """What the rest of the document says about the ID number's holder."""

    birth_year: int | None = None
    sex: str | None = None
    allow_cmnd: bool = False


def decode_century_sex(digit: int) -> tuple[int, str]:
    """The 4th digit: 0/1 → 1900s male/female, 2/3 → 2000s, 4/5 → 2100s … 8/9 → 2300s."""
    return 1900 + 100 * (digit // 2), FEMALE if digit % 2 else "Nam"


def id_number_issues(value: str, ctx: IdContext, today: date) -> list[str]:
    """Structure of the 12-digit personal ID number, and agreement with birth year and sex.

    A 9-digit number is an old CMND, accepted only where ``ctx.allow_cmnd`` (ID cards); it has no
    structure to check.
    """
    if not re.fullmatch(r"[0-9]+", value):
        return ["id_number.not_digits"]
    if len(value) == 9:
        return [] if ctx.allow_cmnd else ["id_number.cmnd_not_accepted"]
    if len(value) != 12:
        return ["id_number.length"]
    issues: list[str] = []
    if value[:3] not in PROVINCE_CODES:
        issues.append("id_number.province")
    century, sex = decode_century_sex(int(value[3]))
    encoded_year = century + int(value[4:6])
    if encoded_year > today.year:
        issues.append("id_number.birth_year_future")
    if ctx.birth_year is not None:
        if ctx.birth_year // 100 * 100 != century:
            issues.append("id_number.century_mismatch")
        if ctx.birth_year % 100 != int(value[4:6]):
            issues.append("id_number.birth_year_mismatch")
    if ctx.sex is not None and ctx.sex != sex:
        issues.append("id_number.sex_mismatch")
    return issues


_TWO_CAPITALS = re.compile(r"[A-ZĐ]{2} \d{6,8}$")
_SLASH_LOOKALIKE = re.compile(r"\d[Il|!]")
_LONGEST_BARE_NUMBER = 7
"""Registration numbers are printed number/year or number/symbol; seven bare digits are a
number and year whose slash was misread."""


def value_issues(kind: Kind, value: str) -> list[str]:
    """Checks on a value alone, for kinds other than ID numbers."""
    if kind is Kind.NAME and any(c.isdigit() for c in value):
        return ["name.digits"]
    if kind is Kind.SERIAL and not _TWO_CAPITALS.match(value):
        return ["serial.series"]  # series are two capitals: BĐĐ is a letter read twice
    if kind is Kind.DOC_NUMBER:
        if not value[:1].isdigit():
            return ["doc_number.unparsed"]
        if _SLASH_LOOKALIKE.search(value):
            return ["doc_number.lookalike"]  # 82I2024: a stroke between digits is a slash
        if value.isdigit() and len(value) >= _LONGEST_BARE_NUMBER:
            return ["doc_number.no_separator"]  # 17112018: number/year with its slash lost
    return []


def year_of(field: ExtractedField | None) -> int | None:
    """The year of a valid ISO date or year value."""
    if field is None or not field.valid or not re.match(r"\d{4}", field.value):
        return None
    return int(field.value[:4])


def id_context(rules: DocRules, id_field: str, fields: dict[str, ExtractedField]) -> IdContext:
    """Birth year and sex the ID number ``id_field`` must agree with, from ``rules.id_checks``."""
    for check in rules.id_checks:
        if check.id_field != id_field:
            continue
        sex = check.sex
        if sex is None and check.sex_field:
            sex_field = fields.get(check.sex_field)
            sex = sex_field.value if sex_field and sex_field.valid else None
        birth = year_of(fields.get(check.birth_field)) if check.birth_field else None
        return IdContext(birth_year=birth, sex=sex, allow_cmnd=rules.allow_cmnd)
    return IdContext(allow_cmnd=rules.allow_cmnd)


def _invalidate(field: ExtractedField, issue: str) -> None:
    field.valid = False
    if issue not in field.issues:
        field.issues.append(issue)


def _as_date(field: ExtractedField, kind: Kind) -> tuple[date, date] | None:
    """(earliest, latest) day a date or year value can stand for."""
    try:
        if kind is Kind.DATE:
            d = date.fromisoformat(field.value)
            return d, d
        if kind is Kind.YEAR:
            y = int(field.value)
            return date(y, 1, 1), date(y, 12, 31)
    except ValueError:
        return None
    return None


def check_dates(rules: DocRules, fields: dict[str, ExtractedField], today: date) -> None:
    """Dates not in the future (except expiry-like ones) and in ``rules.date_order``."""
    for spec in rules.fields:
        field = fields.get(spec.name)
        if field is None or not field.valid or spec.future_ok:
            continue
        span = _as_date(field, spec.kind)
        if span and span[0] > today:
            _invalidate(field, f"{spec.kind.value}.future")
    for earlier_name, later_name in rules.date_order:
        earlier, later = fields.get(earlier_name), fields.get(later_name)
        e_spec, l_spec = rules.field(earlier_name), rules.field(later_name)
        if not (earlier and later and e_spec and l_spec and earlier.valid and later.valid):
            continue
        e_span, l_span = _as_date(earlier, e_spec.kind), _as_date(later, l_spec.kind)
        if e_span and l_span and e_span[0] > l_span[1]:
            _invalidate(earlier, f"date.not_before:{later_name}")
            _invalidate(later, f"date.not_after:{earlier_name}")
