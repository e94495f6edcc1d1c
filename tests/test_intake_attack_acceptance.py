"""Issue #20 acceptance: the fault run (a worker killed with -9, Redis emptied, PostgreSQL
gone for a while) with attacks dropped among the files — an overlong sidecar, a unit code that
climbs out of the folder, two symlinks, a PDF bomb. Nothing lost, nothing processed twice, each
bad file quarantined with its reason, and a file dropped behind the bomb taken within 10 s.

Real Redis, real PostgreSQL (behind a proxy that can be cut), real ``sohoa worker`` processes,
the watcher's own loop in a thread.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sqlalchemy import func, select

from schemas.fields import DocType
from schemas.records import ScanState
from sohoa.samples import CLEAN, COUNTER
from storage.index.tables import Result, Scan
from tests.intake_helpers import (
    TcpProxy,
    Workers,
    acceptance_settings,
    cleanup_redis,
    filed_scans,
    files_under,
    log_workers_to,
    until,
)
from tests.samples_helpers import make_scan
from workers.queues import RqQueue
from workers.services import Services
from workers.watch import DropWatcher

pytestmark = [pytest.mark.slow, pytest.mark.ocr, pytest.mark.redis, pytest.mark.postgres]

UNIT = "000.00.20.H12"
GOOD = 20
DUPLICATES = 4


def _card(generated: Path, seed: int) -> bytes:
    fmt = ("png", "jpeg", "pdf")[seed % 3]
    profile = CLEAN if seed % 2 else COUNTER
    path, _ = make_scan(generated, DocType.ID_CARD, seed=seed, profile=profile, fmt=fmt)  # type: ignore[arg-type]
    return path.read_bytes()


def _bomb() -> bytes:
    """499 blank pages of 40×40 inches: 285 KB that would be 1 GB a page to render."""
    writer = PdfWriter()
    for _ in range(499):
        writer.add_blank_page(width=40 * 72, height=40 * 72)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class Drop:
    """What is dropped, and what each file must become."""

    def __init__(self, staging: Path, generated: Path) -> None:
        self.staging = staging
        self.generated = generated
        self.good: dict[str, str] = {}  # rel path → sha256 (each must end in done/)
        self.bad: dict[str, str] = {}  # rel path → what its reason file must say

    def add(self, rel: str, data: bytes, reason: str | None = None) -> Path:
        path = self.staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if reason is None:
            self.good[rel] = hashlib.sha256(data).hexdigest()
        else:
            self.bad[rel] = reason
        return path

    def sidecar(self, path: Path, **values: str) -> None:
        path.with_name(path.name + ".json").write_text(json.dumps(values), encoding="utf-8")


def _build(staging: Path, generated: Path, outside: Path) -> Drop:
    drop = Drop(staging, generated)
    cards = []
    for index in range(GOOD):
        data = _card(generated, 400 + index)
        ext = ("png", "jpg", "pdf")[(400 + index) % 3]
        code = f"{UNIT}-240401-{index + 1:04d}"
        rel = f"{UNIT}/{code}/Căn cước.{ext}" if index % 2 else f"quay-2/the-{index:02d}.{ext}"
        path = drop.add(rel, data)
        if index % 2 == 0:
            drop.sidecar(path, dossier_code=code, component="Căn cước")
        cards.append((rel, data))
    for index, (rel, data) in enumerate(cards[:DUPLICATES]):  # the same paper again
        code = f"{UNIT}-240402-{index + 1:04d}"
        drop.add(f"{UNIT}/{code}/Căn cước bản sao.{Path(rel).suffix[1:]}", data)

    code = f"{UNIT}-240403-0001"
    long_field = drop.add("dai-qua.png", _card(generated, 450), "field")
    drop.sidecar(long_field, dossier_code=code, component="Căn cước", field="F" * 300)
    climbing = drop.add("leo-thu-muc.png", _card(generated, 451), "invalid_dossier_context")
    drop.sidecar(climbing, dossier_code=code, component="Căn cước", unit_code="../../etc")
    drop.add("bom.pdf", _bomb(), "document_too_large")
    secret = outside / "hostname"
    secret.write_text("may-chu-noi-bo\n", encoding="utf-8")
    picture = outside / "anh-ngoai.png"
    picture.write_bytes(_card(generated, 452))
    for name, target in (("hostname.pdf", secret), ("anh.png", picture)):
        os.symlink(target, staging / name)
        drop.bad[name] = "liên kết"
    return drop


@pytest.fixture
def pg_proxy() -> Iterator[TcpProxy]:
    proxy = TcpProxy(("127.0.0.1", 5432))
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def services(tmp_path: Path, postgres_url: str, pg_proxy: TcpProxy) -> Iterator[Services]:
    behind_proxy = postgres_url.replace("127.0.0.1:5432", f"127.0.0.1:{pg_proxy.port}")
    assert behind_proxy != postgres_url, "the test PostgreSQL is not on 127.0.0.1:5432"
    settings = acceptance_settings(tmp_path / "data", behind_proxy)
    settings.queue.retry_intervals_seconds = [2, 5, 10]
    services = Services.open(settings)
    yield services
    services.index.dispose()
    cleanup_redis(settings.queue)


def _busy_worker(services: Services) -> bool:
    with services.index.session() as session:
        return bool(session.scalar(select(Scan.id).where(Scan.state == ScanState.PROCESSING.value)))


def test_faults_and_attacks_lose_nothing_and_stop_nothing(
    services: Services, pg_proxy: TcpProxy, tmp_path: Path
) -> None:
    settings = services.settings
    drop_dir = settings.watch.drop_dirs[0]
    outside = tmp_path / "outside"
    outside.mkdir()
    staged = _build(tmp_path / "staging", tmp_path / "generated", outside)
    behind_the_bomb = _card(tmp_path / "generated", 453)
    staged.good["sau-bom.png"] = hashlib.sha256(behind_the_bomb).hexdigest()

    workers = Workers(settings, tmp_path)
    watcher = DropWatcher(services, RqQueue(settings.queue))
    stop = threading.Event()
    loop = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    stop_log = log_workers_to(tmp_path / "watch.log")  # read on failure
    try:
        doomed = workers.start()
        workers.start()
        loop.start()
        for source in sorted((tmp_path / "staging").rglob("*")):  # the scanner "drops" them
            if source.is_file() or source.is_symlink():
                target = drop_dir / source.relative_to(tmp_path / "staging")
                target.parent.mkdir(parents=True, exist_ok=True)
                source.rename(target)
        (drop_dir / "sau-bom.png").write_bytes(behind_the_bomb)
        dropped = time.monotonic()
        assert until(lambda: not (drop_dir / "sau-bom.png").exists(), 10, 0.05)
        taken_after = time.monotonic() - dropped

        assert until(lambda: _busy_worker(services), 60, 0.05)
        os.killpg(doomed.pid, signal.SIGKILL)  # power cut on one worker, mid-job
        doomed.wait(timeout=10)
        workers.start()
        time.sleep(2)
        cleanup_redis(settings.queue)  # Redis back empty: every queued job is gone
        time.sleep(2)
        pg_proxy.stop()  # PostgreSQL gone for 8 s
        time.sleep(8)
        pg_proxy.start()

        expected = len(staged.good) + len(staged.bad)

        def all_filed() -> bool:
            return len(filed_scans(services.settings)) == expected and not files_under(
                watcher.layout.processing
            )

        def missing() -> object:
            filed = {
                f.split("/", 1)[1] for f in filed_scans(services.settings) if "processing/" not in f
            }
            lost = (set(staged.good) | set(staged.bad)) - filed
            return lost, files_under(drop_dir), watcher.finisher.tracked

        assert until(all_filed, 400, step=0.5), missing()
    finally:
        stop.set()
        loop.join(timeout=30)
        workers.stop_all(grace=10)
        stop_log()

    assert taken_after < 10
    work = settings.watch.work_dir
    assert files_under(drop_dir) == set()
    done = {
        f.removeprefix("done/") for f in filed_scans(services.settings) if f.startswith("done/")
    }
    parked = {
        f.removeprefix("quarantine/")
        for f in filed_scans(services.settings)
        if f.startswith("quarantine/")
    }
    assert done == set(staged.good)
    assert parked == set(staged.bad)
    for rel, says in staged.bad.items():
        reason = (work / "quarantine" / f"{rel}.error.txt").read_text("utf-8")
        assert says in reason, (rel, reason)
    assert (outside / "hostname").read_text(encoding="utf-8") == "may-chu-noi-bo\n"

    unique = set(staged.good.values())
    with services.index.session() as session:
        rows = session.execute(
            select(Scan.sha256, Scan.state, func.count(Result.id))
            .join(Result, Result.scan_id == Scan.id, isouter=True)
            .group_by(Scan.id)
        ).all()
    processed = {sha: (state, results) for sha, state, results in rows}
    for sha in unique:  # every good paper processed exactly once
        assert processed[sha] in (("done", 1), ("needs_review", 1)), processed[sha]
    symlinked = hashlib.sha256((outside / "anh-ngoai.png").read_bytes()).hexdigest()
    assert symlinked not in processed  # nothing a link pointed to was stored
    assert sum(results for _, results in processed.values()) == len(unique) == GOOD + 1
