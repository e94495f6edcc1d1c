"""The unit-signed copy of a result (issue #24), for staff who may see that result."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from schemas.errors import NotFound
from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.routes_files import _audit_view, _serve, _visible_result
from sohoa.api.signature_views import signing_of
from storage.index.audit import AuditAction

router = APIRouter(prefix="/api/results", tags=["tệp / files"])


@router.get(
    "/{result_id}/signed.pdf",
    responses={
        401: {"description": "Chưa đăng nhập"},
        404: {"description": "Không có kết quả hoặc chưa ký"},
        200: {"content": {"application/pdf": {}}},
        307: {"description": "URL tạm"},
    },
    response_class=Response,
)
def signed_pdf(result_id: int, context: Context, staff: CurrentStaff) -> Response:
    """The searchable PDF signed with the unit's certificate (PAdES), stamp on page 1."""
    result, scan = _visible_result(context, staff, result_id)
    view = signing_of(result)
    key = (result.signing or {}).get("key") if view.signed_pdf_url else None
    if not key or not context.store.exists(str(key)):
        raise NotFound(f"bản đã ký số của kết quả {result_id}")
    _audit_view(context, staff, result, AuditAction.VIEW_SEARCHABLE_PDF)
    stem = (scan.filename or "ket-qua").rsplit(".", 1)[0]
    return _serve(context, str(key), f"{stem}-v{result.version}-da-ky.pdf")
