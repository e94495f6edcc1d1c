"""Dossiers (hồ sơ), their components (thành phần hồ sơ) and reuse events."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

DOSSIER_CODE_PATTERN = re.compile(r"^(?P<unit>[0-9A-Za-z.]+)-(?P<date>\d{6})-(?P<seq>\d{4})$")


def parse_dossier_code(code: str) -> tuple[str, date, int]:
    """Split ``UNIT-YYMMDD-NNNN`` into unit code, receipt date and daily sequence.

    Raises ValueError for anything else: a malformed code is rejected, never guessed.
    """
    match = DOSSIER_CODE_PATTERN.match(code.strip())
    if not match:
        raise ValueError(f"mã hồ sơ không đúng dạng MÃĐV-YYMMDD-NNNN: {code!r}")
    raw = match["date"]
    try:
        received = date(2000 + int(raw[:2]), int(raw[2:4]), int(raw[4:6]))
    except ValueError as exc:
        raise ValueError(f"ngày tiếp nhận trong mã hồ sơ không hợp lệ: {code!r}") from exc
    return match["unit"], received, int(match["seq"])


class DigitizationKind(StrEnum):
    COMPONENT = "component"  # thành phần hồ sơ
    RESULT = "result"  # kết quả giải quyết


class ComponentStatus(StrEnum):
    NOT_DIGITIZED = "not_digitized"
    DIGITIZED = "digitized"
    REUSED_COMPONENT = "reused_component"
    REUSED_RESULT = "reused_result"


class DossierContext(BaseModel):
    """Where a scan belongs: given by a sidecar, a folder convention or a separator sheet."""

    dossier_code: str
    component: str = "Thành phần hồ sơ"
    procedure_code: str = ""
    field: str = ""
    unit_code: str = ""
    kind: DigitizationKind = DigitizationKind.COMPONENT

    @field_validator("dossier_code")
    @classmethod
    def _valid_code(cls, value: str) -> str:
        parse_dossier_code(value)
        return value.strip()

    def resolved_unit(self) -> str:
        return self.unit_code or parse_dossier_code(self.dossier_code)[0]


class ReuseEvent(BaseModel):
    """A staff member attached (or detached) an earlier result to a dossier component."""

    result_id: int
    dossier_code: str
    component: str
    procedure_code: str = ""
    staff_username: str
    action: str = "attach"
    at: datetime = Field(default_factory=datetime.now)
