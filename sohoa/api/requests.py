"""What staff may send, validated once for the API and the CLI, with messages in Vietnamese.

Each validator raises ``ValueError`` with a sentence staff can act on; the HTTP edge turns it
into a 422 and the CLI prints it.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from pydantic import BaseModel, Field, field_validator, model_validator

from schemas.dossiers import parse_dossier_code
from schemas.fields import DocType
from schemas.vietnamese import normalize_name
from sohoa.api.labels import field_label

ID_NUMBER_MESSAGE = "Số định danh cá nhân phải gồm đúng 12 chữ số (hoặc 9 chữ số nếu là CMND cũ)."
DATE_MESSAGE = "Ngày phải có dạng YYYY-MM-DD hoặc DD/MM/YYYY và là ngày có thật."
_SEPARATORS = re.compile(r"[\s.\-]")
_FIELD_NAME = re.compile(r"^[a-z][a-z_]{0,39}$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def clean_id_number(value: str) -> str:
    """Digits only, 12 (số định danh) or 9 (old CMND); spaces and dots typed by staff dropped."""
    digits = _SEPARATORS.sub("", str(value))
    if not digits.isdigit() or len(digits) not in (9, 12):
        raise ValueError(ID_NUMBER_MESSAGE)
    return digits


def parse_day(value: object) -> date:
    """ISO or Vietnamese day/month/year; anything else is refused, never guessed."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        match = _DMY.match(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(DATE_MESSAGE) from exc


def check_dossier_code(value: str) -> str:
    try:
        parse_dossier_code(value)
    except ValueError as exc:
        raise ValueError(
            f"Mã hồ sơ {value.strip()!r} không đúng dạng MÃĐV-YYMMDD-NNNN "
            "(vd 000.00.20.H12-240315-0007)."
        ) from exc
    return value.strip()


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class IdNumberSearch(BaseModel):
    """Tra cứu theo số định danh cá nhân (exact)."""

    id_number: str = Field(examples=["001224012345"])

    _id = field_validator("id_number", mode="before")(clean_id_number)


class NameSearch(BaseModel):
    """Tra cứu theo họ tên + ngày sinh (accent-insensitive, one typo forgiven)."""

    name: str = Field(examples=["Nguyen Van Duc"])
    date_of_birth: date = Field(examples=["2024-03-12", "12/03/2024"])

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        name = normalize_name(value)
        if len(name) < 2 or len(name) > 200 or any(ch.isdigit() for ch in name):
            raise ValueError("Họ tên phải có từ 2 đến 200 chữ cái, không chứa chữ số.")
        return name

    _dob = field_validator("date_of_birth", mode="before")(parse_day)


class DocumentSearch(BaseModel):
    """Tra cứu theo số ký hiệu / số đăng ký giấy tờ (exact)."""

    document_number: str = Field(examples=["125/2024"])

    @field_validator("document_number")
    @classmethod
    def _number(cls, value: str) -> str:
        value = value.strip()
        if not 1 <= len(value) <= 60:
            raise ValueError("Số giấy tờ phải có từ 1 đến 60 ký tự.")
        return value


SearchRequest = IdNumberSearch | NameSearch | DocumentSearch


class AttachRequest(BaseModel):
    """Gắn kết quả số hóa vào thành phần hồ sơ mới."""

    result_id: int = Field(gt=0)
    dossier_code: str = Field(examples=["000.00.20.H12-240315-0007"])
    component: str = Field(examples=["Giấy khai sinh"])
    procedure_code: str = Field(default="", max_length=40, examples=["1.001193"])

    _code = field_validator("dossier_code")(check_dossier_code)

    @field_validator("component")
    @classmethod
    def _component(cls, value: str) -> str:
        value = " ".join(value.split())
        if not 1 <= len(value) <= 200:
            raise ValueError("Tên thành phần hồ sơ phải có từ 1 đến 200 ký tự.")
        return value


