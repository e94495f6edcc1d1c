"""Object names, in one place, so every component agrees on where a thing lives.

Originals are content-addressed (``originals/<sha256>``) and therefore immutable: the same
scan always lands on the same key. Everything derived from an original is written under a
numbered version (``derived/<sha256>/v<version>/...``) so a re-OCR never overwrites the
artefacts an existing index row points at; an abandoned version is dropped as one prefix.
"""

from __future__ import annotations

import re
from typing import NamedTuple

ORIGINALS_ROOT = "originals/"
DERIVED_ROOT = "derived/"

TEXT_NAME = "text.json"
SEARCHABLE_PDF_NAME = "searchable.pdf"
FIELDS_NAME = "fields.json"
THUMBNAIL_NAME = "thumbnail.jpg"
SIGNED_PDF_NAME = "signed.pdf"

_SHA256 = re.compile(r"[0-9a-f]{64}")
_ORIGINAL_KEY = re.compile(r"originals/(?P<sha>[0-9a-f]{64})")
_DERIVED_KEY = re.compile(
    r"derived/(?P<sha>[0-9a-f]{64})/v(?P<version>[1-9][0-9]*)/(?P<name>[^/]*)"
)


class DerivedKey(NamedTuple):
    """The parts of a derived artefact's key; ``name`` is empty for the version prefix."""

    sha256: str
    version: int
    name: str


def validate_sha256(sha256: str) -> str:
    """Return ``sha256`` if it is 64 lowercase hex digits, else raise ``ValueError``."""
    if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a lowercase hex sha256 digest: {sha256!r}")
    return sha256


def validate_version(version: int) -> int:
    """Return ``version`` if it is an integer ≥ 1 (bool refused), else raise ``ValueError``."""
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"derived version must be an integer >= 1, got {version!r}")
    return version


def original_key(sha256: str) -> str:
    """Key of the original scan whose content hashes to ``sha256``."""
    return ORIGINALS_ROOT + validate_sha256(sha256)


def derived_root(sha256: str) -> str:
    """Prefix holding every derived version of one original (for listing versions)."""
    return f"{DERIVED_ROOT}{validate_sha256(sha256)}/"


def derived_prefix(sha256: str, version: int) -> str:
    """Prefix holding one derived version; ends with ``/`` so v1 never matches v10."""
    return f"{derived_root(sha256)}v{validate_version(version)}/"


def page_image_key(sha256: str, version: int, page: int) -> str:
    """Cleaned page image, pages numbered from 1 and zero-padded so keys sort in page order."""
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise ValueError(f"page number must be an integer >= 1, got {page!r}")
    return f"{derived_prefix(sha256, version)}page-{page:04d}.png"


def view_image_key(sha256: str, version: int, page: int) -> str:
    """A page rendered from the original for the staff viewer, kept where no cleaned image was
    stored (a page that failed OCR); JPEG, since it is only looked at."""
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise ValueError(f"page number must be an integer >= 1, got {page!r}")
    return f"{derived_prefix(sha256, version)}view-{page:04d}.jpg"


def text_key(sha256: str, version: int) -> str:
    """Recognised text of every page (JSON)."""
    return derived_prefix(sha256, version) + TEXT_NAME


def searchable_pdf_key(sha256: str, version: int) -> str:
    """PDF with an invisible text layer over the page images."""
    return derived_prefix(sha256, version) + SEARCHABLE_PDF_NAME


def fields_key(sha256: str, version: int) -> str:
    """Extracted structured fields (JSON)."""
    return derived_prefix(sha256, version) + FIELDS_NAME


def thumbnail_key(sha256: str, version: int) -> str:
    """Small preview of the first page for the staff page."""
    return derived_prefix(sha256, version) + THUMBNAIL_NAME


def signed_pdf_key(prefix: str, result_version: int, serial: int = 1) -> str:
    """The unit-signed copy of a result version's searchable PDF, beside it, never overwritten.

    ``signed.pdf`` for the version that made the prefix; a reviewer's version sharing the
    prefix (same pages, corrected fields) gets ``signed-v<version>.pdf``; a re-sign of the
    same version adds ``-<serial>`` (2, 3…), so an earlier signed copy always stays.
    """
    parsed = parse_derived_key(prefix)
    if parsed is None or parsed.name:
        raise ValueError(f"not a derived version prefix: {prefix!r}")
    validate_version(result_version)
    if isinstance(serial, bool) or not isinstance(serial, int) or serial < 1:
        raise ValueError(f"serial must be an integer >= 1, got {serial!r}")
    stem = "signed" if result_version == parsed.version else f"signed-v{result_version}"
    if serial > 1:
        stem += f"-{serial}"
    return f"{prefix}{stem}.pdf"


def parse_original_key(key: str) -> str | None:
    """The sha256 named by an original's key, or ``None`` if ``key`` is not one."""
    match = _ORIGINAL_KEY.fullmatch(key)
    return match["sha"] if match else None


def parse_derived_key(key: str) -> DerivedKey | None:
    """Split a derived key (or version prefix) into its parts, or ``None`` if it is not one."""
    match = _DERIVED_KEY.fullmatch(key)
    if not match:
        return None
    return DerivedKey(match["sha"], int(match["version"]), match["name"])


def is_derived_version_prefix(prefix: str) -> bool:
    """True exactly for strings ``derived_prefix`` can return."""
    parsed = parse_derived_key(prefix)
    return parsed is not None and parsed.name == ""
