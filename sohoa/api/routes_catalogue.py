"""The procedure catalogue: every staff member reads it; a province admin imports new versions.

The upload is the file's bytes as the request body (``?filename=`` says its kind), so a
command-line ``curl --data-binary`` and the page's ``fetch`` send it the same way.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from schemas.catalogue import LEVEL_LABELS_VI, Procedure
from sohoa.api.deps import Context, CurrentStaff, require_roles
from sohoa.api.errors import InvalidRequest
from sohoa.api.upload_desk import read_body
from sohoa.catalogue_files import MAX_FILE_BYTES, CatalogueFileError
from sohoa.procedure_catalogue import catalogue_in_use, import_catalogue_file
from storage.index.audit import AuditAction, write_audit
from storage.index.catalogue import CatalogueImport, list_versions
from storage.index.users import Role, Staff

router = APIRouter(prefix="/api", tags=["danh mục thủ tục / procedure catalogue"])
Admin = Annotated[Staff, Depends(require_roles(Role.ADMIN))]


class CatalogueView(BaseModel):
    version: int
    """0 is the catalogue sohoa ships with, used until a province imports its own."""
    imported_at: datetime | None
    imported_by: str
    source: str
    procedures: list[Procedure]
    units: dict[str, str]
    level_labels: dict[str, str]


class CatalogueVersionView(BaseModel):
    version: int
    imported_at: datetime
    imported_by: str
    source: str
    procedure_count: int
    unit_count: int


@router.get("/catalogue", response_model=CatalogueView)
def catalogue(context: Context, staff: CurrentStaff) -> CatalogueView:
    """Danh mục thủ tục đang dùng: procedures with their required components, unit names."""
    with context.index.session() as session:
        stored = catalogue_in_use(session)
    return CatalogueView(
        version=stored.version,
        imported_at=stored.imported_at,
        imported_by=stored.imported_by,
        source=stored.source,
        procedures=stored.catalogue.procedures,
        units={unit.code: unit.name for unit in stored.catalogue.units},
        level_labels={level.value: label for level, label in LEVEL_LABELS_VI.items()},
    )


@router.get("/catalogue/versions", response_model=list[CatalogueVersionView])
def versions(context: Context, admin: Admin) -> list[CatalogueVersionView]:
    """Every imported version, newest first (who imported which file, when)."""
    with context.index.session() as session:
        return [
            CatalogueVersionView(
                version=row.id,
                imported_at=row.imported_at,
                imported_by=row.imported_by,
                source=row.source,
                procedure_count=row.procedure_count,
                unit_count=row.unit_count,
            )
            for row in list_versions(session)
        ]


@router.post(
    "/catalogue",
    response_model=CatalogueImport,
    responses={
        413: {"description": "Tệp quá lớn"},
        422: {"description": "Tệp sai dạng; thông báo nêu dòng và lý do"},
    },
)
async def import_catalogue(
    request: Request,
    context: Context,
    admin: Admin,
    filename: Annotated[str, Query(max_length=255, examples=["thu_tuc.xlsx"])],
) -> CatalogueImport:
    """Nhập danh mục (JSON, CSV, xlsx) thành phiên bản mới; unchanged content adds none."""
    content = await read_body(request, MAX_FILE_BYTES)
    if content is None:
        raise InvalidRequest(f"tệp lớn hơn {MAX_FILE_BYTES // 1024 // 1024} MB")
    try:
        with context.index.session() as session:
            outcome = import_catalogue_file(session, filename, content, by=admin.username)
            write_audit(
                session,
                secret=context.settings.api.secret_key,
                username=admin.username,
                action=AuditAction.CATALOGUE_IMPORT,
                query=f"file={filename}",
                detail=f"version={outcome.version} created={outcome.created}",
            )
    except CatalogueFileError as exc:
        raise InvalidRequest(str(exc)) from exc
    return outcome
