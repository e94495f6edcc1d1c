"""The review queue: staff correct fields of low-confidence results, as a new attributed version.

A correction never edits a stored version: it saves the next version (the old one stays for the
record) with ``needs_review`` cleared and the corrector, time and base version written into the
version's ``engine`` — a human is what produced it. The page images are unchanged, so the new
version keeps pointing at the same derived artefacts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime

from sqlalchemy import func, select

from schemas.errors import NotFound
from schemas.records import ScanState
from schemas.webhooks import WebhookEvent
from sohoa.api.errors import Forbidden, InvalidRequest, StaleVersion
from sohoa.api.requests import ConfirmRequest, CorrectionRequest
from sohoa.api.review_history import ReviewHistory, review_history
from sohoa.api.views import ReviewItem, review_item
from storage.index.audit import OPENING_WINDOW, AuditAction, viewed_recently, write_audit
from storage.index.db import Index
from storage.index.results import next_version, save_version
from storage.index.scan_lifecycle import move as move_scan
from storage.index.tables import Result, Scan
from storage.index.users import Staff
from storage.index.webhooks import emit, result_data

log = logging.getLogger("sohoa.api.review")

MAX_QUEUE = 200


class ReviewDesk:
    """Lists and corrects ``needs_review`` results of the staff member's unit."""

    def __init__(
        self,
        index: Index,
        secret: str,
        today: Callable[[], date] = date.today,
        on_confirmed: Callable[[int], None] | None = None,
    ) -> None:
        self.index = index
        self.secret = secret
        self.today = today
        self.on_confirmed = on_confirmed  # a saved version is confirmed: sign it (issue #24)

    def queue(self, staff: Staff, limit: int = MAX_QUEUE) -> list[ReviewItem]:
        """Oldest first, so nothing waits forever; admins see every unit's queue."""
        return self.queue_page(staff, 0, limit)[1]

    def queue_page(self, staff: Staff, offset: int, limit: int) -> tuple[int, list[ReviewItem]]:
        """One page of the queue, oldest first, and how many results wait in all."""
        query = select(Result).where(Result.is_current.is_(True), Result.needs_review.is_(True))
        if not staff.sees_all_units:
            query = query.where(Result.unit_code == staff.unit_code)
        with self.index.session() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(
                query.order_by(Result.id).offset(offset).limit(min(limit, MAX_QUEUE))
            )
            today = self.today()
            return total, [review_item(row, today) for row in rows]

    def correct(self, staff: Staff, result_id: int, request: CorrectionRequest) -> ReviewItem:
        """Save the corrected fields as the scan's next version, attributed to ``staff``."""
        with self.index.session() as session:
            old = session.get(Result, result_id)
            if old is None:
                raise NotFound(f"kết quả {result_id}")
            if not staff.sees_all_units and old.unit_code != staff.unit_code:
                raise Forbidden(f"kết quả {result_id} thuộc đơn vị khác")
            if not old.is_current or old.version != request.version:
                raise StaleVersion(f"kết quả {result_id} v{old.version}")
            fields = {**(old.fields or {}), **request.fields}
            fields = {name: value for name, value in fields.items() if value}
            version = next_version(session, old.scan_id)
            new = save_version(
                session,
                Result(
                    scan_id=old.scan_id,
                    version=version,
                    doc_type=(request.doc_type or old.doc_type),
                    fields=fields,
                    needs_review=False,
                    review_reasons=[],
                    cross_checks=list(old.cross_checks or []),  # what was read stays on record
                    signatures=list(old.signatures or []),  # the paper's own signatures too
                    mean_confidence=old.mean_confidence,
                    engine={
                        **(old.engine or {}),
                        "corrected_by": staff.username,
                        "corrected_at": datetime.now().isoformat(timespec="seconds"),
                        "corrected_from_version": str(old.version),
                        "correction_note": request.note,
                        "review": "corrected" if request.fields else "confirmed",
                    },
                    derived_prefix=old.derived_prefix,
                    kind=old.kind,
                    unit_code=old.unit_code,
                    shared=old.shared,
                    dossier_code=old.dossier_code,
                    procedure_code=old.procedure_code,
                    field=old.field,
                    digitized_at=old.digitized_at,
                ),
            )
            scan = session.get(Scan, old.scan_id)
            if scan is not None:
                scan.current_version = new.version
                if scan.state == ScanState.NEEDS_REVIEW.value:
                    move_scan(session, scan, ScanState.DONE)
            changed = sorted(request.fields)  # the fields' names only, never their values
            reviewed = {**result_data(new), "previous_result_id": old.id, "corrected": changed}
            emit(session, WebhookEvent.RESULT_REVIEWED, new.unit_code, reviewed)
            write_audit(
                session,
                secret=self.secret,
                username=staff.username,
                action=AuditAction.REVIEW if request.fields else AuditAction.REVIEW_CONFIRM,
                query=f"result={old.id} v{old.version}->v{new.version}",
                citizen_id=new.owner_id_number,
                detail="fields=" + ",".join(sorted(request.fields)),
            )
            item = review_item(new, self.today())
        log.info(
            "kết quả %d được %s thành v%d bởi %s / %s",
            result_id,
            "sửa" if request.fields else "xác nhận",
            new.version,
            staff.username,
            "corrected" if request.fields else "confirmed",
        )
        if self.on_confirmed is not None:
            self.on_confirmed(item.card.id)
        return item

    def confirm(self, staff: Staff, result_id: int, request: ConfirmRequest) -> ReviewItem:
        """The machine read it right: the next version keeps every field, with review cleared
        and the confirmer recorded, so the result becomes reusable like a corrected one."""
        with self.index.session() as session:
            row = session.get(Result, result_id)
            settled = (
                row is not None
                and row.is_current
                and not row.needs_review
                and (staff.sees_all_units or row.unit_code == staff.unit_code)
            )
        if settled:  # nothing to confirm; another unit's result is refused by ``correct``
            raise InvalidRequest(f"kết quả {result_id} không chờ rà soát")
        unchanged = CorrectionRequest.model_construct(
            version=request.version, fields={}, doc_type=None, note=request.note
        )
        return self.correct(staff, result_id, unchanged)

    def history(self, staff: Staff, result_id: int) -> ReviewHistory:
        """What each version of the result's scan said, per field, and who made it, when.

        Values of a citizen's paper: audited as opening the document, unless the same user
        opened it (the viewer) within ``OPENING_WINDOW``.
        """
        with self.index.session() as session:
            row = session.get(Result, result_id)
            if row is None:
                raise NotFound(f"kết quả {result_id}")
            if not staff.sees_all_units and row.unit_code != staff.unit_code:
                raise Forbidden(f"kết quả {result_id} thuộc đơn vị khác")
            rows = list(session.scalars(select(Result).where(Result.scan_id == row.scan_id)))
            query = f"result={row.id}"
            opened = viewed_recently(
                session,
                username=staff.username,
                action=AuditAction.VIEW_DOCUMENT,
                query=query,
                within=OPENING_WINDOW,
            )
            if not opened:
                write_audit(
                    session,
                    secret=self.secret,
                    username=staff.username,
                    action=AuditAction.VIEW_DOCUMENT,
                    query=query,
                    citizen_id=row.owner_id_number,
                    detail="lịch sử sửa / history",
                )
            return review_history(row.id, rows)
