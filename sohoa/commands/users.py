"""``sohoa user add``: create staff accounts (the API has no self-registration)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schemas.errors import SohoaError
from sohoa.commands import console, fail, load_settings, reject
from storage.index.db import Index
from storage.index.users import Role, UserError, create_user

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
