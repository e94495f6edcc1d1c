"""No registered scan is left without a job (real Redis, no OCR): lost jobs are queued again,
a scan whose worker keeps dying is given up with a reason, live jobs are left alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from typer.testing import CliRunner

from schemas.fields import DocType
from schemas.records import ScanState
from schemas.settings import Settings
from sohoa.cli import app
from storage.index.scans import get_scan
from tests.intake_helpers import cleanup_redis, rq_settings
from tests.samples_helpers import make_scan
from workers.intake import ingest_file
from workers.maintenance import requeue_lost_scans
from workers.queues import RqQueue, scan_job_id
from workers.services import Services

pytestmark = pytest.mark.redis


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    settings.queue = rq_settings()
    settings.queue.max_attempts = 3
    yield Services.open(settings)
    cleanup_redis(settings.queue)


def _scan(services: Services, tmp_path: Path, seed: int, state: ScanState, attempts: int) -> int:
    path, _ = make_scan(tmp_path / "in", DocType.ID_CARD, seed=seed)
    scan_id = ingest_file(path, None, services).scan_id
    with services.index.session() as session:
        scan = get_scan(session, scan_id)
        scan.state = state.value  # as a job of an earlier run left it (set up, not a move)
        scan.attempts = attempts
    return scan_id


def _status(rq: RqQueue, scan_id: int) -> JobStatus | None:
    return rq.scan_job_status(scan_id)


def test_lost_jobs_are_requeued_and_poison_scans_given_up(
    services: Services, tmp_path: Path
) -> None:
    rq = RqQueue(services.settings.queue)
    lost = _scan(services, tmp_path, 61, ScanState.QUEUED, 0)  # Redis lost its data
    crashed = _scan(services, tmp_path, 62, ScanState.PROCESSING, 1)  # worker died once
    poison = _scan(services, tmp_path, 63, ScanState.PROCESSING, 3)  # died max_attempts times
    waiting = _scan(services, tmp_path, 64, ScanState.QUEUED, 0)
    rq.enqueue_scan(waiting)
    done = _scan(services, tmp_path, 65, ScanState.DONE, 1)

    report = requeue_lost_scans(services, rq)

    assert report.requeued == [lost, crashed]
    assert report.gave_up == [poison]
    assert _status(rq, lost) is JobStatus.QUEUED and _status(rq, crashed) is JobStatus.QUEUED
    assert _status(rq, poison) is None and _status(rq, done) is None
    with services.index.session() as session:
        given_up = get_scan(session, poison)
        assert given_up.state == ScanState.FAILED.value
        assert given_up.error_code == "worker_crashed"
        assert (
            "dừng đột ngột" in given_up.error_message
            and "stopped abruptly" in given_up.error_message
        )
    assert rq.queue(services.settings.queue.intake_queue).count == 3  # no double enqueue
    assert requeue_lost_scans(services, rq).requeued == []  # all live now


def test_requeue_clears_the_failed_registry(services: Services, tmp_path: Path) -> None:
    rq = RqQueue(services.settings.queue)
    scan_id = _scan(services, tmp_path, 66, ScanState.QUEUED, 0)
    rq.enqueue_scan(scan_id)
    job_id = scan_job_id(services.settings.queue, scan_id)
    queue = rq.queue(services.settings.queue.intake_queue)
    job = Job.fetch(job_id, connection=rq.connection, serializer=JSONSerializer)
    queue.remove(job)
    queue.failed_job_registry.add(job, exc_string="AbandonedJobError")  # transient retries ran out
    job.set_status(JobStatus.FAILED)
    assert queue.failed_job_registry.get_job_ids() == [job_id]

    env = {
        "SOHOA_QUEUE__REDIS_URL": services.settings.queue.redis_url,
        "SOHOA_QUEUE__INTAKE_QUEUE": services.settings.queue.intake_queue,
        "SOHOA_QUEUE__REOCR_QUEUE": services.settings.queue.reocr_queue,
        "SOHOA_QUEUE__MAINTENANCE_QUEUE": services.settings.queue.maintenance_queue,
    }
    args = ["jobs", "--requeue-stalled", "--data-dir", str(services.settings.data_dir)]
    result = CliRunner().invoke(app, args, env=env)
    assert result.exit_code == 0, result.output
    assert "đưa lại 1 bản quét" in result.output
    assert queue.failed_job_registry.get_job_ids() == []
    assert queue.get_job_ids() == [job_id]
