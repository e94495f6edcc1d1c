"""Workers on several machines: the watcher and two ``sohoa worker`` processes share only Redis,
PostgreSQL and the S3 endpoint (moto's server on loopback), nothing of the local disk.

Each "machine" is a folder of its own holding the process's data dir, work dir, HOME, TMPDIR and
current directory. Where unprivileged user namespaces are allowed, each worker also runs in a
mount namespace in which the watcher's and the other worker's folders are covered by an empty
tmpfs, so a worker that tried to read the drop folder (or the other's scratch) would find
nothing there; elsewhere (CI runners that forbid them) the same test runs without that cover.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import Worker
from rq.job import Job
from rq.serializers import JSONSerializer
from sqlalchemy import func, select

from schemas.fields import DocType
from schemas.settings import QueueSettings, StorageSettings
from storage.index.db import Index
from storage.index.tables import Result, Scan
from tests.intake_helpers import SOHOA, cleanup_redis, files_under, rq_settings, until
from tests.samples_helpers import make_scan
from tests.storage_fixtures import (
    drop_bucket,
    moto_endpoint,  # noqa: F401 - a fixture: pytest finds it by name
    moto_settings,
)
from workers.queues import scan_job_id

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.ocr, pytest.mark.slow]

# Small one-page scans of several kinds: about 2-4 s of OCR each on one core.
DOCUMENTS = [
    (DocType.ID_CARD, 61),
    (DocType.BIRTH_CERTIFICATE, 62),
    (DocType.ID_CARD, 63),
    (DocType.MARRIAGE_CERTIFICATE, 64),
    (DocType.ID_CARD, 65),
    (DocType.DEATH_CERTIFICATE, 66),
]
FINISHED = {"done", "needs_review"}


class Machine:
    """One host's local disk: data dir, HOME, TMPDIR, current directory, a log."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.home = root / "home"
        self.tmp = root / "tmp"
        for folder in (self.data, self.home, self.tmp):
            folder.mkdir(parents=True)
        self.log = root / "process.log"

    def env(
        self, queue: QueueSettings, storage: StorageSettings, index_url: str, **extra: str
    ) -> dict[str, str]:
        keep = ("PATH", "LANG", "LC_ALL", "TESSDATA_PREFIX", "VIRTUAL_ENV")
        env = {key: os.environ[key] for key in keep if key in os.environ}
        env.update(
            {
                "HOME": str(self.home),
                "TMPDIR": str(self.tmp),
                "PYTHONUNBUFFERED": "1",
                "OMP_THREAD_LIMIT": "1",
                "SOHOA_DATA_DIR": str(self.data),
                "SOHOA_INDEX__URL": index_url,
                "SOHOA_STORAGE__BACKEND": "minio",
                "SOHOA_STORAGE__MINIO_ENDPOINT": storage.minio_endpoint,
                "SOHOA_STORAGE__MINIO_ACCESS_KEY": storage.minio_access_key,
                "SOHOA_STORAGE__MINIO_SECRET_KEY": storage.minio_secret_key,
                "SOHOA_STORAGE__MINIO_BUCKET": storage.minio_bucket,
                "SOHOA_QUEUE__REDIS_URL": queue.redis_url,
                "SOHOA_QUEUE__INTAKE_QUEUE": queue.intake_queue,
                "SOHOA_QUEUE__REOCR_QUEUE": queue.reocr_queue,
                "SOHOA_QUEUE__MAINTENANCE_QUEUE": queue.maintenance_queue,
                "SOHOA_QUEUE__RETRY_INTERVALS_SECONDS": json.dumps(queue.retry_intervals_seconds),
                "SOHOA_QUEUE__JOB_TIMEOUT_SECONDS": str(queue.job_timeout_seconds),
                "SOHOA_OCR__SEARCHABLE_PDF": "false",
            }
        )
        env.update(extra)
        return env

    def start(self, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with self.log.open("ab") as log:
            return subprocess.Popen(
                argv,
                env=env,
                cwd=self.root,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: horse and scheduler go with it
            )

    def log_tail(self, lines: int = 25) -> str:
        text = self.log.read_text("utf-8", "replace") if self.log.exists() else ""
        return f"--- {self.root.name}\n" + "\n".join(text.splitlines()[-lines:])


def _namespaces_usable() -> bool:
    """Whether an unprivileged user + mount namespace can be made here (not on every CI)."""
    if shutil.which("unshare") is None:
        return False
    probe = 'd=$(mktemp -d) && mount -t tmpfs tmpfs "$d" && umount "$d" && rmdir "$d"'
    try:
        done = subprocess.run(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", probe],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _hiding(paths: list[Path], argv: list[str]) -> list[str]:
    """``argv`` run where each of ``paths`` is an empty tmpfs (same PID; the program execs)."""
    mounts = " && ".join(f"mount -t tmpfs tmpfs {shlex.quote(str(p))}" for p in paths)
    command = f"{mounts} && exec {shlex.join(argv)}"
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", command]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def queue() -> Iterator[QueueSettings]:
    settings = rq_settings()
    yield settings
    cleanup_redis(settings)


@pytest.fixture
def storage(moto_endpoint: str) -> Iterator[StorageSettings]:  # noqa: F811 - the fixture
    settings = moto_settings(moto_endpoint)
    yield settings
    drop_bucket(settings)


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    processes: list[subprocess.Popen[bytes]] = []
    yield processes
    for process in processes:  # warm shutdown first, then the whole group
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _workers_by_pid(queue: QueueSettings) -> dict[int, str]:
    """PID → rq worker name of the workers listening on this test's intake queue."""
    connection = Redis.from_url(queue.redis_url)
    try:
        from rq import Queue

        intake = Queue(queue.intake_queue, connection=connection, serializer=JSONSerializer)
        return {w.pid: w.name for w in Worker.all(queue=intake) if w.pid}
    finally:
        connection.close()


def _worker_of_jobs(queue: QueueSettings, scan_ids: list[int]) -> dict[int, str]:
    """scan ID → name of the rq worker that ran its intake job (kept for a day by rq)."""
    connection = Redis.from_url(queue.redis_url)
    try:
        ran: dict[int, str] = {}
        for scan_id in scan_ids:
            job = Job.fetch(
                scan_job_id(queue, scan_id), connection=connection, serializer=JSONSerializer
            )
            ran[scan_id] = job.worker_name or ""
        return ran
    finally:
        connection.close()


def test_watcher_and_two_workers_share_no_local_disk(
    tmp_path: Path,
    postgres_url: str,
    queue: QueueSettings,
    storage: StorageSettings,
    started: list[subprocess.Popen[bytes]],
) -> None:
    watcher_host = Machine(tmp_path / "counter-pc")
    worker_hosts = [Machine(tmp_path / "worker-a"), Machine(tmp_path / "worker-b")]
    drop = watcher_host.data / "drop"
    work_dir = watcher_host.data / "intake"
    drop.mkdir()

    # The index schema exists before anyone starts (as after `sohoa` is installed once).
    Index(postgres_url).create_schema()

    hide = _namespaces_usable()
    if hide:  # the cover works: a worker's view of the counter PC's folder is empty
        (drop / "probe.txt").write_text("x")
        seen = subprocess.run(
            _hiding([watcher_host.root], ["ls", "-A", str(watcher_host.root)]),
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        )
        assert seen.stdout == ""
        (drop / "probe.txt").unlink()
    for n, host in enumerate(worker_hosts):
        env = host.env(queue, storage, postgres_url)
        # Nothing a worker is told names another machine's disk.
        assert not any(str(tmp_path / "counter-pc") in value for value in env.values())
        argv = [SOHOA, "worker"]
        if hide:
            others = [watcher_host.root, worker_hosts[1 - n].root]
            argv = _hiding(others, argv)
        started.append(host.start(argv, env))

    # Both workers up and waiting before anything is dropped, so both get work.
    def both_registered() -> bool:
        pids = _workers_by_pid(queue)
        return all(p.pid in pids for p in started)

    assert until(both_registered, 40, step=0.2), "\n".join(h.log_tail() for h in worker_hosts)
    names = _workers_by_pid(queue)
    name_of = {n: names[p.pid] for n, p in enumerate(started)}

    watcher_env = watcher_host.env(
        queue,
        storage,
        postgres_url,
        SOHOA_WATCH__DROP_DIRS=json.dumps([str(drop)]),
        SOHOA_WATCH__WORK_DIR=str(work_dir),
        SOHOA_WATCH__STABLE_SECONDS="0.3",
        SOHOA_WATCH__MAX_WAIT_SECONDS="3",
        SOHOA_WATCH__RESCAN_SECONDS="1",
        SOHOA_WATCH__POLL_SECONDS="0.2",
        SOHOA_WATCH__RETRY_SECONDS="0.5",
        SOHOA_WATCH__MAINTENANCE_SECONDS="5",
    )
    started.append(watcher_host.start([SOHOA, "watch"], watcher_env))

    # Scans made elsewhere, then landed in the drop folder by rename (as a scanner should).
    staging = tmp_path / "scanner"
    dropped: dict[str, str] = {}  # file name → sha256
    for n, (doc_type, seed) in enumerate(DOCUMENTS):
        path, _ = make_scan(staging, doc_type, seed=seed, fmt="jpeg", stem=f"scan-{n}")
        dropped[path.name] = _sha(path)
    for name in dropped:
        shutil.copyfile(staging / name, drop / f".{name}.part")
        (drop / f".{name}.part").rename(drop / name)

    index = Index(postgres_url)

    def all_filed() -> bool:
        with index.session() as session:
            states = list(session.scalars(select(Scan.state)))
        done = {Path(f).name for f in files_under(work_dir / "done")}
        return len(states) == len(dropped) and set(states) <= FINISHED and set(dropped) <= done

    logs = lambda: "\n".join(h.log_tail() for h in [watcher_host, *worker_hosts])  # noqa: E731
    assert until(all_filed, 75, step=0.3), logs()

    # Every file once: one scan, one result, one attempt each; nothing left behind.
    with index.session() as session:
        scans = session.execute(
            select(Scan.id, Scan.sha256, Scan.state, Scan.attempts, Scan.current_version)
        ).all()
        results = session.execute(
            select(Result.scan_id, func.count()).group_by(Result.scan_id)
        ).all()
    index.dispose()
    assert sorted(s.sha256 for s in scans) == sorted(dropped.values())
    assert all(s.state in FINISHED and s.attempts == 1 and s.current_version == 1 for s in scans)
    assert sorted(results) == sorted((s.id, 1) for s in scans)
    assert sorted(Path(f).name for f in files_under(work_dir / "done")) == sorted(dropped)
    assert not files_under(drop) and not files_under(work_dir / "processing")
    assert not (work_dir / "quarantine").exists() or not files_under(work_dir / "quarantine")

    # Both workers ran something: rq records which worker ran each job.
    ran = _worker_of_jobs(queue, [s.id for s in scans])
    assert set(ran.values()) <= set(name_of.values()), ran
    for n, name in name_of.items():
        assert name in ran.values(), f"worker {n} ran nothing: {ran}\n{logs()}"

    # The workers' disks hold nothing of the drop folder: no file of that name or content.
    for process in started:
        process.send_signal(signal.SIGTERM)
    for process in started:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=15)
    for host in worker_hosts:
        assert (host.data / "tmp").is_dir()  # its scratch lived on its own disk
        for rel in files_under(host.root):
            path = host.root / rel
            assert path.name not in dropped, rel
            if path.is_file() and not path.is_symlink():
                assert _sha(path) not in dropped.values(), rel
        assert str(drop) not in host.log.read_text("utf-8", "replace")
