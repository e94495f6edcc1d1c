"""``sohoa eval ocr DIR`` on real scans: sohoa's CER beside plain Tesseract's, per file and folder.

sohoa eval ocr ../shared/realscans            # table
sohoa eval ocr ../shared/realscans --json     # for machines
"""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor

import typer
from rich.console import Console
from rich.table import Table

from pipeline.evaluate.real_scans import (
    RealSample,
    RealScore,
    RealSummary,
    by_group,
    evaluate_real,
    summarize_real,
)
from schemas.settings import Settings

console = Console()


def _one(sample_json: str, settings_json: str) -> str:
    """Runs in a worker process; models cross the process boundary as JSON."""
    sample = RealSample.model_validate_json(sample_json)
    settings = Settings.model_validate_json(settings_json)
    return evaluate_real(sample, settings).model_dump_json()


def run_real(samples: list[RealSample], settings: Settings, workers: int) -> list[RealScore]:
    """Every file read both ways, ``workers`` files at a time."""
    args = ([s.model_dump_json() for s in samples], [settings.model_dump_json()] * len(samples))
    if workers <= 1:
        results = [_one(*a) for a in zip(*args, strict=True)]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_one, *args))
    return [RealScore.model_validate_json(r) for r in results]


def _pct(score: float) -> str:
    return f"{100 * score:.2f}%"


def _per_page(seconds: float, pages: int) -> str:
    return f"{seconds / pages:.2f}" if pages else "–"


def _summary_row(label: str, summary: RealSummary) -> list[str]:
    return [
        label,
        str(summary.pages),
        _pct(summary.sohoa.cer),
        _pct(summary.tesseract.cer),
        f"{summary.ratio:.2f}×",
        _per_page(summary.sohoa_cpu_seconds, summary.pages),
        _per_page(summary.tesseract_cpu_seconds, summary.pages),
    ]


def real_table(scores: list[RealScore]) -> Table:
    """Per file, then per folder, then the char-weighted total.

    Δ điểm: CER points sohoa is behind plain Tesseract (negative: ahead); CPU s/tr.: CPU
    seconds per page, load-independent.
    """
    table = Table(
        title="Bản quét thật: sohoa so với Tesseract thuần / real scans: sohoa vs plain Tesseract",
        title_justify="left",
    )
    table.add_column("Tệp / file", overflow="fold")
    for header in (
        "Trang",
        "CER sohoa",
        "CER Tess.",
        "Δ điểm",
        "CPU s/tr. sohoa",
        "CPU s/tr. Tess.",
    ):
        table.add_column(header, justify="right")
    for item in scores:
        note = f" [red]{item.error}[/]" if item.error else ""
        table.add_row(
            item.name + note,
            str(item.pages),
            _pct(item.sohoa.cer),
            _pct(item.tesseract.cer),
            f"{item.points_worse:+.2f}",
            _per_page(item.sohoa_cpu_seconds, item.pages),
            _per_page(item.tesseract_cpu_seconds, item.pages),
        )
    table.add_section()
    for group, items in sorted(by_group(scores).items()):
        table.add_row(*_summary_row(f"{group}/", summarize_real(items)))
    table.add_section()
    table.add_row(*_summary_row("[bold]Tổng / all[/]", summarize_real(scores)))
    return table


def report_json(scores: list[RealScore]) -> str:
    summary = summarize_real(scores)

    def pooled(s: RealSummary) -> dict[str, object]:
        return {
            "files": s.files,
            "pages": s.pages,
            "sohoa_cer": s.sohoa.cer,
            "tesseract_cer": s.tesseract.cer,
            "ratio": s.ratio,
            "sohoa_cpu_seconds_per_page": s.sohoa_cpu_seconds / s.pages if s.pages else None,
            "tesseract_cpu_seconds_per_page": (
                s.tesseract_cpu_seconds / s.pages if s.pages else None
            ),
        }

    return json.dumps(
        {
            "files": [
                {
                    "name": s.name,
                    "group": s.group,
                    "pages": s.pages,
                    "sohoa_cer": s.sohoa.cer,
                    "tesseract_cer": s.tesseract.cer,
                    "points_worse": s.points_worse,
                    "truth_chars": s.sohoa.length,
                    "error": s.error,
                }
                for s in scores
            ],
            "groups": {g: pooled(summarize_real(items)) for g, items in by_group(scores).items()},
            "total": pooled(summary),
        },
        ensure_ascii=False,
        indent=2,
    )


def eval_real_scans(
    samples: list[RealSample], settings: Settings, workers: int, as_json: bool, max_ratio: float
) -> None:
    """Print the comparison; exit 1 when sohoa's total CER exceeds ``max_ratio`` × Tesseract's."""
    if as_json:
        scores = run_real(samples, settings, workers)
        typer.echo(report_json(scores))
    else:
        with console.status(f"Đọc {len(samples)} bản quét thật hai cách / two ways…"):
            scores = run_real(samples, settings, workers)
        console.print(real_table(scores))
        summary = summarize_real(scores)
        console.print(
            f"CER sohoa / Tesseract: {summary.ratio:.2f}× "
            f"({summary.sohoa.edits}/{summary.sohoa.length} so với / vs "
            f"{summary.tesseract.edits}/{summary.tesseract.length} ký tự / characters)"
        )
    if summarize_real(scores).ratio > max_ratio:
        raise typer.Exit(1)
