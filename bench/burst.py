"""Intake burst: M files dropped by 50 units within a minute, read by N workers (1, 2, 4).

For each N a fresh deployment (local object store, a fresh PostgreSQL schema, unique rq queues)
runs ``sohoa watch`` and N ``sohoa worker`` processes, each a separate OS process. The files
(generated counter paper of every kind, one page each, JPEG; 5 % bad: corrupt, encrypted PDF,
empty) land in the drop folder spread over ``--spread`` seconds, one unit's files after
another's in turn. Measured: files/min per worker, drop → searchable (result current in the
index) p50/p95, rq queue depth over time, peak RSS per worker (the worker process and its
largest work horse); checked: every file ends filed once (no scan lost, none doubled).

    .venv/bin/python -m bench.burst [--quick] [--files 1000] [--workers 1,2,4]
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    POSTGRES_URL,
    Deployment,
    children_of,
    exit_on_sigterm,
    peak_rss_mb,
    stop,
    wait_until,
)
from bench.result import BenchResult, Row, emit, load_average

UNITS = 50
BAD_SHARE = 0.05
FULL_FILES, QUICK_FILES = 1000, 60
FULL_SPREAD, QUICK_SPREAD = 60.0, 15.0
WATCH_ENV = {
    "SOHOA_WATCH__STABLE_SECONDS": "0.5",
    "SOHOA_WATCH__RESCAN_SECONDS": "2",
    "SOHOA_WATCH__MAX_WAIT_SECONDS": "5",
    "SOHOA_WATCH__POLL_SECONDS": "0.2",
}
FINISHED = ("done", "needs_review", "quarantined", "failed")


def _bad_file(kind: str, n: int) -> bytes:
    if kind == "empty":
        return b""
    if kind == "corrupt":  # a JPEG cut off after its header
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + random.Random(n).randbytes(300)
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    out = io.BytesIO()
    pdf.save(out, encryption=pikepdf.Encryption(owner=f"o{n}", user=f"u{n}", R=6))
    return out.getvalue()


def build_files(dest: Path, count: int, seed: int = 2026) -> list[Path]:
    """``count`` distinct files (names ``uXX-NNNN.ext``), 5 % of them bad, in drop order."""
    from sohoa.samples import COUNTER, degrade, render
    from sohoa.samples.documents import document_for_index

    dest.mkdir(parents=True, exist_ok=True)
    bad_every = round(1 / BAD_SHARE)
    bad_kinds = ("corrupt", "encrypted", "empty")
    files: list[Path] = []
    for n in range(count):
        unit = n % UNITS
        if n % bad_every == bad_every - 1:
            kind = bad_kinds[(n // bad_every) % len(bad_kinds)]
            suffix = ".pdf" if kind == "encrypted" else ".jpg"
            path = dest / f"u{unit:02d}-{n:04d}-{kind}{suffix}"
            if not path.exists():
                path.write_bytes(_bad_file(kind, n))
        else:
            doc = document_for_index(seed, n)
            path = dest / f"u{unit:02d}-{n:04d}-{doc.doc_type.value}.jpg"
            if not path.exists():
                image = degrade(render(doc), COUNTER, random.Random(f"burst-{seed}-{n}"))
                dpi = image.info.get("dpi", (300, 300))
                image.convert("L").save(path, "JPEG", quality=85, dpi=(round(dpi[0]),) * 2)
        files.append(path)
    return files


@dataclass
class Run:
    workers: int
    files: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    depth: list[tuple[float, int]] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    horse_rss_mb: float = 0.0
    states: dict[str, int] = field(default_factory=dict)
    cpu_seconds: float = 0.0
    lost: int = 0
    doubled: int = 0

    @property
    def per_worker_per_min(self) -> float:
        return self.files / self.seconds * 60 / self.workers if self.seconds else 0.0

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_seconds(pid: int) -> float:
    """User + system time of a process and its reaped children (work horses), in seconds."""
    import os

    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_burst(files: list[Path], workers: int, spread: float, timeout: float) -> Run:
    import sqlalchemy as sa
    from redis import Redis
    from rq import Queue

    from pipeline.triage import sha256_file
    from storage.index.tables import Result, Scan

    schema = f"burst_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    url = f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    run = Run(workers, len(files))
    root = Path(tempfile.mkdtemp(prefix=f"sohoa-burst-{workers}-"))
    deployment = Deployment(root / "data", index_url=url)
    drop = deployment.data_dir / "drop"
    drop.mkdir()
    processes = []
    engine = sa.create_engine(url)
    redis = Redis.from_url(deployment.redis_url)
    try:
        procs = [
            deployment.start(["worker"], f"worker-{i}.log", OMP_THREAD_LIMIT="1")
            for i in range(workers)
        ]
        processes += procs
        queue = Queue(deployment.intake_queue, connection=redis)
        env = dict(WATCH_ENV, SOHOA_WATCH__DROP_DIRS=f'["{drop}"]')
        processes.append(deployment.start(["watch"], "watch.log", **env))
        from rq import Worker

        if not wait_until(lambda: Worker.count(queue=queue) >= workers, 180, interval=0.5):
            raise RuntimeError(deployment.log_tail("worker-0.log"))
        shas = {path.name: sha256_file(path) for path in files}
        landed: dict[str, float] = {}
        seen: dict[str, float] = {}
        start = time.monotonic()
        next_sample = start
        pending = list(files)
        deadline = start + timeout
        while time.monotonic() < deadline:
            now = time.monotonic()
            due = int(len(files) * min(1.0, (now - start) / spread)) if spread else len(files)
            while len(landed) < due and pending:
                path = pending.pop(0)
                temp = drop / f".{path.name}.part"
                shutil.copyfile(path, temp)
                temp.rename(drop / path.name)
                landed[shas[path.name]] = time.monotonic()
            if now >= next_sample:
                next_sample = now + 1.0
                run.depth.append((round(now - start, 1), queue.count))
                for proc in procs:
                    for child in children_of(proc.pid):
                        run.horse_rss_mb = max(run.horse_rss_mb, _rss_mb(child))
                with engine.connect() as connection:
                    rows = connection.execute(
                        sa.select(Scan.sha256, Scan.state).where(Scan.state.in_(FINISHED))
                    ).all()
                for sha, _state in rows:
                    seen.setdefault(sha, time.monotonic())
                if not pending and len(seen) >= len(set(shas.values())):
                    break
            time.sleep(0.1)
        run.seconds = max(seen.values(), default=start) - start
        with engine.connect() as connection:
            scans = connection.execute(sa.select(Scan.sha256, Scan.state, Scan.id)).all()
            doubles = connection.execute(
                sa.select(Result.scan_id)
                .group_by(Result.scan_id, Result.version)
                .having(sa.func.count() > 1)
            ).all()
            searchable = dict(
                connection.execute(
                    sa.select(Scan.sha256, sa.func.min(Result.digitized_at))
                    .join(Result, Result.scan_id == Scan.id)
                    .group_by(Scan.sha256)
                ).all()
            )
        for sha, state, _id in scans:
            run.states[state] = run.states.get(state, 0) + 1
            if sha in searchable and sha in seen:
                run.latencies.append(seen[sha] - landed[sha])
        known = [s for s, _, _ in scans]
        run.lost = len(set(shas.values()) - set(known))
        run.doubled = len(known) - len(set(known)) + len(doubles)
        run.rss_mb = [peak_rss_mb(proc.pid) or 0.0 for proc in procs]
        run.cpu_seconds = sum(_cpu_seconds(proc.pid) for proc in procs)
    finally:
        for proc in processes:
            stop(proc)
        deployment.clean_redis()
        redis.close()
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
        shutil.rmtree(root, ignore_errors=True)
    return run


def main() -> None:
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_FILES} files")
    parser.add_argument("--files", type=int, default=None)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--spread", type=float, default=None, help="seconds to drop them over")
    args = parser.parse_args()
    count = args.files or (QUICK_FILES if args.quick else FULL_FILES)
    spread = args.spread if args.spread is not None else (QUICK_SPREAD if args.quick else 60.0)
    cache = Path(tempfile.gettempdir()) / f"sohoa-burst-files-{count}"
    files = build_files(cache, count)
    rows: list[Row] = []
    details: dict[str, Any] = {"files": count, "spread_s": spread, "load": load_average()}
    for n in (int(x) for x in args.workers.split(",")):
        run = run_burst(files, n, spread, timeout=max(600.0, count * 6.0 / n))
        ok = run.lost == 0 and run.doubled == 0
        print(
            f"N={n}: {run.files} files in {run.seconds:.1f} s, "
            f"{run.per_worker_per_min:.1f} files/min/worker, drop→searchable "
            f"p50 {run.pct(0.5):.1f} s p95 {run.pct(0.95):.1f} s, peak queue "
            f"{max((d for _, d in run.depth), default=0)}, RSS worker "
            f"{max(run.rss_mb, default=0):.0f} MB horse {run.horse_rss_mb:.0f} MB, "
            f"workers' CPU {run.cpu_seconds / run.files:.2f} s/file, "
            f"states {run.states}, lost {run.lost}, doubled {run.doubled}",
            flush=True,
        )
        rows.append(
            Row(
                f"burst {count} files, {n} worker(s): files/min per worker",
                round(run.per_worker_per_min, 1),
                "files/min",
                target="nothing lost or doubled",
                passed=ok,
                note=f"p50 {run.pct(0.5):.1f} s, p95 {run.pct(0.95):.1f} s to searchable",
            )
        )
        details[f"n{n}"] = {
            "seconds": round(run.seconds, 1),
            "p50_s": round(run.pct(0.5), 1),
            "p95_s": round(run.pct(0.95), 1),
            "median_s": round(statistics.median(run.latencies), 1) if run.latencies else None,
            "queue_depth": run.depth,
            "worker_peak_rss_mb": run.rss_mb,
            "horse_peak_rss_mb": round(run.horse_rss_mb, 1),
            "cpu_s_per_file": round(run.cpu_seconds / run.files, 2),
            "states": run.states,
            "lost": run.lost,
            "doubled": run.doubled,
        }
    emit(BenchResult("burst", rows, details))


if __name__ == "__main__":
    main()
