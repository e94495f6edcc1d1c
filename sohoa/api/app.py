"""``create_app``: the staff API and page for one deployment (settings → index, store, routes)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from sqlalchemy import text
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemas.settings import Settings
from sohoa.api import (
    routes_audit,
    routes_auth,
    routes_catalogue,
    routes_dossiers,
    routes_files,
    routes_intake,
    routes_progress,
    routes_reports,
    routes_review,
    routes_search,
    routes_service_accounts,
    routes_signatures,
    routes_uploads,
    routes_webhooks,
)
from sohoa.api.deps import ApiContext
from sohoa.api.http_errors import install_error_handlers
from sohoa.api.page import mount_page
from storage.index.db import Index
from storage.objects.base import ObjectStore
from storage.objects.factory import open_object_store

log = logging.getLogger("sohoa.api")

DESCRIPTION = """
Tra cứu và tái sử dụng kết quả số hóa tại bộ phận một cửa / staff reuse of earlier digitized
results. Log in with `POST /api/login`, then send `Authorization: Bearer <token>`.
Other systems send their service account's key (`X-API-Key: sohoa_…`, or as the bearer).
Errors are `{code, message, message_en, detail}`; `message` is Vietnamese.
"""

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


class SecurityHeaders:
    """Every response: no sniffing, no framing, no referrer; an API answer (citizen data) is
    never stored by a browser or a proxy unless its route says otherwise.

    A plain ASGI middleware that only adds headers to the response's start message:
    ``@app.middleware("http")`` (Starlette's ``BaseHTTPMiddleware``) re-wraps every request and
    response in streams and tasks, a noticeable share of a search's CPU (docs/benchmarks.md).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = str(scope["path"]).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if api:
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


def install_security_headers(app: FastAPI) -> None:
    app.add_middleware(SecurityHeaders)


def create_app(
    settings: Settings,
    *,
    index: Index | None = None,
    store: ObjectStore | None = None,
    today: Callable[[], date] = date.today,
) -> FastAPI:
    """The FastAPI app; index and store are opened from ``settings`` unless given."""
    if settings.api.secret_key == "change-me":
        log.warning(
            "SOHOA_API__SECRET_KEY còn mặc định: đặt khóa bí mật trước khi dùng thật / "
            "the secret is the default: set one before real use"
        )
    index = index or Index(settings.index.url)
    index.create_schema()
    context = ApiContext.build(settings, index, store or open_object_store(settings.storage), today)

    app = FastAPIOffline(  # a counter's network may not reach a CDN: Swagger UI comes from here
        title="sohoa — tra cứu, tái sử dụng kết quả số hóa",
        description=DESCRIPTION,
        version="0.1.0",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        static_url="/api/docs-assets",
    )
    app.state.sohoa = context
    install_error_handlers(app)
    install_security_headers(app)
    for module in (
        routes_auth,
        routes_search,
        routes_dossiers,
        routes_review,
        routes_audit,
        routes_files,
        routes_intake,
        routes_uploads,
        routes_progress,
        routes_reports,
        routes_service_accounts,
        routes_catalogue,
        routes_webhooks,
        routes_signatures,
    ):
        app.include_router(module.router)
    mount_page(app)

    @app.get("/health", tags=["health"])
    def health() -> JSONResponse:
        """Liveness for container health checks: the index answers (no auth)."""
        try:
            with index.session() as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:  # any failure means "not healthy"
            log.warning("kiểm tra sức khỏe thất bại / health check failed: %s", type(exc).__name__)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return app
