"""Staff accounts: who may search and reuse citizens' data, with which role, for which unit.

Passwords are stored as argon2id hashes only. Verification costs the same whether or not the
user exists, so a login attempt cannot tell which usernames are real.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, DateTime, Float, Integer, String, bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.index.tables import Base

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("sohoa-no-such-user")


class Role(StrEnum):
    STAFF = "staff"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class StaffUser(Base):
    """One staff account, bound to the unit (commune/ward) it works for."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default=Role.STAFF.value)
    unit_code: Mapped[str] = mapped_column(String(40), default="", index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # Epoch seconds: tokens issued before are refused (logout, disable, password change).
    tokens_valid_after: Mapped[float | None] = mapped_column(Float, nullable=True)


@dataclass(frozen=True)
class Staff:
    """The acting user as every layer above the index sees it (never the password hash)."""

    username: str
    role: Role
    unit_code: str

    @property
    def sees_all_units(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def can_read_audit(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)


class UserError(ValueError):
    """A user could not be created as asked (bad name, weak password, duplicate)."""


def hash_password(password: str) -> str:
    """An argon2id hash (salted, so the same password never hashes the same twice)."""
    return _hasher.hash(password)


def _as_staff(row: StaffUser) -> Staff:
    return Staff(username=row.username, role=Role(row.role), unit_code=row.unit_code)


def create_user(
    session: Session, username: str, password: str, role: Role, unit_code: str
) -> Staff:
    """Add an active account; the unit is required except for admins (who see every unit)."""
    username = username.strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise UserError("tên đăng nhập chỉ gồm chữ thường, số, '.', '_', '-' (2–80 ký tự)")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự")
    if role is not Role.ADMIN and not unit_code.strip():
        raise UserError("cán bộ và lãnh đạo phải thuộc một đơn vị (mã đơn vị)")
    row = StaffUser(
        username=username,
        password_hash=hash_password(password),
        role=role.value,
        unit_code=unit_code.strip(),
        active=True,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError as exc:
        raise UserError(f"tên đăng nhập {username!r} đã tồn tại") from exc
    return _as_staff(row)


def authenticate(session: Session, username: str, password: str) -> Staff | None:
    """The active user whose password matches, else None (same cost either way)."""
    row = session.scalars(
        select(StaffUser).where(StaffUser.username == username.strip().lower())
    ).first()
    stored = row.password_hash if row is not None else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None or not row.active:
        return None
    if _hasher.check_needs_rehash(row.password_hash):
        row.password_hash = _hasher.hash(password)
    return _as_staff(row)


# Prepared once: the lookup every authenticated request makes (columns only, no ORM object).
_ACTIVE_ACCOUNT = select(
    StaffUser.username, StaffUser.role, StaffUser.unit_code, StaffUser.tokens_valid_after
).where(StaffUser.username == bindparam("username"), StaffUser.active.is_(True))


def get_active(
    db: Session | Connection, username: str, issued_at: float | None = None
) -> Staff | None:
    """The account behind a token, if it still exists, is active and did not end the token's
    session after it was issued (role read afresh)."""
    row = db.execute(_ACTIVE_ACCOUNT, {"username": username}).first()
    if row is None:
        return None
    ended = row.tokens_valid_after
    if ended is not None and (issued_at is None or issued_at < ended):
        return None
    return Staff(username=row.username, role=Role(row.role), unit_code=row.unit_code)


def _row(session: Session, username: str) -> StaffUser:
    row = session.scalars(
        select(StaffUser).where(StaffUser.username == username.strip().lower())
    ).first()
    if row is None:
        raise UserError(f"không có tài khoản {username!r}")
    return row


def end_sessions(session: Session, username: str, now: float | None = None) -> None:
    """Refuse every token the account holds now (logout ends all of its sessions)."""
    _row(session, username).tokens_valid_after = now if now is not None else time.time()


def set_active(session: Session, username: str, active: bool) -> Staff:
    """Disable (its sessions end at once) or enable an account."""
    row = _row(session, username)
    row.active = active
    if not active:
        row.tokens_valid_after = time.time()
    return _as_staff(row)


def set_password(session: Session, username: str, password: str) -> Staff:
    """A new password; the account's sessions end (whoever knew the old one is out)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự")
    row = _row(session, username)
    row.password_hash = hash_password(password)
    row.tokens_valid_after = time.time()
    return _as_staff(row)


def set_role(session: Session, username: str, role: Role, unit_code: str | None = None) -> Staff:
    """Another role (and unit); takes effect on the next request, no new login needed."""
    row = _row(session, username)
    unit = row.unit_code if unit_code is None else unit_code.strip()
    if role is not Role.ADMIN and not unit:
        raise UserError("cán bộ và lãnh đạo phải thuộc một đơn vị (mã đơn vị)")
    row.role, row.unit_code = role.value, unit
    return _as_staff(row)


@dataclass(frozen=True)
class Account:
    username: str
    role: str
    unit_code: str
    active: bool


def list_users(session: Session) -> list[Account]:
    rows = session.scalars(select(StaffUser).order_by(StaffUser.username)).all()
    return [Account(r.username, r.role, r.unit_code, r.active) for r in rows]
