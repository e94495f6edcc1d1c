"""Re-OCR batches on embedded defaults with fake engines (no Tesseract): versions kept beside the
old ones, better ones promoted, worse ones not, originals untouched, failures recorded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update

from schemas.records import ScanState
from schemas.reocr import BatchStatus, ItemOutcome, ItemState, ReocrFilters
from storage import keys
from storage.index.reocr import ReocrItem, retry_failed
from storage.index.results import find_by_id_number
from storage.index.tables import DossierComponent, Result, ResultPerson, Scan
from tests.reocr_fakes import (
    NAMELESS_CARD,
    TextEngine,
    fast_settings,
    good_engine,
    stored_scans,
    versions_by_scan,
    weak_engine,
)
from workers.reocr import run_item, select_scans, start_batch
from workers.reocr_feed import Throttle, batch_summary, feed_inline
from workers.services import Services

OUTDATED = ReocrFilters(outdated=True)
ID_NUMBER = "001095012345"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def services(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Services]:
    settings = fast_settings(tmp_path / "data")
    if request.param == "postgres":
        settings.index.url = request.getfixturevalue("postgres_url")
    opened = Services.open(settings)
    opened.engine = weak_engine()
    yield opened
    opened.index.dispose()


def _items(services: Services, batch_id: int) -> list[ReocrItem]:
    with services.index.session() as session:
        query = select(ReocrItem).where(ReocrItem.batch_id == batch_id).order_by(ReocrItem.id)
        return list(session.scalars(query))


def _originals(services: Services) -> dict[int, tuple[str, str]]:
    """Per scan: its stored original's key and the sha256 of the bytes there now."""
    with services.index.session() as session:
        scans = list(session.scalars(select(Scan)))
    return {
        s.id: (s.original_key, hashlib.sha256(services.store.get_bytes(s.original_key)).hexdigest())
        for s in scans
    }


def test_better_versions_are_promoted_and_old_ones_kept(tmp_path: Path, services: Services) -> None:
    scan_ids = stored_scans(services, tmp_path / "in", 3)
    before = _originals(services)
    with services.index.session() as session:
        first_dates = {r.scan_id: r.digitized_at for r in session.scalars(select(Result))}

    services.engine = good_engine()
    selection = select_scans(services, OUTDATED)
    assert (selection.results, selection.pages) == (3, 3)
    batch_id = start_batch(services, OUTDATED, created_by="tester")
    summary = feed_inline(services, batch_id, throttle=Throttle(0))

    assert summary.status is BatchStatus.DONE
    assert summary.outcomes == {ItemOutcome.IMPROVED: 3}
    assert (summary.promoted, summary.pages_finished, summary.attempts) == (3, 3, 3)
    assert versions_by_scan(services) == {s: [(1, False), (2, True)] for s in scan_ids}
    after = _originals(services)
    assert after == before
    assert all(sha == keys.parse_original_key(key) for key, sha in after.values())
    with services.index.session() as session:
        for scan in session.scalars(select(Scan)):
            assert (scan.current_version, scan.state) == (2, ScanState.DONE.value)
            sha = scan.sha256
            assert services.store.exists(keys.fields_key(sha, 1))  # the old version stays
            assert services.store.exists(keys.fields_key(sha, 2))
        current = session.scalars(select(Result).where(Result.is_current.is_(True))).all()
        assert {r.engine["tesseract"] for r in current} == {"fake:good"}
        assert {r.engine["reocr_batch"] for r in current} == {str(batch_id)}
        assert {r.scan_id: r.digitized_at for r in current} == first_dates
        components = session.scalars(select(DossierComponent)).all()
        assert {c.result_id for c in components} == {r.id for r in current}
        people = session.scalars(select(ResultPerson).where(ResultPerson.is_current.is_(True)))
        assert {p.result_id for p in people} == {r.id for r in current}
        found = find_by_id_number(session, ID_NUMBER)
        assert sorted(r.version for r in found) == [2, 2, 2]
    for item in _items(services, batch_id):
        assert (item.state, item.outcome, item.promoted) == ("done", "improved", True)
        assert (item.old_version, item.new_version, item.attempts) == (1, 2, 1)
        assert item.comparison is not None
        assert "invalid_fields:1->0" in item.comparison["reasons"]
        assert item.comparison["old"]["needs_review"] and not item.comparison["new"]["needs_review"]
    assert select_scans(services, OUTDATED).results == 0  # nothing left on the old engine


