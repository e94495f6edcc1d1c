"""A worker killed mid-job (SIGKILL, real ``sohoa worker`` processes, real Redis): the job is
run again and its result stored exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from schemas.fields import DocType
from schemas.records import ScanState
from schemas.settings import Settings
from storage.index.tables import Result, Scan
from tests.intake_helpers import Workers, cleanup_redis, rq_settings, until
from tests.samples_helpers import make_scan
from workers.intake import ingest_file
from workers.queues import RqQueue
from workers.services import Services

pytestmark = [pytest.mark.redis, pytest.mark.ocr, pytest.mark.slow]


def horse_of(worker_pid: int) -> int | None:
    """The work horse: the child that made itself a process-group leader (rq does setpgrp)."""
    try:
        children = Path(f"/proc/{worker_pid}/task/{worker_pid}/children").read_text().split()
    except OSError:
        return None
    for child in map(int, children):
        try:
            if os.getpgid(child) == child:
                return child
        except ProcessLookupError:
            continue
    return None


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    settings.queue = rq_settings()
    settings.ocr.searchable_pdf = False
    yield Services.open(settings)
    cleanup_redis(settings.queue)


@pytest.fixture
def workers(services: Services, tmp_path: Path) -> Iterator[Workers]:
    pool = Workers(services.settings, tmp_path)
    yield pool
    pool.stop_all()


def _queued_certificate(services: Services, tmp_path: Path) -> int:
    """A birth certificate: a few seconds of OCR, long enough to be killed in the middle."""
    path, _ = make_scan(tmp_path / "in", DocType.BIRTH_CERTIFICATE, seed=51, fmt="jpeg")
    receipt = ingest_file(path, None, services)
    RqQueue(services.settings.queue).enqueue_scan(receipt.scan_id)
    return receipt.scan_id


def _scan(services: Services, scan_id: int) -> Scan:
    with services.index.session() as session:
        scan = session.get(Scan, scan_id)
        assert scan is not None
        return scan


def _mid_job(services: Services, scan_id: int, worker: subprocess.Popen[bytes]) -> int:
    """Wait until the worker's horse is running the scan; returns the horse's PID."""
    horse: list[int] = []

    def running() -> bool:
        pid = horse_of(worker.pid)
        if pid is None or _scan(services, scan_id).state != ScanState.PROCESSING.value:
            return False
        horse.append(pid)
        return True

    assert until(running, 60, step=0.02), "the job never started"
    return horse[-1]


def _one_result(services: Services, scan_id: int) -> None:
    scan = _scan(services, scan_id)
    assert scan.state in (ScanState.DONE.value, ScanState.NEEDS_REVIEW.value)
    assert scan.attempts == 2 and scan.current_version == 1
    with services.index.session() as session:
        assert session.scalar(select(func.count()).select_from(Result)) == 1


def test_killed_work_horse_is_retried_and_stored_once(
    services: Services, workers: Workers, tmp_path: Path
) -> None:
    scan_id = _queued_certificate(services, tmp_path)
    worker = workers.start()
    horse = _mid_job(services, scan_id, worker)
    os.kill(horse, signal.SIGKILL)  # OOM killer, a tool gone wild
    finished = {ScanState.DONE.value, ScanState.NEEDS_REVIEW.value}
    assert until(lambda: _scan(services, scan_id).state in finished, 120, step=0.2)
    _one_result(services, scan_id)


def test_killed_worker_job_finishes_on_another_worker(
    services: Services, workers: Workers, tmp_path: Path
) -> None:
    scan_id = _queued_certificate(services, tmp_path)
    first = workers.start()
    horse = _mid_job(services, scan_id, first)
    os.killpg(first.pid, signal.SIGKILL)  # power cut: worker and scheduler first, so the
    os.kill(horse, signal.SIGKILL)  # worker cannot requeue the job itself; then the horse
    first.wait(timeout=10)
    assert _scan(services, scan_id).state == ScanState.PROCESSING.value  # left half done

    second = workers.start("--burst")  # finds the dead worker's job at start-up
    assert second.wait(timeout=180) == 0
    _one_result(services, scan_id)
    log = (tmp_path / "worker-1.log").read_text("utf-8", "replace")
    assert "của tiến trình đã chết được trả lại hàng đợi" in log  # not rq's 90 s expiry
