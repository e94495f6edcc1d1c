"""Memory on a 200-page scanned PDF: the pipeline must stay under 600 MB whatever the page count.

A fresh child process runs ``pipeline.runner.run_document`` (rasterize page by page, clean-up,
OCR with searchable PDF, extraction, pdfunite) on an image-only PDF of A4 certificate pages.
Reported separately:

* the pipeline process itself: its peak resident size (VmHWM; ``ru_maxrss`` is printed too,
  but Linux carries it over from the parent through fork and exec, so it is an upper bound);
* the programs it starts (pdftoppm, tesseract, pdfunite…): the largest peak of any of them,
  sampled from /proc every 50 ms while they run (their ``RUSAGE_CHILDREN`` figure would
  include the Python parent's size at spawn time; so would a child caught between fork and
  exec, which is skipped).

The PDF is built in another process (rendering is not what we measure): a few rendered pages
saved as one-page JPEG PDFs and joined with pdfunite as many times as needed.

    .venv/bin/python bench/memory_200_pages.py [--pages 200] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

TARGET_MB = 600.0
DISTINCT = 6
CHILD_MARK = "MEMORY_CHILD "


def _status(pid: int | str, key: str) -> float | None:
    """A ``/proc/<pid>/status`` figure in MB (VmHWM, VmRSS), None if the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
        for child in children:
            found += [child, *_descendants(child)]
    return found


def build_pdf(dest: Path, pages: int) -> Path:
    """An image-only PDF of ``pages`` A4 pages cycling DISTINCT rendered, degraded ones."""
    from sohoa.samples import COUNTER, degrade, render
    from sohoa.samples.documents import document_for_index

    dest.mkdir(parents=True, exist_ok=True)
    pdf = dest / f"scanned-{pages}.pdf"
    if pdf.exists():
        return pdf
    singles = []
    for n in range(DISTINCT):
        doc = document_for_index(11, 3 + n % 4 + 7 * (n // 4))  # certificates: A4 pages
        image = degrade(render(doc), COUNTER, random.Random(f"memory-{n}")).convert("L")
        single = dest / f"page-{n}.pdf"
        image.save(single, format="PDF", resolution=300.0)  # JPEG inside, as scanners write
        singles.append(str(single))
    order = [singles[n % DISTINCT] for n in range(pages)]
    subprocess.run(["pdfunite", *order, str(pdf)], check=True, timeout=600)
    return pdf


def child(pdf: Path, scratch: Path) -> None:
    """The measured process: run the pipeline once, watching the programs it starts."""
    from pipeline.ocr import TesseractEngine
    from pipeline.runner import run_document
    from schemas.settings import Settings

    peaks: dict[str, float] = {}
    stop = threading.Event()

    def watch() -> None:
        me = os.getpid()
        own_name = Path(f"/proc/{me}/comm").read_text().strip()
        while not stop.is_set():
            for pid in _descendants(me):
                peak = _status(pid, "VmHWM:")
                try:
                    name = Path(f"/proc/{pid}/comm").read_text().strip()
                except OSError:
                    continue
                # Between fork and exec a child is still "python" and shows our own pages.
                if peak is not None and name != own_name:
                    peaks[name] = max(peaks.get(name, 0.0), peak)
            stop.wait(0.05)

    settings = Settings.rooted_at(scratch / "data")
    start_rss = _status("self", "VmRSS:")
    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    # As in a worker's horse: Tesseract loaded in this process (SOHOA_OCR__IN_PROCESS).
    engine = TesseractEngine(settings.ocr, in_process=settings.ocr.in_process)
    output = run_document(pdf, scratch / "work", settings, engine)
    seconds = time.perf_counter() - started
    stop.set()
    watcher.join()
    pages = output.result.ocr.pages
    report = {
        "pages": len(pages),
        "failed_pages": len(output.result.ocr.failed_pages),
        "seconds": round(seconds, 1),
        "self_peak_mb": _status("self", "VmHWM:"),
        "self_start_mb": start_rss,
        "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_peak_mb": peaks,
        "searchable_pdf_mb": (output.searchable_pdf.stat().st_size / 1e6)
        if output.searchable_pdf
        else None,
    }
    print(CHILD_MARK + json.dumps(report), flush=True)


def _result_line(report: dict[str, Any], pages: int) -> str:
    """The ``BENCH_RESULT`` line that ``bench.run_all`` / ``bench.memory`` collect."""
    peak = report.get("self_peak_mb")
    children = report.get("children_peak_mb") or {}
    largest = max(children.items(), key=lambda kv: kv[1]) if children else ("-", None)
    rows = [
        {
            "name": f"pipeline peak RSS, {pages}-page scanned PDF",
            "value": peak,
            "unit": "MB",
            "baseline": "",
            "ratio": None,
            "target": f"< {TARGET_MB:.0f} MB",
            "pass": None if peak is None else peak < TARGET_MB,
            "note": f"started at {report.get('self_start_mb', 0):.0f} MB",
        },
        {
            "name": f"largest child process ({largest[0]})",
            "value": largest[1],
            "unit": "MB",
            "baseline": "",
            "ratio": None,
            "target": f"< {TARGET_MB:.0f} MB",
            "pass": None if largest[1] is None else largest[1] < TARGET_MB,
            "note": "",
        },
    ]
    return "BENCH_RESULT " + json.dumps({"bench": "memory", "rows": rows, "details": report})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="30 pages")
    parser.add_argument("--build", nargs=2, metavar=("PAGES", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, metavar=("PDF", "SCRATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build_pdf(Path(args.build[1]), int(args.build[0]))
        return
    if args.child:
        child(Path(args.child[0]), Path(args.child[1]))
        return
    pages = 30 if args.quick else args.pages
    cache = Path(tempfile.gettempdir()) / "sohoa-bench-memory-200"
    me = [sys.executable, str(Path(__file__).resolve())]
    subprocess.run([*me, "--build", str(pages), str(cache)], check=True, timeout=1800)
    pdf = cache / f"scanned-{pages}.pdf"
    print(f"{pages}-page scanned PDF, {pdf.stat().st_size / 1e6:.0f} MB; load {os.getloadavg()}")
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as scratch:
        done = subprocess.run(
            [*me, "--child", str(pdf), scratch], capture_output=True, text=True, timeout=4 * 3600
        )
    found = [line for line in done.stdout.splitlines() if line.startswith(CHILD_MARK)]
    if not found:
        print(done.stderr[-2000:])
        sys.exit(1)
    report = json.loads(found[-1][len(CHILD_MARK) :])
    peak = report["self_peak_mb"]
    print(f"pages {report['pages']} (failed {report['failed_pages']}) in {report['seconds']} s")
    print(f"pipeline process: peak {peak:.0f} MB (VmHWM), start {report['self_start_mb']:.0f} MB")
    print(f"  ru_maxrss {report['ru_maxrss_mb']:.0f} MB (upper bound: inherited through exec)")
    for name, mb in sorted(report["children_peak_mb"].items(), key=lambda kv: -kv[1]):
        print(f"child {name}: peak {mb:.0f} MB")
    verdict = "PASS" if peak < TARGET_MB else "FAIL"
    print(f"{verdict}: pipeline peak {peak:.0f} MB against the {TARGET_MB:.0f} MB target")
    print(_result_line(report, pages), flush=True)
    if peak >= TARGET_MB:
        sys.exit(1)


if __name__ == "__main__":
    main()
