"""Intake and jobs on embedded defaults: stored once, processed once, bad input quarantined."""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest
from sqlalchemy import select

from pipeline.ocr import TesseractEngine
from schemas.dossiers import DossierContext
from schemas.fields import DocType
from schemas.records import JobOutcome, ScanState
from schemas.settings import Settings
from storage import keys
from storage.index.results import find_by_id_number
from storage.index.tables import DossierComponent, Result, Scan
from tests.samples_helpers import make_scan
from workers.intake import ingest_file
from workers.jobs import process_scan
from workers.services import Services

CONTEXT = DossierContext(dossier_code="000.00.20.H12-240315-0007", component="Căn cước")


@pytest.fixture
def services(settings: Settings) -> Services:
    return Services.open(settings)


@pytest.mark.ocr
def test_scan_is_stored_processed_and_searchable(tmp_path: Path, services: Services) -> None:
    path, doc = make_scan(tmp_path, DocType.ID_CARD, seed=11, fmt="jpeg")
    receipt = ingest_file(path, CONTEXT, services)
    assert receipt.created and receipt.state is ScanState.QUEUED
    assert services.store.exists(keys.original_key(receipt.sha256))

    assert process_scan(receipt.scan_id, services) in (JobOutcome.DONE, JobOutcome.NEEDS_REVIEW)
    assert process_scan(receipt.scan_id, services) is JobOutcome.DUPLICATE

    prefix = keys.derived_prefix(receipt.sha256, 1)
    stored = set(services.store.list(prefix))
    assert keys.text_key(receipt.sha256, 1) in stored
    assert keys.fields_key(receipt.sha256, 1) in stored
    assert keys.page_image_key(receipt.sha256, 1, 1) in stored
    with services.index.session() as session:
        found = find_by_id_number(session, doc.fields["id_number"])
        assert [r.doc_type for r in found] == [DocType.ID_CARD]
        component = session.scalars(select(DossierComponent)).one()
        assert component.status == "digitized" and component.result_id == found[0].id
        assert session.scalars(select(Result)).one().version == 1


def test_duplicate_drop_links_to_existing_scan(tmp_path: Path, services: Services) -> None:
    path, _ = make_scan(tmp_path, DocType.ID_CARD, seed=12)
    copy = tmp_path / "again.png"
    copy.write_bytes(path.read_bytes())
    first = ingest_file(path, CONTEXT, services)
    other = DossierContext(dossier_code="000.00.20.H12-240316-0001", component="Căn cước")
    second = ingest_file(copy, other, services)
    assert first.scan_id == second.scan_id and not second.created
    with services.index.session() as session:
        assert session.query(Scan).count() == 1
        assert session.query(DossierComponent).filter_by(scan_id=first.scan_id).count() == 2


def test_corrupt_file_is_quarantined_with_reason(tmp_path: Path, services: Services) -> None:
    bad = tmp_path / "hong.pdf"
    bad.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog" + b"\x00" * 300)
    receipt = ingest_file(bad, CONTEXT, services)
    assert process_scan(receipt.scan_id, services) is JobOutcome.QUARANTINED
    with services.index.session() as session:
        scan = session.get(Scan, receipt.scan_id)
        assert scan is not None
        assert scan.state == ScanState.QUARANTINED.value
        assert scan.error_code == "corrupt_file"
        assert "quét lại" in scan.error_message
    assert services.store.exists(keys.original_key(receipt.sha256))


@pytest.mark.ocr
def test_one_stop_qr_gives_context_when_none_came(tmp_path: Path, services: Services) -> None:
    """A result printed by the one-stop system carries its dossier; no sidecar is needed."""
    from tests.codes_helpers import certificate, with_qr

    code = "000.00.20.H12-240320-0042"
    page = with_qr(certificate(DocType.BIRTH_CERTIFICATE, 5), f"MOTCUA|{code}|1.001193||KQ")
    path = tmp_path / "ket-qua.png"
    page.save(path, dpi=(300, 300))
    receipt = ingest_file(path, None, services)
    assert process_scan(receipt.scan_id, services) in (JobOutcome.DONE, JobOutcome.NEEDS_REVIEW)
    with services.index.session() as session:
        component = session.scalars(select(DossierComponent)).one()
        result = session.scalars(select(Result)).one()
        assert component.scan_id == receipt.scan_id and component.kind == "result"
        assert component.status == "digitized"
        assert (result.dossier_code, result.kind) == (code, "result")


@pytest.mark.ocr
def test_a_retried_scan_reads_each_page_in_its_own_process(
    tmp_path: Path, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first run uses the loaded library; a run after it (a crash, a kill) does not."""
    from pipeline import runner

    used: list[bool] = []
    real_run = runner.run_document

    def spy(*args: object, **kwargs: object) -> object:
        used.append(args[3].runs_in_process)  # type: ignore[attr-defined]
        return real_run(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("workers.produce.run_document", spy)  # first runs produce there too
    services.load_tesseract_once()  # as in `sohoa worker`
    path, doc = make_scan(tmp_path, DocType.ID_CARD, seed=13)
    receipt = ingest_file(path, CONTEXT, services)
    with services.index.session() as session:  # as if a first run had died mid-job
        scan = session.get(Scan, receipt.scan_id)
        assert scan is not None
        scan.attempts, scan.state = 1, ScanState.PROCESSING.value
    assert process_scan(receipt.scan_id, services) in (JobOutcome.DONE, JobOutcome.NEEDS_REVIEW)
    first, _ = make_scan(tmp_path, DocType.ID_CARD, seed=14)
    other = ingest_file(first, CONTEXT, services)
    assert process_scan(other.scan_id, services) in (JobOutcome.DONE, JobOutcome.NEEDS_REVIEW)
    assert used == [False, True]
    with services.index.session() as session:
        assert find_by_id_number(session, doc.fields["id_number"])


@pytest.mark.ocr
def test_owner_encrypted_pdf_with_a_text_layer_is_stored_with_its_searchable_pdf(
    tmp_path: Path, services: Services
) -> None:
    """A certified copy that opens without a password but forbids changes: processed, stored."""
    scan, _ = make_scan(tmp_path / "scan", DocType.BIRTH_CERTIFICATE, seed=5)
    _, layer = TesseractEngine(services.settings.ocr).recognize(
        scan, tmp_path / "layer", dpi=300, pdf=True
    )
    assert layer is not None
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(layer) as pdf:
        pdf.pages.append(pdf.pages[0])
        restricted = pikepdf.Permissions(modify_other=False, extract=False)
        pdf.save(locked, encryption=pikepdf.Encryption(owner="o", user="", allow=restricted))
    receipt = ingest_file(locked, CONTEXT, services)
    assert process_scan(receipt.scan_id, services) in (JobOutcome.DONE, JobOutcome.NEEDS_REVIEW)
    assert services.store.exists(keys.searchable_pdf_key(receipt.sha256, 1))
    assert services.store.exists(keys.original_key(receipt.sha256))
    with services.index.session() as session:
        assert session.scalars(select(Scan)).one().state in ("done", "needs_review")
