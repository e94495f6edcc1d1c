"""Intake latency: from a one-page scan landing in the drop folder to its result being searchable.

A fresh deployment (local store, SQLite index, unique rq queues on the real Redis) runs
``sohoa watch`` on a drop folder and one idle ``sohoa worker``. A warm-up drop proves both are up;
then each timed drop writes an ID-card scan the way a scanner or counter application should —
sidecar ``<file>.json`` first, the image under a temporary name, then renamed — and the clock
runs from the rename until the index holds a current result for the file's sha256. The median
of three drops is reported, with where the time went (taken by the watcher, waiting in the
queue, the job, and until the commit was seen) from rq's job timestamps. Target: < 10 s.

    .venv/bin/python -m bench.intake_latency [--quick] [--drops 3]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import Deployment, exit_on_sigterm, stop, tool
from bench.result import BenchResult, Row, emit, load_average

TARGET_SECONDS = 10.0
WATCH_ENV = {"SOHOA_WATCH__STABLE_SECONDS": "0.5", "SOHOA_WATCH__RESCAN_SECONDS": "1"}
CONTEXT = {"dossier_code": "000.00.20.H12-240315-0001", "component": "Căn cước"}
CARD_INDEXES = (0, 1, 2)  # document_for_index: cccd_2021, can_cuoc_2024, cmnd
WARMUP_TIMEOUT = 180.0
DROP_TIMEOUT = 120.0


def card_scan(dest: Path, n: int) -> Path:
    """A one-page ID card scan (600 dpi JPEG, COUNTER-degraded), different for every ``n``."""
    from sohoa.samples import COUNTER, degrade, render
    from sohoa.samples.documents import document_for_index

    doc = document_for_index(99 + n, CARD_INDEXES[n % len(CARD_INDEXES)])
    image = degrade(render(doc), COUNTER, random.Random(f"bench-intake-{n}")).convert("L")
    path = dest / f"card-{n}.jpg"
    image.save(path, format="JPEG", quality=90, dpi=(600, 600))
    return path


def drop(scan: Path, drop_dir: Path, n: int) -> tuple[float, str]:
    """Land ``scan`` atomically with its sidecar; (monotonic landing time, sha256)."""
    from pipeline.triage import sha256_file

    name = f"scan-{n}.jpg"
    sidecar = drop_dir / f"{name}.json"
    context = dict(CONTEXT, dossier_code=f"000.00.20.H12-240315-{n + 1:04d}")
    temp_sidecar = drop_dir / f".{name}.json.tmp"
    temp_sidecar.write_text(json.dumps(context, ensure_ascii=False), encoding="utf-8")
    temp_sidecar.rename(sidecar)
    temp = drop_dir / f"{name}.part"
    shutil.copyfile(scan, temp)
    sha = sha256_file(temp)
    temp.rename(drop_dir / name)
    return time.monotonic(), sha


def _visible(index: Any, sha: str) -> int | None:
    """The scan's ID once a current result exists for it (what search finds), else None."""
    from sqlalchemy import select

    from storage.index.tables import Result, Scan

    with index.session() as session:
        row = session.execute(
            select(Scan.id)
            .join(Result, Result.scan_id == Scan.id)
            .where(Scan.sha256 == sha, Result.is_current.is_(True))
        ).first()
    return int(row[0]) if row else None


def _state(index: Any, sha: str) -> str:
    from sqlalchemy import select

    from storage.index.tables import Scan

    with index.session() as session:
        found = session.scalars(select(Scan.state).where(Scan.sha256 == sha)).first()
    return found or "not taken"


def wait_searchable(index: Any, sha: str, timeout: float) -> tuple[float, int] | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        scan_id = _visible(index, sha)
        if scan_id is not None:
            return time.monotonic(), scan_id
        time.sleep(0.02)
    return None


