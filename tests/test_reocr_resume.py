"""Exactly once: claims are exclusive between concurrent workers, and a large interrupted batch
resumes to the end with every item run once (SQLite and the real PostgreSQL).
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select

from schemas.reocr import BatchStatus, ItemOutcome, ItemState, ReocrFilters, ReocrPolicy
from schemas.settings import Settings
from storage.index.db import Index
from storage.index.reocr import ReocrItem, claim_item, create_batch
from storage.index.scans import register_scan
from storage.index.tables import Result
from tests.reocr_fakes import fast_settings, good_engine, seed_results, versions_by_scan
from workers.reocr import start_batch
from workers.reocr_feed import Throttle, feed_inline
from workers.services import Services

OUTDATED = ReocrFilters(outdated=True)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings_for(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    settings = fast_settings(tmp_path / "data")
    if request.param == "postgres":
        settings.index.url = request.getfixturevalue("postgres_url")
    return settings


def test_two_claimers_never_take_the_same_item(settings_for: Settings) -> None:
    from schemas.reocr import SelectedScan

    index = Index(settings_for.index.url)
    index.create_schema()
    with index.session() as session:
        scans = []
        for number in range(40):
            sha = f"{number:064x}"
            scan, _ = register_scan(
                session, sha256=sha, filename="a.png", size_bytes=1, original_key=f"o/{sha}"
            )
            session.flush()
            scans.append(SelectedScan(scan_id=scan.id, version=1, pages=1, doc_type="id_card"))
        batch = create_batch(session, ReocrFilters(), scans, policy=ReocrPolicy(), target_engine={})
        batch_id = batch.id
    with index.session() as session:
        item_ids = list(session.scalars(select(ReocrItem.id).where(ReocrItem.batch_id == batch_id)))
    start = threading.Barrier(4)
    won: list[int] = []
    lock = threading.Lock()

    def claimer() -> None:
        start.wait()
        for item_id in item_ids:
            with index.session() as session:
                claim = claim_item(session, item_id, stale_after_seconds=600)
            if claim is not None:
                with lock:
                    won.append(claim.item_id)

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    index.dispose()
    assert Counter(won) == Counter(item_ids)  # each item claimed exactly once


def test_two_feeders_on_one_batch_run_each_item_once(
    tmp_path: Path, settings_for: Settings
) -> None:
    first = Services.open(settings_for)
    scan_ids = seed_results(first, tmp_path / "in", 24)
    second = Services.open(settings_for.model_copy(deep=True))
    first.engine, second.engine = good_engine(), good_engine()
    batch_id = start_batch(first, OUTDATED)
    errors: list[BaseException] = []

    def feed(services: Services) -> None:
        try:
            feed_inline(services, batch_id, throttle=Throttle(0), sleep=lambda _: None)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=feed, args=(s,)) for s in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    assert first.engine.calls + second.engine.calls == 24
    assert first.engine.calls > 0 and second.engine.calls > 0
    assert versions_by_scan(first) == {s: [(1, False), (2, True)] for s in scan_ids}
    with first.index.session() as session:
        attempts = session.scalars(select(ReocrItem.attempts)).all()
    assert attempts == [1] * 24
    first.index.dispose()
    second.index.dispose()


@pytest.mark.slow
def test_500_item_batch_interrupted_once_finishes_each_item_exactly_once(
    tmp_path: Path, settings: Settings
) -> None:
    services = Services.open(fast_settings(tmp_path / "data"))
    scan_ids = seed_results(services, tmp_path / "in", 500)
    services.engine = engine = good_engine()
    batch_id = start_batch(services, OUTDATED)

    stopped = feed_inline(services, batch_id, throttle=Throttle(0), max_items=180)
    assert stopped.status is BatchStatus.INTERRUPTED
    assert stopped.states == {ItemState.DONE: 180, ItemState.PENDING: 320}

    done = feed_inline(services, batch_id, throttle=Throttle(0))
    assert done.status is BatchStatus.DONE
    assert done.outcomes == {ItemOutcome.IMPROVED: 500}
    assert (done.items, done.pages_finished, done.attempts, done.promoted) == (500, 500, 500, 500)
    assert engine.calls == 500
    with services.index.session() as session:
        per_scan = session.execute(
            select(Result.scan_id, func.count(), func.max(Result.version)).group_by(Result.scan_id)
        ).all()
    assert {row[0] for row in per_scan} == set(scan_ids)
    assert {(n, top) for _, n, top in per_scan} == {(2, 2)}
