"""Memory: peak resident size of a worker processing one 200-page scanned PDF.

If ``bench/memory_200_pages.py`` (written by another engineer) exists, it is run and its figures
reported. Otherwise this module measures it: a fresh child process opens the services a worker
opens, takes the PDF in and runs ``workers.jobs.process_scan`` on it — what an rq work horse
does — and reports the peak resident size of itself (page images, OCR tree, extraction) and,
separately, of the largest program it started (``pdftoppm``, ``tesseract``, ``pdfunite``),
plus its size after start-up. Peaks are VmHWM from /proc: ``ru_maxrss`` is carried over from
the parent through fork and exec, so the PDF is also built in a process of its own and the
measuring process stays small. The PDF holds A4 certificate pages (the largest pages a counter
handles) as JPEG, as scanners write them; 12 distinct pages repeat, which changes nothing for
memory. Target: worker peak RSS < 600 MB.

    .venv/bin/python -m bench.memory [--quick]        # quick: 30 pages
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, children_of, command_of, exit_on_sigterm, peak_rss_mb
from bench.result import PREFIX, BenchResult, Row, emit, load_average, parse

TARGET_MB = 600.0
FULL_PAGES = 200
QUICK_PAGES = 30
DISTINCT = 12
CERTIFICATE_INDEXES = (3, 4, 5, 6)  # document_for_index cycles cards (0-2), then certificates
OTHER_SCRIPT = REPO / "bench" / "memory_200_pages.py"
CHILD_MARK = "MEMORY_CHILD "


def build_pdf(dest: Path, pages: int, seed: int = 7) -> Path:
    """An image-only PDF of ``pages`` A4 pages (JPEG inside), cycling DISTINCT rendered pages."""
    import img2pdf  # from the bench extra (ocrmypdf needs it)

    from sohoa.samples import COUNTER, degrade, render
    from sohoa.samples.documents import document_for_index

    dest.mkdir(parents=True, exist_ok=True)
    pdf = dest / f"scanned-{pages}.pdf"
    if pdf.exists():
        return pdf
    jpegs: list[Path] = []
    for n in range(min(DISTINCT, pages)):
        index = CERTIFICATE_INDEXES[n % len(CERTIFICATE_INDEXES)] + 7 * (n // 4)
        doc = document_for_index(seed, index)
        image = degrade(render(doc), COUNTER, random.Random(f"bench-memory-{n}")).convert("L")
        path = dest / f"distinct-{n:02d}.jpg"
        image.save(
            path, format="JPEG", quality=50, dpi=(300, 300)
        )  # < 1 MB a page: 200 fit the limit
        jpegs.append(path)
    order = [str(jpegs[n % len(jpegs)]) for n in range(pages)]
    pdf.write_bytes(img2pdf.convert(order))
    return pdf


class ChildSampler:
    """Peak resident size of each program this process starts, read from /proc while it runs."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        own = command_of(os.getpid())
        while not self._stop.is_set():
            for pid in children_of("self"):
                command = command_of(pid)
                if command == own:  # forked, not yet exec'd: still a copy of this process
                    continue
                peak = peak_rss_mb(pid)
                program = Path(command.split(" ", 1)[0]).name or "?"
                if peak is not None and peak > self.peaks.get(program, 0.0):
                    self.peaks[program] = peak
            self._stop.wait(self.interval)

    def __enter__(self) -> ChildSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)


def child(pdf: Path, data_dir: Path) -> None:
    """Run in a fresh process: what a work horse does with one scan, then report peaks."""
    from schemas.dossiers import DossierContext
    from schemas.settings import Settings
    from workers.intake import ingest_file
    from workers.jobs import process_scan
    from workers.services import Services

    settings = Settings.rooted_at(data_dir)
    services = Services.open(settings)
    services.load_tesseract_once()  # as in a worker's horse
    context = DossierContext(dossier_code="000.00.20.H12-240315-0200", component="Hồ sơ lưu trữ")
    receipt = ingest_file(pdf, context, services)
    before = peak_rss_mb()
    started = time.perf_counter()
    with ChildSampler() as sampler:
        outcome = process_scan(receipt.scan_id, services)
    seconds = time.perf_counter() - started
    report = {
        "outcome": outcome.value,
        "seconds": round(seconds, 1),
        "self_peak_mb": peak_rss_mb(),
        "after_startup_mb": before,
        "children_peak_mb": max(sampler.peaks.values(), default=0.0),
        "children_peaks_mb": sampler.peaks,
    }
    print(CHILD_MARK + json.dumps(report), flush=True)


