"""FastAPI dependencies: the deployment's services and the authenticated staff member."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from schemas.settings import Settings
from sohoa.api.auth import COOKIE_NAME, CSRF_HEADER, CSRF_VALUE, read_claims
from sohoa.api.errors import Forbidden, NotAuthenticated
from sohoa.api.login_throttle import LoginThrottle
from sohoa.api.reuse_service import ReuseDesk
from sohoa.api.review_service import ReviewDesk
from storage.index.audit import AuditAction, write_audit
from storage.index.db import Index
from storage.index.service_accounts import KEY_PREFIX, authenticate_key
from storage.index.users import Role, Staff, get_active
from storage.objects.base import ObjectStore
from workers.signing import BackgroundSigner, Handles

if TYPE_CHECKING:
    from workers.queues import JobQueue

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class ApiContext:
    """Everything a request handler needs, built once by ``create_app``."""

    settings: Settings
    index: Index
    store: ObjectStore
    reuse: ReuseDesk
    review: ReviewDesk
    login_throttle: LoginThrottle = field(default_factory=LoginThrottle)
    signing: BackgroundSigner | None = None  # signs what reviewers confirm (issue #24)
    _scan_queue: JobQueue | None = field(default=None, repr=False)
    _scan_queue_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def scan_queue(self) -> JobQueue:
        """Where the jobs of uploaded scans go: rq with Redis, else a thread of this process.

        Made on first use: the API process loads the OCR stack only once someone uploads.
        """
        with self._scan_queue_lock:
            if self._scan_queue is None:
                from sohoa.api.upload_desk import open_scan_queue

                self._scan_queue = open_scan_queue(self.settings, self.index, self.store)
            return self._scan_queue

    @classmethod
    def build(
        cls,
        settings: Settings,
        index: Index,
        store: ObjectStore,
        today: Callable[[], date] = date.today,
    ) -> ApiContext:
        secret = settings.api.secret_key
        signing = BackgroundSigner(Handles(settings=settings, store=store, index=index))
        return cls(
            settings=settings,
            index=index,
            store=store,
            reuse=ReuseDesk(index, secret, today),
            review=ReviewDesk(index, secret, today, on_confirmed=signing.submit),
            signing=signing,
        )


def get_context(request: Request) -> ApiContext:
    context: ApiContext = request.app.state.sohoa
    return context


Context = Annotated[ApiContext, Depends(get_context)]


_bearer = HTTPBearer(auto_error=False, description="Token from POST /api/login")
Bearer = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(
    name=API_KEY_HEADER,
    auto_error=False,
    description="Khóa API của tài khoản dịch vụ / a service account's key (sohoa_…)",
)
ApiKey = Annotated[str | None, Depends(_api_key)]


def _service_staff(request: Request, context: Context, key: str) -> Staff:
    """The service account behind an API key, its call audited in the same transaction; 401
    for an unknown, malformed or revoked key. Only the path is recorded: a query string may
    carry an ID number."""
    with context.index.session() as session:
        staff = authenticate_key(session, key)
        if staff is not None:
            write_audit(
                session,
                secret=context.settings.api.secret_key,
                username=staff.username,
                action=AuditAction.SERVICE_CALL,
                query=f"{request.method} {request.url.path}",
            )
    if staff is None:
        raise NotAuthenticated("khóa API không hợp lệ hoặc đã bị thu hồi / unknown or revoked key")
    return staff


def current_staff(request: Request, context: Context, bearer: Bearer, api_key: ApiKey) -> Staff:
    """The staff member behind the bearer token (or the page's cookie); 401 otherwise.

    A cookie is sent by the browser on its own, so a state-changing request authenticated by
    it must also carry the page's ``X-Requested-With`` header, which another site cannot set.
    Another system sends its service account's key (``X-API-Key`` or as the bearer): never a
    cookie, so no such header is needed.
    """
    if api_key:
        return _service_staff(request, context, api_key)
    if bearer is not None and bearer.credentials.startswith(KEY_PREFIX):
        return _service_staff(request, context, bearer.credentials)
    if bearer is not None and bearer.credentials:
        token, from_cookie = bearer.credentials, False
    elif request.cookies.get(COOKIE_NAME):
        token, from_cookie = request.cookies[COOKIE_NAME], True
    else:
        raise NotAuthenticated()
    username, issued = read_claims(context.settings.api.token_keys, token)
    with context.index.connection() as connection:
        staff = get_active(connection, username, issued)
    if staff is None:
        raise NotAuthenticated("account disabled, removed or logged out")
    unsafe = from_cookie and request.method not in SAFE_METHODS
    if unsafe and request.headers.get(CSRF_HEADER) != CSRF_VALUE:
        raise Forbidden(f"thiếu tiêu đề {CSRF_HEADER} (chống giả mạo yêu cầu)")
    return staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]


def require_roles(*roles: Role) -> Callable[[Staff], Staff]:
    """A dependency admitting only the given roles (403 for the others)."""

    def check(staff: CurrentStaff) -> Staff:
        if staff.role not in roles:
            raise Forbidden(f"cần vai trò {' hoặc '.join(r.value for r in roles)}")
        return staff

    return check


AuditReader = Annotated[Staff, Depends(require_roles(Role.SUPERVISOR, Role.ADMIN))]
