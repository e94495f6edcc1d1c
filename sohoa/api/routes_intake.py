"""The unit's files: what is waiting, being read, done, quarantined (with why) or failed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from schemas.records import ScanState
from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.intake_desk import IntakeDesk, ScanPage, ScanView

router = APIRouter(prefix="/api/scans", tags=["tiếp nhận / intake"])


@router.get("", response_model=ScanPage)
def scans(
    context: Context,
    staff: CurrentStaff,
    state: Annotated[ScanState | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ScanPage:
    """The unit's scans, newest first, with their state and, when quarantined, the reason."""
    return IntakeDesk(context.index, context.settings).scans(staff, state, limit, offset)


@router.post(
    "/{scan_id}/retry",
    response_model=ScanView,
    responses={409: {"description": "Chỉ chạy lại tệp bị lỗi hệ thống"}},
)
def retry(scan_id: int, context: Context, staff: CurrentStaff) -> ScanView:
    """Run a scan that failed on a system error again (audited)."""
    return IntakeDesk(context.index, context.settings).retry(staff, scan_id)