def _other_script(quick: bool) -> BenchResult | None:
    """The other engineer's benchmark, when it exists and prints a BENCH_RESULT line."""
    if not OTHER_SCRIPT.exists():
        return None
    args = [sys.executable, str(OTHER_SCRIPT)]
    help_text = subprocess.run(
        [*args, "--help"], capture_output=True, text=True, timeout=120, cwd=REPO
    ).stdout
    if quick and "--quick" in help_text:
        args.append("--quick")
    done = subprocess.run(args, capture_output=True, text=True, timeout=3 * 3600, cwd=REPO)
    relayed = [line for line in done.stdout.splitlines() if not line.startswith(PREFIX)]
    print("\n".join(relayed[-60:]), flush=True)  # its result line is re-emitted once, below
    found = parse(done.stdout)
    if found:
        return found[-1]
    tail = " | ".join((done.stdout + done.stderr).strip().splitlines()[-3:])
    note = f"{OTHER_SCRIPT.name} printed no {PREFIX.strip()} line (exit {done.returncode}): {tail}"
    return BenchResult("memory", [Row("worker peak RSS", None, "MB", note=note[:300])])


def measure(quick: bool) -> BenchResult:
    pages = QUICK_PAGES if quick else FULL_PAGES
    cache = Path(tempfile.gettempdir()) / "sohoa-bench-memory"
    pdf = cache / f"scanned-{pages}.pdf"
    if not pdf.exists():  # rendering takes memory: not in the process that starts the child
        build = [sys.executable, "-m", "bench.memory", "--build", str(pages), str(cache)]
        subprocess.run(build, check=True, timeout=1800, cwd=REPO)
    print(f"{pages}-page scanned PDF ({pdf.stat().st_size / 1e6:.0f} MB); load {load_average()}")
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        args = [sys.executable, "-m", "bench.memory", "--child", str(pdf), tmp]
        done = subprocess.run(args, capture_output=True, text=True, timeout=3 * 3600, cwd=REPO)
    lines = [line for line in done.stdout.splitlines() if line.startswith(CHILD_MARK)]
    if not lines:
        tail = " | ".join(done.stderr.strip().splitlines()[-3:])
        note = f"child exit {done.returncode}: {tail}"[:300]
        return BenchResult("memory", [Row("worker peak RSS", None, "MB", note=note)])
    found: dict[str, Any] = json.loads(lines[-1][len(CHILD_MARK) :])
    print(json.dumps(found, indent=2))
    peak = float(found["self_peak_mb"])
    ok = found["outcome"] in ("done", "needs_review")
    rows = [
        Row(
            name=f"worker peak RSS, {pages}-page scanned PDF",
            value=peak,
            unit="MB",
            baseline=f"{found['after_startup_mb']} MB after start-up",
            ratio=round(peak / TARGET_MB, 3),
            target=f"< {TARGET_MB:.0f} MB",
            passed=(peak < TARGET_MB) if ok else False,
            note=(
                f"largest program started (tesseract/poppler) {found['children_peak_mb']} MB; "
                f"{found['seconds']} s, {found['outcome']}"
                + ("" if pages == FULL_PAGES else f"; --quick: {pages} pages, not 200")
            ),
        )
    ]
    return BenchResult("memory", rows, {"load": load_average(), "pages": pages, **found})


def main() -> None:
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description="Worker peak RSS on a 200-page scanned PDF.")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_PAGES} pages")
    parser.add_argument("--child", nargs=2, type=Path, metavar=("PDF", "DATA_DIR"))
    parser.add_argument("--build", nargs=2, metavar=("PAGES", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--own", action="store_true", help=f"ignore {OTHER_SCRIPT.name}")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if args.build:
        build_pdf(Path(args.build[1]), int(args.build[0]))
        return
    other = None if args.own else _other_script(args.quick)
    emit(other or measure(args.quick))


if __name__ == "__main__":
    main()
