"""Issue #6 acceptance: 50 mixed files dropped with two ``sohoa worker`` processes running end
with every good file processed once, every bad one quarantined with its reason, none missing.

Real Redis, real PostgreSQL, real workers (subprocesses), the watcher's own loop (watchdog plus
rescans) in a thread. Mostly ID cards so that OCR stays around a second per file.
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from schemas.dossiers import DossierContext
from schemas.fields import DocType
from sohoa.samples import CLEAN, COUNTER
from storage.index.tables import Result, Scan
from tests.intake_helpers import (
    Workers,
    acceptance_settings,
    cleanup_redis,
    filed_scans,
    files_under,
    log_workers_to,
    until,
)
from tests.samples_helpers import make_scan
from workers.context import write_sidecar
from workers.queues import RqQueue
from workers.services import Services
from workers.watch import DropWatcher

pytestmark = [pytest.mark.slow, pytest.mark.ocr, pytest.mark.redis, pytest.mark.postgres]

UNIT = "000.00.20.H12"
GOOD = 34
DUPLICATES = 6
FORMATS = ("png", "jpeg", "pdf")


class Drop:
    """The 50 files, built in a staging folder, with what each one should become."""

    def __init__(self, staging: Path) -> None:
        self.staging = staging
        self.good: dict[str, str] = {}  # rel path → sha256 (each must end in done/)
        self.bad: dict[str, str] = {}  # rel path → error code in its reason file
        self.late: tuple[str, bytes] = ("", b"")  # written while the watcher runs

    def add(self, rel: str, data: bytes, code: str | None = None) -> Path:
        path = self.staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        if code is None:
            self.good[rel] = hashlib.sha256(data).hexdigest()
        else:
            self.bad[rel] = code
        return path


def _card(staging: Path, seed: int, fmt: str | None = None) -> bytes:
    profile = CLEAN if seed % 2 else COUNTER
    fmt = fmt or FORMATS[seed % len(FORMATS)]
    path, _ = make_scan(staging / "gen", DocType.ID_CARD, seed=seed, profile=profile, fmt=fmt)  # type: ignore[arg-type]
    return path.read_bytes()


def _build(staging: Path) -> Drop:
    drop = Drop(staging)
    cards = []
    for index in range(GOOD):
        data = _card(staging, 100 + index)
        ext = FORMATS[(100 + index) % len(FORMATS)].replace("jpeg", "jpg")
        code = f"{UNIT}-240315-{index + 1:04d}"
        if index % 3 == 0:  # folder convention
            rel = f"{UNIT}/{code}/Căn cước.{ext}"
            drop.add(rel, data)
        elif index % 3 == 1:  # sidecar written by the counter application
            rel = f"quay-1/the-{index:02d}.{ext}"
            write_sidecar(drop.add(rel, data), DossierContext(dossier_code=code))
        else:  # no context at all: still digitized
            rel = f"scan-{index:02d}.{ext}"
            drop.add(rel, data)
        cards.append((rel, data))
    for index, (rel, data) in enumerate(cards[:DUPLICATES]):  # the same paper scanned again
        code = f"{UNIT}-240316-{index + 1:04d}"
        drop.add(f"{UNIT}/{code}/Căn cước bản sao.{Path(rel).suffix[1:]}", data)

    late = _card(staging, 300, "pdf")  # written slowly while the watcher runs, then complete
    drop.good["dang-ghi.pdf"] = hashlib.sha256(late).hexdigest()
    drop.late = ("dang-ghi.pdf", late)

    half = _card(staging, 301, "pdf")
    drop.add("dang-quet.pdf", half[: len(half) * 9 // 10], "corrupt_file")  # never finished
    drop.add("hong.pdf", b"%PDF-1.4\n" + b"\x00" * 600 + b"\n%%EOF\n", "corrupt_file")
    drop.add("rac.pdf", random.Random(6).randbytes(4000), "unsupported_type")
    drop.add("rong.jpg", b"", "empty_file")
    drop.add("ghi chu.txt", "Hồ sơ thiếu trang 2".encode(), "unsupported_type")
    drop.add("don.docx", b"PK\x03\x04" + b"\x00" * 300, "unsupported_type")
    drop.add("cat.pdf", half[: len(half) // 3], "corrupt_file")
    bad_sidecar = drop.add("sai-ma.png", _card(staging, 302), "invalid_dossier_context")
    bad_sidecar.with_name("sai-ma.png.json").write_text('{"dossier_code": "H12-15-3"}')
    drop.add(f"{UNIT}/thang-3/Căn cước.png", _card(staging, 303), "invalid_dossier_context")
    return drop


def _write_late(path: Path, data: bytes) -> None:
    """A scanner writing a PDF over a slow share: pieces for ~3 s, never quiet long enough."""
    with path.open("wb") as handle:
        for start in range(0, len(data), len(data) // 8 + 1):
            handle.write(data[start : start + len(data) // 8 + 1])
            handle.flush()
            time.sleep(0.35)


@pytest.fixture
def services(tmp_path: Path, postgres_url: str) -> Iterator[Services]:
    settings = acceptance_settings(tmp_path / "data", postgres_url)
    services = Services.open(settings)
    yield services
    services.index.dispose()
    cleanup_redis(settings.queue)


def test_fifty_mixed_files_with_two_workers(services: Services, tmp_path: Path) -> None:
    settings = services.settings
    drop_dir = settings.watch.drop_dirs[0]
    staged = _build(tmp_path / "staging")
    (tmp_path / "staging" / "gen").rename(tmp_path / "generated")
    assert len(staged.good) + len(staged.bad) == 50

    workers = Workers(settings, tmp_path)
    watcher = DropWatcher(services, RqQueue(settings.queue))
    stop = threading.Event()
    loop = threading.Thread(target=watcher.run, args=(stop,), daemon=True)
    stop_log = log_workers_to(tmp_path / "watch.log")  # read on failure
    try:
        workers.start()
        workers.start()
        loop.start()
        for source in sorted((tmp_path / "staging").rglob("*")):  # the scanner "drops" them
            if source.is_file():
                target = drop_dir / source.relative_to(tmp_path / "staging")
                target.parent.mkdir(parents=True, exist_ok=True)
                source.rename(target)
        _write_late(drop_dir / staged.late[0], staged.late[1])

        def all_filed() -> bool:
            return len(filed_scans(services.settings)) == 50 and not files_under(
                watcher.layout.processing
            )

        def missing() -> object:
            filed = {
                f.split("/", 1)[1] for f in filed_scans(services.settings) if "processing/" not in f
            }
            lost = (set(staged.good) | set(staged.bad)) - filed
            return lost, files_under(drop_dir), watcher.finisher.tracked, watcher.tracker.pending

        assert until(all_filed, 200, step=0.5), missing()
    finally:
        stop.set()
        loop.join(timeout=30)
        workers.stop_all(grace=10)
        stop_log()

    work = settings.watch.work_dir
    assert files_under(drop_dir) == set()  # none missing: nothing left behind
    done = {
        f.removeprefix("done/") for f in filed_scans(services.settings) if f.startswith("done/")
    }
    quarantined = {
        f.removeprefix("quarantine/")
        for f in filed_scans(services.settings)
        if f.startswith("quarantine/")
    }
    assert done == set(staged.good)
    assert quarantined == set(staged.bad)
    for rel, code in staged.bad.items():
        reason = (work / "quarantine" / f"{rel}.error.txt").read_text("utf-8")
        assert f"Mã lỗi / code: {code}" in reason, (rel, reason)
    assert (work / "quarantine" / "sai-ma.png.json").exists()  # the sidecar went with its file

    unique = set(staged.good.values())
    with services.index.session() as session:
        rows = session.execute(
            select(Scan.sha256, Scan.state, Scan.attempts, func.count(Result.id))
            .join(Result, Result.scan_id == Scan.id, isouter=True)
            .group_by(Scan.id)
        ).all()
    processed = {sha: (state, attempts, results) for sha, state, attempts, results in rows}
    for sha in unique:  # every good paper processed exactly once
        assert processed[sha][0] in ("done", "needs_review")
        assert processed[sha][1:] == (1, 1), processed[sha]
    assert sum(results for _, _, results in processed.values()) == len(unique) == GOOD + 1
