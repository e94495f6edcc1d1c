"""Server CPU per staff API request, by kind (issue #25 item 4): where a request's time goes.

``bench.load`` showed the staff API CPU-bound from one clerk on (8–15 ms of server CPU per
request). This builds the app in-process as ``bench.load.server_app`` does (``create_app`` with
the same settings, ID masking installed) on an index seeded by ``bench.load.seed`` — SQLite in
a temporary file and PostgreSQL in a fresh schema dropped afterwards — and drives each request
kind of the load benchmark (ID search, name + birth-date search, result export, attach,
reception) ``--count`` times through ``httpx.ASGITransport``, one request at a time, ``--repeats``
times in turn. Reported per kind: the median over repeats of this process's CPU ms per request
(``time.process_time``: every thread, so the handlers that FastAPI runs in its thread pool
count), the same for a trivial ASGI app behind the same client (the harness's own share, to
subtract), SQL statements per request, and on PostgreSQL the CPU of the server's backends
(``/proc``, machine-wide postgres processes). ``--profile KIND`` also prints a cProfile top list
for that kind, with the thread pool bypassed so every frame is in one thread.

    .venv/bin/python -m bench.request_cost [--quick] [--engine sqlite,postgresql] [--size 20000]
        [--count 200] [--repeats 5] [--profile id_search] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from fastapi import FastAPI

from bench.common import exit_on_sigterm
from bench.load import (
    KINDS,
    SECRET,
    STAFF_PER_UNIT,
    UNITS,
    Workload,
    clerk_name,
    one_request,
    seed,
    server_env,
)
from bench.result import BenchResult, Row, emit, load_average
from bench.search import open_engine
from schemas.settings import Settings
from sohoa.api.auth import issue_token
from storage.index.audit import mask_ids_in
from storage.index.db import Index

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """``os.environ`` replaced by ``values`` for a while (Settings reads the environment)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(values)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def build_app(index: Index, data_dir: Path) -> FastAPI:
    """The app exactly as ``bench.load.server_app`` builds it in the server, on ``index``."""
    from sohoa.api.app import create_app
    from sohoa.api.logmask import install_id_masking

    with environment(server_env(index.url, data_dir)):
        settings = Settings()
    install_id_masking()
    return create_app(settings, index=index)


