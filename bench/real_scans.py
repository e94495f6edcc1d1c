"""Benchmark: sohoa on real scans (``../shared/realscans``): CPU per page, pages per minute, peak
memory, and CER against plain Tesseract measured in the same run.

Every file of the folder (PDF, TIFF, JPEG; with or without truth) goes end to end through
``run_document`` (searchable PDF included) in a child process of its own, so that its peak
resident memory, its own or its Tesseract's, is read cleanly. Plain ``tesseract FILE -`` on the
same files is the baseline. Skipped (no result rows, a note) when the folder is absent.

    .venv/bin/python -m bench.real_scans [--quick] [--folder ../shared/realscans]

Not part of the test suite. Internal-use scans: nothing of them is written outside /tmp.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import REPO
from bench.result import BenchResult, Row, emit, load_average
from pipeline.evaluate.ocr import IMAGE_SUFFIXES, cpu_seconds
from pipeline.evaluate.real_scans import evaluate_real, find_real_samples, summarize_real
from schemas.settings import Settings

DEFAULT_FOLDER = REPO.parent / "shared" / "realscans"
TARGET_CER_RATIO = 0.8


def run_one(path: Path) -> dict[str, float]:
    """In the child: process one file end to end; CPU, pages and peak memory (MiB)."""
    from pipeline.runner import run_document

    start, cpu = time.perf_counter(), cpu_seconds()
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-real-") as scratch:
        done = run_document(path, Path(scratch), Settings())
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "pages": len(done.result.ocr.pages),
        "cpu": cpu_seconds() - cpu,
        "wall": time.perf_counter() - start,
        "peak_mib": max(own, children) / 1024,
    }


def files_of(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)


def measure(folder: Path, quick: bool) -> BenchResult:
    files = files_of(folder)
    if quick:
        files = [f for f in files if f.stat().st_size < 1_000_000][:6]
    runs = []
    for path in files:
        done = subprocess.run(
            [sys.executable, "-m", "bench.real_scans", "--one", str(path)],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            print(f"{path.name}: failed: {done.stderr.strip()[-300:]}")
            continue
        run = json.loads(done.stdout.strip().splitlines()[-1])
        print(
            f"{path.relative_to(folder)}: {run['pages']:.0f} trang, {run['cpu']:.1f} s CPU, "
            f"{run['peak_mib']:.0f} MiB"
        )
        runs.append(run)
    pages = sum(r["pages"] for r in runs)
    cpu = sum(r["cpu"] for r in runs)
    wall = sum(r["wall"] for r in runs)
    peak = max((r["peak_mib"] for r in runs), default=0.0)
    samples = find_real_samples(folder)
    scores = [evaluate_real(s, Settings()) for s in samples]
    summary = summarize_real(scores)
    plain_cpu = summary.tesseract_cpu_seconds / summary.pages if summary.pages else None
    own_cpu = summary.sohoa_cpu_seconds / summary.pages if summary.pages else None
    rows = [
        Row(
            name="Real scans: CPU per page (end to end)",
            value=round(cpu / pages, 2) if pages else None,
            unit="CPU s/page",
            baseline=f"plain tesseract {plain_cpu:.2f} CPU s/page (text only)" if plain_cpu else "",
            ratio=round(own_cpu / plain_cpu, 2) if own_cpu and plain_cpu else None,
            note=f"{len(runs)} files, {pages} pages",
        ),
        Row(
            name="Real scans: pages per minute (one process)",
            value=round(60 * pages / wall, 1) if wall else None,
            unit="pages/min",
        ),
        Row(
            name="Real scans: peak resident memory of one file",
            value=round(peak, 1),
            unit="MiB",
        ),
        Row(
            name="Real scans: CER, sohoa vs plain tesseract",
            value=round(100 * summary.sohoa.cer, 2),
            unit="% CER",
            baseline=f"plain tesseract {100 * summary.tesseract.cer:.2f} % CER",
            ratio=round(summary.ratio, 3),
            target=f"<= {TARGET_CER_RATIO}x plain",
            passed=summary.ratio <= TARGET_CER_RATIO,
            note=f"{summary.files} files with truth",
        ),
    ]
    details = {
        "files": [{"pages": r["pages"], "cpu": r["cpu"], "peak_mib": r["peak_mib"]} for r in runs],
        "load": load_average(),
    }
    return BenchResult(bench="realscans", rows=rows, details=details)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    if not args.folder.is_dir():
        print(f"{args.folder} is not here: skipped")
        emit(BenchResult(bench="realscans", details={"skipped": str(args.folder)}))
        return
    emit(measure(args.folder, args.quick))


if __name__ == "__main__":
    main()
