"""Issue #24 end to end on embedded defaults: confirmed results get a unit-signed copy, signed
PDFs that come in are verified (their signer kept, their text layer used, no OCR), a bad
signature goes to review, and the review desk, the API, the export and the CLI show it all."""

from __future__ import annotations

import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from pipeline.extract.decision import describe
from pipeline.signatures import keys as signing_keys
from pipeline.signatures.trust import load_anchors
from pipeline.signatures.verify import verify_pdf
from schemas.dossiers import DossierContext
from schemas.ocr import PageStatus
from schemas.records import ScanState
from schemas.settings import Settings
from schemas.signatures import SignatureVerdict, SigningState
from sohoa.api.app import create_app
from sohoa.api.requests import CorrectionRequest
from sohoa.api.review_service import ReviewDesk
from sohoa.api.views import result_card
from sohoa.cli import app as cli_app
from storage import keys
from storage.index.results import save_version
from storage.index.tables import Result, Scan
from storage.index.users import Role, Staff
from tests.api_fixtures import DOSSIER, add_users
from tests.pki_fixtures import UNIT_CODE, UNIT_NAME, Pki, build_pki
from tests.signing_helpers import born_digital_pdf, install_deployment, signed_by
from tests.test_textlayer import NoOcr
from workers.intake import ingest_file
from workers.queues import InlineQueue
from workers.services import Services
from workers.signing import sign_pending, sign_result

CONTEXT = DossierContext(dossier_code=DOSSIER, component="Giấy xác nhận tình trạng hôn nhân")
CLERK = Staff(username="canbo1", role=Role.STAFF, unit_code=UNIT_CODE)
runner = CliRunner()


@pytest.fixture(scope="module")
def pki() -> Pki:
    return build_pki()


@pytest.fixture
def services(settings: Settings, pki: Pki) -> Services:
    install_deployment(settings, pki)
    signing_keys.forget_signers()
    opened = Services.open(settings)
    opened.engine = NoOcr()  # born-digital PDFs only: any OCR call fails the test
    return opened


def _take(path: Path, services: Services) -> Result:
    receipt = ingest_file(path, CONTEXT, services)
    InlineQueue(services).enqueue_scan(receipt.scan_id)
    with services.index.session() as session:
        row = session.scalars(
            select(Result).where(Result.scan_id == receipt.scan_id, Result.is_current.is_(True))
        ).one()
        session.expunge(row)
        return row


def _row(services: Services, result_id: int) -> Result:
    with services.index.session() as session:
        row = session.get(Result, result_id)
        assert row is not None
        session.expunge(row)
        return row


def _fetch(services: Services, key: str, folder: Path) -> Path:
    path = folder / key.replace("/", "_")
    services.store.download(key, path)
    return path


