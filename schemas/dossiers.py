"""Dossiers (hồ sơ), their components (thành phần hồ sơ) and reuse events."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

# The unit code is dot-separated letters and digits ("000.00.20.H12"): never "..", never a path.
UNIT_CODE_PATTERN = r"[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*"
DOSSIER_CODE_PATTERN = re.compile(
    rf"^(?P<unit>{UNIT_CODE_PATTERN})-(?P<date>\d{{6}})-(?P<seq>\d{{4}})$"
)
# The longest value each context item may have: the index's column widths.
MAX_LENGTHS = {
    "dossier_code": 60,
    "component": 200,
    "procedure_code": 40,
    "field": 120,
    "unit_code": 40,
}


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

    @field_validator("dossier_code", "component", "procedure_code", "field", "unit_code")
    @classmethod
    def _fits(cls, value: str, info: ValidationInfo) -> str:
        """Checked here, not by the index: one overlong value must not stop a watcher pass."""
        value = value.strip()
        limit = MAX_LENGTHS[str(info.field_name)]
        if len(value) > limit:
            raise ValueError(f"dài {len(value)} ký tự, tối đa {limit} / longer than {limit}")
        return value

    @field_validator("dossier_code")
    @classmethod
    def _valid_code(cls, value: str) -> str:
        parse_dossier_code(value)
        return value

    @field_validator("component")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value:
            raise ValueError("tên thành phần hồ sơ trống / empty component name")
        return value

    @model_validator(mode="after")
    def _unit_of_the_code(self) -> DossierContext:
        """The unit is the dossier code's own: all of its prefix or its last parts ("H12")."""
        own = parse_dossier_code(self.dossier_code)[0]
        unit = self.unit_code
        if not unit:
            return self
        if not re.fullmatch(UNIT_CODE_PATTERN, unit):
            raise ValueError(f"unit_code {unit!r} không phải mã đơn vị / not a unit code")
        if unit != own and not own.endswith("." + unit):
            raise ValueError(
                f"unit_code {self.unit_code!r} khác đơn vị trong mã hồ sơ {own!r} / "
                "differs from the dossier code's unit"
            )
        return self

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
