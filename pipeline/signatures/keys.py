"""A unit's signing key: a PKCS#12 file or a PKCS#11 token, found in the keys folder.

``<unit>.p12`` + ``<unit>.pass`` (the password, one line), or ``<unit>.pkcs11.json`` with
``module`` (the token driver's .so), ``token_label``, ``key_label`` and optionally
``cert_label`` and ``slot`` (the PIN in ``<unit>.pass``). Both open as a pyHanko signer, so
signing does not care which one a unit has. A unit with neither has no key: "chưa ký".
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pipeline.signatures.sign import KeptKeySigner
from schemas.settings import SigningSettings
from schemas.signatures import SigningKeyInvalid

log = logging.getLogger(__name__)
_UNIT_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
P12_SUFFIX = ".p12"
PKCS11_SUFFIX = ".pkcs11.json"
PASSWORD_SUFFIX = ".pass"


@dataclass(frozen=True)
class UnitKey:
    """Where one unit's key is and how to open it (no secret held here)."""

    unit_code: str
    kind: Literal["pkcs12", "pkcs11"]
    path: Path  # the .p12 file, or the .pkcs11.json description
    password_file: Path | None
    module: str = ""
    token_label: str = ""
    key_label: str = ""
    cert_label: str = ""
    slot: int | None = None


def _safe(unit_code: str) -> bool:
    return bool(_UNIT_CODE.fullmatch(unit_code)) and ".." not in unit_code


def unit_key(unit_code: str, settings: SigningSettings) -> UnitKey | None:
    """The unit's configured key, or None (no key: its copies stay unsigned)."""
    if not _safe(unit_code):
        return None
    folder = settings.keys_dir
    password = folder / f"{unit_code}{PASSWORD_SUFFIX}"
    p12 = folder / f"{unit_code}{P12_SUFFIX}"
    if p12.is_file():
        return UnitKey(unit_code, "pkcs12", p12, password if password.is_file() else None)
    described = folder / f"{unit_code}{PKCS11_SUFFIX}"
    if described.is_file():
        try:
            config = json.loads(described.read_text(encoding="utf-8"))
            slot = config.get("slot")
            return UnitKey(
                unit_code,
                "pkcs11",
                described,
                password if password.is_file() else None,
                module=str(config["module"]),
                token_label=str(config.get("token_label", "")),
                key_label=str(config["key_label"]),
                cert_label=str(config.get("cert_label", "")),
                slot=int(slot) if slot is not None else None,
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise SigningKeyInvalid(f"{described.name}: {error}") from error
    return None


def units_with_keys(settings: SigningSettings) -> set[str]:
    """Codes of the units that have a key in the keys folder."""
    folder = settings.keys_dir
    if not folder.is_dir():
        return set()
    found = set()
    for path in folder.iterdir():
        name = path.name
        for suffix in (P12_SUFFIX, PKCS11_SUFFIX):
            if name.endswith(suffix) and _safe(name.removesuffix(suffix)):
                found.add(name.removesuffix(suffix))
    return found


def _secret(key: UnitKey) -> str | None:
    if key.password_file is None:
        return None
    return key.password_file.read_text(encoding="utf-8").rstrip("\r\n")


def _stamp(path: Path | None) -> tuple[int, int]:
    if path is None:
        return (0, 0)
    stat = path.stat()
    return (stat.st_mtime_ns, stat.st_size)


_lock = threading.Lock()
_signers: dict[tuple[Any, ...], Any] = {}


def open_signer(key: UnitKey) -> Any:
    """A pyHanko signer for the key, kept open for the process (opened again when its files
    change): a PKCS#12 key is decrypted once, a token session opened once."""
    # A token session does not survive fork(): a forked work horse opens its own.
    pid = os.getpid() if key.kind == "pkcs11" else 0
    try:
        cache_key = (key, _stamp(key.path), _stamp(key.password_file), pid)
    except OSError as error:
        raise SigningKeyInvalid(f"{key.path.name}: {error}") from error
    with _lock:
        signer = _signers.get(cache_key)
        if signer is None:
            signer = _open_pkcs12(key) if key.kind == "pkcs12" else _open_pkcs11(key)
            for stale in [k for k in _signers if k[0].unit_code == key.unit_code]:
                del _signers[stale]
            _signers[cache_key] = signer
        return signer


def _open_pkcs12(key: UnitKey) -> Any:
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        password = _secret(key)
        private, cert, chain = pkcs12.load_key_and_certificates(
            key.path.read_bytes(), password.encode() if password is not None else None
        )
    except (OSError, ValueError, TypeError) as error:
        raise SigningKeyInvalid(f"{key.path.name}: {type(error).__name__}") from error
    if private is None or cert is None:
        raise SigningKeyInvalid(f"{key.path.name}: không có khóa hoặc chứng thư / no key or cert")
    return KeptKeySigner.from_pyca(private, cert, list(chain))


def _open_pkcs11(key: UnitKey) -> Any:
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(
            key.module,
            slot_no=key.slot,
            token_criteria=TokenCriteria(label=key.token_label or None),
            user_pin=_secret(key),
        )
    except Exception as error:  # the driver's own errors (no token, wrong PIN…)
        raise SigningKeyInvalid(f"{key.module}: {type(error).__name__}: {error}") from error
    return PKCS11Signer(
        session, cert_label=key.cert_label or key.key_label, key_label=key.key_label
    )


def warm_signers(settings: SigningSettings) -> list[str]:
    """Open every unit's PKCS#12 key now (a worker before it forks its work horses, so each
    job does not decrypt the key again); the units opened. Bad keys are left for signing to
    report; tokens are opened by the process that signs."""
    opened = []
    for unit_code in sorted(units_with_keys(settings)):
        try:
            key = unit_key(unit_code, settings)
            if key is not None and key.kind == "pkcs12":
                open_signer(key)
                opened.append(unit_code)
        except SigningKeyInvalid as error:
            log.warning("khóa ký số của %s lỗi / bad signing key: %s", unit_code, error.detail)
    return opened


def forget_signers() -> None:
    """Drop the open signers (tests; a key replaced with the same mtime)."""
    with _lock:
        _signers.clear()
