"""``sohoa jobs``: queue depths, failed jobs with their reasons, and retrying them.

Reasons come from the scan's recorded error (Vietnamese and English) or else rq's last error
line; any 12-digit number in them is masked, as everywhere staff data reaches a terminal.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from schemas.errors import NotFound, SohoaError
from schemas.records import ScanState
from schemas.vietnamese import mask_id_number
from sohoa.commands import console, err_console, fail, load_settings
from storage.index.scans import count_by_state
from storage.index.tables import Scan
from workers.queues import InlineQueue, RqQueue, scan_id_of_job, scan_job_id
from workers.services import Services

_ID_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")


def masked(text: str) -> str:
    return _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)


def _scan_rows(services: Services, scan_ids: set[int]) -> dict[int, Scan]:
    with services.index.session() as session:
        rows = session.scalars(select(Scan).where(Scan.id.in_(scan_ids))).all()
        return {row.id: row for row in rows}


def _failed_scans(services: Services) -> list[Scan]:
    with services.index.session() as session:
        query = select(Scan).where(Scan.state == ScanState.FAILED.value).order_by(Scan.id)
        return list(session.scalars(query).all())


def _reason(scan: Scan | None, fallback: str) -> str:
    if scan is not None and scan.error_message:
        return masked(" / ".join(scan.error_message.splitlines()[:3]))
    return masked(fallback) or "-"


def _show_queues(rq: RqQueue) -> None:
    from workers.queue_admin import queue_depths, worker_count

    table = Table(title=f"Hàng đợi / queues — {worker_count(rq)} tiến trình xử lý / workers")
    for header in ("hàng đợi", "chờ", "đang chạy", "hẹn giờ", "lỗi", "xong"):
        table.add_column(header, justify="left" if header == "hàng đợi" else "right")
    for row in queue_depths(rq):
        counts = (row.queued, row.started, row.scheduled, row.failed, row.finished)
        table.add_row(row.name, *(str(n) for n in counts))
    console.print(table)


def _show_failures(services: Services, rq: RqQueue | None) -> None:
    table = Table(title="Việc lỗi / failed jobs")
    for header in ("mã việc / job", "bản quét", "tệp", "lý do / reason"):
        table.add_column(header, overflow="fold")
    listed: set[int] = set()
    if rq is not None:
        from workers.queue_admin import failed_jobs

        jobs = failed_jobs(rq)
        scans = _scan_rows(services, {j.scan_id for j in jobs if j.scan_id is not None})
        for job in jobs:
            scan = scans.get(job.scan_id) if job.scan_id is not None else None
            name = scan.filename if scan is not None else "-"
            table.add_row(job.job_id, str(job.scan_id or "-"), name, _reason(scan, job.reason))
            listed.update([job.scan_id] if job.scan_id is not None else [])
    for scan in _failed_scans(services):
        if scan.id not in listed:
            job_id = scan_job_id(services.settings.queue, scan.id)
            table.add_row(job_id, str(scan.id), scan.filename, _reason(scan, ""))
    if table.row_count:
        console.print(table)
    else:
        console.print("Không có việc lỗi. / No failed jobs.")


def _retry(services: Services, rq: RqQueue | None, target: str) -> list[str]:
    """Requeue (or, without Redis, rerun here) failed jobs; returns the job IDs retried."""
    from workers.maintenance import mark_queued

    wanted = None if target == "all" else [target]
    if rq is not None:
        from workers.queue_admin import retry_failed

        failed_ids = {s.id for s in _failed_scans(services)}
        retried = retry_failed(rq, wanted)
        for scan_id in failed_ids - {scan_id_of_job(j) for j in retried}:
            job_id = scan_job_id(services.settings.queue, scan_id)
            if wanted is None or job_id in wanted:  # failed scan with no rq job left
                mark_queued([scan_id], services)
                rq.enqueue_scan(scan_id)
                retried.append(job_id)
        mark_queued([i for i in map(scan_id_of_job, retried) if i is not None], services)
        return retried
    inline = InlineQueue(services)
    retried = []
    for scan in _failed_scans(services):
        job_id = scan_job_id(services.settings.queue, scan.id)
        if wanted is None or job_id in wanted or target == str(scan.id):
            mark_queued([scan.id], services)
            inline.enqueue_scan(scan.id)
            retried.append(job_id)
    return retried


def jobs_command(
    retry: Annotated[
        str | None, typer.Option("--retry", help="Chạy lại việc lỗi: mã việc hoặc 'all'")
    ] = None,
    requeue_stalled: Annotated[
        bool, typer.Option("--requeue-stalled", help="Đưa lại vào hàng đợi việc bị mất")
    ] = False,
    data_dir: Annotated[Path | None, typer.Option(help="Thư mục dữ liệu cục bộ")] = None,
) -> None:
    """Hàng đợi và việc lỗi / queue depths, failed jobs with reasons, retries."""
    try:
        services = Services.open(load_settings(data_dir))
        rq = RqQueue(services.settings.queue) if services.settings.queue.redis_url else None
        if requeue_stalled:
            if rq is None:
                err_console.print("[red]Chưa cấu hình Redis: đặt SOHOA_QUEUE__REDIS_URL.[/]")
                raise typer.Exit(2)
            from workers.maintenance import requeue_lost_scans

            report = requeue_lost_scans(services, rq)
            console.print(
                f"Trả lại {len(report.released)} việc của tiến trình đã dừng, đưa lại "
                f"{len(report.requeued)} bản quét vào hàng đợi, dừng {len(report.gave_up)}."
            )
        if retry:
            retried = _retry(services, rq, retry.strip())
            if not retried:
                raise NotFound(f"việc lỗi / failed job: {retry}")
            console.print(f"Đã chạy lại / retried: {', '.join(retried)}")
        if rq is not None:
            _show_queues(rq)
        with services.index.session() as session:
            states = count_by_state(session)
        summary = ", ".join(f"{state}: {n}" for state, n in sorted(states.items()))
        console.print(f"Bản quét / scans — {summary or 'chưa có'}")
        _show_failures(services, rq)
    except SohoaError as error:
        raise fail(error) from error
