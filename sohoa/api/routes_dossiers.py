"""Attach an earlier result to a new dossier component, detach it, and view the dossier."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.errors import InvalidRequest
from sohoa.api.reception_desk import ReceptionDesk, ReceptionView
from sohoa.api.requests import AttachRequest, ReceptionRequest, check_dossier_code
from sohoa.api.views import DossierView

router = APIRouter(prefix="/api", tags=["hồ sơ / dossiers"])
DossierCode = Annotated[str, Path(examples=["000.00.20.H12-240315-0007"])]


def _code(value: str) -> str:
    try:
        return check_dossier_code(value)
    except ValueError as exc:
        raise InvalidRequest(str(exc)) from exc


@router.post(
    "/attachments",
    response_model=DossierView,
    status_code=201,
    responses={
        403: {"description": "Kết quả hoặc hồ sơ thuộc đơn vị khác"},
        404: {"description": "Không có kết quả này"},
        409: {"description": "Kết quả đã hết hiệu lực / phiên bản cũ"},
        422: {"description": "Dữ liệu không hợp lệ (vd mã hồ sơ sai dạng)"},
    },
)
def attach(body: AttachRequest, context: Context, staff: CurrentStaff) -> DossierView:
    """Satisfy a dossier component by reusing a result; records a reuse event and an audit."""
    return context.reuse.attach(staff, body)


@router.post(
    "/dossiers",
    response_model=ReceptionView,
    responses={
        403: {"description": "Hồ sơ thuộc đơn vị khác"},
        422: {"description": "Dữ liệu không hợp lệ (vd mã hồ sơ sai dạng)"},
    },
)
def receive(body: ReceptionRequest, context: Context, staff: CurrentStaff) -> ReceptionView:
    """Record a received dossier (once per code) and offer the applicant's reusable results."""
    return ReceptionDesk(context.reuse).receive(staff, body)


@router.get("/dossiers/{dossier_code}", response_model=DossierView)
def dossier(dossier_code: DossierCode, context: Context, staff: CurrentStaff) -> DossierView:
    """Components with their statuses, the reused-component count and the reuse history."""
    return context.reuse.dossier(staff, _code(dossier_code))


@router.post(
    "/dossiers/{dossier_code}/components/{component_id}/detach", response_model=DossierView
)
def detach(
    dossier_code: DossierCode, component_id: int, context: Context, staff: CurrentStaff
) -> DossierView:
    """Undo an attach; a detach event is added, nothing is deleted."""
    return context.reuse.detach(staff, _code(dossier_code), component_id)
