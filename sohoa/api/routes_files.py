"""The original scan and a thumbnail of a result, for staff who may see that result.

MinIO answers with a short-lived presigned URL (the API redirects); the local store has none,
so the API streams the file itself. Opening an original is audited like a search.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from schemas.errors import NotFound
from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.document_pages import DocumentPages, document_pages, page_image
from sohoa.api.result_export import ResultExport, export_result
from sohoa.api.reuse_service import scope_of
from sohoa.api.thumbnails import thumbnail
from storage import keys
from storage.index.audit import OPENING_WINDOW, AuditAction, viewed_recently, write_audit
from storage.index.search import is_visible
from storage.index.tables import Result, Scan
from storage.index.users import Staff
from storage.objects.local import LocalObjectStore

router = APIRouter(prefix="/api/results", tags=["tệp / files"])
_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "Chưa đăng nhập"},
    404: {"description": "Không có kết quả hoặc tệp"},
}


def _visible_result(
    context: Context, staff: Staff, result_id: int, audit: str | None = None
) -> tuple[Result, Scan]:
    """The result and its scan if ``staff`` may see them; a 404 otherwise (a refusal audited).
    ``audit``: the action to record when it is shown, in the same transaction as the read
    (one commit per request rather than two)."""
    with context.index.session() as session:
        result = session.get(Result, result_id)
        scan = session.get(Scan, result.scan_id) if result is not None else None
        visible = result is not None and is_visible(session, result, scope_of(staff))
        if audit is not None and visible and result is not None and scan is not None:
            _write_view(context, session, staff, result, audit)
    if result is None or scan is None:
        raise NotFound(f"kết quả {result_id}")
    if not visible:
        # Audited, and answered as if it did not exist: a 403 would tell that another unit
        # holds a result under this number.
        _audit_view(context, staff, result, AuditAction.VIEW_REFUSED)
        raise NotFound(f"kết quả {result_id}")
    return result, scan


def _audit_view(context: Context, staff: Staff, result: Result, action: str) -> None:
    with context.index.session() as session:
        _write_view(context, session, staff, result, action)


def _write_view(
    context: Context, session: Session, staff: Staff, result: Result, action: str
) -> None:
    write_audit(
        session,
        secret=context.settings.api.secret_key,
        username=staff.username,
        action=action,
        query=f"result={result.id}",
        citizen_id=result.owner_id_number,
    )


@router.get(
    "/{result_id}/original",
    responses={**_ERRORS, 200: {"description": "Tệp gốc"}, 307: {"description": "URL tạm"}},
    response_class=Response,
)
def original(result_id: int, context: Context, staff: CurrentStaff) -> Response:
    """View the original scan (redirect to a presigned URL, or the file itself)."""
    _, scan = _visible_result(context, staff, result_id, AuditAction.VIEW_ORIGINAL)
    return _serve(context, scan.original_key, scan.filename or "original")


@router.get(
    "/{result_id}/searchable.pdf",
    responses={**_ERRORS, 200: {"content": {"application/pdf": {}}}, 307: {"description": "URL"}},
    response_class=Response,
)
def searchable_pdf(result_id: int, context: Context, staff: CurrentStaff) -> Response:
    """The version's searchable PDF (page images with their OCR text underneath)."""
    result, scan = _visible_result(context, staff, result_id)
    key = result.derived_prefix + keys.SEARCHABLE_PDF_NAME
    if not context.store.exists(key):
        raise NotFound(f"PDF tìm kiếm được của kết quả {result_id}")
    _audit_view(context, staff, result, AuditAction.VIEW_SEARCHABLE_PDF)
    stem = (scan.filename or "ket-qua").rsplit(".", 1)[0]
    return _serve(context, key, f"{stem}-v{result.version}.pdf")


@router.get("/{result_id}/export", response_model=ResultExport, responses=_ERRORS)
def export(result_id: int, context: Context, staff: CurrentStaff) -> ResultExport:
    """The digitized-result record: metadata, fields with confidences, QR/print disagreements,
    and the links to the original and the searchable PDF (audited as an export)."""
    result, scan = _visible_result(context, staff, result_id, AuditAction.EXPORT)
    return export_result(result, scan, context.store)


def _serve(context: Context, key: str, filename: str) -> Response:
    """A stored object: a short-lived presigned link where the store has them, else the bytes."""
    store = context.store
    url = store.presigned_url(key)
    if url is not None:
        return RedirectResponse(url, status_code=307)
    info = store.stat(key)
    disposition = f"inline; filename*=UTF-8''{quote(filename)}"
    headers = {"Content-Disposition": disposition, "Cache-Control": "private, no-store"}
    if isinstance(store, LocalObjectStore):
        return FileResponse(store.local_path(key), media_type=info.content_type, headers=headers)
    return Response(store.get_bytes(key), media_type=info.content_type, headers=headers)


@router.get(
    "/{result_id}/thumbnail",
    responses={**_ERRORS, 200: {"content": {"image/jpeg": {}}, "description": "Ảnh thu nhỏ"}},
    response_class=Response,
)
def result_thumbnail(result_id: int, context: Context, staff: CurrentStaff) -> Response:
    """A small JPEG of the first page (made on first request, then cached in the store)."""
    result, _ = _visible_result(context, staff, result_id)
    data = thumbnail(context.store, result.derived_prefix)
    headers = {"Cache-Control": "private, no-store"}  # a citizen's page, even small
    return Response(data, media_type="image/jpeg", headers=headers)


@router.get("/{result_id}/pages", response_model=DocumentPages, responses=_ERRORS)
def pages(result_id: int, context: Context, staff: CurrentStaff) -> DocumentPages:
    """Open the viewer: every page's image URL and OCR text, the fields with their page and box
    in that page image's pixels (audited once here, as opening the document)."""
    result, scan = _visible_result(context, staff, result_id)
    view = document_pages(context.store, context.settings, result, scan)
    _audit_view(context, staff, result, AuditAction.VIEW_DOCUMENT)
    return view


@router.get(
    "/{result_id}/pages/{number}",
    responses={
        **_ERRORS,
        200: {"content": {"image/png": {}, "image/jpeg": {}}, "description": "Ảnh trang"},
    },
    response_class=Response,
)
def page(result_id: int, number: int, context: Context, staff: CurrentStaff) -> Response:
    """One page as an image: the cleaned page the OCR read, or rendered from the original.

    Not audited page by page: the opening (``/pages``) is. An image fetched with no opening by
    the same user within ``OPENING_WINDOW`` is audited as an opening itself, so no page of a
    citizen's paper can be looked at unrecorded.
    """
    result, scan = _visible_result(context, staff, result_id)
    data, media_type = page_image(context.store, context.settings, result, scan, number)
    query = f"result={result.id}"
    with context.index.session() as session:
        opened = viewed_recently(
            session,
            username=staff.username,
            action=AuditAction.VIEW_DOCUMENT,
            query=query,
            within=OPENING_WINDOW,
        )
    if not opened:
        _audit_view(context, staff, result, AuditAction.VIEW_DOCUMENT)
    headers = {"Cache-Control": "private, no-store"}  # a citizen's paper
    if isinstance(data, Path):
        return FileResponse(data, media_type=media_type, headers=headers)
    return Response(data, media_type=media_type, headers=headers)
