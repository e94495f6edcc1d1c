"""The audit trail of staff access to citizens' data, kept without any full ID number.

The citizen is recorded as an HMAC-SHA256 of their ID number keyed with the deployment's
secret: a supervisor can find every access to one citizen (hash the number again) but a leaked
audit table does not reveal whom it is about. Free text (the query) is masked before storage.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, insert, or_, select
from sqlalchemy.orm import Session

from schemas.vietnamese import mask_id_number
from storage.index.service_accounts import unit_usernames
from storage.index.tables import AuditRecord
from storage.index.users import StaffUser

# Anything that could be a personal ID (9-digit CMND up to 12-digit số định danh).
# 9 to 12 digits, run together or grouped by single spaces, dots or dashes ("031 185 945 989",
# "031-185-945-989"): the way people type an ID number into a search box. Dates (8 digits at
# most) and years are left alone.
_ID_LIKE = re.compile(r"(?<![\d.\-])\d(?:[ .\-]?\d){8,11}(?![\d])")


class AuditAction:
    SEARCH = "search"
    ATTACH = "attach"
    DETACH = "detach"
    VIEW_ORIGINAL = "view_original"
    VIEW_SEARCHABLE_PDF = "view_searchable_pdf"
    EXPORT = "export"  # the whole record handed out (API export)
    VIEW_REFUSED = "view_refused"  # another unit's result: not shown, but recorded
    VIEW_DOCUMENT = "view_document"  # the viewer opened: every page, fields and OCR text
    REVIEW = "review_correction"
    REVIEW_CONFIRM = "review_confirm"  # read right: confirmed as it is, no field changed
    RETRY_SCAN = "retry_scan"
    UPLOAD = "upload"  # a scan sent from the staff page (no scanner folder at that counter)
    UPLOAD_REFUSED = "upload_refused"  # for another unit's dossier: not stored, but recorded
    RECEPTION = "reception"  # a dossier received; the applicant's reusable results offered
    PROPOSAL_DECLINED = "proposal_declined"  # staff did not take an offered earlier result
    CATALOGUE_IMPORT = "catalogue_import"
    DOSSIER_LIST_IMPORT = "dossier_list_import"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    SERVICE_CALL = "service_call"  # one API call made with a service account's key
    SERVICE_ACCOUNT_CREATE = "service_account_create"
    SERVICE_ACCOUNT_REVOKE = "service_account_revoke"


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    username: str
    action: str
    query: str
    citizen_hash: str
    dossier_code: str
    detail: str


def citizen_hash(secret: str, id_number: str | None) -> str:
    """Keyed hash of an ID number ("" when there is none)."""
    if not id_number:
        return ""
    return hmac.new(secret.encode(), id_number.encode(), hashlib.sha256).hexdigest()


def mask_ids_in(text: str) -> str:
    """``text`` with every ID-like digit run replaced by its masked form."""
    return _ID_LIKE.sub(lambda match: mask_id_number(re.sub(r"\D", "", match.group())), text)


# Core: half the CPU of an ORM add + flush (docs/benchmarks.md, "request cost").
_INSERT_AUDIT = insert(AuditRecord.metadata.tables[AuditRecord.__tablename__])


def write_audit(
    session: Session,
    *,
    secret: str,
    username: str,
    action: str,
    query: str = "",
    citizen_id: str | None = None,
    dossier_code: str = "",
    detail: str = "",
) -> None:
    """Append one record in the caller's transaction (so it commits with what it audits).

    What the session holds pending is flushed first, as adding the record as an ORM object
    did; the record itself is one Core INSERT (every search writes one: no ORM bookkeeping).
    """
    session.flush()
    session.connection().execute(
        _INSERT_AUDIT,
        {
            "username": username,
            "action": action,
            "query": mask_ids_in(query)[:2000],
            "citizen_hash": citizen_hash(secret, citizen_id),
            "dossier_code": dossier_code,
            "detail": mask_ids_in(detail)[:2000],
            "at": datetime.now(),
        },
    )


def _audit_query(
    unit_code: str | None, username: str | None, action: str | None, citizen: str | None
) -> Select[AuditRecord]:
    query = select(AuditRecord)
    if unit_code is not None:
        unit_staff = select(StaffUser.username).where(StaffUser.unit_code == unit_code)
        query = query.where(
            or_(
                AuditRecord.username.in_(unit_staff),
                AuditRecord.username.in_(unit_usernames(unit_code)),
            )
        )
    if username:
        query = query.where(AuditRecord.username == username)
    if action:
        query = query.where(AuditRecord.action == action)
    if citizen:
        query = query.where(AuditRecord.citizen_hash == citizen)
    return query


def count_audit(
    session: Session,
    *,
    unit_code: str | None = None,
    username: str | None = None,
    action: str | None = None,
    citizen: str | None = None,
) -> int:
    """How many records ``read_audit`` pages through with the same filters (its total)."""
    query = _audit_query(unit_code, username, action, citizen)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


OPENING_WINDOW = timedelta(minutes=30)
"""How long after a document was opened (audited) its page images and history still belong to
that opening rather than making one of their own."""


def viewed_recently(
    session: Session, *, username: str, action: str, query: str, within: timedelta
) -> bool:
    """Whether ``username`` has a record of ``action`` on ``query`` in the last ``within``: the
    page images and history of a document opened a moment ago belong to that one opening."""
    since = datetime.now() - within
    found = select(AuditRecord.id).where(
        AuditRecord.username == username,
        AuditRecord.action == action,
        AuditRecord.query == mask_ids_in(query)[:2000],
        AuditRecord.at >= since,
    )
    return session.scalars(found.limit(1)).first() is not None


def read_audit(
    session: Session,
    *,
    unit_code: str | None = None,
    username: str | None = None,
    action: str | None = None,
    citizen: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEntry]:
    """Newest first; ``unit_code`` limits to that unit's staff, ``citizen`` is a keyed hash."""
    query = _audit_query(unit_code, username, action, citizen).order_by(AuditRecord.id.desc())
    rows = session.scalars(query.limit(limit).offset(offset))
    return [
        AuditEntry(
            id=row.id,
            at=row.at,
            username=row.username,
            action=row.action,
            query=row.query,
            citizen_hash=row.citizen_hash,
            dossier_code=row.dossier_code,
            detail=row.detail,
        )
        for row in rows
    ]
