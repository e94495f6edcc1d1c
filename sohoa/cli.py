"""The ``sohoa`` command: translates between the terminal and the layers below."""

from __future__ import annotations

import json
import logging
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from schemas.dossiers import DigitizationKind, DossierContext
from schemas.errors import SohoaError
from schemas.settings import Settings
from sohoa.commands import console, err_console, fail, load_settings
from sohoa.commands.catalogue import catalogue_app, dossiers_app
from sohoa.commands.eval import eval_app
from sohoa.commands.eval_fields import eval_fields
from sohoa.commands.eval_real_fields import eval_real_fields
from sohoa.commands.jobs import jobs_command
from sohoa.commands.reocr import reocr_app
from sohoa.commands.report import report_command
from sohoa.commands.reuse import attach as attach_command
from sohoa.commands.reuse import search as search_command
from sohoa.commands.separator import separator as separator_command
from sohoa.commands.serve import serve as serve_command
from sohoa.commands.service_accounts import service_account_app
from sohoa.commands.signatures import sign_command, verify_command
from sohoa.commands.users import user_app
from sohoa.commands.watch import watch_command
from sohoa.commands.webhooks import webhook_app
from sohoa.errors import EXIT_TEMPORARY
from sohoa.presenters import extraction_json, fields_table

app = typer.Typer(
    help="sohoa — số hóa hồ sơ, kết quả giải quyết TTHC tại bộ phận một cửa.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False) -> None:
    from sohoa.api.logmask import install_id_masking
    from workers.log_context import LOG_FORMAT, install_job_context

    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING, format=LOG_FORMAT)
    install_job_context()  # the scan a job's line is about: " [scan=12 job=…]"
    install_id_masking()  # every process (watcher, worker, CLI), not only serve: no full ID in logs


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    as_json: Annotated[bool, typer.Option("--json", help="In JSON / print JSON")] = False,
) -> None:
    """Chạy nhận dạng trên một tệp, không lưu / run the pipeline on one file without storing."""
    from pipeline.runner import run_document
    from pipeline.tools.probe import probe_tools

    settings = Settings()
    try:
        probe_tools(settings.ocr)
        with tempfile.TemporaryDirectory(prefix="sohoa-extract-") as scratch:
            output = run_document(file, Path(scratch), settings)
    except SohoaError as error:
        raise fail(error) from error
    if as_json:
        typer.echo(json.dumps(extraction_json(output.result), ensure_ascii=False, indent=2))
    else:
        console.print(fields_table(output.result))


@app.command()
def ingest(
    files: Annotated[list[Path], typer.Argument(exists=True, dir_okay=False)],
    dossier: Annotated[str, typer.Option(help="Mã hồ sơ, vd 000.00.20.H12-240315-0007")],
    component: Annotated[str, typer.Option(help="Tên thành phần hồ sơ")] = "Thành phần hồ sơ",
    procedure: Annotated[str, typer.Option(help="Mã thủ tục hành chính")] = "",
    field: Annotated[str, typer.Option(help="Lĩnh vực")] = "",
    result: Annotated[bool, typer.Option("--result", help="Là kết quả giải quyết")] = False,
    data_dir: Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")] = None,
) -> None:
    """Tiếp nhận tệp quét vào hồ sơ / take scanned files into a dossier and queue them."""
    from workers.intake import ingest_file
    from workers.queues import open_queue
    from workers.services import Services

    try:
        context = DossierContext(
            dossier_code=dossier,
            component=component,
            procedure_code=procedure,
            field=field,
            kind=DigitizationKind.RESULT if result else DigitizationKind.COMPONENT,
        )
    except ValueError as error:
        err_console.print(f"[bold red]Mã hồ sơ không hợp lệ:[/] {error}")
        raise typer.Exit(2) from error
    try:
        services = Services.open(load_settings(data_dir))
        queue = open_queue(services)
        for path in files:
            receipt = ingest_file(path, context, services)
            outcome = queue.enqueue_scan(receipt.scan_id) if receipt.needs_processing else None
            state = outcome.value if outcome else receipt.state.value
            console.print(f"{path.name}: scan #{receipt.scan_id} — {state}")
    except SohoaError as error:
        raise fail(error) from error


