"""The deployment's trust anchors: a folder of CA certificates (PEM or DER, several per PEM
file allowed) and the CRLs the province keeps beside them (``*.crl``).

An empty or missing folder trusts nobody: pyHanko's fallback to the operating system's TLS
list is never used (a TLS root is no authority on Vietnamese signatures).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from asn1crypto import crl as asn1_crl
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509

log = logging.getLogger(__name__)

CERT_SUFFIXES = frozenset({".pem", ".crt", ".cer", ".der"})
CRL_SUFFIXES = frozenset({".crl"})


@dataclass(frozen=True)
class TrustAnchors:
    """CA certificates and revocation lists, as asn1crypto objects for pyHanko."""

    certificates: list[asn1_x509.Certificate] = field(default_factory=list)
    crls: list[asn1_crl.CertificateList] = field(default_factory=list)
    folder: Path | None = None

    def context_options(self, *, fetch: bool = False) -> dict[str, Any]:
        """Keyword arguments of a pyHanko ``ValidationContext``: these anchors only (never
        None: that would mean the OS list), revocation checked where its data is available
        (these CRLs, data embedded in the PDF; online only with ``fetch``)."""
        return {
            "trust_roots": list(self.certificates),
            "crls": list(self.crls),
            "allow_fetching": fetch,
            "revocation_mode": "soft-fail",
        }

    def validation_context(self, *, fetch: bool = False) -> Any:
        from pyhanko_certvalidator import ValidationContext

        return ValidationContext(**self.context_options(fetch=fetch))


def _blocks(data: bytes) -> list[tuple[str, bytes]]:
    """(PEM type or "", DER bytes) of every object in a file."""
    if pem.detect(data):
        return [(kind, der) for kind, _headers, der in pem.unarmor(data, multiple=True)]
    return [("", data)]


_cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], TrustAnchors]] = {}


def _listing(folder: Path) -> tuple[tuple[str, int, int], ...]:
    if not folder.is_dir():
        return ()
    entries = []
    for path in sorted(folder.iterdir()):
        try:
            stat = path.stat()
        except OSError:
            continue
        entries.append((path.name, stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def anchors_in(folder: Path) -> TrustAnchors:
    """``load_anchors``, read again only when a file of the folder changed (a province CRL
    can be large; every incoming signed PDF needs the anchors)."""
    listing = _listing(folder)
    cached = _cache.get(folder)
    if cached is not None and cached[0] == listing:
        return cached[1]
    anchors = load_anchors(folder)
    _cache[folder] = (listing, anchors)
    return anchors


def load_anchors(folder: Path) -> TrustAnchors:
    """Every certificate and CRL in ``folder`` (not recursive); unreadable files are logged
    and skipped, so one bad file does not leave a deployment trusting nothing."""
    certificates: list[asn1_x509.Certificate] = []
    crls: list[asn1_crl.CertificateList] = []
    if not folder.is_dir():
        return TrustAnchors(folder=folder)
    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if not path.is_file() or suffix not in CERT_SUFFIXES | CRL_SUFFIXES:
            continue
        try:
            for kind, der in _blocks(path.read_bytes()):
                if suffix in CRL_SUFFIXES or kind == "X509 CRL":
                    crl = asn1_crl.CertificateList.load(der)
                    crl.issuer.human_friendly  # noqa: B018 - a bad file fails here, not later
                    crls.append(crl)
                elif kind in ("", "CERTIFICATE", "TRUSTED CERTIFICATE"):
                    cert = asn1_x509.Certificate.load(der)
                    cert.subject.human_friendly  # noqa: B018
                    certificates.append(cert)
        except (OSError, ValueError, TypeError) as error:
            log.warning(
                "bỏ qua tệp tin cậy không đọc được %s / unreadable trust file skipped: %s",
                path.name,
                error,
            )
    return TrustAnchors(certificates=certificates, crls=crls, folder=folder)


def certificates_from_files(paths: list[Path]) -> list[asn1_x509.Certificate]:
    """Certificates of the given PEM/DER files (``sohoa verify --trust``); errors raise."""
    found: list[asn1_x509.Certificate] = []
    for path in paths:
        for kind, der in _blocks(path.read_bytes()):
            if kind in ("", "CERTIFICATE", "TRUSTED CERTIFICATE"):
                found.append(asn1_x509.Certificate.load(der))
    return found
