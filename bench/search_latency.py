"""Benchmark: ID-number search latency through the staff API over 100,000 indexed results.

Target (issue #8): p99 < 50 ms on this machine. Each request goes through the whole stack —
token check and user lookup, unit-scoped query, audit record committed, JSON answer.

    .venv/bin/python bench/search_latency.py                 # in-process (FastAPI TestClient)
    .venv/bin/python bench/search_latency.py --uvicorn       # real uvicorn + httpx over TCP
    .venv/bin/python bench/search_latency.py --results 20000 --queries 500

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from schemas.settings import Settings
from schemas.vietnamese import fold
from sohoa.api.app import create_app
from storage.index.db import Index
from storage.index.tables import Result, ResultPerson, Scan
from storage.index.users import Role, create_user
from storage.objects.local import LocalObjectStore

TARGET_P99_MS = 50.0
UNITS = [f"000.00.{20 + i // 10}.H{10 + i % 10:02d}" for i in range(20)]
BENCH_UNIT = UNITS[0]
FAMILY = ["NGUYỄN", "TRẦN", "LÊ", "PHẠM", "HOÀNG", "PHAN", "VŨ", "ĐẶNG", "BÙI", "ĐỖ"]
MIDDLE = ["VĂN", "THỊ", "ĐỨC", "MINH", "NGỌC", "HỮU", "THANH", "QUỐC"]
GIVEN = ["AN", "BÌNH", "CƯỜNG", "DUNG", "ĐỨC", "GIANG", "HÀ", "HẢI", "HƯƠNG", "KHOA", "LAN"]
CHUNK = 10_000


def _id_number(rng: random.Random, born: date, serial: int) -> str:
    province = rng.randint(1, 96)
    century = 0 if born.year < 2000 else 2
    sex = rng.randint(0, 1)
    return f"{province:03d}{century + sex}{born.year % 100:02d}{serial % 1_000_000:06d}"


def fill_index(index: Index, count: int, seed: int = 8) -> list[str]:
    """Bulk-insert ``count`` scans, current results and owners; returns the owners' IDs."""
    rng = random.Random(seed)
    ids: list[str] = []
    with index.engine.begin() as connection:
        for start in range(0, count, CHUNK):
            scans: list[dict[str, Any]] = []
            results: list[dict[str, Any]] = []
            people: list[dict[str, Any]] = []
            for n in range(start + 1, min(start + CHUNK, count) + 1):
                born = date(1940, 1, 1) + timedelta(days=rng.randint(0, 30_000))
                id_number = _id_number(rng, born, n)
                name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
                sha = f"{n:064x}"
                unit = rng.choice(UNITS)
                is_card = n % 2 == 0
                fields = {"full_name": name, "date_of_birth": born.isoformat()}
                fields["id_number"] = id_number
                scans.append(
                    {
                        "id": n,
                        "sha256": sha,
                        "filename": f"scan-{n}.pdf",
                        "size_bytes": 1000,
                        "original_key": f"originals/{sha}",
                        "state": "done",
                        "current_version": 1,
                        "unit_code": unit,
                    }
                )
                results.append(
                    {
                        "id": n,
                        "scan_id": n,
                        "version": 1,
                        "is_current": True,
                        "doc_type": "id_card" if is_card else "birth_certificate",
                        "owner_id_number": id_number,
                        "owner_name": name,
                        "owner_date_of_birth": born,
                        "document_number": id_number if is_card else f"{n}/2020",
                        "valid_until": born + timedelta(days=365 * 60) if is_card else None,
                        "fields": fields,
                        "review_reasons": [],
                        "engine": {},
                        "derived_prefix": f"derived/{sha}/v1/",
                        "unit_code": unit,
                        "shared": n % 50 == 0,
                    }
                )
                people.append(
                    {
                        "result_id": n,
                        "role": "owner",
                        "id_number": id_number,
                        "name": name,
                        "name_key": fold(name),
                        "date_of_birth": born,
                        "is_current": True,
                    }
                )
                ids.append(id_number)
            connection.execute(insert(Scan), scans)
            connection.execute(insert(Result), results)
            connection.execute(insert(ResultPerson), people)
    return ids


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _client(app: Any, use_uvicorn: bool) -> Iterator[httpx.Client]:
    """A real uvicorn server on loopback with a keep-alive httpx client, or a TestClient."""
    if not use_uvicorn:
        from fastapi.testclient import TestClient

        with TestClient(app) as test_client:  # one event loop for the run, as a server has
            yield test_client
        return
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _percentile(sorted_ms: list[float], q: float) -> float:
    return sorted_ms[min(len(sorted_ms) - 1, round(q * (len(sorted_ms) - 1)))]


def run(results: int, queries: int, use_uvicorn: bool) -> int:
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-") as tmp:
        settings = Settings.rooted_at(Path(tmp))
        settings.api.secret_key = "bench-secret"
        index = Index(settings.index.url)
        index.create_schema()
        started = time.perf_counter()
        ids = fill_index(index, results)
        print(f"indexed {results:,} results in {time.perf_counter() - started:.1f} s")
        with index.session() as session:
            create_user(session, "bench", "bench-password", Role.STAFF, BENCH_UNIT)
        app = create_app(settings, index=index, store=LocalObjectStore(settings.storage.local_root))

        with ExitStack() as stack:
            client = stack.enter_context(_client(app, use_uvicorn))
            token = client.post(
                "/api/login", json={"username": "bench", "password": "bench-password"}
            ).json()["access_token"]
            headers = {"Authorization": f"Bearer {token}"}
            rng = random.Random(2024)
            sample = [rng.choice(ids) for _ in range(queries)]
            for id_number in sample[:100]:  # warm-up
                client.post("/api/search/id-number", json={"id_number": id_number}, headers=headers)
            timings, hits = [], 0
            for id_number in sample:
                t0 = time.perf_counter()
                response = client.post(
                    "/api/search/id-number", json={"id_number": id_number}, headers=headers
                )
                timings.append((time.perf_counter() - t0) * 1000)
                response.raise_for_status()
                hits += response.json()["count"]
        timings.sort()
        p50, p90, p99 = (_percentile(timings, q) for q in (0.50, 0.90, 0.99))
        mode = "uvicorn+httpx" if use_uvicorn else "TestClient"
        print(f"{queries} ID-number searches via {mode} ({hits} hits visible to unit {BENCH_UNIT})")
        print(f"p50 {p50:.2f} ms   p90 {p90:.2f} ms   p99 {p99:.2f} ms   max {timings[-1]:.2f} ms")
        print(f"mean {statistics.fmean(timings):.2f} ms; target p99 < {TARGET_P99_MS:.0f} ms")
        ok = p99 < TARGET_P99_MS
        print("PASS" if ok else "FAIL")
        index.dispose()
        return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--results", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--uvicorn", action="store_true", help="real server over TCP")
    args = parser.parse_args()
    raise SystemExit(run(args.results, args.queries, args.uvicorn))


if __name__ == "__main__":
    main()
