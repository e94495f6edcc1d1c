"""``sohoa watch``: take scans from the drop folders into the index and the queue.

With Redis configured the files are queued for ``sohoa worker`` processes (on this or other
machines); without it they are processed here, one at a time — enough for one small office.
The first Ctrl-C (or SIGTERM) finishes the current pass and exits; a second one stops at once.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from schemas.errors import SohoaError
from sohoa.commands import console, fail, load_settings
from workers.watch import DropWatcher, PassReport

_LOG_FORMAT = "%(asctime)s %(levelname)s %(message)s"


def _log_to_terminal(verbose: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(_LOG_FORMAT, datefmt="%H:%M:%S"))
    logger = logging.getLogger("workers")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def _stop_on_signals(stop: threading.Event) -> Callable[[], None]:
    """Install the handlers; returns what puts the previous ones back."""

    def handle(_signum: int, _frame: FrameType | None) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        console.print("Đang dừng sau lượt hiện tại… (nhấn Ctrl-C lần nữa để dừng ngay)")
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore


def _idle(report: PassReport, watcher: DropWatcher) -> bool:
    busy = report.taken or report.waiting or report.kept or watcher.finisher.tracked
    return not busy


def watch_command(
    drop: Annotated[
        list[Path] | None, typer.Option(help="Thư mục quét (thay cho cấu hình), lặp lại được")
    ] = None,
    until_idle: Annotated[
        bool, typer.Option("--until-idle", help="Thoát khi thư mục quét đã trống và xử lý xong")
    ] = False,
    data_dir: Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Theo dõi thư mục máy quét / watch the scanner's drop folders and take files in."""
    from pipeline.tools.probe import probe_tools
    from workers.queues import open_queue
    from workers.services import Services

    settings = load_settings(data_dir)
    if drop:
        settings.watch.drop_dirs = list(drop)
    _log_to_terminal(verbose)
    try:
        services = Services.open(settings)
        queue = open_queue(services)
        if queue.in_process:
            probe_tools(settings.ocr)
    except SohoaError as error:
        raise fail(error) from error
    mode = "hàng đợi Redis" if not queue.in_process else "xử lý tại chỗ (không có Redis)"
    folders = ", ".join(str(d) for d in settings.watch.drop_dirs)
    console.print(f"Theo dõi {folders} → {settings.watch.work_dir} — {mode}")
    watcher = DropWatcher(services, queue)
    stop = threading.Event()
    restore = _stop_on_signals(stop)
    try:
        if until_idle:
            while not stop.is_set():
                report = watcher.scan_once()
                if _idle(report, watcher):
                    break
                stop.wait(settings.watch.poll_seconds)
        else:
            watcher.run(stop)
    except KeyboardInterrupt:
        pass
    finally:
        restore()
    console.print("Đã dừng theo dõi thư mục quét.")
