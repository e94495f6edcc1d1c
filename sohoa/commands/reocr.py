"""``sohoa reocr``: re-run OCR over stored scans as new versions, with progress and resumption.

``select`` only counts; ``run`` creates a batch and feeds it (inline, or onto the low-priority
queue when Redis is configured) at an optional pace; ``resume`` continues an interrupted batch;
``status`` prints its summary. Ctrl-C leaves the batch resumable.
"""

from __future__ import annotations

import getpass
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from schemas.errors import SohoaError
from schemas.fields import DocType
from schemas.reocr import BatchSummary, ItemOutcome, ItemState, PolicyKind, ReocrFilters
from sohoa.commands import console, err_console, fail, load_settings, reject
from workers.reocr_feed import Throttle, batch_summary, feed_inline, feed_queue
from workers.services import Services

reocr_app = typer.Typer(
    help="Nhận dạng lại bản quét đã lưu / re-OCR stored scans as new versions.",
    no_args_is_help=True,
)
EXIT_INTERRUPTED = 130

DataDir = Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")]
Since = Annotated[
    datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Số hóa từ ngày / digitized from")
]
Until = Annotated[
    datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Số hóa đến ngày / digitized until")
]
Units = Annotated[list[str] | None, typer.Option("--unit", help="Mã đơn vị (lặp lại được)")]
DocTypes = Annotated[list[DocType] | None, typer.Option("--doc-type", help="Loại giấy tờ")]
Outdated = Annotated[
    bool, typer.Option("--outdated", help="Chỉ kết quả của phiên bản nhận dạng/quy tắc cũ")
]
BelowConfidence = Annotated[
    float | None, typer.Option(min=0.0, max=1.0, help="Độ tin cậy trung bình dưới ngưỡng")
]
NeedsReview = Annotated[
    bool | None, typer.Option("--needs-review/--trusted", help="Cần kiểm tra / đã tin cậy")
]
IncludeCorrected = Annotated[
    bool, typer.Option("--include-corrected", help="Gồm cả bản đã được cán bộ sửa")
]
Limit = Annotated[int | None, typer.Option(min=1, help="Tối đa số kết quả")]
Throttling = Annotated[
    float | None, typer.Option("--throttle", min=0.0, help="Trang/phút (0: không giới hạn)")
]


def _filters(
    since: datetime | None,
    until: datetime | None,
    unit: list[str] | None,
    doc_type: list[DocType] | None,
    outdated: bool,
    below_confidence: float | None,
    needs_review: bool | None,
    include_corrected: bool,
    limit: int | None,
) -> ReocrFilters:
    try:
        return ReocrFilters(
            since=since.date() if since else None,
            until=until.date() if until else None,
            unit_codes=unit or [],
            doc_types=doc_type or [],
            outdated=outdated,
            below_confidence=below_confidence,
            needs_review=needs_review,
            include_corrected=include_corrected,
            limit=limit,
        )
    except ValidationError as error:
        raise reject(error) from error


def _show_selection(services: Services, filters: ReocrFilters) -> int:
    from workers.reocr import select_scans

    selection = select_scans(services, filters)
    table = Table(title="Sẽ nhận dạng lại / would re-OCR")
    for header in ("loại giấy tờ / doc type", "kết quả / results", "trang / pages"):
        table.add_column(header, justify="left" if header.startswith("loại") else "right")
    for row in selection.rows:
        table.add_row(row.doc_type, str(row.results), str(row.pages))
    table.add_row("[bold]tổng / total[/]", str(selection.results), str(selection.pages))
    console.print(table)
    return selection.results


