"""The watcher against the real Redis: Redis going away keeps files in the folder, and its
return is caught up with; a file dropped twice makes one job."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rq import Queue
from rq.serializers import JSONSerializer
from sqlalchemy import select

from schemas.fields import DocType
from schemas.records import ScanState
from schemas.settings import Settings
from storage.index.tables import Scan
from tests.intake_helpers import TcpProxy, cleanup_redis, fast_watch, rq_settings
from tests.samples_helpers import make_scan
from workers.queues import RqQueue, scan_job_id
from workers.services import Services
from workers.watch import DropWatcher

pytestmark = pytest.mark.redis


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy()
    yield proxy
    proxy.stop()


@pytest.fixture
def services(settings: Settings, proxy: TcpProxy) -> Iterator[Services]:
    settings.queue = rq_settings(proxy.url())
    yield Services.open(fast_watch(settings))
    cleanup_redis(settings.queue)


def _intake_queue(services: Services) -> Queue:
    rq = RqQueue(services.settings.queue)
    name = services.settings.queue.intake_queue
    return Queue(name, connection=rq.connection, serializer=JSONSerializer)


def test_redis_down_keeps_files_then_catches_up(services: Services, proxy: TcpProxy) -> None:
    drop = services.settings.watch.drop_dirs[0]
    make_scan(drop, DocType.ID_CARD, seed=31, stem="a")
    make_scan(drop, DocType.ID_CARD, seed=32, stem="b")
    for truth in drop.glob("*.truth.json"):
        truth.unlink()
    watcher = DropWatcher(services, RqQueue(services.settings.queue))  # proxy not started: down

    kept: set[str] = set()
    for _ in range(8):
        kept.update(watcher.scan_once().kept)
        time.sleep(0.1)
    assert kept == {"a.png", "b.png"}
    assert sorted(p.name for p in drop.iterdir()) == ["a.png", "b.png"]
    with services.index.session() as session:
        assert list(session.scalars(select(Scan.state))) == [ScanState.QUEUED.value] * 2

    proxy.start()  # Redis is back: the same watcher catches up
    taken: list[str] = []
    for _ in range(20):
        taken += watcher.scan_once().taken
        if len(taken) == 2:
            break
        time.sleep(0.1)
    assert sorted(taken) == ["a.png", "b.png"]
    assert list(drop.iterdir()) == []
    queue = _intake_queue(services)
    assert sorted(queue.get_job_ids()) == sorted(
        scan_job_id(services.settings.queue, n) for n in (1, 2)
    )


def test_same_file_dropped_twice_is_one_job(services: Services, proxy: TcpProxy) -> None:
    proxy.start()
    drop = services.settings.watch.drop_dirs[0]
    first, _ = make_scan(drop, DocType.ID_CARD, seed=33, stem="mot")
    (drop / "hai.png").write_bytes(first.read_bytes())
    watcher = DropWatcher(services, RqQueue(services.settings.queue))
    taken: list[str] = []
    for _ in range(10):
        taken += watcher.scan_once().taken
        time.sleep(0.1)
    assert sorted(taken) == ["hai.png", "mot.png"]
    assert _intake_queue(services).get_job_ids() == [scan_job_id(services.settings.queue, 1)]
    assert sorted(p.name for p in Path(watcher.layout.processing).iterdir()) == [
        "hai.png",
        "mot.png",
    ]
