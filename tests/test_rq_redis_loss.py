"""Real ``sohoa worker`` processes and real Redis: losing Redis never ends a worker, and a
scheduler that died is replaced at the next maintenance, not after its lock's minute."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from redis import Redis
from rq import Queue
from rq.scheduler import SCHEDULER_KEY_TEMPLATE, RQScheduler
from rq.serializers import JSONSerializer

from schemas.fields import DocType
from schemas.records import ScanState
from schemas.settings import Settings
from storage.index.tables import Scan
from tests.intake_helpers import TcpProxy, Workers, cleanup_redis, rq_settings, until
from tests.samples_helpers import make_scan
from workers.intake import ingest_file
from workers.queue_admin import release_dead_schedulers
from workers.queues import RqQueue
from workers.services import Services

pytestmark = [pytest.mark.redis]
FINISHED = {ScanState.DONE.value, ScanState.NEEDS_REVIEW.value}


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy()
    proxy.start()
    yield proxy
    proxy.stop()


def _services(settings: Settings, redis_url: str | None = None) -> Services:
    settings.queue = rq_settings(redis_url) if redis_url else rq_settings()
    settings.ocr.searchable_pdf = False
    return Services.open(settings)


def _state(services: Services, scan_id: int) -> str:
    with services.index.session() as session:
        scan = session.get(Scan, scan_id)
        assert scan is not None
        return scan.state


def _queued(services: Services, tmp_path: Path, seed: int) -> int:
    path, _ = make_scan(tmp_path / f"in{seed}", DocType.BIRTH_CERTIFICATE, seed=seed, fmt="jpeg")
    receipt = ingest_file(path, None, services)
    RqQueue(services.settings.queue).enqueue_scan(receipt.scan_id)
    return receipt.scan_id


@pytest.mark.ocr
@pytest.mark.slow
def test_a_worker_outlives_redis_going_away_in_the_middle_of_a_job(
    settings: Settings, proxy: TcpProxy, tmp_path: Path
) -> None:
    services = _services(settings, proxy.url())
    pool = Workers(services.settings, tmp_path)
    try:
        worker = pool.start()
        first = _queued(services, tmp_path, 61)
        assert until(lambda: _state(services, first) == ScanState.PROCESSING.value, 60, 0.05)
        proxy.stop()  # Redis gone while the horse reads the page
        assert until(lambda: _state(services, first) in FINISHED, 120, 0.2)
        assert not until(lambda: worker.poll() is not None, 5)  # rq would have quit by now
        proxy.start()

        second = _queued(services, tmp_path, 62)
        assert until(lambda: _state(services, second) in FINISHED, 120, 0.2)
        assert worker.poll() is None
        log = (tmp_path / "worker-0.log").read_text("utf-8", "replace")
        assert "Redis lost, retrying" in log or "could not connect to Redis" in log
    finally:
        pool.stop_all()
        cleanup_redis(services.settings.queue)


def _scheduler_hash(name: str, host: str, pid: int) -> dict[str | bytes, bytes | float | int | str]:
    """A scheduler's registration as rq writes it."""
    now = "2026-12-05T10:00:00.000000Z"
    return {
        "name": name,
        "hostname": host,
        "pid": str(pid),
        "queues": "",
        "created_at": now,
        "last_heartbeat": now,
    }


def _hold_lock_as_dead_scheduler(connection: Redis, queue_name: str, host: str) -> int:
    """A scheduler lock as a scheduler killed with -9 leaves it: held, its process gone."""
    gone = os.fork()
    if gone == 0:
        os._exit(0)
    os.waitpid(gone, 0)
    name = f"dead-{gone}"
    connection.set(RQScheduler.get_locking_key(queue_name), name, ex=70)
    connection.hset(SCHEDULER_KEY_TEMPLATE % name, mapping=_scheduler_hash(name, host, gone))
    connection.expire(SCHEDULER_KEY_TEMPLATE % name, 70)
    return gone


def test_only_locks_of_schedulers_dead_on_this_machine_are_freed(settings: Settings) -> None:
    services = _services(settings)
    rq = RqQueue(services.settings.queue)
    intake, reocr, maintenance = rq.names[0], rq.names[1], rq.names[2]
    connection = rq.connection
    try:
        _hold_lock_as_dead_scheduler(connection, intake, socket.gethostname())
        _hold_lock_as_dead_scheduler(connection, reocr, "another-machine")
        alive = "alive-scheduler"
        connection.set(RQScheduler.get_locking_key(maintenance), alive, ex=70)
        connection.hset(
            SCHEDULER_KEY_TEMPLATE % alive,
            mapping=_scheduler_hash(alive, socket.gethostname(), os.getpid()),
        )
        assert release_dead_schedulers(rq) == [intake]
        assert connection.get(RQScheduler.get_locking_key(intake)) is None
        assert connection.get(RQScheduler.get_locking_key(reocr)) is not None  # its lock expires
        assert connection.get(RQScheduler.get_locking_key(maintenance)) == alive.encode()
    finally:
        connection.delete(SCHEDULER_KEY_TEMPLATE % alive)
        cleanup_redis(services.settings.queue)


@pytest.mark.ocr
@pytest.mark.slow
def test_delayed_work_runs_soon_after_the_scheduling_worker_is_killed(
    settings: Settings, tmp_path: Path
) -> None:
    services = _services(settings)
    rq = RqQueue(services.settings.queue)
    pool = Workers(services.settings, tmp_path)
    pool.env["SOHOA_QUEUE__WORKER_MAINTENANCE_SECONDS"] = "3"
    pool.env["SOHOA_QUEUE__WORKER_TTL_SECONDS"] = "20"  # an idle worker looks up every 5 s
    lock = RQScheduler.get_locking_key(rq.names[0])
    try:
        first = pool.start()
        assert until(lambda: rq.connection.get(lock) is not None, 60, 0.1)
        second = pool.start()
        assert until(lambda: b"Listening on" in (tmp_path / "worker-1.log").read_bytes(), 60)
        os.killpg(first.pid, signal.SIGKILL)  # the worker holding the scheduler, and its scheduler
        first.wait(timeout=10)

        path, _ = make_scan(tmp_path / "in", DocType.BIRTH_CERTIFICATE, seed=63, fmt="jpeg")
        scan_id = ingest_file(path, None, services).scan_id
        queue = Queue(rq.names[0], connection=rq.connection, serializer=JSONSerializer)
        queue.enqueue_in(timedelta(seconds=1), "workers.queues.run_scan_job", scan_id)
        # rq's lock outlives a killed scheduler by a minute: done well before means taken over
        assert until(lambda: _state(services, scan_id) in FINISHED, 45, 0.2)
        assert second.poll() is None
        log = (tmp_path / "worker-1.log").read_text("utf-8", "replace")
        assert "dead scheduler replaced" in log
    finally:
        pool.stop_all()
        cleanup_redis(services.settings.queue)
