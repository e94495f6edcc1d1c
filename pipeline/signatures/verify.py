"""Checking the signatures of an incoming PDF with pyHanko's validator.

Per signature: integrity (the signed bytes still hash to what was signed), the signature value,
the signer's certificate and its chain to the deployment's trust anchors, revocation where data
is available (the anchors' CRLs, the PDF's own DSS, online only when allowed), and what was
changed in the file after signing. Each signature gets one ``SignatureVerdict``.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pikepdf

from pipeline.signatures.trust import TrustAnchors
from schemas.signatures import IncomingSignature, SignatureVerdict

log = logging.getLogger(__name__)
# pyHanko logs a traceback for every untrusted chain or suspicious change it finds; here those
# are verdicts, recorded with the result, not errors.
for _noisy in ("pyhanko.sign.validation.generic_cms", "pyhanko.sign.diff_analysis"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)

# pyHanko's reasons a chain is not trusted that mean "the certificate was out of its validity
# period" rather than "nobody we trust issued it".
_EXPIRY_INDICATIONS = frozenset(
    {"EXPIRED", "OUT_OF_BOUNDS_NO_POE", "OUT_OF_BOUNDS_NOT_REVOKED", "NOT_YET_VALID"}
)
_REVOKED_INDICATIONS = frozenset({"REVOKED_NO_POE", "REVOKED_CA_NO_POE", "REVOKED"})
_ACCEPTED_CHANGES = frozenset({"NONE", "LTA_UPDATES", "FORM_FILLING"})


def _is_signature_field(field: Any) -> bool:
    value = field.get("/V")
    return field.get("/FT") == "/Sig" and isinstance(value, pikepdf.Dictionary)


def signature_count(path: Path) -> int:
    """How many filled signature fields the PDF has (0 for an unreadable one: the pipeline's
    own checks say what is wrong with it)."""
    try:
        with pikepdf.open(path) as pdf:
            form = pdf.Root.get("/AcroForm")
            if not isinstance(form, pikepdf.Dictionary):
                return 0
            count = 0
            stack = list(form.get("/Fields", pikepdf.Array()))
            seen = 0
            while stack and seen < 10_000:  # a malicious form tree cannot loop forever
                seen += 1
                field = stack.pop()
                if not isinstance(field, pikepdf.Dictionary):
                    continue
                if _is_signature_field(field):
                    count += 1
                stack.extend(field.get("/Kids", pikepdf.Array()))
            return count
    except (pikepdf.PdfError, OSError, ValueError, RecursionError):
        return 0


def _name_part(name: Any, key: str) -> str:
    try:
        value = name.native.get(key, "")
    except (ValueError, AttributeError):
        return ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return str(value or "")


def _identity(cert: Any) -> dict[str, Any]:
    if cert is None:
        return {}
    try:
        not_after = cert["tbs_certificate"]["validity"]["not_after"].native
    except (KeyError, ValueError):
        not_after = None
    return {
        "signer": cert.subject.human_friendly,
        "signer_common_name": _name_part(cert.subject, "common_name"),
        "signer_organization": _name_part(cert.subject, "organization_name"),
        "issuer": cert.issuer.human_friendly,
        "serial": format(cert.serial_number, "x"),
        "not_valid_after": not_after,
    }


def _indication(status: Any) -> str:
    indic = getattr(status, "trust_problem_indic", None)
    return getattr(indic, "name", "") if indic is not None else ""


def _modification(status: Any) -> str:
    level = getattr(status, "modification_level", None)
    return level.name.lower() if level is not None else ""


def classify(status: Any, reference: datetime) -> tuple[SignatureVerdict, str]:
    """A pyHanko ``PdfSignatureStatus`` as one verdict and a short English detail."""
    if not status.intact:
        return SignatureVerdict.TAMPERED, "digest mismatch: signed bytes changed"
    if not status.valid:
        return SignatureVerdict.TAMPERED, "signature value does not verify"
    indication = _indication(status)
    if status.revoked or indication in _REVOKED_INDICATIONS:
        return SignatureVerdict.REVOKED, f"signer certificate revoked ({indication or 'CRL'})"
    if not status.trusted:
        cert = status.signing_cert
        validity = cert["tbs_certificate"]["validity"]
        not_before, not_after = validity["not_before"].native, validity["not_after"].native
        if indication in _EXPIRY_INDICATIONS or not (not_before <= reference <= not_after):
            return SignatureVerdict.EXPIRED, f"certificate valid until {not_after:%Y-%m-%d}"
        return SignatureVerdict.UNTRUSTED, f"no path to a trust anchor ({indication or '-'})"
    level = getattr(status, "modification_level", None)
    if status.docmdp_ok is False or (level is not None and level.name not in _ACCEPTED_CHANGES):
        return SignatureVerdict.MODIFIED, f"changed after signing ({_modification(status)})"
    if not status.bottom_line:
        return SignatureVerdict.UNTRUSTED, "time stamp or seed-value constraints not satisfied"
    return SignatureVerdict.VALID, ""


def _reference_time(status: Any) -> datetime:
    """When the certificate had to be valid: a trusted time stamp's time, else now."""
    stamp = getattr(status, "timestamp_validity", None)
    if stamp is not None and stamp.trusted:
        moment: datetime = stamp.timestamp
        return moment
    return datetime.now(UTC)