def _epoch(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def phases(deployment: Deployment, scan_id: int, landed_wall: float, seen_wall: float) -> dict:
    """Where one drop's seconds went, from rq's timestamps of the scan's job."""
    from workers.queues import RqQueue, scan_job_id

    settings = deployment.settings()
    job = RqQueue(settings.queue).fetch(scan_job_id(settings.queue, scan_id))
    if job is None:
        return {}
    enqueued, started, ended = (_epoch(t) for t in (job.enqueued_at, job.started_at, job.ended_at))
    if enqueued is None or started is None or ended is None:
        return {}
    return {
        "watcher_took_s": round(enqueued - landed_wall, 2),
        "queue_wait_s": round(started - enqueued, 2),
        "job_s": round(ended - started, 2),
        "seen_after_job_end_s": round(seen_wall - ended, 2),
    }


def watch_available() -> bool:
    done = subprocess.run([tool("sohoa"), "watch", "--help"], capture_output=True, timeout=60)
    return done.returncode == 0


def run(drops: int) -> BenchResult:
    from storage.index.db import Index

    print(f"load {load_average()}", flush=True)
    if not watch_available():
        note = "`sohoa watch` is not available yet (command missing); not measured"
        print(note)
        return BenchResult("intake", [Row("intake to searchable", None, "s", note=note)])
    root = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    deployment = Deployment(root / "data")
    drop_dir = root / "drop"
    drop_dir.mkdir()
    scans_dir = root / "scans"
    scans_dir.mkdir()
    cards = [card_scan(scans_dir, n) for n in range(drops + 1)]
    env = dict(WATCH_ENV, SOHOA_WATCH__DROP_DIRS=json.dumps([str(drop_dir)]))
    index = Index(deployment.index_url)
    index.create_schema()  # so polling can start at once (the services migrate the same way)
    watcher = deployment.start(["watch"], "watch.log", **env)
    worker = deployment.start(["worker"], "worker.log", **env)
    samples: list[float] = []
    details: dict[str, Any] = {"settings": WATCH_ENV, "drops": []}
    try:
        # Warm-up (not timed): both processes up, schema migrated, worker idle afterwards.
        _, sha = drop(cards[0], drop_dir, 0)
        if wait_searchable(index, sha, WARMUP_TIMEOUT) is None:
            note = f"warm-up drop never searchable (scan {_state(index, sha)})"
            details["watch_log"] = deployment.log_tail("watch.log")
            details["worker_log"] = deployment.log_tail("worker.log")
            print(note, details)
            return BenchResult("intake", [Row("intake to searchable", None, "s", note=note)])
        for n in range(1, drops + 1):
            time.sleep(2.0)  # the worker is idle again, waiting on the queue
            landed, sha = drop(cards[n], drop_dir, n)
            landed_wall = time.time()
            seen = wait_searchable(index, sha, DROP_TIMEOUT)
            if seen is None:
                print(f"drop {n}: not searchable after {DROP_TIMEOUT:.0f} s ({_state(index, sha)})")
                details["drops"].append({"seconds": None, "state": _state(index, sha)})
                continue
            seconds = seen[0] - landed
            parts = phases(deployment, seen[1], landed_wall, time.time())
            samples.append(seconds)
            details["drops"].append({"seconds": round(seconds, 2), **parts})
            print(f"drop {n}: searchable after {seconds:.2f} s {parts}", flush=True)
    finally:
        stop(watcher)
        stop(worker)
        index.dispose()
        deployment.clean_redis()
        shutil.rmtree(root, ignore_errors=True)
    if not samples:
        return BenchResult("intake", [Row("intake to searchable", None, "s", note="no drop")])
    median = statistics.median(samples)
    row = Row(
        name="intake to searchable, one-page scan",
        value=round(median, 2),
        unit="s",
        baseline=f"median of {len(samples)} drops, max {max(samples):.2f} s",
        ratio=round(median / TARGET_SECONDS, 3),
        target=f"< {TARGET_SECONDS:.0f} s",
        passed=median < TARGET_SECONDS and len(samples) == drops,
        note=f"stable {WATCH_ENV['SOHOA_WATCH__STABLE_SECONDS']} s, rescan 1 s, idle worker",
    )
    details["load"] = load_average()
    return BenchResult("intake", [row], details)


def main() -> None:
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description="Drop folder to searchable, one-page scan.")
    parser.add_argument("--quick", action="store_true", help="same as the full run (3 drops)")
    parser.add_argument("--drops", type=int, default=3)
    args = parser.parse_args()
    emit(run(args.drops))


if __name__ == "__main__":
    main()
