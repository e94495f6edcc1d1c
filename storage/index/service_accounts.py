"""Service accounts: API keys for other systems (the provincial one-stop system), one unit each.

A key is ``sohoa_<key_id>_<secret>``: the key id finds the row, the secret is checked against
its SHA-256. The secret is 32 random bytes, so a fast hash is enough (nothing to brute-force,
unlike a password) and every call can afford the check. The key is shown once, at creation;
only its hash is kept. A revoked account stays listed (who had access, until when) but its key
is refused from then on.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, Integer, Select, String, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.index.tables import Base
from storage.index.users import USERNAME_PATTERN, Role, Staff

KEY_PREFIX = "sohoa_"
USERNAME_PREFIX = "svc:"  # ':' is outside staff usernames: a service never passes for a person
# Usernames are stored in String(80) columns (audit, attachments): "svc:" leaves 76 characters.
MAX_NAME_LENGTH = 80 - len(USERNAME_PREFIX)
_KEY_ID_BYTES = 8  # 16 hex characters
_SECRET_BYTES = 32
_KEY_ID = re.compile(r"^[0-9a-f]{16}$")
_MAX_SECRET_LENGTH = 100  # token_urlsafe(32) is 43 characters; anything far longer is not a key


class ServiceAccount(Base):
    """One other system's access: bound to a unit, revocable, its key kept as a hash only."""

    __tablename__ = "service_accounts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    unit_code: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    created_by: Mapped[str] = mapped_column(String(80))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


@dataclass(frozen=True)
class ServiceAccountInfo:
    """What may be shown about an account: never its key nor the key's hash."""

    name: str
    unit_code: str
    key_id: str
    created_at: datetime | None
    created_by: str
    revoked_at: datetime | None
    last_used_at: datetime | None

    @property
    def username(self) -> str:
        return USERNAME_PREFIX + self.name

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class ServiceAccountError(ValueError):
    """An account could not be created as asked (bad name or unit, duplicate name)."""


def _info(row: ServiceAccount) -> ServiceAccountInfo:
    return ServiceAccountInfo(
        name=row.name,
        unit_code=row.unit_code,
        key_id=row.key_id,
        created_at=row.created_at,
        created_by=row.created_by,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def clean_name(name: str) -> str:
    """The name as stored (lower case), or ``ServiceAccountError`` in Vietnamese."""
    name = name.strip().lower()
    if not USERNAME_PATTERN.match(name) or len(name) > MAX_NAME_LENGTH:
        raise ServiceAccountError(
            "tên tài khoản dịch vụ chỉ gồm chữ thường, số, '.', '_', '-' "
            f"(2–{MAX_NAME_LENGTH} ký tự)"
        )
    return name


def create_service_account(
    session: Session, name: str, unit_code: str, created_by: str
) -> tuple[ServiceAccountInfo, str]:
    """A new active account and its full key — returned this once, only its hash is kept."""
    name = clean_name(name)
    unit_code = unit_code.strip()
    if not unit_code or len(unit_code) > 40:
        raise ServiceAccountError("tài khoản dịch vụ phải thuộc một đơn vị (mã đơn vị, ≤ 40 ký tự)")
    key_id = secrets.token_hex(_KEY_ID_BYTES)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    row = ServiceAccount(
        name=name,
        unit_code=unit_code,
        key_id=key_id,
        key_hash=_secret_hash(secret),
        created_by=created_by[:80],
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise ServiceAccountError(f"tài khoản dịch vụ {name!r} đã tồn tại") from exc
    session.refresh(row)  # created_at comes from the database
    return _info(row), f"{KEY_PREFIX}{key_id}_{secret}"


def _split_key(key: str) -> tuple[str, str] | None:
    """(key id, secret) of a well-formed key, else None."""
    if not key.startswith(KEY_PREFIX):
        return None
    key_id, _, secret = key[len(KEY_PREFIX) :].partition("_")
    if not _KEY_ID.match(key_id) or not 0 < len(secret) <= _MAX_SECRET_LENGTH:
        return None
    return key_id, secret


def authenticate_key(session: Session, key: str) -> Staff | None:
    """The unit-scoped staff identity behind a valid, unrevoked key (its use is recorded);
    None for an unknown, malformed or revoked key."""
    parts = _split_key(key.strip())
    if parts is None:
        return None
    key_id, secret = parts
    row = session.scalars(select(ServiceAccount).where(ServiceAccount.key_id == key_id)).first()
    if row is None or not hmac.compare_digest(row.key_hash, _secret_hash(secret)):
        return None
    if row.revoked_at is not None:
        return None
    row.last_used_at = datetime.now()
    return Staff(username=USERNAME_PREFIX + row.name, role=Role.STAFF, unit_code=row.unit_code)


def get_account(session: Session, name: str) -> ServiceAccountInfo | None:
    row = session.scalars(
        select(ServiceAccount).where(ServiceAccount.name == name.strip().lower())
    ).first()
    return _info(row) if row is not None else None


def revoke(session: Session, name: str) -> bool:
    """Refuse the account's key from now on; False when there is no such account.

    Revoking twice keeps the first revocation time (when access really ended).
    """
    row = session.scalars(
        select(ServiceAccount).where(ServiceAccount.name == name.strip().lower())
    ).first()
    if row is None:
        return False
    if row.revoked_at is None:
        row.revoked_at = datetime.now()
    return True


def list_accounts(session: Session) -> list[ServiceAccountInfo]:
    rows = session.scalars(select(ServiceAccount).order_by(ServiceAccount.name)).all()
    return [_info(row) for row in rows]


def unit_usernames(unit_code: str) -> Select[str]:
    """The audit usernames (``svc:<name>``) of a unit's accounts, revoked ones included, so a
    unit's supervisor sees in the audit trail what other systems did in the unit's name."""
    return select(literal(USERNAME_PREFIX, String) + ServiceAccount.name).where(
        ServiceAccount.unit_code == unit_code
    )