def _pdfsig(path: Path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def test_confirmed_result_gets_a_unit_signed_copy_beside_its_searchable_pdf(
    services: Services, tmp_path: Path
) -> None:
    row = _take(born_digital_pdf(tmp_path / "xac-nhan.pdf"), services)
    assert not row.needs_review and row.signing_state == SigningState.SIGNED.value
    assert row.signing["key"] == row.derived_prefix + "signed.pdf"
    assert row.signing["level"] == "B-B" and row.signing["certified_by"] == ""
    searchable = _fetch(services, row.derived_prefix + keys.SEARCHABLE_PDF_NAME, tmp_path)
    signed = _fetch(services, row.signing["key"], tmp_path)
    assert signed.read_bytes().startswith(searchable.read_bytes())  # an incremental signature
    [found] = verify_pdf(signed, load_anchors(services.settings.signing.trust_dir))
    assert found.verdict is SignatureVerdict.VALID and found.signer_common_name == UNIT_NAME
    report = _pdfsig(signed)
    assert "Signature Validation: Signature is Valid." in report
    assert f"Signer Certificate Common Name: {UNIT_NAME}" in report
    card = result_card(_row(services, row.id), date(2026, 1, 1))
    assert card.signing is not None and card.signing.state == "signed"
    assert card.signing.label == "đã ký số"
    assert card.signing.signed_pdf_url == f"/api/results/{row.id}/signed.pdf"


def test_signed_incoming_pdf_keeps_its_text_layer_and_its_signer_without_ocr(
    services: Services, pki: Pki, tmp_path: Path
) -> None:
    source = born_digital_pdf(tmp_path / "ban-goc.pdf")
    incoming = signed_by(pki.unit, source, tmp_path / "da-ky.pdf", services.settings)
    row = _take(incoming, services)  # NoOcr: an OCR call would fail the job
    with services.index.session() as session:
        assert session.get(Scan, row.scan_id).state == ScanState.DONE.value  # type: ignore[union-attr]
    text = services.store.get_bytes(row.derived_prefix + keys.TEXT_NAME).decode()
    assert f'"status":"{PageStatus.TEXT_LAYER.value}"' in text.replace(" ", "")
    assert row.fields["full_name"] == "NGUYỄN THỊ MỸ TRÂM"
    [signature] = row.signatures
    assert signature["verdict"] == "valid" and signature["signer_common_name"] == UNIT_NAME
    assert signature["issuer"].startswith("Common Name: CA thử nghiệm tỉnh")
    assert not row.needs_review and row.signing_state == "signed"
    card = result_card(row, date(2026, 1, 1))
    assert [s.verdict_label for s in card.incoming_signatures] == ["chữ ký số hợp lệ"]


@pytest.mark.parametrize(
    ("who", "reason", "words"),
    [
        ("expired", "signature:signature.expired", "hết hạn"),
        ("revoked", "signature:signature.revoked", "thu hồi"),
        ("stranger", "signature:signature.untrusted", "không được tin cậy"),
    ],
)
def test_expired_revoked_or_unknown_signer_sends_the_result_to_review(
    services: Services, pki: Pki, tmp_path: Path, who: str, reason: str, words: str
) -> None:
    source = born_digital_pdf(tmp_path / "ban-goc.pdf")
    incoming = signed_by(getattr(pki, who), source, tmp_path / f"{who}.pdf", services.settings)
    row = _take(incoming, services)
    assert row.needs_review and reason in row.review_reasons
    assert describe(reason).startswith("Chữ ký số: ") and words in describe(reason)
    [queued] = ReviewDesk(services.index, "secret").queue(CLERK)
    assert describe(reason) in queued.reason_texts
    assert queued.card.incoming_signatures[0].verdict.value == reason.rsplit(".", 1)[1]
    assert row.signing_state is None  # not confirmed: not signed by the unit
    assert queued.card.signing is not None and queued.card.signing.state == "not_confirmed"


def test_tampered_incoming_pdf_goes_to_review(services: Services, pki: Pki, tmp_path: Path) -> None:
    signed = signed_by(
        pki.unit, born_digital_pdf(tmp_path / "g.pdf"), tmp_path / "s.pdf", services.settings
    )
    data = bytearray(signed.read_bytes())
    at = data.index(b"/MediaBox [0 0 595 842]") + len(b"/MediaBox [0 0 59")
    data[at] = ord("6")
    signed.write_bytes(bytes(data))
    row = _take(signed, services)
    assert "signature:signature.tampered" in row.review_reasons


def test_reviewer_confirmation_is_signed_naming_the_reviewer_and_old_copies_stay(
    services: Services, pki: Pki, tmp_path: Path
) -> None:
    incoming = signed_by(
        pki.stranger, born_digital_pdf(tmp_path / "g.pdf"), tmp_path / "s.pdf", services.settings
    )
    first = _take(incoming, services)

    def sign_now(result_id: int) -> None:
        sign_result(services, result_id)

    desk = ReviewDesk(services.index, "secret", on_confirmed=sign_now)
    item = desk.correct(CLERK, first.id, CorrectionRequest(version=1, fields={"sex": "Nữ"}))
    second = _row(services, item.card.id)
    assert second.version == 2 and second.derived_prefix == first.derived_prefix
    assert second.signing_state == "signed" and second.signing["certified_by"] == "canbo1"
    assert second.signing["key"] == first.derived_prefix + "signed-v2.pdf"
    assert not services.store.exists(first.derived_prefix + "signed.pdf")  # v1 never confirmed
    again = sign_result(services, second.id, force=True)  # ``sohoa sign``: a new copy
    assert again is not None and again.key == first.derived_prefix + "signed-v2-2.pdf"
    assert again.earlier_keys == [first.derived_prefix + "signed-v2.pdf"]
    assert services.store.exists(again.earlier_keys[0]) and services.store.exists(again.key)


def test_a_new_version_gets_its_own_signature_and_the_earlier_one_stays(
    services: Services, tmp_path: Path
) -> None:
    """Re-OCR promotes a new version under a new prefix: the maintenance pass signs it."""
    first = _take(born_digital_pdf(tmp_path / "g.pdf"), services)
    sha = keys.parse_derived_key(first.derived_prefix).sha256  # type: ignore[union-attr]
    services.store.put_bytes(
        keys.searchable_pdf_key(sha, 2),
        services.store.get_bytes(first.derived_prefix + keys.SEARCHABLE_PDF_NAME),
        "application/pdf",
    )
    with services.index.session() as session:
        newer = save_version(
            session,
            Result(
                scan_id=first.scan_id,
                version=2,
                doc_type=first.doc_type,
                fields=dict(first.fields),
                derived_prefix=keys.derived_prefix(sha, 2),
                unit_code=first.unit_code,
            ),
        )
        newer_id = newer.id
    assert sign_pending(services) == [newer_id]
    assert _row(services, newer_id).signing["key"] == keys.derived_prefix(sha, 2) + "signed.pdf"
    assert services.store.exists(first.derived_prefix + "signed.pdf")
    assert _row(services, first.id).signing_state == "signed"


def test_unit_without_certificate_is_recorded_unsigned_and_signed_once_it_has_one(
    settings: Settings, pki: Pki, tmp_path: Path
) -> None:
    services = Services.open(settings)
    services.engine = NoOcr()
    row = _take(born_digital_pdf(tmp_path / "g.pdf"), services)
    assert row.signing_state == "unsigned" and not row.needs_review  # "chưa ký", not an error
    card = result_card(row, date(2026, 1, 1))
    assert card.signing is not None and card.signing.label == "chưa ký"
    assert sign_pending(services) == []
    install_deployment(settings, pki)
    assert sign_pending(services) == [row.id]
    assert _row(services, row.id).signing_state == "signed"


def test_signing_failure_keeps_the_result_and_is_retried_later(
    services: Services, pki: Pki, tmp_path: Path
) -> None:
    password = services.settings.signing.keys_dir / f"{UNIT_CODE}.pass"
    password.write_text("sai mật khẩu\n")
    services.settings.signing.retry_seconds = [0]
    row = _take(born_digital_pdf(tmp_path / "g.pdf"), services)
    assert row.signing_state == "failed" and "signing_key_invalid" in row.signing["error"]
    with services.index.session() as session:
        assert session.get(Scan, row.scan_id).state == ScanState.DONE.value  # type: ignore[union-attr]
    assert sign_pending(services) == [row.id]  # still wrong: failed again, attempt 2
    assert _row(services, row.id).signing["attempts"] == 2
    install_deployment(services.settings, pki)  # the right password back
    signing_keys.forget_signers()
    assert sign_pending(services) == [row.id]
    assert _row(services, row.id).signing_state == "signed"
    assert sign_pending(services) == []


def test_api_review_signs_in_the_background_and_serves_the_signed_copy(
    settings: Settings, pki: Pki, tmp_path: Path
) -> None:
    from tests.api_fixtures import PASSWORD

    settings.api.secret_key = "test-secret-key"
    install_deployment(settings, pki)
    services = Services.open(settings)
    services.engine = NoOcr()
    add_users(services.index)
    incoming = signed_by(
        pki.revoked, born_digital_pdf(tmp_path / "g.pdf"), tmp_path / "s.pdf", settings
    )
    first = _take(incoming, services)
    app = create_app(settings, index=services.index, store=services.store)
    with TestClient(app) as client:
        token = client.post("/api/login", json={"username": "canbo1", "password": PASSWORD}).json()[
            "access_token"
        ]
        auth = {"Authorization": f"Bearer {token}"}
        export = client.get(f"/api/results/{first.id}/export", headers=auth).json()
        assert export["signing"]["state"] == "not_confirmed"
        assert export["incoming_signatures"][0]["verdict"] == "revoked"
        saved = client.post(
            f"/api/review/{first.id}", json={"version": 1, "fields": {"sex": "Nữ"}}, headers=auth
        )
        assert saved.status_code == 200, saved.text
        new_id = saved.json()["card"]["id"]
        app.state.sohoa.signing.wait(timeout=60)
        export = client.get(f"/api/results/{new_id}/export", headers=auth).json()
        assert export["signing"]["state"] == "signed"
        assert export["signing"]["certified_by"] == "canbo1"
        assert export["incoming_signatures"][0]["signer_common_name"] == "UBND xã Thu Hồi"
        pdf = client.get(export["signing"]["signed_pdf_url"], headers=auth)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert client.get(f"/api/results/{first.id}/signed.pdf", headers=auth).status_code == 404


def test_cli_verify_exit_codes_and_sign(settings: Settings, pki: Pki, tmp_path: Path) -> None:
    install_deployment(settings, pki)
    data = ["--data-dir", str(settings.data_dir)]
    source = born_digital_pdf(tmp_path / "g.pdf")
    codes = {}
    for who in ("unit", "stranger", "expired", "revoked"):
        signed = signed_by(getattr(pki, who), source, tmp_path / f"{who}.pdf", settings)
        codes[who] = runner.invoke(cli_app, ["verify", str(signed), *data]).exit_code
    assert codes == {"unit": 0, "stranger": 4, "expired": 5, "revoked": 5}
    trusted_elsewhere = runner.invoke(
        cli_app, ["verify", str(tmp_path / "stranger.pdf"), "--trust", str(_pem(pki, tmp_path))]
    )
    assert trusted_elsewhere.exit_code == 0, trusted_elsewhere.output
    assert "UBND xã Không Rõ" in trusted_elsewhere.output
    tampered = tmp_path / "tampered.pdf"
    body = bytearray((tmp_path / "unit.pdf").read_bytes())
    body[body.index(b"/MediaBox [0 0 595 842]") + 17] = ord("6")
    tampered.write_bytes(bytes(body))
    assert runner.invoke(cli_app, ["verify", str(tampered), *data]).exit_code == 6
    assert runner.invoke(cli_app, ["verify", str(source), *data]).exit_code == 7
    text = tmp_path / "note.txt"
    text.write_text("không phải PDF")
    assert runner.invoke(cli_app, ["verify", str(text), *data]).exit_code == 2

    services = Services.open(settings)
    services.engine = NoOcr()
    row = _take(source, services)
    again = runner.invoke(cli_app, ["sign", str(row.id), *data])
    assert again.exit_code == 0, again.output
    assert "signed-2.pdf" in again.output
    assert runner.invoke(cli_app, ["sign", *data]).exit_code == 2


def _pem(pki: Pki, folder: Path) -> Path:
    path = Path(tempfile.mkdtemp(dir=folder)) / "ca-la.pem"
    path.write_bytes(pki.stranger_root.cert_pem)
    return path


def test_nothing_to_sign_without_a_searchable_pdf(services: Services, tmp_path: Path) -> None:
    row = _take(born_digital_pdf(tmp_path / "g.pdf"), services)
    with services.index.session() as session:
        copy = save_version(
            session,
            Result(
                scan_id=row.scan_id,
                version=9,
                doc_type=row.doc_type,
                fields=dict(row.fields),
                derived_prefix=keys.derived_prefix("b" * 64, 9),
                unit_code=row.unit_code,
            ),
        )
        copy_id = copy.id
    outcome = sign_result(services, copy_id)
    assert outcome is not None and outcome.state is SigningState.NO_PDF
    assert sign_result(services, copy_id) is None  # not tried again
