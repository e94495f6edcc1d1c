"""``sohoa search`` and ``sohoa attach``: the staff page's reuse actions from a terminal.

They act as a named staff account (``--user``) and go through the same audited service as the
API, so unit scoping, expiry checks and the audit trail are identical.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.table import Table

from schemas.errors import SohoaError
from sohoa.commands import console, err_console, fail, load_settings, reject
from storage.index.db import Index
from storage.index.users import Staff, get_active

UserOption = Annotated[str, typer.Option("--user", help="Tên đăng nhập của cán bộ thực hiện")]
DataDirOption = Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")]


def _open(data_dir: Path | None, username: str) -> tuple[Index, str, Staff]:
    settings = load_settings(data_dir)
    index = Index(settings.index.url)
    index.create_schema()
    with index.session() as session:
        staff = get_active(session, username.strip().lower())
    if staff is None:
        err_console.print(f"[bold red]Không có tài khoản cán bộ đang hoạt động:[/] {username}")
        raise typer.Exit(2)
    return index, settings.api.secret_key, staff


def search(
    user: UserOption,
    id_number: Annotated[str | None, typer.Option(help="Số định danh cá nhân (12 số)")] = None,
    name: Annotated[str | None, typer.Option(help="Họ và tên (kèm --dob)")] = None,
    dob: Annotated[str | None, typer.Option(help="Ngày sinh YYYY-MM-DD hoặc DD/MM/YYYY")] = None,
    document: Annotated[str | None, typer.Option(help="Số ký hiệu / số đăng ký")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="In JSON")] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Tra cứu kết quả số hóa của công dân / search a citizen's earlier results (audited)."""
    from sohoa.api.requests import DocumentSearch, IdNumberSearch, NameSearch, SearchRequest
    from sohoa.api.reuse_service import ReuseDesk

    chosen = [bool(id_number), bool(name or dob), bool(document)]
    if sum(chosen) != 1:
        err_console.print(
            "[bold red]Chọn đúng một cách tra cứu:[/] --id-number, --name + --dob, hoặc --document"
        )
        raise typer.Exit(2)
    try:
        request: SearchRequest
        if id_number:
            request = IdNumberSearch(id_number=id_number)
        elif document:
            request = DocumentSearch(document_number=document)
        else:
            request = NameSearch.model_validate({"name": name or "", "date_of_birth": dob or ""})
    except ValidationError as error:
        raise reject(error) from error
    index, secret, staff = _open(data_dir, user)
    try:
        cards = ReuseDesk(index, secret).search(staff, request)
    except SohoaError as error:
        raise fail(error) from error
    if as_json:
        typer.echo(json.dumps([card.model_dump(mode="json") for card in cards], ensure_ascii=False))
        return
    table = Table(title=f"{len(cards)} kết quả")
    for column in ("#", "Loại giấy tờ", "Chủ giấy tờ", "Số định danh", "Ngày sinh", "Số giấy tờ"):
        table.add_column(column, overflow="fold")
    table.add_column("Hiệu lực", overflow="fold")
    table.add_column("Số hóa ngày", overflow="fold")
    for card in cards:
        validity = card.not_attachable_reason or (
            f"đến {card.valid_until:%d/%m/%Y}" if card.valid_until else "không thời hạn"
        )
        table.add_row(
            str(card.id),
            card.doc_type_label,
            card.owner_name or "",
            card.owner_id_number or "",
            f"{card.owner_date_of_birth:%d/%m/%Y}" if card.owner_date_of_birth else "",
            card.document_number or "",
            ("[red]" + validity + "[/]") if card.expired else validity,
            f"{card.digitized_at:%d/%m/%Y}" if card.digitized_at else "",
        )
    console.print(table)


def attach(
    result_id: Annotated[int, typer.Argument(help="Số (#) của kết quả số hóa")],
    user: UserOption,
    dossier: Annotated[str, typer.Option(help="Mã hồ sơ, vd 000.00.20.H12-240315-0007")],
    component: Annotated[str, typer.Option(help="Tên thành phần hồ sơ")],
    procedure: Annotated[str, typer.Option(help="Mã thủ tục hành chính")] = "",
    data_dir: DataDirOption = None,
) -> None:
    """Gắn kết quả số hóa vào thành phần hồ sơ / attach a result to a dossier component."""
    from sohoa.api.requests import AttachRequest
    from sohoa.api.reuse_service import ReuseDesk

    try:
        request = AttachRequest(
            result_id=result_id, dossier_code=dossier, component=component, procedure_code=procedure
        )
    except ValidationError as error:
        raise reject(error) from error
    index, secret, staff = _open(data_dir, user)
    try:
        view = ReuseDesk(index, secret).attach(staff, request)
    except SohoaError as error:
        raise fail(error) from error
    console.print(f"Đã gắn kết quả #{result_id} vào hồ sơ {view.code}.")
    for item in view.components:
        console.print(f"  • {item.name}: {item.status_label}")
    console.print(f"Thành phần đã tái sử dụng: {view.reused_count}")
