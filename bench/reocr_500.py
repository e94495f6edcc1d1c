"""Benchmark (issue #10): a 500-page re-OCR batch, interrupted once, finishes each item once.

1. Renders N small ID cards (300 dpi, counter-scan degradation) and ingests them.
2. Baseline: every scan is processed with a deliberately weaker setting (English language data,
   no clean-up) in P processes — the stored results of an "old engine".
3. ``sohoa reocr run --outdated --yes`` and P-1 ``sohoa reocr resume <id>`` feed the batch in P
   processes (claims keep them apart); when ``--interrupt-at`` of the pages are done, every one
   of them gets Ctrl-C (SIGINT).
4. P ``sohoa reocr resume <id>`` finish it. The script then checks that every scan has exactly
   two result versions (no item committed twice, none lost), that object storage holds only
   v1 and v2, and prints ``sohoa reocr status`` and the timings.

    .venv/bin/python bench/reocr_500.py                      # 500 pages, 2 processes
    .venv/bin/python bench/reocr_500.py --count 40 --interrupt-at 0.5

Inline mode (no Redis): the CLI runs the OCR itself. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from multiprocessing import Pool
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import func, select

from schemas.dossiers import DossierContext
from schemas.fields import DocType
from schemas.reocr import BatchSummary, ItemState
from schemas.settings import Settings
from sohoa.samples import COUNTER, build_document, degrade, render
from storage import keys
from storage.index.db import Index
from storage.index.reocr import ReocrBatch, ReocrItem, reclaim_running
from storage.index.reocr_summary import summarize_batch
from storage.index.tables import Result, Scan
from workers.intake import ingest_file
from workers.jobs import process_scan
from workers.services import Services

SOHOA = str(Path(sys.executable).with_name("sohoa"))


def weak_settings(data_dir: Path) -> Settings:
    """The "old engine": English data on Vietnamese cards, no clean-up."""
    settings = Settings.rooted_at(data_dir)
    settings.ocr.languages = "eng"
    pre = settings.preprocess
    pre.deskew = pre.denoise = pre.normalize_contrast = pre.crop_border = False
    return settings


def make_card(job: tuple[Path, int]) -> Path:
    """One small ID card: rendered at 600 dpi, degraded, halved to 300 dpi, grey JPEG."""
    dest, number = job
    rng = random.Random(f"reocr-bench-{number}")
    image = degrade(render(build_document(DocType.ID_CARD, rng)), COUNTER, rng)
    small = image.convert("L").resize(
        (image.width // 2, image.height // 2), Image.Resampling.LANCZOS
    )
    path = dest / f"card-{number:04d}.jpg"
    small.save(path, format="JPEG", quality=90, dpi=(300, 300))
    return path


def baseline(job: tuple[Path, list[int]]) -> int:
    data_dir, scan_ids = job
    services = Services.open(weak_settings(data_dir))
    for scan_id in scan_ids:
        process_scan(scan_id, services)
    services.index.dispose()
    return len(scan_ids)


def summary_of(index: Index, batch_id: int) -> BatchSummary:
    with index.session() as session:
        found = summarize_batch(session, batch_id)
    assert found is not None
    return found


_STARTED: list[subprocess.Popen[bytes]] = []


def start(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env["COLUMNS"] = "110"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [SOHOA, *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            preexec_fn=_ctrl_c_enabled,  # a shell's background job would ignore SIGINT
        )
    _STARTED.append(proc)
    return proc


def _ctrl_c_enabled() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # Python then raises KeyboardInterrupt


def wait_batch(index: Index, timeout: float = 120) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with index.session() as session:
            batch_id = session.scalar(select(func.max(ReocrBatch.id)))
        if batch_id:
            return int(batch_id)
        time.sleep(0.2)
    raise TimeoutError("no batch was created")


def resumers(batch_id: int, data_dir: Path, count: int, log: Path) -> list:
    args = ["reocr", "resume", str(batch_id), "--data-dir", str(data_dir)]
    return [start(args, log) for _ in range(count)]


def check(index: Index, batch_id: int, store_root: Path) -> dict[str, Any]:
    """Every scan: two result rows (v1, v2); storage: only v1 and v2 under each original."""
    with index.session() as session:
        per_scan = session.execute(
            select(Result.scan_id, func.count(), func.max(Result.version)).group_by(Result.scan_id)
        ).all()
        items = session.execute(
            select(ReocrItem.state, ReocrItem.attempts).where(ReocrItem.batch_id == batch_id)
        ).all()
        shas = session.scalars(select(Scan.sha256)).all()
    derived: Counter[str] = Counter()
    for sha in shas:
        root = store_root / keys.derived_root(sha)
        if root.exists():
            derived.update(p.name for p in root.iterdir() if p.is_dir())
    return {
        "scans": len(per_scan),
        "rows_per_scan": dict(Counter(n for _, n, _ in per_scan)),
        "max_version": dict(Counter(v for _, _, v in per_scan)),
        "item_states": dict(Counter(s for s, _ in items)),
        "attempts": dict(Counter(a for _, a in items)),
        "derived_versions_in_storage": dict(derived),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--interrupt-at", type=float, default=0.4)
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    root = args.data_dir or Path(tempfile.mkdtemp(prefix="sohoa-reocr500-"))
    data_dir, inbox, log = root / "data", root / "in", root / "reocr.log"
    inbox.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}

    started = time.perf_counter()
    with Pool(args.processes) as pool:
        paths = pool.map(make_card, [(inbox, n) for n in range(args.count)])
    timings["render_s"] = time.perf_counter() - started
    services = Services.open(weak_settings(data_dir))
    scan_ids = [
        ingest_file(
            p, DossierContext(dossier_code=f"000.00.20.H12-240315-{n:04d}"), services
        ).scan_id
        for n, p in enumerate(paths)
    ]
    started = time.perf_counter()
    chunks = [(data_dir, scan_ids[i :: args.processes]) for i in range(args.processes)]
    with Pool(args.processes) as pool:
        pool.map(baseline, chunks)
    timings["baseline_s"] = time.perf_counter() - started
    print(
        f"{args.count} cards rendered in {timings['render_s']:.0f} s; weak baseline in "
        f"{timings['baseline_s']:.0f} s",
        flush=True,
    )

    subprocess.run([SOHOA, "reocr", "select", "--outdated", "--data-dir", str(data_dir)])
    index = services.index
    started = time.perf_counter()
    run = ["reocr", "run", "--outdated", "--yes"]
    procs = [start([*run, "--data-dir", str(data_dir)], log)]
    batch_id = wait_batch(index)
    procs += resumers(batch_id, data_dir, args.processes - 1, log)
    total = summary_of(index, batch_id).pages
    while summary_of(index, batch_id).pages_finished < args.interrupt_at * total:
        time.sleep(0.5)
    for proc in procs:
        proc.send_signal(signal.SIGINT)
    codes = [proc.wait(120) for proc in procs]
    timings["first_run_s"] = time.perf_counter() - started
    stopped = summary_of(index, batch_id)
    print(
        f"Ctrl-C after {timings['first_run_s']:.0f} s: exit codes {codes}; items "
        f"{ {k.value: v for k, v in stopped.states.items()} }",
        flush=True,
    )

    left_running = stopped.states.get(ItemState.RUNNING, 0)
    if left_running:  # every feeder has exited: what is still claimed belongs to nobody
        with index.session() as session:
            print(f"reclaimed {reclaim_running(session, batch_id)} item(s) left running")
    started = time.perf_counter()
    procs = resumers(batch_id, data_dir, args.processes, log)
    codes = [proc.wait() for proc in procs]
    timings["resume_s"] = time.perf_counter() - started
    done = summary_of(index, batch_id)
    print(f"resumed in {timings['resume_s']:.0f} s: exit codes {codes}", flush=True)

    status = subprocess.run(
        [SOHOA, "reocr", "status", str(batch_id), "--data-dir", str(data_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "110"},
    )
    print(status.stdout)
    facts = check(index, batch_id, data_dir / "objects")
    active = timings["first_run_s"] + timings["resume_s"]
    pages_per_min = done.pages_finished / active * 60
    exactly_once = (
        facts["rows_per_scan"] == {2: args.count}
        and facts["max_version"] == {2: args.count}
        and facts["item_states"] == {"done": args.count}
        and set(facts["derived_versions_in_storage"]) == {"v1", "v2"}
    )
    print(json.dumps(facts, indent=1))
    print(
        f"re-OCR: {done.pages_finished} pages in {active:.0f} s active "
        f"({pages_per_min:.1f} pages/min with {args.processes} processes); "
        f"exactly once: {exactly_once}"
    )
    result = {
        "bench": "reocr_500",
        "rows": [
            {
                "name": "re-OCR batch, interrupted once",
                "value": round(pages_per_min, 1),
                "unit": "pages/min",
                "target": "each item exactly once",
                "pass": exactly_once,
                "note": f"{args.count} pages, {args.processes} processes",
            },
        ],
        "details": {**facts, **{k: round(v, 1) for k, v in timings.items()}},
    }
    index.dispose()
    if not args.keep and args.data_dir is None:
        shutil.rmtree(root, ignore_errors=True)
    print("BENCH_RESULT " + json.dumps(result, ensure_ascii=False))
    return 0 if exactly_once else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for leftover in _STARTED:  # never leave a feeder running behind a failed bench
            if leftover.poll() is None:
                leftover.terminate()
