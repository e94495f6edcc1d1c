"""The audit log, for supervisors (their unit's staff) and admins (everyone)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, field_validator

from sohoa.api.deps import AuditReader, Context
from sohoa.api.paging import TOTAL_HEADER, TOTAL_HEADER_DOC
from sohoa.api.requests import clean_id_number
from sohoa.api.views import AuditView, audit_view
from storage.index.audit import citizen_hash, count_audit, read_audit
from storage.index.users import Staff

router = APIRouter(prefix="/api/audit", tags=["nhật ký / audit"])
_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "Chưa đăng nhập"},
    403: {"description": "Chỉ lãnh đạo (supervisor) và quản trị (admin)"},
}


class CitizenAuditQuery(BaseModel):
    """Who accessed one citizen's data: the number is hashed, never stored or logged."""

    id_number: str
    limit: int = 100

    _id = field_validator("id_number", mode="before")(clean_id_number)


def _unit(reader: Staff) -> str | None:
    return None if reader.sees_all_units else reader.unit_code


@router.get(
    "",
    response_model=list[AuditView],
    responses={**_ERRORS, 200: {"headers": {TOTAL_HEADER: TOTAL_HEADER_DOC}}},
)
def audit_log(
    context: Context,
    reader: AuditReader,
    response: Response,
    username: str | None = None,
    action: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[AuditView]:
    """Newest first; filter by staff username or action (search, attach, detach…). One page;
    the total over all pages is in ``X-Total-Count``."""
    filters = {"unit_code": _unit(reader), "username": username, "action": action}
    with context.index.session() as session:
        entries = read_audit(session, **filters, limit=limit, offset=offset)
        response.headers[TOTAL_HEADER] = str(count_audit(session, **filters))
    return [audit_view(entry) for entry in entries]


@router.post("/citizen", response_model=list[AuditView], responses=_ERRORS)
def citizen_audit(
    body: CitizenAuditQuery, context: Context, reader: AuditReader
) -> list[AuditView]:
    """Every recorded access to one citizen (by ID number, matched through its keyed hash)."""
    key = citizen_hash(context.settings.api.secret_key, body.id_number)
    with context.index.session() as session:
        entries = read_audit(
            session, unit_code=_unit(reader), citizen=key, limit=min(body.limit, 1000)
        )
    return [audit_view(entry) for entry in entries]
