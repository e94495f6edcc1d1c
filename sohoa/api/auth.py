"""Signed bearer tokens: a small JSON payload with an expiry, signed by itsdangerous.

Stateless so a search costs no session lookup beyond the user row (read afresh each request so
a deactivated account or a changed role takes effect at once). The token carries no role and
no personal data; it is also set as an HttpOnly cookie for the staff page. Keys rotate: tokens
are signed with the current key and accepted under any key listed as previous, until they expire.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from itsdangerous import BadData, URLSafeSerializer

from sohoa.api.errors import NotAuthenticated

SALT = "sohoa-staff-token"  # a token of this kind is no other kind of signed value

COOKIE_NAME = "sohoa_session"
CSRF_HEADER = "X-Requested-With"
CSRF_VALUE = "sohoa"


def _serializer(secrets: str | Sequence[str]) -> URLSafeSerializer:
    """Signs with the last key; verifies with any (itsdangerous tries them newest first)."""
    keys = [secrets] if isinstance(secrets, str) else list(secrets)
    return URLSafeSerializer(keys, salt=SALT, signer_kwargs={"digest_method": hashlib.sha256})


def issue_token(
    secret: str, username: str, hours: int, now: float | None = None
) -> tuple[str, datetime]:
    """A token for ``username`` valid ``hours`` hours, and its expiry (UTC)."""
    issued = now if now is not None else time.time()  # sub-second: a logout ends what came before
    expires = int(issued) + hours * 3600
    token = _serializer(secret).dumps({"sub": username, "iat": issued, "exp": expires})
    return str(token), datetime.fromtimestamp(expires, UTC)


def read_claims(
    secrets: str | Sequence[str], token: str, now: float | None = None
) -> tuple[str, float]:
    """The username a valid, unexpired token was issued to, and when; else ``NotAuthenticated``.

    ``secrets``: the current key, or the previous keys then the current one.
    """
    try:
        claims = _serializer(secrets).loads(token.strip())
        username, expires, issued = str(claims["sub"]), int(claims["exp"]), float(claims["iat"])
    except BadData as exc:
        raise NotAuthenticated("bad signature") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise NotAuthenticated("malformed token") from exc
    if expires <= (now if now is not None else time.time()):
        raise NotAuthenticated("token expired")
    return username, issued


def read_token(secrets: str | Sequence[str], token: str, now: float | None = None) -> str:
    """The username a valid, unexpired token was issued to; else ``NotAuthenticated``."""
    return read_claims(secrets, token, now)[0]