def _check_field_value(name: str, value: str) -> str:
    """Normalise one corrected value as the extractor would store it (shared/fields.md forms)."""
    value = " ".join(value.split())
    if not value:
        return ""
    if name.endswith("id_number"):
        return clean_id_number(value)
    if name.endswith(("date", "date_of_birth", "date_of_death", "valid_until")):
        return parse_day(value).isoformat()
    if name == "sex":
        if value.casefold() not in ("nam", "nữ"):
            raise ValueError("Giới tính phải là 'Nam' hoặc 'Nữ'.")
        return "Nam" if value.casefold() == "nam" else "Nữ"
    if name.endswith("name"):
        return normalize_name(value)
    return value


class CorrectionRequest(BaseModel):
    """Sửa trường của một kết quả cần rà soát → phiên bản mới (empty value removes a field)."""

    version: int = Field(gt=0, description="The version the correction was made on")
    fields: dict[str, str] = Field(examples=[{"full_name": "NGUYỄN VĂN ĐỨC"}])
    doc_type: DocType | None = None
    note: str = Field(default="", max_length=500)

    @field_validator("fields")
    @classmethod
    def _fields(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("Cần ít nhất một trường được sửa.")
        cleaned = {}
        for name, raw in value.items():
            if not _FIELD_NAME.match(name):
                raise ValueError(f"Tên trường không hợp lệ: {name!r}.")
            try:
                cleaned[name] = _check_field_value(name, raw)
            except ValueError as exc:
                raise ValueError(f"{field_label(name)}: {exc}") from exc
        return cleaned


class ConfirmRequest(BaseModel):
    """Xác nhận kết quả đúng như máy đọc (no field changed) → phiên bản mới, hết cần rà soát."""

    version: int = Field(gt=0, description="The version that was checked")
    note: str = Field(default="", max_length=500)


class ReceptionRequest(BaseModel):
    """Tiếp nhận hồ sơ: the one-stop system (or the counter) says a dossier was received."""

    dossier_code: str = Field(examples=["000.00.20.H12-240315-0007"])
    procedure_code: str = Field(default="", max_length=40, examples=["1.000894"])
    field: str = Field(default="", max_length=120, examples=["Hộ tịch"])
    channel: int = Field(
        default=1, ge=1, le=3, description="1 trực tiếp, 2 trực tuyến, 3 bưu chính"
    )
    applicant_id_number: str | None = Field(default=None, examples=["001224012345"])
    applicant_name: str | None = Field(default=None, max_length=200, examples=["NGUYỄN VĂN AN"])
    applicant_date_of_birth: date | None = Field(
        default=None, description="Tìm theo họ tên và ngày sinh khi không có số định danh"
    )
    received_at: datetime | None = Field(
        default=None,
        description="Thời điểm tiếp nhận (giờ địa phương), cùng ngày với ngày trong mã hồ sơ",
        examples=["2024-03-15T09:30:00"],
    )

    @model_validator(mode="after")
    def _received_on_the_codes_day(self) -> ReceptionRequest:
        """The code carries the receipt day; a time on another day would make two truths."""
        if self.received_at is not None:
            day = parse_dossier_code(self.dossier_code)[1]
            if self.received_at.date() != day:
                raise ValueError(
                    f"Thời điểm tiếp nhận {self.received_at:%d/%m/%Y} khác ngày trong mã hồ sơ "
                    f"({day:%d/%m/%Y})."
                )
        return self

    _code = field_validator("dossier_code")(check_dossier_code)

    @field_validator("applicant_name", mode="before")
    @classmethod
    def _applicant_name(cls, value: object) -> str | None:
        return normalize_name(str(value)) if value not in (None, "") else None

    @field_validator("applicant_id_number", mode="before")
    @classmethod
    def _applicant(cls, value: object) -> str | None:
        return clean_id_number(str(value)) if value not in (None, "") else None
