"""A scan moves only along its life's edges; anything else is a typed error, not a wrong state."""

from __future__ import annotations

from pathlib import Path

import pytest

from schemas.errors import ScanTransitionNotAllowed
from schemas.records import ScanState
from schemas.settings import Settings
from storage.index.db import Index
from storage.index.scan_lifecycle import ALLOWED, can_move, move
from storage.index.scans import get_scan, register_scan


def _queued_scan(index: Index) -> int:
    with index.session() as session:
        scan, _ = register_scan(
            session, sha256="b" * 64, filename="a.pdf", size_bytes=1, original_key="originals/b"
        )
        return scan.id


def test_the_life_of_a_scan_and_a_move_it_does_not_allow(tmp_path: Path) -> None:
    index = Index(Settings.rooted_at(tmp_path).index.url)
    index.create_schema()
    scan_id = _queued_scan(index)
    with index.session() as session:
        scan = get_scan(session, scan_id)
        for state in (ScanState.PROCESSING, ScanState.QUEUED, ScanState.PROCESSING):
            move(session, scan, state)  # a transient failure sends it back once
        move(session, scan, ScanState.NEEDS_REVIEW)
        move(session, scan, ScanState.DONE)  # a reviewer confirmed it
    with index.session() as session, pytest.raises(ScanTransitionNotAllowed) as caught:
        move(session, get_scan(session, scan_id), ScanState.QUEUED)  # a result is never undone
    assert "done → queued" in str(caught.value)
    with index.session() as session:
        assert get_scan(session, scan_id).state == ScanState.DONE.value
    index.dispose()


def test_quarantine_is_final_and_every_state_may_stay_as_it_is() -> None:
    assert ALLOWED[ScanState.QUARANTINED] == frozenset()
    assert all(can_move(state, state) for state in ScanState)
    assert not can_move(ScanState.QUEUED, ScanState.DONE)  # a result only comes from processing
    assert set(ALLOWED) == set(ScanState)
