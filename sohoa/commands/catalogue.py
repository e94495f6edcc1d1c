"""``sohoa catalogue show|import|versions`` and ``sohoa dossiers import``: the procedure
catalogue and the one-stop system's dossier list, for a province admin at the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from schemas.errors import SohoaError
from sohoa.catalogue_files import CatalogueFileError, catalogue_json
from sohoa.commands import console, fail, load_settings, reject
from sohoa.dossier_list import import_dossier_list
from sohoa.procedure_catalogue import catalogue_in_use, import_catalogue_file
from storage.index.catalogue import list_versions
from storage.index.db import Index

catalogue_app = typer.Typer(
    help="Danh mục thủ tục hành chính / procedure catalogue.", no_args_is_help=True
)
dossiers_app = typer.Typer(help="Hồ sơ đã tiếp nhận / received dossiers.", no_args_is_help=True)
DataDir = Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")]
ImportFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


def _index(data_dir: Path | None) -> Index:
    index = Index(load_settings(data_dir).index.url)
    index.create_schema()
    return index


@catalogue_app.command("show")
def show(
    as_json: Annotated[bool, typer.Option("--json", help="In JSON (để sửa rồi nhập lại)")] = False,
    data_dir: DataDir = None,
) -> None:
    """Xem danh mục đang dùng / the catalogue in use, with its version."""
    try:
        with _index(data_dir).session() as session:
            stored = catalogue_in_use(session)
    except SohoaError as error:
        raise fail(error) from error
    if as_json:
        typer.echo(catalogue_json(stored.catalogue))
        return
    table = Table(title=f"Danh mục thủ tục — phiên bản {stored.version} ({stored.source})")
    for column in ("Mã TTHC", "Tên thủ tục", "Lĩnh vực", "Thành phần (dùng lại được)"):
        table.add_column(column)
    for procedure in stored.catalogue.procedures:
        reusable = sum(1 for c in procedure.components if c.doc_types)
        table.add_row(
            procedure.code,
            procedure.name,
            procedure.field,
            f"{len(procedure.components)} ({reusable})",
        )
    console.print(table)
    console.print(f"{len(stored.catalogue.units)} đơn vị có tên trong danh mục.")


@catalogue_app.command("import")
def import_file(
    file: ImportFile,
    by: Annotated[str, typer.Option(help="Người nhập (ghi vào lịch sử phiên bản)")] = "admin",
    data_dir: DataDir = None,
) -> None:
    """Nhập danh mục từ tệp .json, .csv hoặc .xlsx thành phiên bản mới / import a version."""
    try:
        with _index(data_dir).session() as session:
            outcome = import_catalogue_file(session, file.name, file.read_bytes(), by=by)
    except CatalogueFileError as error:
        raise reject(error) from error
    except SohoaError as error:
        raise fail(error) from error
    if outcome.created:
        console.print(
            f"Đã nhập phiên bản {outcome.version}: {outcome.procedure_count} thủ tục, "
            f"{outcome.unit_count} đơn vị."
        )
    else:
        console.print(f"Không có gì thay đổi; vẫn dùng phiên bản {outcome.version}.")


@catalogue_app.command("versions")
def versions(data_dir: DataDir = None) -> None:
    """Các phiên bản đã nhập / every imported version, newest first."""
    try:
        with _index(data_dir).session() as session:
            rows = list_versions(session)
            lines = [
                f"{row.id}\t{row.imported_at:%d/%m/%Y %H:%M}\t{row.imported_by}\t{row.source}\t"
                f"{row.procedure_count} thủ tục, {row.unit_count} đơn vị"
                for row in rows
            ]
    except SohoaError as error:
        raise fail(error) from error
    for line in lines or ["Chưa nhập phiên bản nào: đang dùng danh mục kèm theo sohoa (0)."]:
        console.print(line)


@dossiers_app.command("import")
def import_dossiers(
    file: ImportFile,
    unit: Annotated[str | None, typer.Option(help="Chỉ nhận hồ sơ của đơn vị này")] = None,
    data_dir: DataDir = None,
) -> None:
    """Nhập danh sách hồ sơ đã tiếp nhận (CSV/xlsx: ma_ho_so, ma_tthc, linh_vuc, kenh)."""
    try:
        with _index(data_dir).session() as session:
            catalogue = catalogue_in_use(session).catalogue
            outcome = import_dossier_list(session, file.name, file.read_bytes(), catalogue, unit)
    except CatalogueFileError as error:
        raise reject(error) from error
    except SohoaError as error:
        raise fail(error) from error
    console.print(
        f"Hồ sơ mới: {outcome.created}; đã có: {outcome.already_known}; "
        f"bỏ qua: {len(outcome.skipped)}."
    )
    for line in outcome.skipped:
        console.print(f"  {line}")
