"""``sohoa serve``: the staff API and page under uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schemas.errors import SohoaError
from sohoa.commands import err_console, fail, load_settings

DEFAULT_SECRET = "change-me"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def serve(
    host: Annotated[str | None, typer.Option(help="Địa chỉ lắng nghe (mặc định 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Cổng (mặc định 8000)")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")] = None,
) -> None:
    """Chạy trang tra cứu cho cán bộ / serve the staff API and page (uvicorn)."""
    import uvicorn

    from sohoa.api.app import create_app
    from sohoa.api.logmask import install_id_masking

    settings = load_settings(data_dir)
    bind = host or settings.api.host
    if settings.api.secret_key == DEFAULT_SECRET and bind not in LOOPBACK:
        # Anyone knowing the default could sign tokens: say so loudly (compose still starts).
        err_console.print(
            "[bold red]CẢNH BÁO: chưa đặt khóa bí mật[/] — đặt SOHOA_API__SECRET_KEY trước khi mở "
            f"trang tra cứu ra mạng ({bind}) / WARNING: set a secret key before serving beyond "
            "this machine: with the default anyone can forge a login."
        )
    try:
        app = create_app(settings)
    except SohoaError as error:
        raise fail(error) from error
    config = uvicorn.Config(
        app,
        host=bind,
        port=port or settings.api.port,
        proxy_headers=True,
        server_header=False,
    )
    server = uvicorn.Server(config)
    install_id_masking()  # after uvicorn configured its loggers
    server.run()