def _show_summary(summary: BatchSummary) -> None:
    table = Table(
        title=f"Lô nhận dạng lại #{summary.batch_id} — {summary.status.value}", show_header=False
    )
    table.add_column("", justify="left")
    table.add_column("", justify="right")
    for outcome, label in (
        (ItemOutcome.IMPROVED, "tốt hơn / improved"),
        (ItemOutcome.UNCHANGED, "như cũ / unchanged"),
        (ItemOutcome.WORSE, "kém hơn (giữ bản cũ) / worse"),
        (ItemOutcome.FAILED, "lỗi / failed"),
    ):
        table.add_row(label, str(summary.outcomes.get(outcome, 0)))
    table.add_row("thành bản hiện hành / promoted", str(summary.promoted))
    table.add_row("chưa xong / not finished", str(summary.open_items))
    table.add_row("trang / pages", f"{summary.pages_finished}/{summary.pages}")
    wall = summary.wall_seconds
    table.add_row("thời gian / wall time", f"{wall:.0f} s" if wall is not None else "-")
    table.add_row("thời gian xử lý / processing", f"{summary.processing_seconds:.0f} s")
    console.print(table)
    if summary.open_items:
        console.print(f"Tiếp tục / resume: sohoa reocr resume {summary.batch_id}")


class ProgressLines:
    """Where no terminal shows the bar (a service manager's log, a pipe): a line of progress at
    most every ``every`` seconds, and one at the end."""

    def __init__(self, batch_id: int, *, enabled: bool, every: float = 30.0) -> None:
        self.batch_id, self.enabled, self.every = batch_id, enabled, every
        self.last: float | None = None

    def show(self, summary: BatchSummary, *, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (
            not force and self.last is not None and now - self.last < self.every
        ):
            return
        self.last = now
        failed = summary.states.get(ItemState.FAILED, 0)
        console.print(
            f"nhận dạng lại #{self.batch_id}: {summary.pages_finished}/{summary.pages} trang · "
            f"{summary.finished}/{summary.items} mục · lỗi {failed}",
            soft_wrap=True,
        )


def _feed(services: Services, batch_id: int, throttle: float | None) -> BatchSummary:
    """Feed with a progress bar (pages) and ETA that follow item states in the index."""
    pace = Throttle(
        services.settings.reocr.throttle_pages_per_minute if throttle is None else throttle
    )
    first = batch_summary(services, batch_id)
    columns = (
        TextColumn("[bold]#{task.fields[batch]}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("trang · {task.fields[items]} mục · lỗi {task.fields[failed]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console) as progress:
        task = progress.add_task(
            "reocr",
            total=first.pages,
            completed=first.pages_finished,
            batch=batch_id,
            items=f"{first.finished}/{first.items}",
            failed=first.states.get(ItemState.FAILED, 0),
        )

        lines = ProgressLines(batch_id, enabled=not console.is_terminal)
        lines.show(first)

        def show(summary: BatchSummary) -> None:
            progress.update(
                task,
                completed=summary.pages_finished,
                items=f"{summary.finished}/{summary.items}",
                failed=summary.states.get(ItemState.FAILED, 0),
            )
            lines.show(summary)

        if services.settings.queue.redis_url:
            from workers.queues import RqQueue

            rq = RqQueue(services.settings.queue)
            summary = feed_queue(services, batch_id, rq, throttle=pace, on_progress=show)
        else:
            summary = feed_inline(services, batch_id, throttle=pace, on_progress=show)
        show(summary)
        lines.show(summary, force=True)
    return summary


def _open(data_dir: Path | None) -> Services:
    settings = load_settings(data_dir)
    if not settings.queue.redis_url:  # the OCR runs here: the tools must be present
        from pipeline.tools.probe import probe_tools

        probe_tools(settings.ocr)
    return Services.open(settings)


def _run_feed(services: Services, batch_id: int, throttle: float | None) -> None:
    try:
        _show_summary(_feed(services, batch_id, throttle))
    except KeyboardInterrupt:
        queued = (
            " Mục đã vào hàng đợi vẫn được xử lý. / Items already queued still run."
            if services.settings.queue.redis_url
            else ""
        )
        err_console.print(
            f"[yellow]Đã dừng; việc đã xong được giữ. / Stopped; finished items are kept.[/]"
            f"{queued}\nTiếp tục / resume: sohoa reocr resume {batch_id}"
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None


@reocr_app.command("select")
def select_command(
    since: Since = None,
    until: Until = None,
    unit: Units = None,
    doc_type: DocTypes = None,
    outdated: Outdated = False,
    below_confidence: BelowConfidence = None,
    needs_review: NeedsReview = None,
    include_corrected: IncludeCorrected = False,
    limit: Limit = None,
    data_dir: DataDir = None,
) -> None:
    """Đếm kết quả và trang sẽ nhận dạng lại (không chạy) / count what a run would re-OCR."""
    filters = _filters(
        since,
        until,
        unit,
        doc_type,
        outdated,
        below_confidence,
        needs_review,
        include_corrected,
        limit,
    )
    try:
        _show_selection(Services.open(load_settings(data_dir)), filters)
    except SohoaError as error:
        raise fail(error) from error


@reocr_app.command("run")
def run_command(
    since: Since = None,
    until: Until = None,
    unit: Units = None,
    doc_type: DocTypes = None,
    outdated: Outdated = False,
    below_confidence: BelowConfidence = None,
    needs_review: NeedsReview = None,
    include_corrected: IncludeCorrected = False,
    limit: Limit = None,
    throttle: Throttling = None,
    policy: Annotated[
        PolicyKind | None, typer.Option(help="Khi nào bản mới thành bản hiện hành")
    ] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Không hỏi lại")] = False,
    data_dir: DataDir = None,
) -> None:
    """Tạo lô và nhận dạng lại / create a batch and re-OCR it (resumable)."""
    from workers.reocr import policy_from, start_batch

    filters = _filters(
        since,
        until,
        unit,
        doc_type,
        outdated,
        below_confidence,
        needs_review,
        include_corrected,
        limit,
    )
    try:
        services = _open(data_dir)
        if _show_selection(services, filters) == 0:
            console.print("Không có kết quả nào phù hợp. / Nothing selected.")
            return
        if not yes and not typer.confirm("Nhận dạng lại các kết quả trên? / Re-OCR these?"):
            raise typer.Exit(1)
        chosen = policy_from(services.settings.reocr)
        if policy is not None:
            chosen = chosen.model_copy(update={"kind": policy})
        batch_id = start_batch(services, filters, policy=chosen, created_by=getpass.getuser())
        console.print(f"Lô / batch #{batch_id} ({chosen.kind.value})")
        _run_feed(services, batch_id, throttle)
    except SohoaError as error:
        raise fail(error) from error


@reocr_app.command("resume")
def resume_command(
    batch_id: Annotated[int, typer.Argument(help="Số lô / batch ID")],
    throttle: Throttling = None,
    retry_failed: Annotated[bool, typer.Option(help="Chạy lại cả mục lỗi")] = False,
    reclaim_running: Annotated[
        bool, typer.Option(help="Lấy lại mục 'đang chạy' của tiến trình đã dừng hẳn")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Tiếp tục lô bị dừng; mục đã xong không chạy lại / continue a batch, finished items kept."""
    from storage.index import reocr as batches

    try:
        services = _open(data_dir)
        batch_summary(services, batch_id)  # NotFound before anything changes
        with services.index.session() as session:
            if retry_failed:
                batches.retry_failed(session, batch_id)
            if reclaim_running:
                batches.reclaim_running(session, batch_id)
        _run_feed(services, batch_id, throttle)
    except SohoaError as error:
        raise fail(error) from error


@reocr_app.command("status")
def status_command(
    batch_id: Annotated[int, typer.Argument(help="Số lô / batch ID")],
    data_dir: DataDir = None,
) -> None:
    """Tóm tắt lô: tốt hơn / như cũ / kém hơn / lỗi, trang, thời gian / batch summary."""
    try:
        services = Services.open(load_settings(data_dir))
        _show_summary(batch_summary(services, batch_id))
    except SohoaError as error:
        raise fail(error) from error
