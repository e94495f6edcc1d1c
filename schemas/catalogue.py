"""The procedure catalogue: what each procedure requires, so reception can tell which of a
citizen's earlier results satisfy a component before the citizen is asked for the paper.

A province keeps it in a spreadsheet or the national database's export; sohoa ships 20+ common
commune/ward procedures and imports updates (schemas only here; reading files is
``sohoa.catalogue_files``, storing versions ``storage.index.catalogue``).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator

from schemas.fields import DocType

PROCEDURE_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,39}$")


class Level(StrEnum):
    """Cấp thực hiện."""

    COMMUNE = "commune"  # cấp xã
    DISTRICT = "district"  # cấp huyện
    PROVINCE = "province"  # cấp tỉnh


LEVEL_LABELS_VI = {Level.COMMUNE: "Cấp xã", Level.DISTRICT: "Cấp huyện", Level.PROVINCE: "Cấp tỉnh"}


class RequiredComponent(BaseModel):
    """Thành phần hồ sơ: what the citizen hands in, and which digitized results can stand in.

    ``doc_types`` empty means no earlier result can replace it (a form filled in at the counter).
    ``issued_within_days``: the paper must be this recent on the day of reception (a marital-status
    confirmation is used within 6 months); ``must_be_unexpired``: its own validity date counts.
    """

    name: str = Field(min_length=1, max_length=200)
    mandatory: bool = True
    doc_types: list[DocType] = Field(default_factory=list)
    issued_within_days: int | None = Field(default=None, gt=0, le=36500)
    must_be_unexpired: bool = True

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    def accepts(
        self, doc_type: str, issued: date | None, valid_until: date | None, on: date
    ) -> bool:
        """Whether a result of this type and dates satisfies the component on ``on``."""
        if doc_type not in {kind.value for kind in self.doc_types}:
            return False
        if self.must_be_unexpired and valid_until is not None and valid_until < on:
            return False
        if self.issued_within_days is None:
            return True
        return issued is not None and issued >= on - timedelta(days=self.issued_within_days)


class Procedure(BaseModel):
    """Thủ tục hành chính: code (mã TTHC, the national code where known), name, field, level."""

    code: str
    name: str = Field(min_length=1, max_length=500)
    field: str = Field(default="", max_length=120)
    level: Level = Level.COMMUNE
    national: bool = True
    """The code is the national database's (Cơ sở dữ liệu quốc gia về TTHC); else a local code."""
    issues_result: bool = True
    result_doc_type: DocType | None = None
    components: list[RequiredComponent] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        value = value.strip()
        if not PROCEDURE_CODE.match(value):
            raise ValueError(f"mã thủ tục không hợp lệ: {value!r}")
        return value

    @field_validator("name", "field")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    @model_validator(mode="after")
    def _distinct_components(self) -> Procedure:
        names = [component.name for component in self.components]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"thành phần hồ sơ lặp lại: {', '.join(repeated)}")
        return self


class UnitName(BaseModel):
    """A unit's code (as in dossier codes) and the name staff and reports show."""

    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)


class Catalogue(BaseModel):
    procedures: list[Procedure] = Field(default_factory=list)
    units: list[UnitName] = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct_codes(self) -> Catalogue:
        for kind, codes in (
            ("thủ tục", [p.code for p in self.procedures]),
            ("đơn vị", [u.code for u in self.units]),
        ):
            repeated = sorted({code for code in codes if codes.count(code) > 1})
            if repeated:
                raise ValueError(f"mã {kind} lặp lại: {', '.join(repeated)}")
        return self

    def procedure(self, code: str) -> Procedure | None:
        return next((p for p in self.procedures if p.code == code), None)
