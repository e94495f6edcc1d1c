"""Index tables. Results are versioned per scan; only the current version is searched."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Scan(Base):
    """One original file, identified by its content hash."""

    __tablename__ = "scans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int] = mapped_column(Integer)
    original_key: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(20), index=True)
    error_code: Mapped[str] = mapped_column(String(40), default="")
    error_message: Mapped[str] = mapped_column(Text, default="")
    page_count: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    unit_code: Mapped[str] = mapped_column(String(40), default="", index=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class Dossier(Base):
    """Hồ sơ: received at a unit for a procedure (mã TTHC) in a field (lĩnh vực)."""

    __tablename__ = "dossiers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    unit_code: Mapped[str] = mapped_column(String(40), index=True)
    procedure_code: Mapped[str] = mapped_column(String(40), default="", index=True)
    field: Mapped[str] = mapped_column(String(120), default="", index=True)
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # For the indicators (schemas.reporting): 1 in person, 2 online, 3 postal; None unknown.
    channel: Mapped[int | None] = mapped_column(Integer, nullable=True, default=None)
    # Whether the procedure ends in a written result (most one-stop procedures do).
    issues_result: Mapped[bool] = mapped_column(Boolean, default=True)


class DossierComponent(Base):
    """Thành phần hồ sơ (or the dossier's result), and how it was satisfied."""

    __tablename__ = "dossier_components"
    __table_args__ = (UniqueConstraint("dossier_id", "name", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossiers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="component")
    status: Mapped[str] = mapped_column(String(30), default="not_digitized")
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("scans.id"), nullable=True)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id"), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime, server_default=func.now(), onupdate=func.now()
    )


class Result(Base):
    """A digitized result version (kết quả số hóa) produced from one scan."""

    __tablename__ = "results"
    __table_args__ = (
        UniqueConstraint("scan_id", "version"),
        Index("ix_results_current_owner", "is_current", "owner_id_number"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    doc_type: Mapped[str] = mapped_column(String(40), index=True)
    owner_id_number: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    owner_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    owner_date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    document_number: Mapped[str | None] = mapped_column(String(60), nullable=True, index=True)
    issue_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    review_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    # A field read two ways (the card's QR and its print): schemas.fields.CrossCheck as dicts.
    cross_checks: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    mean_confidence: Mapped[float] = mapped_column(Float, default=0.0)
    engine: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    derived_prefix: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(20), default="component")
    unit_code: Mapped[str] = mapped_column(String(40), default="", index=True)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)  # visible province-wide
    dossier_code: Mapped[str | None] = mapped_column(String(60), nullable=True)
    procedure_code: Mapped[str] = mapped_column(String(40), default="")
    field: Mapped[str] = mapped_column(String(120), default="")
    digitized_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    # Issue #24: the incoming PDF's own signatures (schemas.signatures.IncomingSignature as
    # dicts), and the unit's signature on this version's copy (SigningRecord; state apart,
    # indexed, so the maintenance pass finds what is left to sign; NULL = not tried yet).
    signatures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    signing_state: Mapped[str | None] = mapped_column(String(12), nullable=True, index=True)
    signing: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ResultPerson(Base):
    """Every person a result is about (owner, husband, wife…), for search by any of them."""

    __tablename__ = "result_people"
    __table_args__ = (
        Index("ix_people_id_number", "id_number"),
        Index("ix_people_name_dob", "name_key", "date_of_birth"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(12), nullable=True)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    name_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    date_of_birth: Mapped[date | None] = mapped_column(Date, nullable=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)


class ReuseEvent(Base):
    """Each attach or detach of an earlier result to a dossier component; never deleted."""

    __tablename__ = "reuse_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("results.id"), index=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("dossier_components.id"), index=True)
    dossier_code: Mapped[str] = mapped_column(String(60), index=True)
    action: Mapped[str] = mapped_column(String(10))
    staff_username: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), index=True)


class AuditRecord(Base):
    """Who looked at or used which citizen's data, when (citizen ID stored hashed)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now(), index=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    action: Mapped[str] = mapped_column(String(40))
    query: Mapped[str] = mapped_column(Text, default="")
    citizen_hash: Mapped[str] = mapped_column(String(64), default="", index=True)
    dossier_code: Mapped[str] = mapped_column(String(60), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
