"""``sohoa eval fields DIR``: per-field extraction accuracy on a labelled directory.

Each image with a ``<stem>.truth.json`` next to it goes through the full pipeline (one OCR process
per core); the command prints field accuracy and the count of wrong ID numbers that were not sent
to review — which must be zero.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from pipeline.evaluate.fields import ID_FIELDS, DocumentScore, score_document, summarize
from pipeline.extract.registry import all_rules
from pipeline.extract.spec import Kind
from pipeline.runner import run_document
from schemas.fields import Extraction
from schemas.settings import Settings
from schemas.vietnamese import mask_id_number

log = logging.getLogger(__name__)
# Every field read as a person's name, in any document type: the names line of the report.
NAME_FIELDS = frozenset(
    spec.name for rules in all_rules() for spec in rules.fields if spec.kind is Kind.NAME
)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}


def labelled_files(directory: Path) -> list[tuple[Path, Path]]:
    pairs = []
    for path in sorted(directory.iterdir()):
        truth = path.with_name(f"{path.stem}.truth.json")
        if path.suffix.lower() in IMAGE_SUFFIXES and truth.exists():
            pairs.append((path, truth))
    return pairs


def _extract_one(path: Path, settings_json: str) -> str:
    """Runs in a worker process: the extraction as JSON (pydantic models cross as text)."""
    settings = Settings.model_validate_json(settings_json)
    with tempfile.TemporaryDirectory(prefix="sohoa-eval-") as scratch:
        try:
            output = run_document(path, Path(scratch), settings)
        except Exception:  # an evaluation counts a crash as an empty extraction and goes on
            log.exception("đánh giá %s thất bại / evaluation failed", path.name)
            return Extraction().model_dump_json()
    return output.result.extraction.model_dump_json()


def _summary_table(scores: list[DocumentScore]) -> Table:
    summary = summarize(scores)
    table = Table(title="Độ chính xác theo trường / per-field accuracy", title_justify="left")
    table.add_column("Trường / field")
    table.add_column("Đúng / right", justify="right")
    table.add_column("Tổng / total", justify="right")
    table.add_column("Tỷ lệ", justify="right")
    table.add_column("Sai không cờ / wrong unflagged", justify="right")
    table.add_column("Đúng bị cờ / right flagged", justify="right")
    for name in sorted(summary.per_field_total):
        total = summary.per_field_total[name]
        right = summary.per_field_correct.get(name, 0)
        unflagged = summary.per_field_unflagged_wrong.get(name, 0)
        flagged = summary.per_field_flagged_right.get(name, 0)
        table.add_row(
            name,
            str(right),
            str(total),
            f"{100 * right / total:.1f}%",
            f"[red]{unflagged}[/]" if unflagged else "0",
            str(flagged),
        )
    return table


def _confusion_table(scores: list[DocumentScore]) -> Table:
    """Rows: the true type; columns: the type each document was filed as."""
    summary = summarize(scores)
    found = sorted({t for row in summary.confusion.values() for t in row})
    table = Table(
        title="Loại giấy tờ: đúng (hàng) / nhận diện (cột) — doc types, truth × found",
        title_justify="left",
    )
    table.add_column("Loại / type")
    for name in found:
        table.add_column(name, justify="right")
    table.add_column("Trường đúng / fields right", justify="right")
    for truth in sorted(summary.confusion):
        row = summary.confusion[truth]
        cells = [
            (f"[bold]{row.get(f, 0)}[/]" if f == truth else f"[red]{row[f]}[/]")
            if row.get(f)
            else "·"
            for f in found
        ]
        total = summary.per_type_total.get(truth, 0)
        right = summary.per_type_correct.get(truth, 0)
        share = f"{right}/{total} = {100 * right / total:.1f}%" if total else "—"
        table.add_row(truth, *cells, share)
    return table


def eval_fields(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False)],
    workers: Annotated[int, typer.Option(help="Số tiến trình OCR")] = os.cpu_count() or 1,
    min_accuracy: Annotated[float, typer.Option(help="Ngưỡng đạt (0..1)")] = 0.97,
    show_errors: Annotated[bool, typer.Option(help="In từng trường sai")] = False,
) -> None:
    """Đo độ chính xác trích xuất trường / field extraction accuracy on labelled samples."""
    console = Console(width=max(Console().width, 150))  # the type matrix is wide
    pairs = labelled_files(directory)
    if not pairs:
        console.print(f"[red]Không có tệp mẫu có nhãn (*.truth.json) trong {directory}[/]")
        raise typer.Exit(2)
    truths = {path: json.loads(truth.read_text(encoding="utf-8")) for path, truth in pairs}
    scores: list[DocumentScore] = []
    progress = Progress(
        TextColumn("[bold]Đánh giá[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
    )
    settings_json = Settings().model_dump_json()  # built once here, at the command's edge
    with progress, ProcessPoolExecutor(max_workers=workers) as pool:
        task = progress.add_task("", total=len(pairs))
        futures = {pool.submit(_extract_one, path, settings_json): path for path, _ in pairs}
        for future in as_completed(futures):
            path = futures[future]
            truth = truths[path]
            extraction = Extraction.model_validate_json(future.result())
            scores.append(
                score_document(
                    path.name,
                    truth["doc_type"],
                    truth["fields"],
                    extraction,
                    truth.get("handwritten", ()),
                )
            )
            progress.advance(task)
    scores.sort(key=lambda s: s.name)
    summary = summarize(scores)
    console.print(_summary_table(scores))
    console.print(_confusion_table(scores))
    if show_errors:
        for s in scores:
            fields = truths[directory / s.name]["fields"]
            for name in (*s.wrong, *s.missing):
                found, expected = s.readings.get(name, "—"), fields[name]
                if name in ID_FIELDS:
                    found, expected = mask_id_number(found), mask_id_number(expected)
                console.print(
                    f"  {s.name}: {name} «{found}» ≠ «{expected}» (cần kiểm tra={s.needs_review})",
                    soft_wrap=True,
                )
            for name in s.flagged_right:
                console.print(f"  {s.name}: {name} đúng nhưng bị gắn cờ / right but flagged")
    console.print(
        f"Tài liệu / documents: {summary.documents} · đúng loại / type right: "
        f"{summary.doc_type_correct} · cần kiểm tra / review: {summary.needs_review}"
    )
    console.print(
        f"[bold]Trường đúng / fields exactly right: {summary.fields_correct}/{summary.fields_total}"
        f" = {100 * summary.field_accuracy:.2f}%[/]",
        soft_wrap=True,
    )
    console.print(
        f"[bold]Số định danh sai không bị gắn cờ kiểm tra / wrong ID numbers not flagged: "
        f"{summary.unflagged_wrong_ids}[/]",
        soft_wrap=True,
    )
    if summary.handwritten_right + summary.handwritten_flagged + summary.handwritten_unflagged:
        console.print(
            f"Viết tay / handwritten values: đúng / right {summary.handwritten_right} · sai nhưng "
            f"được gắn cờ / wrong but flagged {summary.handwritten_flagged} · sai không cờ / "
            f"wrong unflagged {summary.handwritten_unflagged}",
            soft_wrap=True,
        )
    names = summary.group(NAME_FIELDS)
    if names.total:
        console.print(
            f"[bold]Tên / names: đúng / right {names.correct}/{names.total} = "
            f"{100 * names.correct / names.total:.2f}% · sai không cờ / wrong unflagged "
            f"{names.unflagged_wrong} · đúng bị cờ / right flagged {names.flagged_right} = "
            f"{100 * names.flagged_right / max(1, names.correct):.1f}% of right[/]",
            soft_wrap=True,
        )
    unflagged = sum(summary.per_field_unflagged_wrong.values())
    console.print(
        f"Giá trị sai không bị gắn cờ (mọi trường) / wrong values not flagged (any field): "
        f"{unflagged}",
        soft_wrap=True,
    )
    if summary.field_accuracy < min_accuracy or summary.unflagged_wrong_ids:
        raise typer.Exit(1)
    if summary.handwritten_unflagged:
        raise typer.Exit(1)
