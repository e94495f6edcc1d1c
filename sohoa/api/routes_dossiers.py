"""Attach an earlier result to a new dossier component, detach it, and view the dossier."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from sohoa.api.deps import Context, CurrentStaff, require_roles
from sohoa.api.errors import InvalidRequest
from sohoa.api.reception_desk import ProposalDecision, ReceptionDesk, ReceptionView
from sohoa.api.requests import AttachRequest, ReceptionRequest, check_dossier_code
from sohoa.api.upload_desk import read_body
from sohoa.api.views import DossierView
from sohoa.catalogue_files import MAX_FILE_BYTES, CatalogueFileError
from sohoa.dossier_list import DossierListImport, import_dossier_list
from sohoa.procedure_catalogue import catalogue_in_use
from storage.index.audit import AuditAction, write_audit
from storage.index.users import Role, Staff

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


@router.post(
    "/dossiers/import",
    response_model=DossierListImport,
    responses={422: {"description": "Tệp không phải bảng có cột ma_ho_so"}},
)
async def import_dossiers(
    request: Request,
    context: Context,
    staff: Annotated[Staff, Depends(require_roles(Role.SUPERVISOR, Role.ADMIN))],
    filename: Annotated[str, Query(max_length=255, examples=["ho_so_thang_3.xlsx"])],
) -> DossierListImport:
    """Nhập danh sách hồ sơ đã tiếp nhận (CSV/xlsx) từ hệ thống một cửa, for the denominators.

    A supervisor imports their own unit's rows; other rows are listed as skipped.
    """
    content = await read_body(request, MAX_FILE_BYTES)
    if content is None:
        raise InvalidRequest(f"tệp lớn hơn {MAX_FILE_BYTES // 1024 // 1024} MB")
    unit = None if staff.sees_all_units else staff.unit_code
    try:
        with context.index.session() as session:
            catalogue = catalogue_in_use(session).catalogue
            outcome = import_dossier_list(session, filename, content, catalogue, unit)
            write_audit(
                session,
                secret=context.settings.api.secret_key,
                username=staff.username,
                action=AuditAction.DOSSIER_LIST_IMPORT,
                query=f"file={filename}",
                detail=f"created={outcome.created} known={outcome.already_known} "
                f"skipped={len(outcome.skipped)}",
            )
    except CatalogueFileError as exc:
        raise InvalidRequest(str(exc)) from exc
    return outcome


@router.post(
    "/dossiers/{dossier_code}/proposals/{proposal_id}/accept",
    response_model=ProposalDecision,
    responses={
        403: {"description": "Hồ sơ hoặc kết quả thuộc đơn vị khác"},
        404: {"description": "Không có đề xuất này trong hồ sơ"},
        409: {"description": "Kết quả không còn dùng lại được (hết hiệu lực, cần rà soát…)"},
    },
)
def accept_proposal(
    dossier_code: DossierCode, proposal_id: int, context: Context, staff: CurrentStaff
) -> ProposalDecision:
    """Dùng lại kết quả được đề xuất cho thành phần hồ sơ (one click: an attach, recorded)."""
    return ReceptionDesk(context.reuse).accept(staff, _code(dossier_code), proposal_id)


@router.post(
    "/dossiers/{dossier_code}/proposals/{proposal_id}/decline",
    response_model=ProposalDecision,
    responses={404: {"description": "Không có đề xuất này trong hồ sơ"}},
)
def decline_proposal(
    dossier_code: DossierCode, proposal_id: int, context: Context, staff: CurrentStaff
) -> ProposalDecision:
    """Không dùng kết quả được đề xuất; the decision is recorded and audited."""
    return ReceptionDesk(context.reuse).decline(staff, _code(dossier_code), proposal_id)


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
