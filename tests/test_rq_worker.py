"""rq on the real Redis: a queued scan is processed by a worker, a transient failure is retried,
any other failure is not, is listed by ``sohoa jobs`` with its reason, and can be retried."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy import func, select
from typer.testing import CliRunner

from schemas.errors import StorageUnavailable
from schemas.fields import DocType
from schemas.records import ScanState
from schemas.settings import Settings
from sohoa.cli import app
from storage.index.tables import Result, Scan
from tests.intake_helpers import cleanup_redis, rq_settings
from tests.samples_helpers import make_scan
from workers.intake import ingest_file
from workers.queues import RqQueue, scan_job_id
from workers.services import Services
from workers.worker import run_worker

pytestmark = [pytest.mark.redis, pytest.mark.ocr]


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    settings.queue = rq_settings()
    settings.ocr.searchable_pdf = False
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield Services.open(settings)
    for sig, handler in previous.items():  # rq's worker installs its own
        signal.signal(sig, handler)
    cleanup_redis(settings.queue)


class FailingOnce:
    """Object storage whose first download fails (a marker file, so it holds across fork)."""

    def __init__(self, inner: object, marker: Path, error: Exception) -> None:
        self.inner = inner
        self.marker = marker
        self.error = error

    def download(self, key: str, dest: Path) -> None:
        if not self.marker.exists():
            self.marker.write_text("failed once")
            raise self.error
        self.inner.download(key, dest)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


def _queued_scan(services: Services, tmp_path: Path, seed: int) -> int:
    path, _ = make_scan(tmp_path / "in", DocType.ID_CARD, seed=seed, fmt="png")
    receipt = ingest_file(path, None, services)
    RqQueue(services.settings.queue).enqueue_scan(receipt.scan_id)
    return receipt.scan_id


def _job(services: Services, scan_id: int) -> Job:
    rq = RqQueue(services.settings.queue)
    job_id = scan_job_id(services.settings.queue, scan_id)
    return Job.fetch(job_id, connection=rq.connection, serializer=JSONSerializer)


def _scan(services: Services, scan_id: int) -> Scan:
    with services.index.session() as session:
        scan = session.get(Scan, scan_id)
        assert scan is not None
        return scan


def _results(services: Services) -> int:
    with services.index.session() as session:
        return int(session.scalar(select(func.count()).select_from(Result)) or 0)


def test_worker_processes_queued_scan(services: Services, tmp_path: Path) -> None:
    scan_id = _queued_scan(services, tmp_path, 41)
    assert run_worker(services, burst=True)
    assert _scan(services, scan_id).state in (ScanState.DONE.value, ScanState.NEEDS_REVIEW.value)
    assert _job(services, scan_id).get_status() is JobStatus.FINISHED
    assert _results(services) == 1


def test_transient_failure_is_retried(services: Services, tmp_path: Path) -> None:
    scan_id = _queued_scan(services, tmp_path, 42)
    services.store = FailingOnce(  # type: ignore[assignment]
        services.store, tmp_path / "marker", StorageUnavailable("test: MinIO timeout")
    )
    run_worker(services, burst=True)
    assert (tmp_path / "marker").exists()
    scan = _scan(services, scan_id)
    assert scan.attempts == 2 and scan.state != ScanState.FAILED.value
    assert _job(services, scan_id).get_status() is JobStatus.FINISHED
    assert _results(services) == 1


def test_other_failure_is_not_retried_listed_and_retried_on_demand(
    services: Services, tmp_path: Path
) -> None:
    scan_id = _queued_scan(services, tmp_path, 43)
    services.store = FailingOnce(  # type: ignore[assignment]
        services.store, tmp_path / "marker", RuntimeError("bad sector near 001234567890")
    )
    run_worker(services, burst=True)
    scan = _scan(services, scan_id)
    assert scan.attempts == 1 and scan.state == ScanState.FAILED.value  # no rq retry
    assert scan.error_code == "processing_failed"
    assert _job(services, scan_id).get_status() is JobStatus.FAILED

    q = services.settings.queue
    env = {
        "SOHOA_QUEUE__REDIS_URL": q.redis_url,
        "SOHOA_QUEUE__INTAKE_QUEUE": q.intake_queue,
        "SOHOA_QUEUE__REOCR_QUEUE": q.reocr_queue,
        "SOHOA_QUEUE__MAINTENANCE_QUEUE": q.maintenance_queue,
        "COLUMNS": "200",
    }
    args = ["--data-dir", str(services.settings.data_dir)]
    listed = CliRunner().invoke(app, ["jobs", *args], env=env)
    assert listed.exit_code == 0, listed.output
    job_id = scan_job_id(q, scan_id)
    assert job_id in listed.output and q.intake_queue in listed.output
    assert "Lỗi hệ thống khi xử lý tệp" in listed.output
    assert "001234567890" not in listed.output and "*********890" in listed.output

    missing = CliRunner().invoke(app, ["jobs", "--retry", "no-such-job", *args], env=env)
    assert missing.exit_code == 1 and "not_found" in missing.output

    retried = CliRunner().invoke(app, ["jobs", "--retry", job_id, *args], env=env)
    assert retried.exit_code == 0, retried.output
    assert _scan(services, scan_id).state == ScanState.QUEUED.value
    run_worker(services, burst=True)
    assert _scan(services, scan_id).state in (ScanState.DONE.value, ScanState.NEEDS_REVIEW.value)
    assert _results(services) == 1
