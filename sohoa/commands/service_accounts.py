"""``sohoa service-account create|list|revoke``: API keys for other systems, one unit each.

Whoever runs the CLI already holds the index, so no login is asked (as for ``sohoa user``);
creating and revoking are still audited, under the username ``cli``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from schemas.errors import SohoaError
from sohoa.commands import console, err_console, fail, load_settings, reject
from storage.index.audit import AuditAction, write_audit
from storage.index.db import Index
from storage.index.service_accounts import (
    ServiceAccountError,
    create_service_account,
    get_account,
    list_accounts,
    revoke,
)

CLI_USERNAME = "cli"
service_account_app = typer.Typer(
    help="Quản lý tài khoản dịch vụ (khóa API cho hệ thống khác) / service accounts.",
    no_args_is_help=True,
)
DataDir = Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")]
T = TypeVar("T")


def _in_index(data_dir: Path | None, work: Callable[[Session, str], T]) -> T:
    """Run ``work(session, audit_secret)`` in one transaction of the deployment's index."""
    try:
        settings = load_settings(data_dir)
        index = Index(settings.index.url)
        index.create_schema()
        with index.session() as session:
            return work(session, settings.api.secret_key)
    except ServiceAccountError as error:
        raise reject(error) from error
    except SohoaError as error:
        raise fail(error) from error


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "-"


@service_account_app.command("create")
def create_command(
    name: Annotated[str, typer.Argument(help="Tên tài khoản dịch vụ, vd motcua-tinh")],
    unit: Annotated[str, typer.Option(help="Mã đơn vị, vd 000.00.20.H12 (bắt buộc)")],
    data_dir: DataDir = None,
) -> None:
    """Tạo tài khoản dịch vụ và in khóa API một lần / create an account, print its key once."""

    def work(session: Session, secret: str) -> tuple[str, str, str]:
        info, key = create_service_account(session, name, unit, CLI_USERNAME)
        write_audit(
            session,
            secret=secret,
            username=CLI_USERNAME,
            action=AuditAction.SERVICE_ACCOUNT_CREATE,
            detail=f"{info.username} unit={info.unit_code} key_id={info.key_id}",
        )
        return info.username, info.unit_code, key

    username, unit_code, key = _in_index(data_dir, work)
    console.print(f"Đã tạo tài khoản dịch vụ {username} (đơn vị {unit_code}).")
    err_console.print(
        "[bold yellow]Lưu ý:[/] khóa API dưới đây chỉ hiển thị MỘT LẦN này, sohoa không lưu "
        "khóa — hãy chép ngay vào hệ thống sẽ gọi API / the key is not shown again."
    )
    typer.echo(key)  # plain, on its own line: no wrapping or markup to break a copy-paste


@service_account_app.command("list")
def list_command(data_dir: DataDir = None) -> None:
    """Liệt kê tài khoản dịch vụ (không bao giờ in khóa) / list service accounts."""
    accounts = _in_index(data_dir, lambda session, _secret: list_accounts(session))
    table = Table(title="Tài khoản dịch vụ / service accounts", title_justify="left")
    for header in ("Tên", "Đơn vị"):  # never cut: what an admin acts on
        table.add_column(header, no_wrap=True)
    for header in ("Tạo", "Dùng gần nhất", "Trạng thái"):
        table.add_column(header)
    for a in accounts:
        state = "đang dùng" if a.active else f"[red]đã thu hồi[/]\n{_when(a.revoked_at)}"
        created = f"{_when(a.created_at)}\n{a.created_by}"
        table.add_row(a.name, a.unit_code, created, _when(a.last_used_at), state)
    console.print(table)


@service_account_app.command("revoke")
def revoke_command(
    name: Annotated[str, typer.Argument(help="Tên tài khoản dịch vụ")], data_dir: DataDir = None
) -> None:
    """Thu hồi khóa API của tài khoản / revoke an account's key (refused from now on)."""

    def work(session: Session, secret: str) -> str:
        if not revoke(session, name):
            raise ServiceAccountError(f"không có tài khoản dịch vụ {name!r}")
        info = get_account(session, name)
        assert info is not None  # revoke just found it
        write_audit(
            session,
            secret=secret,
            username=CLI_USERNAME,
            action=AuditAction.SERVICE_ACCOUNT_REVOKE,
            detail=f"{info.username} key_id={info.key_id}",
        )
        return info.username

    username = _in_index(data_dir, work)
    console.print(f"Đã thu hồi khóa API của {username}; mọi lời gọi bằng khóa này bị từ chối.")
