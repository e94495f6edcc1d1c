"""Webhooks to other systems (admins only): subscriptions and the delivery log.

A subscription's secret signs every call (``schemas/webhooks``); it is returned once, when sohoa
generated it, and never shown again — not in the list, not in the log. Creating and
deactivating are audited under the admin's username (the URL's host only: a URL may carry a
token).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from schemas.webhooks import WebhookEvent
from sohoa.api.deps import Context, require_roles
from sohoa.api.errors import InvalidRequest
from storage.index.audit import write_audit
from storage.index.users import Role, Staff
from storage.index.webhooks import (
    DeliveryInfo,
    DeliveryState,
    SubscriptionInfo,
    WebhookError,
    add_subscription,
    deactivate,
    delivery_log,
    list_subscriptions,
)

router = APIRouter(prefix="/api/webhooks", tags=["webhook / integration out"])
Admin = Annotated[Staff, Depends(require_roles(Role.ADMIN))]
_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "Chưa đăng nhập"},
    403: {"description": "Chỉ quản trị (admin)"},
}
AUDIT_CREATE = "webhook_create"
AUDIT_DEACTIVATE = "webhook_deactivate"
SECRET_SHOWN_ONCE = (
    "Khóa bí mật chỉ hiển thị một lần này — hãy lưu lại ngay để kiểm tra chữ ký X-Sohoa-Signature."
)


class WebhookRequest(BaseModel):
    """Đăng ký nhận sự kiện: địa chỉ nhận, các sự kiện (trống = tất cả), đơn vị (trống = mọi
    đơn vị), khóa bí mật (trống = sohoa tạo và trả về một lần)."""

    url: str = Field(max_length=500, examples=["https://motcua.example.gov.vn/sohoa/webhook"])
    events: list[WebhookEvent] = Field(default_factory=list)
    unit_code: str = Field(default="", max_length=40, examples=["000.00.20.H12"])
    secret: str | None = Field(default=None, min_length=16, max_length=100)


class WebhookView(BaseModel):
    """A subscription as admins see it: never its secret."""

    id: int
    url: str
    events: list[str]
    unit_code: str
    active: bool
    created_at: datetime
    created_by: str


class CreatedWebhook(BaseModel):
    webhook: WebhookView
    secret: str | None = None
    """Only when sohoa generated it: shown this once."""
    warning: str = ""


class DeliveryView(BaseModel):
    """One delivery attempt history line (times in UTC); never the secret nor the payload."""

    id: int
    subscription_id: int
    event: str
    event_id: str
    state: str
    attempts: int
    last_status: int | None
    last_error: str
    created_at: datetime
    next_attempt_at: datetime | None
    delivered_at: datetime | None


def _view(info: SubscriptionInfo) -> WebhookView:
    return WebhookView(
        id=info.id,
        url=info.url,
        events=info.events,
        unit_code=info.unit_code,
        active=info.active,
        created_at=info.created_at,
        created_by=info.created_by,
    )


def _delivery_view(info: DeliveryInfo) -> DeliveryView:
    return DeliveryView(
        id=info.id,
        subscription_id=info.subscription_id,
        event=info.event,
        event_id=info.event_id,
        state=info.state,
        attempts=info.attempts,
        last_status=info.last_status,
        last_error=info.last_error,
        created_at=info.created_at,
        next_attempt_at=info.next_attempt_at,
        delivered_at=info.delivered_at,
    )


@router.get("", response_model=list[WebhookView], responses=_ERRORS)
def webhooks(context: Context, admin: Admin) -> list[WebhookView]:
    """Every subscription, deactivated ones included."""
    with context.index.session() as session:
        return [_view(info) for info in list_subscriptions(session)]


@router.post(
    "",
    response_model=CreatedWebhook,
    status_code=201,
    responses={**_ERRORS, 422: {"description": "Địa chỉ, sự kiện hoặc khóa bí mật không hợp lệ"}},
)
def create(body: WebhookRequest, context: Context, admin: Admin) -> CreatedWebhook:
    """Subscribe a URL; the answer holds the secret only if sohoa generated it."""
    with context.index.session() as session:
        try:
            info, generated = add_subscription(
                session,
                body.url,
                created_by=admin.username,
                events=[event.value for event in body.events],
                unit_code=body.unit_code,
                secret=body.secret,
            )
        except WebhookError as exc:
            raise InvalidRequest(str(exc)) from exc
        write_audit(
            session,
            secret=context.settings.api.secret_key,
            username=admin.username,
            action=AUDIT_CREATE,
            detail=f"webhook={info.id} host={urlsplit(info.url).hostname} unit={info.unit_code}",
        )
    warning = SECRET_SHOWN_ONCE if generated else ""
    return CreatedWebhook(webhook=_view(info), secret=generated, warning=warning)


@router.get("/deliveries", response_model=list[DeliveryView], responses=_ERRORS)
def deliveries(
    context: Context,
    admin: Admin,
    state: DeliveryState | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[DeliveryView]:
    """The delivery log, newest first: event, state, attempts, last answer or error, times."""
    with context.index.session() as session:
        rows = delivery_log(session, limit, offset, state.value if state else None)
    return [_delivery_view(row) for row in rows]


@router.post(
    "/{subscription_id}/deactivate",
    response_model=WebhookView,
    responses={**_ERRORS, 404: {"description": "Không có đăng ký này"}},
)
def deactivate_webhook(subscription_id: int, context: Context, admin: Admin) -> WebhookView:
    """Stop sending to this URL; its pending deliveries are marked failed."""
    with context.index.session() as session:
        info = deactivate(session, subscription_id)
        write_audit(
            session,
            secret=context.settings.api.secret_key,
            username=admin.username,
            action=AUDIT_DEACTIVATE,
            detail=f"webhook={info.id}",
        )
    return _view(info)
