"""What became of the files a unit dropped or uploaded: waiting, being read, done, quarantined
with the reason staff read, or failed on a system error, which staff may run again.

A scan belongs to the unit that dropped it. File names are shown with ID-like digit runs
masked: a scanner may name a file after the card it holds (``CCCD_031185945989.jpg``).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, select

from schemas.errors import NotFound
from schemas.records import ScanState
from schemas.settings import Settings
from sohoa.api.errors import Forbidden, NotRetryable
from sohoa.api.labels import SCAN_STATE_LABELS_VI
from storage.index.audit import AuditAction, mask_ids_in, write_audit
from storage.index.db import Index
from storage.index.scan_lifecycle import move
from storage.index.tables import Dossier, DossierComponent, Result, Scan
from storage.index.users import Staff

MAX_PAGE = 200


class ScanView(BaseModel):
    id: int
    filename: str
    state: ScanState
    state_label: str
    reason: str
    error_code: str
    pages: int
    received_at: datetime | None
    updated_at: datetime | None
    unit_code: str
    components: list[str]
    dossier_codes: list[str]
    """The dossiers the scan was taken in for (a duplicate can serve several)."""
    result_id: int | None
    can_retry: bool


class ScanPage(BaseModel):
    total: int
    offset: int
    scans: list[ScanView]


def _view(
    scan: Scan, components: list[str], result_id: int | None, dossiers: list[str] | None = None
) -> ScanView:
    state = ScanState(scan.state)
    return ScanView(
        id=scan.id,
        filename=mask_ids_in(scan.filename),
        state=state,
        state_label=SCAN_STATE_LABELS_VI.get(state.value, state.value),
        reason=mask_ids_in(scan.error_message),
        error_code=scan.error_code,
        pages=scan.page_count,
        received_at=scan.received_at,
        updated_at=scan.updated_at,
        unit_code=scan.unit_code,
        components=components,
        dossier_codes=dossiers or [],
        result_id=result_id,
        can_retry=state is ScanState.FAILED,
    )


class IntakeDesk:
    """Lists a unit's scans newest first, and runs a failed one again."""

    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings

    def scans(self, staff: Staff, state: ScanState | None, limit: int, offset: int) -> ScanPage:
        query = select(Scan)
        if not staff.sees_all_units:
            query = query.where(Scan.unit_code == staff.unit_code)
        if state is not None:
            query = query.where(Scan.state == state.value)
        with self.index.session() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(Scan.id.desc()).offset(offset).limit(min(limit, MAX_PAGE))
            ).all()
            ids = [row.id for row in rows]
            names: dict[int, list[str]] = {}
            dossiers: dict[int, list[str]] = {}
            for scan_id, name, code in session.execute(
                select(DossierComponent.scan_id, DossierComponent.name, Dossier.code)
                .join(Dossier, Dossier.id == DossierComponent.dossier_id)
                .where(DossierComponent.scan_id.in_(ids))
                .order_by(DossierComponent.id)
            ):
                names.setdefault(scan_id or 0, []).append(name)
                if code not in dossiers.setdefault(scan_id or 0, []):
                    dossiers[scan_id or 0].append(code)
            results = dict(
                session.execute(
                    select(Result.scan_id, Result.id).where(
                        Result.scan_id.in_(ids), Result.is_current.is_(True)
                    )
                ).all()
            )
            views = [
                _view(row, names.get(row.id, []), results.get(row.id), dossiers.get(row.id))
                for row in rows
            ]
        return ScanPage(total=total, offset=offset, scans=views)

    def retry(self, staff: Staff, scan_id: int) -> ScanView:
        """A scan that failed on a system error goes back to the queue (audited)."""
        with self.index.session() as session:
            scan = session.get(Scan, scan_id)
            if scan is None:
                raise NotFound(f"bản quét {scan_id}")
            if not staff.sees_all_units and scan.unit_code != staff.unit_code:
                raise Forbidden(f"bản quét {scan_id} thuộc đơn vị khác")
            if scan.state != ScanState.FAILED.value:
                raise NotRetryable(f"bản quét {scan_id}: {scan.state}")
            move(session, scan, ScanState.QUEUED)
            scan.attempts = 0
            write_audit(
                session,
                secret=self.settings.api.secret_key,
                username=staff.username,
                action=AuditAction.RETRY_SCAN,
                query=f"scan={scan_id}",
            )
            view = _view(scan, [], None)
        if self.settings.queue.redis_url:  # else the watcher's maintenance takes queued scans
            # Here, not at the top: the API process need not load the OCR stack the job module
            # imports unless someone actually runs a scan again.
            from workers.queues import RqQueue

            RqQueue(self.settings.queue).enqueue_scan(scan_id)
        return view
