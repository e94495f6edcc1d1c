"""Importing the one-stop system's list of received dossiers (CSV / xlsx), for units that
cannot call ``POST /api/dossiers``: each listed dossier counts in the indicators' denominators
with its channel, exactly as if it had been received through the API.

Idempotent on the dossier code (a list imported twice, or a dossier also received through the
API, counts once). Unlike the catalogue, a list is applied row by row: a bad row is reported
with its line and reason and the others still count, since one typo in a month's export must
not keep the month's dossiers out of the report.
"""

from __future__ import annotations

from pydantic import BaseModel, Field, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from schemas.catalogue import Catalogue
from schemas.dossiers import DossierContext
from schemas.reporting import Channel
from sohoa.catalogue_files import CatalogueFileError, table_rows
from storage.index.dossiers import ensure_dossier
from storage.index.tables import Dossier

COLUMNS = {
    "ma_ho_so": "dossier_code",
    "dossier_code": "dossier_code",
    "ma_tthc": "procedure_code",
    "procedure_code": "procedure_code",
    "linh_vuc": "field",
    "field": "field",
    "kenh": "channel",
    "kenh_tiep_nhan": "channel",
    "channel": "channel",
}
CHANNELS = {
    "1": Channel.IN_PERSON,
    "trực tiếp": Channel.IN_PERSON,
    "truc tiep": Channel.IN_PERSON,
    "in person": Channel.IN_PERSON,
    "2": Channel.ONLINE,
    "trực tuyến": Channel.ONLINE,
    "truc tuyen": Channel.ONLINE,
    "online": Channel.ONLINE,
    "3": Channel.POSTAL,
    "bưu chính": Channel.POSTAL,
    "buu chinh": Channel.POSTAL,
    "postal": Channel.POSTAL,
}


class DossierListImport(BaseModel):
    created: int = 0
    already_known: int = 0
    skipped: list[str] = Field(default_factory=list)
    """One line per row left out: "dòng 7: <lý do>"."""


def import_dossier_list(
    session: Session,
    filename: str,
    content: bytes,
    catalogue: Catalogue,
    unit_code: str | None,
) -> DossierListImport:
    """Record every listed dossier; ``unit_code`` limits the rows to one unit (None: all).

    Raises CatalogueFileError when the file is not a table with a ``ma_ho_so`` column at all.
    """
    outcome = DossierListImport()
    header: dict[int, str] | None = None
    line = 0
    for row in table_rows(filename, content):
        line += 1
        if row[:1] == ["#sheet"]:
            header, line = None, 0
            continue
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            found = {i: COLUMNS.get(cell.strip().lower()) for i, cell in enumerate(row)}
            header = {i: name for i, name in found.items() if name}
            if "dossier_code" not in header.values():
                raise CatalogueFileError(f"dòng {line}: thiếu cột ma_ho_so (mã hồ sơ)")
            continue
        values = {name: row[i].strip() for i, name in header.items() if i < len(row)}
        problem = _record(session, values, catalogue, unit_code, outcome)
        if problem:
            outcome.skipped.append(f"dòng {line}: {problem}")
    if header is None:
        raise CatalogueFileError("tệp không có dòng tiêu đề (ma_ho_so, ma_tthc, linh_vuc, kenh)")
    return outcome


def _record(
    session: Session,
    values: dict[str, str],
    catalogue: Catalogue,
    unit_code: str | None,
    outcome: DossierListImport,
) -> str:
    """Record one row; the reason it was left out, or "" when it counted."""
    raw_channel = values.get("channel", "").casefold()
    channel = CHANNELS.get(raw_channel) if raw_channel else None
    if raw_channel and channel is None:
        return f"kênh {values['channel']!r} không rõ (1 trực tiếp, 2 trực tuyến, 3 bưu chính)"
    procedure = catalogue.procedure(values.get("procedure_code", ""))
    try:
        context = DossierContext(
            dossier_code=values.get("dossier_code", ""),
            procedure_code=values.get("procedure_code", ""),
            field=values.get("field", "") or (procedure.field if procedure else ""),
        )
    except ValidationError as exc:
        return "; ".join(str(e["msg"]).removeprefix("Value error, ") for e in exc.errors())
    if unit_code is not None and context.resolved_unit() != unit_code:
        return f"hồ sơ {context.dossier_code} thuộc đơn vị khác ({context.resolved_unit()})"
    known = session.scalars(select(Dossier.id).where(Dossier.code == context.dossier_code)).first()
    dossier = ensure_dossier(session, context)
    if dossier.channel is None and channel is not None:
        dossier.channel = channel.value
    if known is None:
        if procedure is not None:
            dossier.issues_result = procedure.issues_result
        outcome.created += 1
    else:
        outcome.already_known += 1
    return ""
