"""The procedure catalogue in the index: every import is a new version, the newest one is used.

Versions are kept whole (never edited in place) so a dossier received last year can still be
read against the components its procedure required then, and an import can be checked later.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from schemas.catalogue import Catalogue, Level, Procedure, RequiredComponent, UnitName
from schemas.fields import DocType
from storage.index.tables import Base


class CatalogueVersion(Base):
    """One import of the catalogue: who, when, from which file, and its content digest."""

    __tablename__ = "catalogue_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    imported_by: Mapped[str] = mapped_column(String(80))
    source: Mapped[str] = mapped_column(String(255), default="")
    digest: Mapped[str] = mapped_column(String(64))
    procedure_count: Mapped[int] = mapped_column(Integer, default=0)
    unit_count: Mapped[int] = mapped_column(Integer, default=0)


class CatalogueProcedure(Base):
    """A procedure (thủ tục hành chính) as one catalogue version describes it."""

    __tablename__ = "catalogue_procedures"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalogue_versions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    field: Mapped[str] = mapped_column(String(120), default="")
    level: Mapped[str] = mapped_column(String(20), default="commune")
    national: Mapped[bool] = mapped_column(Boolean, default=True)
    issues_result: Mapped[bool] = mapped_column(Boolean, default=True)
    result_doc_type: Mapped[str] = mapped_column(String(40), default="")
    # schemas.catalogue.RequiredComponent as dicts, in the order the procedure lists them.
    components: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class CatalogueUnit(Base):
    """A unit (commune, ward…) by code, so reports and pages show its name."""

    __tablename__ = "catalogue_units"
    __table_args__ = (UniqueConstraint("version_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("catalogue_versions.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))


class StoredCatalogue(BaseModel):
    """The catalogue as one version holds it."""

    version: int
    imported_at: datetime | None
    imported_by: str
    source: str
    catalogue: Catalogue


class CatalogueImport(BaseModel):
    version: int
    created: bool
    """False when the file changed nothing: the current version is kept, no new one is made."""
    procedure_count: int
    unit_count: int


def digest_of(catalogue: Catalogue) -> str:
    canonical = json.dumps(catalogue.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def latest_version(session: Session) -> CatalogueVersion | None:
    """The newest version's row (one short indexed query: callers run it on every request)."""
    return session.scalars(
        select(CatalogueVersion).order_by(CatalogueVersion.id.desc()).limit(1)
    ).first()


def stored_catalogue(session: Session, version: CatalogueVersion) -> StoredCatalogue:
    return as_stored(version, version_catalogue(session, version))


def as_stored(version: CatalogueVersion, catalogue: Catalogue) -> StoredCatalogue:
    """``catalogue`` with the facts of the version it is."""
    return StoredCatalogue(
        version=version.id,
        imported_at=version.imported_at,
        imported_by=version.imported_by,
        source=version.source,
        catalogue=catalogue,
    )


def version_catalogue(session: Session, version: CatalogueVersion) -> Catalogue:
    """The procedures and units stored as ``version``."""
    procedures = session.scalars(
        select(CatalogueProcedure)
        .where(CatalogueProcedure.version_id == version.id)
        .order_by(CatalogueProcedure.id)
    )
    units = session.scalars(
        select(CatalogueUnit)
        .where(CatalogueUnit.version_id == version.id)
        .order_by(CatalogueUnit.id)
    )
    return Catalogue(
        procedures=[
            Procedure(
                code=row.code,
                name=row.name,
                field=row.field,
                level=Level(row.level),
                national=row.national,
                issues_result=row.issues_result,
                result_doc_type=DocType(row.result_doc_type) if row.result_doc_type else None,
                components=[RequiredComponent.model_validate(c) for c in row.components],
            )
            for row in procedures
        ],
        units=[UnitName(code=row.code, name=row.name) for row in units],
    )


def import_catalogue(
    session: Session, incoming: Catalogue, base: Catalogue, by: str, source: str
) -> CatalogueImport:
    """Store ``incoming`` as a new version over ``base`` (the catalogue in use).

    A file with procedures replaces the procedure list and one with units the unit list; the
    part it lacks is carried over, so a unit list and a procedure list can come in separately.
    """
    merged = Catalogue(
        procedures=incoming.procedures or base.procedures,
        units=incoming.units or base.units,
    )
    digest = digest_of(merged)
    latest = latest_version(session)
    counts = {"procedure_count": len(merged.procedures), "unit_count": len(merged.units)}
    if latest is not None and latest.digest == digest:
        return CatalogueImport(version=latest.id, created=False, **counts)
    version = CatalogueVersion(imported_by=by, source=source[:255], digest=digest, **counts)
    session.add(version)
    session.flush()
    for procedure in merged.procedures:
        session.add(
            CatalogueProcedure(
                version_id=version.id,
                code=procedure.code,
                name=procedure.name,
                field=procedure.field,
                level=procedure.level.value,
                national=procedure.national,
                issues_result=procedure.issues_result,
                result_doc_type=procedure.result_doc_type.value
                if procedure.result_doc_type
                else "",
                components=[c.model_dump(mode="json") for c in procedure.components],
            )
        )
    for unit in merged.units:
        session.add(CatalogueUnit(version_id=version.id, code=unit.code, name=unit.name))
    session.flush()
    return CatalogueImport(version=version.id, created=True, **counts)


def list_versions(session: Session) -> list[CatalogueVersion]:
    return list(session.scalars(select(CatalogueVersion).order_by(CatalogueVersion.id.desc())))
