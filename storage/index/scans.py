"""Scans in the index: registered once by content hash; their states move in ``scan_lifecycle``."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from schemas.errors import NotFound
from schemas.records import ScanState
from storage.index.tables import Scan


def register_scan(
    session: Session,
    *,
    sha256: str,
    filename: str,
    size_bytes: int,
    original_key: str,
    unit_code: str = "",
) -> tuple[Scan, bool]:
    """The scan row for this content, created in state ``queued`` if new; (scan, created).

    Two intake processes racing on the same file both end with the same row: the unique hash
    makes the loser's insert fail and it reads the winner's row instead.
    """
    existing = session.scalars(select(Scan).where(Scan.sha256 == sha256)).first()
    if existing is not None:
        return existing, False
    scan = Scan(
        sha256=sha256,
        filename=filename,
        size_bytes=size_bytes,
        original_key=original_key,
        state=ScanState.QUEUED.value,
        unit_code=unit_code,
    )
    try:
        with session.begin_nested():
            session.add(scan)
            session.flush()
    except IntegrityError:
        winner = session.scalars(select(Scan).where(Scan.sha256 == sha256)).one()
        return winner, False
    return scan, True


def get_scan(session: Session, scan_id: int) -> Scan:
    scan = session.get(Scan, scan_id)
    if scan is None:
        raise NotFound(f"scan {scan_id}")
    return scan


def count_by_state(session: Session) -> dict[str, int]:
    from sqlalchemy import func

    rows = session.execute(select(Scan.state, func.count()).group_by(Scan.state)).all()
    return {state: count for state, count in rows}
