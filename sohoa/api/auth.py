"""Signed bearer tokens: HMAC-SHA256 over a small JSON payload, with an expiry.

Stateless so a search costs no session lookup beyond the user row (read afresh each request so
a deactivated account or a changed role takes effect at once). The token carries no role and
no personal data; it is also set as an HttpOnly cookie for the staff page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime

from sohoa.api.errors import NotAuthenticated

COOKIE_NAME = "sohoa_session"
CSRF_HEADER = "X-Requested-With"
CSRF_VALUE = "sohoa"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(secret: str, payload: str) -> str:
    return _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())


def issue_token(
    secret: str, username: str, hours: int, now: float | None = None
) -> tuple[str, datetime]:
    """A token for ``username`` valid ``hours`` hours, and its expiry (UTC)."""
    issued = int(now if now is not None else time.time())
    expires = issued + hours * 3600
    body = json.dumps({"sub": username, "iat": issued, "exp": expires}, separators=(",", ":"))
    payload = _b64(body.encode())
    return f"{payload}.{_sign(secret, payload)}", datetime.fromtimestamp(expires, UTC)


def read_token(secret: str, token: str, now: float | None = None) -> str:
    """The username a valid, unexpired token was issued to; else ``NotAuthenticated``."""
    payload, _, signature = token.strip().partition(".")
    if not payload or not signature:
        raise NotAuthenticated("malformed token")
    if not hmac.compare_digest(_sign(secret, payload), signature):
        raise NotAuthenticated("bad signature")
    try:
        claims = json.loads(_unb64(payload))
        username, expires = str(claims["sub"]), int(claims["exp"])
    except (ValueError, KeyError, TypeError) as exc:
        raise NotAuthenticated("malformed token") from exc
    if expires <= (now if now is not None else time.time()):
        raise NotAuthenticated("token expired")
    return username
