"""Batch scans split at separator sheets: planning (pure) and the intake split end to end."""

from __future__ import annotations

import io
import json
import random
import time
from functools import cache
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from pipeline.batch import PageFacts, plan_batch
from pipeline.codes_payloads import SeparatorQr
from pipeline.triage import sha256_file
from schemas.dossiers import DigitizationKind, DossierContext
from schemas.fields import DocType
from schemas.ocr import DecodedCode
from schemas.records import JobOutcome, ScanState
from schemas.settings import Settings
from sohoa.samples import COUNTER, degrade, write_multipage_pdf, write_multipage_tiff
from sohoa.separator_sheet import render_separator
from storage import keys
from storage.index.dossiers import components_for_scan
from storage.index.tables import Dossier, DossierComponent, Scan
from tests.codes_helpers import blank_back, certificate
from workers.services import Services
from workers.split import split_batch

CODE = "000.00.20.H12-240315-0007"
SCAN = COUNTER.model_copy(update={"dpi": 200})  # counter batch scanners run at 200 dpi
SHEETS = {
    "A": SeparatorQr(
        dossier_code=CODE, component="Tờ khai đăng ký khai sinh", procedure_code="1.001193"
    ),
    "B": SeparatorQr(
        dossier_code=CODE, component="Giấy chứng nhận kết hôn", procedure_code="1.001193"
    ),
    "C": SeparatorQr(
        dossier_code=CODE,
        component="Trích lục khai sinh",
        procedure_code="1.001193",
        kind=DigitizationKind.RESULT,
    ),
}
DOCS = [
    DocType.BIRTH_CERTIFICATE,
    DocType.MARRIAGE_CERTIFICATE,
    DocType.MARITAL_STATUS_CERTIFICATE,
    DocType.DEATH_CERTIFICATE,
]


@cache
def _sep(name: str, seed: int) -> Image.Image:
    return degrade(render_separator(SHEETS[name]), SCAN, random.Random(seed))


@cache
def _doc(seed: int) -> Image.Image:
    return certificate(DOCS[seed % len(DOCS)], seed, SCAN)


@cache
def _blank(seed: int, bleed_from: int | None = None) -> Image.Image:
    """A blank back; ``bleed_from``: the seed of the document page whose print bleeds through."""
    return blank_back(seed, None if bleed_from is None else _doc(bleed_from), 0.2, SCAN)


# --- planning ---------------------------------------------------------------------------------


def _facts(*kinds: str) -> list[PageFacts]:
    """'A'/'B'/'C': a separator; 'b': blank; 'd': a document page."""
    return [
        PageFacts(
            page_number=i,
            codes=[DecodedCode(text=SHEETS[k].payload())] if k in SHEETS else [],
            blank=k == "b",
        )
        for i, k in enumerate(kinds, start=1)
    ]


def test_plan_groups_pages_after_each_separator() -> None:
    plan = plan_batch(_facts("A", "d", "d", "b", "B", "d", "d", "d", "C", "d", "b", "d"))
    assert [c.pages for c in plan.components] == [[2, 3], [6, 7, 8], [10, 12]]
    assert [c.separator_page for c in plan.components] == [1, 5, 9]
    assert [c.context.component for c in plan.components if c.context] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng nhận kết hôn",
        "Trích lục khai sinh",
    ]
    assert plan.components[2].context and plan.components[2].context.kind is DigitizationKind.RESULT
    assert (plan.separator_pages, plan.blank_pages, plan.blank_count) == ([1, 5, 9], [4, 11], 2)
    assert plan.is_batch and plan.empty_separators == []


def test_pages_before_the_first_separator_keep_the_file_context() -> None:
    own = DossierContext(
        dossier_code=CODE, component="Đơn đề nghị", unit_code="H12", field="Hộ tịch"
    )
    plan = plan_batch(_facts("d", "b", "A", "d"), own)
    assert [c.pages for c in plan.components] == [[1], [4]]
    assert plan.components[0].context == own and plan.components[0].separator_page is None
    second = plan.components[1].context
    assert second is not None and (second.unit_code, second.field) == ("H12", "Hộ tịch")
    unassigned = plan_batch(_facts("d", "A", "d"))
    assert unassigned.components[0].context is None


def test_double_sided_separator_and_empty_separators() -> None:
    plan = plan_batch(_facts("A", "A", "d", "B", "b", "C", "d"))
    assert [c.pages for c in plan.components] == [[3], [7]]
    assert plan.empty_separators == [4]
    assert not plan_batch(_facts("d", "b", "d")).is_batch


# --- the split, end to end -------------------------------------------------------------------


