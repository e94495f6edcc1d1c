"""The review queue of ``needs_review`` results and corrections saved as new versions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.requests import CorrectionRequest
from sohoa.api.views import ReviewItem

router = APIRouter(prefix="/api/review", tags=["rà soát / review"])


@router.get("", response_model=list[ReviewItem])
def queue(
    context: Context,
    staff: CurrentStaff,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[ReviewItem]:
    """Current results of the user's unit waiting for a human, oldest first."""
    return context.review.queue(staff, limit)


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
