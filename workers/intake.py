"""Taking a file in: hash it, store the original once, record it as queued.

Nothing is processed here; the caller enqueues the returned scan ID. The original is in object
storage before any row points at it, so a crash in between loses nothing.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel
from sqlalchemy import select

from pipeline.triage import sha256_file, sniff
from schemas.dossiers import DossierContext
from schemas.records import ScanState
from storage import keys
from storage.index.dossiers import ensure_component, ensure_dossier
from storage.index.scan_lifecycle import move as move_scan
from storage.index.scan_lifecycle import satisfy_components
from storage.index.scans import register_scan
from storage.index.tables import Result, Scan
from workers.services import Services


class IntakeReceipt(BaseModel):
    scan_id: int
    sha256: str
    created: bool
    state: ScanState

    @property
    def needs_processing(self) -> bool:
        return self.state is ScanState.QUEUED


def store_original(path: Path, services: Services) -> tuple[str, str]:
    """Put the file into object storage under its content hash (once); (sha256, key).

    Also used for a file whose dossier context is rejected: it goes to quarantine, but its
    bytes are kept so a corrected re-drop finds them already stored.
    """
    sha256 = sha256_file(path)
    with path.open("rb") as handle:
        media_type = sniff(handle.read(2048))
    key = keys.original_key(sha256)
    services.store.put_immutable(
        key,
        path,
        content_type=media_type.value if media_type else "application/octet-stream",
        metadata={"filename": path.name},
    )
    return sha256, key


def scan_id_for(sha256: str, services: Services) -> int | None:
    """The scan registered for this content, if any (the watcher finds its files again)."""
    with services.index.session() as session:
        return session.scalars(select(Scan.id).where(Scan.sha256 == sha256)).first()


def ingest_file(path: Path, context: DossierContext | None, services: Services) -> IntakeReceipt:
    """Store the original (idempotent) and register the scan and its dossier component."""
    sha256, key = store_original(path, services)
    with services.index.session() as session:
        scan, created = register_scan(
            session,
            sha256=sha256,
            filename=path.name,
            size_bytes=path.stat().st_size,
            original_key=key,
            unit_code=context.resolved_unit() if context else "",
        )
        if scan.state == ScanState.FAILED.value:  # a system failure: dropping it again retries
            move_scan(session, scan, ScanState.QUEUED)
        if scan.state == ScanState.SPLIT.value and context is not None:
            move_scan(session, scan, ScanState.QUEUED)  # a batch again, for another dossier
        if context is not None:
            dossier = ensure_dossier(session, context)
            component = ensure_component(session, dossier, context)
            component.scan_id = scan.id
            if scan.state in (ScanState.DONE.value, ScanState.NEEDS_REVIEW.value):
                current = session.scalars(  # a late duplicate: the paper is read already
                    select(Result.id).where(Result.scan_id == scan.id, Result.is_current)
                ).first()
                if (result_id := component.result_id or current) is not None:
                    satisfy_components(session, [component], result_id)
        return IntakeReceipt(
            scan_id=scan.id, sha256=sha256, created=created, state=ScanState(scan.state)
        )