def test_a_worse_version_is_kept_but_not_made_current(tmp_path: Path, services: Services) -> None:
    services.engine = good_engine()
    scan_ids = stored_scans(services, tmp_path / "in", 2)
    services.engine = TextEngine("fake:nameless", NAMELESS_CARD, 0.99)

    batch_id = start_batch(services, OUTDATED)
    summary = feed_inline(services, batch_id, throttle=Throttle(0))

    assert summary.outcomes == {ItemOutcome.WORSE: 2} and summary.promoted == 0
    assert versions_by_scan(services) == {s: [(1, True), (2, False)] for s in scan_ids}
    with services.index.session() as session:
        for scan in session.scalars(select(Scan)):
            assert (scan.current_version, scan.state) == (1, ScanState.DONE.value)
            assert services.store.exists(keys.fields_key(scan.sha256, 2))
        assert [r.version for r in find_by_id_number(session, ID_NUMBER)] == [1, 1]
        people = session.execute(select(Result.version, ResultPerson.is_current).join(Result))
        assert {(v, c) for v, c in people} == {(1, True), (2, False)}
    item = _items(services, batch_id)[0]
    assert item.comparison is not None and "required_lost:full_name" in item.comparison["reasons"]
    # The worse run left the results on an old engine: they are selected again next time.
    assert select_scans(services, OUTDATED).results == 2


def test_interrupted_batch_resumes_and_runs_each_item_once(
    tmp_path: Path, services: Services
) -> None:
    scan_ids = stored_scans(services, tmp_path / "in", 8)

    def ctrl_c_on_fourth(call: int) -> None:
        if call == 4:
            raise KeyboardInterrupt

    services.engine = interrupting = good_engine(on_call=ctrl_c_on_fourth)
    batch_id = start_batch(services, OUTDATED)
    with pytest.raises(KeyboardInterrupt):
        feed_inline(services, batch_id, throttle=Throttle(0))
    stopped = batch_summary(services, batch_id)
    assert stopped.status is BatchStatus.INTERRUPTED
    assert stopped.states == {ItemState.DONE: 3, ItemState.PENDING: 5}  # the 4th was given back

    services.engine = resumed = good_engine()
    done = feed_inline(services, batch_id, throttle=Throttle(0))
    assert done.status is BatchStatus.DONE and done.outcomes == {ItemOutcome.IMPROVED: 8}
    assert (interrupting.calls, resumed.calls) == (4, 5)  # finished items were not run again
    assert [i.attempts for i in _items(services, batch_id)] == [1, 1, 1, 2, 1, 1, 1, 1]
    assert versions_by_scan(services) == {s: [(1, False), (2, True)] for s in scan_ids}
    assert feed_inline(services, batch_id, throttle=Throttle(0)).attempts == 9
    assert resumed.calls == 5


