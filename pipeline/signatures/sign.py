"""Signing a digitized copy: PAdES baseline with a visible Vietnamese stamp on page 1.

B-B with the key alone; B-T when a time-stamp authority is configured (or given); B-LT when
validation data is to be embedded (the chain's revocation data, in the PDF's DSS). The source
file is never changed: the signed copy is a new file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from pyhanko.sign.signers.pdf_cms import SimpleSigner

from pipeline.signatures.font import stamp_font
from pipeline.signatures.trust import TrustAnchors
from schemas.settings import SigningSettings
from schemas.signatures import SigningFailed

VIETNAM = timezone(timedelta(hours=7), "ICT")
FIELD_NAME = "SohoaKySo"
STAMP_SIZE = (250, 58)  # points
STAMP_MARGIN = 18
FONT_SIZE = 7
# Room for the CMS blob: certificates, the signature, and a time-stamp token when there is
# one. Known up front, pyHanko skips its sizing dry run (a second signature with the key).
RESERVED_BYTES = 12_288
RESERVED_BYTES_TIMESTAMPED = 24_576
REASON = "Xác nhận bản số hóa đúng với bản giấy đã tiếp nhận"


class KeptKeySigner(SimpleSigner):
    """pyHanko's in-memory signer, holding the key object already loaded: the stock one loads
    (and checks) the RSA key again for every signature, most of a signature's CPU time."""

    def __init__(self, private_key: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    @classmethod
    def from_pyca(cls, private_key: Any, cert: Any, chain: list[Any]) -> KeptKeySigner:
        from pyhanko.keys.internal import (
            translate_pyca_cryptography_cert_to_asn1,
            translate_pyca_cryptography_key_to_asn1,
        )
        from pyhanko_certvalidator.registry import SimpleCertificateStore

        store = SimpleCertificateStore()
        store.register_multiple([translate_pyca_cryptography_cert_to_asn1(c) for c in chain])
        return cls(
            private_key,
            signing_cert=translate_pyca_cryptography_cert_to_asn1(cert),
            signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
            cert_registry=store,
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
        from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
        from pyhanko_certvalidator.util import get_pyca_cryptography_hash

        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        try:
            name = mechanism.signature_algo
        except ValueError:
            name = mechanism["algorithm"].native
        key = self._private_key
        hash_algo = get_pyca_cryptography_hash(digest_algorithm)
        if name == "rsassa_pkcs1v15" and isinstance(key, RSAPrivateKey):
            signature: bytes = key.sign(data, PKCS1v15(), hash_algo)
            return signature
        if name == "ecdsa" and isinstance(key, EllipticCurvePrivateKey):
            signature = key.sign(data, ECDSA(hash_algo))
            return signature
        result: bytes = super().sign_raw(data, digest_algorithm)
        return result


@dataclass(frozen=True)
class StampText:
    """What the visible stamp says: the unit, who certified the copy, when."""

    unit_name: str
    certified_by: str  # "" for a result confirmed without a person
    when: datetime

    def lines(self) -> str:
        who = self.certified_by or "xác nhận tự động (không cần kiểm tra lại)"
        when = self.when.astimezone(VIETNAM)
        return (
            f"Bản số hóa được ký số bởi: {self.unit_name}\n"
            f"Người xác nhận: {who}\n"
            f"Thời gian ký: {when:%H:%M:%S ngày %d/%m/%Y} (GMT+7)"
        )


@dataclass(frozen=True)
class SignedCopy:
    level: str  # B-B, B-T or B-LT
    signer: str  # the certificate's subject, readable
    signed_at: datetime


def level_for(settings: SigningSettings, timestamped: bool) -> str:
    if settings.embed_validation_info:
        return "B-LT"
    return "B-T" if timestamped else "B-B"


def timestamper_for(settings: SigningSettings) -> Any:
    """The configured time-stamp authority's client, or None (B-B)."""
    if not settings.tsa_url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(settings.tsa_url, timeout=settings.tsa_timeout_seconds)


def _stamp_box(source: Path) -> tuple[int, int, int, int]:
    """Bottom left of page 1 (where "Nơi nhận" usually is), inside the margins."""
    import pikepdf

    with pikepdf.open(source) as pdf:
        left, bottom, right, top = (round(float(v)) for v in pdf.pages[0].mediabox)
    width = min(STAMP_SIZE[0], max(60, (right - left) - 2 * STAMP_MARGIN))
    height = min(STAMP_SIZE[1], max(24, (top - bottom) - 2 * STAMP_MARGIN))
    x, y = left + STAMP_MARGIN, bottom + STAMP_MARGIN
    return (x, y, x + width, y + height)


def sign_pdf(
    source: Path,
    target: Path,
    signer: Any,
    stamp: StampText,
    settings: SigningSettings,
    *,
    timestamper: Any = None,
    anchors: TrustAnchors | None = None,
    font_cache: Path | None = None,
) -> SignedCopy:
    """Write ``target``: ``source`` with a PAdES signature and its visible stamp on page 1.

    ``timestamper``: a time-stamp client other than the configured authority's (tests).
    ``anchors``: the chain's anchors and CRLs, needed to embed validation data (B-LT).
    Any failure raises ``SigningFailed`` (the caller keeps the result and retries later).
    """
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.sign import fields
    from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
    from pyhanko.stamp import TextStampStyle

    timestamper = timestamper or timestamper_for(settings)
    level = level_for(settings, timestamper is not None)
    try:
        font = stamp_font(settings.stamp_font, font_cache)
        style = TextStampStyle(
            stamp_text="%(lines)s",
            text_box_style=TextBoxStyle(
                font=GlyphAccumulatorFactory(str(font), font_size=FONT_SIZE),
                font_size=FONT_SIZE,
                leading=FONT_SIZE + 2,
            ),
            border_width=1,
            background=None,
        )
        validation_context = None
        if settings.embed_validation_info:
            validation_context = (anchors or TrustAnchors()).validation_context(
                fetch=settings.fetch_revocation
            )
        reserved = None
        if not settings.embed_validation_info:
            reserved = RESERVED_BYTES_TIMESTAMPED if timestamper is not None else RESERVED_BYTES
        with source.open("rb") as handle, target.open("wb") as out:
            writer = IncrementalPdfFileWriter(handle, strict=False)
            existing = _existing_field_names(writer)
            name = FIELD_NAME  # a source signed before keeps its field; this one gets its own
            if name in existing:
                name = f"{FIELD_NAME}{len(existing) + 1}"
            meta = PdfSignatureMetadata(
                field_name=name,
                md_algorithm="sha256",
                subfilter=fields.SigSeedSubFilter.PADES,
                reason=REASON,
                location=settings.location,
                name=stamp.unit_name,
                embed_validation_info=settings.embed_validation_info,
                validation_context=validation_context,
            )
            pdf_signer = PdfSigner(
                meta,
                signer=signer,
                timestamper=timestamper,
                stamp_style=style,
                new_field_spec=fields.SigFieldSpec(name, on_page=0, box=_stamp_box(source)),
            )
            pdf_signer.sign_pdf(
                writer,
                output=out,
                bytes_reserved=reserved,
                appearance_text_params={"lines": stamp.lines()},
            )
    except SigningFailed:
        target.unlink(missing_ok=True)
        raise
    except Exception as error:  # pyHanko, the token, the TSA: all mean "not signed this time"
        target.unlink(missing_ok=True)
        raise SigningFailed(f"{type(error).__name__}: {error}"[:300]) from error
    cert = signer.signing_cert
    subject = cert.subject.human_friendly if cert is not None else ""
    return SignedCopy(level=level, signer=subject, signed_at=datetime.now(UTC))


def _existing_field_names(writer: Any) -> set[str]:
    from pyhanko.sign.fields import enumerate_sig_fields

    return {str(name) for name, _value, _ref in enumerate_sig_fields(writer)}
