"""The object-store contract every backend fulfils, and the key rules they all enforce.

Keys are checked here, identically for every backend, so a key that works on a laptop's
local store also works on MinIO, and no key can name a file outside the local root.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from storage import keys
from storage.objects.metadata import check_metadata

DEFAULT_CONTENT_TYPE = "application/octet-stream"
MAX_KEY_LENGTH = 1024  # S3's limit, in bytes; keys are ASCII so characters == bytes
MAX_PRESIGN_SECONDS = 7 * 24 * 3600  # S3's limit for signature-v4 URLs

# One path segment: ASCII letters, digits, ``.``, ``_``, ``-``, never starting with ``.``.
# That rules out ``.``/``..`` and keeps the local backend's hidden ``.meta``/temp files apart.
_SEGMENT = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*")
_PARTIAL_SEGMENT = re.compile(r"[A-Za-z0-9._-]*")
_CONTENT_TYPE = re.compile(r"[!-~]+(?: +[!-~]+)*")  # printable ASCII, inner spaces only


class InvalidKey(ValueError):
    """A key or prefix that could escape the store or would not behave alike on every backend.

    A programming error, not bad input from a citizen: it is never retried.
    """


@dataclass(frozen=True)
class ObjectInfo:
    """What ``stat`` reports; ``metadata`` holds the decoded (Unicode) values."""

    key: str
    size: int
    content_type: str
    metadata: dict[str, str] = field(default_factory=dict)


@runtime_checkable
class ObjectStore(Protocol):
    """Storage for originals and derived artefacts; local directory or S3/MinIO.

    Missing keys raise ``schemas.errors.NotFound``; an unreachable backend raises
    ``schemas.errors.StorageUnavailable`` (retryable). Bad keys raise ``InvalidKey``.
    """

    def put_bytes(
        self,
        key: str,
        data: bytes,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        """Write (or overwrite) ``key`` with ``data``."""
        ...

    def put_file(
        self,
        key: str,
        path: Path,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> None:
        """Write (or overwrite) ``key`` from a local file, streamed."""
        ...

    def put_immutable(
        self,
        key: str,
        source: bytes | Path,
        content_type: str = DEFAULT_CONTENT_TYPE,
        metadata: Mapping[str, str] | None = None,
    ) -> bool:
        """Write ``key`` unless it exists; True if written. Originals' digests are verified."""
        ...

    def get_bytes(self, key: str) -> bytes:
        """The whole object in memory (small artefacts only)."""
        ...

    def download(self, key: str, path: Path) -> None:
        """Stream the object to ``path``, replacing it atomically."""
        ...

    def exists(self, key: str) -> bool:
        """Whether ``key`` names an object."""
        ...

    def stat(self, key: str) -> ObjectInfo:
        """Size, content type and metadata of ``key``."""
        ...

    def list(self, prefix: str = "") -> Iterator[str]:
        """Keys starting with ``prefix`` (plain string match, as S3), in sorted order."""
        ...

    def delete_prefix(self, prefix: str) -> int:
        """Delete one abandoned derived version (``keys.derived_prefix``); count deleted."""
        ...

    def presigned_url(self, key: str, seconds: int | None = None) -> str | None:
        """Time-limited GET URL, or None where the API serves the object itself."""
        ...

    def check(self) -> None:
        """Raise ``StorageUnavailable`` unless the backend is reachable and writable."""
        ...


def check_key(key: str) -> str:
    """Return ``key`` if it is a safe relative object name, else raise ``InvalidKey``."""
    if not isinstance(key, str) or not key:
        raise InvalidKey(f"object key must be a non-empty string, got {key!r}")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(f"object key longer than {MAX_KEY_LENGTH} characters")
    if not all(_SEGMENT.fullmatch(segment) for segment in key.split("/")):
        raise InvalidKey(
            f"object key {key!r} must be '/'-separated segments of ASCII letters, digits, "
            "'.', '_' and '-', not starting with '.', with no empty segment"
        )
    return key


def check_prefix(prefix: str) -> str:
    """Return a listing prefix (may be empty, may end in ``/`` or a partial name) if safe."""
    if not isinstance(prefix, str):
        raise InvalidKey(f"prefix must be a string, got {prefix!r}")
    if not prefix:
        return prefix
    if len(prefix) > MAX_KEY_LENGTH:
        raise InvalidKey(f"prefix longer than {MAX_KEY_LENGTH} characters")
    *whole, last = prefix.split("/")
    if not all(_SEGMENT.fullmatch(segment) for segment in whole) or not (
        last == "" or _PARTIAL_SEGMENT.fullmatch(last)
    ):
        raise InvalidKey(f"unsafe prefix {prefix!r}")
    return prefix


def check_deletable_prefix(prefix: str) -> str:
    """Only a whole derived version may be deleted: originals are kept for good."""
    check_prefix(prefix)
    if not keys.is_derived_version_prefix(prefix):
        raise InvalidKey(
            f"delete_prefix only accepts a derived version prefix "
            f"('derived/<sha256>/v<n>/'), got {prefix!r}"
        )
    return prefix


def check_content_type(content_type: str) -> str:
    """Return a plain-ASCII media type, since it travels in an HTTP header."""
    if not isinstance(content_type, str) or not _CONTENT_TYPE.fullmatch(content_type):
        raise ValueError(f"invalid content type {content_type!r}")
    return content_type


def check_presign_seconds(seconds: int) -> int:
    """Return ``seconds`` if S3 can sign a URL valid that long."""
    if isinstance(seconds, bool) or not isinstance(seconds, int):
        raise ValueError(f"presign seconds must be an integer, got {seconds!r}")
    if not 1 <= seconds <= MAX_PRESIGN_SECONDS:
        raise ValueError(f"presign seconds must be in 1..{MAX_PRESIGN_SECONDS}, got {seconds}")
    return seconds


def verify_content_address(key: str, source: bytes | Path) -> None:
    """For ``originals/<sha256>``, refuse content that does not hash to the key.

    ``put_immutable`` skips existing keys on the promise that a content-addressed key always
    holds the same bytes; this keeps a caller bug from breaking that promise.
    """
    expected = keys.parse_original_key(key)
    if expected is None:
        return
    if isinstance(source, bytes | bytearray | memoryview):
        actual = hashlib.sha256(source).hexdigest()
    else:
        with Path(source).open("rb") as handle:
            actual = hashlib.file_digest(handle, "sha256").hexdigest()
    if actual != expected:
        raise ValueError(f"content hashes to {actual}, not to its key {key!r}")


def put_immutable_via(
    store: ObjectStore,
    key: str,
    source: bytes | Path,
    content_type: str,
    metadata: Mapping[str, str] | None,
) -> bool:
    """``put_immutable`` for any backend: skip an existing key, else verify and write.

    Two writers racing on the same content-addressed key both write identical bytes, so the
    check-then-write gap is harmless. Arguments are checked before anything is read so a bad
    call fails the same way whether or not the object already exists.
    """
    check_key(key)
    check_content_type(content_type)
    checked = check_metadata(metadata)
    if store.exists(key):
        return False
    verify_content_address(key, source)
    if isinstance(source, bytes | bytearray | memoryview):
        store.put_bytes(key, bytes(source), content_type, checked)
    else:
        store.put_file(key, Path(source), content_type, checked)
    return True
