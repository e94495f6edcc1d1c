"""Load benchmark of the staff API (issue #25 item 1): simulated clerks against a real server.

The index (PostgreSQL, a fresh schema dropped afterwards; SQLite for the test) is bulk-loaded
with N synthetic results over 200 units (``bench.search.rows``, units reassigned; COPY on
PostgreSQL, executemany on SQLite), plus staff users per unit inserted directly. A real uvicorn
server of ``sohoa.api.app.create_app`` runs in its own process group (``--workers 2``). Clerks are
asyncio tasks on one httpx client, each with a token issued directly (no argon2 in the loop),
mixing ID-number searches, name + birth-date searches, result exports, attaches and receptions.
A single clerk is measured first in the same run as the baseline; then the capacity phases, in
a closed loop with zero think time for a fixed duration (their latency is the queue: no
target); then the target's phase: 200 clerks each pausing an exponentially distributed time
of mean ``--think`` seconds (default 10) between requests. Target: search p99 < 100 ms in that
phase, and no errors in any (docs/benchmarks.md, section 7).

    .venv/bin/python -m bench.load [--quick] [--size 1000000] [--clerks 50,200] [--duration 60]
        [--think 10] [--think-clerks 200] [--think-duration 120]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from bench.common import REPO, exit_on_sigterm
from bench.result import BenchResult, Row, emit, load_average, percentile
from bench.search import _MODELS, _sqlite_value, open_engine, person, rows
from schemas.settings import Settings
from sohoa.api.auth import issue_token
from storage.index.audit import mask_ids_in
from storage.index.db import Index
from storage.index.users import StaffUser

UNITS = [f"000.00.{30 + i // 100}.H{i % 100:02d}" for i in range(200)]
STAFF_PER_UNIT = 2
SECRET = "bench-load-secret-0123456789abcdef"
KINDS = ("id_search", "name_search", "view", "attach", "reception")
WEIGHTS = (30, 20, 20, 10, 20)
SEARCH_KINDS = ("id_search", "name_search")
TARGET_SEARCH_P99_MS = 100.0
PROCEDURE = "1.001193"  # Đăng ký khai sinh: offers the applicant's ID card
COMPONENT = "Giấy tờ tùy thân của người yêu cầu (CCCD, hộ chiếu)"
CHUNK = 20_000
TODAY = date.today()
# Mean pause of a clerk between two requests in the think-time phase (see docs/benchmarks.md,
# section 7): a busy counter, faster than the tens of seconds a citizen's turn takes.
DEFAULT_THINK_S = 10.0


def unit_of(n: int) -> str:
    return UNITS[n % len(UNITS)]


def load_rows(start: int, stop: int) -> dict[str, list[dict[str, Any]]]:
    """``bench.search.rows`` spread over 200 units instead of 20."""
    batch = rows(start, stop)
    for scan in batch["scans"]:
        scan["unit_code"] = unit_of(scan["id"])
    for result in batch["results"]:
        result["unit_code"] = unit_of(result["scan_id"])
    return batch


def seed(index: Index, size: int) -> None:
    """Bulk-load ``size`` results (COPY or executemany) and the staff users of every unit."""
    postgres = index.engine.dialect.name == "postgresql"
    raw = index.engine.raw_connection()
    try:
        for first in range(1, size + 1, CHUNK):
            batch = load_rows(first, min(first + CHUNK, size + 1))
            cursor = raw.cursor()
            for name in _MODELS:
                columns = list(batch[name][0])
                if postgres:
                    with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in batch[name]:
                            copy.write_row([row[c] for c in columns])
                else:
                    marks = ", ".join("?" for _ in columns)
                    cursor.executemany(
                        f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})",
                        [[_sqlite_value(row[c]) for c in columns] for row in batch[name]],
                    )
            cursor.close()
            raw.commit()
    finally:
        raw.close()
    users = [
        {"username": clerk_name(u, k), "password_hash": "!", "role": "staff", "unit_code": unit}
        for u, unit in enumerate(UNITS)
        for k in range(STAFF_PER_UNIT)
    ]
    with index.engine.begin() as connection:
        connection.execute(sa.insert(StaffUser), users)
        if postgres:
            for name in [*_MODELS, "staff_users"]:
                connection.execute(sa.text(f"ANALYZE {name}"))


def clerk_name(unit: int, k: int) -> str:
    return f"clerk{unit:03d}x{k}"


# --- the server -------------------------------------------------------------------------------


def server_app() -> FastAPI:
    """uvicorn ``--factory`` target: the app as ``sohoa serve`` builds it, from the environment."""
    from sohoa.api.app import create_app
    from sohoa.api.logmask import install_id_masking

    install_id_masking()
    return create_app(Settings())


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def server_env(index_url: str, data_dir: Path) -> dict[str, str]:
    """The server's environment: this one without any ``SOHOA_`` variable, plus the run's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    return env | {
        "SOHOA_DATA_DIR": str(data_dir),
        "SOHOA_INDEX__URL": index_url,
        "SOHOA_API__SECRET_KEY": SECRET,
        "SOHOA_STORAGE__BACKEND": "local",
        "SOHOA_STORAGE__LOCAL_ROOT": str(data_dir / "objects"),
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def running_server(index_url: str, data_dir: Path, workers: int) -> Iterator[tuple[str, int]]:
    """``uvicorn --workers N`` in its own process group; yields its base URL and the group."""
    port = _free_port()
    env = server_env(index_url, data_dir)
    args = [sys.executable, "-m", "uvicorn", "--factory", "bench.load:server_app"]
    args += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    # Keep-alive longer than the slowest answer under load (a proxy in front does the same):
    # uvicorn's 5 s default closes connections a client is about to reuse (ReadError).
    args += ["--log-level", "warning", "--no-access-log", "--timeout-keep-alive", "75"]
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        args, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                tail = (data_dir / "server.log").read_text("utf-8", "replace")[-800:]
                raise RuntimeError(f"server exited {process.returncode}: {tail}")
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("server did not answer /health in 120 s")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 15)  # the group we started: uvicorn and its workers
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()
        log.close()


