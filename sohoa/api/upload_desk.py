"""Scans sent from the staff page, for counters without a scanner folder: the dropped file's
intake, not a second one.

The body is streamed into a temporary file under the work folder, refused as soon as it grows
past the limits' ``max_bytes``. Then ``workers.intake.ingest_file``, the watcher's own function,
stores the original once by its hash (a duplicate is recognised there) and registers the scan
and its dossier component, and the scan's job goes to the queue the deployment uses. Everything
a dropped file is checked for (type sniffing, size, pages, encryption, corruption) is checked
by that job's triage; a bad file ends ``quarantined`` with the Vietnamese reason staff read in
"Tệp đã nhận". The dossier context is validated as a sidecar's is (``DossierContext``), and only
dossiers of the staff member's own unit take uploads.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request
from pydantic import BaseModel, ValidationError

from schemas.dossiers import DigitizationKind, DossierContext
from schemas.records import ScanState
from schemas.settings import Settings
from sohoa.api.errors import Forbidden, InvalidRequest, UploadTooLarge
from sohoa.api.labels import SCAN_STATE_LABELS_VI, field_label
from storage.index.audit import AuditAction, mask_ids_in, write_audit
from storage.index.db import Index
from storage.index.users import Staff
from storage.objects.base import ObjectStore
from workers.stability import is_candidate_name

if TYPE_CHECKING:  # the queue module loads the OCR stack: not at the API's import time
    from sohoa.api.deps import ApiContext
    from workers.queues import JobQueue

log = logging.getLogger("sohoa.api.uploads")

MAX_NAME_BYTES = 200  # file systems allow 255; room for the temporary folder's own name
# States in which a scan still needs its job: a re-upload of one whose job was lost runs it.
_UNFINISHED = (ScanState.QUEUED, ScanState.PROCESSING)


class UploadReceipt(BaseModel):
    """What became of one uploaded file, as the page shows it."""

    scan_id: int
    filename: str
    dossier_code: str
    component: str
    duplicate: bool
    """The same bytes were received before (any name, any counter): stored and read once."""
    state: ScanState
    state_label: str
    message: str


class UploadLimits(BaseModel):
    """What the page checks before sending, so a too-large file is not sent for nothing."""

    max_bytes: int
    accepted: list[str]


def open_scan_queue(settings: Settings, index: Index, store: ObjectStore) -> JobQueue:
    """rq's intake queue with Redis; without it a thread of this process (embedded mode)."""
    from workers.background import BackgroundQueue
    from workers.queues import RqQueue
    from workers.services import Services

    if settings.queue.redis_url:
        return RqQueue(settings.queue)
    services = Services(settings=settings, store=store, index=index)
    return BackgroundQueue(services, retry_seconds=settings.watch.retry_seconds)


def clean_filename(raw: str) -> str:
    """The file's own name, as the watcher would see it: no folders, no control characters.

    A browser sends only the name, but another client may send a path (``C:\\scan\\a.pdf``).
    Names the watcher would not take as a scan (hidden, temporary, sidecars) are refused.
    """
    name = unicodedata.normalize("NFC", raw.replace("\\", "/").rsplit("/", 1)[-1])
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if name in ("", ".", "..") or not is_candidate_name(name):
        raise InvalidRequest(
            f"{field_label('filename')}: {raw[:80]!r} không phải tên tệp bản quét "
            "(tệp ẩn, tệp tạm hoặc tệp .json đi kèm)"
        )
    while len(name.encode()) > MAX_NAME_BYTES:  # keep the extension, shorten the stem
        stem, dot, suffix = name.rpartition(".")
        name = f"{stem[:-1]}{dot}{suffix}" if dot and stem else name[:-1]
    return name


def dossier_context(
    dossier_code: str, component: str, kind: DigitizationKind, procedure_code: str, name: str
) -> DossierContext:
    """Validated as a sidecar is; the component defaults to the file's stem, as the
    ``<unit>/<dossier>/<component>.pdf`` folders name it."""
    try:
        return DossierContext(
            dossier_code=dossier_code,
            component=component.strip() or Path(name).stem,
            kind=kind,
            procedure_code=procedure_code,
        )
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            where = [str(part) for part in item["loc"]]
            message = str(item["msg"]).removeprefix("Value error, ")
            problems.append(f"{field_label(where[-1])}: {message}" if where else message)
        raise InvalidRequest("; ".join(problems)[:300]) from exc


