"""The review queue of ``needs_review`` results and corrections saved as new versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.paging import TOTAL_HEADER, TOTAL_HEADER_DOC
from sohoa.api.requests import ConfirmRequest, CorrectionRequest
from sohoa.api.review_history import DocTypeForm, ReviewHistory, document_forms
from sohoa.api.views import ReviewItem

router = APIRouter(prefix="/api/review", tags=["rà soát / review"])


@router.get(
    "",
    response_model=list[ReviewItem],
    responses={200: {"headers": {TOTAL_HEADER: TOTAL_HEADER_DOC}}},
)
def queue(
    context: Context,
    staff: CurrentStaff,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ReviewItem]:
    """Current results of the user's unit waiting for a human, oldest first; one page, the
    total in ``X-Total-Count`` (the body stays a list, as the review tab reads it)."""
    total, items = context.review.queue_page(staff, offset, limit)
    response.headers[TOTAL_HEADER] = str(total)
    return items


@router.post(
    "/{result_id}",
    response_model=ReviewItem,
    responses={
        403: {"description": "Kết quả thuộc đơn vị khác"},
        409: {"description": "Đã có người sửa trước (phiên bản cũ)"},
        422: {"description": "Giá trị sửa không hợp lệ"},
    },
)
def correct(
    result_id: int, body: CorrectionRequest, context: Context, staff: CurrentStaff
) -> ReviewItem:
    """Save corrected fields as the next version, attributed to the user, review cleared."""
    return context.review.correct(staff, result_id, body)


@router.post(
    "/{result_id}/confirm",
    response_model=ReviewItem,
    responses={
        403: {"description": "Kết quả thuộc đơn vị khác"},
        409: {"description": "Đã có người sửa trước (phiên bản cũ)"},
        422: {"description": "Kết quả không chờ rà soát"},
    },
)
def confirm(
    result_id: int, body: ConfirmRequest, context: Context, staff: CurrentStaff
) -> ReviewItem:
    """Confirm the result as read, nothing changed: the next version, review cleared, reusable."""
    return context.review.confirm(staff, result_id, body)


@router.get(
    "/{result_id}/history",
    response_model=ReviewHistory,
    responses={403: {"description": "Kết quả thuộc đơn vị khác"}, 404: {"description": "Không có"}},
)
def history(result_id: int, context: Context, staff: CurrentStaff) -> ReviewHistory:
    """Every version of the result's scan and, per field, what each version said, by whom, when."""
    return context.review.history(staff, result_id)


@router.get("/forms", response_model=list[DocTypeForm])
def forms(staff: CurrentStaff) -> list[DocTypeForm]:
    """The review form of each document type: every field, in the order the paper prints them."""
    return document_forms()
