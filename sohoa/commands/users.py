"""``sohoa user add|list|disable|enable|passwd|role``: staff accounts (no self-registration).

Disabling an account or changing its password ends its sessions at once; a new role takes
effect on the account's next request.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from schemas.errors import SohoaError
from sohoa.commands import console, fail, load_settings, reject
from storage.index.db import Index
from storage.index.users import (
    Role,
    Staff,
    UserError,
    create_user,
    list_users,
    set_active,
    set_password,
    set_role,
)

user_app = typer.Typer(help="Quản lý tài khoản cán bộ / staff accounts.", no_args_is_help=True)


@user_app.command("add")
def add_user(
    username: Annotated[str, typer.Argument(help="Tên đăng nhập")],
    role: Annotated[Role, typer.Option(help="Vai trò: staff, supervisor, admin")] = Role.STAFF,
    unit: Annotated[str, typer.Option(help="Mã đơn vị, vd 000.00.20.H12")] = "",
    password: Annotated[
        str | None, typer.Option(help="Mật khẩu (bỏ trống để được hỏi, không hiện khi gõ)")
    ] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")] = None,
) -> None:
    """Tạo tài khoản cán bộ / create a staff account bound to a unit."""
    if password is None:
        password = typer.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    try:
        index = Index(load_settings(data_dir).index.url)
        index.create_schema()
        with index.session() as session:
            staff = create_user(session, username, password, role, unit)
    except UserError as error:
        raise reject(error) from error
    except SohoaError as error:
        raise fail(error) from error
    unit_text = staff.unit_code or "mọi đơn vị"
    console.print(f"Đã tạo tài khoản {staff.username} ({staff.role.value}, {unit_text})")


DataDir = Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")]


def _change(data_dir: Path | None, change: Callable[[Session], Staff]) -> Staff:
    try:
        index = Index(load_settings(data_dir).index.url)
        index.create_schema()
        with index.session() as session:
            return change(session)
    except UserError as error:
        raise reject(error) from error
    except SohoaError as error:
        raise fail(error) from error


@user_app.command("list")
def list_command(data_dir: DataDir = None) -> None:
    """Liệt kê tài khoản / list staff accounts."""
    try:
        index = Index(load_settings(data_dir).index.url)
        index.create_schema()
        with index.session() as session:
            accounts = list_users(session)
    except SohoaError as error:
        raise fail(error) from error
    table = Table(title="Tài khoản cán bộ / staff accounts", title_justify="left")
    for header in ("Tên đăng nhập", "Vai trò", "Đơn vị", "Trạng thái"):
        table.add_column(header)
    for a in accounts:
        state = "đang dùng" if a.active else "[red]đã khóa[/]"
        table.add_row(a.username, a.role, a.unit_code or "mọi đơn vị", state)
    console.print(table)


@user_app.command("disable")
def disable_command(username: Annotated[str, typer.Argument()], data_dir: DataDir = None) -> None:
    """Khóa tài khoản, kết thúc mọi phiên / disable an account and end its sessions."""
    staff = _change(data_dir, lambda session: set_active(session, username, False))
    console.print(f"Đã khóa tài khoản {staff.username}; mọi phiên đăng nhập đã kết thúc.")


@user_app.command("enable")
def enable_command(username: Annotated[str, typer.Argument()], data_dir: DataDir = None) -> None:
    """Mở khóa tài khoản / enable an account (it logs in again)."""
    staff = _change(data_dir, lambda session: set_active(session, username, True))
    console.print(f"Đã mở khóa tài khoản {staff.username}.")


@user_app.command("passwd")
def passwd_command(
    username: Annotated[str, typer.Argument()],
    password: Annotated[
        str | None, typer.Option(help="Mật khẩu mới (bỏ trống để được hỏi, không hiện khi gõ)")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Đặt mật khẩu mới, kết thúc mọi phiên / set a new password and end the sessions."""
    if password is None:
        password = typer.prompt("Mật khẩu mới", hide_input=True, confirmation_prompt=True)
    new = password
    staff = _change(data_dir, lambda session: set_password(session, username, new))
    console.print(f"Đã đổi mật khẩu {staff.username}; mọi phiên đăng nhập đã kết thúc.")


@user_app.command("role")
def role_command(
    username: Annotated[str, typer.Argument()],
    role: Annotated[Role, typer.Option(help="Vai trò: staff, supervisor, admin")],
    unit: Annotated[str | None, typer.Option(help="Mã đơn vị (giữ nguyên nếu bỏ trống)")] = None,
    data_dir: DataDir = None,
) -> None:
    """Đổi vai trò, đơn vị / change an account's role (and unit)."""
    staff = _change(data_dir, lambda session: set_role(session, username, role, unit))
    unit_text = staff.unit_code or "mọi đơn vị"
    console.print(f"{staff.username}: {staff.role.value}, {unit_text}")
