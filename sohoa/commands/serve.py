"""``sohoa serve``: the staff API and page under uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from schemas.errors import SohoaError
from sohoa.commands import err_console, fail, load_settings
from sohoa.errors import EXIT_INPUT_REJECTED

DEFAULT_SECRET = "change-me"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
MIN_SECRET = 16


def serve(
    host: Annotated[str | None, typer.Option(help="Địa chỉ lắng nghe (mặc định 127.0.0.1)")] = None,
    port: Annotated[int | None, typer.Option(help="Cổng (mặc định 8000)")] = None,
    data_dir: Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")] = None,
) -> None:
    """Chạy trang tra cứu cho cán bộ / serve the staff API and page (uvicorn)."""
    import uvicorn

    from sohoa.api.app import create_app
    from sohoa.api.logmask import install_id_masking
    from workers.webhook_delivery import WebhookSender

    settings = load_settings(data_dir)
    bind = host or settings.api.host
    weak = settings.api.secret_key == DEFAULT_SECRET or len(settings.api.secret_key) < MIN_SECRET
    if weak and bind not in LOOPBACK:
        # Anyone knowing the default could sign tokens: refuse to serve beyond this machine.
        err_console.print(
            "[bold red]Không chạy: chưa đặt khóa bí mật đủ mạnh[/] — đặt SOHOA_API__SECRET_KEY "
            f"(ít nhất {MIN_SECRET} ký tự, ví dụ openssl rand -hex 32) trước khi mở trang tra cứu "
            f"ra mạng ({bind}) / refused: set SOHOA_API__SECRET_KEY (at least {MIN_SECRET} "
            "characters) before serving beyond this machine; with the default anyone can forge "
            "a login."
        )
        raise typer.Exit(EXIT_INPUT_REJECTED)
    if weak:
        err_console.print(
            "[yellow]Khóa bí mật mặc định: chỉ dùng thử trên máy này / default secret key: for a "
            "trial on this machine only.[/]"
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
    # Webhooks: the API's own events go out from here, and with no worker (embedded mode) this
    # thread is also what retries failed deliveries on time.
    sender = WebhookSender(app.state.sohoa.index)
    sender.start()
    try:
        server.run()
    finally:
        sender.stop()
