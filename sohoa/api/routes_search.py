"""Search a citizen's earlier results: by ID number, by name + birth date, by document number.

POST with a JSON body, so a citizen's ID number never appears in a URL (and so in no access
log, browser history or proxy log).
"""

from __future__ import annotations

from fastapi import APIRouter

from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.requests import DocumentSearch, IdNumberSearch, NameSearch, SearchRequest
from sohoa.api.views import SearchResponse

router = APIRouter(prefix="/api/search", tags=["tra cứu / search"])
_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "Chưa đăng nhập"},
    422: {"description": "Dữ liệu tra cứu không hợp lệ"},
}


def _answer(context: Context, staff: CurrentStaff, request: SearchRequest) -> SearchResponse:
    cards = context.reuse.search(staff, request)
    return SearchResponse(count=len(cards), results=cards)


@router.post("/id-number", response_model=SearchResponse, responses=_ERRORS)
def by_id_number(body: IdNumberSearch, context: Context, staff: CurrentStaff) -> SearchResponse:
    """Exact 12-digit personal ID number (or 9-digit old CMND), any person on the document."""
    return _answer(context, staff, body)


@router.post("/name", response_model=SearchResponse, responses=_ERRORS)
def by_name_and_birth(body: NameSearch, context: Context, staff: CurrentStaff) -> SearchResponse:
    """Full name (accents optional, one typo forgiven) and exact date of birth."""
    return _answer(context, staff, body)


@router.post("/document", response_model=SearchResponse, responses=_ERRORS)
def by_document_number(
    body: DocumentSearch, context: Context, staff: CurrentStaff
) -> SearchResponse:
    """Exact document number (số ký hiệu, số đăng ký)."""
    return _answer(context, staff, body)