@pytest.fixture(scope="module")
def batch_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 pages: 3 separator sheets, 2 blank backs (one with bleed-through), 7 document pages."""
    pages = [
        _sep("A", 1), _doc(1), _doc(3), _blank(4, 3),
        _sep("B", 5), _doc(6), _doc(7), _doc(8),
        _sep("C", 9), _doc(10), _blank(11), _doc(12),
    ]  # fmt: skip
    return write_multipage_pdf(pages, tmp_path_factory.mktemp("batch") / "ho-so.pdf")


def _page_images(data: bytes) -> list[bytes]:
    return [page.images[0].data for page in PdfReader(io.BytesIO(data)).pages]


def test_twelve_page_batch_splits_into_three_components(tmp_path: Path, batch_pdf: Path) -> None:
    services = Services.open(Settings.rooted_at(tmp_path))
    outcome = split_batch(batch_pdf, None, services)
    assert outcome is not None
    assert [r.state for r in outcome.receipts] == [ScanState.QUEUED] * 3
    assert all(r.created for r in outcome.receipts)
    original = _page_images(batch_pdf.read_bytes())
    expected = {
        "Tờ khai đăng ký khai sinh": ([2, 3], "component"),
        "Giấy chứng nhận kết hôn": ([6, 7, 8], "component"),
        "Trích lục khai sinh": ([10, 12], "result"),
    }
    with services.index.session() as session:
        for receipt in outcome.receipts:
            (component,) = components_for_scan(session, receipt.scan_id)
            dossier = session.get(Dossier, component.dossier_id)
            assert dossier is not None and dossier.code == CODE
            assert dossier.procedure_code == "1.001193"
            pages, kind = expected.pop(component.name)
            assert component.kind == kind
            stored = services.store.get_bytes(keys.original_key(receipt.sha256))
            # the original pages, copied unchanged; no separator, no blank page among them
            assert _page_images(stored) == [original[p - 1] for p in pages]
    assert expected == {}
    assert services.store.exists(keys.original_key(sha256_file(batch_pdf)))
    manifest = json.loads(services.store.get_bytes(outcome.manifest_key))
    assert manifest["plan"]["blank_pages"] == [4, 11]
    assert manifest["plan"]["separator_pages"] == [1, 5, 9]
    assert len(manifest["receipts"]) == 3

    again = split_batch(batch_pdf, None, services)
    assert again is not None
    assert [r.scan_id for r in again.receipts] == [r.scan_id for r in outcome.receipts]
    assert not any(r.created for r in again.receipts)


def test_tiff_batch_with_the_file_context(tmp_path: Path) -> None:
    services = Services.open(Settings.rooted_at(tmp_path / "data"))
    path = write_multipage_tiff(
        [_doc(1), _sep("B", 5), _doc(3), _blank(11), _doc(6)], tmp_path / "batch.tiff"
    )
    own = DossierContext(dossier_code=CODE, component="Đơn đề nghị")
    outcome = split_batch(path, own, services)
    assert outcome is not None and outcome.plan.blank_count == 1
    names, frames = [], []
    with services.index.session() as session:
        for receipt in outcome.receipts:
            names.append(components_for_scan(session, receipt.scan_id)[0].name)
            data = services.store.get_bytes(keys.original_key(receipt.sha256))
            with Image.open(io.BytesIO(data)) as image:
                frames.append(getattr(image, "n_frames", 1))
    assert names == ["Đơn đề nghị", "Giấy chứng nhận kết hôn"]
    assert frames == [1, 2]


def test_files_without_separators_are_not_batches(tmp_path: Path) -> None:
    services = Services.open(Settings.rooted_at(tmp_path / "data"))
    plain = write_multipage_pdf([_doc(1), _blank(11), _doc(3)], tmp_path / "plain.pdf")
    single = write_multipage_pdf([_sep("A", 1)], tmp_path / "single.pdf")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 truncated")
    for path in (plain, single, broken):
        assert split_batch(path, None, services) is None
    assert list(services.store.list("originals/")) == []


def _watch_once(services: Services, queue: object) -> None:
    from workers.watch import DropWatcher

    watcher = DropWatcher(services, queue)  # type: ignore[arg-type]
    for _ in range(60):
        if watcher.scan_once(full=True).taken:
            return
        time.sleep(0.1)
    raise AssertionError("the watcher never took the batch")


def test_the_watcher_only_takes_a_batch_in_and_its_job_splits_it(settings: Settings) -> None:
    """The watcher stores and queues the batch as one file, reading none of its pages; the
    job finds the separator sheets: one queued scan per component, the batch's scan ``split``."""
    from tests.intake_helpers import RecordingQueue, fast_watch
    from workers.queues import take_scan

    services = Services.open(fast_watch(settings))
    drop = settings.watch.drop_dirs[0]
    drop.mkdir(parents=True, exist_ok=True)
    pages = [_sep("A", 1), _doc(2), _blank(3), _sep("B", 4), _doc(5), _doc(6)]
    write_multipage_pdf(pages, drop / "batch.pdf")
    taken = RecordingQueue()
    _watch_once(services, taken)
    [batch] = taken.enqueued  # one job, not yet split
    assert not (drop / "batch.pdf").exists()

    parts = RecordingQueue()
    assert take_scan(batch, services, parts) is JobOutcome.SPLIT
    assert len(parts.enqueued) == 2 and batch not in parts.enqueued
    with services.index.session() as session:
        names = sorted(
            c.name for scan_id in parts.enqueued for c in components_for_scan(session, scan_id)
        )
        scan = session.get(Scan, batch)
        assert scan is not None and scan.state == ScanState.SPLIT.value
        assert "2 thành phần" in scan.error_message
    assert names == ["Giấy chứng nhận kết hôn", "Tờ khai đăng ký khai sinh"]
    assert take_scan(batch, services, parts) is JobOutcome.DUPLICATE  # a retried job: nothing


