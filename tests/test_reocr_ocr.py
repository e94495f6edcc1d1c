"""Re-OCR with real Tesseract: scans first read with a deliberately weaker setting (English
language data on Vietnamese documents, counter-scan degradation) are re-run through
``sohoa reocr`` with the normal setting; a poorer engine's run is kept but not promoted.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pipeline.ocr import TesseractEngine
from schemas.dossiers import DossierContext
from schemas.fields import DocType
from schemas.ocr import Line
from schemas.reocr import ItemOutcome, ReocrFilters
from schemas.settings import Settings
from sohoa.cli import app
from sohoa.samples import COUNTER
from storage.index.reocr import ReocrItem
from storage.index.tables import Result, Scan
from tests.reocr_fakes import versions_by_scan
from tests.samples_helpers import make_scan
from workers.intake import ingest_file
from workers.jobs import process_scan
from workers.reocr import start_batch
from workers.reocr_feed import Throttle, feed_inline
from workers.services import Services

pytestmark = [pytest.mark.ocr, pytest.mark.slow]
SAMPLES = [(DocType.ID_CARD, 3), (DocType.ID_CARD, 4), (DocType.BIRTH_CERTIFICATE, 5)]


class PoorEngine(TesseractEngine):
    """Tesseract that loses every line holding a digit (numbers, dates)."""

    def recognize(
        self, image_path: Path, out_base: Path, *, dpi: int, pdf: bool
    ) -> tuple[list[Line], Path | None]:
        lines, layer = super().recognize(image_path, out_base, dpi=dpi, pdf=pdf)
        return [line for line in lines if not any(c.isdigit() for c in line.text)], layer


def _weak_results(data_dir: Path, inbox: Path) -> list[int]:
    weak = Settings.rooted_at(data_dir)
    weak.ocr.languages = "eng"
    services = Services.open(weak)
    ids = []
    for number, (doc_type, seed) in enumerate(SAMPLES):
        path, _ = make_scan(inbox, doc_type, seed=seed, profile=COUNTER, fmt="jpeg")
        code = f"000.00.20.H12-240315-{number:04d}"
        receipt = ingest_file(path, DossierContext(dossier_code=code), services)
        process_scan(receipt.scan_id, services)
        ids.append(receipt.scan_id)
    services.index.dispose()
    return ids


def _originals(services: Services) -> dict[str, str]:
    with services.index.session() as session:
        found = session.scalars(select(Scan.original_key)).all()
    return {k: hashlib.sha256(services.store.get_bytes(k)).hexdigest() for k in found}


def test_reocr_promotes_better_versions_and_keeps_worse_ones(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    scan_ids = _weak_results(data_dir, tmp_path / "in")
    services = Services.open(Settings.rooted_at(data_dir))
    before = _originals(services)
    runner = CliRunner()

    selected = runner.invoke(app, ["reocr", "select", "--outdated", "--data-dir", str(data_dir)])
    assert selected.exit_code == 0, selected.output
    assert "id_card" in selected.output and "birth_certificate" in selected.output

    run = runner.invoke(app, ["reocr", "run", "--outdated", "--yes", "--data-dir", str(data_dir)])
    assert run.exit_code == 0, run.output
    assert "improved" in run.output and "promoted" in run.output
    with services.index.session() as session:
        items = session.scalars(select(ReocrItem).where(ReocrItem.batch_id == 1)).all()
        outcomes = {i.scan_id: ItemOutcome(i.outcome or "") for i in items}
        promoted = {i.scan_id for i in items if i.promoted}
    assert list(outcomes.values()).count(ItemOutcome.IMPROVED) >= 2, outcomes
    assert promoted == {s for s, o in outcomes.items() if o is not ItemOutcome.WORSE}
    versions = versions_by_scan(services)
    for scan_id in scan_ids:
        current = 2 if scan_id in promoted else 1
        assert versions[scan_id] == [(1, current == 1), (2, current == 2)]
    assert _originals(services) == before  # same objects, same bytes

    status = runner.invoke(app, ["reocr", "status", "1", "--data-dir", str(data_dir)])
    assert status.exit_code == 0 and "tốt hơn / improved" in status.output

    # A poorer engine on the birth certificate (ID cards would be saved by their QR code):
    # its version is stored, the current one stays.
    target = scan_ids[2]
    assert target in promoted
    services.engine = PoorEngine(services.settings.ocr)
    batch_id = start_batch(services, ReocrFilters(scan_ids=[target]))
    summary = feed_inline(services, batch_id, throttle=Throttle(0))
    assert summary.outcomes == {ItemOutcome.WORSE: 1} and summary.promoted == 0
    assert versions_by_scan(services)[target] == [(1, False), (2, True), (3, False)]
    with services.index.session() as session:
        row = session.scalars(
            select(Result).where(Result.scan_id == target, Result.is_current.is_(True))
        ).one()
        assert row.version == 2 and row.engine["languages"] == "vie"
        scan = session.get(Scan, target)
        assert scan is not None and scan.current_version == 2
    assert _originals(services) == before
