"""The catalogue in use: the newest imported version, or the one sohoa ships until then.

Both the API and the command line read and import through here, so a page, a report and the
reception desk always agree on which version they use.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue
from schemas.reporting import GroupBy
from sohoa.catalogue_files import default_catalogue, read_catalogue_bytes
from storage.index.catalogue import (
    CatalogueImport,
    StoredCatalogue,
    import_catalogue,
    latest_version,
    stored_catalogue,
)

SHIPPED_VERSION = 0
"""The version number of the catalogue sohoa ships with (no import yet)."""


def catalogue_in_use(session: Session) -> StoredCatalogue:
    latest = latest_version(session)
    if latest is None:
        return StoredCatalogue(
            version=SHIPPED_VERSION,
            imported_at=None,
            imported_by="sohoa",
            source="sohoa/data/catalogue.json",
            catalogue=default_catalogue(),
        )
    return stored_catalogue(session, latest)


def import_catalogue_file(
    session: Session, filename: str, content: bytes, by: str
) -> CatalogueImport:
    """Read the file (CatalogueFileError names the bad row) and store it as a new version."""
    incoming = read_catalogue_bytes(filename, content)
    base = catalogue_in_use(session).catalogue
    return import_catalogue(session, incoming, base, by=by, source=Path(filename).name)


def group_names(catalogue: Catalogue, by: GroupBy) -> dict[str, str]:
    """What a report shows beside each group's code (fields are names already)."""
    if by is GroupBy.UNIT:
        return unit_names(catalogue)
    if by is GroupBy.PROCEDURE:
        return procedure_names(catalogue)
    return {}


def unit_names(catalogue: Catalogue) -> dict[str, str]:
    return {unit.code: unit.name for unit in catalogue.units}


def procedure_names(catalogue: Catalogue) -> dict[str, str]:
    return {procedure.code: procedure.name for procedure in catalogue.procedures}
