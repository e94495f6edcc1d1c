"""Search a citizen's earlier results: by ID number, by name + birth date, by document number.

POST with a JSON body, so a citizen's ID number never appears in a URL (and so in no access
log, browser history or proxy log). Paging (``offset``, ``limit``) is in the query string: it
says nothing about the citizen.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.requests import DocumentSearch, IdNumberSearch, NameSearch, SearchRequest
from sohoa.api.views import SearchResponse
from storage.index.search import MAX_RESULTS

router = APIRouter(prefix="/api/search", tags=["tra cứu / search"])
_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "Chưa đăng nhập"},
    422: {"description": "Dữ liệu tra cứu không hợp lệ"},
}


Offset = Annotated[int, Query(ge=0, description="Bỏ qua bao nhiêu kết quả đầu / skip")]
Limit = Annotated[int, Query(ge=1, le=MAX_RESULTS, description="Số kết quả một trang")]


def _answer(
    context: Context, staff: CurrentStaff, request: SearchRequest, offset: int, limit: int
) -> SearchResponse:
    page = context.reuse.search_page(staff, request, offset, limit)
    return SearchResponse(
        count=len(page.cards), results=page.cards, total=page.total, offset=page.offset
    )


@router.post("/id-number", response_model=SearchResponse, responses=_ERRORS)
def by_id_number(
    body: IdNumberSearch,
    context: Context,
    staff: CurrentStaff,
    offset: Offset = 0,
    limit: Limit = MAX_RESULTS,
) -> SearchResponse:
    """Exact 12-digit personal ID number (or 9-digit old CMND), any person on the document."""
    return _answer(context, staff, body, offset, limit)


@router.post("/name", response_model=SearchResponse, responses=_ERRORS)
def by_name_and_birth(
    body: NameSearch,
    context: Context,
    staff: CurrentStaff,
    offset: Offset = 0,
    limit: Limit = MAX_RESULTS,
) -> SearchResponse:
    """Full name (accents optional, one typo forgiven) and exact date of birth."""
    return _answer(context, staff, body, offset, limit)


@router.post("/document", response_model=SearchResponse, responses=_ERRORS)
def by_document_number(
    body: DocumentSearch,
    context: Context,
    staff: CurrentStaff,
    offset: Offset = 0,
    limit: Limit = MAX_RESULTS,
) -> SearchResponse:
    """Exact document number (số ký hiệu, số đăng ký)."""
    return _answer(context, staff, body, offset, limit)
