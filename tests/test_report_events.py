"""The write paths record their events: reception, digitization by a job (not again on re-OCR)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from pipeline.runner import PipelineOutput
from schemas.documents import MediaType, SourceFile
from schemas.dossiers import DigitizationKind, DossierContext
from schemas.fields import Extraction
from schemas.ocr import OcrDocument
from schemas.records import DocumentResult, ScanState
from storage.index.db import Index
from storage.index.dossiers import ensure_component, ensure_dossier
from storage.index.events import events_of
from storage.index.scans import register_scan
from workers.jobs import _commit
from workers.produce import Produced
from workers.services import Services

CODE = "000.00.20.H12-240305-0001"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Index]:
    url = (
        f"sqlite:///{tmp_path / 'index.db'}"
        if request.param == "sqlite"
        else request.getfixturevalue("postgres_url")
    )
    opened = Index(url)
    opened.create_schema()
    yield opened
    opened.dispose()


def _scan_for(index: Index, sha: str, kind: DigitizationKind) -> tuple[int, int]:
    """Register a scan for a component of CODE, as intake does; (scan id, dossier id)."""
    context = DossierContext(dossier_code=CODE, component=f"Tệp {sha}", kind=kind)
    with index.session() as session:
        scan, _ = register_scan(
            session, sha256=sha * 64, filename="a.pdf", size_bytes=1, original_key=f"o/{sha}"
        )
        dossier = ensure_dossier(session, context)
        ensure_component(session, dossier, context).scan_id = scan.id
        scan.state = ScanState.PROCESSING.value  # where the job's commit finds it
        return scan.id, dossier.id


def _output(sha: str) -> PipelineOutput:
    source = SourceFile(
        sha256=sha * 64, filename="a.pdf", size_bytes=1, media_type=MediaType.PDF, page_count=1
    )
    result = DocumentResult(source=source, ocr=OcrDocument(), extraction=Extraction())
    return PipelineOutput(result=result, page_images={})


def test_reception_and_job_digitization_are_recorded_once(index: Index) -> None:
    services = cast(Services, SimpleNamespace(index=index))
    scan_id, dossier_id = _scan_for(index, "a", DigitizationKind.COMPONENT)
    result_scan, _ = _scan_for(index, "b", DigitizationKind.RESULT)
    _commit(scan_id, Produced(_output("a"), "derived/a/v1", 1), services)
    _commit(
        scan_id, Produced(_output("a"), "derived/a/v2", 2), services
    )  # re-OCR: not a new digitization
    _commit(result_scan, Produced(_output("b"), "derived/b/v1", 1), services)
    with index.session() as session:
        history = events_of(session, dossier_id)
    assert history[0].kind == "received"
    assert history[0].at == datetime.combine(date(2024, 3, 5), time.min)
    assert sorted(e.kind for e in history[1:]) == ["component_digitized", "result_digitized"]
    assert all(e.component_id is not None for e in history[1:])
