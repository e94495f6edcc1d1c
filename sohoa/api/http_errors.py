"""The one mapping from sohoa errors to HTTP answers, by error class only (never by text).

Bodies are ``{code, message, message_en, detail}`` with ``message`` in Vietnamese; invalid input
adds ``errors`` (one per field) and says what is wrong in a sentence staff can act on.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from schemas.errors import InputRejected, NotFound, ReuseNotAllowed, SohoaError, TransientError
from sohoa.api.errors import (
    Forbidden,
    InvalidRequest,
    NotAuthenticated,
    NotRetryable,
    StaleVersion,
    TooManyAttempts,
    UploadTooLarge,
)
from sohoa.api.labels import field_label

_STATUS: tuple[tuple[type[SohoaError], int], ...] = (
    (NotAuthenticated, 401),
    (Forbidden, 403),
    (NotFound, 404),
    (ReuseNotAllowed, 409),
    (StaleVersion, 409),
    (NotRetryable, 409),
    (InvalidRequest, 422),
    (InputRejected, 422),
    (UploadTooLarge, 413),
    (TooManyAttempts, 429),
    (TransientError, 503),
)

_PYDANTIC_VI: dict[str, str] = {
    "missing": "thiếu trường bắt buộc",
    "int_parsing": "phải là số nguyên",
    "int_type": "phải là số nguyên",
    "greater_than": "phải là số dương",
    "string_type": "phải là chuỗi ký tự",
    "string_too_short": "không được để trống",
    "string_too_long": "quá dài",
    "date_from_datetime_parsing": "ngày không hợp lệ",
    "enum": "giá trị không hợp lệ",
    "dict_type": "phải là một đối tượng JSON",
    "model_attributes_type": "nội dung phải là một đối tượng JSON",
    "json_invalid": "nội dung gửi lên không phải JSON hợp lệ",
    "extra_forbidden": "trường không được phép",
}


def status_for(error: SohoaError) -> int:
    for error_class, status in _STATUS:
        if isinstance(error, error_class):
            return status
    return 500


def error_body(error: SohoaError) -> dict[str, Any]:
    return {
        "code": error.code,
        "message": error.message_vi + (f" ({error.detail})" if error.detail else ""),
        "message_en": error.message_en,
        "detail": error.detail,
    }


def _field_message(error: dict[str, Any]) -> dict[str, str]:
    location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
    kind = str(error.get("type", ""))
    text = str(error.get("msg", ""))
    if kind == "value_error":
        text = text.removeprefix("Value error, ")
    else:
        text = _PYDANTIC_VI.get(kind, text)
    label = field_label(location[-1]) if location else ""
    return {"field": ".".join(location), "label": label, "message": text}


async def _sohoa_error(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, SohoaError)
    status = status_for(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    if isinstance(error, TooManyAttempts):
        headers = {"Retry-After": str(error.retry_after)}
    return JSONResponse(error_body(error), status_code=status, headers=headers)


async def _invalid_input(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    fields = [_field_message(item) for item in error.errors()]
    summary = "; ".join(
        f"{item['label']}: {item['message']}" if item["label"] else item["message"]
        for item in fields
    )
    body = {
        "code": InvalidRequest.code,
        "message": f"{InvalidRequest.message_vi} {summary}".strip(),
        "message_en": InvalidRequest.message_en,
        "detail": summary,
        "errors": fields,
    }
    return JSONResponse(body, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(SohoaError, _sohoa_error)
    app.add_exception_handler(RequestValidationError, _invalid_input)
