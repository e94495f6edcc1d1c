"""Helpers for the drop-folder and rq tests: settings per test, Redis namespaces, a Redis proxy."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from redis import Redis

from schemas.records import JobOutcome
from schemas.settings import QueueSettings, Settings
from tests.conftest import REDIS_URL

ROOT = Path(__file__).resolve().parents[1]
SOHOA = str(ROOT / ".venv" / "bin" / "sohoa")


class RecordingQueue:
    """A queue that only records what was enqueued (jobs never run): watcher tests without OCR."""

    in_process = False

    def __init__(self) -> None:
        self.enqueued: list[int] = []

    def enqueue_scan(self, scan_id: int) -> JobOutcome | None:
        self.enqueued.append(scan_id)
        return None


def fast_watch(settings: Settings, **extra: float) -> Settings:
    """Watcher timings short enough for tests."""
    watch = settings.watch
    watch.stable_seconds = extra.get("stable_seconds", 0.3)
    watch.max_wait_seconds = extra.get("max_wait_seconds", 2.0)
    watch.rescan_seconds = extra.get("rescan_seconds", 0.0)
    watch.poll_seconds = extra.get("poll_seconds", 0.1)
    watch.retry_seconds = extra.get("retry_seconds", 0.2)
    watch.maintenance_seconds = extra.get("maintenance_seconds", 0.0)
    for folder in watch.drop_dirs:
        folder.mkdir(parents=True, exist_ok=True)
    return settings


def until(check: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


def rq_settings(redis_url: str = REDIS_URL) -> QueueSettings:
    """Queues (and so job IDs) no other test or engineer uses; retries without waiting."""
    token = uuid.uuid4().hex[:10]
    return QueueSettings(
        redis_url=redis_url,
        intake_queue=f"t{token}-intake",
        reocr_queue=f"t{token}-reocr",
        maintenance_queue=f"t{token}-maint",
        retry_intervals_seconds=[0, 0, 0],
        job_timeout_seconds=300,
    )


def cleanup_redis(settings: QueueSettings) -> None:
    """Delete only the keys of this test's queues and jobs."""
    token = settings.intake_queue.split("-")[0]
    connection = Redis.from_url(REDIS_URL)
    try:
        keys = list(connection.scan_iter(match=f"*{token}*", count=500))
        if keys:
            connection.delete(*keys)
        members = [m for m in connection.smembers("rq:queues") if token.encode() in m]
        if members:
            connection.srem("rq:queues", *members)
    finally:
        connection.close()


def env_for(settings: Settings) -> dict[str, str]:
    """Environment that makes a ``sohoa`` subprocess use the same settings."""
    q = settings.queue
    env = dict(os.environ)
    env.update(
        {
            "SOHOA_DATA_DIR": str(settings.data_dir),
            "SOHOA_INDEX__URL": settings.index.url,
            "SOHOA_STORAGE__BACKEND": settings.storage.backend,
            "SOHOA_STORAGE__LOCAL_ROOT": str(settings.storage.local_root),
            "SOHOA_QUEUE__REDIS_URL": q.redis_url,
            "SOHOA_QUEUE__INTAKE_QUEUE": q.intake_queue,
            "SOHOA_QUEUE__REOCR_QUEUE": q.reocr_queue,
            "SOHOA_QUEUE__MAINTENANCE_QUEUE": q.maintenance_queue,
            "SOHOA_QUEUE__RETRY_INTERVALS_SECONDS": str(q.retry_intervals_seconds),
            "SOHOA_QUEUE__JOB_TIMEOUT_SECONDS": str(q.job_timeout_seconds),
            "SOHOA_OCR__SEARCHABLE_PDF": str(settings.ocr.searchable_pdf).lower(),
            "OMP_THREAD_LIMIT": "1",
        }
    )
    return env


class TcpProxy:
    """Forwards a local port to Redis: ``stop()`` makes Redis unreachable, ``start()`` back."""

    def __init__(self, target: tuple[str, int] = ("127.0.0.1", 6379)) -> None:
        self.target = target
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    def url(self, db: int = 15) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        server.listen(16)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        with self._lock:
            for conn in self._conns:
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
            self._conns.clear()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


class Workers:
    """``sohoa worker`` subprocesses started by one test, all killed at its end."""

    def __init__(self, settings: Settings, logs: Path) -> None:
        self.env = env_for(settings)
        self.logs = logs
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        log = (self.logs / f"worker-{len(self.started)}.log").open("wb")
        proc = subprocess.Popen(
            [SOHOA, "worker", *args],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the scheduler dies with it
        )
        self.started.append(proc)
        return proc

    def stop_all(self, grace: float = 0.0) -> None:
        """Warm shutdown (SIGTERM) within ``grace`` seconds, then SIGKILL the whole group."""
        for proc in self.started:
            if grace and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.started:
            if grace and proc.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=grace)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def acceptance_settings(data_dir: Path, index_url: str) -> Settings:
    """Real Redis queues of this test, the given index, watcher timings of a busy counter."""
    settings = Settings.rooted_at(data_dir)
    settings.index.url = index_url
    settings.queue = rq_settings()
    settings.ocr.searchable_pdf = False
    return fast_watch(
        settings,
        stable_seconds=0.6,
        max_wait_seconds=6.0,
        rescan_seconds=1.0,
        poll_seconds=0.2,
        retry_seconds=0.5,
        maintenance_seconds=5.0,
    )


def files_under(root: Path) -> set[str]:
    """Files under root now; the watcher may move files and remove folders meanwhile.

    ``os.walk`` skips a folder that vanished between listing and opening it (``rglob`` raised
    FileNotFoundError there, failing a poll that only had to try again).
    """
    return {
        (Path(folder) / name).relative_to(root).as_posix()
        for folder, _dirs, names in os.walk(root)
        for name in names
    }


def filed_scans(settings: Settings) -> list[str]:
    """Files under the work folder other than sidecars and reason files."""
    files = files_under(settings.watch.work_dir)
    return [f for f in files if not f.endswith((".json", ".error.txt"))]


def log_workers_to(path: Path) -> Callable[[], None]:
    """The ``workers`` loggers' INFO lines written to ``path`` (read when a test fails);
    returns what stops it."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger = logging.getLogger("workers")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def stop() -> None:
        logger.removeHandler(handler)
        logger.setLevel(level)
        handler.close()

    return stop
