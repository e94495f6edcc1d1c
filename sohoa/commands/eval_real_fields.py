"""``sohoa eval real-fields DIR``: fields of real administrative documents against ``truth.json``.

    sohoa eval real-fields ../shared/realscans

Each file goes through the whole pipeline (one process per core). Printed per file: the type it
was filed as, the printed items right and wrong, how the handwritten number and day ended, any
personal field found; then the totals. Exit 1 when the printed items fall under ``--min`` or a
handwritten value is wrong without a review reason, a personal field appears, or a file is filed
as a civil type.
"""

from __future__ import annotations

import logging
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipeline.evaluate.real_fields import (
    PRINTED,
    RealFieldSample,
    RealFieldScore,
    find_real_field_samples,
    score_real_fields,
)
from pipeline.runner import run_document
from schemas.errors import SohoaError
from schemas.settings import Settings

log = logging.getLogger(__name__)


def _one(sample_json: str, settings_json: str) -> str:
    """Runs in a worker process; models cross the process boundary as JSON."""
    sample = RealFieldSample.model_validate_json(sample_json)
    settings = Settings.model_validate_json(settings_json)
    with tempfile.TemporaryDirectory(prefix="sohoa-eval-fields-") as scratch:
        try:
            output = run_document(sample.path, Path(scratch), settings)
        except (SohoaError, OSError) as error:
            return RealFieldScore(
                name=sample.name, doc_type="—", error=str(error)
            ).model_dump_json()
    extraction = output.result.extraction
    return score_real_fields(sample.name, sample.truth, extraction).model_dump_json()


def _table(scores: list[RealFieldScore]) -> Table:
    table = Table(
        title="Văn bản thật: trường in và viết tay / real documents: printed and handwritten items",
        title_justify="left",
    )
    for header in ("Tệp / file", "Loại / type", "In đúng / printed", "Sai / wrong", "Viết tay"):
        table.add_column(header, overflow="fold")
    for s in scores:
        wrong = ", ".join(f"{k} «{v}»" for k, v in s.printed_wrong.items())
        hand = " ".join(
            [f"{f}: đúng" for f in s.handwritten_right]
            + [f"{f}: gắn cờ" for f in s.handwritten_flagged]
            + [f"[red]{f}: sai không cờ[/]" for f in s.handwritten_unflagged]
        )
        kind = s.doc_type if s.type_accepted else f"[red]{s.doc_type}[/]"
        table.add_row(
            s.name + (f" [red]{s.error}[/]" if s.error else ""),
            kind,
            f"{len(s.printed_right)}/{len(PRINTED)}",
            wrong,
            hand or "—",
        )
    return table


def eval_real_fields(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False)],
    workers: Annotated[int, typer.Option(help="Số tiến trình")] = os.cpu_count() or 1,
    minimum: Annotated[float, typer.Option("--min", help="Ngưỡng trường in (0..1)")] = 0.9,
) -> None:
    """Đo trường văn bản hành chính thật / fields of real administrative documents."""
    console = Console(width=max(Console().width, 150))
    samples = find_real_field_samples(directory)
    if not samples:
        console.print(f"[red]Không có truth.json hoặc tệp nào của nó trong {directory}[/]")
        raise typer.Exit(2)
    settings_json = Settings().model_dump_json()  # built once here, at the command's edge
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        results = list(
            pool.map(_one, [s.model_dump_json() for s in samples], [settings_json] * len(samples))
        )
    scores = [RealFieldScore.model_validate_json(r) for r in results]
    console.print(_table(scores))
    right = sum(len(s.printed_right) for s in scores)
    total = len(PRINTED) * len(scores)
    unflagged = sum(len(s.handwritten_unflagged) for s in scores)
    personal = [s.name for s in scores if s.personal_fields]
    civil = [s.name for s in scores if not s.type_accepted]
    console.print(
        f"[bold]Trường in đúng / printed items right: {right}/{total} = "
        f"{100 * right / total:.1f}%[/]",
        soft_wrap=True,
    )
    console.print(
        f"Viết tay / handwritten: đúng {sum(len(s.handwritten_right) for s in scores)} · "
        f"gắn cờ {sum(len(s.handwritten_flagged) for s in scores)} · sai không cờ {unflagged}",
        soft_wrap=True,
    )
    console.print(
        f"Tệp có trường cá nhân / files with personal fields: {len(personal)} · "
        f"tệp bị xếp loại hộ tịch / files filed as a civil type: {len(civil)}",
        soft_wrap=True,
    )
    if right < minimum * total or unflagged or personal or civil:
        raise typer.Exit(1)
