"""The catalogue in use: the newest imported version, or the one sohoa ships until then.

Both the API and the command line read and import through here, so a page, a report and the
reception desk always agree on which version they use.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import cache
from pathlib import Path

from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue
from schemas.reporting import GroupBy
from sohoa.catalogue_files import default_catalogue, read_catalogue_bytes
from storage.index.catalogue import (
    CatalogueImport,
    CatalogueVersion,
    StoredCatalogue,
    as_stored,
    import_catalogue,
    latest_version,
    version_catalogue,
)

SHIPPED_VERSION = 0
"""The version number of the catalogue sohoa ships with (no import yet)."""


CACHED_VERSIONS = 4
"""How many parsed catalogue versions a process keeps (one is in use; a few cover tests and
several databases in one process)."""

_parsed: OrderedDict[tuple[str, int, str], Catalogue] = OrderedDict()
_parsed_lock = threading.Lock()


def catalogue_in_use(session: Session) -> StoredCatalogue:
    """The newest version, read from the index only when this process has not parsed it yet.

    Every call asks the index which version is newest (one short query), so an import made by
    this process or by any other one on the same database is used from the next call on; the
    parsed content is kept per process by database, version number and content digest. The
    catalogue returned is shared between requests: read it, never change it in place.
    """
    latest = latest_version(session)
    if latest is None:
        return StoredCatalogue(
            version=SHIPPED_VERSION,
            imported_at=None,
            imported_by="sohoa",
            source="sohoa/data/catalogue.json",
            catalogue=_shipped_catalogue(),
        )
    return as_stored(latest, _parsed_catalogue(session, latest))


@cache
def _shipped_catalogue() -> Catalogue:
    return default_catalogue()


def _parsed_catalogue(session: Session, version: CatalogueVersion) -> Catalogue:
    # The digest as well as the number: a version number can come back with other content
    # (an import rolled back, then another one; a database recreated under the same URL).
    key = (session.get_bind().engine.url.render_as_string(), version.id, version.digest)
    with _parsed_lock:
        found = _parsed.get(key)
        if found is not None:
            _parsed.move_to_end(key)
            return found
    parsed = version_catalogue(session, version)
    with _parsed_lock:
        _parsed[key] = parsed
        while len(_parsed) > CACHED_VERSIONS:
            _parsed.popitem(last=False)
    return parsed


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