def test_crash_between_upload_and_commit_reuses_the_version(
    tmp_path: Path, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    [scan_id] = stored_scans(services, tmp_path / "in", 1)
    services.engine = good_engine()
    batch_id = start_batch(services, OUTDATED)
    [item] = _items(services, batch_id)

    import workers.reocr as reocr

    real_finish = reocr.finish_item

    def killed(*args: object, **kwargs: object) -> None:
        raise SystemExit("killed after the upload, inside the commit")

    monkeypatch.setattr(reocr, "finish_item", killed)
    with pytest.raises(SystemExit):
        run_item(item.id, services)
    with services.index.session() as session:
        sha = session.get(Scan, scan_id).sha256  # type: ignore[union-attr]
    assert services.store.exists(keys.fields_key(sha, 2))  # uploaded, never committed
    assert versions_by_scan(services) == {scan_id: [(1, True)]}

    monkeypatch.setattr(reocr, "finish_item", real_finish)
    assert run_item(item.id, services) is ItemOutcome.IMPROVED
    assert versions_by_scan(services) == {scan_id: [(1, False), (2, True)]}
    derived = [keys.parse_derived_key(k) for k in services.store.list(keys.derived_root(sha))]
    assert {d.version for d in derived if d is not None} == {1, 2}
    assert run_item(item.id, services) is ItemOutcome.IMPROVED  # finished: nothing runs again
    assert services.engine.calls == 2


def test_a_stale_claim_is_taken_over(tmp_path: Path, services: Services) -> None:
    from storage.index.reocr import LostClaim, claim_item, finish_item

    stored_scans(services, tmp_path / "in", 1)
    services.engine = good_engine()
    batch_id = start_batch(services, OUTDATED)
    [item] = _items(services, batch_id)
    stale = services.settings.reocr.stale_running_seconds
    with services.index.session() as session:
        dead = claim_item(session, item.id, stale_after_seconds=stale)
    assert dead is not None
    assert run_item(item.id, services) is None  # a live claim is left alone
    with services.index.session() as session:
        session.execute(
            update(ReocrItem).values(claimed_at=datetime(2000, 1, 1))  # the holder died long ago
        )
    assert run_item(item.id, services) is ItemOutcome.IMPROVED
    with pytest.raises(LostClaim), services.index.session() as session:
        finish_item(session, dead, outcome=ItemOutcome.FAILED)
    [item] = _items(services, batch_id)
    assert (item.state, item.outcome, item.attempts) == ("done", "improved", 2)


def test_a_rejected_original_fails_its_item_and_retry_runs_it(
    tmp_path: Path, services: Services
) -> None:
    scan_ids = stored_scans(services, tmp_path / "in", 2)
    services.engine = good_engine()
    services.settings.limits.max_bytes = 10  # every original is now "too large"
    batch_id = start_batch(services, OUTDATED)
    summary = feed_inline(services, batch_id, throttle=Throttle(0))
    assert summary.status is BatchStatus.DONE
    assert summary.outcomes == {ItemOutcome.FAILED: 2}
    assert all(i.error.startswith("file_too_large") for i in _items(services, batch_id))
    assert versions_by_scan(services) == {s: [(1, True)] for s in scan_ids}

    services.settings.limits.max_bytes = 10_000_000
    with services.index.session() as session:
        assert retry_failed(session, batch_id) == 2
    summary = feed_inline(services, batch_id, throttle=Throttle(0))
    assert summary.outcomes == {ItemOutcome.IMPROVED: 2}
    assert versions_by_scan(services) == {s: [(1, False), (2, True)] for s in scan_ids}


def test_filters_choose_results(tmp_path: Path, services: Services) -> None:
    weak = stored_scans(services, tmp_path / "in", 2, unit="H12")
    services.engine = good_engine()
    good = stored_scans(services, tmp_path / "in", 3, unit="T07", first=10)
    total = (5, 5)

    def chosen(**kw: object) -> set[int]:
        from storage.index.reocr_select import select_scans as rows
        from workers.reocr import current_engine

        with services.index.session() as session:
            found = rows(session, ReocrFilters(**kw), current_engine(services))
        return {s.scan_id for s in found}

    selection = select_scans(services, ReocrFilters())
    assert (selection.results, selection.pages) == total
    assert chosen(outdated=True) == set(weak)
    assert chosen(unit_codes=["000.00.20.T07"]) == set(good)
    assert chosen(needs_review=True) == set(weak)
    assert chosen(needs_review=False) == set(good)
    assert chosen(below_confidence=0.9) == set(weak)
    assert chosen(doc_types=["birth_certificate"]) == set()
    assert chosen(unit_codes=["000.00.20.T07"], below_confidence=0.9) == set()
    assert chosen(scan_ids=[good[0], weak[0]]) == {good[0], weak[0]}
    assert len(chosen(limit=2)) == 2
    limited = start_batch(services, ReocrFilters(limit=1, unit_codes=["000.00.20.T07"]))
    assert [(i.scan_id, i.pages, i.old_version) for i in _items(services, limited)] == [
        (good[0], 1, 1)
    ]
    with services.index.session() as session:
        session.execute(
            update(Result)
            .where(Result.scan_id == good[0])
            .values(digitized_at=datetime(2023, 5, 2, 9, 30))
        )
        session.execute(
            update(Result)
            .where(Result.scan_id == good[1])
            .values(engine={"tesseract": "fake:good", "corrected_by": "lan"})
        )
    assert chosen(since=datetime(2023, 5, 2).date(), until=datetime(2023, 5, 2).date()) == {good[0]}
    assert chosen(until=datetime(2024, 1, 1).date()) == {good[0]}
    assert good[1] not in chosen() and good[1] in chosen(include_corrected=True)


def test_throttle_spaces_items_by_their_pages() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pace = Throttle(30, clock=lambda: now[0], sleep=sleep)  # 30 pages a minute: 2 s a page
    for pages in (1, 3, 1):
        pace.wait(pages)
    assert slept == [2.0, 6.0]
    now[0] += 100  # a slow item earns no burst afterwards
    pace.wait(1)
    pace.wait(1)
    assert slept == [2.0, 6.0, 2.0]
    unlimited = Throttle(0, clock=lambda: 0.0, sleep=sleep)
    unlimited.wait(50)
    unlimited.wait(50)
    assert len(slept) == 3


def test_throttled_feed_waits_between_items(tmp_path: Path, services: Services) -> None:
    stored_scans(services, tmp_path / "in", 3)
    services.engine = good_engine()
    slept: list[float] = []
    clock = [0.0]
    pace = Throttle(6, clock=lambda: clock[0], sleep=slept.append)  # 10 s a page
    batch_id = start_batch(services, OUTDATED)
    assert feed_inline(services, batch_id, throttle=pace).status is BatchStatus.DONE
    assert slept == [10.0, 20.0]  # the fake clock stands still: each wait is the full spacing


def test_a_hard_killed_run_is_resumed_at_once_and_its_scratch_removed(
    tmp_path: Path, services: Services
) -> None:
    """kill -9 leaves an item 'running' under a claim of a process that is gone, and its
    scratch folder: resume takes the item back at once (not after 40 minutes) and cleans up."""
    import subprocess
    import sys

    from storage.index.reocr import claim_item
    from workers.reocr_feed import Throttle, feed_inline

    stored_scans(services, tmp_path / "in", 2)
    services.engine = good_engine()
    batch_id = start_batch(services, OUTDATED)
    first, _ = _items(services, batch_id)
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    dead_pid = int(gone.stdout)
    stale = services.settings.reocr.stale_running_seconds
    with services.index.session() as session:
        claim = claim_item(session, first.id, stale_after_seconds=stale)
        assert claim is not None
        session.execute(
            update(ReocrItem)
            .where(ReocrItem.id == first.id)
            .values(claim_token=f"{dead_pid}@{claim.token.partition('@')[2]}"[:36])
        )
    left = services.settings.data_dir / "tmp" / f"reocr-1-p{dead_pid}-x1y2"
    left.mkdir(parents=True)
    (left / "page-0001.png").write_bytes(b"half")

    def no_waiting(_: float) -> None:
        raise AssertionError("resume waited for a claim whose process is gone")

    summary = feed_inline(services, batch_id, throttle=Throttle(0), sleep=no_waiting)
    assert summary.open_items == 0 and summary.finished == 2
    assert not left.exists()
