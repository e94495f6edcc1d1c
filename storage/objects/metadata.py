"""User metadata on objects: checked once, carried as ASCII so Vietnamese survives S3 headers.

S3 sends user metadata as ``x-amz-meta-*`` HTTP headers, which only carry ASCII reliably, so
values are percent-encoded (UTF-8) on the way in and decoded on ``stat``. Keys are lowercase
ASCII letters and digits joined by single ``-`` or ``_`` (S3 lower-cases header names). Proxies
such as nginx drop header names containing ``_`` and some servers turn it into ``-``, so on the
wire ``_`` travels as ``--``, which no key can otherwise contain. Every backend applies the same
rules so the local store never accepts what MinIO would mangle.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, unquote

MAX_METADATA_BYTES = 2048  # S3's limit on the sum of user-metadata key and value sizes
HEADER_PREFIX = "x-amz-meta-"

_KEY = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")  # no doubled separators: see to_headers
# Printable ASCII stays readable in consoles; space and '%' are escaped so that decoding is
# exact and header whitespace trimming cannot change a value.
_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) != "%")


def encode_value(value: str) -> str:
    """Percent-encode everything outside printable ASCII (plus space and ``%``)."""
    return quote(value, safe=_SAFE, encoding="utf-8", errors="strict")


def decode_value(value: str) -> str:
    """Inverse of ``encode_value``; tolerant of values written by other tools."""
    return unquote(value, encoding="utf-8", errors="replace")


def check_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """Return a plain copy of ``metadata`` if every backend can store it, else ``ValueError``."""
    checked: dict[str, str] = {}
    total = 0
    for key, value in (metadata or {}).items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(
                f"metadata key {key!r} must be lowercase ASCII letters and digits "
                "joined by single '-' or '_'"
            )
        if not isinstance(value, str):
            raise ValueError(f"metadata value for {key!r} must be a string, got {value!r}")
        total += len(header_name(key)) - len(HEADER_PREFIX) + len(encode_value(value))
        checked[key] = value
    if total > MAX_METADATA_BYTES:
        raise ValueError(f"metadata takes {total} bytes encoded, over {MAX_METADATA_BYTES}")
    return checked


def header_name(key: str) -> str:
    """The header carrying a (checked) metadata key: ``doc_type`` → ``x-amz-meta-doc--type``."""
    return HEADER_PREFIX + key.replace("_", "--")


def to_headers(metadata: Mapping[str, str]) -> dict[str, str]:
    """Checked metadata as S3 ``x-amz-meta-*`` headers with encoded values."""
    return {header_name(key): encode_value(value) for key, value in metadata.items()}


def from_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Decoded user metadata out of an S3 response's headers (others ignored)."""
    found: dict[str, str] = {}
    for name, value in headers.items():
        lowered = name.lower()
        if lowered.startswith(HEADER_PREFIX):
            found[lowered[len(HEADER_PREFIX) :].replace("--", "_")] = decode_value(value)
    return found