# --- the clerks -------------------------------------------------------------------------------


@dataclass
class Tally:
    timings: dict[str, list[float]] = field(default_factory=lambda: {k: [] for k in KINDS})
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    samples: dict[str, str] = field(default_factory=dict)


class Workload:
    """What clerks ask for: citizens visible to their unit, fresh dossier codes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.codes = itertools.count()
        self.run = random.Random().randint(0, 4000)  # dossier dates unique to this run

    def visible(self, rng: random.Random, unit: int) -> int:
        """A result number of this unit (or shared province-wide)."""
        while True:
            if rng.random() < 0.1:
                n = 50 * rng.randint(1, max(1, self.size // 50))
            else:
                n = unit + len(UNITS) * rng.randint(0, max(0, (self.size - unit) // len(UNITS)))
            if 1 <= n <= self.size:
                return n

    def attachable(self, rng: random.Random, unit: int) -> int:
        """A visible result that may be reused today (a birth certificate or a valid card)."""
        while True:
            n = self.visible(rng, unit)
            if n % 2 == 1 or person(n).born + timedelta(days=365 * 60) > TODAY:
                return n

    def dossier_code(self, unit: int) -> str:
        k = next(self.codes)
        day = date(2020, 1, 1) + timedelta(days=self.run + k // 9000)
        return f"{UNITS[unit]}-{day:%y%m%d}-{k % 9000 + 1:04d}"


def result_id(n: int) -> int:
    return n * 2 + 1 if n % 20 == 0 else n * 2  # the current version (see bench.search.rows)


async def one_request(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    kind: str,
    unit: int,
    work: Workload,
    rng: random.Random,
) -> httpx.Response:
    if kind == "id_search":
        who = person(work.visible(rng, unit))
        return await client.post(
            "/api/search/id-number", json={"id_number": who.id_number}, headers=headers
        )
    if kind == "name_search":
        who = person(work.visible(rng, unit))
        body: dict[str, Any] = {"name": who.name, "date_of_birth": who.born.isoformat()}
        return await client.post("/api/search/name", json=body, headers=headers)
    if kind == "view":
        return await client.get(
            f"/api/results/{result_id(work.visible(rng, unit))}/export", headers=headers
        )
    if kind == "attach":
        body = {
            "result_id": result_id(work.attachable(rng, unit)),
            "dossier_code": work.dossier_code(unit),
            "component": COMPONENT,
            "procedure_code": PROCEDURE,
        }
        return await client.post("/api/attachments", json=body, headers=headers)
    body = {
        "dossier_code": work.dossier_code(unit),
        "procedure_code": PROCEDURE,
        "applicant_id_number": person(work.visible(rng, unit)).id_number,
    }
    return await client.post("/api/dossiers", json=body, headers=headers)


async def clerk(
    client: httpx.AsyncClient,
    number: int,
    work: Workload,
    tally: Tally,
    until: float,
    think: float = 0.0,
) -> None:
    """One clerk until ``until``: a request, then a pause drawn from an exponential of mean
    ``think`` seconds (0: none), so that the clerks' requests arrive as a Poisson stream."""
    unit = number % len(UNITS)
    username = clerk_name(unit, (number // len(UNITS)) % STAFF_PER_UNIT)
    token, _ = issue_token(SECRET, username, hours=2)
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(number)

    async def pause() -> None:
        if think > 0:
            left = until - time.perf_counter()
            await asyncio.sleep(max(0.0, min(rng.expovariate(1 / think), left)))

    await pause()  # memoryless: clerks already mid-pause when the phase starts, not in step
    while time.perf_counter() < until:
        kind = rng.choices(KINDS, WEIGHTS)[0]
        started = time.perf_counter()
        try:
            response = await one_request(client, headers, kind, unit, work, rng)
            ok = response.status_code < 400
            problem = f"{response.status_code} {response.text[:200]}"
        except httpx.HTTPError as error:
            ok, problem = False, repr(error)[:200]
        elapsed = (time.perf_counter() - started) * 1000
        if ok:
            tally.timings[kind].append(elapsed)
        else:
            tally.errors[kind] += 1
            tally.samples.setdefault(kind, mask_ids_in(problem))  # a 422 echoes the request
        await pause()


def group_cpu_seconds(group: int | None) -> float:
    """CPU seconds used so far by the live processes of a process group (the server's)."""
    if group is None:
        return 0.0
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == group:  # pgrp; then utime, stime at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


async def phase(
    base: str,
    clerks: int,
    seconds: float,
    work: Workload,
    think: float = 0.0,
    server_group: int | None = None,
) -> dict[str, Any]:
    """``clerks`` clerks for ``seconds`` (each pausing ``think`` s on average between requests,
    0: never): per kind throughput, percentiles, errors; the server's CPU; the load."""
    tally = Tally()
    cpu_before = group_cpu_seconds(server_group)
    limits = httpx.Limits(max_connections=clerks + 5, max_keepalive_connections=clerks + 5)
    loads: list[float] = []
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        until = time.perf_counter() + seconds
        started = time.perf_counter()

        async def watch_load() -> None:
            while time.perf_counter() < until:
                loads.append(os.getloadavg()[0])
                await asyncio.sleep(1)

        await asyncio.gather(
            watch_load(), *(clerk(client, i, work, tally, until, think) for i in range(clerks))
        )
        wall = time.perf_counter() - started
    server_cpu = group_cpu_seconds(server_group) - cpu_before
    kinds: dict[str, dict[str, Any]] = {}
    for kind in [*KINDS, "search"]:
        parts = SEARCH_KINDS if kind == "search" else (kind,)
        timings = sorted(t for k in parts for t in tally.timings[k])
        errors = sum(tally.errors[k] for k in parts)
        done = len(timings) + errors
        kinds[kind] = {
            "requests": done,
            "per_s": round(done / wall, 1),
            "p50_ms": round(percentile(timings, 0.50), 1),
            "p95_ms": round(percentile(timings, 0.95), 1),
            "p99_ms": round(percentile(timings, 0.99), 1),
            "errors": errors,
            "error_rate": round(errors / done, 4) if done else 0.0,
        }
    answered = sum(kinds[k]["requests"] for k in KINDS)
    return {
        "clerks": clerks,
        "think_s": think,
        "seconds": round(wall, 1),
        "kinds": kinds,
        "server_cpu_ms_per_request": round(1000 * server_cpu / answered, 2) if answered else None,
        "load_max": round(max(loads, default=0.0), 2),
        "load_end": load_average(),
        "error_samples": tally.samples,
    }


def print_table(phases: list[dict[str, Any]]) -> None:
    print(
        f"{'clerks':>6} {'think':>6} {'kind':<12} {'req/s':>7} {'p50':>7} {'p95':>7} "
        f"{'p99':>7} {'err %':>6}"
    )
    for entry in phases:
        think = f"{entry['think_s']:g} s" if entry["think_s"] else "0"
        for kind, k in entry["kinds"].items():
            print(
                f"{entry['clerks']:>6} {think:>6} {kind:<12} {k['per_s']:>7.1f} "
                f"{k['p50_ms']:>7.1f} {k['p95_ms']:>7.1f} {k['p99_ms']:>7.1f} "
                f"{100 * k['error_rate']:>6.2f}"
            )
        print(
            f"{'':>6} load average max {entry['load_max']} (end: {entry['load_end']}); "
            f"server CPU {entry['server_cpu_ms_per_request']} ms per request"
        )
        for kind, sample in entry["error_samples"].items():
            print(f"{'':>6} first {kind} error: {sample}")


# --- the run ----------------------------------------------------------------------------------


@contextmanager
def index_for(engine: str) -> Iterator[Index]:
    with open_engine(engine) as index:
        yield index


def run(
    size: int,
    clerk_counts: list[int],
    seconds: float,
    engine: str = "postgresql",
    workers: int = 2,
    baseline_seconds: float | None = None,
    think_clerks: int = 0,
    think: float = DEFAULT_THINK_S,
    think_seconds: float | None = None,
) -> BenchResult:
    """The one-clerk baseline and the zero-think phases (capacity), then, with
    ``think_clerks``, the phase the target is about: that many clerks pausing ``think`` s."""
    print(f"load {load_average()}; {size:,} results, {len(UNITS)} units, {engine}", flush=True)
    thinking: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="bench-load-") as tmp, index_for(engine) as index:
        started = time.perf_counter()
        seed(index, size)
        seed_s = time.perf_counter() - started
        print(f"seeded in {seed_s:.1f} s", flush=True)
        index.dispose()
        work = Workload(size)
        with running_server(index.url, Path(tmp), workers) as (base, group):
            asyncio.run(phase(base, 4, min(3.0, seconds), work))  # warm-up, not reported
            phases = [asyncio.run(phase(base, 1, baseline_seconds or seconds, work, 0.0, group))]
            for clerks in clerk_counts:
                phases.append(asyncio.run(phase(base, clerks, seconds, work, 0.0, group)))
                print_table(phases[-1:])
            if think_clerks:
                span = think_seconds or seconds
                thinking = asyncio.run(phase(base, think_clerks, span, work, think, group))
                print_table([thinking])
    print_table(phases + ([thinking] if thinking else []))
    top = phases[-1]
    search_p99 = top["kinds"]["search"]["p99_ms"]
    errors = sum(entry["kinds"][k]["errors"] for entry in phases for k in KINDS)
    baseline = phases[0]["kinds"]["search"]
    rows_out = [
        Row(
            name=f"API search p99, {top['clerks']} clerks zero think (capacity), {engine} {size:,}",
            value=search_p99,
            unit="ms",
            baseline=f"1 clerk p99 {baseline['p99_ms']} ms",
            target="none: clerks that never pause measure the queue",
            note=f"load max {top['load_max']}; server CPU "
            f"{top['server_cpu_ms_per_request']} ms per request",
        ),
        Row(
            name=f"API requests/s, {top['clerks']} clerks zero think (capacity)",
            value=sum(top["kinds"][k]["per_s"] for k in KINDS),
            unit="req/s",
            baseline=f"1 clerk {sum(phases[0]['kinds'][k]['per_s'] for k in KINDS):.1f} req/s",
        ),
    ]
    if thinking is not None:
        think_p99 = thinking["kinds"]["search"]["p99_ms"]
        think_errors = sum(thinking["kinds"][k]["errors"] for k in KINDS)
        errors += think_errors
        at_target = think_clerks >= 200
        rows_out += [
            Row(
                name=f"API search p99, {think_clerks} clerks, think {think:g} s, {engine} {size:,}",
                value=think_p99,
                unit="ms",
                baseline=f"1 clerk p99 {baseline['p99_ms']} ms",
                ratio=round(think_p99 / TARGET_SEARCH_P99_MS, 3),
                target=f"< {TARGET_SEARCH_P99_MS:.0f} ms" + ("" if at_target else " (at 200)"),
                passed=think_p99 < TARGET_SEARCH_P99_MS if at_target else None,
                note=f"{sum(thinking['kinds'][k]['per_s'] for k in KINDS):.1f} req/s; "
                f"load max {thinking['load_max']}",
            ),
            Row(
                name=f"API errors, {think_clerks} clerks, think {think:g} s",
                value=float(think_errors),
                unit="",
                target="0",
                passed=think_errors == 0,
            ),
        ]
    rows_out.append(
        Row(name="API load errors", value=float(errors), unit="", target="0", passed=errors == 0)
    )
    details = {"size": size, "engine": engine, "workers": workers, "seed_s": round(seed_s, 1)}
    details["phases"] = phases
    details["think_phase"] = thinking
    return BenchResult("load", rows_out, details)


def main() -> None:
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description="Load benchmark of the staff API.")
    parser.add_argument("--quick", action="store_true", help="50k results, 10 and 50 clerks")
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--clerks", default="")
    parser.add_argument("--duration", type=float, default=0.0)
    parser.add_argument("--engine", default="postgresql", choices=["postgresql", "sqlite"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--think",
        type=float,
        default=DEFAULT_THINK_S,
        help="mean pause (s, exponential) between a clerk's requests in the think-time phase",
    )
    parser.add_argument(
        "--think-clerks", type=int, default=200, help="clerks of the think-time phase (0: none)"
    )
    parser.add_argument("--think-duration", type=float, default=0.0)
    args = parser.parse_args()
    size = args.size or (50_000 if args.quick else 1_000_000)
    clerks = [int(c) for c in args.clerks.split(",") if c.strip()] or (
        [10, 50] if args.quick else [50, 200]
    )
    seconds = args.duration or (10.0 if args.quick else 60.0)
    # With pauses, requests are sparse: a longer phase gives the p99 enough searches.
    think_seconds = args.think_duration or (30.0 if args.quick else 120.0)
    emit(
        run(
            size,
            clerks,
            seconds,
            args.engine,
            args.workers,
            think_clerks=args.think_clerks,
            think=args.think,
            think_seconds=think_seconds,
        )
    )


if __name__ == "__main__":
    main()
