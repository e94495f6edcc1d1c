"""``sohoa eval …``: measure the pipeline on generated, labelled samples.

    sohoa eval corpus var/eval --count 44 --seed 1        # degraded pages + ground truth
    sohoa eval ocr var/eval --compare                      # CER and pages/minute, ± clean-up

Further evaluations join the same sub-app, e.g. ``eval_app.command("fields")(eval_fields)``.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from pipeline.evaluate.ocr import (
    Sample,
    SampleScore,
    Summary,
    by_profile,
    evaluate_sample,
    find_samples,
    summarize,
)
from pipeline.evaluate.real_scans import DEFAULT_NO_SPACES, find_real_samples
from pipeline.tools.probe import probe_tools
from schemas.errors import SohoaError
from schemas.settings import Settings
from sohoa.commands import fail
from sohoa.commands.eval_corpus import (
    DEFAULT_PROFILES,
    PROFILES,
    REAL_SCAN_PROFILES,
    write_corpus,
)
from sohoa.commands.eval_real import eval_real_scans
from sohoa.samples.fonts import FACES

eval_app = typer.Typer(
    help="Đánh giá trên mẫu có nhãn / evaluate on labelled samples.", no_args_is_help=True
)
console = Console()


def _one(sample_json: str, settings_json: str, preprocess: bool) -> str:
    """Runs in a worker process; models cross the process boundary as JSON."""
    sample = Sample.model_validate_json(sample_json)
    settings = Settings.model_validate_json(settings_json)
    return evaluate_sample(sample, settings, preprocess).model_dump_json()


def run_modes(
    samples: list[Sample], settings: Settings, modes: list[bool], workers: int
) -> dict[bool, tuple[list[SampleScore], float]]:
    """Every sample in every mode, interleaved in one pool of ``workers`` OCR processes.

    Interleaving makes both modes share whatever else the machine is doing; each mode's wall
    time is its share of the pool: the sum of its samples' times over the worker count.
    """
    settings_json = settings.model_dump_json()
    jobs = [(s.model_dump_json(), mode) for s in samples for mode in modes]
    args = ([j for j, _ in jobs], [settings_json] * len(jobs), [m for _, m in jobs])
    if workers <= 1:
        results = [_one(*a) for a in zip(*args, strict=True)]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_one, *args))
    scores = [SampleScore.model_validate_json(r) for r in results]
    runs = {}
    for mode in modes:
        mine = [s for s in scores if s.preprocess == mode]
        runs[mode] = (mine, sum(s.seconds for s in mine) / workers)
    return runs


def _pct(summary: Summary | None) -> str:
    return "–" if summary is None else f"{100 * summary.cer.cer:.2f}%"


def _rate(pages: int, seconds: float) -> str:
    return f"{60 * pages / seconds:.1f}" if seconds > 0 else "–"


def report_table(
    runs: dict[bool, tuple[list[SampleScore], float]], workers: int
) -> tuple[Table, dict[bool, Summary]]:
    """Per-profile CER side by side (with / without clean-up) and pages per minute."""
    table = Table(
        title="Tỷ lệ lỗi ký tự (CER) theo kiểu bản quét / character error rate by scan profile",
        title_justify="left",
    )
    table.add_column("Kiểu quét / profile")
    table.add_column("Trang / pages", justify="right")
    modes = [mode for mode in (True, False) if mode in runs]
    for mode in modes:
        label = "có tiền xử lý / with clean-up" if mode else "không / without"
        table.add_column(f"CER {label}", justify="right")
    groups = {mode: by_profile(runs[mode][0]) for mode in modes}
    profiles = sorted({name for g in groups.values() for name in g})
    for name in profiles:
        row = [name, str(sum(s.pages for s in groups[modes[0]].get(name, [])))]
        row += [_pct(summarize(groups[m][name]) if name in groups[m] else None) for m in modes]
        table.add_row(*row)
    totals = {mode: summarize(runs[mode][0]) for mode in modes}
    footer = ["[bold]Tổng / all[/]", str(totals[modes[0]].pages)]
    footer += [f"[bold]{_pct(totals[m])}[/]" for m in modes]
    table.add_section()
    table.add_row(*footer)
    rate = ["Trang/phút / pages per minute", f"{workers} tiến trình / procs"]
    rate += [_rate(totals[m].pages, runs[m][1]) for m in modes]
    table.add_row(*rate)
    per_page = ["Giây/trang / s per page", "(một lõi / one core)"]
    per_page += [f"{totals[m].seconds_per_page:.2f}" for m in modes]
    table.add_row(*per_page)
    cpu = ["Giây CPU/trang / CPU s per page", "(không phụ thuộc tải / load-free)"]
    cpu += [f"{totals[m].cpu_per_page:.2f}" for m in modes]
    table.add_row(*cpu)
    return table, totals


@eval_app.command("ocr")
def eval_ocr(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False)],
    no_preprocess: Annotated[
        bool, typer.Option("--no-preprocess", help="Tắt tiền xử lý / clean-up off")
    ] = False,
    compare: Annotated[
        bool, typer.Option("--compare", help="Cả hai, cạnh nhau / both, side by side")
    ] = False,
    workers: Annotated[int, typer.Option(min=1, help="Số tiến trình OCR")] = os.cpu_count() or 1,
    lang: Annotated[str, typer.Option(help="Ngôn ngữ Tesseract, vd vie+eng")] = "",
    max_cer: Annotated[
        float, typer.Option(help="Ngưỡng CER có tiền xử lý (0..1); vượt → mã thoát 1")
    ] = 1.0,
    worst: Annotated[int, typer.Option(help="In N mẫu tệ nhất / show the N worst samples")] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="Bản quét thật: in JSON / real scans: print JSON")
    ] = False,
    no_spaces: Annotated[
        list[str] | None,
        typer.Option(help="Bản quét thật: tệp so không tính dấu cách (mẫu glob) / no-space files"),
    ] = None,
    max_ratio: Annotated[
        float, typer.Option(help="Bản quét thật: CER sohoa / Tesseract tối đa; vượt → mã thoát 1")
    ] = float("inf"),
) -> None:
    """Đo CER và tốc độ OCR / OCR character error rate and pages per minute.

    A folder of generated samples (``*.truth.json``) is read with and without clean-up; a
    folder of real scans (``<file>.gt.txt`` beside each file, in sub-folders) is read by sohoa
    and by plain Tesseract in the same run.
    """
    settings = Settings()
    if lang:
        settings.ocr.languages = lang
    samples = find_samples(directory)
    real = [] if samples else find_real_samples(directory, no_spaces or DEFAULT_NO_SPACES)
    if not samples and not real:
        console.print(
            f"[red]Không có mẫu có nhãn (*.truth.json hoặc *.gt.txt) trong {directory}[/]"
        )
        raise typer.Exit(2)
    try:
        probe_tools(settings.ocr)
    except SohoaError as error:
        raise fail(error) from error
    if real:
        eval_real_scans(real, settings, workers, as_json, max_ratio)
        return
    modes = [True, False] if compare else [not no_preprocess]
    with console.status(f"OCR {len(samples)} mẫu × {len(modes)} chế độ / modes…"):
        runs = run_modes(samples, settings, modes, workers)
    table, totals = report_table(runs, workers)
    console.print(table)
    console.print(f"Ngôn ngữ / languages: {settings.ocr.languages}; mẫu / samples: {len(samples)}")
    if True in totals:
        with_ = totals[True]
        console.print(
            f"Xoay trang / pages turned: {with_.rotated}; gọi OSD / OSD calls: {with_.osd_calls}"
        )
    if True in totals and False in totals and runs[True][1] > 0 and totals[True].cpu_seconds:
        wall = runs[False][1] / runs[True][1]
        cpu = totals[False].cpu_seconds / totals[True].cpu_seconds
        console.print(
            f"Tốc độ so với không tiền xử lý / throughput vs without: {wall:.2f}× (thời gian thực"
            f" / wall), {cpu:.2f}× (CPU)"
        )
    for mode in modes:
        for item in sorted(runs[mode][0], key=lambda s: -s.cer.cer)[:worst]:
            state = "có" if mode else "không"
            console.print(f"  \\[{state}] {item.name}: CER {100 * item.cer.cer:.2f}% {item.error}")
    if True in totals and totals[True].cer.cer > max_cer:
        raise typer.Exit(1)


@eval_app.command("corpus")
def eval_corpus(
    directory: Annotated[Path, typer.Argument(file_okay=False)],
    count: Annotated[int, typer.Option(min=1, help="Số mẫu / number of samples")] = 44,
    seed: Annotated[int, typer.Option(help="Hạt giống ngẫu nhiên / seed")] = 0,
    severity: Annotated[
        float | None,
        typer.Option(min=0.0, max=1.0, help="Lỗi ngẫu nhiên theo mức 0..1 thay cho kiểu cố định"),
    ] = None,
    fonts: Annotated[
        str,
        typer.Option(
            help="Phông chữ, cách nhau bởi dấu phẩy (dejavu, liberation, noto) hoặc 'all'; "
            "mặc định: dejavu / typefaces, or 'all'; default dejavu"
        ),
    ] = "",
    profiles: Annotated[
        str,
        typer.Option(
            help=f"Kiểu quét, cách nhau bởi dấu phẩy: {', '.join(PROFILES)}; "
            "'real': các kiểu của bản quét thật / the kinds real scans have"
        ),
    ] = ",".join(DEFAULT_PROFILES),
) -> None:
    """Sinh bộ mẫu suy giảm có nhãn / generate the degraded, labelled corpus."""
    names = tuple(p.strip() for p in profiles.split(",") if p.strip())
    if names == ("real",):  # what real counter scans have
        names = tuple(REAL_SCAN_PROFILES)
    chosen = FACES if fonts == "all" else tuple(f.strip() for f in fonts.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FACES]
    if unknown:
        console.print(f"[red]Phông chữ không có / unknown typefaces: {unknown}; có: {FACES}[/]")
        raise typer.Exit(2)
    faces = tuple(f for f in FACES if f in chosen) or None
    try:
        with console.status(f"Sinh {count} mẫu…"):
            written = write_corpus(directory, count, seed, names, severity, faces=faces)
    except ValueError as error:
        console.print(f"[red]{error}[/]")
        raise typer.Exit(2) from error
    console.print(f"{len(written)} mẫu / samples → {directory}")
