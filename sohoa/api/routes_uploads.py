"""Upload a scan from the staff page (a counter with no scanner folder): the file's bytes as
the request body, its dossier context in the query string, so no multipart parser is needed
and ``curl --data-binary @scan.pdf`` sends it the same way as the page does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from schemas.dossiers import DigitizationKind
from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.upload_desk import (
    UploadDesk,
    UploadLimits,
    UploadReceipt,
    clean_filename,
    dossier_context,
    save_body,
)

router = APIRouter(prefix="/api/uploads", tags=["tiếp nhận / intake"])


@router.get("", response_model=UploadLimits)
def limits(context: Context, staff: CurrentStaff) -> UploadLimits:
    """The largest file accepted and the formats read, for the page to check before sending."""
    return UploadDesk(context).limits()


@router.post(
    "",
    status_code=202,
    response_model=UploadReceipt,
    responses={
        403: {"description": "Hồ sơ thuộc đơn vị khác"},
        413: {"description": "Tệp quá lớn"},
        422: {"description": "Tên tệp hoặc thông tin hồ sơ không hợp lệ"},
        503: {"description": "Kho lưu trữ, cơ sở dữ liệu hoặc hàng đợi tạm thời không sẵn sàng"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
            },
        }
    },
)
async def upload(
    request: Request,
    context: Context,
    staff: CurrentStaff,
    filename: Annotated[str, Query(min_length=1, max_length=255, examples=["khai sinh.pdf"])],
    dossier_code: Annotated[str, Query(examples=["000.00.20.H12-240315-0007"])],
    component: Annotated[str, Query(examples=["Giấy khai sinh"])] = "",
    kind: DigitizationKind = DigitizationKind.COMPONENT,
    procedure_code: str = "",
) -> UploadReceipt:
    """Nhận một tệp quét (PDF, TIFF, JPEG, PNG) cho một thành phần hồ sơ: stored, registered
    and queued exactly as a file dropped in the scanner folder; the job's outcome (done, or
    quarantined with its reason) shows in ``GET /api/scans``. Audited."""
    desk = UploadDesk(context)
    name = clean_filename(filename)
    dossier = dossier_context(dossier_code, component, kind, procedure_code, name)
    await run_in_threadpool(desk.check_unit, staff, dossier, name)
    with desk.temporary(name) as path:
        await save_body(request, path, context.settings.limits.max_bytes)
        return await run_in_threadpool(desk.take, staff, path, dossier)
