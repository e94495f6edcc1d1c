"""The 2021 chip card's (CCCD) QR payload, read into the card's fields.

``<id number>|<old id number>|<full name>|<ddMMyyyy birth>|<sex>|<residence>|<ddMMyyyy issue>``.
Part of extraction: its values are fields, normalised and validated with the same rules as the
printed card's (``pipeline.extract.qr_override`` lets them win over OCR).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from pydantic import BaseModel, Field

from pipeline.extract.normalize import normalize_name, normalize_sex, normalize_text
from pipeline.extract.validate import IdContext, id_number_issues


class CccdQr(BaseModel):
    """The 2021 card's QR payload, normalised as shared/fields.md; ``issues`` empty = valid."""

    id_number: str
    old_id_number: str = ""
    full_name: str
    date_of_birth: date
    sex: str
    residence: str = ""
    issue_date: date | None = None
    issues: list[str] = Field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.issues

    def field_values(self) -> dict[str, str]:
        """The values under the id_card field names of shared/fields.md."""
        values = {
            "id_number": self.id_number,
            "full_name": self.full_name,
            "date_of_birth": self.date_of_birth.isoformat(),
            "sex": self.sex,
        }
        if self.residence:
            values["place_of_residence"] = self.residence
        if self.issue_date:
            values["issue_date"] = self.issue_date.isoformat()
        return values


_DDMMYYYY = re.compile(r"\d{8}")


def _ddmmyyyy(raw: str) -> date | None:
    raw = raw.strip()
    if not _DDMMYYYY.fullmatch(raw):
        return None
    try:
        return date(int(raw[4:]), int(raw[2:4]), int(raw[:2]))
    except ValueError:
        return None


_CARD_SHAPED = re.compile(r"^\s*\d{9,12}\s*\|")


def looks_like_cccd(text: str) -> bool:
    """A 9- or 12-digit number, a bar, and more bars: meant as a card's payload, even when it
    cannot be read as one (5 fields instead of 7, 31 February)."""
    return bool(_CARD_SHAPED.match(text)) and text.count("|") >= 3


def parse_cccd(text: str, today: date | None = None) -> CccdQr | None:
    """The card's payload, or None when ``text`` is not laid out as one."""
    parts = [unicodedata.normalize("NFC", p).strip() for p in text.strip().split("|")]
    if len(parts) == 8 and parts[-1] == "":
        parts = parts[:7]
    if len(parts) != 7 or not parts[0].isdigit():
        return None
    number, old, name, born_raw, sex_raw, residence, issued_raw = parts
    born = _ddmmyyyy(born_raw)
    if born is None:
        return None
    today = today or date.today()
    sex = normalize_sex(sex_raw) or ""
    issued = _ddmmyyyy(issued_raw)
    issues = id_number_issues(number, IdContext(born.year, sex or None), today)
    if not sex:
        issues.append("sex.unparsed")
    if not (full_name := normalize_name(name) or ""):
        issues.append("name.unparsed")
    if born > today:
        issues.append("date.future")
    if issued_raw and (issued is None or not born <= issued <= today):
        issues.append("issue_date.invalid")
    return CccdQr(
        id_number=number,
        old_id_number=old if old.isdigit() else "",
        full_name=full_name,
        date_of_birth=born,
        sex=sex,
        residence=normalize_text(residence) or "",
        issue_date=issued,
        issues=issues,
    )