async def save_body(request: Request, target: Path, max_bytes: int) -> int:
    """Stream the request body into ``target``; UploadTooLarge once it passes ``max_bytes``."""
    limit = f"{max_bytes / 1024 / 1024:.0f} MB"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise UploadTooLarge(f"{int(declared)} byte > {limit}")
    size = 0
    with target.open("wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(f"> {limit}")
            out.write(chunk)
    return size


async def read_body(request: Request, max_bytes: int) -> bytes | None:
    """The whole body of a small upload (a catalogue, a dossier list), or None as soon as it
    passes ``max_bytes`` — read in chunks, so an oversized body is never held in memory."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class UploadDesk:
    """One upload: checked before its body is read, then taken in like a dropped file."""

    def __init__(self, context: ApiContext) -> None:
        self.context = context
        self.settings = context.settings

    def limits(self) -> UploadLimits:
        return UploadLimits(
            max_bytes=self.settings.limits.max_bytes, accepted=["PDF", "TIFF", "JPEG", "PNG"]
        )

    def check_unit(self, staff: Staff, dossier: DossierContext, name: str) -> None:
        """Another unit's dossier takes no upload from this staff member; the refusal is audited."""
        with self.context.index.session() as session:
            try:
                self.context.reuse.check_dossier_unit(session, staff, dossier.dossier_code)
            except Forbidden as refused:
                refusal = refused
            else:
                return
        with self.context.index.session() as session:
            write_audit(
                session,
                secret=self.settings.api.secret_key,
                username=staff.username,
                action=AuditAction.UPLOAD_REFUSED,
                query=f"file={name}",
                dossier_code=dossier.dossier_code,
                detail=refusal.code,
            )
        raise refusal

    @contextmanager
    def temporary(self, name: str) -> Iterator[Path]:
        """A fresh folder under the work folder, removed afterwards: the file keeps its name."""
        root = Path(self.settings.watch.work_dir) / "uploads"
        root.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(prefix="upload-", dir=root))
        try:
            yield folder / name
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def take(self, staff: Staff, path: Path, dossier: DossierContext) -> UploadReceipt:
        """The watcher's intake, then the job queued; audited. Runs in a worker thread."""
        from workers.intake import ingest_file
        from workers.services import Services

        context = self.context
        services = Services(settings=self.settings, store=context.store, index=context.index)
        receipt = ingest_file(path, dossier, services)
        if receipt.state in _UNFINISHED:
            context.scan_queue().enqueue_scan(receipt.scan_id)
        shown = mask_ids_in(path.name)
        duplicate = not receipt.created
        with context.index.session() as session:
            write_audit(
                session,
                secret=self.settings.api.secret_key,
                username=staff.username,
                action=AuditAction.UPLOAD,
                query=f"file={path.name} scan={receipt.scan_id}",
                dossier_code=dossier.dossier_code,
                detail="trùng tệp đã nhận / duplicate" if duplicate else "mới / new",
            )
        log.info(
            "tải lên %r → bản quét #%d, hồ sơ %s, bởi %s%s / uploaded",
            shown,
            receipt.scan_id,
            dossier.dossier_code,
            staff.username,
            " (trùng / duplicate)" if duplicate else "",
        )
        label = SCAN_STATE_LABELS_VI.get(receipt.state.value, receipt.state.value)
        if duplicate:
            message = (
                f"Tệp {shown} đã được nhận trước đó (bản quét #{receipt.scan_id}, {label}); "
                f"đã ghi nhận cho hồ sơ {dossier.dossier_code}, thành phần “{dossier.component}”."
            )
        else:
            message = f"Đã nhận tệp {shown}: bản quét #{receipt.scan_id}, đang chờ xử lý."
        return UploadReceipt(
            scan_id=receipt.scan_id,
            filename=shown,
            dossier_code=dossier.dossier_code,
            component=dossier.component,
            duplicate=duplicate,
            state=receipt.state,
            state_label=label,
            message=message,
        )
