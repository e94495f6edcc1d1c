"""Service accounts for other systems (admins only): list, create (the key shown once), revoke.

Creating and revoking are audited under the admin's username; each call made with a key is
audited under ``svc:<name>`` by ``deps.current_staff``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field, field_validator

from schemas.errors import NotFound
from sohoa.api.deps import Context, require_roles
from sohoa.api.errors import InvalidRequest
from storage.index.audit import AuditAction, write_audit
from storage.index.service_accounts import (
    ServiceAccountError,
    ServiceAccountInfo,
    clean_name,
    create_service_account,
    get_account,
    list_accounts,
    revoke,
)
from storage.index.users import Role, Staff

router = APIRouter(prefix="/api/service-accounts", tags=["tài khoản dịch vụ / service accounts"])
Admin = Annotated[Staff, Depends(require_roles(Role.ADMIN))]
AccountName = Annotated[str, Path(examples=["motcua-tinh"])]
_ERRORS: dict[int | str, dict[str, str]] = {
    401: {"description": "Chưa đăng nhập"},
    403: {"description": "Chỉ quản trị (admin)"},
}
KEY_SHOWN_ONCE = "Khóa API chỉ hiển thị một lần này — hãy lưu lại ngay, sohoa không lưu khóa."


class ServiceAccountRequest(BaseModel):
    """Tạo tài khoản dịch vụ cho một hệ thống khác, gắn với một đơn vị."""

    name: str = Field(examples=["motcua-tinh"])
    unit_code: str = Field(min_length=1, max_length=40, examples=["000.00.20.H12"])

    _name = field_validator("name")(clean_name)

    @field_validator("unit_code")
    @classmethod
    def _unit(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("Tài khoản dịch vụ phải thuộc một đơn vị (mã đơn vị).")
        return value


class ServiceAccountView(BaseModel):
    """An account as admins see it: never its key nor the key's hash."""

    name: str
    username: str
    unit_code: str
    key_id: str
    active: bool
    created_at: datetime | None
    created_by: str
    revoked_at: datetime | None
    last_used_at: datetime | None


class CreatedServiceAccount(BaseModel):
    account: ServiceAccountView
    api_key: str
    warning: str = KEY_SHOWN_ONCE


def _view(info: ServiceAccountInfo) -> ServiceAccountView:
    return ServiceAccountView(
        name=info.name,
        username=info.username,
        unit_code=info.unit_code,
        key_id=info.key_id,
        active=info.active,
        created_at=info.created_at,
        created_by=info.created_by,
        revoked_at=info.revoked_at,
        last_used_at=info.last_used_at,
    )


@router.get("", response_model=list[ServiceAccountView], responses=_ERRORS)
def accounts(context: Context, admin: Admin) -> list[ServiceAccountView]:
    """Every service account, revoked ones included (who had access, until when)."""
    with context.index.session() as session:
        return [_view(info) for info in list_accounts(session)]


@router.post(
    "",
    response_model=CreatedServiceAccount,
    status_code=201,
    responses={**_ERRORS, 422: {"description": "Tên sai dạng, thiếu đơn vị hoặc tên đã có"}},
)
def create(body: ServiceAccountRequest, context: Context, admin: Admin) -> CreatedServiceAccount:
    """Create an account bound to a unit; the answer holds its key, shown this once only."""
    with context.index.session() as session:
        try:
            info, key = create_service_account(session, body.name, body.unit_code, admin.username)
        except ServiceAccountError as exc:
            raise InvalidRequest(str(exc)) from exc
        write_audit(
            session,
            secret=context.settings.api.secret_key,
            username=admin.username,
            action=AuditAction.SERVICE_ACCOUNT_CREATE,
            detail=f"{info.username} unit={info.unit_code} key_id={info.key_id}",
        )
    return CreatedServiceAccount(account=_view(info), api_key=key)


@router.post(
    "/{name}/revoke",
    response_model=ServiceAccountView,
    responses={**_ERRORS, 404: {"description": "Không có tài khoản dịch vụ này"}},
)
def revoke_account(name: AccountName, context: Context, admin: Admin) -> ServiceAccountView:
    """Refuse the account's key from now on (revoking again changes nothing)."""
    with context.index.session() as session:
        if not revoke(session, name):
            raise NotFound(f"tài khoản dịch vụ {name[:80]!r}")
        info = get_account(session, name)
        assert info is not None  # revoke just found it
        write_audit(
            session,
            secret=context.settings.api.secret_key,
            username=admin.username,
            action=AuditAction.SERVICE_ACCOUNT_REVOKE,
            detail=f"{info.username} key_id={info.key_id}",
        )
    return _view(info)
