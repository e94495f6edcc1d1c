"""``sohoa webhook add|list|deactivate|deliveries|send``: sending events to other systems.

The same subscriptions and delivery log as ``/api/webhooks``. ``send`` delivers what is due now
(useful from cron where neither a worker nor ``sohoa serve`` runs); the secret is printed only
by ``add``, when sohoa generated it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from schemas.errors import SohoaError
from schemas.webhooks import WebhookEvent
from sohoa.commands import console, fail, load_settings, reject
from storage.index.db import Index
from storage.index.webhooks import (
    DeliveryState,
    WebhookError,
    add_subscription,
    deactivate,
    delivery_log,
    list_subscriptions,
)

webhook_app = typer.Typer(
    help="Gửi sự kiện cho hệ thống khác (webhook) / webhooks to other systems.",
    no_args_is_help=True,
)
DataDir = Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")]
CLI_USER = "cli"


def _open(data_dir: Path | None) -> Index:
    index = Index(load_settings(data_dir).index.url)
    index.create_schema()
    return index


@webhook_app.command("add")
def add_command(
    url: Annotated[str, typer.Argument(help="Địa chỉ nhận, http(s)://…")],
    event: Annotated[
        list[WebhookEvent] | None,
        typer.Option("--event", help="Sự kiện cần nhận, lặp lại được (bỏ trống = tất cả)"),
    ] = None,
    unit: Annotated[
        str, typer.Option(help="Chỉ sự kiện của đơn vị này (bỏ trống = mọi đơn vị)")
    ] = "",
    secret: Annotated[
        str | None, typer.Option(help="Khóa bí mật 16–100 ký tự (bỏ trống để sohoa tạo)")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Đăng ký một địa chỉ nhận sự kiện / subscribe a URL to events."""
    try:
        index = _open(data_dir)
        with index.session() as session:
            info, generated = add_subscription(
                session,
                url,
                created_by=CLI_USER,
                events=[e.value for e in event or []],
                unit_code=unit,
                secret=secret,
            )
    except WebhookError as error:
        raise reject(error) from error
    except SohoaError as error:
        raise fail(error) from error
    events = ", ".join(info.events) or "mọi sự kiện"
    console.print(
        f"Đã đăng ký webhook #{info.id}: {info.url} ({events}, {info.unit_code or 'mọi đơn vị'})"
    )
    if generated:
        console.print(
            f"Khóa bí mật (chỉ hiện một lần này, hãy lưu lại): {generated}", highlight=False
        )


@webhook_app.command("list")
def list_command(data_dir: DataDir = None) -> None:
    """Liệt kê các đăng ký / list subscriptions (never their secrets)."""
    try:
        with _open(data_dir).session() as session:
            subscriptions = list_subscriptions(session)
    except SohoaError as error:
        raise fail(error) from error
    table = Table(title="Đăng ký webhook / webhook subscriptions", title_justify="left")
    for header in ("#", "Địa chỉ nhận", "Sự kiện", "Đơn vị", "Trạng thái"):
        table.add_column(header)
    for s in subscriptions:
        state = "đang gửi" if s.active else "[red]đã ngừng[/]"
        events = ", ".join(s.events) or "tất cả"
        table.add_row(str(s.id), s.url, events, s.unit_code or "mọi đơn vị", state)
    console.print(table)


@webhook_app.command("deactivate")
def deactivate_command(
    subscription_id: Annotated[int, typer.Argument(help="Số của đăng ký (xem webhook list)")],
    data_dir: DataDir = None,
) -> None:
    """Ngừng gửi cho một đăng ký / stop sending to a subscription."""
    try:
        with _open(data_dir).session() as session:
            info = deactivate(session, subscription_id)
    except SohoaError as error:
        raise fail(error) from error
    console.print(f"Đã ngừng gửi cho webhook #{info.id}; sự kiện chưa gửi được đánh dấu thất bại.")


@webhook_app.command("deliveries")
def deliveries_command(
    state: Annotated[DeliveryState | None, typer.Option(help="Chỉ trạng thái này")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Số dòng")] = 50,
    offset: Annotated[int, typer.Option(min=0, help="Bỏ qua bấy nhiêu dòng mới nhất")] = 0,
    data_dir: DataDir = None,
) -> None:
    """Nhật ký gửi, mới nhất trước / the delivery log, newest first (times in UTC)."""
    try:
        with _open(data_dir).session() as session:
            rows = delivery_log(session, limit, offset, state.value if state else None)
    except SohoaError as error:
        raise fail(error) from error
    table = Table(title="Nhật ký gửi webhook / webhook deliveries (UTC)", title_justify="left")
    for header in ("#", "Webhook", "Sự kiện", "Trạng thái", "Lần", "Kết quả cuối"):
        # What an operator searches for (event, state) is never wrapped; the error text is.
        table.add_column(header, no_wrap=header in ("Sự kiện", "Trạng thái"))
    table.add_column("Tạo lúc")
    table.add_column("Lần tới")
    for row in rows:
        last = str(row.last_status or "") if not row.last_error else row.last_error
        next_at = f"{row.next_attempt_at:%m-%d %H:%M:%S}" if row.next_attempt_at else ""
        table.add_row(
            str(row.id),
            str(row.subscription_id),
            row.event,
            row.state,
            str(row.attempts),
            last,
            f"{row.created_at:%m-%d %H:%M:%S}",
            next_at,
        )
    console.print(table)


@webhook_app.command("send")
def send_command(data_dir: DataDir = None) -> None:
    """Gửi ngay các sự kiện đến hạn / deliver the due events now."""
    from workers.webhook_delivery import deliver_due

    try:
        report = deliver_due(_open(data_dir))
    except SohoaError as error:
        raise fail(error) from error
    console.print(
        f"Đã gửi {len(report.delivered)}, sẽ thử lại {len(report.retrying)}, "
        f"thất bại hẳn {len(report.failed)}."
    )
