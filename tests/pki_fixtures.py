"""A throw-away PKI built with ``cryptography`` for the signing and verification tests.

Nothing here is committed as a key: every test run makes its own root CA, a unit's signing
certificate (with the CA's CRL), an expired and a revoked certificate, a time-stamping authority
and a second, unknown CA. ``build_pki()`` is cached so one run makes the keys once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

UNIT_CODE = "000.00.20.H12"  # the API fixtures' unit
UNIT_NAME = "UBND xã An Bình"
P12_PASSWORD = "mật-khẩu-thử"
CRL_URL = "http://ca.sohoa.invalid/ca-tinh.crl"


@dataclass(frozen=True)
class Identity:
    """A key and its certificate (with the CA that issued it)."""

    key: rsa.RSAPrivateKey
    cert: x509.Certificate
    issuer: x509.Certificate | None = None

    @property
    def cert_pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def p12(self, password: str = P12_PASSWORD) -> bytes:
        chain = [self.issuer] if self.issuer is not None else None
        return pkcs12.serialize_key_and_certificates(
            b"unit",
            self.key,
            self.cert,
            chain,
            serialization.BestAvailableEncryption(password.encode()),
        )


@dataclass(frozen=True)
class Pki:
    root: Identity
    unit: Identity
    expired: Identity
    revoked: Identity
    tsa: Identity
    stranger_root: Identity
    stranger: Identity  # issued by a CA nobody configured
    crl: x509.CertificateRevocationList

    @property
    def crl_pem(self) -> bytes:
        return self.crl.public_bytes(serialization.Encoding.PEM)


def _name(common: str, org: str = "") -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.COMMON_NAME, common),
    ]
    if org:
        parts.insert(1, x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(parts)


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _root(common: str, now: datetime) -> Identity:
    key = _key()
    name = _name(common, "Bộ thử nghiệm sohoa")
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=3650))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Identity(key=key, cert=cert)


def issue(
    ca: Identity,
    common: str,
    *,
    org: str = "",
    not_before: datetime,
    not_after: datetime,
    time_stamping: bool = False,
) -> Identity:
    """An end-entity certificate for signing documents (or time stamps) issued by ``ca``."""
    key = _key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common, org))
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not time_stamping,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        # Where its CA publishes revocations (as real CAs do; pyHanko checks revocation only
        # for certificates that declare it). Never fetched by the tests: the CRL is local.
        .add_extension(
            x509.CRLDistributionPoints(
                [
                    x509.DistributionPoint(
                        full_name=[x509.UniformResourceIdentifier(CRL_URL)],
                        relative_name=None,
                        reasons=None,
                        crl_issuer=None,
                    )
                ]
            ),
            critical=False,
        )
    )
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return Identity(key=key, cert=builder.sign(ca.key, hashes.SHA256()), issuer=ca.cert)


def revocation_list(
    ca: Identity, revoked: list[x509.Certificate], now: datetime
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(now - timedelta(hours=1))
        .next_update(now + timedelta(days=7))
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()),
            critical=False,
        )
    )
    for cert in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(cert.serial_number)
            .revocation_date(now - timedelta(days=1))
            .add_extension(x509.CRLReason(x509.ReasonFlags.key_compromise), critical=False)
            .build()
        )
    return builder.sign(ca.key, hashes.SHA256())


@functools.lru_cache(maxsize=1)
def build_pki() -> Pki:
    now = datetime.now(UTC)
    root = _root("CA thử nghiệm tỉnh", now)
    start, end = now - timedelta(days=2), now + timedelta(days=365)
    unit = issue(root, UNIT_NAME, org=UNIT_NAME, not_before=start, not_after=end)
    expired = issue(
        root,
        "UBND xã Hết Hạn",
        org="UBND xã Hết Hạn",
        not_before=now - timedelta(days=400),
        not_after=now - timedelta(days=35),
    )
    revoked = issue(root, "UBND xã Thu Hồi", org="UBND xã Thu Hồi", not_before=start, not_after=end)
    tsa = issue(
        root,
        "TSA thử nghiệm",
        org="Bộ thử nghiệm sohoa",
        time_stamping=True,
        not_before=start,
        not_after=end,
    )
    stranger_root = _root("CA lạ", now)
    stranger = issue(
        stranger_root, "UBND xã Không Rõ", org="UBND xã Không Rõ", not_before=start, not_after=end
    )
    crl = revocation_list(root, [revoked.cert], now)
    return Pki(
        root=root,
        unit=unit,
        expired=expired,
        revoked=revoked,
        tsa=tsa,
        stranger_root=stranger_root,
        stranger=stranger,
        crl=crl,
    )


def write_unit_keys(folder: Path, unit_code: str, identity: Identity) -> Path:
    """A unit's PKCS#12 file and its password file, as a province installs them."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{unit_code}.p12").write_bytes(identity.p12())
    (folder / f"{unit_code}.pass").write_text(P12_PASSWORD + "\n", encoding="utf-8")
    return folder


def write_trust_dir(folder: Path, pki: Pki, *, with_crl: bool = True) -> Path:
    """The deployment's trust anchors: the root CA (PEM) and, if asked, its CRL."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ca-tinh.pem").write_bytes(pki.root.cert_pem)
    if with_crl:
        (folder / "ca-tinh.crl").write_bytes(pki.crl_pem)
    return folder
