"""What several benchmarks share: a throw-away sohoa deployment on the real Redis, process trees.

Each run gets a fresh data dir and queue names with a unique token, so it never touches another
run's (or another engineer's) jobs on the shared Redis, and removes its own keys afterwards.
Services are reached on loopback only; override with ``SOHOA_BENCH_REDIS_URL`` and
``SOHOA_BENCH_POSTGRES_URL``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from schemas.settings import Settings

REPO = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
REDIS_URL = os.environ.get("SOHOA_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
POSTGRES_URL = os.environ.get(
    "SOHOA_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
FINISHED_STATES = ("done", "needs_review", "quarantined", "failed")


def tool(name: str) -> str:
    """A program from this virtual environment (sohoa, ocrmypdf), else from PATH."""
    local = VENV_BIN / name
    return str(local) if local.exists() else name


@dataclass
class Deployment:
    """A fresh sohoa data dir (local object store + SQLite index) on unique rq queues."""

    data_dir: Path
    redis_url: str = REDIS_URL
    index_url: str = ""
    token: str = field(default_factory=lambda: f"bench{uuid.uuid4().hex[:10]}")

    def __post_init__(self) -> None:
        self.data_dir = self.data_dir.absolute()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.index_url:
            self.index_url = f"sqlite:///{self.data_dir / 'sohoa.db'}"

    @property
    def intake_queue(self) -> str:
        return f"{self.token}-intake"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of a ``sohoa`` subprocess of this deployment."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
        env.update(
            {
                "SOHOA_DATA_DIR": str(self.data_dir),
                "SOHOA_STORAGE__BACKEND": "local",
                "SOHOA_STORAGE__LOCAL_ROOT": str(self.data_dir / "objects"),
                "SOHOA_INDEX__URL": self.index_url,
                "SOHOA_QUEUE__REDIS_URL": self.redis_url,
                "SOHOA_QUEUE__INTAKE_QUEUE": self.intake_queue,
                "SOHOA_QUEUE__REOCR_QUEUE": f"{self.token}-reocr",
                "SOHOA_QUEUE__MAINTENANCE_QUEUE": f"{self.token}-maintenance",
                "SOHOA_WATCH__WORK_DIR": str(self.data_dir / "intake"),
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(extra)
        return env

    def settings(self) -> Settings:
        """The same configuration as a Settings object, for in-process intake and polling."""
        settings = Settings.rooted_at(self.data_dir)
        settings.index.url = self.index_url
        settings.queue.redis_url = self.redis_url
        settings.queue.intake_queue = self.intake_queue
        settings.queue.reocr_queue = f"{self.token}-reocr"
        settings.queue.maintenance_queue = f"{self.token}-maintenance"
        return settings

    def start(self, args: list[str], log_name: str, **extra_env: str) -> subprocess.Popen[bytes]:
        """Start ``sohoa <args>`` with this deployment's environment, output to a log file."""
        log = (self.data_dir / log_name).open("wb")
        return subprocess.Popen(
            [tool("sohoa"), *args],
            env=self.env(**extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.data_dir,
        )

    def log_tail(self, log_name: str, lines: int = 15) -> str:
        path = self.data_dir / log_name
        if not path.exists():
            return ""
        return "\n".join(path.read_text("utf-8", "replace").splitlines()[-lines:])

    def clean_redis(self) -> int:
        """Delete every Redis key carrying this run's token (queues, jobs, registries)."""
        from redis import Redis

        connection = Redis.from_url(self.redis_url, socket_connect_timeout=5)
        doomed = list(connection.scan_iter(match=f"*{self.token}*", count=1000))
        for start in range(0, len(doomed), 500):
            connection.delete(*doomed[start : start + 500])
        connection.close()
        return len(doomed)


def stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> None:
    """Ask a process we started to stop (SIGTERM, rq's warm shutdown), then kill it."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds passed; whether it became true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return predicate()


def _status_kb(pid: int | str, key: str) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith(key):
            return int(line.split()[1])
    return None


def peak_rss_mb(pid: int | str = "self") -> float | None:
    """The process's own peak resident size (VmHWM), in MB.

    Not ``ru_maxrss``: Linux carries that over from the parent through fork and exec, so a
    program started by a big Python process would report at least the parent's size.
    VmHWM belongs to the memory map made at exec and counts only the program itself.
    """
    kb = _status_kb(pid, "VmHWM:")
    return None if kb is None else round(kb / 1024, 1)


def children_of(pid: int | str = "self") -> list[int]:
    """Direct child processes (Linux /proc)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def command_of(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "?"
    return " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)[:120]


def exit_on_sigterm() -> None:
    """SIGTERM becomes SystemExit, so ``finally`` blocks still drop schemas, keys, processes."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
