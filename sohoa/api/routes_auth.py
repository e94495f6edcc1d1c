"""Login (token + HttpOnly cookie for the page), logout and "who am I"."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request, Response

from sohoa.api.auth import COOKIE_NAME, issue_token
from sohoa.api.deps import Context, CurrentStaff
from sohoa.api.errors import NotAuthenticated
from sohoa.api.requests import LoginRequest
from sohoa.api.views import LoginResponse, UserView, user_view
from storage.index.audit import AuditAction, mask_ids_in, write_audit
from storage.index.service_accounts import USERNAME_PREFIX as SERVICE_USERNAME_PREFIX
from storage.index.users import authenticate, end_sessions

log = logging.getLogger("sohoa.api.auth")
router = APIRouter(prefix="/api", tags=["đăng nhập / auth"])


@router.post(
    "/login",
    response_model=LoginResponse,
    responses={401: {"description": "Sai tên đăng nhập hoặc mật khẩu"}},
)
def login(
    body: LoginRequest, request: Request, response: Response, context: Context
) -> LoginResponse:
    """Exchange username + password for a bearer token (also set as an HttpOnly cookie).

    Failed logins are audited and counted: after too many for an account or from an address,
    further tries are refused (429, Retry-After) for a while, right password or not.
    """
    throttle = context.login_throttle
    address = request.client.host if request.client else "-"
    throttle.check(body.username, address)
    with throttle.password_check(), context.index.session() as session:
        staff = authenticate(session, body.username, body.password)
        write_audit(
            session,
            secret=context.settings.api.secret_key,
            username=staff.username if staff else body.username[:80],
            action=AuditAction.LOGIN if staff else AuditAction.LOGIN_FAILED,
            detail="" if staff else f"address={address}",
        )
    if staff is None:
        throttle.failed(body.username, address)
        log.warning(
            "đăng nhập sai cho %r từ %s / failed login",
            mask_ids_in(body.username[:80]),
            address,
        )
        raise NotAuthenticated("sai tên đăng nhập hoặc mật khẩu / wrong username or password")
    throttle.succeeded(body.username)
    api = context.settings.api
    token, expires = issue_token(api.secret_key, staff.username, api.token_hours)
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=api.token_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",  # behind a TLS proxy (uvicorn proxy_headers)
        path="/",
    )
    return LoginResponse(access_token=token, expires_at=expires, user=user_view(staff))


@router.post("/logout", status_code=204)
def logout(request: Request, response: Response, context: Context, staff: CurrentStaff) -> Response:
    """End the account's sessions: this token, the page's cookie and any other token it holds
    stop working at once; the cookie is forgotten. A service account has no session to end
    (its key stays valid until an admin revokes it), so its logout only answers."""
    if staff.username.startswith(SERVICE_USERNAME_PREFIX):
        response.status_code = 204
        return response
    with context.index.session() as session:
        end_sessions(session, staff.username)
    response.delete_cookie(COOKIE_NAME, path="/")
    response.status_code = 204
    return response


@router.get("/me", response_model=UserView)
def me(staff: CurrentStaff) -> UserView:
    """The logged-in staff member, role and unit."""
    return user_view(staff)