@app.command()
def demo(
    data_dir: Annotated[Path, typer.Option(help="Thư mục dữ liệu của bản chạy thử")] = Path(
        "var/demo"
    ),
    count: Annotated[int, typer.Option(min=1, max=60, help="Số tệp mẫu")] = 8,
    seed: Annotated[int, typer.Option(help="Hạt giống ngẫu nhiên")] = 2024,
    keep: Annotated[bool, typer.Option(help="Giữ dữ liệu cũ")] = False,
) -> None:
    """Chạy thử từ đầu đến cuối trên hồ sơ mẫu / end-to-end demo on generated sample scans."""
    from sohoa.demo import run_demo

    try:
        run_demo(data_dir, count=count, seed=seed, keep=keep, console=console)
    except SohoaError as error:
        raise fail(error) from error


@app.command()
def worker(
    burst: Annotated[bool, typer.Option(help="Thoát khi hết việc")] = False,
    queues: Annotated[str, typer.Option(help="Hàng đợi, cách nhau bởi dấu phẩy")] = "",
) -> None:
    """Chạy một tiến trình xử lý rq / run one rq worker (needs SOHOA_QUEUE__REDIS_URL)."""
    from pipeline.tools.probe import probe_tools
    from workers.services import Services
    from workers.worker import run_worker

    settings = Settings()
    if not settings.queue.redis_url:
        err_console.print("[red]Chưa cấu hình Redis: đặt SOHOA_QUEUE__REDIS_URL.[/]")
        raise typer.Exit(2)
    try:
        versions = probe_tools(settings.ocr)
        console.print(f"{versions.tesseract}; {versions.poppler}")
        names = [q for q in queues.split(",") if q] or None
        run_worker(Services.open(settings), queue_names=names, burst=burst)
    except SohoaError as error:
        raise fail(error) from error


# Subcommands that live in sohoa.commands, one module per concern.
app.command("watch")(watch_command)
app.command("jobs")(jobs_command)
app.command("search")(search_command)
app.command("attach")(attach_command)
app.command("serve")(serve_command)
app.add_typer(user_app, name="user")
app.add_typer(webhook_app, name="webhook")
app.add_typer(catalogue_app, name="catalogue")
app.add_typer(dossiers_app, name="dossiers")
app.add_typer(service_account_app, name="service-account")
app.command("report")(report_command)
app.command("separator")(separator_command)
app.command("verify")(verify_command)
app.command("sign")(sign_command)
eval_app.command("fields")(eval_fields)
eval_app.command("real-fields")(eval_real_fields)
app.add_typer(eval_app, name="eval")
app.add_typer(reocr_app, name="reocr")


def _unreachable_service(error: BaseException) -> str | None:
    """Which service an exception from a driver says is down, or None when it is no such error."""
    import redis.exceptions
    import sqlalchemy.exc
    import urllib3.exceptions

    if isinstance(error, sqlalchemy.exc.OperationalError | sqlalchemy.exc.InterfaceError):
        return "cơ sở dữ liệu chỉ mục / index database"
    if isinstance(error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return "hàng đợi Redis / Redis queue"
    if isinstance(error, urllib3.exceptions.MaxRetryError | urllib3.exceptions.NewConnectionError):
        return "kho lưu trữ / object storage"
    return None


def run(args: list[str] | None = None) -> None:
    """The ``sohoa`` program: a service that is down gives one line and exit 75 (try again
    later), never a driver's traceback."""
    try:
        app(args=args, standalone_mode=True)
    except SohoaError as error:  # raised outside a command's own handling (opening the index)
        raise SystemExit(fail(error).exit_code) from None
    except Exception as error:
        service = _unreachable_service(error)
        if service is None:
            raise
        first = str(error).strip().splitlines()[0][:200] if str(error).strip() else ""
        err_console.print(
            f"[bold red]Dịch vụ tạm thời không truy cập được / service unavailable:[/] {service}"
            f" ({type(error).__name__}: {first}). Thử lại sau / try again later.",
            soft_wrap=True,
        )
        raise SystemExit(EXIT_TEMPORARY) from None


if __name__ == "__main__":
    run()