async def trivial_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The cheapest ASGI answer: what the client and transport cost on their own."""
    if scope["type"] != "http":
        return
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})


def postgres_cpu_seconds() -> float:
    """CPU seconds used so far by every process named postgres on this machine (/proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        if name.startswith("postgres"):
            fields = rest.split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class Statements:
    """Counts the SQL statements an engine runs."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


class Driver:
    """Requests of one kind at a time, as the clerks of every unit, one after the other."""

    def __init__(self, app: Any, size: int) -> None:
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench"
        )
        self.work = Workload(size)
        self.rng = random.Random(size)
        self.headers = [
            {"Authorization": f"Bearer {issue_token(SECRET, clerk_name(u, 0), hours=2)[0]}"}
            for u in range(len(UNITS))
        ]
        self.errors: dict[str, str] = {}
        self.sent = 0

    async def run(self, kind: str, count: int) -> None:
        for _ in range(count):
            unit = self.sent % len(UNITS)
            self.sent += 1
            if kind == "trivial":
                response = await self.client.get("/", headers=self.headers[unit])
            else:
                response = await one_request(
                    self.client, self.headers[unit], kind, unit, self.work, self.rng
                )
            if response.status_code >= 400:
                # An error body may echo the request (422): no full ID number in the output.
                sample = mask_ids_in(f"{response.status_code} {response.text[:200]}")
                self.errors.setdefault(kind, sample)


def measure(
    driver: Driver, kinds: list[str], count: int, repeats: int, statements: Statements | None
) -> dict[str, dict[str, Any]]:
    """Per kind: CPU ms per request (median and every repeat), wall ms, statements, PG CPU."""
    runs: dict[str, list[dict[str, float]]] = {kind: [] for kind in kinds}
    loop = asyncio.new_event_loop()
    try:
        for kind in kinds:  # warm-up: first-use imports, pool connections, caches
            loop.run_until_complete(driver.run(kind, max(10, count // 10)))
        for _ in range(repeats):
            for kind in kinds:
                issued = statements.count if statements else 0
                pg_before = postgres_cpu_seconds()
                wall, cpu = time.perf_counter(), time.process_time()
                loop.run_until_complete(driver.run(kind, count))
                cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
                pg = postgres_cpu_seconds() - pg_before
                runs[kind].append(
                    {
                        "cpu_ms": 1000 * cpu / count,
                        "wall_ms": 1000 * wall / count,
                        "pg_cpu_ms": 1000 * pg / count,
                        "statements": ((statements.count if statements else 0) - issued) / count,
                    }
                )
        loop.run_until_complete(driver.client.aclose())
    finally:
        loop.close()
    out: dict[str, dict[str, Any]] = {}
    for kind, measured in runs.items():
        out[kind] = {
            key: round(statistics.median(m[key] for m in measured), 3)
            for key in ("cpu_ms", "wall_ms", "pg_cpu_ms", "statements")
        }
        out[kind]["cpu_ms_runs"] = [round(m["cpu_ms"], 3) for m in measured]
    return out


@contextmanager
def inline_threadpool() -> Iterator[None]:
    """Sync handlers and dependencies run in the event loop's thread (for cProfile)."""
    import fastapi.dependencies.utils
    import fastapi.routing

    async def inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    modules: list[Any] = [fastapi.routing, fastapi.dependencies.utils]
    saved = [module.run_in_threadpool for module in modules]
    for module in modules:
        module.run_in_threadpool = inline
    try:
        yield
    finally:
        for module, original in zip(modules, saved, strict=True):
            module.run_in_threadpool = original


def profile(driver: Driver, kind: str, count: int, top: int = 35) -> str:
    """A cProfile top list (own time, then cumulative) of ``count`` requests of ``kind``."""
    loop = asyncio.new_event_loop()
    profiler = cProfile.Profile(time.process_time)  # CPU, not wall: waits on the DB excluded
    try:
        with inline_threadpool():
            loop.run_until_complete(driver.run(kind, max(10, count // 10)))
            profiler.enable()
            loop.run_until_complete(driver.run(kind, count))
            profiler.disable()
        loop.run_until_complete(driver.client.aclose())
    finally:
        loop.close()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("cumulative").print_stats("/(sohoa|storage|schemas)/", top)  # sohoa's own
    return text.getvalue()


def run_engine(
    engine: str, size: int, count: int, repeats: int, profile_kind: str, kinds: list[str]
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-cost-") as tmp, open_engine(engine) as index:
        started = time.perf_counter()
        seed(index, size)
        print(f"{engine}: seeded {size:,} results in {time.perf_counter() - started:.1f} s")
        app = build_app(index, Path(tmp))
        statements = Statements(index.engine)
        floor = measure(Driver(trivial_app, size), ["trivial"], count, repeats, None)
        driver = Driver(app, size)
        figures = measure(driver, kinds, count, repeats, statements)
        driver_errors = dict(driver.errors)
        if profile_kind:
            driver = Driver(app, size)
            print(f"--- cProfile, {engine}, {count} × {profile_kind} ---")
            print(profile(driver, profile_kind, count))
            driver_errors |= driver.errors
        index.dispose()
    harness = floor["trivial"]["cpu_ms"]
    for kind in kinds:
        figures[kind]["app_cpu_ms"] = round(figures[kind]["cpu_ms"] - harness, 3)
    return {
        "engine": engine,
        "size": size,
        "harness_cpu_ms": harness,
        "kinds": figures,
        "errors": driver_errors,
    }


def print_table(result: dict[str, Any]) -> None:
    print(
        f"{result['engine']}, {result['size']:,} results; harness (client + transport) "
        f"{result['harness_cpu_ms']:.2f} CPU ms/request, included below"
    )
    print(
        f"{'kind':<12} {'CPU ms':>7} {'app ms':>7} {'wall ms':>8} {'PG ms':>6} {'SQL':>5}  "
        "CPU ms of each repeat"
    )
    for kind, k in result["kinds"].items():
        each = " ".join(f"{v:.2f}" for v in k["cpu_ms_runs"])
        print(
            f"{kind:<12} {k['cpu_ms']:>7.2f} {k['app_cpu_ms']:>7.2f} {k['wall_ms']:>8.2f} "
            f"{k['pg_cpu_ms']:>6.2f} {k['statements']:>5.1f}  {each}"
        )


def main() -> None:
    exit_on_sigterm()
    parser = argparse.ArgumentParser(description="Server CPU per staff API request, by kind.")
    parser.add_argument("--quick", action="store_true", help="SQLite only, 20k, 100 × 3")
    parser.add_argument("--engine", default="", help="sqlite,postgresql (default both)")
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--count", type=int, default=0, help="requests per kind and repeat")
    parser.add_argument("--repeats", type=int, default=0)
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--profile", default="", choices=["", *KINDS], metavar="KIND")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    engines = [e.strip() for e in args.engine.split(",") if e.strip()] or (
        ["sqlite"] if args.quick else ["sqlite", "postgresql"]
    )
    count = args.count or (100 if args.quick else 200)
    repeats = args.repeats or (3 if args.quick else 5)
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip() in KINDS]
    print(f"load {load_average()}; {count} requests × {repeats} repeats per kind", flush=True)
    assert STAFF_PER_UNIT >= 1
    results = []
    for engine in engines:
        result = run_engine(engine, args.size, count, repeats, args.profile, kinds)
        print_table(result)
        results.append(result)
    rows = []
    for result in results:
        for kind, k in result["kinds"].items():
            rows.append(
                Row(
                    name=f"API CPU per request, {kind}, {result['engine']} {result['size']:,}",
                    value=k["cpu_ms"],
                    unit="ms",
                    baseline=f"app alone {k['app_cpu_ms']:.2f} ms",
                    note=f"{k['statements']:.0f} SQL statements; harness "
                    f"{result['harness_cpu_ms']:.2f} ms included",
                )
            )
    errors = {f"{r['engine']} {kind}": e for r in results for kind, e in r["errors"].items()}
    rows.append(Row(name="API request cost errors", value=float(len(errors)), unit="", target="0"))
    rows[-1].passed = not errors
    if errors:
        print(f"errors: {errors}")
    details = {"count": count, "repeats": repeats, "load_end": load_average(), "runs": results}
    if args.json:
        args.json.write_text(json.dumps(details, ensure_ascii=False, indent=2), encoding="utf-8")
    emit(BenchResult("request_cost", rows, details))


if __name__ == "__main__":
    main()