def _validation_context(reader: Any, anchors: TrustAnchors, fetch: bool) -> Any:
    """The anchors plus whatever certificates and revocation data the PDF's DSS carries."""
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    try:
        dss = DocumentSecurityStore.read_dss(reader)
        return dss.as_validation_context(anchors.context_options(fetch=fetch))
    except NoDSSFoundError:
        return anchors.validation_context(fetch=fetch)
    except Exception as error:  # a broken DSS is no reason to skip the check
        log.warning("DSS không đọc được / unreadable DSS: %s", error)
        return anchors.validation_context(fetch=fetch)


def _unverifiable(field: str, error: BaseException) -> IncomingSignature:
    detail = f"{type(error).__name__}: {error}"[:300]
    return IncomingSignature(field=field, verdict=SignatureVerdict.UNVERIFIABLE, detail=detail)


def verify_pdf(
    path: Path, anchors: TrustAnchors, *, fetch: bool = False
) -> list[IncomingSignature]:
    """Every signature of the PDF with its verdict; [] for a PDF without signatures. Never
    raises for a bad signature or file: that is an ``unverifiable`` verdict."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature

    found: list[IncomingSignature] = []
    try:
        with path.open("rb") as handle:
            reader = PdfFileReader(handle, strict=False)
            if reader.encrypted:
                reader.decrypt("")  # owner-locked files open without a password
            embedded = list(reader.embedded_regular_signatures)
            context = _validation_context(reader, anchors, fetch)
            for signature in embedded:
                field = str(signature.field_name or "")
                try:
                    status = validate_pdf_signature(signature, context)
                except Exception as error:  # pyHanko raises many kinds on malformed data
                    found.append(_unverifiable(field, error))
                    continue
                verdict, detail = classify(status, _reference_time(status))
                stamp = getattr(status, "timestamp_validity", None)
                found.append(
                    IncomingSignature(
                        field=field,
                        verdict=verdict,
                        intact=bool(status.intact and status.valid),
                        trusted=bool(status.trusted),
                        revoked=bool(status.revoked),
                        signed_at=status.signer_reported_dt,
                        timestamped_at=stamp.timestamp if stamp is not None else None,
                        modification=_modification(status),
                        detail=detail,
                        **_identity(status.signing_cert),
                    )
                )
    except Exception as error:  # the file itself defeats the reader
        log.warning("không kiểm tra được chữ ký / signatures not checked: %s", error)
        return [*found, _unverifiable("", error)]
    return found