def test_a_batch_dropped_with_its_own_context_leaves_no_empty_component(
    settings: Settings,
) -> None:
    """The sidecar names a component, but the batch begins with a separator sheet: every page
    goes to the sheets' components and the sidecar's component, made at intake, goes away."""
    from tests.intake_helpers import RecordingQueue, fast_watch
    from workers.context import write_sidecar
    from workers.queues import take_scan

    services = Services.open(fast_watch(settings))
    drop = settings.watch.drop_dirs[0]
    drop.mkdir(parents=True, exist_ok=True)
    path = write_multipage_pdf([_sep("A", 1), _doc(2), _sep("B", 4), _doc(5)], drop / "lo.pdf")
    write_sidecar(path, DossierContext(dossier_code=CODE, component="Hồ sơ quét cả lô"))
    taken = RecordingQueue()
    _watch_once(services, taken)
    parts = RecordingQueue()
    assert take_scan(taken.enqueued[0], services, parts) is JobOutcome.SPLIT
    with services.index.session() as session:
        names = sorted(c.name for c in session.scalars(select(DossierComponent)))
    assert names == ["Giấy chứng nhận kết hôn", "Tờ khai đăng ký khai sinh"]


def test_a_single_document_pdf_is_processed_whole(tmp_path: Path) -> None:
    from workers.intake import ingest_file
    from workers.split import split_stored_batch

    services = Services.open(Settings.rooted_at(tmp_path / "data"))
    plain = write_multipage_pdf([_doc(1), _doc(3)], tmp_path / "plain.pdf")
    receipt = ingest_file(plain, DossierContext(dossier_code=CODE), services)
    check = split_stored_batch(receipt.scan_id, services)
    assert check.parts is None  # processed whole, with the triage made here
    assert check.source is not None and check.source.page_count == 2
    with services.index.session() as session:
        [component] = components_for_scan(session, receipt.scan_id)  # its link is kept
    assert component.name == "Thành phần hồ sơ"


@pytest.mark.ocr
def test_on_embedded_defaults_a_dropped_batch_ends_digitized_component_by_component(
    settings: Settings,
) -> None:
    """No Redis: the watcher's in-process job splits the batch and reads each component."""
    from tests.intake_helpers import fast_watch
    from workers.queues import InlineQueue
    from workers.watch import DropWatcher

    services = Services.open(fast_watch(settings))
    drop = settings.watch.drop_dirs[0]
    drop.mkdir(parents=True, exist_ok=True)
    write_multipage_pdf([_sep("A", 1), _doc(2), _sep("B", 4), _doc(5)], drop / "lo.pdf")
    watcher = DropWatcher(services, InlineQueue(services))
    done: list[str] = []
    for _ in range(100):
        done += watcher.scan_once(full=True).done
        if done:
            break
        time.sleep(0.1)
    assert done == ["lo.pdf"]
    with services.index.session() as session:
        components = session.scalars(select(DossierComponent)).all()
        assert sorted(c.name for c in components) == [
            "Giấy chứng nhận kết hôn",
            "Tờ khai đăng ký khai sinh",
        ]
        assert {c.status for c in components} == {"digitized"}


@pytest.mark.ocr
def test_a_pdf_is_triaged_once_by_its_job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The look for separator sheets triages the file; processing reuses that triage."""
    from pipeline import triage as triage_module
    from tests.intake_helpers import RecordingQueue
    from workers import split
    from workers.intake import ingest_file
    from workers.queues import take_scan

    calls: list[str] = []
    real = triage_module.triage

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        calls.append(path.name)
        return real(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(split, "triage", counting)
    monkeypatch.setattr("pipeline.runner.triage", counting)
    services = Services.open(Settings.rooted_at(tmp_path / "data"))
    plain = write_multipage_pdf([_doc(1), _doc(3)], tmp_path / "plain.pdf")
    receipt = ingest_file(plain, DossierContext(dossier_code=CODE), services)
    outcome = take_scan(receipt.scan_id, services, RecordingQueue())
    assert outcome in (JobOutcome.DONE, JobOutcome.NEEDS_REVIEW)
    assert calls == ["plain.pdf"]
