"""Taking a file in: hash it, store the original once, record it as queued.

Nothing is processed here; the caller enqueues the returned scan ID. The original is in object
storage before any row points at it, so a crash in between loses nothing.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from pipeline.triage import sha256_file, sniff
from schemas.dossiers import ComponentStatus, DossierContext
from schemas.records import ScanState
from storage import keys
from storage.index.dossiers import ensure_component, ensure_dossier
from storage.index.events import record_digitized
from storage.index.scans import register_scan
from workers.services import Services


class IntakeReceipt(BaseModel):
    scan_id: int
    sha256: str
    created: bool
    state: ScanState

    @property
    def needs_processing(self) -> bool:
        return self.state is ScanState.QUEUED


def ingest_file(path: Path, context: DossierContext | None, services: Services) -> IntakeReceipt:
    """Store the original (idempotent) and register the scan and its dossier component."""
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
    with services.index.session() as session:
        scan, created = register_scan(
            session,
            sha256=sha256,
            filename=path.name,
            size_bytes=path.stat().st_size,
            original_key=key,
            unit_code=context.resolved_unit() if context else "",
        )
        if context is not None:
            dossier = ensure_dossier(session, context)
            component = ensure_component(session, dossier, context)
            component.scan_id = scan.id
            already = scan.state in (ScanState.DONE.value, ScanState.NEEDS_REVIEW.value)
            if already and component.status != ComponentStatus.DIGITIZED.value:
                record_digitized(session, component)
                component.status = ComponentStatus.DIGITIZED.value
        return IntakeReceipt(
            scan_id=scan.id, sha256=sha256, created=created, state=ScanState(scan.state)
        )
