"""Signing digitized copies and verifying signed PDFs (issue #24), file to file, on a test PKI
built for the run (tests/pki_fixtures.py): no index, no storage."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest

from pipeline.signatures import keys as signing_keys
from pipeline.signatures.keys import open_signer, unit_key, units_with_keys, warm_signers
from pipeline.signatures.sign import StampText, sign_pdf
from pipeline.signatures.trust import load_anchors
from pipeline.signatures.verify import signature_count, verify_pdf
from schemas.settings import Settings
from schemas.signatures import SignatureVerdict, SigningKeyInvalid
from storage import keys
from tests.pki_fixtures import UNIT_CODE, UNIT_NAME, Pki, build_pki
from tests.signing_helpers import (
    born_digital_pdf,
    dummy_tsa,
    install_deployment,
    local_tsa,
    signed_by,
)


@pytest.fixture(scope="module")
def pki() -> Pki:
    return build_pki()


@pytest.fixture
def deployment(settings: Settings, pki: Pki) -> Settings:
    return install_deployment(settings, pki)


@pytest.fixture
def document(tmp_path: Path) -> Path:
    return born_digital_pdf(tmp_path / "giay-xac-nhan.pdf")


def _stamp(when: datetime | None = None) -> StampText:
    return StampText(UNIT_NAME, "Nguyễn Văn Ánh", when or datetime(2026, 3, 2, 1, 30, tzinfo=UTC))


def _sign_as_unit(deployment: Settings, source: Path, target: Path, **options: object) -> None:
    key = unit_key(UNIT_CODE, deployment.signing)
    assert key is not None
    sign_pdf(source, target, open_signer(key), _stamp(), deployment.signing, **options)  # type: ignore[arg-type]


def _pdfsig(path: Path) -> str:
    return subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, timeout=60, check=False
    ).stdout


def test_unit_signed_copy_verifies_with_pyhanko_and_with_pdfsig(
    deployment: Settings, document: Path, tmp_path: Path
) -> None:
    signed = tmp_path / "signed.pdf"
    _sign_as_unit(deployment, document, signed)
    assert document.read_bytes() == signed.read_bytes()[: document.stat().st_size]  # appended
    [found] = verify_pdf(signed, load_anchors(deployment.signing.trust_dir))
    assert found.verdict is SignatureVerdict.VALID, found.detail
    assert found.signer_common_name == UNIT_NAME and found.signer_organization == UNIT_NAME
    assert found.intact and found.trusted and not found.revoked
    assert found.modification == "none"
    report = _pdfsig(signed)  # poppler's own (NSS) check, independent of pyHanko
    assert f"Signer Certificate Common Name: {UNIT_NAME}" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    assert "ETSI.CAdES.detached" in report  # PAdES


def test_a_byte_changed_after_signing_is_detected(
    deployment: Settings, document: Path, tmp_path: Path
) -> None:
    signed = tmp_path / "signed.pdf"
    _sign_as_unit(deployment, document, signed)
    data = bytearray(signed.read_bytes())
    at = data.index(b"/MediaBox [0 0 595 842]") + len(b"/MediaBox [0 0 59")
    data[at] = ord("6")  # 595 → 596: one byte inside the signed range
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    [found] = verify_pdf(tampered, load_anchors(deployment.signing.trust_dir))
    assert found.verdict is SignatureVerdict.TAMPERED and not found.intact
    assert "Digest Mismatch" in _pdfsig(tampered)


def test_a_page_changed_in_an_update_after_signing_is_modified(
    deployment: Settings, document: Path, tmp_path: Path
) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = tmp_path / "signed.pdf"
    _sign_as_unit(deployment, document, signed)
    changed = tmp_path / "changed.pdf"
    with signed.open("rb") as handle, changed.open("wb") as out:
        writer = IncrementalPdfFileWriter(handle)
        page = writer.root["/Pages"]["/Kids"][0].get_object()
        extra = writer.add_object(generic.StreamObject(stream_data=b"BT /F1 14 Tf (X) Tj ET"))
        page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), extra])
        writer.update_container(page)
        writer.write(out)
    [found] = verify_pdf(changed, load_anchors(deployment.signing.trust_dir))
    assert found.verdict is SignatureVerdict.MODIFIED and found.intact


@pytest.mark.parametrize(
    ("who", "verdict"),
    [
        ("expired", SignatureVerdict.EXPIRED),
        ("revoked", SignatureVerdict.REVOKED),
        ("stranger", SignatureVerdict.UNTRUSTED),
    ],
)
def test_expired_revoked_and_unknown_signers_are_named(
    deployment: Settings, pki: Pki, document: Path, tmp_path: Path, who: str, verdict: str
) -> None:
    signed = signed_by(getattr(pki, who), document, tmp_path / f"{who}.pdf", deployment)
    [found] = verify_pdf(signed, load_anchors(deployment.signing.trust_dir))
    assert found.verdict is verdict, found.detail
    assert found.intact and not found.trusted
    assert (
        found.signer_common_name
        == getattr(pki, who).cert.subject.rfc4514_string().split("CN=")[1].split(",")[0]
    )


def test_revocation_is_checked_only_where_its_data_is(
    settings: Settings, pki: Pki, document: Path, tmp_path: Path
) -> None:
    """No CRL in the trust folder and no fetching: a revoked signer cannot be told apart."""
    install_deployment(settings, pki, with_crl=False)
    signed = signed_by(pki.revoked, document, tmp_path / "revoked.pdf", settings)
    [found] = verify_pdf(signed, load_anchors(settings.signing.trust_dir))
    assert found.verdict is SignatureVerdict.VALID


def test_no_anchor_configured_trusts_nobody(settings: Settings, pki: Pki, document: Path) -> None:
    signed = signed_by(pki.unit, document, document.with_name("s.pdf"), settings)
    [found] = verify_pdf(signed, load_anchors(settings.signing.trust_dir))  # folder missing
    assert found.verdict is SignatureVerdict.UNTRUSTED


def test_an_unsigned_or_broken_pdf(document: Path, tmp_path: Path, settings: Settings) -> None:
    assert signature_count(document) == 0
    assert verify_pdf(document, load_anchors(settings.signing.trust_dir)) == []
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"%PDF-1.4\n garbage")
    assert signature_count(junk) == 0
    [found] = verify_pdf(junk, load_anchors(settings.signing.trust_dir))
    assert found.verdict is SignatureVerdict.UNVERIFIABLE


def test_time_stamp_authority_url_makes_pades_b_t(
    deployment: Settings, pki: Pki, document: Path, tmp_path: Path
) -> None:
    signed = tmp_path / "signed.pdf"
    with local_tsa(pki) as url:
        deployment.signing.tsa_url = url
        key = unit_key(UNIT_CODE, deployment.signing)
        assert key is not None
        copy = sign_pdf(document, signed, open_signer(key), _stamp(), deployment.signing)
    assert copy.level == "B-T"
    [found] = verify_pdf(signed, load_anchors(deployment.signing.trust_dir))
    assert found.verdict is SignatureVerdict.VALID, found.detail
    assert found.timestamped_at is not None
    assert abs((found.timestamped_at - datetime.now(UTC)).total_seconds()) < 120
    assert "Signature is Valid." in _pdfsig(signed)


def test_validation_data_embedded_makes_pades_b_lt(
    deployment: Settings, pki: Pki, document: Path, tmp_path: Path
) -> None:
    deployment.signing.embed_validation_info = True
    signed = tmp_path / "signed.pdf"
    key = unit_key(UNIT_CODE, deployment.signing)
    assert key is not None
    copy = sign_pdf(
        document,
        signed,
        open_signer(key),
        _stamp(),
        deployment.signing,
        timestamper=dummy_tsa(pki),
        anchors=load_anchors(deployment.signing.trust_dir),
    )
    assert copy.level == "B-LT"
    with pikepdf.open(signed) as pdf:
        dss = pdf.Root.DSS
        assert len(dss.Certs) >= 2 and len(dss.CRLs) >= 1  # chain and revocation data inside
    [found] = verify_pdf(signed, load_anchors(deployment.signing.trust_dir))
    assert found.verdict is SignatureVerdict.VALID, found.detail


def _actual_texts(stream: pikepdf.Object) -> list[str]:
    """The text of every marked-content span (pyHanko writes each stamp line as one)."""
    found = []
    for instruction in pikepdf.parse_content_stream(stream):
        if not isinstance(instruction, pikepdf.ContentStreamInstruction):
            continue
        operands = instruction.operands
        if str(instruction.operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary):
            text = operands[1].get("/ActualText")
            if text is not None:
                found.append(str(text))
    return found


def test_visible_stamp_on_page_one_names_unit_staff_and_time_in_vietnamese(
    deployment: Settings, document: Path, tmp_path: Path
) -> None:
    signed = tmp_path / "signed.pdf"
    _sign_as_unit(deployment, document, signed)
    with pikepdf.open(signed) as pdf:
        [widget] = [a for a in pdf.pages[0].Annots if a.get("/FT") == "/Sig"]
        left, bottom, right, top = (float(v) for v in widget.Rect)
        assert right - left > 100 and top - bottom > 30
        lines = _actual_texts(widget.AP.N)
        fonts = [str(font.BaseFont) for font in widget.AP.N.Resources.Font.values()]
    assert lines == [
        f"Bản số hóa được ký số bởi: {UNIT_NAME}",
        "Người xác nhận: Nguyễn Văn Ánh",
        "Thời gian ký: 08:30:00 ngày 02/03/2026 (GMT+7)",
    ]
    [font] = fonts
    assert "DejaVuSans" in font  # embedded: a font with the Vietnamese letters


def test_keys_folder_selects_pkcs12_then_pkcs11_and_nothing_else(
    settings: Settings, pki: Pki, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = settings.signing
    assert unit_key(UNIT_CODE, config) is None and units_with_keys(config) == set()
    install_deployment(settings, pki)
    p12 = unit_key(UNIT_CODE, config)
    assert p12 is not None and p12.kind == "pkcs12"
    (config.keys_dir / "000.00.20.H13.pkcs11.json").write_text(
        '{"module": "/usr/lib/x86_64-linux-gnu/libvnpt-ca.so", "token_label": "VNPT-CA",'
        ' "key_label": "UBND-H13", "slot": 0}'
    )
    (config.keys_dir / "000.00.20.H13.pass").write_text("123456\n")
    token = unit_key("000.00.20.H13", config)
    assert token is not None and token.kind == "pkcs11"
    assert (token.module, token.token_label, token.key_label, token.slot) == (
        "/usr/lib/x86_64-linux-gnu/libvnpt-ca.so",
        "VNPT-CA",
        "UBND-H13",
        0,
    )
    assert units_with_keys(config) == {UNIT_CODE, "000.00.20.H13"}
    signing_keys.forget_signers()
    assert warm_signers(config) == [UNIT_CODE]  # the PKCS#12 one; a token opens where it signs
    assert unit_key("../etc/passwd", config) is None
    opened: dict[str, object] = {}

    def fake_session(module: str, **kwargs: object) -> str:
        opened.update(module=module, **kwargs)
        return "session"

    class FakeSigner:
        def __init__(self, session: str, **kwargs: object) -> None:
            opened.update(signer_session=session, **kwargs)

    import pyhanko.sign.pkcs11 as pyhanko_pkcs11

    monkeypatch.setattr(pyhanko_pkcs11, "open_pkcs11_session", fake_session)
    monkeypatch.setattr(pyhanko_pkcs11, "PKCS11Signer", FakeSigner)
    signing_keys.forget_signers()
    assert isinstance(open_signer(token), FakeSigner)
    assert opened["module"] == "/usr/lib/x86_64-linux-gnu/libvnpt-ca.so"
    assert opened["user_pin"] == "123456" and opened["slot_no"] == 0
    assert opened["token_criteria"].label == "VNPT-CA"  # type: ignore[attr-defined]
    assert opened["key_label"] == "UBND-H13" and opened["signer_session"] == "session"


def test_a_wrong_password_is_a_key_error_not_a_crash(settings: Settings, pki: Pki) -> None:
    install_deployment(settings, pki)
    (settings.signing.keys_dir / f"{UNIT_CODE}.pass").write_text("sai\n")
    signing_keys.forget_signers()
    key = unit_key(UNIT_CODE, settings.signing)
    assert key is not None
    with pytest.raises(SigningKeyInvalid):
        open_signer(key)


def test_signed_copies_never_share_a_key() -> None:
    prefix = keys.derived_prefix("a" * 64, 2)
    assert keys.signed_pdf_key(prefix, 2) == prefix + "signed.pdf"
    assert keys.signed_pdf_key(prefix, 3) == prefix + "signed-v3.pdf"  # a reviewer's version
    assert keys.signed_pdf_key(prefix, 2, 2) == prefix + "signed-2.pdf"  # signed again
    with pytest.raises(ValueError):
        keys.signed_pdf_key("derived/x/", 1)
