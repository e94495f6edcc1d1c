"""What the one-stop system knows and sohoa cannot see: a dossier completed, its result issued
electronically, citizen data used, the dossier withdrawn. Recorded as timestamped events, so the
indicators for any period can be recomputed (``storage.reports``).

The one-stop system (or staff) posts them for dossiers of their own unit. Posting one twice
changes no figure: a dossier counts once per kind, and its first completion dates it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from sqlalchemy import select

from schemas.errors import NotFound
from schemas.reporting import EventKind
from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.errors import Forbidden, InvalidRequest
from sohoa.api.requests import check_dossier_code
from storage.index.events import record_event
from storage.index.tables import Dossier

router = APIRouter(prefix="/api/dossiers", tags=["hồ sơ / dossiers"])
DossierCode = Annotated[str, Path(examples=["000.00.20.H12-240315-0007"])]


class ProgressKind(StrEnum):
    """The events that come from outside sohoa (the others it records itself)."""

    ELECTRONIC_RESULT_ISSUED = EventKind.ELECTRONIC_RESULT_ISSUED.value
    CITIZEN_DATA_USED = EventKind.CITIZEN_DATA_USED.value
    COMPLETED = EventKind.COMPLETED.value
    WITHDRAWN = EventKind.WITHDRAWN.value


class ProgressEvent(BaseModel):
    """Một sự kiện của hồ sơ: hoàn thành, trả kết quả điện tử, khai thác dữ liệu dân cư, rút."""

    kind: ProgressKind
    at: datetime | None = Field(default=None, description="Thời điểm (mặc định: bây giờ)")
    detail: str = Field(default="", max_length=200)


class ProgressRecorded(BaseModel):
    dossier_code: str
    kind: ProgressKind
    at: datetime
    recorded_by: str


@router.post(
    "/{dossier_code}/events",
    response_model=ProgressRecorded,
    status_code=201,
    responses={
        403: {"description": "Hồ sơ thuộc đơn vị khác"},
        404: {"description": "Chưa có hồ sơ này"},
        422: {"description": "Mã hồ sơ hoặc sự kiện không hợp lệ"},
    },
)
def record_progress(
    dossier_code: DossierCode, body: ProgressEvent, context: Context, staff: CurrentStaff
) -> ProgressRecorded:
    """Record one event of a dossier of the caller's unit (who posted it is kept)."""
    try:
        code = check_dossier_code(dossier_code)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from exc
    if body.at is not None and body.at.replace(tzinfo=None) > datetime.now():
        raise InvalidRequest("thời điểm sự kiện ở tương lai")
    with context.index.session() as session:
        dossier = session.scalars(select(Dossier).where(Dossier.code == code)).first()
        if dossier is None:
            raise NotFound(f"hồ sơ {code}")
        if not staff.sees_all_units and dossier.unit_code != staff.unit_code:
            raise Forbidden(f"hồ sơ {code} thuộc đơn vị {dossier.unit_code}")
        at = body.at.replace(tzinfo=None) if body.at is not None else None
        detail = f"{staff.username}: {body.detail}".strip(": ")
        event = record_event(session, dossier.id, EventKind(body.kind.value), at, detail=detail)
        return ProgressRecorded(
            dossier_code=code, kind=body.kind, at=event.at, recorded_by=staff.username
        )
