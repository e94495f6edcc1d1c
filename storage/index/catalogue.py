"""The procedure catalogue in the index: every import is a new version, the newest one is used.

Versions are kept whole (never edited in place) so a dossier received last year can still be
read against the components its procedure required then, and an import can be checked later.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
)
from sqlalchemy.orm import Mapped, mapped_column

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
